/* import.c — customers from a spreadsheet, in one unit (see import.h).
 *
 * Design: the sheet is parsed before the unit (api/ or the command line reads the file);
 * the unit checks every row exactly as a create through the API would (customer_create_in)
 * and, for a real import, inserts the rows as it goes. A bad row is recorded and the
 * checking goes on, so one run reports every bad row; at the end, any bad row makes the
 * unit fail and SQLite/PostgreSQL roll back every row already inserted. A dry run is a read
 * unit: it cannot write, and it does not hold the writer. Dictionary labels and region
 * names are resolved in the unit with the store's lookups. */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/region.h"
#include "../store/customers.h"
#include "../store/reference.h"
#include "customer.h"

enum column {
  COL_NAME,
  COL_KIND,
  COL_REGION_CODE,
  COL_REGION_NAME,
  COL_PROVINCE,
  COL_CITY,
  COL_DISTRICT,
  COL_ADDRESS,
  COL_PHONE,
  COL_RESPONSIBLE,
  COL_GROUP,
  COL_PRODUCTS,
  COL_KEY,
  COL_NOTE,
  COL_CONTACT,
  COL_CONTACT_PHONE,
  COL_CONTACT_TITLE,
  COL_IGNORED, /* the export's own id and timestamps: read back, never written */
  COL_COUNT
};

/* Headings per column: the export's first, then what users commonly write. */
static const struct {
  enum column column;
  const char *heading;
} headings[] = {
    {COL_NAME, "客户名称"},
    {COL_NAME, "名称"},
    {COL_NAME, "name"},
    {COL_KIND, "类型"},
    {COL_KIND, "客户类型"},
    {COL_KIND, "kind"},
    {COL_REGION_CODE, "地区编码"},
    {COL_REGION_CODE, "行政区划代码"},
    {COL_REGION_CODE, "region_code"},
    {COL_REGION_NAME, "所在地区"},
    {COL_REGION_NAME, "地区"},
    {COL_PROVINCE, "省"},
    {COL_PROVINCE, "省份"},
    {COL_CITY, "市"},
    {COL_CITY, "城市"},
    {COL_DISTRICT, "区"},
    {COL_DISTRICT, "区县"},
    {COL_DISTRICT, "区/县"},
    {COL_ADDRESS, "详细地址"},
    {COL_ADDRESS, "地址"},
    {COL_ADDRESS, "address"},
    {COL_PHONE, "电话"},
    {COL_PHONE, "客户电话"},
    {COL_PHONE, "phone"},
    {COL_RESPONSIBLE, "负责人"},
    {COL_RESPONSIBLE, "responsible_person"},
    {COL_GROUP, "客户分组"},
    {COL_GROUP, "客户群体"},
    {COL_GROUP, "customer_group"},
    {COL_PRODUCTS, "产品类型"},
    {COL_PRODUCTS, "product_types"},
    {COL_KEY, "重点客户"},
    {COL_KEY, "key_customer"},
    {COL_NOTE, "备注"},
    {COL_NOTE, "note"},
    {COL_CONTACT, "联系人"},
    {COL_CONTACT_PHONE, "联系人电话"},
    {COL_CONTACT_PHONE, "联系人手机"},
    {COL_CONTACT_TITLE, "联系人职务"},
    {COL_IGNORED, "客户编号"},
    {COL_IGNORED, "创建时间"},
    {COL_IGNORED, "更新时间"},
};

struct import_state {
  const struct actor *actor;
  const struct sheet *sheet;
  bool dry_run;
  import_progress_fn progress;
  void *progress_arg;
  int column_of[COL_COUNT]; /* the sheet column of each field, -1 if absent */
  struct import_report *report;
  struct dict_row *dict;
  size_t ndict;
};

static void add_error(struct import_report *r, size_t row, const char *column, const char *code,
                      const char *detail) {
  r->errors_total++;
  if (r->nerrors >= IMPORT_MAX_ERRORS)
    return;
  struct import_error *list = sh_reallocarray(r->errors, r->nerrors + 1, sizeof *list);
  if (!list)
    return;
  r->errors = list;
  struct import_error *e = &list[r->nerrors++];
  memset(e, 0, sizeof *e);
  e->row = row;
  snprintf(e->column, sizeof e->column, "%s", column ? column : "");
  snprintf(e->code, sizeof e->code, "%s", code);
  snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
}

/* Trims spaces (ASCII and U+3000) at both ends of a cell into out. */
static void trimmed(const char *cell, char *out, size_t n) {
  while (*cell == ' ' || strncmp(cell, "\xe3\x80\x80", 3) == 0)
    cell += *cell == ' ' ? 1 : 3;
  snprintf(out, n, "%s", cell);
  size_t len = strlen(out);
  for (;;) {
    if (len && out[len - 1] == ' ')
      out[--len] = '\0';
    else if (len >= 3 && strcmp(out + len - 3, "\xe3\x80\x80") == 0)
      out[len -= 3] = '\0';
    else
      break;
  }
}

