/* roles.c — role names and the role × action matrix (SPEC L).
 *
 * Our reading of who does what, from the rulebook's job duties: the customer archive is kept
 * by the after-sales desk ("客户资料要求按地区详细登记", work plan 2 §五.1) and by those who
 * run the field work (dispatcher, engineering and project managers) and the department's
 * management; deleting a customer is a manager's or administrator's act; QC, warehouse and
 * finance read customers for their own work (quality feedback, shipping addresses, bills).
 * Technicians read customers to phone ahead and find the site (SPEC C3). The administrator
 * may change and delete customers (correcting an archive is part of keeping it). Dealers
 * read only the customers linked to their dealership and customers only their own record —
 * those limits are applied in the queries; the change history, which names staff and their
 * addresses, is for staff only. Audit and users are the administrator's;
 * settings are read by management and by the engineering manager, who plans the return
 * visits by them (SPEC D1), and changed by the administrator. */
#include "roles.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    "agent",           "dispatcher", "technician", "engineering_manager",
    "project_manager", "qc",         "warehouse",  "finance",
    "department_head", "vice_gm",    "gm",         "dealer",
    "customer",        "admin",
};

static const char *const role_labels[ROLE_COUNT] = {
    "客服专员", "调度员",   "巡回服务人员", "工程部经理", "项目经理", "品质检验", "仓库物流",
    "财务",     "部门经理", "副总经理",     "总经理",     "经销商",   "客户",     "系统管理员",
};

static const char *const action_names[ACTION_COUNT] = {
    "customer:read",    "customer:write",
    "customer:delete",  "customer:history",
    "dealer:read",      "dealer:write",
    "dealer:record",    "supplier:read",
    "supplier:write",   "supplier:audit",
    "project:read",     "project:write",
    "equipment:write",  "card:issue",
    "import",           "audit:read",
    "setting:read",     "setting:write",
    "user:read",        "user:write",
    "reference:read",   "self",
    "ticket:read",      "ticket:create",
    "ticket:write",     "ticket:dispatch",
    "ticket:field",     "ticket:close",
    "calendar:write",   "visit:read",
    "visit:plan",       "visit:write",
    "phrase:write",     "survey:write",
    "complaint:read",   "complaint:write",
    "complaint:assign", "complaint:answer",
    "kpi:read",         "staff:read",
};

#define R(role) (1u << (role))
#define STAFF                                                                                      \
  (R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_TECHNICIAN) | R(ROLE_ENGINEERING_MANAGER) |         \
   R(ROLE_PROJECT_MANAGER) | R(ROLE_QC) | R(ROLE_WAREHOUSE) | R(ROLE_FINANCE) |                    \
   R(ROLE_DEPARTMENT_HEAD) | R(ROLE_VICE_GM) | R(ROLE_GM) | R(ROLE_ADMIN))
#define MANAGERS (R(ROLE_DEPARTMENT_HEAD) | R(ROLE_VICE_GM) | R(ROLE_GM) | R(ROLE_ADMIN))
#define EVERYONE (STAFF | R(ROLE_DEALER) | R(ROLE_CUSTOMER))

