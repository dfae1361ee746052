/* exports_work.c — the work lists as .xlsx or CSV (UI.md 10 "导出 exports the current filter (not
 * the page)"; SPEC H5): GET /api/v1/tickets/export, /api/v1/visits/export and
 * /api/v1/complaints/export take their list's filters and sort plus format=xlsx|csv, hold
 * every matching row the caller may see (the list's permission and scope: each page comes
 * from the same domain call as the list), with Chinese headings, dictionary labels, times in
 * the company's zone and money as yuan (download.h, as /api/v1/customers/export does).
 *
 * The ticket and complaint lists parse their filters inline in their handlers; the parsing
 * is here as api_ticket_list_filter / api_complaint_list_filter (handlers.h), which those
 * handlers may call instead of their own copy. The visit list's own parser is shared
 * (api_visit_list_filter in visits.c). More than SH_MAX_EXPORT_ROWS rows: 422
 * export_too_large — the lists count only to 10 000, so the rows are counted as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../domain/complaint.h"
#include "../domain/reference.h"
#include "../domain/ticket.h"
#include "../domain/visit.h"
#include "../rules/region.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

#define PAGE 500

/* ---- cells from the list's JSON rows ---- */

static const char *str(const json_t *o, const char *key) {
  return json_string_value(json_object_get(o, key));
}
static struct export_cell text_cell(const json_t *o, const char *key) {
  return (struct export_cell){.text = str(o, key)};
}
static struct export_cell int_cell(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_integer(v) ? (struct export_cell){.number = json_integer_value(v)}
                            : (struct export_cell){.null = true};
}
static struct export_cell bool_cell(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_boolean(v) ? (struct export_cell){.number = json_is_true(v)}
                            : (struct export_cell){.null = true};
}
/* A time the list shows in the company's zone, back to UTC seconds for the sheet. */
static struct export_cell time_cell(const json_t *o, const char *key) {
  int64_t utc;
  const char *s = str(o, key);
  return s && time_parse_iso(s, &utc) ? (struct export_cell){.number = utc}
                                      : (struct export_cell){.null = true};
}

/* A label of ours for a state the dictionaries do not hold; the code itself otherwise. */
struct label {
  const char *code, *zh;
};
static const char *label_of(const struct label *l, const char *code) {
  for (; code && l->code; l++)
    if (strcmp(l->code, code) == 0)
      return l->zh;
  return code;
}

static const struct label ticket_statuses[] = {
    {"new", "待派工"},    {"assigned", "已派工"},  {"on_site", "已到场"}, {"cleared", "故障已排除"},
    {"closed", "已关闭"}, {"cancelled", "已取消"}, {NULL, NULL}};
static const struct label warranty_states[] = {{"in_warranty", "保修期内"},
                                               {"paid_maintenance", "有偿维护"},
                                               {"not_accepted", "未验收"},
                                               {"unknown", "未知"},
                                               {NULL, NULL}};
static const struct label stages[] = {{"onsite", "到达现场"},
                                      {"clear", "排除故障"},
                                      {"substitute", "备品替代"},
                                      {"promise", "承诺答复"},
                                      {NULL, NULL}};
static const struct label visit_statuses[] = {{"planned", "待回访"},
                                              {"done", "已回访"},
                                              {"partial", "部分完成"},
                                              {"cancelled", "已取消"},
                                              {NULL, NULL}};
static const struct label visit_kinds[] = {
    {"planned", "定期回访"}, {"followup", "工单回访"}, {NULL, NULL}};
static const struct label complaint_statuses[] = {
    {"registered", "已登记"},      {"assigned", "已通知部门"}, {"answered", "部门已答复"},
    {"called_back", "已回访客户"}, {"archived", "已归档"},     {NULL, NULL}};

/* ?sort= among keys (each optionally "-"); false (resp filled) for another. */
static bool sort_of(struct api_request *req, struct api_response *resp, const char *const *keys,
                    int *sort, bool *descending) {
  const char *s = api_query(req, "sort");
  if (!s)
    return true;
  bool desc = *s == '-';
  for (int i = 0; keys[i]; i++)
    if (strcmp(keys[i], desc ? s + 1 : s) == 0) {
      *sort = i;
      *descending = desc;
      return true;
    }
  api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
  return false;
}

/* Writes one page's rows with row_fn; counts them against SH_MAX_EXPORT_ROWS. */
typedef bool (*row_fn)(struct api_request *req, struct api_response *resp, struct download *d,
                       const json_t *item, const struct dict_row *dict, size_t ndict);
