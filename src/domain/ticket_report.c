/* ticket_report.c — the service report (服务报告) PDF of a ticket: the digital after-sales
 * receipt of SPEC C6 with the fault, the work done, the parts and bill (B3), the times
 * against the 24/48/72 commitment (C2) and the customer's signature. The data is read in
 * one read unit; the PDF is drawn after it (slow work stays outside units). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../export/report.h"
#include "../rules/sla.h"
#include "../store/attachments.h"
#include "../store/reference.h"
#include "settings.h"
#include "ticket_internal.h"

struct report_arg {
  const struct actor *actor;
  int64_t id;
  struct ticket *t;
  struct ticket_part *parts;
  size_t nparts;
  struct ticket_deadline *deadlines;
  size_t ndeadlines;
  char *company, *department, *hotline, *outcome_label;
  char *signature;
  size_t signature_len;
};

static enum sh_status report_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct report_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  enum sh_status rc = store_ticket_get(tx, a->id, &scope, &a->t, err);
  void *parts = NULL;
  if (rc == SH_OK)
    rc = store_work_list(tx, WORK_PART, a->id, &parts, &a->nparts, err);
  a->parts = parts;
  if (rc == SH_OK)
    rc = store_deadlines_list(tx, a->id, &a->deadlines, &a->ndeadlines, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.name", &a->company, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.service_department", &a->department, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.service_hotline", &a->hotline, err);
  if (rc == SH_OK && a->t->outcome)
    rc = store_dict_label(tx, "ticket_outcome", a->t->outcome, &a->outcome_label, err);
  if (rc == SH_OK && a->t->signature_id) {
    struct attachment_info *info = NULL;
    rc = store_attachment_get(tx, a->t->signature_id, &info, &a->signature, &a->signature_len, err);
    attachment_info_free(info);
  }
  return rc;
}

/* "按时" / "超时 2小时15分" / "" for a stage met at met_at against its deadline. */
static void stage_text(const struct ticket_deadline *d, int64_t now, char *out, size_t size) {
  out[0] = '\0';
  if (!d)
    return;
  struct sla_deadline sd = {.due_at = d->due_at, .warn_at = d->warn_at};
  int64_t late = sla_overdue_seconds(&sd, d->met_at, now);
  if (d->met_at && late == 0)
    snprintf(out, size, "按时");
  else if (late > 0)
    snprintf(out, size, "超时 %lld小时%lld分", (long long)(late / 3600),
             (long long)(late % 3600 / 60));
}

static const struct ticket_deadline *find_stage(const struct report_arg *a, const char *stage) {
  for (size_t i = 0; i < a->ndeadlines; i++)
    if (strcmp(a->deadlines[i].stage, stage) == 0)
      return &a->deadlines[i];
  return NULL;
}

static const char *or_dash(const char *s) {
  return s && *s ? s : "—";
}

enum sh_status ticket_report_pdf(struct app *app, const struct actor *actor, int64_t id,
                                 unsigned char **pdf, size_t *len, char *name, size_t name_size,
                                 struct sh_error *err) {
  struct report_arg a = {.actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, report_unit, &a, err);
  struct report_part *lines = NULL;
  if (rc == SH_OK && !(lines = sh_calloc(a.nparts ? a.nparts : 1, sizeof *lines)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK) {
    int tz = app->tz_offset_minutes;
    struct ticket *t = a.t;
    /* A closed ticket's stages are judged at its closing, as the ticket shows them. */
    int64_t now = t->closed_at ? t->closed_at : time_now();
    for (size_t i = 0; i < a.nparts; i++)
      lines[i] = (struct report_part){.name = a.parts[i].name,
                                      .part_no = a.parts[i].part_no,
                                      .quantity = (int32_t)a.parts[i].quantity,
                                      .unit_price = a.parts[i].unit_price_fen,
                                      .free_in_warranty = a.parts[i].free};
    struct report_charge labour = {.label = "人工费", .amount = t->labour_fen};
    char called[20], arrived[20] = "", cleared[20] = "", spare[20] = "", signed_at[20] = "";
    char printed[20], warranty[80];
    ticket_local_text(t->called_at, tz, called);
    if (t->arrived_at)
      ticket_local_text(t->arrived_at, tz, arrived);
    if (t->cleared_at)
      ticket_local_text(t->cleared_at, tz, cleared);
    if (t->substituted_at)
      ticket_local_text(t->substituted_at, tz, spare);
    if (t->signed_at)
      ticket_local_text(t->signed_at, tz, signed_at);
    ticket_local_text(time_now(), tz, printed);
    printed[10] = '\0';
    char sla_onsite[48], sla_clear[48], sla_spare[48];
    stage_text(find_stage(&a, "onsite"), now, sla_onsite, sizeof sla_onsite);
    stage_text(find_stage(&a, "clear"), now, sla_clear, sizeof sla_clear);
    stage_text(t->substituted_at ? find_stage(&a, "substitute") : NULL, now, sla_spare,
               sizeof sla_spare);
    snprintf(warranty, sizeof warranty, "%s",
             strcmp(t->warranty_state, "in_warranty") == 0 ? "保修期内（配件免费）"
             : strcmp(t->warranty_state, "unknown") == 0   ? "未确定"
                                                           : "保修期外（有偿维修）");
    struct service_report r = {
        .company = a.company ? a.company : or_dash(a.department),
        .hotline = a.hotline,
        .ticket_no = t->number,
        .printed_on = printed,
        .customer_name = t->customer_name,
        .contact = t->contact_name,
        .phone = t->contact_phone,
        .address = t->site_address,
        .unit_name =
            t->equipment_name && *t->equipment_name ? t->equipment_name : or_dash(t->model),
        .unit_model = t->model,
        .serial = t->serial_no,
        .warranty = warranty,
        .called_at = called,
        .arrived = {.at = arrived, .sla = sla_onsite},
        .cleared = {.at = cleared, .sla = sla_clear},
        .spare = {.at = spare, .sla = sla_spare},
        .fault_reported = t->fault,
        .diagnosis = t->diagnosis,
        .work_done = or_dash(t->work_done),
        .test_result = t->test_result,
        .responsibility = t->extra_work,
        .parts = lines,
        .part_count = a.nparts,
        .charges = &labour,
        .charge_count = t->labour_fen ? 1 : 0,
        .outcome = a.outcome_label ? a.outcome_label : "处理中",
        .technician = or_dash(t->technician_name),
        .signature_png = (const unsigned char *)a.signature,
        .signature_png_len = a.signature_len,
        .signer = t->signed_by,
        .signed_at = signed_at,
    };
    char *bytes = NULL;
    rc = report_service_pdf(&r, &bytes, len, err);
    if (rc == SH_OK) {
      *pdf = (unsigned char *)bytes;
      snprintf(name, name_size, "%s", t->number);
    }
  }
  free(lines);
  ticket_free(a.t);
  work_list_free(WORK_PART, a.parts, a.nparts);
  ticket_deadlines_free(a.deadlines, a.ndeadlines);
  free(a.company);
  free(a.department);
  free(a.hotline);
  free(a.outcome_label);
  free(a.signature);
  return rc;
}
