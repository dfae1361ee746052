// assign.js — sending a technician (派单, SPEC C3): the technicians who cover a site with
// their load (GET /dispatch/technicians, least loaded first), and the confirmed one-click
// assignment the dispatch board and the assign dialog share.
import { ElMessage, ElMessageBox } from 'element-plus'
import { t } from '@/i18n'
import { get, post } from '@/api/request'

const cache = new Map() // region → {at, items}: a board opens many menus for the same region

export async function techniciansFor(regionCode, { fresh = false } = {}) {
  const key = regionCode || ''
  const hit = cache.get(key)
  if (!fresh && hit && Date.now() - hit.at < 30000) return hit.items
  const res = await get('/api/v1/dispatch/technicians', regionCode ? { region: regionCode } : undefined)
  cache.set(key, { at: Date.now(), items: res.items || [] })
  return res.items || []
}

export function forgetLoads() {
  cache.clear()
}

export function techLabel(tech) {
  return tech.display_name || tech.username
}

// Confirms (naming the ticket and the technician), assigns, toasts 派单成功. → the ticket, or
// null when the user changed their mind. Errors are told by the request wrapper.
export async function assignTicket(ticket, tech, { note, at, onReload } = {}) {
  const text = t('tickets.confirm_assign', { number: ticket.number, name: techLabel(tech) })
  const yes = await ElMessageBox.confirm(text, t('common.system_tip'), {
    type: 'warning',
    confirmButtonText: t('common.confirm'),
    cancelButtonText: t('common.cancel'),
  })
    .then(() => true)
    .catch(() => false)
  if (!yes) return null
  const body = { technician_id: tech.user_id, version: ticket.version }
  if (note) body.note = note
  if (at) body.at = at
  const res = await post(`/api/v1/tickets/${ticket.id}/assign`, body, { keepField: true, onReload })
  forgetLoads()
  ElMessage.success(t(ticket.technician_id ? 'tickets.done.reassign' : 'tickets.done.assign'))
  return res
}
