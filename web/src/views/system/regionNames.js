// regionNames.js — the names of region grant codes for the users page ("330000" → 浙江省,
// "330100" → 浙江省/杭州市, "000000" → 全国), from GET /api/v1/regions level by level,
// each parent's children fetched once per page load.
import { reactive } from 'vue'
import { get } from '@/api/request'
import { t } from '@/i18n'

const names = reactive({})
const pending = new Map()

function children(parent) {
  if (!pending.has(parent)) {
    pending.set(
      parent,
      get('/api/v1/regions', parent ? { parent } : undefined, { silent: true })
        .then((res) => {
          for (const r of res.items || []) names[r.code] = r.name
        })
        .catch(() => pending.delete(parent)),
    )
  }
  return pending.get(parent)
}

// The codes of the path to code: 330106 → [330000, 330100, 330106].
export function regionPath(code) {
  if (!code || !/^\d{6}$/.test(code) || code === '000000') return code ? [code] : []
  const out = [code.slice(0, 2) + '0000']
  if (code.slice(2, 4) !== '00') out.push(code.slice(0, 4) + '00')
  if (code.slice(4) !== '00') out.push(code)
  return out
}

// Loads what the names of these codes need (the provinces, and the cities' or districts'
// parents).
export async function loadRegionNames(codes) {
  const parents = new Set([''])
  for (const c of codes) {
    const path = regionPath(c)
    for (let i = 0; i + 1 < path.length; i++) parents.add(path[i])
  }
  await Promise.all([...parents].map(children))
}

// "浙江省/杭州市", or the code itself until its name has come.
export function regionLabel(code) {
  if (code === '000000') return t('system.users.whole_country')
  return regionPath(code)
    .map((c) => names[c] || c)
    .join('/')
}
