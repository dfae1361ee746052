/* demo_service.c — the demo's installed base and service tickets (see demo_service.h).
 *
 * Design: two passes over the seed's stream. The installed base walks the customers in id
 * order: one in three (and always the first, whom the demo's portal user belongs to) gets a
 * project at its own address, 1-6 units of the kind its archive names, and usually a
 * warranty card. The projects and units of a hundred customers go in one unit of work, as
 * an import's rows do (a commit each would make the demo slow on PostgreSQL). The tickets are
 * planned first — a fixed recipe of how many tickets end in which state — each with its call time,
 * unit, fault and a private seed, then replayed in call order so that ticket numbers run with the
 * calls. A ticket's steps draw only from its private seed, so the time of day the demo runs changes
 * times, never content. Every step is a domain call by the demo user of the role that does it: the
 * desk (agent) registers, promises, escalates, takes the receipt and confirms the outcome; the
 * dispatcher assigns; the technician makes the appointment, arrives, records, puts parts and spare
 * units in and clears. Actions cannot be backdated except where the API takes a time (the call,
 * arrival, clearing, loans, appointments): the rest happen at the moment the demo runs, as they
 * would for a desk entering yesterday's paperwork. */
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
#include "equipment.h"
#include "project.h"
#include "session.h"
#include "ticket.h"
#include "user.h"

#define HOUR 3600
#define DAY 86400
#define SERIAL_SIZE 64

/* ---- part lists ---------------------------------------------------------------------- */

/* A list of lines of width '|'-separated fields; missing trailing fields are "". */
struct table {
  char **cells; /* rows × width, row-major */
  size_t rows, width;
};

static void table_free(struct table *t) {
  for (size_t i = 0; i < t->rows * t->width; i++)
    free(t->cells[i]);
  free(t->cells);
  t->cells = NULL;
  t->rows = 0;
}