static bool write_page(struct api_request *req, struct api_response *resp, struct download *d,
                       const json_t *items, size_t shown, row_fn fn, const struct dict_row *dict,
                       size_t ndict, int64_t *written) {
  for (size_t i = 0; i < shown; i++) {
    if (++*written > SH_MAX_EXPORT_ROWS) {
      struct sh_error err;
      api_export_fits(*written, &err);
      api_error(req, resp, &err);
      return false;
    }
    if (!fn(req, resp, d, json_array_get(items, i), dict, ndict))
      return false;
  }
  return true;
}

/* The folded search text of ?q= into *folded (NULL when absent or empty). */
static bool fold_q(struct api_request *req, struct api_response *resp, char **folded) {
  const char *v = api_query(req, "q");
  *folded = NULL;
  if (!v || !*v)
    return true;
  struct buf b;
  buf_init(&b, 1024);
  bool ok = utf8_fold(&b, v) == SH_OK;
  if (ok)
    *folded = buf_detach(&b);
  else
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "q");
  buf_free(&b);
  return ok;
}

/* ---- tickets ---- */

bool api_ticket_list_filter(struct api_request *req, struct api_response *resp,
                            struct ticket_filter *f, char prefix[8], char **folded) {
  static const char *const statuses[] = {"open",    "new",    "assigned",  "on_site",
                                         "cleared", "closed", "cancelled", NULL};
  const char *v;
  *folded = NULL;
  if ((v = api_query(req, "status"))) {
    bool found = false;
    for (int i = 0; statuses[i]; i++)
      found = found || strcmp(v, statuses[i]) == 0;
    if (!found) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "status");
      return false;
    }
    f->status = v;
  }
  if ((v = api_query(req, "region"))) {
    if (!region_code_valid(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region");
      return false;
    }
    region_prefix(v, prefix);
    f->region_prefix = prefix;
  }
  struct {
    const char *key;
    int64_t *target, min;
  } ids[] = {{"technician_id", &f->technician_id, -1},
             {"owner_id", &f->owner_id, 1},
             {"customer_id", &f->customer_id, 1},
             {"equipment_id", &f->equipment_id, 1}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if ((v = api_query(req, ids[i].key)) &&
        !api_parse_int(v, ids[i].min, INT64_MAX / 2, ids[i].target)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", ids[i].key);
      return false;
    }
  if ((v = api_query(req, "mine"))) {
    /* "My tickets": the ones I own or handle at the desk, or that I work as technician. */
    if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "mine");
      return false;
    }
    if (strcmp(v, "true") == 0 && req->actor.role == ROLE_TECHNICIAN)
      f->technician_id = req->actor.user_id;
    else if (strcmp(v, "true") == 0)
      f->mine_user_id = req->actor.user_id;
  }
  int64_t within = 0;
  if ((v = api_query(req, "due_within_minutes"))) {
    if (!api_parse_int(v, 0, 525600, &within)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "due_within_minutes");
      return false;
    }
    f->due_before = time_now() + within * 60;
  }
  if (!fold_q(req, resp, folded))
    return false;
  f->q = *folded;
  return true;
}

/* IMP: UI.md 10 — the ticket list's columns, the desk's and the managers' view of a case. */
static const struct export_column ticket_columns[] = {
    {"工单号", EXPORT_TEXT, 20},          {"状态", EXPORT_TEXT, 0},
    {"客户名称", EXPORT_TEXT, 30},        {"项目", EXPORT_TEXT, 24},
    {"设备序列号", EXPORT_TEXT, 16},      {"型号", EXPORT_TEXT, 0},
    {"地区编码", EXPORT_TEXT, 0},         {"所在地区", EXPORT_TEXT, 24},
    {"报修渠道", EXPORT_TEXT, 0},         {"联系人", EXPORT_TEXT, 0},
    {"联系电话", EXPORT_TEXT, 16},        {"现场地址", EXPORT_TEXT, 30},
    {"故障描述", EXPORT_TEXT, 40},        {"来电时间", EXPORT_DATETIME, 0},
    {"首问受理人", EXPORT_TEXT, 0},       {"当前处理人", EXPORT_TEXT, 0},
    {"技术人员", EXPORT_TEXT, 0},         {"派工时间", EXPORT_DATETIME, 0},
    {"到场时间", EXPORT_DATETIME, 0},     {"排除时间", EXPORT_DATETIME, 0},
    {"备品替代时间", EXPORT_DATETIME, 0}, {"关闭时间", EXPORT_DATETIME, 0},
    {"保修状态", EXPORT_TEXT, 0},         {"处理结果", EXPORT_TEXT, 0},
    {"下一时限", EXPORT_TEXT, 0},         {"下一时限到期", EXPORT_DATETIME, 0},
    {"已超时", EXPORT_BOOL, 0},           {"人工费", EXPORT_MONEY_FEN, 0},
    {"车辆费用", EXPORT_MONEY_FEN, 0},    {"耗材费用", EXPORT_MONEY_FEN, 0},
    {"创建时间", EXPORT_DATETIME, 0},
};
#define NTICKET (sizeof ticket_columns / sizeof *ticket_columns)

