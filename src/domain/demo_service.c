/* demo_service.c — the demo's installed base (SPEC B1-B4) and the whole of
 * demo_service_generate (see demo_service.h): the part lists, the seed's stream and the
 * customers the passes use (demo_internal.h); the tickets pass is demo_tickets.c, the
 * return visits, survey and complaints demo_visits.c.
 *
 * Design: passes over the seed's stream. The installed base walks the customers in id
 * order: one in three (and always the first, whom the demo's portal user belongs to) gets a
 * project at its own address, 1-6 units of the kind its archive names, and usually a
 * warranty card. The projects and units of a hundred customers go in one unit of work, as
 * an import's rows do (a commit each would make the demo slow on PostgreSQL). The tickets
 * then continue the same stream (demo_tickets.c), and the return visits, the survey and the
 * complaints after them (demo_visits.c). */
#include "demo_service.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../store/store.h"
#include "customer.h"
#include "demo.h"
#include "demo_internal.h"
#include "equipment.h"
#include "project.h"
#include "session.h"
#include "user.h"

/* ---- part lists ---------------------------------------------------------------------- */

static void table_free(struct table *t) {
  for (size_t i = 0; i < t->rows * t->width; i++)
    free(t->cells[i]);
  free(t->cells);
  t->cells = NULL;
  t->rows = 0;
}

const char *demo_cell(const struct table *t, size_t row, size_t column) {
  return t->cells[row * t->width + column];
}

/* Appends one line's fields; false when out of memory. */
static bool table_add(struct table *t, char *line) {
  char **cells = sh_reallocarray(t->cells, (t->rows + 1) * t->width, sizeof *cells);
  if (!cells)
    return false;
  t->cells = cells;
  char *rest = line;
  bool ok = true;
  for (size_t c = 0; c < t->width; c++) {
    char *bar = rest ? strchr(rest, '|') : NULL;
    if (bar)
      *bar = '\0';
    cells[t->rows * t->width + c] = sh_strdup(rest ? rest : "");
    ok = ok && cells[t->rows * t->width + c];
    rest = bar ? bar + 1 : NULL;
  }
  t->rows++;
  return ok;
}

static enum sh_status table_load(const char *dir, const char *name, size_t width, struct table *out,
                                 struct sh_error *err) {
  char path[1024], line[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  out->width = width;
  FILE *f = fopen(path, "r");
  if (!f)
    return sh_fail(err, SH_ERR_INVALID, "demo_list_missing", "data_dir", path);
  bool ok = true;
  while (ok && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] && line[0] != '#')
      ok = table_add(out, line);
  }
  fclose(f);
  if (!ok)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (out->rows == 0)
    return sh_fail(err, SH_ERR_INVALID, "demo_list_empty", "data_dir", path);
  return SH_OK;
}

long demo_table_find(const struct table *t, size_t column, const char *value) {
  for (size_t r = 0; value && r < t->rows; r++)
    if (strcmp(demo_cell(t, r, column), value) == 0)
      return (long)r;
  return -1;
}

/* ---- the seed's stream --------------------------------------------------------------- */

uint64_t demo_next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t demo_between(uint64_t *state, int64_t lo, int64_t hi) {
  uint64_t r = demo_next(state);
  return hi <= lo ? lo : lo + (int64_t)(r % (uint64_t)(hi - lo + 1));
}

size_t demo_pick_row(const struct table *t, size_t column, const char *value, uint64_t *state) {
  uint64_t r = demo_next(state);
  size_t matching = 0;
  for (size_t i = 0; i < t->rows; i++)
    matching += strcmp(demo_cell(t, i, column), value) == 0;
  if (matching == 0)
    return (size_t)(r % t->rows);
  size_t want = (size_t)(r % matching);
  for (size_t i = 0; i < t->rows; i++)
    if (strcmp(demo_cell(t, i, column), value) == 0 && want-- == 0)
      return i;
  return 0;
}

/* ---- what the passes share ----------------------------------------------------------- */

void demo_day_text(int64_t day, char out[PROJECT_DATE_SIZE]) {
  time_t t = (time_t)(day * DAY);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, PROJECT_DATE_SIZE, "%Y-%m-%d", &tm);
}

static enum sh_status staff_actor(struct app *app, const struct demo_result *r, enum role role,
                                  struct actor *out, struct sh_error *err) {
  const char *username = NULL;
  for (size_t i = 0; i < r->naccounts; i++)
    if (r->accounts[i].role == role)
      username = r->accounts[i].username;
  if (!username)
    return sh_fail(err, SH_ERR_INTERNAL, "demo_user_missing", NULL, role_name(role));
  struct user_record *u = NULL;
  enum sh_status rc = user_get_by_username(app, username, &u, err);
  if (rc == SH_OK) {
    actor_from_user(u, out);
    snprintf(out->address, sizeof out->address, "demo");
  }
  user_record_free(u);
  return rc;
}

