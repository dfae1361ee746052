/* import.c — customers, projects and equipment units from a spreadsheet, each in one unit
 * (see import.h).
 *
 * Design: the sheet is parsed before the unit (api/ or the command line reads the file);
 * the unit checks every row exactly as a create through the API would (customer_create_in,
 * project_create_in, equipment_create_in) and, for a real import, inserts the rows as it
 * goes. A bad row is recorded and the checking goes on, so one run reports every bad row; at
 * the end, any bad row makes the unit fail and SQLite/PostgreSQL roll back every row already
 * inserted. A dry run is a read unit: it cannot write, and it does not hold the writer.
 * Dictionary labels and region names are resolved in the unit with the store's lookups.
 *
 * What a row names by text — a customer, a project, a supplier, a project manager — is
 * looked up in maps loaded once per import, on first need, from the lists the caller may
 * see (keyset pages of LOOKUP_PAGE): a file of many rows then costs a few page queries, not
 * a search per row. The maps hold each name with its id, or AMBIGUOUS when two records
 * share it. Each kind of import is a table (struct kind): its headings, the fields its
 * create names in errors, its required columns and its row function. */
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
#include "../store/suppliers.h"
#include "../store/users.h"
#include "customer.h"
#include "equipment.h"
#include "project.h"

/* Rows fetched per page while loading a lookup map: few queries, bounded memory. */
#define LOOKUP_PAGE 2000
/* The id of a name that two records share. */
#define AMBIGUOUS (-1)

/* Every column any import knows; each kind's headings map onto some of them. */
enum column {
  /* customers */
  COL_NAME,
  COL_KIND,
  COL_REGION_CODE, /* also the site of a project, as are the four below */
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
  COL_NOTE, /* every kind */
  COL_CONTACT,
  COL_CONTACT_PHONE,
  COL_CONTACT_TITLE,
  /* projects, and the project and customer of a unit */
  COL_CUSTOMER_NAME,
  COL_CUSTOMER_ID,
  COL_PROJECT_NAME,
  COL_PROJECT_ID,
  COL_SITE_ADDRESS,
  COL_MANAGER,
  COL_COMPLETION,
  COL_ACCEPTANCE, /* a project's, or a unit's own */
  /* equipment */
  COL_SERIAL,
  COL_MODEL,
  COL_UNIT_NAME,
  COL_CATEGORY,
  COL_SUPPLIER,
  COL_BATCH,
  COL_SOLD,
  COL_INSTALL_SITE,
  COL_MONTHS,
  COL_IGNORED, /* the export's own id and timestamps: read back, never written */
  COL_COUNT
};

struct heading {
  enum column column;
  const char *text;
};

