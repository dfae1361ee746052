// actions.js — every workflow action of a ticket (docs/tickets.md "The life of a ticket"):
// the endpoint, who may (the permission the route checks), when it applies, its form fields
// by the API's own names, whether it takes the ticket's version (actions that change the
// ticket's own fields) and whether it changes the state (then it is confirmed, UI.md 9).
// ActionDialog.vue draws the forms; assign, signature and upload have their own dialogs.
import { isOpen } from './ticket'

const open = (t) => isOpen(t)

// Field types: text, textarea, datetime, date, money (yuan typed, fen sent), int, dict
// (dictionary type in `dict`), party, bool3 (yes / no / not said), equipment, staff.
export const ACTIONS = {
  assign: {
    path: 'assign',
    perm: 'ticket:dispatch',
    when: (t) => t.status === 'new' || t.status === 'assigned',
    special: true,
  },
  handover: {
    path: 'handover',
    perm: 'ticket:write',
    when: open,
    version: true,
    confirm: true,
    fields: [
      { name: 'handler_id', type: 'staff', required: true },
      { name: 'note', type: 'textarea', max: 500 },
    ],
  },
  appointment: {
    path: 'appointments',
    perm: 'ticket:field',
    when: (t) => open(t) && !!t.technician_id,
    fields: [
      { name: 'starts_at', type: 'datetime', required: true },
      { name: 'ends_at', type: 'datetime' },
      { name: 'agreed_with', type: 'text', max: 100, init: (t) => t.contact_name || '' },
      { name: 'phoned_at', type: 'datetime' },
      { name: 'note', type: 'textarea', max: 500 },
    ],
  },
  delay: {
    path: 'delays',
    perm: 'ticket:field',
    when: open,
    fields: [
      { name: 'party', type: 'party', required: true, init: () => 'customer' },
      { name: 'from', type: 'datetime', required: true },
      { name: 'to', type: 'datetime', required: true },
      { name: 'reason', type: 'textarea', max: 500 },
      { name: 'reschedule_to', type: 'datetime' },
    ],
  },
  arrive: {
    path: 'arrive',
    perm: 'ticket:field',
    when: (t) => t.status === 'assigned',
    version: true,
    confirm: true,
    fields: [{ name: 'at', type: 'datetime', hint: 'at_now' }],
  },
  record: {
    path: 'record',
    perm: 'ticket:field',
    when: open,
    version: true,
    wide: true,
    fields: [
      { name: 'diagnosis', type: 'textarea', max: 2000, init: (t) => t.diagnosis || '' },
      { name: 'work_done', type: 'textarea', max: 2000, init: (t) => t.work_done || '' },
      { name: 'test_result', type: 'textarea', max: 1000, init: (t) => t.test_result || '' },
      { name: 'extra_work', type: 'textarea', max: 1000, init: (t) => t.extra_work || '', hint: 'extra_work' },
      { name: 'labour_fen', type: 'money', init: (t) => t.labour_fen },
      { name: 'vehicle_cost_fen', type: 'money', init: (t) => t.vehicle_cost_fen },
      { name: 'consumables_cost_fen', type: 'money', init: (t) => t.consumables_cost_fen },
      { name: 'consumables_reason', type: 'textarea', max: 500, init: (t) => t.consumables_reason || '' },
    ],
  },
  part: {
    path: 'parts',
    perm: 'ticket:field',
    when: open,
    hint: (t) => (t.parts_free ? 'parts_free' : 'parts_charged'),
    fields: [
      { name: 'name', type: 'text', required: true, max: 100 },
      { name: 'part_no', type: 'text', max: 64 },
      { name: 'quantity', type: 'int', required: true, init: () => 1, min: 1, max: 10000 },
      { name: 'unit_price_fen', type: 'money', required: true, hint: 'list_price' },
      { name: 'faulty_serial', type: 'text', max: 64, init: (t) => t.serial_no || '' },
      { name: 'replacement_serial', type: 'text', max: 64 },
    ],
  },
  loan: {
    path: 'loans',
    perm: 'ticket:field',
    when: open,
    fields: [
      { name: 'spare_serial', type: 'text', required: true, max: 64 },
      { name: 'spare_model', type: 'text', required: true, max: 100, init: (t) => t.model || '' },
      { name: 'lent_at', type: 'datetime', hint: 'at_now' },
      { name: 'note', type: 'textarea', max: 500 },
    ],
  },
  loan_return: {
    path: 'loans/return',
    perm: 'ticket:field',
    when: () => true,
    fields: [{ name: 'returned_at', type: 'datetime', hint: 'at_now' }],
    extra: ['loan_id'],
  },
  unit: {
    path: 'unit',
    perm: 'ticket:field',
    when: open,
    version: true,
    confirm: true,
    fields: [{ name: 'equipment_id', type: 'equipment', required: true }],
  },
  clear: {
    path: 'clear',
    perm: 'ticket:field',
    when: (t) => open(t) && t.status !== 'cleared',
    version: true,
    confirm: true,
    fields: [{ name: 'at', type: 'datetime', hint: 'at_now' }],
  },
  sign: {
    path: 'signature',
    perm: 'ticket:field',
    when: (t) => open(t) && !!(t.cleared_at || t.substituted_at) && !t.signed_at,
    special: true,
  },
  upload: {
    path: 'attachments',
    perm: 'ticket:field',
    when: () => true,
    special: true,
  },
  close: {
    path: 'close',
    perm: 'ticket:close',
    when: open,
    version: true,
    confirm: true,
    fields: [{ name: 'outcome', type: 'dict', dict: 'ticket_outcome', required: true }],
  },
  cancel: {
    path: 'cancel',
    perm: 'ticket:write',
    when: open,
    version: true,
    confirm: true,
    danger: true,
    fields: [{ name: 'reason', type: 'textarea', required: true, max: 500 }],
  },
  promise: {
    path: 'promises',
    perm: 'ticket:write',
    when: open,
    fields: [
      { name: 'due_at', type: 'datetime', required: true },
      { name: 'note', type: 'textarea', required: true, max: 500 },
    ],
  },
  promise_kept: {
    path: 'promises/kept',
    perm: 'ticket:write',
    when: () => true,
    confirm: true,
    fields: [],
    extra: ['seq'],
  },
  receipt: {
    path: 'receipt',
    perm: 'ticket:write',
    when: (t) => !t.receipt && t.status !== 'cancelled',
    fields: [
      { name: 'receipt_no', type: 'text', max: 64 },
      { name: 'returned_on', type: 'date', required: true, init: 'today' },
      { name: 'signed_by', type: 'text', max: 100, init: (t) => t.signed_by || t.contact_name || '' },
      { name: 'satisfied', type: 'bool3' },
      { name: 'note', type: 'textarea', max: 1000 },
    ],
  },
  escalate: {
    path: 'escalate',
    perm: 'ticket:write',
    when: open,
    confirm: true,
    fields: [{ name: 'reason', type: 'textarea', required: true, max: 1000 }],
  },
}

// The actions the caller may take on this ticket now, in the order of the work.
export function available(ticket, can, names) {
  if (!ticket) return []
  return names.filter((n) => ACTIONS[n] && can(ACTIONS[n].perm) && ACTIONS[n].when(ticket))
}
