// form.js — server errors go on the field (UI.md 7): when the API answers
// {"error":{"field":"phone",…}}, that form item shows the message and scrolls into view;
// anything else is a toast. Also the validation wording users know (XX不能为空, …).
import { reactive, nextTick } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { t } from '@/i18n'
import { ApiError, notifyError } from '@/api/request'

// const form = useFormErrors(); <el-form-item :error="form.errors.phone">; send the request
// with { keepField: true } and on failure call form.apply(err). The request wrapper has already
// told the user about every error that has no field (and offered 重新加载 for a 409), so apply
// only places field errors — it never toasts a second time. Fields sent by the API may be
// nested ("contacts[0].phone"): the first part before '[' or '.' is tried too.
export function useFormErrors() {
  const errors = reactive({})
  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }
  function apply(err, opts = {}) {
    clear()
    if (!(err instanceof ApiError)) {
      notifyError(err)
      return
    }
    if (!err.field || err.code === 'stale_version') return // the wrapper told the user already
    const name = err.field
    const short = name.split(/[[.]/)[0]
    const key = opts.known && !opts.known.includes(name) && opts.known.includes(short) ? short : name
    if (opts.known && !opts.known.includes(key)) {
      // a field this form does not show: say which, since the wrapper left it to us
      ElMessage.error(`${err.message}（${name}）`)
      return
    }
    errors[key] = err.message
    nextTick(() => {
      const el = document.querySelector('.el-form-item.is-error')
      if (el) el.scrollIntoView({ block: 'center', behavior: 'smooth' })
    })
  }
  return { errors, clear, apply }
}

// Element Plus rules with the wording of UI.md 7.
export const rules = {
  required: (name, trigger = 'blur') => ({ required: true, message: t('common.required', { name }), trigger }),
  length: (name, min, max) => ({ min, max, message: t('common.length_between', { name, min, max }), trigger: 'blur' }),
  phone: () => ({ pattern: /^1[3-9]\d{9}$/, message: t('common.bad_phone'), trigger: 'blur' }),
  email: () => ({ type: 'email', message: t('common.bad_email'), trigger: 'blur' }),
}
