/* roles.h — the roles of SPEC L and who may do what (the role × action matrix).
 *
 * SPEC L: "Roles: hotline/return-visit agent, dispatcher, technician, engineering manager,
 * project manager, QC, warehouse/logistics, finance, department head, vice general manager,
 * general manager, dealer, customer (portal), administrator. Each sees and changes only what
 * its role and region allow." This file is the one place that says which role may take
 * which action; every route names its action and api/ asks permission_allows. Regions are
 * applied separately, in the queries (see region.h). Pure: no I/O. */
#ifndef SHOUHOU_ROLES_H
#define SHOUHOU_ROLES_H

#include <stdbool.h>

enum role {
  ROLE_AGENT,               /* 客服专员: hotline and return-visit desk */
  ROLE_DISPATCHER,          /* 调度员 */
  ROLE_TECHNICIAN,          /* 巡回服务人员 */
  ROLE_ENGINEERING_MANAGER, /* 工程部经理 */
  ROLE_PROJECT_MANAGER,     /* 项目经理 */
  ROLE_QC,                  /* 品质检验 */
  ROLE_WAREHOUSE,           /* 仓库/物流 */
  ROLE_FINANCE,             /* 财务 */
  ROLE_DEPARTMENT_HEAD,     /* 部门经理 */
  ROLE_VICE_GM,             /* 副总经理 */
  ROLE_GM,                  /* 总经理 */
  ROLE_DEALER,              /* 经销商 */
  ROLE_CUSTOMER,            /* 客户 (portal) */
  ROLE_ADMIN,               /* 系统管理员 */
  ROLE_COUNT
};

enum action {
  ACTION_CUSTOMER_READ,
  ACTION_CUSTOMER_WRITE,
  ACTION_CUSTOMER_DELETE,
  ACTION_CUSTOMER_HISTORY, /* the change history: who changed what, from which address */
  ACTION_DEALER_READ,
  ACTION_DEALER_WRITE,
  ACTION_DEALER_RECORD, /* assessments, training, supervision of a dealer */
  ACTION_SUPPLIER_READ,
  ACTION_SUPPLIER_WRITE,
  ACTION_SUPPLIER_AUDIT,
  ACTION_PROJECT_READ, /* projects, their equipment units and warranty answers */
  ACTION_PROJECT_WRITE,
  ACTION_EQUIPMENT_WRITE,
  ACTION_CARD_ISSUE, /* record that a warranty card went out */
  ACTION_IMPORT,     /* load customers, projects and units from spreadsheets */
  ACTION_AUDIT_READ,
  ACTION_SETTING_READ,
  ACTION_SETTING_WRITE,
  ACTION_USER_READ,
  ACTION_USER_WRITE,
  ACTION_REFERENCE_READ,   /* regions, dictionaries: every signed-in user */
  ACTION_SELF,             /* one's own session and profile: every signed-in user */
  ACTION_TICKET_READ,      /* service tickets, their timeline, attachments, service reports */
  ACTION_TICKET_CREATE,    /* register a fault (intake, SPEC C1) */
  ACTION_TICKET_WRITE,     /* the desk's follow-through: hand-over, promises, receipts, cancel */
  ACTION_TICKET_DISPATCH,  /* assign technicians, the dispatch board (SPEC C3) */
  ACTION_TICKET_FIELD,     /* appointments, delays, on-site record, parts, spare loans */
  ACTION_TICKET_CLOSE,     /* close a ticket with its outcome (SPEC C7) */
  ACTION_CALENDAR_WRITE,   /* the work calendar: load a year, holidays, make-up days */
  ACTION_VISIT_READ,       /* return visits, the plan, call lists, quick phrases (SPEC D1-D3) */
  ACTION_VISIT_PLAN,       /* run the planner, move visit dates, name the leading PM (D1) */
  ACTION_VISIT_WRITE,      /* record calls and visit reports, survey answers (D1-D4) */
  ACTION_PHRASE_WRITE,     /* keep the desk's quick phrases (快捷短语, D3) */
  ACTION_SURVEY_WRITE,     /* define survey campaigns and their questions (D4) */
  ACTION_COMPLAINT_READ,   /* complaints, their notices and archive (SPEC E1-E3) */
  ACTION_COMPLAINT_WRITE,  /* register a complaint, add its documents (E1) */
  ACTION_COMPLAINT_ASSIGN, /* the procedure: written notices (E2), callback, archive (E3) */
  ACTION_COMPLAINT_ANSWER, /* a department's root cause, corrective and preventive action */
  ACTION_KPI_READ,         /* return-visit rate and satisfaction (D5) */
  ACTION_STAFF_READ,       /* colleagues' names and roles, for the UI's pickers */
  ACTION_COUNT
};

/* "agent" → ROLE_AGENT. False if the name is not a role. */
bool role_parse(const char *name, enum role *out);
/* ROLE_AGENT → "agent"; "?" for an out-of-range value. */
const char *role_name(enum role role);
/* ROLE_AGENT → "客服专员". */
const char *role_label_zh(enum role role);

/* "customer:read" → ACTION_CUSTOMER_READ. False if unknown. */
bool action_parse(const char *name, enum action *out);
const char *action_name(enum action action);

/* True if the role may take the action (SPEC L). */
bool permission_allows(enum role role, enum action action);

#endif
