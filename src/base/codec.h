/* codec.h — base64url without padding (RFC 4648 §5) for opaque cursors; standard base64 and
 * hex decoding and SHA-256 for uploads and attachments (issue 4). */
#ifndef SHOUHOU_CODEC_H
#define SHOUHOU_CODEC_H

#include <stddef.h>

/* Encodes n bytes; caller frees. NULL if out of memory. */
char *base64url_encode(const void *data, size_t n);
/* Decodes text into a NUL-terminated buffer (caller frees) and its length; NULL if text is
 * not base64url or is longer than max_len encoded bytes. */
char *base64url_decode(const char *text, size_t max_len, size_t *out_len);

/* Standard base64 (RFC 4648 §4, padding allowed) → bytes; NULL if text is not base64 or is
 * longer than max_len. Caller frees. */
char *base64_decode(const char *text, size_t max_len, size_t *out_len);
/* Lower- or upper-case hex → bytes; NULL if malformed (odd length, other characters). */
char *hex_decode(const char *text, size_t *out_len);
/* The SHA-256 of data as 64 lower-case hex digits. */
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
