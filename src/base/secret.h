/* secret.h — random tokens, their stored hashes and password hashing (libsodium).
 *
 * Session ids, CSRF tokens and API tokens are 256 random bits, written base64url. Only a
 * BLAKE2b-256 hash of a session id or API token is ever stored, so a copy of the database
 * lets nobody sign in. Passwords are hashed with argon2id at libsodium's interactive
 * cost (~0.1–0.2 s here), which callers run outside any store unit (DESIGN.md). */
#ifndef SHOUHOU_SECRET_H
#define SHOUHOU_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define SECRET_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define SECRET_HASH_LEN 64  /* hex of 32 bytes */
#define SECRET_PWHASH_LEN 128

/* Must be called once before any other function here (sodium_init). */
bool secret_init(void);

/* Writes a new random token of SECRET_TOKEN_LEN characters and a NUL. */
void secret_token(char out[SECRET_TOKEN_LEN + 1]);

/* Writes the hex BLAKE2b-256 of s. */
void secret_hash(const char *s, char out[SECRET_HASH_LEN + 1]);

/* Hashes a password with argon2id. SH_ERR_INTERNAL if libsodium could not (out of memory). */
enum sh_status secret_password_hash(const char *password, char out[SECRET_PWHASH_LEN]);

/* True if password matches the stored argon2id hash. Constant-time in libsodium. */
bool secret_password_verify(const char *hash, const char *password);

/* Compares two strings in time that does not depend on where they differ. */
bool secret_equal(const char *a, const char *b);

#endif