static const char *cell_of(const struct import_state *s, const struct sheet_row *row, enum column c,
                           char *buf, size_t n) {
  buf[0] = '\0';
  if (s->column_of[c] >= 0)
    trimmed(sheet_cell(row, (size_t)s->column_of[c]), buf, n);
  return buf;
}

/* The heading row: which column holds what. Unknown and repeated headings are errors. */
static void read_headings(struct import_state *s) {
  for (int c = 0; c < COL_COUNT; c++)
    s->column_of[c] = -1;
  if (s->sheet->count == 0)
    return;
  const struct sheet_row *h = &s->sheet->rows[0];
  for (size_t i = 0; i < h->count; i++) {
    char text[128];
    trimmed(h->cells[i], text, sizeof text);
    if (!text[0])
      continue;
    int found = -1;
    for (size_t k = 0; k < sizeof headings / sizeof *headings; k++)
      if (strcmp(headings[k].heading, text) == 0)
        found = (int)headings[k].column;
    if (found < 0) {
      add_error(s->report, h->number, text, "unknown_column", text);
    } else if (found != COL_IGNORED && s->column_of[found] >= 0) {
      add_error(s->report, h->number, text, "duplicate_column", text);
    } else if (found != COL_IGNORED) {
      s->column_of[found] = (int)i;
    }
  }
  if (s->column_of[COL_NAME] < 0)
    add_error(s->report, h->number, "客户名称", "missing_column", "客户名称");
  if (s->column_of[COL_REGION_CODE] < 0 && s->column_of[COL_REGION_NAME] < 0 &&
      s->column_of[COL_PROVINCE] < 0)
    add_error(s->report, h->number, "地区编码", "missing_column", "地区编码 / 所在地区 / 省");
}

/* A dictionary value given as its value or its Chinese label; "" when neither. */
static const char *dict_value(const struct import_state *s, const char *type, const char *text) {
  for (size_t i = 0; i < s->ndict; i++)
    if (strcmp(s->dict[i].type, type) == 0 &&
        (strcmp(s->dict[i].value, text) == 0 || strcmp(s->dict[i].label_zh, text) == 0))
      return s->dict[i].value;
  return "";
}

/* 是/否, Y/N, 1/0, true/false; -1 for anything else. */
static int yes_no(const char *t) {
  const char *yes[] = {"是", "Y", "y", "1", "true", "TRUE", "√"};
  const char *no[] = {"否", "N", "n", "0", "false", "FALSE", ""};
  for (size_t i = 0; i < 7; i++) {
    if (strcmp(t, yes[i]) == 0)
      return 1;
    if (strcmp(t, no[i]) == 0)
      return 0;
  }
  return -1;
}

/* The region of a row: the code, or the names (one cell "省 市 区" or three cells). */
static enum sh_status row_region(struct store_tx *tx, const struct import_state *s,
                                 const struct sheet_row *row, char code[8], const char **column,
                                 struct sh_error *err) {
  char text[256], parts[3][96] = {"", "", ""};
  code[0] = '\0';
  if (*cell_of(s, row, COL_REGION_CODE, text, sizeof text)) {
    *column = "地区编码";
    if (region_code_valid(text))
      memcpy(code, text, REGION_CODE_LEN + 1); /* valid: six digits and the NUL */
    return SH_OK;
  }
  if (*cell_of(s, row, COL_REGION_NAME, text, sizeof text)) {
    *column = "所在地区";
    char *save = NULL;
    int n = 0;
    for (char *t = strtok_r(text, " /", &save); t && n < 3; t = strtok_r(NULL, " /", &save))
      snprintf(parts[n++], sizeof parts[0], "%s", t);
  } else {
    *column = "省";
    cell_of(s, row, COL_PROVINCE, parts[0], sizeof parts[0]);
    cell_of(s, row, COL_CITY, parts[1], sizeof parts[1]);
    cell_of(s, row, COL_DISTRICT, parts[2], sizeof parts[2]);
  }
  /* Walk down from the province; a level named without its grouping (北京市 东城区) is
   * found two levels down. */
  char parent[8] = "", found[8];
  for (int i = 0; i < 3 && parts[i][0]; i++) {
    enum sh_status rc = store_region_find(tx, parent, parts[i], false, found, err);
    if (rc == SH_OK && !found[0] && parent[0])
      rc = store_region_find(tx, parent, parts[i], true, found, err);
    if (rc != SH_OK)
      return rc;
    if (!found[0])
      return SH_OK; /* not found: code stays "" */
    snprintf(parent, sizeof parent, "%s", found);
  }
  snprintf(code, 8, "%s", parent);
  return SH_OK;
}