/* Headings per column: the export's first, then what users commonly write. */
static const struct heading customer_headings[] = {
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

static const struct heading project_headings[] = {
    {COL_CUSTOMER_NAME, "客户名称"},
    {COL_CUSTOMER_NAME, "客户"},
    {COL_CUSTOMER_NAME, "customer_name"},
    {COL_CUSTOMER_ID, "客户编号"},
    {COL_CUSTOMER_ID, "customer_id"},
    {COL_PROJECT_NAME, "工程名称"},
    {COL_PROJECT_NAME, "项目名称"},
    {COL_PROJECT_NAME, "name"},
    {COL_REGION_CODE, "工程地区编码"},
    {COL_REGION_CODE, "地区编码"},
    {COL_REGION_CODE, "site_region_code"},
    {COL_REGION_NAME, "工程所在地区"},
    {COL_REGION_NAME, "工程地区"},
    {COL_REGION_NAME, "所在地区"},
    {COL_PROVINCE, "省"},
    {COL_PROVINCE, "省份"},
    {COL_CITY, "市"},
    {COL_CITY, "城市"},
    {COL_DISTRICT, "区"},
    {COL_DISTRICT, "区县"},
    {COL_DISTRICT, "区/县"},
    {COL_SITE_ADDRESS, "工程地址"},
    {COL_SITE_ADDRESS, "详细地址"},
    {COL_SITE_ADDRESS, "site_address"},
    {COL_MANAGER, "项目经理"},
    {COL_MANAGER, "project_manager"},
    {COL_COMPLETION, "竣工日期"},
    {COL_COMPLETION, "completion_date"},
    {COL_ACCEPTANCE, "验收日期"},
    {COL_ACCEPTANCE, "acceptance_date"},
    {COL_NOTE, "备注"},
    {COL_NOTE, "note"},
    {COL_IGNORED, "工程编号"},
    {COL_IGNORED, "创建时间"},
    {COL_IGNORED, "更新时间"},
};

static const struct heading equipment_headings[] = {
    {COL_PROJECT_NAME, "工程名称"},
    {COL_PROJECT_NAME, "项目名称"},
    {COL_PROJECT_NAME, "project_name"},
    {COL_PROJECT_ID, "工程编号"},
    {COL_PROJECT_ID, "project_id"},
    {COL_CUSTOMER_NAME, "客户名称"},
    {COL_CUSTOMER_NAME, "customer_name"},
    {COL_SERIAL, "序列号"},
    {COL_SERIAL, "设备序列号"},
    {COL_SERIAL, "serial_no"},
    {COL_MODEL, "型号"},
    {COL_MODEL, "规格型号"},
    {COL_MODEL, "model"},
    {COL_UNIT_NAME, "设备名称"},
    {COL_UNIT_NAME, "name"},
    {COL_CATEGORY, "类别"},
    {COL_CATEGORY, "设备类别"},
    {COL_CATEGORY, "category"},
    {COL_SUPPLIER, "供应商"},
    {COL_SUPPLIER, "供应商名称"},
    {COL_SUPPLIER, "supplier_name"},
    {COL_BATCH, "生产批次"},
    {COL_BATCH, "批次"},
    {COL_BATCH, "batch"},
    {COL_SOLD, "是否本公司销售"},
    {COL_SOLD, "本公司销售"},
    {COL_SOLD, "sold_by_company"},
    {COL_INSTALL_SITE, "安装位置"},
    {COL_INSTALL_SITE, "安装地点"},
    {COL_INSTALL_SITE, "install_site"},
    {COL_MONTHS, "厂家保修月数"},
    {COL_MONTHS, "厂家保修期(月)"},
    {COL_MONTHS, "manufacturer_months"},
    {COL_ACCEPTANCE, "验收日期"},
    {COL_ACCEPTANCE, "acceptance_date"},
    {COL_NOTE, "备注"},
    {COL_NOTE, "note"},
    {COL_IGNORED, "设备编号"},
    {COL_IGNORED, "创建时间"},
    {COL_IGNORED, "更新时间"},
};

/* The column behind a field name an error of a create names. */
struct field_column {
  const char *field;
  enum column column;
};

static const struct field_column customer_fields[] = {
    {"name", COL_NAME},
    {"kind", COL_KIND},
    {"address", COL_ADDRESS},
    {"phone", COL_PHONE},
    {"responsible_person", COL_RESPONSIBLE},
    {"customer_group", COL_GROUP},
    {"product_types", COL_PRODUCTS},
    {"note", COL_NOTE},
    {"contacts[0].name", COL_CONTACT},
    {"contacts[0].phone", COL_CONTACT_PHONE},
    {"contacts[0].title", COL_CONTACT_TITLE},
};

static const struct field_column project_fields[] = {
    {"customer_id", COL_CUSTOMER_ID},
    {"name", COL_PROJECT_NAME},
    {"site_address", COL_SITE_ADDRESS},
    {"project_manager_id", COL_MANAGER},
    {"completion_date", COL_COMPLETION},
    {"acceptance_date", COL_ACCEPTANCE},
    {"note", COL_NOTE},
};

static const struct field_column equipment_fields[] = {
    {"project_id", COL_PROJECT_ID},
    {"serial_no", COL_SERIAL},
    {"model", COL_MODEL},
    {"name", COL_UNIT_NAME},
    {"category", COL_CATEGORY},
    {"supplier_id", COL_SUPPLIER},
    {"batch", COL_BATCH},
    {"sold_by_company", COL_SOLD},
    {"install_site", COL_INSTALL_SITE},
    {"manufacturer_months", COL_MONTHS},
    {"acceptance_date", COL_ACCEPTANCE},
    {"note", COL_NOTE},
};

/* Text → id, open addressing; keys are owned copies. */
struct name_map {
  char **keys;
  int64_t *ids;
  size_t capacity; /* a power of two; 0 before the first key */
  size_t count;
};

struct import_state;

struct kind {
  const char *name; /* the report's kind */
  const struct heading *headings;
  size_t nheadings;
  const struct field_column *fields;
  size_t nfields;
  /* Adds missing_column errors for the required columns absent from heading row `row`. */
  void (*required)(struct import_state *s, size_t row);
  /* Checks one row and, in a real import without earlier errors, inserts it. A bad row is
   * recorded in the report (SH_OK); err gets only what stops the import. */
  enum sh_status (*row)(struct store_tx *tx, struct import_state *s, const struct sheet_row *row,
                        int64_t now, struct sh_error *err);
};

struct import_state {
  const struct kind *kind;
  const struct actor *actor;
  const struct sheet *sheet;
  bool dry_run;
  import_progress_fn progress;
  void *progress_arg;
  int column_of[COL_COUNT];     /* the sheet column of each field, -1 if absent */
  char heading[COL_COUNT][128]; /* its heading as the file writes it (trimmed) */
  struct import_report *report;
  struct dict_row *dict;
  size_t ndict;
  /* Lookups, loaded on first need (see the file comment). */
  bool customers_loaded, projects_loaded, suppliers_loaded, users_loaded;
  struct name_map customers;         /* name → id */
  struct name_map projects;          /* name → id */
  struct name_map customer_projects; /* "customer id\x1fname" → id */
  struct name_map suppliers;         /* name → id */
  struct name_map managers;          /* username or display name of an active manager → id */
  struct name_map users;             /* any username → id */
  struct name_map serials;           /* "model\x1fserial" → the row that first gave it */
  struct name_map regions;           /* region names as typed → code, or AMBIGUOUS: none */
};

/* ---- the name maps ---- */

static uint64_t hash_text(const char *s) {
  uint64_t h = 14695981039346656037u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t map_slot(const struct name_map *m, const char *key) {
  size_t i = (size_t)hash_text(key) & (m->capacity - 1);
  while (m->keys[i] && strcmp(m->keys[i], key) != 0)
    i = (i + 1) & (m->capacity - 1);
  return i;
}

/* The id of key: 0 if absent, AMBIGUOUS if two records share it. */
static int64_t map_get(const struct name_map *m, const char *key) {
  if (!m->capacity)
    return 0;
  size_t i = map_slot(m, key);
  return m->keys[i] ? m->ids[i] : 0;
}

static bool map_grow(struct name_map *m) {
  size_t capacity = m->capacity ? m->capacity * 2 : 64;
  struct name_map bigger = {.keys = sh_calloc(capacity, sizeof(char *)),
                            .ids = sh_calloc(capacity, sizeof(int64_t)),
                            .capacity = capacity,
                            .count = m->count};
  if (!bigger.keys || !bigger.ids) {
    free(bigger.keys);
    free(bigger.ids);
    return false;
  }
  for (size_t i = 0; i < m->capacity; i++)
    if (m->keys[i]) {
      size_t j = map_slot(&bigger, m->keys[i]);
      bigger.keys[j] = m->keys[i];
      bigger.ids[j] = m->ids[i];
    }
  free(m->keys);
  free(m->ids);
  *m = bigger;
  return true;
}

/* Adds key with id; a key already there with another id becomes AMBIGUOUS. */
static enum sh_status map_add(struct name_map *m, const char *key, int64_t id,
                              struct sh_error *err) {
  if ((m->count + 1) * 10 > m->capacity * 7 && !map_grow(m))
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t i = map_slot(m, key);
  if (m->keys[i]) {
    if (m->ids[i] != id)
      m->ids[i] = AMBIGUOUS;
    return SH_OK;
  }
  if (!(m->keys[i] = sh_strdup(key)))
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  m->ids[i] = id;
  m->count++;
  return SH_OK;
}

static void map_free(struct name_map *m) {
  for (size_t i = 0; i < m->capacity; i++)
    free(m->keys[i]);
  free(m->keys);
  free(m->ids);
  memset(m, 0, sizeof *m);
}

/* ---- cells and headings ---- */

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

/* The heading of column c as the file writes it, or fallback when the file has none. */
static const char *heading_of(const struct import_state *s, enum column c, const char *fallback) {
  return s->column_of[c] >= 0 ? s->heading[c] : fallback;
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
    for (size_t k = 0; k < s->kind->nheadings; k++)
      if (strcmp(s->kind->headings[k].text, text) == 0)
        found = (int)s->kind->headings[k].column;
    if (found < 0) {
      add_error(s->report, h->number, text, "unknown_column", text);
    } else if (found != COL_IGNORED && s->column_of[found] >= 0) {
      add_error(s->report, h->number, text, "duplicate_column", text);
    } else if (found != COL_IGNORED) {
      s->column_of[found] = (int)i;
      snprintf(s->heading[found], sizeof s->heading[found], "%s", text);
    }
  }
  s->kind->required(s, h->number);
}

/* The heading of the sheet column behind a field name an error names. */
static const char *column_of_field(const struct import_state *s, const char *field) {
  for (size_t i = 0; i < s->kind->nfields; i++)
    if (strcmp(s->kind->fields[i].field, field) == 0)
      return heading_of(s, s->kind->fields[i].column, field);
  return field;
}

/* Records the error err a create returned (rc) for a row: an invalid or conflicting value
 * is a bad row (SH_OK, the checking goes on); anything else (the database) stops the import
 * with that error copied to fatal. The region field is reported under the region column
 * the row used. */
static enum sh_status row_failed(struct import_state *s, size_t row, enum sh_status rc,
                                 const struct sh_error *err, const char *region_column,
                                 struct sh_error *fatal) {
  if (rc != SH_ERR_INVALID && rc != SH_ERR_MALFORMED && rc != SH_ERR_CONFLICT) {
    *fatal = *err;
    return rc;
  }
  bool region =
      strcmp(err->field, "region_code") == 0 || strcmp(err->field, "site_region_code") == 0;
  const char *column = region && region_column ? region_column : column_of_field(s, err->field);
  add_error(s->report, row, column, err->code, err->detail[0] ? err->detail : err->field);
  return SH_OK;
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

/* Length limits of the API (api/customers.c and the others) in characters. */
static bool too_long(const char *text, size_t max) {
  return utf8_length(text) > max;
}

/* Reads 1..max_digits decimal digits at *p into *out and moves *p past them. */
static bool read_digits(const char **p, int max_digits, int64_t *out) {
  int64_t v = 0;
  int n = 0;
  while (**p >= '0' && **p <= '9' && n < max_digits) {
    v = v * 10 + (**p - '0');
    (*p)++;
    n++;
  }
  *out = v;
  return n > 0 && !(**p >= '0' && **p <= '9');
}

/* A positive id written in decimal ("12", or "12.0" as a spreadsheet may show it); 0 if
 * the text is not one. */
static int64_t parse_id(const char *text) {
  int64_t v = 0;
  const char *p = text;
  if (!read_digits(&p, 15, &v) || (*p && strcmp(p, ".0") != 0))
    return 0;
  return v;
}

/* IMP: SPEC B1 — a date as users type it: "2026-03-05", "2026/3/5", "2026-3-5", "2026.3.5"
 * or "2026年3月5日", and the .xlsx reader's date-time at midnight ("2026-03-05 00:00:00").
 * Writes "YYYY-MM-DD" into out; false if the text is not a real calendar date. */
static bool parse_date(const char *text, char out[PROJECT_DATE_SIZE]) {
  const char *p = text;
  int64_t y, m, d;
  bool chinese = false;
  char sep = 0;
  if (!read_digits(&p, 4, &y) || p - text != 4)
    return false;
  if (strncmp(p, "年", 3) == 0) {
    chinese = true;
    p += 3;
  } else if (*p == '-' || *p == '/' || *p == '.') {
    sep = *p++;
  } else {
    return false;
  }
  if (!read_digits(&p, 2, &m))
    return false;
  if (chinese ? strncmp(p, "月", 3) != 0 : *p != sep)
    return false;
  p += chinese ? 3 : 1;
  if (!read_digits(&p, 2, &d))
    return false;
  if (chinese && strncmp(p, "日", 3) == 0)
    p += 3;
  if (*p && strcmp(p, " 00:00:00") != 0)
    return false;
  snprintf(out, PROJECT_DATE_SIZE, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
  return date_valid(out);
}

/* An optional date cell: *out NULL when empty; an error naming the column when invalid. */
static void row_date(struct import_state *s, const struct sheet_row *row, enum column c,
                     const char *fallback, char buf[PROJECT_DATE_SIZE], char **out) {
  char text[64];
  *out = NULL;
  if (!*cell_of(s, row, c, text, sizeof text))
    return;
  if (parse_date(text, buf))
    *out = buf;
  else
    add_error(s->report, row->number, heading_of(s, c, fallback), "invalid_date", text);
}

static struct customer_scope scope_of(const struct actor *a) {
  struct customer_scope scope = {.user_id = a->user_id};
  if (a->role == ROLE_DEALER)
    scope.dealer_id = a->dealer_id ? a->dealer_id : -1;
  if (a->role == ROLE_CUSTOMER)
    scope.customer_id = a->customer_id ? a->customer_id : -1;
  return scope;
}

/* ---- the regions (customers and project sites) ---- */

/* The region of a row: the code, or the names (one cell "省 市 区" or three cells). *column
 * gets the heading of the region column the row used; a region not given or not found is an
 * error under it, and code stays "". */
static enum sh_status row_region(struct store_tx *tx, struct import_state *s,
                                 const struct sheet_row *row, const char *code_heading,
                                 char code[8], const char **column, struct sh_error *err) {
  char text[256], parts[3][96] = {"", "", ""};
  code[0] = '\0';
  /* Name the first region column the file has, until the row says which it used. */
  *column = s->column_of[COL_REGION_CODE] >= 0   ? s->heading[COL_REGION_CODE]
            : s->column_of[COL_REGION_NAME] >= 0 ? s->heading[COL_REGION_NAME]
                                                 : heading_of(s, COL_PROVINCE, code_heading);
  if (*cell_of(s, row, COL_REGION_CODE, text, sizeof text)) {
    *column = s->heading[COL_REGION_CODE];
    if (region_code_valid(text))
      memcpy(code, text, REGION_CODE_LEN + 1); /* valid: six digits and the NUL */
  } else if (*cell_of(s, row, COL_REGION_NAME, text, sizeof text)) {
    *column = s->heading[COL_REGION_NAME];
    char *save = NULL;
    int n = 0;
    for (char *t = strtok_r(text, " /", &save); t && n < 3; t = strtok_r(NULL, " /", &save))
      snprintf(parts[n++], sizeof parts[0], "%s", t);
  } else {
    cell_of(s, row, COL_PROVINCE, parts[0], sizeof parts[0]);
    cell_of(s, row, COL_CITY, parts[1], sizeof parts[1]);
    cell_of(s, row, COL_DISTRICT, parts[2], sizeof parts[2]);
    if (parts[0][0] || parts[1][0] || parts[2][0])
      *column = heading_of(s, COL_PROVINCE, code_heading);
  }
  /* Names seen on an earlier row are not looked up again. */
  char key[3 * 96 + 3];
  snprintf(key, sizeof key, "%s\x1f%s\x1f%s", parts[0], parts[1], parts[2]);
  int64_t known = parts[0][0] ? map_get(&s->regions, key) : 0;
  if (known > 0)
    snprintf(code, 8, "%06d", (int)(known % 1000000)); /* codes have 6 digits */
  /* Walk down from the province; a level named without its grouping (北京市 东城区) is
   * found two levels down. */
  char parent[8] = "", found[8] = "";
  for (int i = 0; !code[0] && !known && i < 3 && parts[i][0]; i++) {
    enum sh_status rc = store_region_find(tx, parent, parts[i], false, found, err);
    if (rc == SH_OK && !found[0] && parent[0])
      rc = store_region_find(tx, parent, parts[i], true, found, err);
    if (rc != SH_OK)
      return rc;
    if (!found[0]) {
      parent[0] = '\0'; /* not found */
      break;
    }
    snprintf(parent, sizeof parent, "%s", found);
  }
  if (!code[0] && !known && parts[0][0]) {
    enum sh_status rc =
        map_add(&s->regions, key, parent[0] ? strtoll(parent, NULL, 10) : AMBIGUOUS, err);
    if (rc != SH_OK)
      return rc;
  }
  if (!code[0])
    snprintf(code, 8, "%s", parent);
  if (!code[0]) {
    /* Name what was typed: the code, or the names as written. */
    char typed[320] = "", part[96];
    enum column cols[] = {COL_REGION_CODE, COL_REGION_NAME, COL_PROVINCE, COL_CITY, COL_DISTRICT};
    for (size_t i = 0; i < 5; i++)
      if (*cell_of(s, row, cols[i], part, sizeof part)) {
        size_t len = strlen(typed);
        snprintf(typed + len, sizeof typed - len, "%s%s", len ? " " : "", part);
      }
    add_error(s->report, row->number, *column, typed[0] ? "unknown_region" : "field_required",
              typed);
  }
  return SH_OK;
}

/* ---- customers ---- */

static void customer_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_NAME] < 0)
    add_error(s->report, row, "客户名称", "missing_column", "客户名称");
  if (s->column_of[COL_REGION_CODE] < 0 && s->column_of[COL_REGION_NAME] < 0 &&
      s->column_of[COL_PROVINCE] < 0)
    add_error(s->report, row, "地区编码", "missing_column", "地区编码 / 所在地区 / 省");
}

