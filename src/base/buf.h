/* buf.h — a growable byte buffer with a ceiling (STYLE.md 11). Always NUL-terminated. */
#ifndef SHOUHOU_BUF_H
#define SHOUHOU_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

struct buf {
  char *data; /* NUL-terminated when len > 0 or after any append; owned */
  size_t len; /* bytes used, without the NUL */
  size_t cap; /* bytes allocated */
  size_t max; /* ceiling on len; appending past it fails with SH_ERR_TOO_LARGE */
};

/* Starts an empty buffer that may grow to max bytes. Allocates nothing yet. */
void buf_init(struct buf *b, size_t max);
/* Appends n bytes. On failure the buffer is unchanged. */
enum sh_status buf_append(struct buf *b, const void *data, size_t n);
enum sh_status buf_append_str(struct buf *b, const char *s);
enum sh_status buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Gives the data to the caller (who frees it with free()) and resets the buffer. Returns an
 * empty string rather than NULL for an empty buffer; NULL only if out of memory. */
char *buf_detach(struct buf *b);
/* Frees the data; accepts a zeroed buffer. */
void buf_free(struct buf *b);

#endif
