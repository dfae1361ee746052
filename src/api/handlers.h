/* handlers.h — every handler of the route table (routes.c), api_<resource>_<verb>. */
#ifndef SHOUHOU_API_HANDLERS_H
#define SHOUHOU_API_HANDLERS_H

#include "../domain/audit.h"
#include "api.h"

void api_health_get(struct api_request *req, struct api_response *resp);
void api_metrics_get(struct api_request *req, struct api_response *resp);

void api_auth_login(struct api_request *req, struct api_response *resp);
void api_auth_logout(struct api_request *req, struct api_response *resp);
void api_auth_me(struct api_request *req, struct api_response *resp);
void api_events_get(struct api_request *req, struct api_response *resp);
void api_auth_menus(struct api_request *req, struct api_response *resp);

void api_customers_list(struct api_request *req, struct api_response *resp);
void api_customers_create(struct api_request *req, struct api_response *resp);
void api_customers_get(struct api_request *req, struct api_response *resp);
void api_customers_update(struct api_request *req, struct api_response *resp);
void api_customers_delete(struct api_request *req, struct api_response *resp);
void api_customers_history(struct api_request *req, struct api_response *resp);
void api_customers_export(struct api_request *req, struct api_response *resp);
void api_imports_customers(struct api_request *req, struct api_response *resp);
void api_imports_projects(struct api_request *req, struct api_response *resp);
void api_imports_equipment(struct api_request *req, struct api_response *resp);

void api_regions_list(struct api_request *req, struct api_response *resp);
void api_dictionaries_get(struct api_request *req, struct api_response *resp);

void api_users_list(struct api_request *req, struct api_response *resp);
void api_staff_list(struct api_request *req, struct api_response *resp);
void api_users_create(struct api_request *req, struct api_response *resp);
void api_users_get(struct api_request *req, struct api_response *resp);
void api_users_update(struct api_request *req, struct api_response *resp);

void api_settings_list(struct api_request *req, struct api_response *resp);
void api_settings_update(struct api_request *req, struct api_response *resp);

void api_audit_list(struct api_request *req, struct api_response *resp);

/* dealers and suppliers (issue 3) */
void api_dealers_export(struct api_request *req, struct api_response *resp);
void api_suppliers_export(struct api_request *req, struct api_response *resp);
void api_dealers_list(struct api_request *req, struct api_response *resp);
void api_dealers_create(struct api_request *req, struct api_response *resp);
void api_dealers_get(struct api_request *req, struct api_response *resp);
void api_dealers_update(struct api_request *req, struct api_response *resp);
void api_dealers_delete(struct api_request *req, struct api_response *resp);
void api_dealer_records_list(struct api_request *req, struct api_response *resp);
void api_dealer_records_create(struct api_request *req, struct api_response *resp);
void api_suppliers_list(struct api_request *req, struct api_response *resp);
void api_suppliers_create(struct api_request *req, struct api_response *resp);
void api_suppliers_get(struct api_request *req, struct api_response *resp);
void api_suppliers_update(struct api_request *req, struct api_response *resp);
void api_suppliers_delete(struct api_request *req, struct api_response *resp);
void api_supplier_audits_list(struct api_request *req, struct api_response *resp);
void api_supplier_audits_create(struct api_request *req, struct api_response *resp);

