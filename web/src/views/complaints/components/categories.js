// categories.js — the complaint category tree (SPEC E4, GET /api/v1/complaint-categories),
// loaded once per page view and reloaded after the categories page changes it; labels in the
// chosen language (label_en falls back to label_zh).
import { ref } from 'vue'
import { get } from '@/api/request'
import { locale, t } from '@/i18n'

export const tree = ref([])
let loading = null

export function loadCategories(force = false) {
  if (!force && tree.value.length) return Promise.resolve(tree.value)
  if (loading && !force) return loading
  loading = get('/api/v1/complaint-categories', undefined, { silent: true })
    .then((res) => (tree.value = res.items || []))
    .finally(() => (loading = null))
  return loading
}

export function categoryLabel(c) {
  if (!c) return ''
  return locale.value === 'en' && c.label_en ? c.label_en : c.label_zh
}

// The tree as el-tree-select data: a disabled category (or one under a disabled one) cannot
// take a new complaint, but stays visible so an old complaint's class still reads.
export function treeOptions(list = tree.value, parentDisabled = false, forNew = true) {
  return list.map((c) => {
    const off = parentDisabled || c.disabled
    return {
      value: c.code,
      label: categoryLabel(c) + (off && forNew ? t('complaints.disabled_mark') : ''),
      disabled: forNew && off,
      children: treeOptions(c.children || [], off, forNew),
    }
  })
}

// A code's label in the chosen language (the API's category_label is Chinese); the fallback
// while the tree is loading or for a code it no longer has.
export function categoryName(code, fallback) {
  const find = (list) => {
    for (const c of list) {
      if (c.code === code) return c
      const hit = find(c.children || [])
      if (hit) return hit
    }
    return null
  }
  const c = find(tree.value)
  return c ? categoryLabel(c) : fallback || code
}
