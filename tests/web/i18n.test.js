// i18n.test.js — every word the UI shows exists in both languages: each zh-CN/<area>.json has
// an en/<area>.json with the same keys, and every t('area.key') written in web/src names a key
// that exists (a typo would show the raw key to users).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../../web/src/', import.meta.url).pathname
const dir = (lang) => join(root, 'i18n', lang)

function keys(obj, prefix = '') {
  const out = []
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') out.push(...keys(v, prefix + k + '.'))
    else out.push(prefix + k)
  }
  return out
}

function catalog(lang) {
  const out = {}
  for (const f of readdirSync(dir(lang)).filter((f) => f.endsWith('.json')))
    out[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir(lang), f), 'utf8'))
  return out
}

test('zh-CN and en have the same files and keys', () => {
  const zh = catalog('zh-CN')
  const en = catalog('en')
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort())
  for (const ns of Object.keys(zh)) {
    const missing = keys(zh[ns]).filter((k) => !keys(en[ns]).includes(k))
    const extra = keys(en[ns]).filter((k) => !keys(zh[ns]).includes(k))
    assert.deepEqual(missing, [], `${ns}: keys without English`)
    assert.deepEqual(extra, [], `${ns}: English keys without Chinese`)
  }
})

function sources(path, out = []) {
  for (const name of readdirSync(path)) {
    const p = join(path, name)
    if (statSync(p).isDirectory()) sources(p, out)
    else if (/\.(vue|js)$/.test(name)) out.push(p)
  }
  return out
}

test("every t('…') literal in the UI names an existing key", () => {
  const zh = catalog('zh-CN')
  const known = new Set(Object.entries(zh).flatMap(([ns, obj]) => keys(obj).map((k) => ns + '.' + k)))
  const unknown = []
  for (const file of sources(root).filter((f) => !f.endsWith('i18n/index.js'))) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\bt\(\s*'([a-z_]+\.[A-Za-z0-9_.]+)'/g)) {
      // t('tickets.status.' + s): a prefix, which must lead to at least one key
      const ok = m[1].endsWith('.') ? [...known].some((k) => k.startsWith(m[1])) : known.has(m[1])
      if (!ok) unknown.push(`${file.slice(root.length)}: ${m[1]}`)
    }
  }
  assert.deepEqual(unknown, [])
})
