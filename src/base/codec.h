/* codec.h — base64url without padding (RFC 4648 §5), for opaque cursors. */
#ifndef SHOUHOU_CODEC_H
#define SHOUHOU_CODEC_H

#include <stddef.h>

/* Encodes n bytes; caller frees. NULL if out of memory. */
char *base64url_encode(const void *data, size_t n);
/* Decodes text into a NUL-terminated buffer (caller frees) and its length; NULL if text is
 * not base64url or is longer than max_len encoded bytes. */
char *base64url_decode(const char *text, size_t max_len, size_t *out_len);

#endif