/* product_types "监控设备、停车场管理" → ["surveillance","parking"]; NULL if one is unknown,
 * which bad (n bytes) then gets. */
static char *row_products(const struct import_state *s, const char *text, char *bad, size_t n) {
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
      snprintf(bad, n, "%s", t);
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

/* One customer row (struct kind, row). */
static enum sh_status customer_row(struct store_tx *tx, struct import_state *s,
                                   const struct sheet_row *row, int64_t now,
                                   struct sh_error *fatal) {
  char name[512], kind[128], address[1024], phone[256], responsible[256], group[128],
      products_text[1024], key[32], note[2048], contact[256], contact_phone[256],
      contact_title[256], region[8];
  const char *region_column = NULL;
  char bad[256] = "";
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
  if (!name[0])
    add_error(r, row->number, column_of_field(s, "name"), "field_required", "name");
  else if (too_long(name, 100))
    add_error(r, row->number, column_of_field(s, "name"), "field_length", "1-100");
  enum sh_status rc = row_region(tx, s, row, "地区编码", region, &region_column, fatal);
  if (rc != SH_OK)
    return rc;
  const char *kind_value = kind[0] ? dict_value(s, "customer_kind", kind) : "company";
  if (!*kind_value)
    add_error(r, row->number, column_of_field(s, "kind"), "invalid_choice", kind);
  const char *group_value = group[0] ? dict_value(s, "customer_group", group) : "";
  if (group[0] && !*group_value)
    add_error(r, row->number, column_of_field(s, "customer_group"), "invalid_choice", group);
  char *products = row_products(s, products_text, bad, sizeof bad);
  if (!products)
    add_error(r, row->number, column_of_field(s, "product_types"), "invalid_choice", bad);
  int key_customer = yes_no(key);
  if (key_customer < 0)
    add_error(r, row->number, heading_of(s, COL_KEY, "重点客户"), "invalid_choice", key);
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
    if (rc == SH_OK && insert)
      r->created++;
    else if (rc != SH_OK)
      rc = row_failed(s, row->number, rc, &err, region_column, fatal);
  }
  if (rc == SH_OK && r->errors_total == before)
    r->valid++;
  free(products);
  return rc;
}

