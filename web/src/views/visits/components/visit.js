// visit.js — what the return-visit pages share: the labels and tag colours of the values the
// API sends without a dictionary (visit status and kind, survey and target status, the KPI
// classes), rates in permille as percentages, and the quick phrases (loaded once per page view).
import { t } from '@/i18n'
import { get } from '@/api/request'

// Status → tag colour (UI.md 5: primary active, success done, warning pending, info closed).
const STATUS_TAG = { planned: 'primary', done: 'success', partial: 'warning', cancelled: 'info' }

export function visitStatusTag(v) {
  if (v && v.status === 'planned' && v.overdue) return 'danger'
  return STATUS_TAG[v && v.status] || 'info'
}

export function visitStatusLabel(v) {
  if (!v) return '-'
  const base = t(`visits.status.${v.status}`)
  return v.status === 'planned' && v.overdue ? t('visits.status.overdue') : base
}

// "第3次计划回访" or "工单回访 SH-…".
export function visitTitle(v) {
  if (!v) return ''
  if (v.kind === 'followup') return t('visits.followup_title', { number: v.ticket_number || '-' })
  return t('visits.planned_title', { seq: v.seq })
}

// 844 → "84.4%"; null → "—" (nothing counted: neither met nor missed). Integer arithmetic.
export function permille(p) {
  if (p === null || p === undefined) return '—'
  const n = Math.trunc(Number(p))
  return `${Math.trunc(n / 10)}.${Math.abs(n % 10)}%`
}

// 45 → "4.5".
export function tenths(p) {
  if (p === null || p === undefined) return '—'
  const n = Math.trunc(Number(p))
  return `${Math.trunc(n / 10)}.${Math.abs(n % 10)}`
}

// Seconds as the desk reads a call: 185 → "3分05秒".
export function callLength(seconds) {
  if (seconds === null || seconds === undefined) return '-'
  const s = Math.max(0, Math.trunc(Number(seconds)))
  const m = Math.floor(s / 60)
  const r = String(s % 60).padStart(2, '0')
  return m ? t('visits.call_length_ms', { m, s: r }) : t('visits.call_length_s', { s: s % 60 })
}

// The first and last day of the company's current month: ['2026-11-01', '2026-11-30'].
export function monthRange(todayIso) {
  const [y, m] = todayIso.split('-').map(Number)
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const mm = String(m).padStart(2, '0')
  return [`${y}-${mm}-01`, `${y}-${mm}-${String(last).padStart(2, '0')}`]
}

let phrases = null
// The enabled quick phrases, by sort (GET /api/v1/quick-phrases); cached for the page view.
export function loadPhrases(force = false) {
  if (!phrases || force) {
    phrases = get('/api/v1/quick-phrases', undefined, { silent: true })
      .then((res) => res.items || [])
      .catch((e) => {
        phrases = null
        throw e
      })
  }
  return phrases
}

// A phrase's category as a word: the seeded codes have labels, a new category shows as typed.
export function phraseCategory(code) {
  const key = `visits.phrase_categories.${code}`
  const label = t(key)
  return label === key ? code : label
}

// Inserts text into a model string at the textarea's caret (or at the end).
export function insertAt(current, text, textarea) {
  const value = current || ''
  if (textarea && typeof textarea.selectionStart === 'number') {
    const a = textarea.selectionStart
    const b = textarea.selectionEnd
    return { value: value.slice(0, a) + text + value.slice(b), caret: a + text.length }
  }
  const sep = value && !value.endsWith('\n') ? '\n' : ''
  return { value: value + sep + text, caret: value.length + sep.length + text.length }
}

// After a request sent with keepField: the wrapper already told the user about an error
// without a field; one with a field goes next to its input (useFormErrors().apply would toast
// the former a second time).
export function onFieldError(apply, err, known) {
  if (err && err.field && err.code !== 'stale_version') apply(err, known ? { known } : {})
}

// One line for a visit's timeline event (kinds: created, move, leader, cancel, call, report,
// carried, replanned, reopened, cancelled, attachment); unknown details show their plain values.
export function visitEventText(e, dictLabel) {
  const d = e.detail || {}
  switch (e.kind) {
    case 'created':
      return d.due_date ? t('visits.ev.created', { due: d.due_date }) : ''
    case 'move':
      return t('visits.ev.move', { from: d.planned_date_before || '-', to: d.planned_date || '-', reason: d.reason || '-' }) + (d.beyond_rule ? ` · ${t('visits.beyond_rule')}` : '')
    case 'cancel':
    case 'cancelled':
      return d.reason ? t('visits.ev.reason', { reason: d.reason }) : ''
    case 'call':
      return [dictLabel('call_result', d.result), callLength(d.duration_seconds), d.outside_hours ? t('visits.ev.outside_hours') : ''].filter(Boolean).join(' · ')
    case 'report': {
      const parts = []
      if (d.tickets && d.tickets.length) parts.push(t('visits.ev.tickets', { n: d.tickets.length }))
      if (d.carried_to) parts.push(t('visits.ev.carried_to'))
      if (d.notified !== undefined) parts.push(t('visits.ev.notified', { n: d.notified }))
      return parts.join(' · ')
    }
    case 'replanned':
      return t('visits.ev.replanned', { from: d.due_date_before || '-', to: d.due_date || '-' })
    case 'reopened':
      return d.planned_date ? t('visits.ev.reopened', { date: d.planned_date }) : ''
    default:
      return Object.entries(d)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .map(([k, v]) => `${k}: ${v}`)
        .join(' · ')
  }
}

export function eventKindLabel(kind) {
  const key = `visits.ev_kind.${kind}`
  const label = t(key)
  return label === key ? kind : label
}
