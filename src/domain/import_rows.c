/* import_rows.c — the kinds of import: the headings each understands, and how a row of
 * customers, projects or equipment units is checked and inserted (see import.c for the
 * engine that runs them in one unit). */
#include "import.h"
#include "import_internal.h"

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

/* ---- customers ---- */

static void customer_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_NAME] < 0)
    import_add_error(s->report, row, "客户名称", "missing_column", "客户名称");
  if (s->column_of[COL_REGION_CODE] < 0 && s->column_of[COL_REGION_NAME] < 0 &&
      s->column_of[COL_PROVINCE] < 0)
    import_add_error(s->report, row, "地区编码", "missing_column", "地区编码 / 所在地区 / 省");
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
    const char *v = import_dict_value(s, "product_type", t);
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
  import_cell_of(s, row, COL_NAME, name, sizeof name);
  import_cell_of(s, row, COL_KIND, kind, sizeof kind);
  import_cell_of(s, row, COL_ADDRESS, address, sizeof address);
  import_cell_of(s, row, COL_PHONE, phone, sizeof phone);
  import_cell_of(s, row, COL_RESPONSIBLE, responsible, sizeof responsible);
  import_cell_of(s, row, COL_GROUP, group, sizeof group);
  import_cell_of(s, row, COL_PRODUCTS, products_text, sizeof products_text);
  import_cell_of(s, row, COL_KEY, key, sizeof key);
  import_cell_of(s, row, COL_NOTE, note, sizeof note);
  import_cell_of(s, row, COL_CONTACT, contact, sizeof contact);
  import_cell_of(s, row, COL_CONTACT_PHONE, contact_phone, sizeof contact_phone);
  import_cell_of(s, row, COL_CONTACT_TITLE, contact_title, sizeof contact_title);
  if (!name[0])
    import_add_error(r, row->number, import_column_of_field(s, "name"), "field_required", "name");
  else if (import_too_long(name, 100))
    import_add_error(r, row->number, import_column_of_field(s, "name"), "field_length", "1-100");
  enum sh_status rc = import_row_region(tx, s, row, "地区编码", region, &region_column, fatal);
  if (rc != SH_OK)
    return rc;
  const char *kind_value = kind[0] ? import_dict_value(s, "customer_kind", kind) : "company";
  if (!*kind_value)
    import_add_error(r, row->number, import_column_of_field(s, "kind"), "invalid_choice", kind);
  const char *group_value = group[0] ? import_dict_value(s, "customer_group", group) : "";
  if (group[0] && !*group_value)
    import_add_error(r, row->number, import_column_of_field(s, "customer_group"), "invalid_choice",
                     group);
  char *products = row_products(s, products_text, bad, sizeof bad);
  if (!products)
    import_add_error(r, row->number, import_column_of_field(s, "product_types"), "invalid_choice",
                     bad);
  int key_customer = import_yes_no(key);
  if (key_customer < 0)
    import_add_error(r, row->number, import_heading_of(s, COL_KEY, "重点客户"), "invalid_choice",
                     key);
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
    if (import_too_long(lengths[i].text, lengths[i].max))
      import_add_error(r, row->number, import_column_of_field(s, lengths[i].field), "field_length",
                       lengths[i].field);
  if ((contact_phone[0] || contact_title[0]) && !contact[0])
    import_add_error(r, row->number, import_column_of_field(s, "contacts[0].name"),
                     "field_required", "contacts[0].name");
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
      rc = import_row_failed(s, row->number, rc, &err, region_column, fatal);
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
  struct customer_scope scope = import_scope_of(s->actor);
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
      import_trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      rc = import_map_add(&s->customers, name, list[i]->id, err);
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
  struct customer_scope scope = import_scope_of(s->actor);
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
      import_trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      snprintf(key, sizeof key, "%lld\x1f%s", (long long)list[i]->customer_id, name);
      rc = import_map_add(&s->projects, name, list[i]->id, err);
      if (rc == SH_OK)
        rc = import_map_add(&s->customer_projects, key, list[i]->id, err);
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
      import_trimmed(list[i]->name ? list[i]->name : "", name, sizeof name);
      rc = import_map_add(&s->suppliers, name, list[i]->id, err);
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
      rc = import_map_add(&s->users, u->username, u->id, err);
      if (rc == SH_OK && manager)
        rc = import_map_add(&s->managers, u->username, u->id, err);
      if (rc == SH_OK && manager && u->display_name && u->display_name[0])
        rc = import_map_add(&s->managers, u->display_name, u->id, err);
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
  int64_t id = import_map_get(map, key);
  if (id == AMBIGUOUS)
    import_add_error(s->report, row->number, column, "ambiguous_name", name);
  else if (id == 0)
    import_add_error(s->report, row->number, column, unknown_code, name);
  return id > 0 ? id : 0;
}