/* ---- the lookups ---- */

/* Every customer the caller sees, by name (trimmed as cells are). */
static enum sh_status load_customers(struct store_tx *tx, struct import_state *s,
                                     struct sh_error *err) {
  struct customer_scope scope = scope_of(s->actor);
  struct customer_filter f = {
      .key_customer = -1, .sort = CUSTOMER_SORT_ID, .limit = LOOKUP_PAGE, .keyset = true};
  enum sh_status rc = SH_OK;
  for (bool more = true; rc == SH_OK && more;) {
    struct customer **list = NULL;
    size_t n = 0;
    int64_t total = 0;
    rc = store_customer_list(tx, &f, &scope, &list, NULL, &n, &total, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++) {
      char name[512];
      trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      rc = map_add(&s->customers, name, list[i]->id, err);
    }
    more = rc == SH_OK && n == LOOKUP_PAGE;
    if (n) {
      f.after = true;
      f.after_id = list[n - 1]->id;
    }
    for (size_t i = 0; i < n; i++)
      customer_free(list[i]);
    free(list);
  }
  s->customers_loaded = true;
  return rc;
}

/* Every project the caller sees, by name and by customer and name. */
static enum sh_status load_projects(struct store_tx *tx, struct import_state *s,
                                    struct sh_error *err) {
  struct customer_scope scope = scope_of(s->actor);
  struct project_filter f = {
      .card = PROJECT_CARD_ANY, .sort = PROJECT_SORT_ID, .limit = LOOKUP_PAGE, .keyset = true};
  enum sh_status rc = SH_OK;
  for (bool more = true; rc == SH_OK && more;) {
    struct project **list = NULL;
    size_t n = 0;
    int64_t total = 0;
    rc = store_project_list(tx, &f, &scope, &list, &n, &total, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++) {
      char name[512], key[600];
      trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      snprintf(key, sizeof key, "%lld\x1f%s", (long long)list[i]->customer_id, name);
      rc = map_add(&s->projects, name, list[i]->id, err);
      if (rc == SH_OK)
        rc = map_add(&s->customer_projects, key, list[i]->id, err);
    }
    more = rc == SH_OK && n == LOOKUP_PAGE;
    if (n) {
      f.after = true;
      f.after_id = list[n - 1]->id;
    }
    project_list_free(list, n);
  }
  s->projects_loaded = true;
  return rc;
}

