// list.js — the list page's state (UI.md 4): the filter, page and sort live in the URL query
// (a reload or a shared link shows the same list), loading state, 共 N 条, stepping back a
// page after the last rows of the last page were deleted, and the API's cap of
// page × page_size ≤ 10 000.
import { reactive, ref, computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export const MAX_DEPTH = 10000

function clean(obj) {
  const out = {}
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out
}

// loader(query) → Promise<{items, total}>. defaults: the filter's fields and their empty
// values (their types: numbers stay numbers when read back from the URL).
export function useList(loader, { defaults = {}, pageSize = 10, sync = true } = {}) {
  const route = useRoute()
  const router = useRouter()
  const listPath = route.path // the URL is written only while the user is still on this list
  const base = { ...defaults, page: 1, page_size: pageSize, sort: '' }
  const query = reactive({ ...base })
  if (sync) {
    for (const [k, v] of Object.entries(route.query)) {
      if (!(k in base) || v === null) continue
      query[k] = typeof base[k] === 'number' ? Number(v) || base[k] : typeof base[k] === 'boolean' ? v === 'true' : v
    }
  }
  const items = ref([])
  const total = ref(0)
  const loading = ref(false)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    const sent = clean(query)
    try {
      const res = await loader(sent)
      if (mine !== seq) return
      items.value = res.items || []
      total.value = typeof res.total === 'number' ? res.total : items.value.length
      if (items.value.length === 0 && query.page > 1 && total.value > 0) {
        query.page = Math.max(1, Math.ceil(total.value / query.page_size))
        return load()
      }
      if (sync && router.currentRoute.value.path === listPath) {
        const shown = {}
        for (const [k, v] of Object.entries(sent)) if (String(v) !== String(base[k])) shown[k] = String(v)
        router.replace({ query: shown }).catch(() => {})
      }
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  function search() {
    query.page = 1
    return load()
  }
  function reset() {
    Object.assign(query, base)
    return load()
  }
  // el-table @sort-change: {prop, order} → sort=prop / -prop (DESIGN: sort=field / -field).
  function onSort({ prop, order }) {
    query.sort = order ? (order === 'descending' ? '-' : '') + prop : ''
    return search()
  }
  return { query, items, total, loading, load, search, reset, onSort }
}

// A date range picker bound to two query fields: v-model="range" with range = useRange(query, 'from', 'to').
export function useRange(query, fromKey, toKey) {
  return computed({
    get: () => (query[fromKey] && query[toKey] ? [query[fromKey], query[toKey]] : []),
    set: (v) => {
      query[fromKey] = v && v[0] ? v[0] : ''
      query[toKey] = v && v[1] ? v[1] : ''
    },
  })
}