/* product_types "监控设备、停车场管理" → ["surveillance","parking"]; NULL if one is unknown. */
static char *row_products(const struct import_state *s, const char *text, const char **bad) {
  json_t *list = json_array();
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", text);
  /* Separators users type: 、 ， , ; / and spaces. */
  for (char *p = copy; *p; p++)
    if (strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0 || strncmp(p, "；", 3) == 0)
      memset(p, ',', 3);
  char *save = NULL;
  for (char *t = strtok_r(copy, ",;/ ", &save); t; t = strtok_r(NULL, ",;/ ", &save)) {
    const char *v = dict_value(s, "product_type", t);
    if (!*v) {
      *bad = t;
      json_decref(list);
      return NULL;
    }
    bool seen = false;
    for (size_t i = 0; i < json_array_size(list); i++)
      seen = seen || strcmp(json_string_value(json_array_get(list, i)), v) == 0;
    if (!seen)
      json_array_append_new(list, json_string(v));
  }
  char *out = json_dumps(list, JSON_COMPACT);
  json_decref(list);
  return out;
}

/* The heading of the sheet column behind a field name of a customer error. */
static const char *column_of_field(const struct import_state *s, const char *field) {
  static const struct {
    const char *field;
    enum column column;
  } map[] = {{"name", COL_NAME},
             {"kind", COL_KIND},
             {"region_code", COL_REGION_CODE},
             {"address", COL_ADDRESS},
             {"phone", COL_PHONE},
             {"responsible_person", COL_RESPONSIBLE},
             {"customer_group", COL_GROUP},
             {"product_types", COL_PRODUCTS},
             {"note", COL_NOTE},
             {"contacts[0].name", COL_CONTACT},
             {"contacts[0].phone", COL_CONTACT_PHONE},
             {"contacts[0].title", COL_CONTACT_TITLE}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strcmp(map[i].field, field) == 0) {
      int col = s->column_of[map[i].column];
      if (col < 0)
        return field;
      return sheet_cell(&s->sheet->rows[0], (size_t)col);
    }
  return field;
}

/* Length limits of the API (api/customers.c) in characters. */
static bool too_long(const char *text, size_t max) {
  return utf8_length(text) > max;
}