/* Every live supplier, by name (suppliers are a reference: no scope). */
static enum sh_status load_suppliers(struct store_tx *tx, struct import_state *s,
                                     struct sh_error *err) {
  struct supplier_filter f = {
      .outsourced = -1, .sort = SUPPLIER_SORT_ID, .limit = LOOKUP_PAGE, .keyset = true};
  enum sh_status rc = SH_OK;
  for (bool more = true; rc == SH_OK && more;) {
    struct supplier **list = NULL;
    size_t n = 0;
    int64_t total = 0;
    rc = store_supplier_list(tx, &f, &list, NULL, &n, &total, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++) {
      char name[512];
      trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      rc = map_add(&s->suppliers, name, list[i]->id, err);
    }
    more = rc == SH_OK && n == LOOKUP_PAGE;
    if (n) {
      f.after = true;
      f.after_id = list[n - 1]->id;
    }
    for (size_t i = 0; i < n; i++)
      supplier_free(list[i]);
    free(list);
  }
  s->suppliers_loaded = true;
  return rc;
}

/* Users: every username, and the usernames and display names of the active project and
 * engineering managers (who may manage a project). */
static enum sh_status load_users(struct store_tx *tx, struct import_state *s,
                                 struct sh_error *err) {
  enum sh_status rc = SH_OK;
  int64_t offset = 0;
  for (bool more = true; rc == SH_OK && more;) {
    struct user_record **list = NULL;
    size_t n = 0;
    int64_t total = 0;
    rc = store_user_list(tx, false, offset, LOOKUP_PAGE, &list, &n, &total, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++) {
      const struct user_record *u = list[i];
      enum role role;
      bool manager = u->active && role_parse(u->role, &role) &&
                     (role == ROLE_PROJECT_MANAGER || role == ROLE_ENGINEERING_MANAGER);
      rc = map_add(&s->users, u->username, u->id, err);
      if (rc == SH_OK && manager)
        rc = map_add(&s->managers, u->username, u->id, err);
      if (rc == SH_OK && manager && u->display_name && u->display_name[0])
        rc = map_add(&s->managers, u->display_name, u->id, err);
    }
    more = rc == SH_OK && n == LOOKUP_PAGE;
    offset += (int64_t)n;
    for (size_t i = 0; i < n; i++)
      user_record_free(list[i]);
    free(list);
  }
  s->users_loaded = true;
  return rc;
}

/* The id a name cell gives through map: an error under the column when it names nothing
 * (unknown_code) or several records (ambiguous_name); 0 then. */
static int64_t resolve(struct import_state *s, const struct sheet_row *row,
                       const struct name_map *map, const char *key, const char *name,
                       const char *column, const char *unknown_code) {
  int64_t id = map_get(map, key);
  if (id == AMBIGUOUS)
    add_error(s->report, row->number, column, "ambiguous_name", name);
  else if (id == 0)
    add_error(s->report, row->number, column, unknown_code, name);
  return id > 0 ? id : 0;
}

