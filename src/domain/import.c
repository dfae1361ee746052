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
#include "import_internal.h"

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
int64_t import_map_get(const struct name_map *m, const char *key) {
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
enum sh_status import_map_add(struct name_map *m, const char *key, int64_t id,
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

void import_add_error(struct import_report *r, size_t row, const char *column, const char *code,
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
  /* A long heading or cell is cut on a whole character: the report is JSON. */
  utf8_trim_tail(e->column);
  utf8_trim_tail(e->detail);
}

/* Trims spaces (ASCII and U+3000) at both ends of a cell into out. */
void import_trimmed(const char *cell, char *out, size_t n) {
  while (*cell == ' ' || strncmp(cell, "\xe3\x80\x80", 3) == 0)
    cell += *cell == ' ' ? 1 : 3;
  snprintf(out, n, "%s", cell);
  utf8_trim_tail(out); /* a cell longer than out is then too long, but stays UTF-8 */
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

const char *import_cell_of(const struct import_state *s, const struct sheet_row *row, enum column c,
                           char *buf, size_t n) {
  buf[0] = '\0';
  if (s->column_of[c] >= 0)
    import_trimmed(sheet_cell(row, (size_t)s->column_of[c]), buf, n);
  return buf;
}

/* The heading of column c as the file writes it, or fallback when the file has none. */
const char *import_heading_of(const struct import_state *s, enum column c, const char *fallback) {
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
    import_trimmed(h->cells[i], text, sizeof text);
    if (!text[0])
      continue;
    int found = -1;
    for (size_t k = 0; k < s->kind->nheadings; k++)
      if (strcmp(s->kind->headings[k].text, text) == 0)
        found = (int)s->kind->headings[k].column;
    if (found < 0) {
      import_add_error(s->report, h->number, text, "unknown_column", text);
    } else if (found != COL_IGNORED && s->column_of[found] >= 0) {
      import_add_error(s->report, h->number, text, "duplicate_column", text);
    } else if (found != COL_IGNORED) {
      s->column_of[found] = (int)i;
      snprintf(s->heading[found], sizeof s->heading[found], "%s", text);
    }
  }
  s->kind->required(s, h->number);
}

/* The heading of the sheet column behind a field name an error names. */
const char *import_column_of_field(const struct import_state *s, const char *field) {
  for (size_t i = 0; i < s->kind->nfields; i++)
    if (strcmp(s->kind->fields[i].field, field) == 0)
      return import_heading_of(s, s->kind->fields[i].column, field);
  return field;
}

/* Records the error err a create returned (rc) for a row: an invalid or conflicting value
 * is a bad row (SH_OK, the checking goes on); anything else (the database) stops the import
 * with that error copied to fatal. The region field is reported under the region column
 * the row used. */
enum sh_status import_row_failed(struct import_state *s, size_t row, enum sh_status rc,
                                 const struct sh_error *err, const char *region_column,
                                 struct sh_error *fatal) {
  if (rc != SH_ERR_INVALID && rc != SH_ERR_MALFORMED && rc != SH_ERR_CONFLICT) {
    *fatal = *err;
    return rc;
  }
  bool region =
      strcmp(err->field, "region_code") == 0 || strcmp(err->field, "site_region_code") == 0;
  const char *column =
      region && region_column ? region_column : import_column_of_field(s, err->field);
  import_add_error(s->report, row, column, err->code, err->detail[0] ? err->detail : err->field);
  return SH_OK;
}

/* A dictionary value given as its value or its Chinese label; "" when neither. */
const char *import_dict_value(const struct import_state *s, const char *type, const char *text) {
  for (size_t i = 0; i < s->ndict; i++)
    if (strcmp(s->dict[i].type, type) == 0 &&
        (strcmp(s->dict[i].value, text) == 0 || strcmp(s->dict[i].label_zh, text) == 0))
      return s->dict[i].value;
  return "";
}

/* 是/否, Y/N, 1/0, true/false; -1 for anything else. */
int import_yes_no(const char *t) {
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
bool import_too_long(const char *text, size_t max) {
  return utf8_length(text) > max;
}

/* Reads 1..max_digits decimal digits at *p into *out and moves *p past them. */
bool import_read_digits(const char **p, int max_digits, int64_t *out) {
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
int64_t import_parse_id(const char *text) {
  int64_t v = 0;
  const char *p = text;
  if (!import_read_digits(&p, 15, &v) || (*p && strcmp(p, ".0") != 0))
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
  if (!import_read_digits(&p, 4, &y) || p - text != 4)
    return false;
  if (strncmp(p, "年", 3) == 0) {
    chinese = true;
    p += 3;
  } else if (*p == '-' || *p == '/' || *p == '.') {
    sep = *p++;
  } else {
    return false;
  }
  if (!import_read_digits(&p, 2, &m))
    return false;
  if (chinese ? strncmp(p, "月", 3) != 0 : *p != sep)
    return false;
  p += chinese ? 3 : 1;
  if (!import_read_digits(&p, 2, &d))
    return false;
  if (chinese && strncmp(p, "日", 3) == 0)
    p += 3;
  if (*p && strcmp(p, " 00:00:00") != 0)
    return false;
  snprintf(out, PROJECT_DATE_SIZE, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
  return date_valid(out);
}

/* An optional date cell: *out NULL when empty; an error naming the column when invalid. */
void import_row_date(struct import_state *s, const struct sheet_row *row, enum column c,
                     const char *fallback, char buf[PROJECT_DATE_SIZE], char **out) {
  char text[64];
  *out = NULL;
  if (!*import_cell_of(s, row, c, text, sizeof text))
    return;
  if (parse_date(text, buf))
    *out = buf;
  else
    import_add_error(s->report, row->number, import_heading_of(s, c, fallback), "invalid_date",
                     text);
}

struct customer_scope import_scope_of(const struct actor *a) {
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
enum sh_status import_row_region(struct store_tx *tx, struct import_state *s,
                                 const struct sheet_row *row, const char *code_heading,
                                 char code[8], const char **column, struct sh_error *err) {
  char text[256], parts[3][96] = {"", "", ""};
  code[0] = '\0';
  /* Name the first region column the file has, until the row says which it used. */
  *column = s->column_of[COL_REGION_CODE] >= 0   ? s->heading[COL_REGION_CODE]
            : s->column_of[COL_REGION_NAME] >= 0 ? s->heading[COL_REGION_NAME]
                                                 : import_heading_of(s, COL_PROVINCE, code_heading);
  if (*import_cell_of(s, row, COL_REGION_CODE, text, sizeof text)) {
    *column = s->heading[COL_REGION_CODE];
    if (region_code_valid(text))
      memcpy(code, text, REGION_CODE_LEN + 1); /* valid: six digits and the NUL */
  } else if (*import_cell_of(s, row, COL_REGION_NAME, text, sizeof text)) {
    *column = s->heading[COL_REGION_NAME];
    char *save = NULL;
    int n = 0;
    for (char *t = strtok_r(text, " /", &save); t && n < 3; t = strtok_r(NULL, " /", &save))
      snprintf(parts[n++], sizeof parts[0], "%s", t);
  } else {
    import_cell_of(s, row, COL_PROVINCE, parts[0], sizeof parts[0]);
    import_cell_of(s, row, COL_CITY, parts[1], sizeof parts[1]);
    import_cell_of(s, row, COL_DISTRICT, parts[2], sizeof parts[2]);
    if (parts[0][0] || parts[1][0] || parts[2][0])
      *column = import_heading_of(s, COL_PROVINCE, code_heading);
  }
  /* Names seen on an earlier row are not looked up again. */
  char key[3 * 96 + 3];
  snprintf(key, sizeof key, "%s\x1f%s\x1f%s", parts[0], parts[1], parts[2]);
  int64_t known = parts[0][0] ? import_map_get(&s->regions, key) : 0;
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
        import_map_add(&s->regions, key, parent[0] ? strtoll(parent, NULL, 10) : AMBIGUOUS, err);
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
      if (*import_cell_of(s, row, cols[i], part, sizeof part)) {
        size_t len = strlen(typed);
        snprintf(typed + len, sizeof typed - len, "%s%s", len ? " " : "", part);
      }
    import_add_error(s->report, row->number, *column,
                     typed[0] ? "unknown_region" : "field_required", typed);
  }
  return SH_OK;
}

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
  return import_run(app, &import_customers_kind, actor, sheet, dry_run, progress, progress_arg, out,
                    err);
}

enum sh_status import_projects(struct app *app, const struct actor *actor,
                               const struct sheet *sheet, bool dry_run, import_progress_fn progress,
                               void *progress_arg, struct import_report *out,
                               struct sh_error *err) {
  return import_run(app, &import_projects_kind, actor, sheet, dry_run, progress, progress_arg, out,
                    err);
}

enum sh_status import_equipment(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err) {
  return import_run(app, &import_equipment_kind, actor, sheet, dry_run, progress, progress_arg, out,
                    err);
}

void import_report_free(struct import_report *report) {
  if (!report)
    return;
  free(report->errors);
  memset(report, 0, sizeof *report);
}