/* Checks one row and, in a real import without earlier errors, inserts it. */
static enum sh_status import_row(struct store_tx *tx, struct import_state *s,
                                 const struct sheet_row *row, int64_t now) {
  char name[512], kind[128], address[1024], phone[256], responsible[256], group[128],
      products_text[1024], key[32], note[2048], contact[256], contact_phone[256],
      contact_title[256], region[8];
  const char *region_column = "地区编码", *bad = NULL;
  struct sh_error err;
  sh_error_clear(&err);
  struct import_report *r = s->report;
  size_t before = r->errors_total;
  cell_of(s, row, COL_NAME, name, sizeof name);
  cell_of(s, row, COL_KIND, kind, sizeof kind);
  cell_of(s, row, COL_ADDRESS, address, sizeof address);
  cell_of(s, row, COL_PHONE, phone, sizeof phone);
  cell_of(s, row, COL_RESPONSIBLE, responsible, sizeof responsible);
  cell_of(s, row, COL_GROUP, group, sizeof group);
  cell_of(s, row, COL_PRODUCTS, products_text, sizeof products_text);
  cell_of(s, row, COL_KEY, key, sizeof key);
  cell_of(s, row, COL_NOTE, note, sizeof note);
  cell_of(s, row, COL_CONTACT, contact, sizeof contact);
  cell_of(s, row, COL_CONTACT_PHONE, contact_phone, sizeof contact_phone);
  cell_of(s, row, COL_CONTACT_TITLE, contact_title, sizeof contact_title);
  enum sh_status rc = row_region(tx, s, row, region, &region_column, &err);
  if (rc != SH_OK)
    return rc;
  if (!name[0])
    add_error(r, row->number, column_of_field(s, "name"), "field_required", "name");
  else if (too_long(name, 100))
    add_error(r, row->number, column_of_field(s, "name"), "field_length", "1-100");
  if (!region[0]) {
    /* Name what was typed: the code, or the names as written. */
    char typed[320] = "", part[96];
    enum column cols[] = {COL_REGION_CODE, COL_REGION_NAME, COL_PROVINCE, COL_CITY, COL_DISTRICT};
    for (size_t i = 0; i < 5; i++)
      if (*cell_of(s, row, cols[i], part, sizeof part)) {
        size_t len = strlen(typed);
        snprintf(typed + len, sizeof typed - len, "%s%s", len ? " " : "", part);
      }
    add_error(r, row->number, region_column, typed[0] ? "unknown_region" : "field_required", typed);
  }
  const char *kind_value = kind[0] ? dict_value(s, "customer_kind", kind) : "company";
  if (!*kind_value)
    add_error(r, row->number, column_of_field(s, "kind"), "invalid_choice", kind);
  const char *group_value = group[0] ? dict_value(s, "customer_group", group) : "";
  if (group[0] && !*group_value)
    add_error(r, row->number, column_of_field(s, "customer_group"), "invalid_choice", group);
  char *products = row_products(s, products_text, &bad);
  if (!products)
    add_error(r, row->number, column_of_field(s, "product_types"), "invalid_choice", bad);
  int key_customer = yes_no(key);
  if (key_customer < 0)
    add_error(r, row->number, "重点客户", "invalid_choice", key);
  struct {
    const char *text, *field;
    size_t max;
  } lengths[] = {{address, "address", 200},
                 {phone, "phone", 40},
                 {responsible, "responsible_person", 50},
                 {note, "note", 500},
                 {contact, "contacts[0].name", 50},
                 {contact_phone, "contacts[0].phone", 40},
                 {contact_title, "contacts[0].title", 50}};
  for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++)
    if (too_long(lengths[i].text, lengths[i].max))
      add_error(r, row->number, column_of_field(s, lengths[i].field), "field_length",
                lengths[i].field);
  if ((contact_phone[0] || contact_title[0]) && !contact[0])
    add_error(r, row->number, column_of_field(s, "contacts[0].name"), "field_required",
              "contacts[0].name");
  if (r->errors_total == before) {
    /* The same checks as a create through the API, inside this unit. */
    struct customer_contact k = {.name = contact,
                                 .phone = sh_strdup(contact_phone),
                                 .title = contact_title,
                                 .email = "",
                                 .is_primary = true};
    struct customer c = {.name = name,
                         .kind = (char *)kind_value,
                         .region_code = region,
                         .address = address,
                         .phone = sh_strdup(phone),
                         .responsible_person = responsible,
                         .customer_group = (char *)group_value,
                         .product_types = products,
                         .key_customer = key_customer == 1,
                         .note = note,
                         .contacts = &k,
                         .ncontacts = contact[0] ? 1 : 0};
    int64_t id = 0;
    bool insert = !s->dry_run && r->errors_total == 0;
    rc = customer_create_in(tx, s->actor, &c, insert, now, &id, &err);
    free(c.phone);
    free(k.phone);
    if (rc == SH_ERR_INVALID || rc == SH_ERR_MALFORMED || rc == SH_ERR_CONFLICT) {
      add_error(r, row->number, column_of_field(s, err.field), err.code,
                err.detail[0] ? err.detail : err.field);
      rc = SH_OK;
    } else if (rc == SH_OK && insert) {
      r->created++;
    }
  }
  if (rc == SH_OK && r->errors_total == before)
    r->valid++;
  free(products);
  return rc;
}

static enum sh_status import_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct import_state *s = arg;
  struct import_report *r = s->report;
  int64_t now = time_now();
  enum sh_status rc = store_dict_list(tx, &s->dict, &s->ndict, err);
  if (rc != SH_OK)
    return rc;
  read_headings(s);
  size_t total = s->sheet->count ? s->sheet->count - 1 : 0;
  for (size_t i = 1; rc == SH_OK && i < s->sheet->count; i++) {
    rc = import_row(tx, s, &s->sheet->rows[i], now);
    r->rows++;
    if (s->progress && (i % 500 == 0 || i == total))
      s->progress(i, total, s->progress_arg);
  }
  dict_rows_free(s->dict, s->ndict);
  s->dict = NULL;
  if (rc == SH_OK && r->errors_total > 0 && !s->dry_run) {
    r->created = 0; /* rolled back with the unit */
    rc = sh_fail(err, SH_ERR_INVALID, "import_rejected", NULL, NULL);
  }
  return rc;
}

enum sh_status import_customers(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err) {
  memset(out, 0, sizeof *out);
  struct import_state s = {.actor = actor,
                           .sheet = sheet,
                           .dry_run = dry_run,
                           .progress = progress,
                           .progress_arg = progress_arg,
                           .report = out};
  /* A dry run only reads: it does not hold the writer while it checks. */
  return dry_run ? store_read(app->store, import_unit, &s, err)
                 : store_write(app->store, import_unit, &s, err);
}

void import_report_free(struct import_report *report) {
  if (!report)
    return;
  free(report->errors);
  memset(report, 0, sizeof *report);
}
