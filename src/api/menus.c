/* menus.c — GET /api/v1/auth/menus: the web UI's menu tree and routes for the caller (UI.md 2;
 * contract /tmp/lead6/menus.md kept in docs/openapi.yaml). The UI registers exactly the routes
 * answered here after login, so a page the role may not use is never reachable in the browser;
 * the server still checks every API call (rules/roles.c is the only place that says who may do
 * what — this table only names the action each page needs).
 *
 * The table is data (STYLE.md 4): one row per route in the order the menu shows them. A row
 * with a group belongs to the group's submenu; rows of a group are contiguous. Hidden rows
 * (detail pages, the profile) are routes only, never menu items. A group appears only when at
 * least one of its visible rows is permitted. Titles are i18n keys "menu.<name>" (groups
 * "menu.group_<name>"); "forbidden" lists the paths of the pages the caller may not open. */
#include <stdio.h>

#include "../base/jsonx.h"
#include "handlers.h"
#include "list.h"

struct menu_group {
  const char *name, *icon;
};

enum { G_NONE, G_SERVICE, G_VISITS, G_COMPLAINTS, G_ARCHIVE, G_SYSTEM, G_COUNT };

static const struct menu_group groups[G_COUNT] = {
    [G_NONE] = {NULL, NULL},
    [G_SERVICE] = {"service", "Tools"},
    [G_VISITS] = {"visits", "PhoneFilled"},
    [G_COMPLAINTS] = {"complaints", "ChatLineSquare"},
    [G_ARCHIVE] = {"archive", "Files"},
    [G_SYSTEM] = {"system", "Setting"},
};

struct menu_row {
  int group;
  const char *name, *path, *component, *icon;
  enum action action;
  bool hidden;
};

/* The icons of the items are @element-plus/icons-vue names; hidden rows have none (they are
 * never drawn in the menu). */
static const struct menu_row rows[] = {
    {G_NONE, "home", "/index", "home/index", "HomeFilled", ACTION_SELF, false},
    {G_NONE, "dashboard", "/dashboard", "dashboard/index", "DataAnalysis", ACTION_KPI_READ, false},
    {G_SERVICE, "ticket_intake", "/tickets/new", "tickets/intake", "Phone", ACTION_TICKET_CREATE,
     false},
    {G_SERVICE, "tickets", "/tickets", "tickets/index", "Tickets", ACTION_TICKET_READ, false},
    {G_SERVICE, "dispatch", "/dispatch", "dispatch/index", "Guide", ACTION_TICKET_DISPATCH, false},
    {G_SERVICE, "my_tickets", "/my/tickets", "tickets/mine", "Calendar", ACTION_TICKET_FIELD,
     false},
    {G_SERVICE, "ticket_detail", "/tickets/:id", "tickets/detail", NULL, ACTION_TICKET_READ, true},
    {G_VISITS, "visit_calls", "/visits/calls", "visits/calls", "PhoneFilled", ACTION_VISIT_WRITE,
     false},
    {G_VISITS, "visits", "/visits", "visits/index", "List", ACTION_VISIT_READ, false},
    {G_VISITS, "visit_detail", "/visits/:id", "visits/detail", NULL, ACTION_VISIT_READ, true},
    {G_VISITS, "surveys", "/surveys", "surveys/index", "Document", ACTION_VISIT_READ, false},
    {G_VISITS, "survey_detail", "/surveys/:id", "surveys/detail", NULL, ACTION_VISIT_READ, true},
    {G_VISITS, "quick_phrases", "/quick-phrases", "visits/phrases", "ChatDotRound",
     ACTION_VISIT_READ, false},
    {G_VISITS, "kpi_visits", "/kpi/visits", "kpi/visits", "TrendCharts", ACTION_KPI_READ, false},
    {G_COMPLAINTS, "complaints", "/complaints", "complaints/index", "ChatLineSquare",
     ACTION_COMPLAINT_READ, false},
    {G_COMPLAINTS, "complaint_detail", "/complaints/:id", "complaints/detail", NULL,
     ACTION_COMPLAINT_READ, true},
    {G_COMPLAINTS, "complaint_categories", "/complaint-categories", "complaints/categories",
     "Collection", ACTION_SETTING_WRITE, false},
    {G_ARCHIVE, "customers", "/customers", "customers/index", "User", ACTION_CUSTOMER_READ, false},
    {G_ARCHIVE, "customer_detail", "/customers/:id", "customers/detail", NULL, ACTION_CUSTOMER_READ,
     true},
    {G_ARCHIVE, "dealers", "/dealers", "dealers/index", "Shop", ACTION_DEALER_READ, false},
    {G_ARCHIVE, "dealer_detail", "/dealers/:id", "dealers/detail", NULL, ACTION_DEALER_READ, true},
    {G_ARCHIVE, "suppliers", "/suppliers", "suppliers/index", "Van", ACTION_SUPPLIER_READ, false},
    {G_ARCHIVE, "supplier_detail", "/suppliers/:id", "suppliers/detail", NULL, ACTION_SUPPLIER_READ,
     true},
    {G_ARCHIVE, "projects", "/projects", "projects/index", "OfficeBuilding", ACTION_PROJECT_READ,
     false},
    {G_ARCHIVE, "project_detail", "/projects/:id", "projects/detail", NULL, ACTION_PROJECT_READ,
     true},
    {G_ARCHIVE, "equipment", "/equipment", "equipment/index", "Cpu", ACTION_PROJECT_READ, false},
    {G_ARCHIVE, "equipment_detail", "/equipment/:id", "equipment/detail", NULL, ACTION_PROJECT_READ,
     true},
    {G_ARCHIVE, "warranty_cards", "/warranty-cards", "warranty/cards", "Postcard",
     ACTION_PROJECT_READ, false},
    {G_SYSTEM, "users", "/system/users", "system/users", "Avatar", ACTION_USER_READ, false},
    {G_SYSTEM, "settings", "/system/settings", "system/settings", "Setting", ACTION_SETTING_READ,
     false},
    {G_SYSTEM, "calendar", "/system/calendar", "system/calendar", "Calendar", ACTION_CALENDAR_WRITE,
     false},
    {G_SYSTEM, "imports", "/system/imports", "system/imports", "Upload", ACTION_IMPORT, false},
    {G_SYSTEM, "audit", "/system/audit", "system/audit", "Memo", ACTION_AUDIT_READ, false},
    {G_NONE, "notifications", "/notifications", "notifications/index", NULL, ACTION_SELF, true},
    {G_NONE, "profile", "/profile", "profile/index", NULL, ACTION_SELF, true},
};
#define NROWS (sizeof rows / sizeof *rows)

