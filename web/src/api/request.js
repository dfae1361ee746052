// request.js — the one way the UI talks to the JSON API (UI.md 8). Sends the CSRF token on
// changes and the language for messages; turns every failure into an ApiError and tells the
// user once, in the words Chinese admin users know: 401 → one 重新登录 dialog, 403, 404,
// network, timeout, 409 stale version → 数据已被他人修改 with 重新加载. Field errors
// ({"error":{"field"}}) are left to the form that sent them (utils/form.js).
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { acceptLanguage, t } from '@/i18n'
import { session } from './session-state'

const TIMEOUT_MS = 30000

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || null
  }
}

let expiredShown = false
let onExpired = () => {}
// The router registers how to go to the login page (avoids an import cycle).
export function setExpiredHandler(fn) {
  onExpired = fn
}

function buildUrl(path, query) {
  const url = new URL(path, window.location.origin)
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue
      if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v))
      else url.searchParams.set(key, String(value))
    }
  }
  return url.pathname + url.search
}

function showExpired() {
  if (expiredShown) return
  expiredShown = true
  ElMessageBox.confirm(t('common.session_expired'), t('common.system_tip'), {
    confirmButtonText: t('common.relogin'),
    cancelButtonText: t('common.cancel'),
    type: 'warning',
  })
    .then(() => onExpired())
    .catch(() => {})
    .finally(() => {
      expiredShown = false
    })
}

function showStale(onReload) {
  ElMessageBox.confirm(t('common.stale_message'), t('common.stale_title'), {
    confirmButtonText: t('common.reload'),
    cancelButtonText: t('common.cancel'),
    type: 'warning',
  })
    .then(() => (onReload ? onReload() : window.location.reload()))
    .catch(() => {})
}

// Tells the user about an error nobody handled more precisely.
export function notifyError(err, opts = {}) {
  if (!(err instanceof ApiError)) {
    ElMessage.error(String(err && err.message ? err.message : err))
    return
  }
  if (err.status === 401) return showExpired()
  if (err.status === 409 && err.code === 'stale_version') return showStale(opts.onReload)
  if (err.status === 403) return ElMessage.error(err.code === 'csrf_failed' ? err.message : t('common.forbidden_action'))
  if (err.status === 404 && !err.message) return ElMessage.error(t('common.not_found'))
  ElMessage.error(err.message || t('common.server_error'))
}

// api('GET', '/api/v1/tickets', { query }) → parsed JSON (null for 204).
// Options: query, body (JSON), form (FormData), raw (return the Response for downloads),
// silent (do not tell the user; the caller handles every error), onReload (for 409),
// keepField (leave a field error to the caller: no toast when err.field is set — also a 409
// that names a field, such as a taken user name; a stale version is always the reload offer).
export async function api(method, path, opts = {}) {
  const headers = { 'Accept-Language': acceptLanguage() }
  let body
  if (opts.form) body = opts.form
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  } else if (opts.blob) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream'
    body = opts.blob
  }
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), opts.timeout || TIMEOUT_MS)
  let res
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: controller.signal,
    })
  } catch (e) {
    const err =
      e && e.name === 'AbortError'
        ? new ApiError(0, 'timeout', t('common.timeout'))
        : new ApiError(0, 'network', t('common.network_error'))
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  } finally {
    clearTimeout(timer)
  }
  if (res.ok) {
    if (opts.raw) return res
    if (res.status === 204) return null
    const type = res.headers.get('Content-Type') || ''
    return type.includes('application/json') ? res.json() : res
  }
  let code = 'http_' + res.status
  let message = ''
  let field = null
  try {
    const data = await res.json()
    if (data && data.error) {
      code = data.error.code || code
      message = data.error.message || ''
      field = data.error.field || null
    }
  } catch {
    /* not JSON: keep the status */
  }
  if (!message) {
    if (res.status === 404) message = t('common.not_found')
    else if (res.status >= 500) message = t('common.server_error')
  }
  const err = new ApiError(res.status, code, message, field)
  if (res.status === 401 && path !== '/api/v1/auth/login' && !opts.quiet401) showExpired()
  else if (!opts.silent && !(opts.keepField && field && code !== 'stale_version')) notifyError(err, opts)
  throw err
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query })
export const post = (path, body, opts) => api('POST', path, { ...opts, body })
export const patch = (path, body, opts) => api('PATCH', path, { ...opts, body })
export const put = (path, body, opts) => api('PUT', path, { ...opts, body })
export const del = (path, opts) => api('DELETE', path, opts)
