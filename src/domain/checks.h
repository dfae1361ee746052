/* checks.h — the checks every resource of the domain shares: phone numbers, regions (known,
 * and within the caller's grants), dictionary values, and what a caller may see of the
 * customers (SPEC A1, L). One copy, so that a customer, a dealer and a supplier are
 * checked alike. */
#ifndef SHOUHOU_DOMAIN_CHECKS_H
#define SHOUHOU_DOMAIN_CHECKS_H

#include "../store/customers.h"
#include "../store/store.h"
#include "actor.h"

/* Folds a phone number in place (full-width digits to half-width) and checks that it holds
 * only digits, spaces and + - ( ). NULL or "" is fine. 422 invalid_phone naming field. */
enum sh_status check_phone(char **phone, const char *field, struct sh_error *err);

/* An e-mail address of the form local@domain.tld: one '@' with something before it, a dot
 * inside the domain, at most 254 bytes (RFC 5321 4.5.3.1.3), no space or control character.
 * Deliverability is not ours to judge. NULL or "" is fine. 422 invalid_email naming field. */
enum sh_status check_email(const char *email, const char *field, struct sh_error *err);

/* The region code exists (422 invalid_region / unknown_region naming field and the code). */
enum sh_status check_region_known(struct store_tx *tx, const char *code, const char *field,
                                  struct sh_error *err);

/* check_region_known, and one of the actor's grants covers it (422 region_not_granted). */
enum sh_status check_region_granted(struct store_tx *tx, const struct actor *actor,
                                    const char *code, const char *field, struct sh_error *err);

/* value is an enabled value of the dictionary type (422 invalid_choice naming field). */
enum sh_status check_dict(struct store_tx *tx, const char *type, const char *value,
                          const char *field, struct sh_error *err);

/* What the actor may see of customers (and so of their projects and units): their region
 * grants, a dealer's user only its dealership's, a customer's user only its own. */
struct customer_scope customer_scope_of(const struct actor *actor);

#endif
