/* demo.c — the demo company (see demo.h). Deterministic: a splitmix64 stream from the seed
 * picks every name, region and flag, so one seed always gives the same archive. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "../base/secret.h"
#include "../rules/region.h"
#include "../store/customers.h"
#include "../store/users.h"
#include "customer.h"
#include "reference.h"
#include "session.h"
#include "settings.h"
#include "user.h"

struct list {
  char **items;
  size_t count;
};

static void list_free(struct list *l) {
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}

static enum sh_status list_load(const char *dir, const char *name, struct list *out,
                                struct sh_error *err) {
  char path[1024], line[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f)
    return sh_fail(err, SH_ERR_INVALID, "demo_list_missing", "data_dir", path);
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0])
      continue;
    char **items = sh_reallocarray(out->items, out->count + 1, sizeof *items);
    if (!items)
      break;
    out->items = items;
    out->items[out->count] = sh_strdup(line);
    if (out->items[out->count])
      out->count++;
  }
  fclose(f);
  if (out->count == 0)
    return sh_fail(err, SH_ERR_INVALID, "demo_list_empty", "data_dir", path);
  return SH_OK;
}

static uint64_t next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static const char *pick(const struct list *l, uint64_t *state) {
  return l->items[next(state) % l->count];
}

struct counts {
  int64_t users, customers, regions;
};

static enum sh_status count_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct counts *c = arg;
  enum sh_status rc = store_user_count(tx, &c->users, err);
  if (rc == SH_OK)
    rc = store_customer_count(tx, &c->customers, err);
  if (rc == SH_OK)
    rc = store_region_count(tx, &c->regions, err);
  return rc;
}

/* Every district (level 3, administrative) under the listed provinces. */
static enum sh_status collect_districts(struct app *app, const struct list *provinces,
                                        struct list *out, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  for (size_t p = 0; rc == SH_OK && p < provinces->count; p++) {
    struct region_row *cities = NULL;
    size_t ncities = 0;
    rc = reference_region_children(app, provinces->items[p], &cities, &ncities, err);
    for (size_t c = 0; rc == SH_OK && c < ncities; c++) {
      struct region_row *districts = NULL;
      size_t nd = 0;
      rc = reference_region_children(app, cities[c].code, &districts, &nd, err);
      for (size_t d = 0; rc == SH_OK && d < nd; d++) {
        if (!districts[d].administrative)
          continue;
        char **items = sh_reallocarray(out->items, out->count + 1, sizeof *items);
        if (!items) {
          rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
          break;
        }
        out->items = items;
        out->items[out->count++] = sh_strdup(districts[d].code);
      }
      region_rows_free(districts, nd);
    }
    region_rows_free(cities, ncities);
  }
  if (rc == SH_OK && out->count == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "regions_not_loaded", NULL, NULL);
  return rc;
}

static void person_name(char *out, size_t n, const struct list *surnames, const struct list *given,
                        uint64_t *state) {
  snprintf(out, n, "%s%s", pick(surnames, state), pick(given, state));
}

static void phone_number(char *out, size_t n, uint64_t *state) {
  static const char *const prefixes[] = {"138", "139", "135", "150", "186", "177", "189"};
  snprintf(out, n, "%s%08llu", prefixes[next(state) % 7],
           (unsigned long long)(next(state) % 100000000ull));
}

