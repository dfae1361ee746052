// format.test.js — the UI's formatting rules (UI.md 11) under plain Node: money from fen,
// phones masked in lists, durations, countdowns, weekdays. Expected values worked by hand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  money, parseYuan, maskPhone, duration, countdown, weekday, formatTime, formatEpoch, formatDate, dash,
} from '../../web/src/utils/format-core.js'

test('money: fen to ¥ with thousands and two decimals, integers only', () => {
  assert.equal(money(123456), '¥1,234.56') // 123456 fen = 1234 yuan 56 fen
  assert.equal(money(5), '¥0.05')
  assert.equal(money(0), '¥0.00')
  assert.equal(money(-100050), '-¥1,000.50')
  assert.equal(money(100000000000), '¥1,000,000,000.00') // 1e11 fen = 1e9 yuan
  assert.equal(money(null), '-')
  assert.equal(money(12.5), '12.5') // not fen: shown as sent, never rounded
})

test('parseYuan: typed yuan to fen as text, no floating point', () => {
  assert.equal(parseYuan('12.5'), 1250)
  assert.equal(parseYuan('0.07'), 7)
  assert.equal(parseYuan(' 1999.99 '), 199999)
  assert.equal(parseYuan('-3'), -300)
  // 0.1 + 0.2 style traps: 1.15 yuan is 115 fen exactly (1.15*100 = 114.99999999999999 in floats)
  assert.equal(parseYuan('1.15'), 115)
  assert.equal(parseYuan('1.155'), null)
  assert.equal(parseYuan('abc'), null)
  assert.equal(parseYuan(''), null)
})

test('maskPhone: mobile numbers 3+4 masked, others keep their last four digits', () => {
  assert.equal(maskPhone('13812345678'), '138****5678')
  assert.equal(maskPhone('057188886666'), '********6666')
  assert.equal(maskPhone('0571-88075998'), '0571-****5998') // area code kept, 8 digits: 4 masked
  assert.equal(maskPhone('010-6512345'), '010-***2345') // 7-digit number: 3 masked
  assert.equal(maskPhone('12345'), '12345')
  assert.equal(maskPhone(''), '-')
})

test('duration: days, hours, minutes in Chinese', () => {
  assert.equal(duration(8100), '2小时15分') // 2 h = 7200 s, + 900 s = 15 min
  assert.equal(duration(90000), '1天1小时') // 86400 + 3600; minutes dropped once days show
  assert.equal(duration(59), '0分')
  assert.equal(duration(3600), '1小时')
})

test('countdown: time left, due soon within 4 hours, overdue', () => {
  const now = Date.parse('2026-11-28T01:00:00Z') // 09:00 in Shanghai
  // due 10:00 +08:00 = 02:00Z: one hour left, within 4 h → soon
  assert.deepEqual(countdown('2026-11-28T10:00:00+08:00', now), { text: '剩余 1小时', state: 'soon' })
  // due 2026-11-29 09:00 +08:00: 24 h left → ok
  assert.deepEqual(countdown('2026-11-29T09:00:00+08:00', now), { text: '剩余 1天', state: 'ok' })
  // due 08:30 +08:00: 30 min ago → over
  assert.deepEqual(countdown('2026-11-28T08:30:00+08:00', now), { text: '已超时 30分', state: 'over' })
})

test('weekday and times as the company reads them', () => {
  assert.equal(weekday('2026-11-28'), '周六') // 2026-11-28 is a Saturday
  assert.equal(weekday('2026-02-01'), '周日')
  assert.equal(formatTime('2026-11-28T09:05:00+08:00'), '2026-11-28 09:05:00')
  assert.equal(formatTime('2026-11-28T09:05+08:00'), '2026-11-28 09:05:00')
  // 1764291600 = 2025-11-28T01:00:00Z → 09:00 in Shanghai
  assert.equal(formatEpoch(1764291600), '2025-11-28 09:00:00')
  assert.equal(formatDate('2026-11-28T09:05:00+08:00'), '2026-11-28')
  assert.equal(dash(''), '-')
  assert.equal(dash(0), 0)
})
