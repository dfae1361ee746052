/* codec.c — base64url via libsodium. */
#include "codec.h"

#include <sodium.h>
#include <string.h>

#include "mem.h"

char *base64url_encode(const void *data, size_t n) {
  size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = sh_calloc(len, 1);
  if (out)
    sodium_bin2base64(out, len, data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

/* Decodes text in the given libsodium variant, NUL-terminated for callers that read text. */
static char *decode(const char *text, size_t max_len, size_t *out_len, int variant) {
  size_t n = strlen(text);
  if (n > max_len)
    return NULL;
  unsigned char *out = sh_calloc(n + 1, 1);
  size_t len = 0;
  if (!out)
    return NULL;
  if (sodium_base642bin(out, n + 1, text, n, NULL, &len, NULL, variant) != 0) {
    free(out);
    return NULL;
  }
  out[len] = '\0';
  *out_len = len;
  return (char *)out;
}

char *base64url_decode(const char *text, size_t max_len, size_t *out_len) {
  return decode(text, max_len, out_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

char *base64_decode(const char *text, size_t max_len, size_t *out_len) {
  return decode(text, max_len, out_len, sodium_base64_VARIANT_ORIGINAL);
}

char *hex_decode(const char *text, size_t *out_len) {
  size_t n = strlen(text);
  unsigned char *out = sh_calloc(n / 2 + 1, 1);
  size_t len = 0;
  if (!out)
    return NULL;
  if (sodium_hex2bin(out, n / 2 + 1, text, n, NULL, &len, NULL) != 0 || len * 2 != n) {
    free(out);
    return NULL;
  }
  *out_len = len;
  return (char *)out;
}

void sha256_hex(const void *data, size_t n, char out[65]) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, data, n);
  sodium_bin2hex(out, 65, digest, sizeof digest);
}
