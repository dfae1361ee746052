// flow.js — one step of the complaint procedure (SPEC E2, E3). A step out of order — someone
// else moved the complaint on, or it was archived — answers 409 complaint_wrong_state /
// complaint_archived / notice_already_answered: the server's message is shown in a box and the
// complaint reloaded, so the steps show where it really stands (e.handled = 'state': the
// dialog that sent it should close). A stale version offers the
// reload (UI.md 8); a field error is left to the form (rethrown); anything else is toasted.
import { ElMessageBox } from 'element-plus'
import { t } from '@/i18n'
import { post, notifyError } from '@/api/request'

export async function flowStep(path, body, { reload, idempotencyKey } = {}) {
  try {
    return await post(path, body, { silent: true, idempotencyKey })
  } catch (e) {
    if (e && e.status === 409 && e.code !== 'stale_version') {
      await ElMessageBox.alert(e.message || e.code, t('common.system_tip'), { type: 'warning' }).catch(() => {})
      if (reload) reload()
      e.handled = 'state'
    } else if (e && e.field && e.status === 422) {
      /* the form shows it next to the field */
    } else {
      notifyError(e, { onReload: reload })
      e.handled = 'told'
    }
    throw e
  }
}