/* prefix "menu." for pages, "menu.group_" for groups: a group and a page may share a name
 * (visits, complaints) but not a title. */
static void set_title(json_t *o, const char *prefix, const char *name) {
  char key[64];
  snprintf(key, sizeof key, "%s%s", prefix, name);
  jsonx_set_str(o, "title", key);
}

/* A menu item (not a route): name, title, icon, path. */
static json_t *menu_item(const struct menu_row *r) {
  json_t *o = json_object();
  jsonx_set_str(o, "name", r->name);
  set_title(o, "menu.", r->name);
  jsonx_set_str(o, "icon", r->icon);
  jsonx_set_str(o, "path", r->path);
  return o;
}

static json_t *route_of(const struct menu_row *r) {
  json_t *o = json_object();
  jsonx_set_str(o, "name", r->name);
  jsonx_set_str(o, "path", r->path);
  jsonx_set_str(o, "component", r->component);
  set_title(o, "menu.", r->name);
  jsonx_set_bool(o, "hidden", r->hidden);
  return o;
}

void api_auth_menus(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  json_t *menus = json_array(), *routes = json_array(), *forbidden = json_array();
  json_t *children = NULL; /* the submenu being filled, NULL outside a group */
  int open_group = G_NONE;
  for (size_t i = 0; i < NROWS; i++) {
    const struct menu_row *r = &rows[i];
    if (r->group != open_group) {
      /* a group ends: it goes in only if something in it is permitted */
      if (children && json_array_size(children) > 0) {
        json_t *g = json_object();
        jsonx_set_str(g, "name", groups[open_group].name);
        set_title(g, "menu.group_", groups[open_group].name);
        jsonx_set_str(g, "icon", groups[open_group].icon);
        json_object_set_new(g, "children", children);
        json_array_append_new(menus, g);
      } else
        json_decref(children);
      open_group = r->group;
      children = open_group == G_NONE ? NULL : json_array();
    }
    if (!permission_allows(req->actor.role, r->action)) {
      /* the UI shows 403 rather than 404 for these (UI.md 2); the page list is no secret,
       * every page's code is in the public bundle anyway */
      json_array_append_new(forbidden, json_string(r->path));
      continue;
    }
    json_array_append_new(routes, route_of(r));
    if (!r->hidden)
      json_array_append_new(children ? children : menus, menu_item(r));
  }
  /* the table ends with top-level rows, so no group is left open; keep it safe anyway */
  json_decref(children);
  json_t *body = json_object();
  jsonx_set_str(body, "home", "/index");
  json_object_set_new(body, "menus", menus);
  json_object_set_new(body, "routes", routes);
  json_object_set_new(body, "forbidden", forbidden);
  api_reply(resp, 200, body);
}
