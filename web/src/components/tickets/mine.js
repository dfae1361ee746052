// mine.js — the technician's day (我的工单, SPEC C3): open tickets assigned to me, each with
// its appointments, split into today's appointments (in time order) and the other open
// work (most urgent deadline first). The list API carries no appointments, so each open
// ticket's detail is read too (a technician holds a handful; at most MAX are read).
import { computed, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { t } from '@/i18n'
import { get, post } from '@/api/request'
import { today } from '@/utils/format'
import { learnZone } from './ticket'

const MAX = 60

export function useMyTickets() {
  const tickets = ref([])
  const loading = ref(false)
  const truncated = ref(false)

  async function load() {
    loading.value = true
    try {
      const res = await get('/api/v1/tickets', { mine: 'true', status: 'open', page_size: MAX })
      const rows = res.items || []
      truncated.value = (res.total || 0) > rows.length
      const details = await Promise.all(rows.map((r) => get(`/api/v1/tickets/${r.id}`, undefined, { silent: true }).catch(() => r)))
      if (details.length) learnZone(details[0].called_at)
      tickets.value = details
    } finally {
      loading.value = false
    }
  }

  // The appointment still agreed (a new one replaces the old), if any.
  const agreed = (tk) => (tk.appointments || []).find((a) => a.status === 'agreed') || null
  const day = computed(() => today())
  const todays = computed(() =>
    tickets.value
      .filter((tk) => {
        const a = agreed(tk)
        return a && a.starts_at.slice(0, 10) === day.value
      })
      .sort((a, b) => agreed(a).starts_at.localeCompare(agreed(b).starts_at)),
  )
  const others = computed(() => {
    const ids = new Set(todays.value.map((tk) => tk.id))
    const due = (tk) => (tk.next_deadline && tk.next_deadline.due_at) || '9999'
    return tickets.value.filter((tk) => !ids.has(tk.id)).sort((a, b) => due(a).localeCompare(due(b)))
  })
  return { tickets, todays, others, loading, truncated, load, agreed }
}

// 签到 and 完工 from a card: one confirmation naming the ticket, now as the time.
export async function quickAct(ticket, name, onReload) {
  const path = { arrive: 'arrive', clear: 'clear' }[name]
  if (!path) return null
  const yes = await ElMessageBox.confirm(t('tickets.confirm_action', { action: t(`tickets.act.${name}`), number: ticket.number }), t('common.system_tip'), {
    type: 'warning',
    confirmButtonText: t('common.confirm'),
    cancelButtonText: t('common.cancel'),
  })
    .then(() => true)
    .catch(() => false)
  if (!yes) return null
  const res = await post(`/api/v1/tickets/${ticket.id}/${path}`, { version: ticket.version }, { onReload })
  ElMessage.success(t(`tickets.done.${name}`))
  return res
}
