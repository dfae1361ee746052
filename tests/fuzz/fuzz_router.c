/* fuzz_router.c — libFuzzer harness for router_match() (src/http/router.c) over the real route
 * table (src/api/routes.c).
 *
 * Input: byte 0 picks the method (GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS or a made-up
 * one), the rest is the path (cut at a NUL, as libmicrohttpd hands it over). Invariants: the
 * status is 0, 404 or 405; a match is a route of that method (HEAD: GET) whose pattern, with
 * its {name} segments replaced by the captured parameters, is exactly the path; parameters are
 * non-empty valid UTF-8 without '/', and no route with fewer parameters also matches; a path
 * with an empty, "." or ".." segment matches nothing; a 405 lists methods, and a 404 none; a
 * scratch buffer too small for the parameters never overflows (ASan sees it: the scratch is a
 * heap block of exactly its size). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/utf8.h"
#include "../../src/http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rebuilds the path from the pattern and the parameters into out; false if it does not fit. */
static bool rebuild(const char *pattern, const struct route_match *m, char *out, size_t n) {
  size_t used = 0;
  int param = 0;
  for (const char *p = pattern; *p;) {
    const char *piece = p;
    size_t len = 1;
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (!close || param >= m->nparams)
        return false;
      piece = m->params[param++];
      len = strlen(piece);
      p = close + 1;
    } else {
      p++;
    }
    if (used + len + 1 > n)
      return false;
    memcpy(out + used, piece, len);
    used += len;
  }
  out[used] = '\0';
  return param == m->nparams;
}

static bool dotted(const char *path) {
  for (const char *s = path; *s; s++) {
    if (*s != '/')
      continue;
    const char *e = strchr(s + 1, '/');
    size_t l = e ? (size_t)(e - s - 1) : strlen(s + 1);
    if (l == 0 || (l == 1 && s[1] == '.') || (l == 2 && s[1] == '.' && s[2] == '.'))
      return true;
  }
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const methods[] = {"GET", "HEAD",   "POST",    "PATCH",
                                        "PUT", "DELETE", "OPTIONS", "BREW"};
  if (size < 1 || size > 2048)
    return 0;
  const char *method = methods[data[0] % 8];
  size_t scratch_len = (size_t)(data[0] >> 3) * 32 + 1; /* 1..993 bytes */
  char *path = malloc(size);
  char *scratch = malloc(scratch_len);
  if (!path || !scratch)
    abort();
  memcpy(path, data + 1, size - 1);
  path[size - 1] = '\0';
  struct route_match m;
  router_match(api_routes, api_route_count, method, path, scratch, scratch_len, &m);
  if (m.status == 0) {
    const struct api_route *r = m.route;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    if (!r || strcmp(r->method, want) != 0 || m.nparams > API_MAX_PATH_PARAMS)
      abort();
    for (int i = 0; i < m.nparams; i++) {
      const char *p = m.params[i];
      if (p < scratch || p >= scratch + scratch_len || !p[0] || strchr(p, '/') ||
          !utf8_valid(p, strlen(p)))
        abort();
    }
    char *back = malloc(size + 1);
    if (!back || !rebuild(r->pattern, &m, back, size + 1) || strcmp(back, path) != 0)
      abort();
    free(back);
    if (dotted(path))
      abort();
    /* No route of the method with fewer parameters matches too. */
    for (size_t i = 0; i < api_route_count; i++) {
      if (&api_routes[i] == r || strcmp(api_routes[i].method, want) != 0)
        continue;
      char *other = malloc(scratch_len);
      struct route_match single;
      if (!other)
        abort();
      router_match(&api_routes[i], 1, method, path, other, scratch_len, &single);
      if (single.status == 0 && single.nparams < m.nparams)
        abort();
      free(other);
    }
  } else if (m.status == 405) {
    if (m.route || !m.allow[0])
      abort();
  } else if (m.status == 404) {
    if (m.route || m.allow[0])
      abort();
  } else {
    abort();
  }
  free(path);
  free(scratch);
  return 0;
}
