// i18n — the UI's words in zh-CN (default) and English, switched by the user and remembered
// (issue 6). Messages live in one file per area under zh-CN/ and en/ (file name = namespace),
// so t('tickets.title') reads zh-CN/tickets.json → "title". A missing English word falls back
// to Chinese, a missing key shows the key (easy to spot in review).
import { ref } from 'vue'

const zhFiles = import.meta.glob('./zh-CN/*.json', { eager: true, import: 'default' })
const enFiles = import.meta.glob('./en/*.json', { eager: true, import: 'default' })

function merge(files) {
  const out = {}
  for (const [path, messages] of Object.entries(files)) {
    const ns = path.replace(/^.*\/([^/]+)\.json$/, '$1')
    out[ns] = messages
  }
  return out
}

const catalogs = { 'zh-CN': merge(zhFiles), en: merge(enFiles) }
const STORAGE_KEY = 'shouhou.lang'

function initial() {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const locale = ref(initial())

function lookup(catalog, key) {
  let node = catalog
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined
    node = node[part]
  }
  return typeof node === 'string' ? node : undefined
}

// t('common.total', { n: 5 }) → "共 5 条"; {name} placeholders are replaced.
export function t(key, params) {
  const text = lookup(catalogs[locale.value], key) ?? lookup(catalogs['zh-CN'], key) ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] ?? m))
}

export function setLocale(next) {
  locale.value = next === 'en' ? 'en' : 'zh-CN'
  localStorage.setItem(STORAGE_KEY, locale.value)
  document.documentElement.lang = locale.value
}

// The language the API should answer its messages in.
export function acceptLanguage() {
  return locale.value === 'en' ? 'en' : 'zh-CN'
}