static bool ticket_row(struct api_request *req, struct api_response *resp, struct download *d,
                       const json_t *t, const struct dict_row *dict, size_t ndict) {
  const json_t *next = json_object_get(t, "next_deadline");
  /* A ticket is overdue when any deadline of it stands breached (as its page shows). */
  bool breached = false;
  size_t i;
  const json_t *dl;
  json_array_foreach(json_object_get(t, "deadlines"), i, dl) {
    const char *state = str(dl, "state");
    breached = breached || (state && strcmp(state, "breached") == 0);
  }
  struct export_cell cells[NTICKET] = {
      text_cell(t, "number"),
      {.text = label_of(ticket_statuses, str(t, "status"))},
      text_cell(t, "customer_name"),
      text_cell(t, "project_name"),
      text_cell(t, "serial_no"),
      text_cell(t, "model"),
      text_cell(t, "region_code"),
      text_cell(t, "region_name"),
      {.text = api_dict_label(dict, ndict, "ticket_channel", str(t, "channel"))},
      text_cell(t, "contact_name"),
      text_cell(t, "contact_phone"),
      text_cell(t, "site_address"),
      text_cell(t, "fault"),
      time_cell(t, "called_at"),
      text_cell(t, "owner_name"),
      text_cell(t, "handler_name"),
      text_cell(t, "technician_name"),
      time_cell(t, "assigned_at"),
      time_cell(t, "arrived_at"),
      time_cell(t, "cleared_at"),
      time_cell(t, "substituted_at"),
      time_cell(t, "closed_at"),
      {.text = label_of(warranty_states, str(t, "warranty_state"))},
      {.text = str(t, "outcome") ? api_dict_label(dict, ndict, "ticket_outcome", str(t, "outcome"))
                                 : NULL},
      {.text = json_is_object(next) ? label_of(stages, str(next, "stage")) : NULL},
      json_is_object(next) ? time_cell(next, "due_at") : (struct export_cell){.null = true},
      {.number = breached},
      int_cell(t, "labour_fen"),
      int_cell(t, "vehicle_cost_fen"), /* staff only: absent for dealers and customers */
      int_cell(t, "consumables_cost_fen"),
      time_cell(t, "created_at"),
  };
  return api_download_row(req, resp, d, cells);
}

