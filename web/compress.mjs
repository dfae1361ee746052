// compress.mjs — writes FILE.gz beside every built file worth compressing, so the server sends
// pre-compressed copies (DESIGN.md "Web files") without compressing on each request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

const dist = new URL('./dist/', import.meta.url).pathname
const worth = /\.(html|js|mjs|css|svg|json|txt|map|ttf|ico)$/
let files = 0
let raw = 0
let packed = 0

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (worth.test(name)) {
      const data = readFileSync(path)
      const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION })
      if (gz.length < data.length) {
        writeFileSync(path + '.gz', gz)
        files++
        raw += data.length
        packed += gz.length
      }
    }
  }
}

walk(dist)
console.log(`compress: ${files} files, ${raw} bytes → ${packed} bytes gzip`)
