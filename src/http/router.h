/* router.h — matching a method and path against the route table of api/ (patterns with
 * {name} segments), not a chain of strcmp calls in handlers. */
#ifndef SHOUHOU_ROUTER_H
#define SHOUHOU_ROUTER_H

#include <stddef.h>

#include "../api/api.h"

struct route_match {
  const struct api_route *route; /* NULL when nothing matched */
  int status;                    /* 0 matched, 404 no such path, 405 path without that method */
  char allow[64];                /* the methods the path has, for 405 */
  int nparams;
  const char *params[API_MAX_PATH_PARAMS]; /* pointers into scratch */
};

/* Matches path (no query string) against the table. {name} segments are copied into
 * scratch, NUL-terminated, and pointed at by params. HEAD matches GET routes. A path with an
 * empty segment, "." or "..", or a segment that is not valid UTF-8 matches nothing. */
void router_match(const struct api_route *routes, size_t count, const char *method,
                  const char *path, char *scratch, size_t scratch_len, struct route_match *out);

#endif