/* projects, equipment and warranty cards (issue 3) */
void api_projects_export(struct api_request *req, struct api_response *resp);
void api_equipment_export(struct api_request *req, struct api_response *resp);
void api_projects_list(struct api_request *req, struct api_response *resp);
void api_projects_create(struct api_request *req, struct api_response *resp);
void api_projects_get(struct api_request *req, struct api_response *resp);
void api_projects_update(struct api_request *req, struct api_response *resp);
void api_projects_delete(struct api_request *req, struct api_response *resp);
void api_projects_issue_card(struct api_request *req, struct api_response *resp);
void api_projects_card_pdf(struct api_request *req, struct api_response *resp);
void api_warranty_cards_list(struct api_request *req, struct api_response *resp);
void api_equipment_list(struct api_request *req, struct api_response *resp);
void api_equipment_create(struct api_request *req, struct api_response *resp);
void api_equipment_get(struct api_request *req, struct api_response *resp);
void api_equipment_update(struct api_request *req, struct api_response *resp);
void api_equipment_delete(struct api_request *req, struct api_response *resp);
void api_equipment_warranty(struct api_request *req, struct api_response *resp);
/* service tickets (issue 4) */
void api_ticket_create(struct api_request *req, struct api_response *resp);
void api_ticket_list(struct api_request *req, struct api_response *resp);
void api_ticket_get(struct api_request *req, struct api_response *resp);
void api_ticket_timeline(struct api_request *req, struct api_response *resp);
void api_ticket_report(struct api_request *req, struct api_response *resp);
void api_ticket_assign(struct api_request *req, struct api_response *resp);
void api_ticket_handover(struct api_request *req, struct api_response *resp);
void api_ticket_arrive(struct api_request *req, struct api_response *resp);
void api_ticket_record(struct api_request *req, struct api_response *resp);
void api_ticket_clear(struct api_request *req, struct api_response *resp);
void api_ticket_close(struct api_request *req, struct api_response *resp);
void api_ticket_cancel(struct api_request *req, struct api_response *resp);
void api_ticket_unit(struct api_request *req, struct api_response *resp);
void api_ticket_appointment(struct api_request *req, struct api_response *resp);
void api_ticket_delay(struct api_request *req, struct api_response *resp);
void api_ticket_part(struct api_request *req, struct api_response *resp);
void api_ticket_loan(struct api_request *req, struct api_response *resp);
void api_ticket_loan_return(struct api_request *req, struct api_response *resp);
void api_ticket_promise(struct api_request *req, struct api_response *resp);
void api_ticket_promise_kept(struct api_request *req, struct api_response *resp);
void api_ticket_receipt(struct api_request *req, struct api_response *resp);
void api_ticket_sign(struct api_request *req, struct api_response *resp);
void api_ticket_escalate(struct api_request *req, struct api_response *resp);
void api_ticket_attachment_upload(struct api_request *req, struct api_response *resp);
void api_attachment_get(struct api_request *req, struct api_response *resp);
void api_dispatch_technicians(struct api_request *req, struct api_response *resp);
void api_equipment_history(struct api_request *req, struct api_response *resp);
void api_receipt_list(struct api_request *req, struct api_response *resp);

/* notifications, test mail and the iCalendar feed (issue 4) */
void api_notifications_list(struct api_request *req, struct api_response *resp);
void api_notifications_read(struct api_request *req, struct api_response *resp);
void api_admin_test_mail(struct api_request *req, struct api_response *resp);
void api_calendar_token_create(struct api_request *req, struct api_response *resp);
void api_calendar_token_delete(struct api_request *req, struct api_response *resp);
void api_ical_feed(struct api_request *req, struct api_response *resp);

/* the work calendar (issue 4) */
void api_calendar_get(struct api_request *req, struct api_response *resp);
void api_calendar_days_get(struct api_request *req, struct api_response *resp);
void api_calendar_days_put(struct api_request *req, struct api_response *resp);
void api_calendar_days_delete(struct api_request *req, struct api_response *resp);
void api_calendar_years_put(struct api_request *req, struct api_response *resp);
void api_calendar_years_delete(struct api_request *req, struct api_response *resp);

/* return visits: plan, manager's actions, call list, calls, reports (issue 5) */
void api_visit_list(struct api_request *req, struct api_response *resp);
void api_visit_get(struct api_request *req, struct api_response *resp);
void api_visit_plan(struct api_request *req, struct api_response *resp);
void api_visit_move(struct api_request *req, struct api_response *resp);
void api_visit_leader(struct api_request *req, struct api_response *resp);
void api_visit_cancel(struct api_request *req, struct api_response *resp);
void api_visit_calls(struct api_request *req, struct api_response *resp);
void api_visit_call(struct api_request *req, struct api_response *resp);
void api_visit_report(struct api_request *req, struct api_response *resp);
void api_visit_attachment_upload(struct api_request *req, struct api_response *resp);