/* The customer a row names by 客户名称 (name non-empty); 0 after an error. */
static enum sh_status customer_by_name(struct store_tx *tx, struct import_state *s,
                                       const struct sheet_row *row, const char *name, int64_t *id,
                                       struct sh_error *err) {
  enum sh_status rc = s->customers_loaded ? SH_OK : load_customers(tx, s, err);
  if (rc == SH_OK)
    *id = resolve(s, row, &s->customers, name, name,
                  import_heading_of(s, COL_CUSTOMER_NAME, "客户名称"), "unknown_customer");
  return rc;
}

/* ---- projects ---- */

static void project_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_CUSTOMER_NAME] < 0 && s->column_of[COL_CUSTOMER_ID] < 0)
    import_add_error(s->report, row, "客户名称", "missing_column", "客户名称 / 客户编号");
  if (s->column_of[COL_PROJECT_NAME] < 0)
    import_add_error(s->report, row, "工程名称", "missing_column", "工程名称");
  if (s->column_of[COL_REGION_CODE] < 0 && s->column_of[COL_REGION_NAME] < 0 &&
      s->column_of[COL_PROVINCE] < 0)
    import_add_error(s->report, row, "工程地区编码", "missing_column",
                     "工程地区编码 / 工程所在地区 / 省");
}

/* The project's customer: by id (客户编号, which the create checks against the caller's
 * scope) or by name among the customers the caller sees. */
static enum sh_status project_customer(struct store_tx *tx, struct import_state *s,
                                       const struct sheet_row *row, int64_t *id,
                                       struct sh_error *err) {
  char text[512];
  *id = 0;
  if (*import_cell_of(s, row, COL_CUSTOMER_ID, text, sizeof text)) {
    if (!(*id = import_parse_id(text)))
      import_add_error(s->report, row->number, s->heading[COL_CUSTOMER_ID], "unknown_customer",
                       text);
    return SH_OK;
  }
  if (*import_cell_of(s, row, COL_CUSTOMER_NAME, text, sizeof text))
    return customer_by_name(tx, s, row, text, id, err);
  import_add_error(s->report, row->number, import_heading_of(s, COL_CUSTOMER_NAME, "客户名称"),
                   "field_required", "customer_id");
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
  if (!*import_cell_of(s, row, COL_MANAGER, text, sizeof text))
    return SH_OK;
  enum sh_status rc = s->users_loaded ? SH_OK : load_users(tx, s, err);
  if (rc != SH_OK)
    return rc;
  int64_t manager = import_map_get(&s->managers, text), user = import_map_get(&s->users, text);
  if (manager == AMBIGUOUS)
    import_add_error(s->report, row->number, s->heading[COL_MANAGER], "ambiguous_name", text);
  else if (manager > 0 || user > 0)
    *id = manager > 0 ? manager : user;
  else
    import_add_error(s->report, row->number, s->heading[COL_MANAGER], "invalid_project_manager",
                     text);
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
  import_cell_of(s, row, COL_PROJECT_NAME, name, sizeof name);
  import_cell_of(s, row, COL_SITE_ADDRESS, address, sizeof address);
  import_cell_of(s, row, COL_NOTE, note, sizeof note);
  const char *name_column = import_heading_of(s, COL_PROJECT_NAME, "工程名称");
  if (!name[0])
    import_add_error(r, row->number, name_column, "field_required", "name");
  else if (import_too_long(name, 100))
    import_add_error(r, row->number, name_column, "field_length", "1-100");
  rc = import_row_region(tx, s, row, "工程地区编码", region, &region_column, fatal);
  if (rc == SH_OK)
    rc = project_manager(tx, s, row, &p.project_manager_id, fatal);
  if (rc != SH_OK)
    return rc;
  p.site_region_code = region;
  import_row_date(s, row, COL_COMPLETION, "竣工日期", completion, &p.completion_date);
  import_row_date(s, row, COL_ACCEPTANCE, "验收日期", acceptance, &p.acceptance_date);
  if (import_too_long(address, 200))
    import_add_error(r, row->number, import_column_of_field(s, "site_address"), "field_length",
                     "0-200");
  if (import_too_long(note, 500))
    import_add_error(r, row->number, import_column_of_field(s, "note"), "field_length", "0-500");
  if (r->errors_total == before) {
    int64_t id = 0;
    bool insert = !s->dry_run && r->errors_total == 0;
    rc = project_create_in(tx, s->actor, &p, insert, now, &id, &err);
    if (rc == SH_OK && insert)
      r->created++;
    else if (rc != SH_OK)
      rc = import_row_failed(s, row->number, rc, &err, region_column, fatal);
  }
  if (rc == SH_OK && r->errors_total == before)
    r->valid++;
  return rc;
}

/* ---- equipment ---- */

static void equipment_required(struct import_state *s, size_t row) {
  if (s->column_of[COL_PROJECT_NAME] < 0 && s->column_of[COL_PROJECT_ID] < 0)
    import_add_error(s->report, row, "工程名称", "missing_column", "工程名称 / 工程编号");
  if (s->column_of[COL_SERIAL] < 0)
    import_add_error(s->report, row, "序列号", "missing_column", "序列号");
  if (s->column_of[COL_MODEL] < 0)
    import_add_error(s->report, row, "型号", "missing_column", "型号");
}

