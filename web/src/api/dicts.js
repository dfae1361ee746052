// dicts.js — every enumerated value's label and tag colour from GET /api/v1/dictionaries
// (UI.md 5), loaded once and reloaded when the server's version changes (a changed
// dictionary reaches every open page). Disabled values still have their label for old rows;
// an unknown value shows as itself.
import { reactive } from 'vue'
import { get } from './request'
import { locale } from '@/i18n'

const state = reactive({ version: '', types: {}, lang: '' })
let loading = null

export function loadDicts(force = false) {
  if (!force && state.lang === locale.value && state.version) return Promise.resolve(state)
  if (loading) return loading
  loading = get('/api/v1/dictionaries', undefined, { silent: true })
    .then((res) => {
      state.version = res.version
      state.types = res.types || {}
      state.lang = locale.value
      return state
    })
    .finally(() => {
      loading = null
    })
  return loading
}

export function dictItems(type, { includeDisabled = false } = {}) {
  const list = state.types[type] || []
  return (includeDisabled ? list : list.filter((i) => !i.disabled)).slice().sort((a, b) => a.sort - b.sort)
}

export function dictItem(type, value) {
  const list = state.types[type] || []
  return list.find((i) => i.value === String(value)) || null
}

export function dictLabel(type, value) {
  if (value === null || value === undefined || value === '') return '-'
  const item = dictItem(type, value)
  return item ? item.label : String(value)
}

export const dicts = state
