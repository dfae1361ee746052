// session.js — signing in and out, and loading the caller's menus and routes after login
// (UI.md 2: one call, filtered by the server).
import { api } from './request'
import { session } from './session-state'

export { session, can, hasRole } from './session-state'

export async function loadSession() {
  const me = await api('GET', '/api/v1/auth/me', { silent: true, quiet401: true })
  session.user = me.user
  if (me.csrf_token) session.csrf = me.csrf_token
  const nav = await api('GET', '/api/v1/auth/menus', { silent: true, quiet401: true })
  session.menus = nav.menus || []
  session.routes = nav.routes || []
  session.forbidden = nav.forbidden || []
  session.home = nav.home || '/index'
  session.loaded = true
  return session
}

export async function login(username, password) {
  const res = await api('POST', '/api/v1/auth/login', {
    body: { username, password },
    silent: true,
  })
  session.user = res.user
  session.csrf = res.csrf_token || ''
  session.loaded = false
  return res
}

export async function logout() {
  try {
    await api('POST', '/api/v1/auth/logout', { silent: true })
  } finally {
    clearSession()
  }
}

export function clearSession() {
  session.user = null
  session.csrf = ''
  session.menus = []
  session.routes = []
  session.forbidden = []
  session.loaded = false
  sessionStorage.removeItem('shouhou.tabs')
}
