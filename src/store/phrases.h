/* phrases.h — the quick phrases (快捷短语) the return-visit desk inserts while calling (SPEC D3;
 * table quick_phrases of migration 0006). A phrase is never deleted: disabling it keeps what
 * was said with it readable in the audit trail. */
#ifndef SHOUHOU_STORE_PHRASES_H
#define SHOUHOU_STORE_PHRASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct quick_phrase {
  int64_t id;
  char *category, *title, *text;
  int64_t sort;
  bool disabled;
  int64_t created_at, updated_at, created_by, version; /* UTC seconds; created_by 0: seeded */
};
/* Frees the members (not p itself); NULL is fine. */
void quick_phrase_clear(struct quick_phrase *p);
void quick_phrases_free(struct quick_phrase *list, size_t count);

/* Phrases by sort then id; category NULL: every category; all false: enabled ones only.
 * Caller frees with quick_phrases_free. */
enum sh_status store_phrase_list(struct store_tx *tx, const char *category, bool all,
                                 struct quick_phrase **out, size_t *count, struct sh_error *err);

/* One phrase (404 not_found). Caller clears *out. */
enum sh_status store_phrase_get(struct store_tx *tx, int64_t id, struct quick_phrase *out,
                                struct sh_error *err);

enum sh_status store_phrase_insert(struct store_tx *tx, const struct quick_phrase *p, int64_t now,
                                   int64_t *id, struct sh_error *err);

/* Writes category, title, text, sort and disabled if the stored version is still p->version
 * (409 stale_version otherwise), and bumps the version. */
enum sh_status store_phrase_save(struct store_tx *tx, const struct quick_phrase *p, int64_t now,
                                 struct sh_error *err);

#endif