enum sh_status demo_generate(struct app *app, uint64_t seed, const char *dir, size_t ncustomers,
                             struct demo_result *out, struct sh_error *err) {
  struct list surnames = {0}, given = {0}, cores = {0}, suffixes = {0}, streets = {0}, titles = {0},
              provinces = {0}, districts = {0};
  struct counts counts = {0};
  struct user_record *admin_record = NULL;
  uint64_t state = seed;
  int64_t admin_id = 0;
  memset(out, 0, sizeof *out);
  enum sh_status rc = store_read(app->store, count_unit, &counts, err);
  if (rc != SH_OK)
    return rc;
  if (counts.users > 0 || counts.customers > 0)
    return sh_fail(err, SH_ERR_CONFLICT, "database_not_empty", NULL, NULL);
  if (counts.regions == 0)
    return sh_fail(err, SH_ERR_INVALID, "regions_not_loaded", NULL, NULL);
  const char *names[] = {"surnames.txt",         "given_names.txt", "company_cores.txt",
                         "company_suffixes.txt", "streets.txt",     "titles.txt",
                         "provinces.txt"};
  struct list *lists[] = {&surnames, &given, &cores, &suffixes, &streets, &titles, &provinces};
  for (size_t i = 0; rc == SH_OK && i < 7; i++)
    rc = list_load(dir, names[i], lists[i], err);
  if (rc == SH_OK)
    rc = collect_districts(app, &provinces, &districts, err);
  /* Users: one of every role but the customer (made below, linked to a customer). */
  char *all_country[] = {"000000"};
  for (int r = 0; rc == SH_OK && r < ROLE_COUNT; r++) {
    if (r == ROLE_CUSTOMER)
      continue;
    struct demo_account *acc = &out->accounts[out->naccounts];
    char display[64], token[SECRET_TOKEN_LEN + 1];
    snprintf(acc->username, sizeof acc->username, "%s", role_name((enum role)r));
    secret_token(token);
    snprintf(acc->password, sizeof acc->password, "%.16s", token);
    acc->role = (enum role)r;
    person_name(display, sizeof display, &surnames, &given, &state);
    bool everywhere =
        r == ROLE_ADMIN || r == ROLE_GM || r == ROLE_VICE_GM || r == ROLE_DEPARTMENT_HEAD;
    struct user_input in = {.username = acc->username,
                            .display_name = display,
                            .role = (char *)role_name((enum role)r),
                            .password = acc->password,
                            .regions = everywhere ? all_country : provinces.items,
                            .nregions = everywhere ? 1 : provinces.count,
                            .active = true};
    int64_t id;
    rc = user_add(app, NULL, &in, &id, err);
    if (rc == SH_OK && r == ROLE_ADMIN)
      admin_id = id;
    if (rc == SH_OK)
      out->naccounts++;
  }
  /* The demo is entered by its administrator, so the audit trail names a real user. */
  struct actor admin;
  if (rc == SH_OK)
    rc = user_get(app, admin_id, &admin_record, err);
  if (rc == SH_OK) {
    actor_from_user(admin_record, &admin);
    snprintf(admin.address, sizeof admin.address, "demo");
  }
  if (rc == SH_OK) {
    json_t *name = json_string("演示安防工程有限公司");
    json_t *stored = NULL;
    rc = settings_set(app, &admin, "company.name", name, 0, &stored, err);
    json_decref(name);
    json_decref(stored);
  }
  int64_t first_customer = 0;
  for (size_t i = 0; rc == SH_OK && i < ncustomers; i++) {
    char name[160], responsible[64], phone[24], address[200], contact[64], contact_phone[24];
    const char *district = pick(&districts, &state);
    bool person = next(&state) % 5 == 0;
    person_name(responsible, sizeof responsible, &surnames, &given, &state);
    if (person)
      snprintf(name, sizeof name, "%s", responsible);
    else
      snprintf(name, sizeof name, "%s%s%s", pick(&cores, &state), pick(&cores, &state),
               pick(&suffixes, &state));
    phone_number(phone, sizeof phone, &state);
    snprintf(address, sizeof address, "%s%llu号", pick(&streets, &state),
             (unsigned long long)(next(&state) % 999 + 1));
    person_name(contact, sizeof contact, &surnames, &given, &state);
    phone_number(contact_phone, sizeof contact_phone, &state);
    static const char *const groups[] = {"government", "enterprise",  "school",
                                         "hospital",   "residential", "commercial"};
    static const char *const products[] = {
        "[\"surveillance\"]", "[\"perimeter_alarm\",\"surveillance\"]", "[\"video_intercom\"]",
        "[\"parking\",\"access_control\"]", "[\"vehicle\"]"};
    struct customer_contact k = {.name = contact,
                                 .phone = contact_phone,
                                 .title = (char *)pick(&titles, &state),
                                 .email = "",
                                 .is_primary = true};
    struct customer c = {
        .name = name,
        .kind = person ? "person" : "company",
        .region_code = (char *)district,
        .address = address,
        .phone = phone,
        .responsible_person = responsible,
        .customer_group = (char *)(person ? "individual" : groups[next(&state) % 6]),
        .product_types = (char *)products[next(&state) % 5],
        .key_customer = next(&state) % 10 == 0,
        .note = "",
        .contacts = &k,
        .ncontacts = 1,
    };
    struct customer *stored = NULL;
    rc = customer_create(app, &admin, &c, NULL, &stored, NULL, err);
    if (rc == SH_OK && !first_customer)
      first_customer = stored->id;
    customer_free(stored);
    if (rc == SH_OK)
      out->customers++;
  }
  if (rc == SH_OK) {
    struct demo_account *acc = &out->accounts[out->naccounts];
    char token[SECRET_TOKEN_LEN + 1];
    snprintf(acc->username, sizeof acc->username, "customer");
    secret_token(token);
    snprintf(acc->password, sizeof acc->password, "%.16s", token);
    acc->role = ROLE_CUSTOMER;
    struct user_input in = {.username = acc->username,
                            .display_name = "客户门户演示",
                            .role = "customer",
                            .password = acc->password,
                            .regions = all_country,
                            .nregions = 1,
                            .customer_id = first_customer,
                            .active = true};
    int64_t id;
    rc = user_add(app, NULL, &in, &id, err);
    if (rc == SH_OK)
      out->naccounts++;
  }
  /* The installed base and the tickets, from the same stream (demo_service.h). */
  if (rc == SH_OK)
    rc = demo_service_generate(app, &state, dir, out, err);
  user_record_free(admin_record);
  for (size_t i = 0; i < 7; i++)
    list_free(lists[i]);
  list_free(&districts);
  return rc;
}
