/* checks.c — checks shared by the domain's resources (see checks.h). */
#include "checks.h"

#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/utf8.h"
#include "../rules/region.h"
#include "../store/reference.h"
#include "../store/users.h"

static bool phone_valid(const char *s) {
  for (; s && *s; s++)
    if (!((*s >= '0' && *s <= '9') || *s == ' ' || *s == '+' || *s == '-' || *s == '(' ||
          *s == ')'))
      return false;
  return true;
}

enum sh_status check_phone(char **phone, const char *field, struct sh_error *err) {
  if (!*phone || !**phone)
    return SH_OK;
  struct buf b;
  buf_init(&b, 256);
  if (utf8_fold(&b, *phone) != SH_OK || !phone_valid(b.data)) {
    buf_free(&b);
    return sh_fail(err, SH_ERR_INVALID, "invalid_phone", field, NULL);
  }
  free(*phone);
  *phone = buf_detach(&b);
  return *phone ? SH_OK : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

static bool email_valid(const char *s) {
  const char *at = strchr(s, '@');
  if (strlen(s) > 254 || !at || at == s || strchr(at + 1, '@'))
    return false;
  /* Printable ASCII only, no <>: what the mail sender can put in an envelope (a
   * non-ASCII address would be saved and then fail every mail for good). */
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '<' || *p == '>')
      return false;
  const char *dot = strrchr(at + 1, '.');
  return dot && dot > at + 1 && dot[1] != '\0';
}

enum sh_status check_email(const char *email, const char *field, struct sh_error *err) {
  if (!email || !*email || email_valid(email))
    return SH_OK;
  return sh_fail(err, SH_ERR_INVALID, "invalid_email", field, NULL);
}

enum sh_status check_region_known(struct store_tx *tx, const char *code, const char *field,
                                  struct sh_error *err) {
  if (!code || !region_code_valid(code) || strcmp(code, "000000") == 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_region", field, code);
  char *name = NULL;
  enum sh_status rc = store_region_name(tx, code, &name, err);
  if (rc == SH_OK && !name)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_region", field, code);
  free(name);
  return rc;
}

enum sh_status check_region_granted(struct store_tx *tx, const struct actor *actor,
                                    const char *code, const char *field, struct sh_error *err) {
  enum sh_status rc = check_region_known(tx, code, field, err);
  bool covered = false;
  if (rc == SH_OK)
    rc = store_user_covers_region(tx, actor->user_id, code, &covered, err);
  if (rc == SH_OK && !covered)
    rc = sh_fail(err, SH_ERR_INVALID, "region_not_granted", field, code);
  return rc;
}

enum sh_status check_dict(struct store_tx *tx, const char *type, const char *value,
                          const char *field, struct sh_error *err) {
  bool found = false;
  enum sh_status rc = store_dict_has(tx, type, value, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", field, value);
  return rc;
}

struct customer_scope customer_scope_of(const struct actor *a) {
  struct customer_scope s = {.user_id = a->user_id};
  if (a->role == ROLE_DEALER)
    s.dealer_id = a->dealer_id ? a->dealer_id : -1;
  if (a->role == ROLE_CUSTOMER)
    s.customer_id = a->customer_id ? a->customer_id : -1;
  return s;
}