static const char *cell(const struct table *t, size_t row, size_t column) {
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

/* Row of the first cell in column equal to value, or -1. */
static long table_find(const struct table *t, size_t column, const char *value) {
  for (size_t r = 0; value && r < t->rows; r++)
    if (strcmp(cell(t, r, column), value) == 0)
      return (long)r;
  return -1;
}

/* ---- the seed's stream --------------------------------------------------------------- */

/* The same splitmix64 step as demo.c, continuing its state. */
static uint64_t next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* lo..hi inclusive (lo if hi < lo); always one draw, so the stream does not depend on the
 * range. */
static int64_t between(uint64_t *state, int64_t lo, int64_t hi) {
  uint64_t r = next(state);
  return hi <= lo ? lo : lo + (int64_t)(r % (uint64_t)(hi - lo + 1));
}

/* A random row of t whose column equals value (any row when none does); one draw. */
static size_t pick_row(const struct table *t, size_t column, const char *value, uint64_t *state) {
  uint64_t r = next(state);
  size_t matching = 0;
  for (size_t i = 0; i < t->rows; i++)
    matching += strcmp(cell(t, i, column), value) == 0;
  if (matching == 0)
    return (size_t)(r % t->rows);
  size_t want = (size_t)(r % matching);
  for (size_t i = 0; i < t->rows; i++)
    if (strcmp(cell(t, i, column), value) == 0 && want-- == 0)
      return i;
  return 0;
}

/* ---- what the passes share ----------------------------------------------------------- */

struct client {
  int64_t id;
  char *name, *region, *address, *products;
  bool person;
};

struct unit {
  int64_t id, customer_id;
  size_t model; /* row of the models table */
  char serial[SERIAL_SIZE];
};

struct demo {
  struct app *app;
  struct demo_service_result *out;
  struct actor admin, agent, dispatcher, technician, project_manager;
  struct table models, faults, parts, sites, systems;
  struct client *clients;
  size_t nclients;
  struct unit *units;
  size_t nunits;
  int64_t now, today; /* UTC seconds; the local day number (days since 1970-01-01) */
};

static void day_text(int64_t day, char out[PROJECT_DATE_SIZE]) {
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
  uint64_t r = next(state);
  json_t *types = json_loads(c->products, 0, NULL);
  const char *found[16];
  size_t n = 0;
  for (size_t i = 0; json_is_array(types) && i < json_array_size(types) && n < 16; i++) {
    long row = table_find(&d->models, 2, json_string_value(json_array_get(types, i)));
    if (row >= 0)
      found[n++] = cell(&d->models, (size_t)row, 2);
  }
  json_decref(types);
  return n ? found[r % n] : "surveillance";
}

static void serial_number(const struct demo *d, size_t model, int year, uint64_t base,
                          char out[SERIAL_SIZE]) {
  const char *m = cell(&d->models, model, 0);
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
  size_t model = pick_row(&d->models, 2, s->category, &b->state);
  size_t place = pick_row(&d->sites, 0, s->category, &b->state);
  int64_t sold = between(&b->state, 0, 9), term = between(&b->state, 0, 99);
  int64_t made = s->made_day - between(&b->state, 0, 120);
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
                        .model = sh_strdup(cell(&d->models, model, 0)),
                        .name = (char *)cell(&d->models, model, 1),
                        .category = sh_strdup(cell(&d->models, model, 2)),
                        .batch = batch,
                        .sold_by_company = sold != 0,
                        .install_site = (char *)cell(&d->sites, place, 1),
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
  int64_t kind = between(&b->state, 0, 9), early = between(&b->state, 2, 28),
          late = between(&b->state, 35, 75), method = between(&b->state, 0, 3);
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
  size_t system = pick_row(&d->systems, 0, category, &b->state);
  int64_t building = between(&b->state, 0, 99), ago = between(&b->state, 30, 1095),
          accepting = between(&b->state, 3, 30), nunits = between(&b->state, 1, 6);
  bool completed = building >= 5; /* one in twenty still being built */
  int64_t completion = d->today - ago;
  int64_t acceptance = completion + accepting < d->today ? completion + accepting : d->today;
  char name[400], completion_text[PROJECT_DATE_SIZE], acceptance_text[PROJECT_DATE_SIZE];
  snprintf(name, sizeof name, "%s%s%s", c->name, c->person ? "住宅" : "",
           cell(&d->systems, system, 1));
  day_text(completion, completion_text);
  day_text(acceptance, acceptance_text);
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
    if (next(&b->state) % 3 == 0 || i == 0)
      rc = add_project(tx, b, &b->d->clients[i], err);
  return rc;
}

static enum sh_status issue_card(struct demo *d, const struct card_plan *plan,
                                 struct sh_error *err) {
  char issued[PROJECT_DATE_SIZE];
  day_text(plan->day, issued);
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
  uint64_t serial_base = next(state) % 1000000u;
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

/* ---- the tickets (SPEC C1-C7) -------------------------------------------------------- */

/* Where a ticket ends; the recipe below says how many of each and how old their calls
 * are. Old calls still open breach their deadlines, so the board shows risk. */
enum ending {
  END_NEW,           /* registered, waiting for dispatch */
  END_NEW_LATE,      /* nobody went: the on-site deadline passed */
  END_ASSIGNED,      /* assigned, appointment agreed */
  END_ASSIGNED_LATE, /* the appointment came and went */
  END_ON_SITE,       /* technician there, work recorded, part fitted */
  END_ON_SITE_LATE,  /* waiting for a part past the clear and substitute deadlines */
  END_CLEARED,       /* fault cleared, not confirmed yet */
  END_REPAIRED,      /* closed: repaired */
  END_SUBSTITUTED,   /* closed: a spare unit keeps the system running */
  END_NO_FAULT,      /* closed: nothing wrong */
  END_CANCELLED,
  END_COUNT
};

static const struct recipe {
  enum ending ending;
  int count;
  int youngest, oldest; /* hours since the call */
} recipes[] = {
    {END_NEW, 5, 1, 16},           {END_NEW_LATE, 2, 30, 100},
    {END_ASSIGNED, 6, 2, 20},      {END_ASSIGNED_LATE, 2, 28, 60},
    {END_ON_SITE, 4, 6, 40},       {END_ON_SITE_LATE, 2, 76, 130},
    {END_CLEARED, 4, 10, 70},      {END_REPAIRED, 9, 40, 236},
    {END_SUBSTITUTED, 3, 80, 236}, {END_NO_FAULT, 2, 24, 200},
    {END_CANCELLED, 1, 20, 120},
};

struct call {
  enum ending ending;
  int nth;                 /* among the calls of its ending, for the one-off extras */
  int64_t at;              /* UTC seconds */
  const struct unit *unit; /* the unit at fault; NULL when the company has none */
  bool named;              /* the caller said which unit; else the technician finds it */
  int64_t customer_id;
  size_t fault;  /* row of the faults table */
  uint64_t seed; /* the ticket's own stream */
  size_t order;  /* planning order: ties of the sort */
};

/* at moved into office hours (08:00-21:00 local, the same share of the day) when that
 * keeps it within [lo, hi], else at; to the minute. The same draw gives the same content
 * whatever the time of day the demo runs. */
static int64_t office_time(const struct demo *d, int64_t at, int64_t lo, int64_t hi) {
  int64_t tz = (int64_t)d->app->tz_offset_minutes * 60, local = at + tz;
  int64_t midnight = local - ((local % DAY) + DAY) % DAY;
  int64_t office = midnight + 8 * HOUR + (local - midnight) * 13 / 24 - tz;
  int64_t chosen = office >= lo && office <= hi ? office : at;
  int64_t minute = chosen - ((chosen % 60) + 60) % 60;
  return minute >= lo ? minute : chosen;
}

static int call_order(const void *a, const void *b) {
  const struct call *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* One call of recipe r: its time, unit and fault. The first repaired and the first
 * assigned call are about the first customer's first unit, so the demo's portal user has
 * history and an open case. */
static void plan_call(const struct demo *d, const struct recipe *r, int nth, uint64_t *state,
                      struct call *c) {
  int64_t age = between(state, r->youngest * HOUR, r->oldest * HOUR);
  int64_t named = between(state, 0, 99), which = between(state, 0, (int64_t)d->nunits - 1);
  int64_t customer = between(state, 0, (int64_t)d->nclients - 1);
  bool first = nth == 0 && (r->ending == END_REPAIRED || r->ending == END_ASSIGNED);
  c->ending = r->ending;
  c->nth = nth;
  c->at = office_time(d, d->now - age, d->now - r->oldest * HOUR - 3 * HOUR,
                      d->now - r->youngest * HOUR);
  c->unit = d->nunits ? &d->units[first ? 0 : which] : NULL;
  c->named = c->unit && (named < 85 || first);
  c->customer_id = c->unit ? c->unit->customer_id : d->clients[customer].id;
  c->fault = pick_row(&d->faults, 0, c->unit ? cell(&d->models, c->unit->model, 0) : "", state);
  c->seed = next(state);
}

/* The calls of the recipe, in call order. */
static enum sh_status plan_calls(struct demo *d, uint64_t *state, struct call **out, size_t *count,
                                 struct sh_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
    n += (size_t)recipes[i].count;
  struct call *calls = sh_calloc(n, sizeof *calls);
  if (!calls)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t k = 0;
  for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
    for (int j = 0; j < recipes[i].count; j++, k++) {
      plan_call(d, &recipes[i], j, state, &calls[k]);
      calls[k].order = k;
    }
  qsort(calls, n, sizeof *calls, call_order);
  *out = calls;
  *count = n;
  return SH_OK;
}

/* One ticket being worked: the latest ticket JSON the domain returned. */
struct job {
  struct demo *d;
  const struct call *call;
  uint64_t state; /* the call's own stream */
  int64_t id;
  json_t *ticket;
  int64_t arrival; /* when the technician arrived (UTC seconds), once on site */
};

static int64_t version_of(const struct job *j) {
  return json_integer_value(json_object_get(j->ticket, "version"));
}

static const char *text_of(const struct job *j, const char *key) {
  const char *s = json_string_value(json_object_get(j->ticket, key));
  return s ? s : "";
}

/* Runs one action as who; takes body (also on failure). with_version adds the version the
 * desk read, as the API requires of actions that change the ticket's fields. */
static enum sh_status act(struct job *j, const struct actor *who, enum ticket_action action,
                          json_t *body, bool with_version, struct sh_error *err) {
  if (!body)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (with_version)
    json_object_set_new(body, "version", json_integer(version_of(j)));
  json_t *out = NULL;
  enum sh_status rc = ticket_act(j->d->app, who, j->id, action, body, &out, err);
  json_decref(body);
  if (rc == SH_OK) {
    json_decref(j->ticket);
    j->ticket = out;
  }
  return rc;
}

static json_t *iso(const struct job *j, int64_t utc) {
  char text[TIME_ISO_LEN];
  time_format_iso(utc, j->d->app->tz_offset_minutes, text);
  return json_string(text);
}

/* A time at least a few minutes before now: field work is not entered ahead of itself. */
static int64_t before_now(const struct job *j, int64_t at) {
  return at < j->d->now - 300 ? at : j->d->now - 300;
}

/* A field time: at, moved into office hours within [lo, hi] and before now. */
static int64_t field_time(const struct job *j, int64_t at, int64_t lo, int64_t hi) {
  return office_time(j->d, before_now(j, at), lo, before_now(j, hi));
}

static enum sh_status register_call(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t channel = between(&j->state, 0, 9);
  struct ticket_intake in = {.customer_id = c->customer_id,
                             .equipment_id = c->named ? c->unit->id : 0,
                             .channel = channel < 8   ? "hotline"
                                        : channel < 9 ? "im"
                                                      : "email",
                             .fault = cell(&j->d->faults, c->fault, 1),
                             .called_at = c->at};
  enum sh_status rc = ticket_create(j->d->app, &j->d->agent, &in, NULL, &j->ticket, NULL, err);
  if (rc == SH_OK)
    j->id = json_integer_value(json_object_get(j->ticket, "id"));
  return rc;
}

static enum sh_status promise(struct job *j, int64_t hours, const char *note,
                              struct sh_error *err) {
  json_t *b = json_pack("{s:o, s:s}", "due_at", iso(j, j->d->now + hours * HOUR), "note", note);
  return act(j, &j->d->agent, TICKET_PROMISE, b, false, err);
}

static enum sh_status assign(struct job *j, struct sh_error *err) {
  /* Dispatched ten minutes after the call (the arrival and clearing are dated after it). */
  json_t *b = json_pack("{s:I, s:o}", "technician_id", (json_int_t)j->d->technician.user_id, "at",
                        iso(j, j->call->at + 600));
  return act(j, &j->d->dispatcher, TICKET_ASSIGN, b, true, err);
}

/* An appointment the technician phoned for, starting at `at` for an hour and a half. */
static enum sh_status appointment(struct job *j, int64_t at, struct sh_error *err) {
  at -= at % 1800;
  if (at < j->call->at)
    at += 1800;
  json_t *b = json_pack("{s:o, s:o, s:s}", "starts_at", iso(j, at), "ends_at", iso(j, at + 5400),
                        "agreed_with", text_of(j, "contact_name"));
  return act(j, &j->d->technician, TICKET_APPOINTMENT, b, false, err);
}

static enum sh_status arrive(struct job *j, int64_t at, struct sh_error *err) {
  return act(j, &j->d->technician, TICKET_ARRIVE, json_pack("{s:o}", "at", iso(j, at)), true, err);
}

static enum sh_status clear(struct job *j, int64_t at, struct sh_error *err) {
  return act(j, &j->d->technician, TICKET_CLEAR, json_pack("{s:o}", "at", iso(j, at)), true, err);
}

/* The on-site record (SPEC C4): labour is charged out of warranty only (B3). */
static enum sh_status record(struct job *j, const char *diagnosis, const char *work,
                             const char *test, struct sh_error *err) {
  int64_t labour = between(&j->state, 10, 30) * 1000, vehicle = between(&j->state, 2, 8) * 1000;
  int64_t consumables = between(&j->state, 0, 6) * 1000;
  bool in_warranty = json_is_true(json_object_get(j->ticket, "parts_free"));
  json_t *b = json_pack("{s:s, s:I, s:I, s:I}", "diagnosis", diagnosis, "labour_fen",
                        (json_int_t)(in_warranty ? 0 : labour), "vehicle_cost_fen",
                        (json_int_t)vehicle, "consumables_cost_fen", (json_int_t)consumables);
  if (b && work)
    json_object_set_new(b, "work_done", json_string(work));
  if (b && test)
    json_object_set_new(b, "test_result", json_string(test));
  /* One job ran over the consumables allowance, with the reason it needs (C4). */
  if (b && j->call->ending == END_REPAIRED && j->call->nth == 1) {
    json_object_set_new(b, "consumables_cost_fen", json_integer(15000));
    json_object_set_new(b, "consumables_reason", json_string("机柜内线缆老化，更换网线和水晶头"));
  }
  return act(j, &j->d->technician, TICKET_RECORD, b, true, err);
}

/* The part the fault's line names, if any, billed by B3 (the domain decides free). */
static enum sh_status fit_part(struct job *j, struct sh_error *err) {
  long row = table_find(&j->d->parts, 0, cell(&j->d->faults, j->call->fault, 4));
  int64_t replacement = between(&j->state, 100000, 999999);
  if (row < 0)
    return SH_OK;
  const struct table *p = &j->d->parts;
  char serial[32];
  snprintf(serial, sizeof serial, "RP%lld", (long long)replacement);
  json_t *b = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s}", "name", cell(p, (size_t)row, 1),
                        "part_no", cell(p, (size_t)row, 0), "quantity", 1, "unit_price_fen",
                        (json_int_t)strtoll(cell(p, (size_t)row, 2), NULL, 10), "faulty_serial",
                        text_of(j, "serial_no"), "replacement_serial", serial);
  return act(j, &j->d->technician, TICKET_PART, b, false, err);
}

static enum sh_status close_as(struct job *j, const char *outcome, struct sh_error *err) {
  return act(j, &j->d->agent, TICKET_CLOSE, json_pack("{s:s}", "outcome", outcome), true, err);
}

/* The after-sales receipt the customer sent back (C6). */
static enum sh_status receipt(struct job *j, struct sh_error *err) {
  char number[32], today[PROJECT_DATE_SIZE];
  snprintf(number, sizeof number, "HZ%06lld", (long long)between(&j->state, 1, 999999));
  day_text(j->d->today, today);
  json_t *b =
      json_pack("{s:s, s:s, s:s, s:b}", "receipt_no", number, "returned_on", today, "signed_by",
                text_of(j, "contact_name"), "satisfied", between(&j->state, 0, 9) != 0);
  return act(j, &j->d->agent, TICKET_RECEIPT, b, false, err);
}

/* The first half-hour slot of office hours (09:00-18:00 local) at or after at. */
static int64_t office_slot(const struct job *j, int64_t at) {
  int64_t tz = (int64_t)j->d->app->tz_offset_minutes * 60, local = at + tz;
  local += (1800 - ((local % 1800) + 1800) % 1800) % 1800;
  int64_t midnight = local - ((local % DAY) + DAY) % DAY, hour = (local - midnight) / HOUR;
  if (hour < 9)
    local = midnight + 9 * HOUR;
  else if (hour >= 18)
    local = midnight + DAY + 9 * HOUR;
  return local - tz;
}

/* Registered only: a promised reply or an escalation on some (C5). */
static enum sh_status work_new(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  if (c->ending == END_NEW && c->nth == 0)
    return promise(j, 2, "两小时内回电告知技术人员上门时间", err);
  if (c->ending == END_NEW && c->nth == 1)
    return promise(j, 5, "回复客户设备是否在保修期内及维修费用", err);
  if (c->ending == END_NEW_LATE && c->nth == 0) {
    json_t *b = json_pack("{s:s}", "reason", "客户要求免费更换整套系统，情绪激动，需公司决定");
    return act(j, &j->d->agent, TICKET_ESCALATE, b, false, err);
  }
  return SH_OK;
}

/* Dispatched with a phoned appointment (C3): ahead for fresh calls; for old ones it has
 * passed, and one customer who was out is rescheduled and marked. */
static enum sh_status work_assigned(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t soon = between(&j->state, 1, 18) * HOUR, past = between(&j->state, 16, 22) * HOUR;
  bool late = c->ending == END_ASSIGNED_LATE;
  int64_t start = late ? c->at + past : office_slot(j, j->d->now + soon);
  enum sh_status rc = assign(j, err);
  if (rc == SH_OK)
    rc = appointment(j, start, err);
  if (rc == SH_OK && late && c->nth == 0) {
    json_t *b =
        json_pack("{s:s, s:o, s:o, s:o, s:s}", "party", "customer", "from", iso(j, start), "to",
                  iso(j, start + 2 * HOUR), "reschedule_to",
                  iso(j, office_slot(j, j->d->now + 3 * HOUR)), "reason", "客户临时外出，电话改约");
    rc = act(j, &j->d->technician, TICKET_DELAY, b, false, err);
  }
  /* A technician who may be late calls ahead (C3). */
  if (rc == SH_OK && !late && c->nth == 0) {
    json_t *b = json_pack("{s:s, s:o, s:o, s:s}", "party", "technician", "from", iso(j, start),
                          "to", iso(j, start + HOUR), "reason", "前一单现场延误，已提前致电客户");
    rc = act(j, &j->d->technician, TICKET_DELAY, b, false, err);
  }
  if (rc == SH_OK && !late && c->nth == 1)
    rc = promise(j, 3, "确认备件库存后回电客户", err);
  return rc;
}

/* Dispatch, appointment and arrival about `at` (within [lo, hi]); a unit the caller could
 * not name is found on site. */
static enum sh_status go_on_site(struct job *j, int64_t at, int64_t lo, int64_t hi,
                                 struct sh_error *err) {
  j->arrival = field_time(j, at, lo, hi);
  enum sh_status rc = assign(j, err);
  if (rc == SH_OK)
    rc = appointment(j, j->arrival - 1800, err);
  if (rc == SH_OK)
    rc = arrive(j, j->arrival, err);
  if (rc == SH_OK && j->call->unit && !j->call->named)
    rc = act(j, &j->d->technician, TICKET_UNIT,
             json_pack("{s:I}", "equipment_id", (json_int_t)j->call->unit->id), true, err);
  return rc;
}

/* On site: the work recorded so far; one waits for a part past its deadlines. */
static enum sh_status work_on_site(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  bool late = c->ending == END_ON_SITE_LATE;
  int64_t age = j->d->now - c->at;
  int64_t in_time = between(&j->state, HOUR, age - HOUR < 20 * HOUR ? age - HOUR : 20 * HOUR);
  int64_t slow = between(&j->state, 6 * HOUR, 30 * HOUR);
  const char *diagnosis = cell(&j->d->faults, c->fault, 2);
  char waiting[600];
  snprintf(waiting, sizeof waiting, "%s，配件在途", diagnosis);
  enum sh_status rc = late ? go_on_site(j, c->at + slow, c->at + 1800, j->d->now, err)
                           : go_on_site(j, c->at + in_time, c->at + 1800, c->at + 23 * HOUR, err);
  if (rc == SH_OK)
    rc = record(j, late ? waiting : diagnosis, NULL, NULL, err);
  if (rc == SH_OK && !late)
    rc = fit_part(j, err);
  if (rc == SH_OK && late && c->nth == 0)
    rc = promise(j, 20, "配件到货后回复客户上门更换时间", err);
  return rc;
}

/* A spare unit of the same model keeps the system running (C2); the repaired unit comes
 * back later for some. */
static enum sh_status substitute(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t spare = between(&j->state, 100000, 999999), days = between(&j->state, 2, 4);
  char serial[32], diagnosis[600];
  snprintf(serial, sizeof serial, "BP%lld", (long long)spare);
  snprintf(diagnosis, sizeof diagnosis, "%s，需返厂维修", cell(&j->d->faults, c->fault, 2));
  int64_t lent = field_time(j, j->arrival + HOUR, j->arrival + 600, j->d->now);
  enum sh_status rc = record(j, diagnosis, "安装同型号备品，系统恢复运行", "备品运行正常", err);
  if (rc == SH_OK) {
    json_t *b = json_pack("{s:s, s:s, s:o, s:s}", "spare_serial", serial, "spare_model",
                          text_of(j, "model"), "lent_at", iso(j, lent), "note", "原设备返厂维修");
    rc = act(j, &j->d->technician, TICKET_LOAN, b, false, err);
  }
  json_t *loans = json_object_get(j->ticket, "loans");
  json_int_t loan = json_integer_value(json_object_get(json_array_get(loans, 0), "id"));
  int64_t back = office_time(j->d, lent + days * DAY, lent + DAY, j->d->now - HOUR);
  if (rc == SH_OK && c->nth < 2 && back < j->d->now - HOUR) {
    json_t *b = json_pack("{s:I, s:o}", "loan_id", loan, "returned_at", iso(j, back));
    rc = act(j, &j->d->technician, TICKET_LOAN_RETURN, b, false, err);
  }
  if (rc == SH_OK)
    rc = close_as(j, "substituted", err);
  if (rc == SH_OK && c->nth == 0)
    rc = receipt(j, err);
  return rc;
}

/* Cleared, and for most confirmed and closed with their outcome (C7). */
static enum sh_status work_done(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t age = j->d->now - c->at;
  int64_t in_time =
      between(&j->state, 2 * HOUR, age - 5 * HOUR < 20 * HOUR ? age - 5 * HOUR : 20 * HOUR);
  int64_t slow = between(&j->state, 25 * HOUR, 30 * HOUR);
  int64_t fixing = between(&j->state, 40 * 60, 4 * HOUR);
  bool late = c->ending == END_REPAIRED && c->nth % 5 == 4; /* arrived after 24 h */
  enum sh_status rc = late ? go_on_site(j, c->at + slow, c->at + DAY + 1800, j->d->now, err)
                           : go_on_site(j, c->at + in_time, c->at + 1800, c->at + 23 * HOUR, err);
  if (rc == SH_OK && c->ending == END_SUBSTITUTED)
    return substitute(j, err);
  const char *diagnosis = cell(&j->d->faults, c->fault, 2);
  const char *work = cell(&j->d->faults, c->fault, 3);
  if (c->ending == END_NO_FAULT) {
    diagnosis = "现场检查设备运行正常，系使用人员操作不当";
    work = "现场演示正确操作方法并培训值班人员";
  }
  if (rc == SH_OK)
    rc = record(j, diagnosis, work, "系统运行测试正常，客户确认", err);
  if (rc == SH_OK && c->ending != END_NO_FAULT)
    rc = fit_part(j, err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth == 0)
    rc = promise(j, 4, "回复客户维修费用明细", err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth == 0)
    rc = act(j, &j->d->agent, TICKET_PROMISE_KEPT, json_pack("{s:i}", "seq", 1), false, err);
  if (rc == SH_OK)
    rc = clear(j, field_time(j, j->arrival + fixing, j->arrival + 1200, j->d->now), err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth % 2 == 0)
    rc = receipt(j, err);
  if (rc == SH_OK && c->ending != END_CLEARED)
    rc = close_as(j, c->ending == END_NO_FAULT ? "no_fault" : "repaired", err);
  return rc;
}

static void count_ticket(struct demo *d, const json_t *t) {
  const char *status = json_string_value(json_object_get(t, "status"));
  struct demo_service_result *o = d->out;
  static const char *const names[] = {"new",     "assigned", "on_site",
                                      "cleared", "closed",   "cancelled"};
  size_t *counters[] = {&o->tickets_new,     &o->tickets_assigned, &o->tickets_on_site,
                        &o->tickets_cleared, &o->tickets_closed,   &o->tickets_cancelled};
  for (size_t i = 0; status && i < 6; i++)
    if (strcmp(status, names[i]) == 0)
      (*counters[i])++;
  o->tickets++;
  if (!status || strcmp(status, "closed") == 0 || strcmp(status, "cancelled") == 0)
    return;
  const json_t *deadlines = json_object_get(t, "deadlines"), *dl;
  size_t i;
  bool breached = false;
  json_array_foreach(deadlines, i, dl) {
    const char *state = json_string_value(json_object_get(dl, "state"));
    breached = breached || (state && strcmp(state, "breached") == 0);
  }
  o->tickets_breached += breached;
}

static enum sh_status work_ticket(struct demo *d, const struct call *c, struct sh_error *err) {
  struct job j = {.d = d, .call = c, .state = c->seed};
  enum sh_status rc = register_call(&j, err);
  if (rc == SH_OK) {
    switch (c->ending) {
    case END_NEW:
    case END_NEW_LATE:
      rc = work_new(&j, err);
      break;
    case END_ASSIGNED:
    case END_ASSIGNED_LATE:
      rc = work_assigned(&j, err);
      break;
    case END_ON_SITE:
    case END_ON_SITE_LATE:
      rc = work_on_site(&j, err);
      break;
    case END_CANCELLED:
      rc = act(&j, &d->agent, TICKET_CANCEL,
               json_pack("{s:s}", "reason", "客户来电告知故障已自行排除，撤销报修"), true, err);
      break;
    default:
      rc = work_done(&j, err);
      break;
    }
  }
  if (rc == SH_OK)
    count_ticket(d, j.ticket);
  json_decref(j.ticket);
  return rc;
}

static enum sh_status tickets(struct demo *d, uint64_t *state, struct sh_error *err) {
  struct call *calls = NULL;
  size_t n = 0;
  enum sh_status rc = plan_calls(d, state, &calls, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    rc = work_ticket(d, &calls[i], err);
  free(calls);
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
  const enum role roles[] = {ROLE_ADMIN, ROLE_AGENT, ROLE_DISPATCHER, ROLE_TECHNICIAN,
                             ROLE_PROJECT_MANAGER};
  struct actor *actors[] = {&d.admin, &d.agent, &d.dispatcher, &d.technician, &d.project_manager};
  for (size_t i = 0; rc == SH_OK && i < 5; i++)
    rc = staff_actor(app, result, roles[i], actors[i], err);
  if (rc == SH_OK)
    rc = load_clients(&d, err);
  if (rc == SH_OK && d.nclients == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "demo_without_customers", NULL, NULL);
  if (rc == SH_OK)
    rc = installed_base(&d, state, err);
  if (rc == SH_OK)
    rc = tickets(&d, state, err);
  for (size_t i = 0; i < 5; i++)
    table_free(lists[i].table);
  clients_free(&d);
  free(d.units);
  return rc;
}