/* IMP: SPEC L — the role × action matrix. */
static const unsigned matrix[ACTION_COUNT] = {
    [ACTION_CUSTOMER_READ] = EVERYONE,
    [ACTION_CUSTOMER_WRITE] = R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_ENGINEERING_MANAGER) |
                              R(ROLE_PROJECT_MANAGER) | MANAGERS,
    [ACTION_CUSTOMER_DELETE] = MANAGERS,
    /* Staff only: the rows name staff and their addresses (the audit trail is internal). */
    [ACTION_CUSTOMER_HISTORY] = STAFF,
    /* Dealers: staff read them, a dealer's user its own; the department's management
     * keeps the contracts; technicians assess and train the dealers of their area and the
     * managers supervise them (work plan 2 §六.1, §六.3). */
    [ACTION_DEALER_READ] = STAFF | R(ROLE_DEALER),
    [ACTION_DEALER_WRITE] = MANAGERS | R(ROLE_ENGINEERING_MANAGER),
    [ACTION_DEALER_RECORD] =
        MANAGERS | R(ROLE_ENGINEERING_MANAGER) | R(ROLE_PROJECT_MANAGER) | R(ROLE_TECHNICIAN),
    /* Suppliers: the warehouse keeps their data exact (work plan 2 §五.1), QC audits the
     * outsourced ones (work plan 1 §三.1). */
    [ACTION_SUPPLIER_READ] = STAFF,
    [ACTION_SUPPLIER_WRITE] = MANAGERS | R(ROLE_WAREHOUSE) | R(ROLE_QC),
    [ACTION_SUPPLIER_AUDIT] = MANAGERS | R(ROLE_QC),
    /* The installed base: read by whoever reads the customer (dealers and customers their
     * own, in the queries); kept by the engineering side and the desk that registers it. */
    [ACTION_PROJECT_READ] = EVERYONE,
    [ACTION_PROJECT_WRITE] = MANAGERS | R(ROLE_ENGINEERING_MANAGER) | R(ROLE_PROJECT_MANAGER) |
                             R(ROLE_AGENT) | R(ROLE_DISPATCHER),
    [ACTION_EQUIPMENT_WRITE] = MANAGERS | R(ROLE_ENGINEERING_MANAGER) | R(ROLE_PROJECT_MANAGER) |
                               R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_TECHNICIAN),
    /* The warranty card goes out from the after-sales department (SPEC B4). */
    [ACTION_CARD_ISSUE] = MANAGERS | R(ROLE_ENGINEERING_MANAGER) | R(ROLE_AGENT),
    [ACTION_IMPORT] = MANAGERS | R(ROLE_ENGINEERING_MANAGER),
    [ACTION_AUDIT_READ] = R(ROLE_ADMIN),
    [ACTION_SETTING_READ] = MANAGERS | R(ROLE_ENGINEERING_MANAGER),
    [ACTION_SETTING_WRITE] = R(ROLE_ADMIN),
    [ACTION_USER_READ] = R(ROLE_ADMIN),
    [ACTION_USER_WRITE] = R(ROLE_ADMIN),
    [ACTION_REFERENCE_READ] = EVERYONE,
    [ACTION_SELF] = EVERYONE,
    /* Tickets (SPEC C1-C7). Staff read them (QC for quality feedback, finance for bills,
     * the warehouse for parts) within their regions; a technician sees the tickets assigned
     * to them, a dealer those of its customers, a customer its own (in the queries). Faults
     * are registered by the desk, by dispatch and management, and through the dealer and
     * the customer portal (SPEC C1 channels). The desk follows the case to the end
     * (首问负责: hand-over, promised replies, receipts); the dispatcher and the engineering
     * manager assign (work plan 3 §三); the field work is the technician's, and dispatch may
     * record it for them from a phone call; closing confirms the outcome: the desk that
     * owns the case, dispatch, the engineering manager, management — and the technician,
     * who completes the job on site with the customer's signature. */
    [ACTION_TICKET_READ] = EVERYONE,
    [ACTION_TICKET_CREATE] = R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_ENGINEERING_MANAGER) |
                             R(ROLE_DEALER) | R(ROLE_CUSTOMER) | MANAGERS,
    [ACTION_TICKET_WRITE] =
        R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_TICKET_DISPATCH] = R(ROLE_DISPATCHER) | R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_TICKET_FIELD] =
        R(ROLE_TECHNICIAN) | R(ROLE_DISPATCHER) | R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_TICKET_CLOSE] = R(ROLE_AGENT) | R(ROLE_DISPATCHER) | R(ROLE_TECHNICIAN) |
                            R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_CALENDAR_WRITE] = R(ROLE_ADMIN),
    /* Return visits (SPEC D1-D4). Staff read them within their regions. The engineering
     * manager plans the dates (由工程部经理统一安排, 确定回访日期) and names the project
     * manager who leads; the department's management may too. The visit itself is the
     * desk's (phone), the project manager's and the technicians' (on site). The desk's
     * quick phrases are kept by management; survey campaigns are management's. Dealers and
     * customers see none of it (internal follow-up). */
    [ACTION_VISIT_READ] = STAFF,
    [ACTION_VISIT_PLAN] = R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_VISIT_WRITE] = R(ROLE_AGENT) | R(ROLE_PROJECT_MANAGER) | R(ROLE_TECHNICIAN) |
                           R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_PHRASE_WRITE] = MANAGERS,
    [ACTION_SURVEY_WRITE] = MANAGERS,
    /* Complaints (SPEC E1-E3; work plan 2 §七, §十.2). Any staff member who takes one
     * registers it and adds its documents (reading them: staff in their regions). The desk
     * (客服部) runs the procedure — written notices to the departments, the callback, the
     * archive — and so may the engineering manager and management; the category tree is
     * configuration (setting:write). A department's answer is given by the person the notice names
     * (checked in the domain) or management. */
    [ACTION_COMPLAINT_READ] = STAFF,
    [ACTION_COMPLAINT_WRITE] = STAFF,
    [ACTION_COMPLAINT_ASSIGN] = R(ROLE_AGENT) | R(ROLE_ENGINEERING_MANAGER) | MANAGERS,
    [ACTION_COMPLAINT_ANSWER] = STAFF,
    /* The KPIs of D5 are read by the desk, the engineering side, QC and management. */
    /* Pickers name a colleague (hand a ticket over, the visit's leader, the person a complaint
     * notice goes to): every member of staff sees colleagues' names; dealers and customers
     * do not see the company's staff list. */
    [ACTION_STAFF_READ] = STAFF,
    [ACTION_KPI_READ] = R(ROLE_AGENT) | R(ROLE_ENGINEERING_MANAGER) | R(ROLE_PROJECT_MANAGER) |
                        R(ROLE_QC) | MANAGERS,
};

bool role_parse(const char *name, enum role *out) {
  for (int i = 0; name && i < ROLE_COUNT; i++)
    if (strcmp(name, role_names[i]) == 0) {
      *out = (enum role)i;
      return true;
    }
  return false;
}

const char *role_name(enum role role) {
  return (unsigned)role < ROLE_COUNT ? role_names[role] : "?";
}

const char *role_label_zh(enum role role) {
  return (unsigned)role < ROLE_COUNT ? role_labels[role] : "?";
}

bool action_parse(const char *name, enum action *out) {
  for (int i = 0; name && i < ACTION_COUNT; i++)
    if (strcmp(name, action_names[i]) == 0) {
      *out = (enum action)i;
      return true;
    }
  return false;
}

const char *action_name(enum action action) {
  return (unsigned)action < ACTION_COUNT ? action_names[action] : "?";
}

bool permission_allows(enum role role, enum action action) {
  if ((unsigned)role >= ROLE_COUNT || (unsigned)action >= ACTION_COUNT)
    return false;
  return (matrix[action] & R(role)) != 0;
}