/* The unit's project: by id (工程编号, which the create checks against the caller's scope)
 * or by name among the projects the caller sees — of the customer 客户名称 names, if the
 * row names one. */
static enum sh_status unit_project(struct store_tx *tx, struct import_state *s,
                                   const struct sheet_row *row, int64_t *id, struct sh_error *err) {
  char name[512], customer[512], key[600];
  const char *column = import_heading_of(s, COL_PROJECT_NAME, "工程名称");
  *id = 0;
  if (*import_cell_of(s, row, COL_PROJECT_ID, name, sizeof name)) {
    if (!(*id = import_parse_id(name)))
      import_add_error(s->report, row->number, s->heading[COL_PROJECT_ID], "unknown_project", name);
    return SH_OK;
  }
  if (!*import_cell_of(s, row, COL_PROJECT_NAME, name, sizeof name)) {
    import_add_error(s->report, row->number, column, "field_required", "project_id");
    return SH_OK;
  }
  enum sh_status rc = s->projects_loaded ? SH_OK : load_projects(tx, s, err);
  if (rc != SH_OK || !*import_cell_of(s, row, COL_CUSTOMER_NAME, customer, sizeof customer)) {
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
  if (!*import_cell_of(s, row, COL_SUPPLIER, name, sizeof name))
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
    int64_t first = rc == SH_OK ? import_map_get(&s->serials, key.data) : 0;
    if (rc == SH_OK && first) {
      char detail[24];
      snprintf(detail, sizeof detail, "%lld", (long long)first);
      import_add_error(s->report, row->number, s->heading[COL_SERIAL], "duplicate_in_file", detail);
    } else if (rc == SH_OK) {
      rc = import_map_add(&s->serials, key.data, (int64_t)row->number, err);
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
  const char *p = import_cell_of(s, row, COL_MONTHS, text, sizeof text);
  if (!*p)
    return 0;
  if (!import_read_digits(&p, 4, &months) || (*p && strcmp(p, ".0") != 0) || months > 240) {
    import_add_error(s->report, row->number, s->heading[COL_MONTHS], "out_of_range", text);
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
  import_cell_of(s, row, COL_SERIAL, t->serial, sizeof t->serial);
  import_cell_of(s, row, COL_MODEL, t->model, sizeof t->model);
  import_cell_of(s, row, COL_UNIT_NAME, t->name, sizeof t->name);
  import_cell_of(s, row, COL_CATEGORY, t->category, sizeof t->category);
  import_cell_of(s, row, COL_BATCH, t->batch, sizeof t->batch);
  import_cell_of(s, row, COL_SOLD, t->sold, sizeof t->sold);
  import_cell_of(s, row, COL_INSTALL_SITE, t->site, sizeof t->site);
  import_cell_of(s, row, COL_NOTE, t->note, sizeof t->note);
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
      import_add_error(r, row->number, import_column_of_field(s, lengths[i].field),
                       "field_required", lengths[i].field);
    else if (import_too_long(lengths[i].text, lengths[i].max))
      import_add_error(r, row->number, import_column_of_field(s, lengths[i].field), "field_length",
                       range);
  }
  *category = t->category[0] ? import_dict_value(s, "equipment_category", t->category) : "other";
  if (!**category)
    import_add_error(r, row->number, s->heading[COL_CATEGORY], "invalid_choice", t->category);
  int sold = t->sold[0] ? import_yes_no(t->sold) : 1; /* the usual case, as on the API */
  if (sold < 0)
    import_add_error(r, row->number, s->heading[COL_SOLD], "invalid_choice", t->sold);
  e->sold_by_company = sold != 0;
  e->manufacturer_months = unit_months(s, row);
  import_row_date(s, row, COL_ACCEPTANCE, "验收日期", t->acceptance, &e->acceptance_date);
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
      rc = import_row_failed(s, row->number, rc, &err, NULL, fatal);
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

const struct kind import_customers_kind = {"customers",
                                           customer_headings,
                                           sizeof customer_headings / sizeof *customer_headings,
                                           customer_fields,
                                           sizeof customer_fields / sizeof *customer_fields,
                                           customer_required,
                                           customer_row};
const struct kind import_projects_kind = {"projects",
                                          project_headings,
                                          sizeof project_headings / sizeof *project_headings,
                                          project_fields,
                                          sizeof project_fields / sizeof *project_fields,
                                          project_required,
                                          project_row};
const struct kind import_equipment_kind = {"equipment",
                                           equipment_headings,
                                           sizeof equipment_headings / sizeof *equipment_headings,
                                           equipment_fields,
                                           sizeof equipment_fields / sizeof *equipment_fields,
                                           equipment_required,
                                           equipment_row};
