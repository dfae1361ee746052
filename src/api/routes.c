/* routes.c — the route table (STYLE.md 4): method, path pattern, handler, action. The
 * action is "public" or a row of the role × action matrix (rules/roles.c). A test holds this
 * table against docs/openapi.yaml and against the role matrix of the API suite
 * (`shouhou routes` prints it). */
#include "handlers.h"

const struct api_route api_routes[] = {
    {"GET", "/api/v1/health", api_health_get, "public"},
    {"GET", "/metrics", api_metrics_get, "public"},
    {"POST", "/api/v1/auth/login", api_auth_login, "public"},
    {"POST", "/api/v1/auth/logout", api_auth_logout, "self"},
    {"GET", "/api/v1/auth/me", api_auth_me, "self"},
    {"GET", "/api/v1/customers", api_customers_list, "customer:read"},
    {"POST", "/api/v1/customers", api_customers_create, "customer:write"},
    {"GET", "/api/v1/customers/{id}", api_customers_get, "customer:read"},
    {"PATCH", "/api/v1/customers/{id}", api_customers_update, "customer:write"},
    {"DELETE", "/api/v1/customers/{id}", api_customers_delete, "customer:delete"},
    {"GET", "/api/v1/customers/{id}/history", api_customers_history, "customer:history"},
    {"GET", "/api/v1/customers/export", api_customers_export, "customer:read"},
    {"POST", "/api/v1/imports/customers", api_imports_customers, "import", API_BODY_SPREADSHEET},
    {"GET", "/api/v1/regions", api_regions_list, "reference:read"},
    {"GET", "/api/v1/dictionaries", api_dictionaries_get, "reference:read"},
    {"GET", "/api/v1/users", api_users_list, "user:read"},
    {"POST", "/api/v1/users", api_users_create, "user:write"},
    {"GET", "/api/v1/users/{id}", api_users_get, "user:read"},
    {"PATCH", "/api/v1/users/{id}", api_users_update, "user:write"},
    {"GET", "/api/v1/settings", api_settings_list, "setting:read"},
    {"PUT", "/api/v1/settings/{key}", api_settings_update, "setting:write"},
    {"GET", "/api/v1/audit", api_audit_list, "audit:read"},
    /* dealers and suppliers (issue 3) */
    {"GET", "/api/v1/dealers", api_dealers_list, "dealer:read"},
    {"POST", "/api/v1/dealers", api_dealers_create, "dealer:write"},
    {"GET", "/api/v1/dealers/{id}", api_dealers_get, "dealer:read"},
    {"PATCH", "/api/v1/dealers/{id}", api_dealers_update, "dealer:write"},
    {"DELETE", "/api/v1/dealers/{id}", api_dealers_delete, "dealer:write"},
    {"GET", "/api/v1/dealers/{id}/records", api_dealer_records_list, "dealer:read"},
    {"POST", "/api/v1/dealers/{id}/records", api_dealer_records_create, "dealer:record"},
    {"GET", "/api/v1/suppliers", api_suppliers_list, "supplier:read"},
    {"POST", "/api/v1/suppliers", api_suppliers_create, "supplier:write"},
    {"GET", "/api/v1/suppliers/{id}", api_suppliers_get, "supplier:read"},
    {"PATCH", "/api/v1/suppliers/{id}", api_suppliers_update, "supplier:write"},
    {"DELETE", "/api/v1/suppliers/{id}", api_suppliers_delete, "supplier:write"},
    {"GET", "/api/v1/suppliers/{id}/audits", api_supplier_audits_list, "supplier:read"},
    {"POST", "/api/v1/suppliers/{id}/audits", api_supplier_audits_create, "supplier:audit"},
    /* projects, equipment and warranty cards (issue 3) */
    {"GET", "/api/v1/projects", api_projects_list, "project:read"},
    {"POST", "/api/v1/projects", api_projects_create, "project:write"},
    {"GET", "/api/v1/projects/{id}", api_projects_get, "project:read"},
    {"PATCH", "/api/v1/projects/{id}", api_projects_update, "project:write"},
    {"DELETE", "/api/v1/projects/{id}", api_projects_delete, "project:write"},
    {"POST", "/api/v1/projects/{id}/warranty-card", api_projects_issue_card, "card:issue"},
    {"GET", "/api/v1/projects/{id}/warranty-card", api_projects_card_pdf, "project:read"},
    {"GET", "/api/v1/warranty-cards", api_warranty_cards_list, "project:read"},
    {"GET", "/api/v1/equipment", api_equipment_list, "project:read"},
    {"POST", "/api/v1/equipment", api_equipment_create, "equipment:write"},
    {"GET", "/api/v1/equipment/{id}", api_equipment_get, "project:read"},
    {"PATCH", "/api/v1/equipment/{id}", api_equipment_update, "equipment:write"},
    {"DELETE", "/api/v1/equipment/{id}", api_equipment_delete, "equipment:write"},
    {"GET", "/api/v1/equipment/{id}/warranty", api_equipment_warranty, "project:read"},
};

const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];