static void clients_free(struct demo *d) {
  for (size_t i = 0; i < d->nclients; i++) {
    free(d->clients[i].name);
    free(d->clients[i].region);
    free(d->clients[i].address);
    free(d->clients[i].products);
  }
  free(d->clients);
}

static bool client_add(struct demo *d, const struct customer *c) {
  struct client *list = sh_reallocarray(d->clients, d->nclients + 1, sizeof *list);
  if (!list)
    return false;
  d->clients = list;
  struct client k = {.id = c->id,
                     .name = sh_strdup(c->name),
                     .region = sh_strdup(c->region_code),
                     .address = sh_strdup(c->address),
                     .products = sh_strdup(c->product_types ? c->product_types : "[]"),
                     .person = c->kind && strcmp(c->kind, "person") == 0};
  list[d->nclients++] = k;
  return k.name && k.region && k.address && k.products;
}

/* Every customer, in id order (keyset pages of the domain's list). */
static enum sh_status load_clients(struct demo *d, struct sh_error *err) {
  struct customer_filter f = {
      .sort = CUSTOMER_SORT_ID, .key_customer = -1, .limit = 500, .keyset = true};
  enum sh_status rc = SH_OK;
  for (;;) {
    struct customer **page = NULL;
    size_t n = 0;
    int64_t total = 0;
    rc = customer_list(d->app, &d->admin, &f, &page, NULL, &n, &total, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++)
      if (!client_add(d, page[i]))
        rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    if (rc == SH_OK && n > 0) {
      f.after = true;
      f.after_id = page[n - 1]->id;
    }
    customer_list_free(page, n);
    if (rc != SH_OK || n < (size_t)f.limit)
      break;
  }
  return rc;
}

/* ---- the installed base (SPEC B1-B4) ------------------------------------------------- */

/* The kind of system a customer has: one of the product types of its archive that the
 * models list knows (surveillance when none does); one draw. */
static const char *client_category(const struct demo *d, const struct client *c, uint64_t *state) {
  uint64_t r = demo_next(state);
  json_t *types = json_loads(c->products, 0, NULL);
  const char *found[16];
  size_t n = 0;
  for (size_t i = 0; json_is_array(types) && i < json_array_size(types) && n < 16; i++) {
    long row = demo_table_find(&d->models, 2, json_string_value(json_array_get(types, i)));
    if (row >= 0)
      found[n++] = demo_cell(&d->models, (size_t)row, 2);
  }
  json_decref(types);
  return n ? found[r % n] : "surveillance";
}

static void serial_number(const struct demo *d, size_t model, int year, uint64_t base,
                          char out[SERIAL_SIZE]) {
  const char *m = demo_cell(&d->models, model, 0);
  char prefix[3] = "SN";
  if (m[0] >= 'A' && m[0] <= 'Z' && m[1] >= 'A' && m[1] <= 'Z') {
    prefix[0] = m[0];
    prefix[1] = m[1];
  }
  /* 7919 is prime to 10^6: the six digits are unique for the first million units; past
   * them a round number follows. */
  unsigned long long k = d->nunits, digits = (base + k * 7919u) % 1000000u;
  if (k < 1000000u)
    snprintf(out, SERIAL_SIZE, "%s%04d%06llu", prefix, year, digits);
  else
    snprintf(out, SERIAL_SIZE, "%s%04d%06llu-%llu", prefix, year, digits, k / 1000000u);
}

/* A warranty card to issue once its project is committed. */
struct card_plan {
  int64_t project_id;
  int64_t day; /* the issue day (local day number) */
  const char *method;
};

/* One unit of work: the projects and units of clients [from, to). The unit draws from a
 * copy of the stream, which the caller keeps only once the unit committed; a unit run
 * again starts again from start_state. */
struct base_unit {
  struct demo *d;
  uint64_t start_state, state, serial_base;
  size_t from, to, units_before;
  int64_t now;
  struct card_plan *cards;
  size_t ncards, projects, units;
};

struct site {
  const struct client *client;
  const char *category;
  int64_t project_id;
  int64_t made_day; /* production: some months before completion */
};

