// survey.js — opening and closing a campaign, confirmed by name (UI.md 9), with its version.
import { ElMessage, ElMessageBox } from 'element-plus'
import { t } from '@/i18n'
import { post } from '@/api/request'

// → the survey after the change, or null when the user cancelled or it failed.
export async function surveyTransition(survey, action, onReload) {
  const go = await ElMessageBox.confirm(
    t('common.confirm_action', { action: t(`visits.survey.${action}`), what: t('visits.survey.what'), name: survey.name }),
    t('common.system_tip'),
    { type: 'warning' },
  ).catch(() => false)
  if (!go) return null
  try {
    const s = await post(`/api/v1/surveys/${survey.id}/${action}`, { version: survey.version }, { onReload })
    ElMessage.success(t(`visits.survey.${action}_done`))
    return s
  } catch {
    return null
  }
}
