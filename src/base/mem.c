/* mem.c — allocation wrappers (see mem.h). */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *sh_calloc(size_t n, size_t size) {
  return calloc(n ? n : 1, size ? size : 1);
}

void *sh_reallocarray(void *p, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  size_t bytes = n * size;
  return realloc(p, bytes ? bytes : 1);
}

char *sh_strdup(const char *s) {
  return s ? strdup(s) : NULL;
}

char *sh_strndup(const char *s, size_t n) {
  return s ? strndup(s, n) : NULL;
}
