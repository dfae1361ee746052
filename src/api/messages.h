/* messages.h — the user-facing message of every error code, in Chinese (default) and
 * English (Accept-Language: en). docs/errors.md documents the same codes. */
#ifndef SHOUHOU_API_MESSAGES_H
#define SHOUHOU_API_MESSAGES_H

#include <stddef.h>

#include "api.h"

/* Writes the message for err in lang into out. Unknown codes get a generic message for the
 * status, never an empty one. */
void api_message(enum api_lang lang, const struct sh_error *err, char *out, size_t n);

/* True if the code has a message of its own (a test holds docs/errors.md against this). */
const char *api_message_code(size_t i);

#endif
