/* exports_work.c — the work lists as .xlsx or CSV (UI.md 10 "导出 exports the current filter (not
 * the page)"; SPEC H5): GET /api/v1/tickets/export, /api/v1/visits/export and
 * /api/v1/complaints/export take their list's filters and sort plus format=xlsx|csv, hold
 * every matching row the caller may see (the list's permission and scope: each page comes
 * from the same domain call as the list), with Chinese headings, dictionary labels, times in
 * the company's zone and money as yuan (download.h, as /api/v1/customers/export does).
 *
 * Design: one exporter (work_export) walks any list page by page along its keyset; each
 * export is a description (struct work_export): its columns, its query keys, the list's own
 * filter parser (api_ticket_list_filter in tickets.c, api_visit_list_filter in visits.c,
 * api_complaint_list_filter in complaints.c — so a filter means the same in the list and in
 * its export), a page loader and a row writer. More than SH_MAX_EXPORT_ROWS rows: 422
 * export_too_large — the lists count only to 10 000, so the rows are counted as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/limits.h"
#include "../base/timefmt.h"
#include "../domain/complaint.h"
#include "../domain/reference.h"
#include "../domain/ticket.h"
#include "../domain/visit.h"
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

/* ---- the exporter ---- */

/* One export's list filter and the strings it points into. */
struct work_state {
  union {
    struct ticket_filter ticket;
    struct visit_filter visit;
    struct complaint_filter complaint;
  } f;
  int64_t *after_id; /* the keyset id inside f: the last row written */
  char prefix[8];    /* ?region= as a code prefix */
  char today[11];    /* the company's date, for complaints' overdue=true */
  char after[11];    /* the visits' keyset date */
  char *folded;      /* ?q= folded; work_export frees it */
};

typedef bool (*row_fn)(struct api_request *req, struct api_response *resp, struct download *d,
                       const json_t *item, const struct dict_row *dict, size_t ndict);

/* One export as data: what differs between the three is said here, not in code. */
struct work_export {
  const char *entity; /* the sheet's and the file's name */
  const struct export_column *columns;
  size_t ncolumns;
  const char *const *allowed;   /* the list's filter keys plus format and sort */
  const char *const *sort_keys; /* ?sort= names by the list's sort index */
  int sort;                     /* the list's default sort index and direction */
  bool descending;
  bool dictionaries; /* row reads dictionary labels */
  /* Fills s->f for pages of PAGE + 1 rows and points s->after_id into it; false with resp
   * filled on a bad filter. */
  bool (*filter)(struct api_request *req, struct api_response *resp, struct work_state *s, int sort,
                 bool descending);
  /* One page from the list's domain call (permission and scope included). */
  enum sh_status (*page)(struct api_request *req, struct work_state *s, json_t **items,
                         struct sh_error *err);
  /* After a page: the rest of the keyset from its last row written (work_export has set the
   * id); NULL when the id is the whole keyset. */
  void (*after)(struct work_state *s, const json_t *last);
  row_fn row;
};

/* Writes one page's rows; counts them against SH_MAX_EXPORT_ROWS. */
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

/* Answers GET <list>/export for x: checks the query as the list does, then writes every
 * matching row the caller may see, PAGE rows at a time along the list's keyset. */