static enum sh_status add_unit(struct store_tx *tx, struct base_unit *b, const struct site *s,
                               struct sh_error *err) {
  struct demo *d = b->d;
  size_t model = demo_pick_row(&d->models, 2, s->category, &b->state);
  size_t place = demo_pick_row(&d->sites, 0, s->category, &b->state);
  int64_t sold = demo_between(&b->state, 0, 9), term = demo_between(&b->state, 0, 99);
  int64_t made = s->made_day - demo_between(&b->state, 0, 120);
  char batch[32];
  time_t t = (time_t)(made * DAY);
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(batch, sizeof batch, "%02d%02d-%c", tm.tm_year % 100, tm.tm_mon + 1,
           (char)('A' + (made % 4 + 4) % 4));
  struct unit u = {.customer_id = s->client->id, .model = model};
  serial_number(d, model, tm.tm_year + 1900, b->serial_base, u.serial);
  /* equipment_create_in normalizes these in place: they are the caller's heap strings. */
  struct equipment e = {.project_id = s->project_id,
                        .serial_no = sh_strdup(u.serial),
                        .model = sh_strdup(demo_cell(&d->models, model, 0)),
                        .name = (char *)demo_cell(&d->models, model, 1),
                        .category = sh_strdup(demo_cell(&d->models, model, 2)),
                        .batch = batch,
                        .sold_by_company = sold != 0,
                        .install_site = (char *)demo_cell(&d->sites, place, 1),
                        .manufacturer_months = term < 20   ? 24
                                               : term < 30 ? 36
                                                           : 0,
                        .note = ""};
  struct unit *list = sh_reallocarray(d->units, d->nunits + 1, sizeof *list);
  enum sh_status rc = SH_OK;
  if (!list || !e.serial_no || !e.model || !e.category)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (list)
    d->units = list;
  if (rc == SH_OK)
    rc = equipment_create_in(tx, &d->project_manager, &e, true, b->now, &u.id, err);
  if (rc == SH_OK) {
    d->units[d->nunits++] = u;
    b->units++;
  }
  free(e.serial_no);
  free(e.model);
  free(e.category);
  return rc;
}

/* The warranty card (SPEC B4): most go out within the month, some late, some not yet. */
static bool plan_card(struct base_unit *b, int64_t project_id, int64_t completed) {
  static const char *const methods[] = {"in_person", "post", "courier", "electronic"};
  int64_t kind = demo_between(&b->state, 0, 9), early = demo_between(&b->state, 2, 28),
          late = demo_between(&b->state, 35, 75), method = demo_between(&b->state, 0, 3);
  int64_t day = completed + (kind < 7 ? early : late);
  if (kind >= 8 || day > b->d->today)
    return true;
  struct card_plan *cards = sh_reallocarray(b->cards, b->ncards + 1, sizeof *cards);
  if (!cards)
    return false;
  b->cards = cards;
  cards[b->ncards++] = (struct card_plan){project_id, day, methods[method]};
  return true;
}

static enum sh_status add_project(struct store_tx *tx, struct base_unit *b, const struct client *c,
                                  struct sh_error *err) {
  struct demo *d = b->d;
  const char *category = client_category(d, c, &b->state);
  size_t system = demo_pick_row(&d->systems, 0, category, &b->state);
  int64_t building = demo_between(&b->state, 0, 99), ago = demo_between(&b->state, 30, 1095),
          accepting = demo_between(&b->state, 3, 30), nunits = demo_between(&b->state, 1, 6);
  bool completed = building >= 5; /* one in twenty still being built */
  int64_t completion = d->today - ago;
  int64_t acceptance = completion + accepting < d->today ? completion + accepting : d->today;
  char name[400], completion_text[PROJECT_DATE_SIZE], acceptance_text[PROJECT_DATE_SIZE];
  snprintf(name, sizeof name, "%s%s%s", c->name, c->person ? "住宅" : "",
           demo_cell(&d->systems, system, 1));
  demo_day_text(completion, completion_text);
  demo_day_text(acceptance, acceptance_text);
  struct project in = {.customer_id = c->id,
                       .name = name,
                       .site_region_code = c->region,
                       .site_address = c->address,
                       .project_manager_id = d->project_manager.user_id,
                       .completion_date = completed ? completion_text : NULL,
                       .acceptance_date = completed ? acceptance_text : NULL,
                       .note = ""};
  struct site s = {
      .client = c, .category = category, .made_day = (completed ? completion : d->today) - 30};
  enum sh_status rc =
      project_create_in(tx, &d->project_manager, &in, true, b->now, &s.project_id, err);
  if (rc == SH_OK)
    b->projects++;
  for (int64_t i = 0; rc == SH_OK && i < nunits; i++)
    rc = add_unit(tx, b, &s, err);
  if (rc == SH_OK && completed && !plan_card(b, s.project_id, completion))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  return rc;
}

