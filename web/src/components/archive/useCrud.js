// useCrud.js — the logic the archive pages (customers, dealers, suppliers, projects,
// equipment) have in common, written once:
//   useCrud       a list page (UI.md 4, 9, 10): the list with its filter in the URL, the
//                 selection, the add/edit dialog, 删除 of one or more rows (confirmed with
//                 their names, each sent with its version) and 导出 of the current filter;
//   useDetail     a record's page: its loading, 返回 (back where the user came from, else
//                 the list), the edit dialog and 删除 (confirmed, then back to the list);
//   useRecordForm an add/edit dialog: reading the record afresh on open (its version kept
//                 for the edit), saving, 新增成功/修改成功, API errors on their fields.
// Texts are looked up when used (i18n keys are passed), so a language switched while the
// page is open is followed.
import { computed, reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { t } from '@/i18n'
import { get, post, patch, del } from '@/api/request'
import { useList } from '@/utils/list'
import { useFormErrors } from '@/utils/form'
import { exportList } from '@/utils/download'
import { applyError, confirmDelete, orNull } from './util'

const byName = (r) => r.name

// path: the collection ('/api/v1/customers'); what / entity: i18n keys of the record's
// naming field (客户名称, in the confirmation) and of the export's file name (客户);
// label(row): the record's name; sent(query): the filter as the API takes it (also for the
// export); defaults: the filter's fields (useList).
export function useCrud({ path, what, entity, label = byName, sent = (q) => q, defaults }) {
  const list = useList((q) => get(path, sent(q)), { defaults })
  const showSearch = ref(true)
  const selected = ref([])
  const formOpen = ref(false)
  const formId = ref(null)
  const importing = ref(false)
  const exporting = ref(false)
  const deleting = ref(false)

  function openForm(id) {
    formId.value = id
    formOpen.value = true
  }

  async function remove(rows) {
    try {
      await confirmDelete(t(what), rows.map(label).join('、'))
    } catch {
      return
    }
    deleting.value = true
    try {
      for (const r of rows) await del(`${path}/${r.id}`, { query: { version: r.version }, onReload: list.load })
      ElMessage.success(t('common.deleted'))
    } catch {
      /* told by the request wrapper; the list shows what is left */
    } finally {
      deleting.value = false
      list.load()
    }
  }

  async function exportAll() {
    exporting.value = true
    try {
      await exportList(`${path}/export`, sent(list.query), t(entity))
    } catch {
      /* told by the request wrapper */
    } finally {
      exporting.value = false
    }
  }

  const onSelect = (rows) => (selected.value = rows)
  return { ...list, showSearch, selected, onSelect, formOpen, formId, openForm, importing, exporting, deleting, remove, exportAll }
}

// path: the collection ('/api/v1/dealers'); list: the list page ('/dealers'); what, label as
// for useCrud; loaded(record): more to do once the record is read.
export function useDetail({ path, list, what, label = byName, loaded }) {
  const route = useRoute()
  const router = useRouter()
  const id = Number(route.params.id)
  const record = ref(null)
  const loading = ref(false)
  const deleting = ref(false)
  const formOpen = ref(false)

  async function load() {
    loading.value = true
    try {
      record.value = await get(`${path}/${id}`)
    } catch {
      return /* told by the request wrapper */
    } finally {
      loading.value = false
    }
    if (loaded) await loaded(record.value)
  }

  function back() {
    if (window.history.state && window.history.state.back) router.back()
    else router.push(list)
  }

  async function remove() {
    try {
      await confirmDelete(t(what), label(record.value))
    } catch {
      return
    }
    deleting.value = true
    try {
      await del(`${path}/${id}`, { query: { version: record.value.version }, onReload: load })
      ElMessage.success(t('common.deleted'))
      router.push(list)
    } catch {
      /* told by the request wrapper */
    } finally {
      deleting.value = false
    }
  }

  return { id, record, loading, deleting, formOpen, load, back, remove }
}

// The fields as the simple forms send them: text trimmed, an empty one as null (the API
// clears it), the name trimmed.
export function trimmedBody(form, fields) {
  const body = {}
  for (const f of fields) body[f] = typeof form[f] === 'string' ? orNull(form[f].trim()) : form[f]
  body.name = form.name.trim()
  return body
}

// props: {modelValue, id} of the dialog (no id: a new record); emit: its update:modelValue
// and saved. What it returns is FormDialog's `state`. Options: path — the collection (a function when it depends on props); empty() —
// a blank form; fields — copied from the record on edit, sent by trimmedBody and the fields
// API errors may name (known: others, or a function of the form); reset() — more to clear
// on open; fresh() — prefill a new record; fill(record) — instead of copying the fields;
// body(form, isNew) — the request body.
export function useRecordForm(props, emit, { path, empty, fields = [], known, reset, fresh, fill, body }) {
  const form = reactive(empty())
  const loading = ref(false)
  const saving = ref(false)
  const formErrors = useFormErrors()
  const url = () => (typeof path === 'function' ? path() : path)
  let version = 0

  async function open() {
    formErrors.clear()
    Object.assign(form, empty())
    version = 0
    if (reset) reset()
    if (!props.id) {
      if (fresh) fresh()
      return
    }
    loading.value = true
    try {
      const record = await get(`${url()}/${props.id}`)
      version = record.version
      if (fill) await fill(record)
      else for (const f of fields) form[f] = record[f] ?? empty()[f]
    } catch {
      emit('update:modelValue', false)
    } finally {
      loading.value = false
    }
  }

  // Called by FormDialog once the form's own rules pass.
  async function submit() {
    formErrors.clear()
    const sent = body ? body(form, !props.id) : trimmedBody(form, fields)
    saving.value = true
    try {
      const saved = props.id
        ? await patch(`${url()}/${props.id}`, { ...sent, version }, { silent: true })
        : await post(url(), sent, { silent: true })
      ElMessage.success(props.id ? t('common.updated') : t('common.added'))
      emit('update:modelValue', false)
      emit('saved', saved)
    } catch (err) {
      applyError(formErrors, err, { known: typeof known === 'function' ? known() : known || fields, onReload: open })
    } finally {
      saving.value = false
    }
  }

  // The dialog's v-model: the form component's own.
  const visible = computed({ get: () => props.modelValue, set: (v) => emit('update:modelValue', v) })
  return { form, errors: formErrors.errors, loading, saving, visible, open, submit }
}
