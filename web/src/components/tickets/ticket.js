// ticket.js — what every ticket page shares: the words for statuses, deadline stages and
// states (the API has no dictionary for them, so they live in tickets.json), the 24/48/72
// countdowns computed locally from due_at/warn_at so a board can tick without asking the
// server, a clock that ticks every 30 s, and the times the API takes ("…+08:00").
import { onMounted, onUnmounted, ref } from 'vue'
import { t } from '@/i18n'
import { countdown, duration, formatMinute } from '@/utils/format'

export const STATUSES = ['new', 'assigned', 'on_site', 'cleared', 'closed', 'cancelled']
export const SLA_STAGES = ['onsite', 'clear', 'substitute']

const STATUS_TAG = { new: 'warning', assigned: 'primary', on_site: 'primary', cleared: 'success', closed: 'info', cancelled: 'info' }

export function statusLabel(status) {
  return status ? t(`tickets.status.${status}`) : '-'
}
export function statusTag(status) {
  return STATUS_TAG[status] || 'info'
}
export function isOpen(ticket) {
  return !!ticket && ticket.status !== 'closed' && ticket.status !== 'cancelled'
}

const WARRANTY_TAG = { in_warranty: 'success', paid_maintenance: 'warning', not_accepted: 'info', unknown: 'info' }
export function warrantyLabel(state) {
  return state ? t(`tickets.warranty.${state}`) : '-'
}
export function warrantyTag(state) {
  return WARRANTY_TAG[state] || 'info'
}

export function stageLabel(d) {
  if (!d) return '-'
  if (d.stage === 'promise') return t('tickets.stage.promise') + (d.seq ? ` #${d.seq}` : '')
  return t(`tickets.stage.${d.stage}`)
}
export function stageShort(d) {
  return d && SLA_STAGES.includes(d.stage) ? t(`tickets.stage_short.${d.stage}`) : stageLabel(d)
}

const DL_TAG = { pending: 'info', warning: 'warning', breached: 'danger', met: 'success', met_late: 'warning', not_needed: 'info' }

// A deadline as shown now: {state, word, tag, text, cls}. An unmet deadline of an open ticket
// is judged against the local clock (warn_at → 即将超时, due_at → 已超时), so a board counts
// down without reloading; a met or closed one keeps the server's verdict.
export function deadlineView(d, nowMs = Date.now(), open = true) {
  if (!d) return { state: 'pending', word: '', tag: 'info', text: '-', cls: '' }
  let state = d.state
  let text
  if (!d.met_at && open && state !== 'not_needed') {
    const due = Date.parse(d.due_at)
    const warn = Date.parse(d.warn_at)
    state = nowMs > due ? 'breached' : nowMs >= warn ? 'warning' : 'pending'
    text = countdown(d.due_at, nowMs, 0).text
  } else if (d.met_at) {
    text = t('tickets.met_on', { at: formatMinute(d.met_at) })
  } else if (state === 'breached') {
    text = t('common.overdue_by', { d: duration(d.overdue_seconds) })
  } else {
    text = '-'
  }
  const cls = state === 'breached' ? 'state-over' : state === 'warning' ? 'state-soon' : 'state-ok'
  return { state, word: t(`tickets.dl_state.${state}`), tag: DL_TAG[state] || 'info', text, cls }
}

// The three service deadlines (24/48/72), in that order; promises apart.
export function slaDeadlines(ticket) {
  const list = (ticket && ticket.deadlines) || []
  return SLA_STAGES.map((s) => list.find((d) => d.stage === s)).filter(Boolean)
}
export function promises(ticket) {
  return ((ticket && ticket.deadlines) || []).filter((d) => d.stage === 'promise')
}

// A ref holding Date.now(), refreshed every intervalMs while the component lives.
export function useNow(intervalMs = 30000) {
  const now = ref(Date.now())
  let timer = null
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), intervalMs)
  })
  onUnmounted(() => clearInterval(timer))
  return now
}

// The company's zone as the API writes it ("+08:00"), learnt from a time it sent.
let zone = '+08:00'
export function learnZone(iso) {
  const m = /([+-]\d{2}:\d{2}|Z)$/.exec(iso || '')
  if (m) zone = m[1] === 'Z' ? '+00:00' : m[1]
}
// A date-time picker's "YYYY-MM-DD HH:mm:ss" (company wall clock) → "YYYY-MM-DDTHH:mm:ss+08:00".
export function toApiTime(local) {
  if (!local) return undefined
  const s = String(local).replace(' ', 'T')
  return /[+-]\d{2}:\d{2}$|Z$/.test(s) ? s : (s.length === 16 ? s + ':00' : s) + zone
}
// A fresh Idempotency-Key for one intake (a retried submit sends the same one).
export function newKey() {
  if (typeof crypto !== 'undefined' && crypto.randomUUID) return crypto.randomUUID()
  return 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2)
}

export function unitText(ticket) {
  if (!ticket || !ticket.equipment_id) return t('tickets.no_unit')
  return [ticket.serial_no, ticket.model, ticket.equipment_name].filter(Boolean).join(' · ')
}

// tel: links for the technician's phone (digits and + only).
export function telHref(phone) {
  const digits = String(phone || '').replace(/[^\d+]/g, '')
  return digits ? 'tel:' + digits : null
}