void api_tickets_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "q",        "status",      "region",       "technician_id",
      "owner_id", "customer_id", "equipment_id", "due_within_minutes",
      "mine",     "format",      "sort",         NULL};
  static const char *const sort_keys[] = {"id", NULL};
  struct ticket_filter f = {.descending = true, .limit = PAGE + 1};
  char prefix[8] = "", *folded = NULL;
  struct dict_row *dict = NULL;
  size_t ndict = 0;
  struct download *d = NULL;
  struct sh_error err;
  int sort = 0;
  int64_t written = 0;
  struct export_table table = {"工单", ticket_columns, NTICKET, req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) ||
      !sort_of(req, resp, sort_keys, &sort, &f.descending) ||
      !api_ticket_list_filter(req, resp, &f, prefix, &folded))
    goto out;
  if (reference_dictionaries(req->app, &dict, &ndict, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  if (!(d = api_download_begin(req, resp, &table)))
    goto out;
  for (bool more = true; more;) {
    json_t *items = NULL;
    int64_t total = 0;
    if (ticket_list(req->app, &req->actor, &f, &items, &total, &err) != SH_OK) {
      api_error(req, resp, &err);
      goto out;
    }
    /* One row more than the page says whether another page follows. */
    size_t n = json_array_size(items), shown = n > PAGE ? PAGE : n;
    more = n > PAGE;
    bool ok = write_page(req, resp, d, items, shown, ticket_row, dict, ndict, &written);
    if (ok && shown)
      f.after_id = json_integer_value(json_object_get(json_array_get(items, shown - 1), "id"));
    json_decref(items);
    if (!ok)
      goto out;
  }
  api_download_finish(req, resp, d, "工单");
out:
  api_download_free(d);
  dict_rows_free(dict, ndict);
  free(folded);
}

/* ---- visits ---- */

static const struct export_column visit_columns[] = {
    {"回访编号", EXPORT_INT, 0},      {"类型", EXPORT_TEXT, 0},
    {"项目", EXPORT_TEXT, 24},        {"关联工单", EXPORT_TEXT, 20},
    {"客户名称", EXPORT_TEXT, 30},    {"联系人", EXPORT_TEXT, 0},
    {"联系电话", EXPORT_TEXT, 16},    {"地区编码", EXPORT_TEXT, 0},
    {"所在地区", EXPORT_TEXT, 24},    {"第几次", EXPORT_INT, 0},
    {"应回访日期", EXPORT_DATE, 0},   {"计划日期", EXPORT_DATE, 0},
    {"调整原因", EXPORT_TEXT, 20},    {"已逾期", EXPORT_BOOL, 0},
    {"负责人", EXPORT_TEXT, 0},       {"状态", EXPORT_TEXT, 0},
    {"回访日期", EXPORT_DATE, 0},     {"回访方式", EXPORT_TEXT, 0},
    {"评分", EXPORT_INT, 0},          {"满意", EXPORT_BOOL, 0},
    {"发现问题", EXPORT_TEXT, 30},    {"客户意见", EXPORT_TEXT, 30},
    {"未完成事项", EXPORT_TEXT, 30},  {"致电次数", EXPORT_INT, 0},
    {"最近致电结果", EXPORT_TEXT, 0}, {"最近致电时间", EXPORT_DATETIME, 0},
    {"取消原因", EXPORT_TEXT, 20},    {"创建时间", EXPORT_DATETIME, 0},
};
#define NVISIT (sizeof visit_columns / sizeof *visit_columns)

static bool visit_row(struct api_request *req, struct api_response *resp, struct download *d,
                      const json_t *v, const struct dict_row *dict, size_t ndict) {
  const char *method = str(v, "method"), *call = str(v, "last_call_result");
  struct export_cell cells[NVISIT] = {
      int_cell(v, "id"),
      {.text = label_of(visit_kinds, str(v, "kind"))},
      text_cell(v, "project_name"),
      text_cell(v, "ticket_number"),
      text_cell(v, "customer_name"),
      text_cell(v, "contact_name"),
      text_cell(v, "contact_phone"),
      text_cell(v, "region_code"),
      text_cell(v, "region_name"),
      int_cell(v, "seq"),
      text_cell(v, "due_date"),
      text_cell(v, "planned_date"),
      text_cell(v, "moved_reason"),
      bool_cell(v, "overdue"),
      text_cell(v, "leader_name"),
      {.text = label_of(visit_statuses, str(v, "status"))},
      text_cell(v, "done_on"),
      {.text = method ? api_dict_label(dict, ndict, "visit_method", method) : NULL},
      int_cell(v, "score"),
      bool_cell(v, "satisfied"),
      text_cell(v, "findings"),
      text_cell(v, "opinion"),
      text_cell(v, "unfinished_items"),
      int_cell(v, "attempts"),
      {.text = call ? api_dict_label(dict, ndict, "call_result", call) : NULL},
      time_cell(v, "last_call_at"),
      text_cell(v, "cancelled_reason"),
      time_cell(v, "created_at"),
  };
  return api_download_row(req, resp, d, cells);
}

void api_visits_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "kind",     "status", "project_id", "ticket_id", "leader_id", "customer_id", "region",
      "due_from", "due_to", "overdue",    "format",    "sort",      NULL};
  static const char *const sort_keys[] = {"planned_date", "due_date", "id", NULL};
  struct visit_filter f = {.sort = VISIT_SORT_PLANNED, .limit = PAGE + 1};
  char prefix[8] = "", after[11] = "";
  struct dict_row *dict = NULL;
  size_t ndict = 0;
  struct download *d = NULL;
  struct sh_error err;
  int sort = VISIT_SORT_PLANNED;
  int64_t written = 0;
  struct export_table table = {"回访", visit_columns, NVISIT, req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) ||
      !sort_of(req, resp, sort_keys, &sort, &f.descending) ||
      !api_visit_list_filter(req, resp, &f, prefix))
    goto out;
  f.sort = (enum visit_sort)sort;
  if (reference_dictionaries(req->app, &dict, &ndict, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  if (!(d = api_download_begin(req, resp, &table)))
    goto out;
  for (bool more = true; more;) {
    json_t *items = NULL;
    int64_t total = 0;
    if (visit_list(req->app, &req->actor, &f, &items, &total, &err) != SH_OK) {
      api_error(req, resp, &err);
      goto out;
    }
    size_t n = json_array_size(items), shown = n > PAGE ? PAGE : n;
    more = n > PAGE;
    bool ok = write_page(req, resp, d, items, shown, visit_row, dict, ndict, &written);
    if (ok && shown) {
      /* the keyset: the sort column's value (a date) and the id of the last row written */
      const json_t *last = json_array_get(items, shown - 1);
      f.after_id = json_integer_value(json_object_get(last, "id"));
      if (f.sort != VISIT_SORT_ID) {
        snprintf(after, sizeof after, "%s",
                 str(last, sort_keys[f.sort]) ? str(last, sort_keys[f.sort]) : "");
        f.after_text = after;
      }
    }
    json_decref(items);
    if (!ok)
      goto out;
  }
  api_download_finish(req, resp, d, "回访");
out:
  api_download_free(d);
  dict_rows_free(dict, ndict);
}

/* ---- complaints ---- */

/* The UTC instant of the local midnight starting day (plus days), or false if not a date. */
static bool day_start(const char *day, int64_t plus_days, int tz, int64_t *out) {
  unsigned y, m, dd;
  if (!date_valid(day) || sscanf(day, "%4u-%2u-%2u", &y, &m, &dd) != 3)
    return false;
  *out = (days_from_civil(y, m, dd) + plus_days) * 86400 - (int64_t)tz * 60;
  return true;
}

static bool bool_param(struct api_request *req, struct api_response *resp, const char *key,
                       int *out) {
  const char *v = api_query(req, key);
  *out = -1;
  if (!v)
    return true;
  if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", key);
    return false;
  }
  *out = strcmp(v, "true") == 0;
  return true;
}