/* The customer a row names by 客户名称 (name non-empty); 0 after an error. */
static enum sh_status customer_by_name(struct store_tx *tx, struct import_state *s,
                                       const struct sheet_row *row, const char *name, int64_t *id,
                                       struct sh_error *err) {
  enum sh_status rc = s->customers_loaded ? SH_OK : load_customers(tx, s, err);
  if (rc == SH_OK)
    *id = resolve(s, row, &s->customers, name, name, heading_of(s, COL_CUSTOMER_NAME, "客户名称"),
                  "unknown_customer");
  return rc;
}

/* ---- projects ---- */

static void project_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_CUSTOMER_NAME] < 0 && s->column_of[COL_CUSTOMER_ID] < 0)
    add_error(s->report, row, "客户名称", "missing_column", "客户名称 / 客户编号");
  if (s->column_of[COL_PROJECT_NAME] < 0)
    add_error(s->report, row, "工程名称", "missing_column", "工程名称");
  if (s->column_of[COL_REGION_CODE] < 0 && s->column_of[COL_REGION_NAME] < 0 &&
      s->column_of[COL_PROVINCE] < 0)
    add_error(s->report, row, "工程地区编码", "missing_column", "工程地区编码 / 工程所在地区 / 省");
}

/* The project's customer: by id (客户编号, which the create checks against the caller's
 * scope) or by name among the customers the caller sees. */
static enum sh_status project_customer(struct store_tx *tx, struct import_state *s,
                                       const struct sheet_row *row, int64_t *id,
                                       struct sh_error *err) {
  char text[512];
  *id = 0;
  if (*cell_of(s, row, COL_CUSTOMER_ID, text, sizeof text)) {
    if (!(*id = parse_id(text)))
      add_error(s->report, row->number, s->heading[COL_CUSTOMER_ID], "unknown_customer", text);
    return SH_OK;
  }
  if (*cell_of(s, row, COL_CUSTOMER_NAME, text, sizeof text))
    return customer_by_name(tx, s, row, text, id, err);
  add_error(s->report, row->number, heading_of(s, COL_CUSTOMER_NAME, "客户名称"), "field_required",
            "customer_id");
  return SH_OK;
}

/* The project manager: a username or display name of an active project or engineering
 * manager; another user's username is left to the create to refuse. 0 when the cell is
 * empty or after an error. */
static enum sh_status project_manager(struct store_tx *tx, struct import_state *s,
                                      const struct sheet_row *row, int64_t *id,
                                      struct sh_error *err) {
  char text[256];
  *id = 0;
  if (!*cell_of(s, row, COL_MANAGER, text, sizeof text))
    return SH_OK;
  enum sh_status rc = s->users_loaded ? SH_OK : load_users(tx, s, err);
  if (rc != SH_OK)
    return rc;
  int64_t manager = map_get(&s->managers, text), user = map_get(&s->users, text);
  if (manager == AMBIGUOUS)
    add_error(s->report, row->number, s->heading[COL_MANAGER], "ambiguous_name", text);
  else if (manager > 0 || user > 0)
    *id = manager > 0 ? manager : user;
  else
    add_error(s->report, row->number, s->heading[COL_MANAGER], "invalid_project_manager", text);
  return SH_OK;
}

/* One project row (struct kind, row). */
static enum sh_status project_row(struct store_tx *tx, struct import_state *s,
                                  const struct sheet_row *row, int64_t now,
                                  struct sh_error *fatal) {
  char name[512], address[1024], note[2048], region[8];
  char completion[PROJECT_DATE_SIZE], acceptance[PROJECT_DATE_SIZE];
  const char *region_column = NULL;
  struct sh_error err;
  sh_error_clear(&err);
  struct import_report *r = s->report;
  size_t before = r->errors_total;
  struct project p = {.name = name, .site_address = address, .note = note};
  enum sh_status rc = project_customer(tx, s, row, &p.customer_id, fatal);
  if (rc != SH_OK)
    return rc;
  cell_of(s, row, COL_PROJECT_NAME, name, sizeof name);
  cell_of(s, row, COL_SITE_ADDRESS, address, sizeof address);
  cell_of(s, row, COL_NOTE, note, sizeof note);
  const char *name_column = heading_of(s, COL_PROJECT_NAME, "工程名称");
  if (!name[0])
    add_error(r, row->number, name_column, "field_required", "name");
  else if (too_long(name, 100))
    add_error(r, row->number, name_column, "field_length", "1-100");
  rc = row_region(tx, s, row, "工程地区编码", region, &region_column, fatal);
  if (rc == SH_OK)
    rc = project_manager(tx, s, row, &p.project_manager_id, fatal);
  if (rc != SH_OK)
    return rc;
  p.site_region_code = region;
  row_date(s, row, COL_COMPLETION, "竣工日期", completion, &p.completion_date);
  row_date(s, row, COL_ACCEPTANCE, "验收日期", acceptance, &p.acceptance_date);
  if (too_long(address, 200))
    add_error(r, row->number, column_of_field(s, "site_address"), "field_length", "0-200");
  if (too_long(note, 500))
    add_error(r, row->number, column_of_field(s, "note"), "field_length", "0-500");
  if (r->errors_total == before) {
    int64_t id = 0;
    bool insert = !s->dry_run && r->errors_total == 0;
    rc = project_create_in(tx, s->actor, &p, insert, now, &id, &err);
    if (rc == SH_OK && insert)
      r->created++;
    else if (rc != SH_OK)
      rc = row_failed(s, row->number, rc, &err, region_column, fatal);
  }
  if (rc == SH_OK && r->errors_total == before)
    r->valid++;
  return rc;
}

/* ---- equipment ---- */

static void equipment_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_PROJECT_NAME] < 0 && s->column_of[COL_PROJECT_ID] < 0)
    add_error(s->report, row, "工程名称", "missing_column", "工程名称 / 工程编号");
  if (s->column_of[COL_SERIAL] < 0)
    add_error(s->report, row, "序列号", "missing_column", "序列号");
  if (s->column_of[COL_MODEL] < 0)
    add_error(s->report, row, "型号", "missing_column", "型号");
}

