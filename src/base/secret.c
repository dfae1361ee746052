/* secret.c — tokens and password hashes with libsodium (see secret.h). */
#include "secret.h"

#include <sodium.h>
#include <string.h>

bool secret_init(void) {
  return sodium_init() >= 0;
}

void secret_token(char out[SECRET_TOKEN_LEN + 1]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void secret_hash(const char *s, char out[SECRET_HASH_LEN + 1]) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, (const unsigned char *)s, strlen(s), NULL, 0);
  sodium_bin2hex(out, SECRET_HASH_LEN + 1, digest, sizeof digest);
}

enum sh_status secret_password_hash(const char *password, char out[SECRET_PWHASH_LEN]) {
  if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return SH_ERR_INTERNAL;
  return SH_OK;
}

bool secret_password_verify(const char *hash, const char *password) {
  if (!hash || !*hash)
    return false;
  return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool secret_equal(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return false;
  return sodium_memcmp(a, b, la) == 0;
}