static bool one_of(const char *v, const char *const *choices) {
  for (int i = 0; choices[i]; i++)
    if (strcmp(v, choices[i]) == 0)
      return true;
  return false;
}

bool api_complaint_list_filter(struct api_request *req, struct api_response *resp,
                               struct complaint_filter *f, char today[11], char **folded) {
  static const char *const statuses[] = {"registered",  "assigned", "answered",
                                         "called_back", "archived", NULL};
  static const char *const severities[] = {"minor", "major", "critical", NULL};
  int tz = req->app->tz_offset_minutes, overdue = -1;
  const char *v;
  *folded = NULL;
  const char *const keys[] = {"status", "severity"};
  const char *const *choices[] = {statuses, severities};
  const char **targets[] = {&f->status, &f->severity};
  for (int i = 0; i < 2; i++)
    if ((v = api_query(req, keys[i]))) {
      if (!one_of(v, choices[i])) {
        api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", keys[i]);
        return false;
      }
      *targets[i] = v;
    }
  if ((v = api_query(req, "category"))) {
    if (!*v || strlen(v) > 40) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "category");
      return false;
    }
    f->category = v;
  }
  if ((v = api_query(req, "customer_id")) && !api_parse_int(v, 1, INT64_MAX / 2, &f->customer_id)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "customer_id");
    return false;
  }
  if (!bool_param(req, resp, "repeat", &f->repeat) ||
      !bool_param(req, resp, "archived", &f->archived) ||
      !bool_param(req, resp, "overdue", &overdue))
    return false;
  /* IMP: SPEC E2 — overdue = a notice unanswered past its due date (the due day itself is
   * still in time); only overdue=true filters, as in the list. */
  if (overdue == 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "overdue");
    return false;
  }
  if (overdue == 1) {
    char now[TIME_ISO_LEN];
    time_format_iso(time_now(), tz, now);
    snprintf(today, 11, "%.10s", now);
    f->overdue_on = today;
  }
  if ((v = api_query(req, "received_from")) && !day_start(v, 0, tz, &f->received_from)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "received_from");
    return false;
  }
  if ((v = api_query(req, "received_to")) && !day_start(v, 1, tz, &f->received_to)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "received_to");
    return false;
  }
  if (!fold_q(req, resp, folded))
    return false;
  f->q = *folded;
  return true;
}

