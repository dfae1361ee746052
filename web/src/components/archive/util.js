// util.js — what the archive pages (customers, dealers, suppliers, projects, equipment,
// warranty cards) share: the delete confirmation that names the record (UI.md 9), column
// lists for the right toolbar, labels for values the API sends as codes without a
// dictionary (ticket status, card status, warranty state), and the phone rule the server
// applies (digits, spaces, + - ( ): landlines like 0571-88886666 are valid, so the
// mobile-only rule of utils/form.js would refuse good numbers).
import { reactive } from 'vue'
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { t, locale } from '@/i18n'
import { ApiError, get, notifyError } from '@/api/request'
import { downloadFile } from '@/utils/download'
import './archive.css'

// Asks 是否确认删除客户名称为"…"的数据项？ in a box titled 系统提示; resolves when confirmed.
export function confirmDelete(what, name) {
  return ElMessageBox.confirm(t('common.confirm_delete', { what, name }), t('common.system_tip'), {
    type: 'warning',
    confirmButtonText: t('common.confirm'),
    cancelButtonText: t('common.cancel'),
  })
}

// Asks before a state change (是否确认发放保修卡"…"？).
export function confirmAction(action, what, name) {
  return ElMessageBox.confirm(t('common.confirm_action', { action, what, name }), t('common.system_tip'), {
    type: 'warning',
    confirmButtonText: t('common.confirm'),
    cancelButtonText: t('common.cancel'),
  })
}

// [{key, label, visible?}] → reactive [{key, label, visible}] for <right-toolbar :columns>.
// RightToolbar shows every column not in its remembered list, so a column hidden by default
// is written into that list the first time (same key as RightToolbar's storage-key).
export function columnList(defs, storageKey) {
  const key = 'shouhou.columns.' + storageKey
  if (storageKey && localStorage.getItem(key) === null) {
    const hidden = defs.filter((d) => d.visible === false).map((d) => d.key)
    if (hidden.length) localStorage.setItem(key, JSON.stringify(hidden))
  }
  return reactive(defs.map((d) => ({ ...d, visible: d.visible !== false })))
}

// columns.find(key).visible, for v-if on a column.
export function shown(columns, key) {
  const c = columns.find((x) => x.key === key)
  return !c || c.visible
}

export function yesNo(value) {
  if (value === null || value === undefined) return '-'
  return value ? t('common.yes') : t('common.no')
}

// The characters the server accepts in a phone number (domain/checks.c), full-width folded.
const PHONE = /^[0-9０-９ +＋\-－()（）]*$/
export const phoneRule = () => ({
  validator: (_rule, value, callback) => (!value || PHONE.test(value) ? callback() : callback(new Error(t('archive.bad_phone')))),
  trigger: 'blur',
})

// Ticket states have no dictionary (the ticket pages label them too); tag colours by UI.md 5.
const TICKET_TAG = { new: 'warning', assigned: 'primary', on_site: 'primary', cleared: 'success', closed: 'info', cancelled: 'info' }
export function ticketStatus(status) {
  return { label: status ? t('archive.ticket_status.' + status) : '-', type: TICKET_TAG[status] || 'info' }
}

// The warranty card's state today (SPEC B4), as the project and card lists send it.
export const CARD_STATUSES = ['not_due', 'due', 'late', 'issued', 'issued_late']
const CARD_TAG = { not_due: 'info', due: 'warning', late: 'danger', issued: 'success', issued_late: 'warning' }
export function cardStatus(status) {
  return { label: status ? t('archive.card_status.' + status) : '-', type: CARD_TAG[status] || 'info' }
}
export function cardIssued(card) {
  return !!card && (card.status === 'issued' || card.status === 'issued_late')
}

// Strings the forms send: '' for an empty optional text becomes null (the API clears it).
export function orNull(value) {
  return value === '' || value === undefined ? null : value
}

// The issued card as a PDF (SPEC B4), saved as 保修卡_<number>.pdf.
export function downloadCard(projectId, number) {
  return downloadFile(`/api/v1/projects/${projectId}/warranty-card`, undefined, `${t('archive.card.file_name')}_${number || projectId}.pdf`)
}

// The card in a new tab, for printing (the API serves it inline).
export function viewCard(projectId) {
  window.open(`/api/v1/projects/${projectId}/warranty-card`, '_blank', 'noopener')
}

// A region code's full name ("浙江省 杭州市 西湖区") from the cascader's own endpoint, for the
// places the API sends a code without its name (a customer's extra addresses). Children
// lists are cached per parent for the tab's life.
const regionChildren = new Map()
function children(parent) {
  const key = parent || '000000'
  if (!regionChildren.has(key)) {
    const p = get('/api/v1/regions', parent ? { parent } : undefined, { silent: true })
      .then((res) => res.items)
      .catch(() => {
        regionChildren.delete(key)
        return []
      })
    regionChildren.set(key, p)
  }
  return regionChildren.get(key)
}
export async function regionName(code) {
  if (!code || !/^\d{6}$/.test(code)) return code || '-'
  const path = [code.slice(0, 2) + '0000']
  if (code.slice(2, 4) !== '00') path.push(code.slice(0, 4) + '00')
  if (code.slice(4) !== '00') path.push(code)
  const names = []
  let parent
  for (const c of path) {
    const found = (await children(parent)).find((r) => r.code === c)
    if (!found) break
    names.push(found.name)
    parent = c
  }
  return names.length === path.length ? names.join(' ') : code
}

// form.apply(err) of utils/form.js, but a 409 naming a field of the form (a serial number
// or card already registered: `duplicate`) goes on that field too; only the stale version
// (409 stale_version) takes the 重新加载 box (calling opts.onReload). Forms send with
// { silent: true } and call this, so each failure is told once: form.apply leaves errors
// without a field to the request wrapper, which said nothing here, so they are told here.
export function applyError(form, err, opts = {}) {
  if (err instanceof ApiError && err.status === 409 && err.code !== 'stale_version' && err.field && opts.known && opts.known.includes(err.field)) {
    form.clear()
    form.errors[err.field] = err.message
    return
  }
  if (err instanceof ApiError && (!err.field || err.code === 'stale_version')) {
    form.clear()
    notifyError(err, opts)
    return
  }
  form.apply(err, opts)
}

// "（…）" in Chinese text, " (…)" in English.
export function paren(text) {
  return locale.value === 'en' ? ` (${text})` : `（${text}）`
}