static enum sh_status base_unit_run(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct base_unit *b = arg;
  enum sh_status rc = SH_OK;
  b->state = b->start_state;
  b->d->nunits = b->units_before;
  b->ncards = b->projects = b->units = 0;
  for (size_t i = b->from; rc == SH_OK && i < b->to; i++)
    if (demo_next(&b->state) % 3 == 0 || i == 0)
      rc = add_project(tx, b, &b->d->clients[i], err);
  return rc;
}

static enum sh_status issue_card(struct demo *d, const struct card_plan *plan,
                                 struct sh_error *err) {
  char issued[PROJECT_DATE_SIZE];
  demo_day_text(plan->day, issued);
  struct project *p = NULL, *after = NULL;
  enum sh_status rc = project_get(d->app, &d->agent, plan->project_id, &p, err);
  if (rc == SH_OK)
    rc =
        project_issue_card(d->app, &d->agent, p->id, p->version, issued, plan->method, &after, err);
  if (rc == SH_OK)
    d->out->cards++;
  project_free(after);
  project_free(p);
  return rc;
}

/* The projects and units, one unit of work per hundred customers (an import's way: the
 * same checks and audit rows, far fewer commits), then the warranty cards. */
static enum sh_status installed_base(struct demo *d, uint64_t *state, struct sh_error *err) {
  uint64_t serial_base = demo_next(state) % 1000000u;
  enum sh_status rc = SH_OK;
  for (size_t from = 0; rc == SH_OK && from < d->nclients; from += 100) {
    struct base_unit b = {.d = d,
                          .start_state = *state,
                          .serial_base = serial_base,
                          .from = from,
                          .to = from + 100 < d->nclients ? from + 100 : d->nclients,
                          .units_before = d->nunits,
                          .now = time_now()};
    rc = store_write(d->app->store, base_unit_run, &b, err);
    if (rc == SH_OK) {
      *state = b.state;
      d->out->projects += b.projects;
      d->out->units += b.units;
    } else {
      d->nunits = b.units_before;
    }
    for (size_t i = 0; rc == SH_OK && i < b.ncards; i++)
      rc = issue_card(d, &b.cards[i], err);
    free(b.cards);
  }
  return rc;
}

/* ---- the whole --------------------------------------------------------------------- */

enum sh_status demo_service_generate(struct app *app, uint64_t *state, const char *dir,
                                     struct demo_result *result, struct sh_error *err) {
  struct demo d = {.app = app, .out = &result->service, .now = time_now()};
  d.today = (d.now + (int64_t)app->tz_offset_minutes * 60) / DAY;
  memset(d.out, 0, sizeof *d.out);
  struct {
    const char *name;
    size_t width;
    struct table *table;
  } lists[] = {{"equipment_models.txt", 3, &d.models},
               {"faults.txt", 5, &d.faults},
               {"parts.txt", 3, &d.parts},
               {"install_sites.txt", 2, &d.sites},
               {"systems.txt", 2, &d.systems}};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < 5; i++)
    rc = table_load(dir, lists[i].name, lists[i].width, lists[i].table, err);
  const enum role roles[] = {ROLE_ADMIN,           ROLE_AGENT,
                             ROLE_DISPATCHER,      ROLE_TECHNICIAN,
                             ROLE_PROJECT_MANAGER, ROLE_ENGINEERING_MANAGER,
                             ROLE_DEPARTMENT_HEAD, ROLE_QC,
                             ROLE_FINANCE};
  struct actor *actors[] = {&d.admin,           &d.agent,
                            &d.dispatcher,      &d.technician,
                            &d.project_manager, &d.engineering_manager,
                            &d.department_head, &d.qc,
                            &d.finance};
  for (size_t i = 0; rc == SH_OK && i < sizeof roles / sizeof roles[0]; i++)
    rc = staff_actor(app, result, roles[i], actors[i], err);
  if (rc == SH_OK)
    rc = load_clients(&d, err);
  if (rc == SH_OK && d.nclients == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "demo_without_customers", NULL, NULL);
  if (rc == SH_OK)
    rc = installed_base(&d, state, err);
  if (rc == SH_OK)
    rc = demo_tickets(&d, state, err);
  if (rc == SH_OK)
    rc = demo_visits(&d, state, err);
  for (size_t i = 0; i < 5; i++)
    table_free(lists[i].table);
  clients_free(&d);
  free(d.units);
  return rc;
}