/* The unit's project: by id (工程编号, which the create checks against the caller's scope)
 * or by name among the projects the caller sees — of the customer 客户名称 names, if the
 * row names one. */
static enum sh_status unit_project(struct store_tx *tx, struct import_state *s,
                                   const struct sheet_row *row, int64_t *id, struct sh_error *err) {
  char name[512], customer[512], key[600];
  const char *column = heading_of(s, COL_PROJECT_NAME, "工程名称");
  *id = 0;
  if (*cell_of(s, row, COL_PROJECT_ID, name, sizeof name)) {
    if (!(*id = parse_id(name)))
      add_error(s->report, row->number, s->heading[COL_PROJECT_ID], "unknown_project", name);
    return SH_OK;
  }
  if (!*cell_of(s, row, COL_PROJECT_NAME, name, sizeof name)) {
    add_error(s->report, row->number, column, "field_required", "project_id");
    return SH_OK;
  }
  enum sh_status rc = s->projects_loaded ? SH_OK : load_projects(tx, s, err);
  if (rc != SH_OK || !*cell_of(s, row, COL_CUSTOMER_NAME, customer, sizeof customer)) {
    if (rc == SH_OK)
      *id = resolve(s, row, &s->projects, name, name, column, "unknown_project");
    return rc;
  }
  int64_t customer_id = 0;
  rc = customer_by_name(tx, s, row, customer, &customer_id, err);
  if (rc == SH_OK && customer_id) {
    snprintf(key, sizeof key, "%lld\x1f%s", (long long)customer_id, name);
    *id = resolve(s, row, &s->customer_projects, key, name, column, "unknown_project");
  }
  return rc;
}

/* The supplier a unit names, exactly; 0 when the cell is empty or after an error. */
static enum sh_status unit_supplier(struct store_tx *tx, struct import_state *s,
                                    const struct sheet_row *row, int64_t *id,
                                    struct sh_error *err) {
  char name[512];
  *id = 0;
  if (!*cell_of(s, row, COL_SUPPLIER, name, sizeof name))
    return SH_OK;
  enum sh_status rc = s->suppliers_loaded ? SH_OK : load_suppliers(tx, s, err);
  if (rc == SH_OK)
    *id = resolve(s, row, &s->suppliers, name, name, s->heading[COL_SUPPLIER], "unknown_supplier");
  return rc;
}

/* A serial number given twice for one model in the file: an error on the later row. */
static enum sh_status unit_repeated(struct import_state *s, const struct sheet_row *row,
                                    const char *model, const char *serial, struct sh_error *err) {
  char *m = equipment_normalize_code(model), *n = equipment_normalize_code(serial);
  enum sh_status rc = m && n ? SH_OK : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK && m[0] && n[0]) {
    struct buf key;
    buf_init(&key, strlen(m) + strlen(n) + 2);
    rc = buf_printf(&key, "%s\x1f%s", m, n);
    int64_t first = rc == SH_OK ? map_get(&s->serials, key.data) : 0;
    if (rc == SH_OK && first) {
      char detail[24];
      snprintf(detail, sizeof detail, "%lld", (long long)first);
      add_error(s->report, row->number, s->heading[COL_SERIAL], "duplicate_in_file", detail);
    } else if (rc == SH_OK) {
      rc = map_add(&s->serials, key.data, (int64_t)row->number, err);
    } else {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    }
    buf_free(&key);
  }
  free(m);
  free(n);
  return rc;
}

/* 厂家保修月数: 0..240 months, empty for none. */
static int64_t unit_months(struct import_state *s, const struct sheet_row *row) {
  char text[64];
  int64_t months = 0;
  const char *p = cell_of(s, row, COL_MONTHS, text, sizeof text);
  if (!*p)
    return 0;
  if (!read_digits(&p, 4, &months) || (*p && strcmp(p, ".0") != 0) || months > 240) {
    add_error(s->report, row->number, s->heading[COL_MONTHS], "out_of_range", text);
    return 0;
  }
  return months;
}

/* The text cells of a unit row. */
struct unit_text {
  char serial[256], model[512], name[512], category[128], batch[256], sold[32], site[1024],
      note[2048], acceptance[PROJECT_DATE_SIZE];
};

/* The checks of a unit row that need no database: required cells, lengths, choices. */
static void unit_cells(struct import_state *s, const struct sheet_row *row, struct unit_text *t,
                       struct equipment *e, const char **category) {
  struct import_report *r = s->report;
  cell_of(s, row, COL_SERIAL, t->serial, sizeof t->serial);
  cell_of(s, row, COL_MODEL, t->model, sizeof t->model);
  cell_of(s, row, COL_UNIT_NAME, t->name, sizeof t->name);
  cell_of(s, row, COL_CATEGORY, t->category, sizeof t->category);
  cell_of(s, row, COL_BATCH, t->batch, sizeof t->batch);
  cell_of(s, row, COL_SOLD, t->sold, sizeof t->sold);
  cell_of(s, row, COL_INSTALL_SITE, t->site, sizeof t->site);
  cell_of(s, row, COL_NOTE, t->note, sizeof t->note);
  struct {
    const char *text, *field;
    size_t min, max;
  } lengths[] = {{t->serial, "serial_no", 1, 64},   {t->model, "model", 1, 100},
                 {t->name, "name", 0, 100},         {t->batch, "batch", 0, 64},
                 {t->site, "install_site", 0, 200}, {t->note, "note", 0, 500}};
  for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
    char range[24];
    snprintf(range, sizeof range, "%zu-%zu", lengths[i].min, lengths[i].max);
    if (lengths[i].min && !lengths[i].text[0])
      add_error(r, row->number, column_of_field(s, lengths[i].field), "field_required",
                lengths[i].field);
    else if (too_long(lengths[i].text, lengths[i].max))
      add_error(r, row->number, column_of_field(s, lengths[i].field), "field_length", range);
  }
  *category = t->category[0] ? dict_value(s, "equipment_category", t->category) : "other";
  if (!**category)
    add_error(r, row->number, s->heading[COL_CATEGORY], "invalid_choice", t->category);
  int sold = t->sold[0] ? yes_no(t->sold) : 1; /* the usual case, as on the API */
  if (sold < 0)
    add_error(r, row->number, s->heading[COL_SOLD], "invalid_choice", t->sold);
  e->sold_by_company = sold != 0;
  e->manufacturer_months = unit_months(s, row);
  row_date(s, row, COL_ACCEPTANCE, "验收日期", t->acceptance, &e->acceptance_date);
  e->name = t->name;
  e->batch = t->batch;
  e->install_site = t->site;
  e->note = t->note;
}

