// state.js — the shell's own state: sidebar collapsed (remembered), the phone drawer, the
// open tabs (sessionStorage: losing them on refresh is RuoYi users' top complaint, UI.md 1)
// and a counter that re-creates the current page for 刷新页面.
import { reactive, watch } from 'vue'

const TABS_KEY = 'shouhou.tabs'

function loadTabs() {
  try {
    const tabs = JSON.parse(sessionStorage.getItem(TABS_KEY) || '[]')
    return Array.isArray(tabs) ? tabs.filter((x) => x && typeof x.path === 'string') : []
  } catch {
    return []
  }
}

export const shell = reactive({
  collapsed: localStorage.getItem('shouhou.sidebar') === 'collapsed',
  drawer: false,
  tabs: loadTabs(), // [{path (full), name, title}]
  refreshKey: 0,
})

watch(
  () => shell.collapsed,
  (v) => localStorage.setItem('shouhou.sidebar', v ? 'collapsed' : 'open'),
)
watch(
  () => shell.tabs,
  (v) => sessionStorage.setItem(TABS_KEY, JSON.stringify(v)),
  { deep: true },
)

export function openTab(route) {
  if (!route.meta || !route.meta.title || route.meta.noTab) return
  const existing = shell.tabs.find((x) => x.name === route.name && x.base === route.path)
  if (existing) {
    existing.path = route.fullPath
    return
  }
  shell.tabs.push({ path: route.fullPath, base: route.path, name: route.name, title: route.meta.title })
}