/* quick phrases, survey campaigns and the visit KPIs (issue 5) */
void api_phrases_list(struct api_request *req, struct api_response *resp);
void api_phrases_create(struct api_request *req, struct api_response *resp);
void api_phrases_update(struct api_request *req, struct api_response *resp);
void api_phrases_delete(struct api_request *req, struct api_response *resp);
void api_surveys_list(struct api_request *req, struct api_response *resp);
void api_surveys_create(struct api_request *req, struct api_response *resp);
void api_surveys_get(struct api_request *req, struct api_response *resp);
void api_surveys_update(struct api_request *req, struct api_response *resp);
void api_surveys_open(struct api_request *req, struct api_response *resp);
void api_surveys_close(struct api_request *req, struct api_response *resp);
void api_survey_targets_list(struct api_request *req, struct api_response *resp);
void api_survey_targets_add(struct api_request *req, struct api_response *resp);
void api_survey_responses_create(struct api_request *req, struct api_response *resp);
void api_surveys_results(struct api_request *req, struct api_response *resp);
void api_kpi_visits(struct api_request *req, struct api_response *resp);
void api_kpi_visits_missing(struct api_request *req, struct api_response *resp);
void api_kpi_visits_export(struct api_request *req, struct api_response *resp);
void api_kpi_tickets(struct api_request *req, struct api_response *resp);
void api_kpi_complaints(struct api_request *req, struct api_response *resp);

/* exports of the work lists (issue 6, exports_work.c) */
void api_tickets_export(struct api_request *req, struct api_response *resp);
void api_visits_export(struct api_request *req, struct api_response *resp);
void api_complaints_export(struct api_request *req, struct api_response *resp);
/* The work lists' filters, parsed once for the list and its export (tickets.c, visits.c,
 * complaints.c): false with resp filled on a bad parameter; f points into prefix / today;
 * *folded (the folded ?q=, api_query_folded in list.h) is the caller's to free. */
struct ticket_filter;
struct visit_filter;
struct complaint_filter;
bool api_ticket_list_filter(struct api_request *req, struct api_response *resp,
                            struct ticket_filter *f, char prefix[8], char **folded);
bool api_visit_list_filter(struct api_request *req, struct api_response *resp,
                           struct visit_filter *f, char prefix[8]);
bool api_complaint_list_filter(struct api_request *req, struct api_response *resp,
                               struct complaint_filter *f, char today[11], char **folded);

/* complaints (issue 5) */
void api_complaints_list(struct api_request *req, struct api_response *resp);
void api_complaints_create(struct api_request *req, struct api_response *resp);
void api_complaints_get(struct api_request *req, struct api_response *resp);
void api_complaints_assign(struct api_request *req, struct api_response *resp);
void api_complaints_answer(struct api_request *req, struct api_response *resp);
void api_complaints_notice(struct api_request *req, struct api_response *resp);
void api_complaints_callback(struct api_request *req, struct api_response *resp);
void api_complaints_archive(struct api_request *req, struct api_response *resp);
void api_complaints_form(struct api_request *req, struct api_response *resp);
void api_complaints_attachment_upload(struct api_request *req, struct api_response *resp);
void api_complaint_categories_list(struct api_request *req, struct api_response *resp);
void api_complaint_categories_create(struct api_request *req, struct api_response *resp);
void api_complaint_categories_update(struct api_request *req, struct api_response *resp);

/* Audit rows as a list body. list holds up to page_size + 1 rows (newest first): the extra
 * one only tells that more follow, and then next_cursor points past the last shown. */
json_t *api_audit_items(struct api_request *req, const struct audit_record *list, size_t count,
                        int64_t total, int64_t page_size);

#endif
