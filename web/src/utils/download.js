// download.js — files from the API: exports of the current filter (UI.md 10: not the page)
// named <实体>_<YYYYMMDDHHmmss>.xlsx, and PDFs (warranty cards, service reports, notices).
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { api } from '@/api/request'
import { t } from '@/i18n'
import { stamp } from './format'

export async function downloadFile(path, query, filename) {
  const res = await api('GET', path, { query, raw: true, timeout: 300000 })
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename || fromDisposition(res.headers.get('Content-Disposition')) || 'download'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

function fromDisposition(value) {
  if (!value) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(value)
  if (star) return decodeURIComponent(star[1])
  const plain = /filename="?([^";]+)"?/i.exec(value)
  return plain ? plain[1] : null
}

// exportList('/api/v1/customers/export', filters, '客户档案') → 客户档案_20261128093000.xlsx
export async function exportList(path, filters, entity, format = 'xlsx') {
  const query = { ...filters, format }
  delete query.page
  delete query.page_size
  const close = ElMessage({ message: t('common.export_started'), type: 'info', duration: 0 })
  try {
    await downloadFile(path, query, `${entity}_${stamp()}.${format}`)
    ElMessage.success(t('common.export_done'))
  } finally {
    close.close()
  }
}