static const struct export_column complaint_columns[] = {
    {"投诉编号", EXPORT_TEXT, 20},    {"状态", EXPORT_TEXT, 0},
    {"客户名称", EXPORT_TEXT, 30},    {"地区编码", EXPORT_TEXT, 0},
    {"所在地区", EXPORT_TEXT, 24},    {"投诉渠道", EXPORT_TEXT, 0},
    {"投诉人", EXPORT_TEXT, 0},       {"联系电话", EXPORT_TEXT, 16},
    {"受理时间", EXPORT_DATETIME, 0}, {"发生日期", EXPORT_DATE, 0},
    {"投诉事实", EXPORT_TEXT, 40},    {"客户诉求", EXPORT_TEXT, 30},
    {"投诉类别", EXPORT_TEXT, 0},     {"严重程度", EXPORT_TEXT, 0},
    {"关联工单", EXPORT_TEXT, 20},    {"设备序列号", EXPORT_TEXT, 16},
    {"重复投诉", EXPORT_BOOL, 0},     {"重复于", EXPORT_TEXT, 20},
    {"处理轮次", EXPORT_INT, 0},      {"跟进人", EXPORT_TEXT, 0},
    {"已逾期", EXPORT_BOOL, 0},       {"回访时间", EXPORT_DATETIME, 0},
    {"客户满意", EXPORT_BOOL, 0},     {"归档时间", EXPORT_DATETIME, 0},
    {"创建时间", EXPORT_DATETIME, 0},
};
#define NCOMPLAINT (sizeof complaint_columns / sizeof *complaint_columns)

static bool complaint_row(struct api_request *req, struct api_response *resp, struct download *d,
                          const json_t *c, const struct dict_row *dict, size_t ndict) {
  (void)dict;
  (void)ndict;
  struct export_cell cells[NCOMPLAINT] = {
      text_cell(c, "number"),
      {.text = label_of(complaint_statuses, str(c, "status"))},
      text_cell(c, "customer_name"),
      text_cell(c, "region_code"),
      text_cell(c, "region_name"),
      text_cell(c, "channel_label"),
      text_cell(c, "complainant"),
      text_cell(c, "phone"),
      time_cell(c, "received_at"),
      text_cell(c, "occurred_on"),
      text_cell(c, "facts"),
      text_cell(c, "demand"),
      text_cell(c, "category_label"),
      text_cell(c, "severity_label"),
      text_cell(c, "ticket_number"),
      text_cell(c, "serial_no"),
      bool_cell(c, "repeat"),
      text_cell(c, "repeat_of_number"),
      int_cell(c, "round"),
      text_cell(c, "owner_name"),
      bool_cell(c, "overdue"),
      time_cell(c, "callback_at"),
      bool_cell(c, "callback_satisfied"),
      time_cell(c, "archived_at"),
      time_cell(c, "created_at"),
  };
  return api_download_row(req, resp, d, cells);
}

void api_complaints_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "q",        "status",        "category",    "severity", "customer_id", "repeat", "overdue",
      "archived", "received_from", "received_to", "format",   "sort",        NULL};
  static const char *const sort_keys[] = {"id", NULL};
  struct complaint_filter f = {.descending = true, .limit = PAGE + 1};
  char today[11] = "", *folded = NULL;
  struct download *d = NULL;
  struct sh_error err;
  int sort = 0;
  int64_t written = 0;
  struct export_table table = {"投诉", complaint_columns, NCOMPLAINT, req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) ||
      !sort_of(req, resp, sort_keys, &sort, &f.descending) ||
      !api_complaint_list_filter(req, resp, &f, today, &folded))
    goto out;
  if (!(d = api_download_begin(req, resp, &table)))
    goto out;
  for (bool more = true; more;) {
    json_t *items = NULL;
    int64_t total = 0;
    if (complaint_list(req->app, &req->actor, &f, &items, &total, &err) != SH_OK) {
      api_error(req, resp, &err);
      goto out;
    }
    size_t n = json_array_size(items), shown = n > PAGE ? PAGE : n;
    more = n > PAGE;
    bool ok = write_page(req, resp, d, items, shown, complaint_row, NULL, 0, &written);
    if (ok && shown)
      f.after_id = json_integer_value(json_object_get(json_array_get(items, shown - 1), "id"));
    json_decref(items);
    if (!ok)
      goto out;
  }
  api_download_finish(req, resp, d, "投诉");
out:
  api_download_free(d);
  free(folded);
}
