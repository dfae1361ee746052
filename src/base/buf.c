/* buf.c — growable byte buffer with a ceiling. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

static enum sh_status reserve(struct buf *b, size_t extra) {
  if (extra > b->max - b->len)
    return SH_ERR_TOO_LARGE;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return SH_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return SH_ERR_INTERNAL;
  b->data = p;
  b->cap = cap;
  return SH_OK;
}

enum sh_status buf_append(struct buf *b, const void *data, size_t n) {
  enum sh_status rc = reserve(b, n);
  if (rc != SH_OK)
    return rc;
  if (n)
    memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = '\0';
  return SH_OK;
}

enum sh_status buf_append_str(struct buf *b, const char *s) {
  return buf_append(b, s, strlen(s));
}

enum sh_status buf_printf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return SH_ERR_INTERNAL;
  if ((size_t)n < sizeof small)
    return buf_append(b, small, (size_t)n);
  enum sh_status rc = reserve(b, (size_t)n);
  if (rc != SH_OK)
    return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return SH_OK;
}

char *buf_detach(struct buf *b) {
  char *p = b->data;
  if (!p)
    p = calloc(1, 1);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}

void buf_free(struct buf *b) {
  if (!b)
    return;
  free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}
