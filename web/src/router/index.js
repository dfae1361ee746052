// router — history-mode routes (UI.md 2): /login and the error pages are fixed; every other
// page is registered after login from the routes the server gave this user
// (GET /api/v1/auth/menus), each lazily imported from views/<component>.vue. No session →
// /login?redirect=…; a page the user may not open → 403; anything else unknown → 404.
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadSession } from '@/api/session'
import { setExpiredHandler } from '@/api/request'
import { loadDicts } from '@/api/dicts'

const views = import.meta.glob('../views/**/*.vue')

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/views/login/index.vue'), meta: { public: true } },
    {
      path: '/',
      name: 'layout',
      component: () => import('@/layout/index.vue'), // not needed on the login page
      redirect: () => session.home,
      children: [
        { path: '403', name: 'forbidden', component: () => import('@/views/error/403.vue'), meta: { title: 'common.forbidden_title', noTab: true } },
        { path: ':pathMatch(.*)*', name: 'notfound', component: () => import('@/views/error/404.vue'), meta: { title: 'common.not_found_title', noTab: true } },
      ],
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

let added = []

// Registers the server's routes for the signed-in user (again after a different user signs in).
export function installRoutes() {
  for (const name of added) if (router.hasRoute(name)) router.removeRoute(name)
  added = []
  for (const r of session.routes) {
    const component = views[`../views/${r.component}.vue`]
    if (!component) {
      console.warn(`shouhou: no page for route ${r.path} (views/${r.component}.vue)`)
      continue
    }
    router.addRoute('layout', {
      path: r.path.replace(/^\//, ''),
      name: r.name,
      component,
      meta: { title: r.title, icon: r.icon, hidden: !!r.hidden },
    })
    added.push(r.name)
  }
}

function patternMatches(pattern, path) {
  const re = new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+') + '/?$')
  return re.test(path)
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!session.loaded) {
    try {
      await loadSession()
      installRoutes()
      loadDicts().catch(() => {})
      return to.fullPath // resolve again, now that the user's routes exist
    } catch {
      return { path: '/login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
  }
  if (to.name === 'notfound' && session.forbidden.some((p) => patternMatches(p, to.path)))
    return { name: 'forbidden', query: { from: to.fullPath } }
  return true
})

setExpiredHandler(() => {
  session.loaded = false
  router.push({ path: '/login', query: { redirect: router.currentRoute.value.fullPath } })
})

export default router
