// kpi.js — the dashboard's numbers and periods. Rates come from the API as permille integers
// (floor(1000 × n ÷ d), docs/kpi.md) and are shown as "97.9 %" by integer arithmetic, never
// through a float; null (nothing counted) shows as "—". Periods are company-zone dates.
import { get } from '@/api/request'
import { t } from '@/i18n'
import { today } from '@/utils/format'

// 979 → "97.9 %", 1000 → "100.0 %", null → "—".
// ECharts puts what a tooltip formatter returns into the page as HTML: every piece of text in
// one goes through here first. A complaint category, a region or a project manager's name is
// data — a category named <img src=x onerror=…> ran its script in the pie's tooltip
// (issue 7, tests/browser/hostile.test.js).
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

export function permille(p) {
  if (p === null || p === undefined || !Number.isInteger(p)) return t('dashboard.none')
  const sign = p < 0 ? '-' : ''
  const a = Math.abs(p)
  return `${sign}${Math.trunc(a / 10)}.${a % 10} %`
}

// Axis labels: 0, 200, … 1000 → "0 %", "20 %", … "100 %" (whole percents only).
export function permilleAxis(p) {
  return Number.isInteger(p) && p % 10 === 0 ? `${p / 10} %` : permille(p)
}

// "met" / "missed" / "not counted" words for a rate object {met}.
export function metWord(met) {
  if (met === true) return t('dashboard.met')
  if (met === false) return t('dashboard.missed')
  return t('dashboard.not_counted')
}
export function metTag(met) {
  if (met === true) return 'success'
  if (met === false) return 'danger'
  return 'info'
}

// Date arithmetic on "YYYY-MM-DD" through UTC day numbers (no zone involved).
function dayNumber(date) {
  const [y, m, d] = date.split('-').map(Number)
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000)
}
function dateOf(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10)
}
export function addDays(date, n) {
  return dateOf(dayNumber(date) + n)
}
// Monday of the ISO week holding date.
export function weekStart(date) {
  const day = dayNumber(date)
  const weekday = (new Date(day * 86400000).getUTCDay() + 6) % 7 // Monday 0
  return dateOf(day - weekday)
}
export function monthStart(date) {
  return date.slice(0, 8) + '01'
}
// The first of the month n months before date's month.
export function monthsBack(date, n) {
  let y = Number(date.slice(0, 4))
  let m = Number(date.slice(5, 7)) - n
  while (m < 1) {
    m += 12
    y -= 1
  }
  return `${y}-${String(m).padStart(2, '0')}-01`
}
export function daysBetween(from, to) {
  return dayNumber(to) - dayNumber(from)
}

// 今日 / 本周 / 本月 → {from, to} ending today.
export function periodRange(period, now = today()) {
  if (period === 'today') return { from: now, to: now }
  if (period === 'week') return { from: weekStart(now), to: now }
  return { from: monthStart(now), to: now }
}

// The period of the same number of days ending the day before from.
export function previousRange(from, to) {
  const prevTo = addDays(from, -1)
  return { from: addDays(prevTo, -daysBetween(from, to)), to: prevTo }
}

// A change of a count: +3 / -2 / ±0.
export function deltaCount(now, before) {
  if (!Number.isInteger(now) || !Number.isInteger(before)) return null
  const d = now - before
  return d > 0 ? `+${d}` : d < 0 ? `${d}` : '±0'
}
// A change of a rate in percentage points from permille: 979 vs 967 → +1.2.
export function deltaPermille(now, before) {
  if (!Number.isInteger(now) || !Number.isInteger(before)) return null
  const d = now - before
  const a = Math.abs(d)
  return `${d > 0 ? '+' : d < 0 ? '-' : '±'}${Math.trunc(a / 10)}.${a % 10}`
}

// The weekly trend: twelve ISO weeks up to `to`, or the chosen period when it is longer.
export function trendRange(from, to) {
  const twelve = addDays(weekStart(to), -77)
  return { from: from < twelve ? weekStart(from) : twelve, to }
}

// The dashboard's six requests, in parallel; each answer or the error that replaced it.
export async function loadKpis({ from, to }, parts = ['tickets', 'visits', 'complaints', 'trend', 'previous']) {
  const opts = { silent: true }
  const trend = trendRange(from, to)
  const jobs = {}
  if (parts.includes('tickets')) jobs.tickets = get('/api/v1/kpi/tickets', { from, to, group: 'province' }, opts)
  if (parts.includes('visits')) jobs.visits = get('/api/v1/kpi/visits', { from, to, group: 'region' }, opts)
  if (parts.includes('complaints')) jobs.complaints = get('/api/v1/kpi/complaints', { from, to, group: 'none' }, opts)
  if (parts.includes('previous')) {
    // The period of the same length just before, for the cards' "较上期".
    const prev = previousRange(from, to)
    jobs.prevTickets = get('/api/v1/kpi/tickets', { ...prev, group: 'none' }, opts)
    jobs.prevVisits = get('/api/v1/kpi/visits', { ...prev, group: 'none' }, opts)
  }
  if (parts.includes('trend')) {
    jobs.ticketTrend = get('/api/v1/kpi/tickets', { ...trend, group: 'week' }, opts)
    jobs.complaintTrend = get('/api/v1/kpi/complaints', { ...trend, group: 'week' }, opts)
    jobs.visitTrend = get('/api/v1/kpi/visits', { from: monthsBack(to, 11), to, group: 'month' }, opts)
  }
  const names = Object.keys(jobs)
  const settled = await Promise.allSettled(names.map((n) => jobs[n]))
  const data = {}
  const errors = {}
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') data[names[i]] = r.value
    else errors[names[i]] = (r.reason && r.reason.message) || String(r.reason)
  })
  return { data, errors }
}

// Stage names of the 24/48/72 commitment (docs/tickets.md), in their order.
export const STAGES = ['onsite', 'clear', 'substitute', 'promise']
export function stageLabel(stage) {
  return STAGES.includes(stage) ? t('dashboard.sla.' + stage) : stage
}

// A shared ECharts look: grid margins that leave room for the axis labels, the tooltip box.
export function baseOption() {
  return {
    animationDuration: 300,
    grid: { left: 8, right: 32, top: 40, bottom: 8, containLabel: true },
    tooltip: { confine: true },
    legend: { top: 0, type: 'scroll' },
  }
}