/* One unit row (struct kind, row). */
static enum sh_status equipment_row(struct store_tx *tx, struct import_state *s,
                                    const struct sheet_row *row, int64_t now,
                                    struct sh_error *fatal) {
  struct unit_text *t = sh_calloc(1, sizeof *t);
  struct sh_error err;
  sh_error_clear(&err);
  if (!t)
    return sh_fail(fatal, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct import_report *r = s->report;
  size_t before = r->errors_total;
  struct equipment e = {0};
  const char *category = "";
  enum sh_status rc = unit_project(tx, s, row, &e.project_id, fatal);
  if (rc == SH_OK) {
    unit_cells(s, row, t, &e, &category);
    rc = unit_supplier(tx, s, row, &e.supplier_id, fatal);
  }
  if (rc == SH_OK)
    rc = unit_repeated(s, row, t->model, t->serial, fatal);
  if (rc == SH_OK && r->errors_total == before) {
    /* The create may replace these three (normalized, defaulted): heap copies. */
    e.serial_no = sh_strdup(t->serial);
    e.model = sh_strdup(t->model);
    e.category = sh_strdup(category);
    int64_t id = 0;
    bool insert = !s->dry_run && r->errors_total == 0;
    rc = e.serial_no && e.model && e.category
             ? equipment_create_in(tx, s->actor, &e, insert, now, &id, &err)
             : sh_fail(&err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    if (rc == SH_OK && insert)
      r->created++;
    else if (rc != SH_OK)
      rc = row_failed(s, row->number, rc, &err, NULL, fatal);
    free(e.serial_no);
    free(e.model);
    free(e.category);
  }
  if (rc == SH_OK && r->errors_total == before)
    r->valid++;
  free(t);
  return rc;
}

/* ---- the unit ---- */

static const struct kind customers_kind = {"customers",
                                           customer_headings,
                                           sizeof customer_headings / sizeof *customer_headings,
                                           customer_fields,
                                           sizeof customer_fields / sizeof *customer_fields,
                                           customer_required,
                                           customer_row};
static const struct kind projects_kind = {"projects",
                                          project_headings,
                                          sizeof project_headings / sizeof *project_headings,
                                          project_fields,
                                          sizeof project_fields / sizeof *project_fields,
                                          project_required,
                                          project_row};
static const struct kind equipment_kind = {"equipment",
                                           equipment_headings,
                                           sizeof equipment_headings / sizeof *equipment_headings,
                                           equipment_fields,
                                           sizeof equipment_fields / sizeof *equipment_fields,
                                           equipment_required,
                                           equipment_row};

static void state_free(struct import_state *s) {
  dict_rows_free(s->dict, s->ndict);
  s->dict = NULL;
  s->ndict = 0;
  struct name_map *maps[] = {&s->customers, &s->projects, &s->customer_projects, &s->suppliers,
                             &s->managers,  &s->users,    &s->serials,           &s->regions};
  for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
    map_free(maps[i]);
  s->customers_loaded = s->projects_loaded = s->suppliers_loaded = s->users_loaded = false;
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
    rc = s->kind->row(tx, s, &s->sheet->rows[i], now, err);
    r->rows++;
    if (s->progress && (i % 500 == 0 || i == total))
      s->progress(i, total, s->progress_arg);
  }
  state_free(s);
  if (rc == SH_OK && r->errors_total > 0 && !s->dry_run) {
    r->created = 0; /* rolled back with the unit */
    rc = sh_fail(err, SH_ERR_INVALID, "import_rejected", NULL, NULL);
  }
  return rc;
}

static enum sh_status import_run(struct app *app, const struct kind *kind,
                                 const struct actor *actor, const struct sheet *sheet, bool dry_run,
                                 import_progress_fn progress, void *progress_arg,
                                 struct import_report *out, struct sh_error *err) {
  memset(out, 0, sizeof *out);
  out->kind = kind->name;
  struct import_state *s = sh_calloc(1, sizeof *s);
  if (!s)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  *s = (struct import_state){.kind = kind,
                             .actor = actor,
                             .sheet = sheet,
                             .dry_run = dry_run,
                             .progress = progress,
                             .progress_arg = progress_arg,
                             .report = out};
  /* A dry run only reads: it does not hold the writer while it checks. */
  enum sh_status rc = dry_run ? store_read(app->store, import_unit, s, err)
                              : store_write(app->store, import_unit, s, err);
  state_free(s); /* a unit that failed early leaves its maps */
  free(s);
  return rc;
}

enum sh_status import_customers(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err) {
  return import_run(app, &customers_kind, actor, sheet, dry_run, progress, progress_arg, out, err);
}

enum sh_status import_projects(struct app *app, const struct actor *actor,
                               const struct sheet *sheet, bool dry_run, import_progress_fn progress,
                               void *progress_arg, struct import_report *out,
                               struct sh_error *err) {
  return import_run(app, &projects_kind, actor, sheet, dry_run, progress, progress_arg, out, err);
}

enum sh_status import_equipment(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err) {
  return import_run(app, &equipment_kind, actor, sheet, dry_run, progress, progress_arg, out, err);
}

void import_report_free(struct import_report *report) {
  if (!report)
    return;
  free(report->errors);
  memset(report, 0, sizeof *report);
}