static void work_export(struct api_request *req, struct api_response *resp,
                        const struct work_export *x) {
  struct work_state s = {0};
  struct dict_row *dict = NULL;
  size_t ndict = 0;
  struct download *d = NULL;
  struct sh_error err;
  int sort = x->sort;
  bool descending = x->descending;
  int64_t written = 0;
  struct export_table table = {x->entity, x->columns, x->ncolumns, req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, x->allowed) ||
      !sort_of(req, resp, x->sort_keys, &sort, &descending) ||
      !x->filter(req, resp, &s, sort, descending))
    goto out;
  if (x->dictionaries && reference_dictionaries(req->app, &dict, &ndict, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  if (!(d = api_download_begin(req, resp, &table)))
    goto out;
  for (bool more = true; more;) {
    json_t *items = NULL;
    if (x->page(req, &s, &items, &err) != SH_OK) {
      api_error(req, resp, &err);
      goto out;
    }
    /* One row more than the page says whether another page follows. */
    size_t n = json_array_size(items), shown = n > PAGE ? PAGE : n;
    more = n > PAGE;
    bool ok = write_page(req, resp, d, items, shown, x->row, dict, ndict, &written);
    if (ok && shown) {
      const json_t *last = json_array_get(items, shown - 1);
      *s.after_id = json_integer_value(json_object_get(last, "id"));
      if (x->after)
        x->after(&s, last);
    }
    json_decref(items);
    if (!ok)
      goto out;
  }
  api_download_finish(req, resp, d, x->entity);
out:
  api_download_free(d);
  dict_rows_free(dict, ndict);
  free(s.folded);
}

/* ---- tickets ---- */

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

static bool ticket_filter_of(struct api_request *req, struct api_response *resp,
                             struct work_state *s, int sort, bool descending) {
  (void)sort; /* by id only */
  s->f.ticket = (struct ticket_filter){.descending = descending, .limit = PAGE + 1};
  s->after_id = &s->f.ticket.after_id;
  return api_ticket_list_filter(req, resp, &s->f.ticket, s->prefix, &s->folded);
}
static enum sh_status ticket_page(struct api_request *req, struct work_state *s, json_t **items,
                                  struct sh_error *err) {
  int64_t total = 0;
  return ticket_list(req->app, &req->actor, &s->f.ticket, items, &total, err);
}

static const char *const ticket_keys[] = {
    "q",         "status",      "region",       "technician_id",
    "owner_id",  "customer_id", "equipment_id", "due_within_minutes",
    "mine",      "format",      "sort",         "called_from",
    "called_to", NULL};
static const char *const by_id[] = {"id", NULL};
static const struct work_export ticket_export = {
    .entity = "工单",
    .columns = ticket_columns,
    .ncolumns = NTICKET,
    .allowed = ticket_keys,
    .sort_keys = by_id,
    .descending = true,
    .dictionaries = true,
    .filter = ticket_filter_of,
    .page = ticket_page,
    .row = ticket_row,
};

void api_tickets_export(struct api_request *req, struct api_response *resp) {
  work_export(req, resp, &ticket_export);
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

/* By enum visit_sort; a date sort's name is also the row's field of that date. */
static const char *const visit_sort_keys[] = {"planned_date", "due_date", "id", NULL};

static bool visit_filter_of(struct api_request *req, struct api_response *resp,
                            struct work_state *s, int sort, bool descending) {
  s->f.visit = (struct visit_filter){
      .sort = (enum visit_sort)sort, .descending = descending, .limit = PAGE + 1};
  s->after_id = &s->f.visit.after_id;
  return api_visit_list_filter(req, resp, &s->f.visit, s->prefix);
}
static enum sh_status visit_page(struct api_request *req, struct work_state *s, json_t **items,
                                 struct sh_error *err) {
  int64_t total = 0;
  return visit_list(req->app, &req->actor, &s->f.visit, items, &total, err);
}
/* The keyset of a date sort: the sort column's value (a date) before the id. */
static void visit_after(struct work_state *s, const json_t *last) {
  if (s->f.visit.sort == VISIT_SORT_ID)
    return;
  const char *date = str(last, visit_sort_keys[s->f.visit.sort]);
  snprintf(s->after, sizeof s->after, "%s", date ? date : "");
  s->f.visit.after_text = s->after;
}

static const char *const visit_keys[] = {
    "kind",     "status", "project_id", "ticket_id", "leader_id", "customer_id", "region",
    "due_from", "due_to", "overdue",    "format",    "sort",      NULL};
static const struct work_export visit_export = {
    .entity = "回访",
    .columns = visit_columns,
    .ncolumns = NVISIT,
    .allowed = visit_keys,
    .sort_keys = visit_sort_keys,
    .sort = VISIT_SORT_PLANNED,
    .dictionaries = true,
    .filter = visit_filter_of,
    .page = visit_page,
    .after = visit_after,
    .row = visit_row,
};

void api_visits_export(struct api_request *req, struct api_response *resp) {
  work_export(req, resp, &visit_export);
}

/* ---- complaints ---- */

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

static bool complaint_filter_of(struct api_request *req, struct api_response *resp,
                                struct work_state *s, int sort, bool descending) {
  (void)sort; /* by id only */
  s->f.complaint = (struct complaint_filter){.descending = descending, .limit = PAGE + 1};
  s->after_id = &s->f.complaint.after_id;
  return api_complaint_list_filter(req, resp, &s->f.complaint, s->today, &s->folded);
}
static enum sh_status complaint_page(struct api_request *req, struct work_state *s, json_t **items,
                                     struct sh_error *err) {
  int64_t total = 0;
  return complaint_list(req->app, &req->actor, &s->f.complaint, items, &total, err);
}

static const char *const complaint_keys[] = {
    "q",        "status",        "category",    "severity", "customer_id", "repeat", "overdue",
    "archived", "received_from", "received_to", "format",   "sort",        NULL};
static const struct work_export complaint_export = {
    .entity = "投诉",
    .columns = complaint_columns,
    .ncolumns = NCOMPLAINT,
    .allowed = complaint_keys,
    .sort_keys = by_id,
    .descending = true,
    .filter = complaint_filter_of,
    .page = complaint_page,
    .row = complaint_row,
};

void api_complaints_export(struct api_request *req, struct api_response *resp) {
  work_export(req, resp, &complaint_export);
}
