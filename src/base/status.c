/* status.c — status names, their HTTP statuses and the error record helpers. */
#include "status.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

int sh_http_status(enum sh_status status) {
  switch (status) {
  case SH_OK:
    return 200;
  case SH_ERR_MALFORMED:
    return 400;
  case SH_ERR_INVALID:
    return 422;
  case SH_ERR_UNAUTHENTICATED:
    return 401;
  case SH_ERR_FORBIDDEN:
    return 403;
  case SH_ERR_NOT_FOUND:
    return 404;
  case SH_ERR_METHOD:
    return 405;
  case SH_ERR_CONFLICT:
    return 409;
  case SH_ERR_TOO_LARGE:
    return 413;
  case SH_ERR_MEDIA_TYPE:
    return 415;
  case SH_ERR_RATE_LIMITED:
    return 429;
  case SH_ERR_UNAVAILABLE:
    return 503;
  case SH_ERR_INTERNAL:
    return 500;
  }
  return 500;
}

const char *sh_strerror(enum sh_status status) {
  switch (status) {
  case SH_OK:
    return "ok";
  case SH_ERR_MALFORMED:
    return "malformed";
  case SH_ERR_INVALID:
    return "invalid";
  case SH_ERR_UNAUTHENTICATED:
    return "unauthenticated";
  case SH_ERR_FORBIDDEN:
    return "forbidden";
  case SH_ERR_NOT_FOUND:
    return "not_found";
  case SH_ERR_METHOD:
    return "method_not_allowed";
  case SH_ERR_CONFLICT:
    return "conflict";
  case SH_ERR_TOO_LARGE:
    return "too_large";
  case SH_ERR_MEDIA_TYPE:
    return "unsupported_media_type";
  case SH_ERR_RATE_LIMITED:
    return "rate_limited";
  case SH_ERR_UNAVAILABLE:
    return "unavailable";
  case SH_ERR_INTERNAL:
    return "internal";
  }
  return "internal";
}

enum sh_status sh_fail(struct sh_error *err, enum sh_status status, const char *code,
                       const char *field, const char *detail) {
  if (err) {
    err->status = status;
    snprintf(err->code, sizeof err->code, "%s", code ? code : sh_strerror(status));
    /* A long field or detail is cut on a character boundary: the API answers them as JSON
     * strings, and a cut character would turn the field into null (found by fuzz_jsonx). */
    if ((size_t)snprintf(err->field, sizeof err->field, "%s", field ? field : "") >=
        sizeof err->field)
      utf8_trim_tail(err->field);
    if ((size_t)snprintf(err->detail, sizeof err->detail, "%s", detail ? detail : "") >=
        sizeof err->detail)
      utf8_trim_tail(err->detail);
    err->retry_after = 0;
  }
  return status;
}

void sh_error_clear(struct sh_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}
