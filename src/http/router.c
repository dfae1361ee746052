/* router.c — path pattern matching (see router.h). */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "../base/utf8.h"

/* Compares one pattern against the path; captures go into scratch. */
static bool matches(const char *pattern, const char *path, char *scratch, size_t scratch_len,
                    struct route_match *m) {
  const char *p = pattern, *s = path;
  size_t used = 0;
  m->nparams = 0;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return false;
    p++;
    s++;
    const char *pe = strchr(p, '/'), *se = strchr(s, '/');
    size_t pl = pe ? (size_t)(pe - p) : strlen(p), sl = se ? (size_t)(se - s) : strlen(s);
    if (sl == 0 || (sl == 1 && s[0] == '.') || (sl == 2 && s[0] == '.' && s[1] == '.'))
      return false;
    if (pl > 2 && p[0] == '{' && p[pl - 1] == '}') {
      if (m->nparams == API_MAX_PATH_PARAMS || used + sl + 1 > scratch_len || !utf8_valid(s, sl))
        return false;
      memcpy(scratch + used, s, sl);
      scratch[used + sl] = '\0';
      m->params[m->nparams++] = scratch + used;
      used += sl + 1;
    } else if (pl != sl || memcmp(p, s, pl) != 0) {
      return false;
    }
    p += pl;
    s += sl;
  }
  return *p == '\0' && *s == '\0';
}

void router_match(const struct api_route *routes, size_t count, const char *method,
                  const char *path, char *scratch, size_t scratch_len, struct route_match *out) {
  const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
  memset(out, 0, sizeof *out);
  out->status = 404;
  /* The route with the fewest {name} segments wins, whatever the table order:
   * /customers/export before /customers/{id}. */
  size_t best = count;
  int best_params = 0;
  for (size_t i = 0; i < count; i++) {
    struct route_match m = {0};
    if (!matches(routes[i].pattern, path, scratch, scratch_len, &m))
      continue;
    if (strcmp(routes[i].method, want) == 0) {
      if (best == count || m.nparams < best_params) {
        best = i;
        best_params = m.nparams;
      }
    } else if (!strstr(out->allow, routes[i].method)) {
      size_t len = strlen(out->allow);
      snprintf(out->allow + len, sizeof out->allow - len, "%s%s", len ? ", " : "",
               routes[i].method);
    }
  }
  if (best < count) {
    /* Match the winner again so that its parameters are the ones left in scratch. */
    struct route_match m = {0};
    matches(routes[best].pattern, path, scratch, scratch_len, &m);
    *out = m;
    out->route = &routes[best];
    out->status = 0;
  } else if (out->allow[0]) {
    out->status = 405;
  }
}
