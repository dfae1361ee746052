// imports.js — spreadsheet imports (UI.md 10, issue 3): the headings each import reads (for
// 下载模板; the server's docs in docs/openapi.yaml /api/v1/imports/*), and the upload itself.
// The upload goes through XMLHttpRequest, not the fetch wrapper, because only XHR reports
// upload progress; it sends what the wrapper sends (CSRF token, language) and fails with the
// same ApiError, told to the user by the same notifyError.
import { acceptLanguage, t } from '@/i18n'
import { ApiError, notifyError } from '@/api/request'
import { session } from '@/api/session'

// Headings in the order of the template; the importer also reads the export's own headings
// and the region as 地区编码 or 所在地区 ("浙江省 杭州市 西湖区").
export const IMPORT_KINDS = {
  customers: {
    path: '/api/v1/imports/customers',
    headings: ['客户名称', '类型', '省', '市', '区', '详细地址', '电话', '负责人', '客户分组', '产品类型', '重点客户', '备注', '联系人', '联系人电话', '联系人职务'],
    required: ['客户名称', '省/市/区'],
  },
  projects: {
    path: '/api/v1/imports/projects',
    headings: ['客户名称', '工程名称', '省', '市', '区', '工程地址', '项目经理', '竣工日期', '验收日期', '备注'],
    required: ['客户名称', '工程名称', '省/市/区'],
  },
  equipment: {
    path: '/api/v1/imports/equipment',
    headings: ['工程名称', '客户名称', '序列号', '型号', '设备名称', '类别', '供应商', '生产批次', '是否本公司销售', '安装位置', '厂家保修月数', '验收日期', '备注'],
    required: ['工程名称', '序列号', '型号'],
  },
}

// The template as a CSV for Excel: UTF-8 with a BOM (Excel on Chinese Windows then reads the
// headings right), CRLF. Headings only: an example row would be imported by mistake.
export function downloadTemplate(kind) {
  const spec = IMPORT_KINDS[kind]
  const blob = new Blob(['\uFEFF' + spec.headings.join(',') + '\r\n'], { type: 'text/csv;charset=utf-8' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = `${t('archive.imports.template_name.' + kind)}.csv`
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

function contentType(file) {
  const name = (file.name || '').toLowerCase()
  if (name.endsWith('.csv')) return 'text/csv'
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  return 'application/octet-stream'
}

// POST the file as the body. onProgress(percent of the upload). Resolves with the report;
// rejects with an ApiError carrying .report when the server sent one (import_rejected).
// The user is told about every failure except a report (the panel shows it) and a file the
// server could not read (the panel shows that message next to the file).
export function uploadImport(kind, file, { dryRun, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', IMPORT_KINDS[kind].path + (dryRun ? '?dry_run=true' : ''))
    xhr.setRequestHeader('Content-Type', contentType(file))
    xhr.setRequestHeader('Accept-Language', acceptLanguage())
    if (session.csrf) xhr.setRequestHeader('X-CSRF-Token', session.csrf)
    xhr.withCredentials = true
    xhr.timeout = 600000
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded * 100) / e.total))
    }
    const fail = (err, tell = true) => {
      if (tell) notifyError(err)
      reject(err)
    }
    xhr.onerror = () => fail(new ApiError(0, 'network', t('common.network_error')))
    xhr.ontimeout = () => fail(new ApiError(0, 'timeout', t('common.timeout')))
    xhr.onload = () => {
      let data = null
      try {
        data = JSON.parse(xhr.responseText)
      } catch {
        /* not JSON: the status speaks */
      }
      if (xhr.status === 200 && data) return resolve(data)
      const e = (data && data.error) || {}
      let message = e.message || ''
      if (!message) message = xhr.status === 404 ? t('common.not_found') : t('common.server_error')
      const err = new ApiError(xhr.status, e.code || 'http_' + xhr.status, message, e.field)
      if (data && data.report) err.report = data.report
      fail(err, !(err.report || xhr.status === 422 || xhr.status === 413))
    }
    xhr.send(file)
  })
}
