// session-state.js — who is signed in, what they may do, and their menus: one reactive object
// the whole UI reads (kept apart from session.js so request.js can read the CSRF token
// without an import cycle).
import { reactive } from 'vue'

export const session = reactive({
  user: null, // {id, username, display_name, role, role_label, permissions[], …}
  csrf: '',
  menus: [],
  routes: [],
  forbidden: [],
  home: '/index',
  loaded: false,
})

// UI.md 3: a reactive check, re-evaluated whenever the session changes. The server still
// checks everything.
export function can(action) {
  const perms = session.user && session.user.permissions
  return Array.isArray(perms) && perms.includes(action)
}

export function hasRole(...roles) {
  return !!session.user && roles.includes(session.user.role)
}
