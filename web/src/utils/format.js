// format.js — the formatting functions of format-core.js (UI.md 11) in the user's chosen
// language: pages import from here.
import { t } from '@/i18n'
import * as core from './format-core'

export { dash, formatTime, formatMinute, formatDate, formatEpoch, money, parseYuan, maskPhone, stamp, today } from './format-core'

function words() {
  const w = {}
  for (const key of Object.keys(core.zhWords)) w[key] = t('common.' + key)
  return w
}

export const weekday = (date) => core.weekday(date, words())
export const duration = (seconds) => core.duration(seconds, words())
export const countdown = (dueIso, nowMs = Date.now(), soonSeconds = 4 * 3600) =>
  core.countdown(dueIso, nowMs, soonSeconds, words())
