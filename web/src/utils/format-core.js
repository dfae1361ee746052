// format-core.js — how every value is shown, in one place (UI.md 11), without the UI's
// language module so tests/web/ can run it under plain Node: the words (天/小时/分, 周一…) come in
// a `words` object (format.js binds the current language). The API sends times already in the
// company's zone as ISO 8601 with the offset ("2026-11-28T09:05:00+08:00"), dates as
// YYYY-MM-DD and money as integer fen; nothing here does money arithmetic in floating point.

// The Chinese words, the default; format.js passes the chosen language's.
export const zhWords = {
  weekdays: '周日,周一,周二,周三,周四,周五,周六',
  days: '{n}天',
  hours: '{n}小时',
  minutes: '{n}分',
  overdue_by: '已超时 {d}',
  left: '剩余 {d}',
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] ?? m))
}

const EMPTY = '-'

export function dash(value) {
  return value === null || value === undefined || value === '' ? EMPTY : value
}

// "2026-11-28T09:05:00+08:00" → "2026-11-28 09:05:00" (the company's wall clock, as sent).
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return EMPTY
  if (typeof value === 'number') return formatEpoch(value)
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?/.exec(value)
  return m ? `${m[1]} ${m[2]}${m[3] || ':00'}` : String(value)
}

// Minutes only, for dense tables: "2026-11-28 09:05".
export function formatMinute(value) {
  const text = formatTime(value)
  return text === EMPTY ? text : text.slice(0, 16)
}

export function formatDate(value) {
  if (!value) return EMPTY
  return String(value).slice(0, 10)
}

// Epoch seconds → the Asia/Shanghai wall clock (UTC+8, no daylight saving).
export function formatEpoch(seconds) {
  const d = new Date((seconds + 8 * 3600) * 1000)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

// "2026-11-28" → "周六".
export function weekday(date, words = zhWords) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date || '')
  if (!m) return ''
  const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay()
  return words.weekdays.split(',')[day]
}

// 123456 fen → "¥1,234.56". Integer arithmetic on the fen; only the digits are formatted.
export function money(fen) {
  if (fen === null || fen === undefined || fen === '') return EMPTY
  const n = Number(fen)
  if (!Number.isInteger(n)) return String(fen)
  const negative = n < 0
  const abs = Math.abs(n)
  const yuan = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = String(abs % 100).padStart(2, '0')
  return `${negative ? '-' : ''}¥${yuan}.${cents}`
}

// "12.50" (yuan as typed) → 1250 fen, or null when it is not a money amount. Parsed as text.
export function parseYuan(text) {
  const m = /^\s*(-)?(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? ''))
  if (!m) return null
  const fen = Number(m[2]) * 100 + Number((m[3] || '0').padEnd(2, '0'))
  return m[1] ? -fen : fen
}

// 8100 s → "2小时15分"; 90000 s → "1天1小时".
export function duration(seconds, words = zhWords) {
  if (seconds === null || seconds === undefined || seconds === '') return EMPTY
  let s = Math.abs(Math.trunc(Number(seconds)))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  const parts = []
  if (d) parts.push(fill(words.days, { n: d }))
  if (h) parts.push(fill(words.hours, { n: h }))
  if (m && !d) parts.push(fill(words.minutes, { n: m }))
  return parts.length ? parts.join('') : fill(words.minutes, { n: 0 })
}

// "13812345678" → "138****5678" in lists; a landline keeps its area code ("0571-88075998" →
// "0571-****5998"); other numbers keep their last four digits.
export function maskPhone(phone) {
  if (!phone) return EMPTY
  const digits = String(phone)
  if (/^1\d{10}$/.test(digits)) return digits.slice(0, 3) + '****' + digits.slice(7)
  const landline = /^(0\d{2,3})-(\d{7,8})$/.exec(digits)
  if (landline) return `${landline[1]}-${'*'.repeat(landline[2].length - 4)}${landline[2].slice(-4)}`
  if (digits.length > 6) return digits.slice(0, digits.length - 4).replace(/\d/g, '*') + digits.slice(-4)
  return digits
}

// A deadline against now: {text, state} with state 'ok' | 'soon' | 'over' | 'met'.
// soonSeconds: how close counts as "due soon" (warning colour and the word, never colour alone).
export function countdown(dueIso, nowMs = Date.now(), soonSeconds = 4 * 3600, words = zhWords) {
  if (!dueIso) return { text: EMPTY, state: 'ok' }
  const due = Date.parse(dueIso)
  if (Number.isNaN(due)) return { text: String(dueIso), state: 'ok' }
  const left = Math.round((due - nowMs) / 1000)
  if (left < 0) return { text: fill(words.overdue_by, { d: duration(-left, words) }), state: 'over' }
  return { text: fill(words.left, { d: duration(left, words) }), state: left <= soonSeconds ? 'soon' : 'ok' }
}

// "YYYYMMDDHHmmss" for export file names (the browser's clock in the company's zone).
export function stamp(date = new Date()) {
  return formatEpoch(Math.floor(date.getTime() / 1000)).replace(/[-: ]/g, '')
}

// The company's today as YYYY-MM-DD.
export function today() {
  return formatEpoch(Math.floor(Date.now() / 1000)).slice(0, 10)
}
