/* phrase.h — the desk's quick phrases (快捷短语, SPEC D3; 年终总结2 §4: 回访时使用快捷短语).
 *
 * Every staff member who reads visits reads the enabled phrases; the ones who keep them
 * (phrase:write) also see the disabled ones on asking. Phrases are company-wide (no region).
 * Deleting disables: the phrase leaves the desk's list but stays in the table and the audit
 * trail. Every change is one unit with its audit row (entity "quick_phrase"). */
#ifndef SHOUHOU_DOMAIN_PHRASE_H
#define SHOUHOU_DOMAIN_PHRASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/status.h"
#include "actor.h"
#include "app.h"

/* The fields a change may carry, as bits of a present mask. */
enum phrase_field {
  PHRASE_FIELD_CATEGORY,
  PHRASE_FIELD_TITLE,
  PHRASE_FIELD_TEXT,
  PHRASE_FIELD_SORT,
  PHRASE_FIELD_DISABLED,
  PHRASE_FIELD_COUNT
};

struct phrase_input {
  const char *category, *title, *text; /* lengths checked by the API's field table */
  int64_t sort;
  bool disabled;
};

/* The phrases by sort then id. category NULL: all; all: with the disabled ones (403
 * forbidden unless the actor may write phrases). *items: an array the caller decrefs. */
enum sh_status phrase_list(struct app *app, const struct actor *actor, const char *category,
                           bool all, json_t **items, struct sh_error *err);

/* Creates a phrase (enabled). *out: the phrase. */
enum sh_status phrase_create(struct app *app, const struct actor *actor,
                             const struct phrase_input *in, json_t **out, struct sh_error *err);

/* Applies the fields of in marked in present if version is current (409 stale_version). */
enum sh_status phrase_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct phrase_input *in, uint64_t present,
                             json_t **out, struct sh_error *err);

/* Disables the phrase if version is current (deleting keeps the row). */
enum sh_status phrase_disable(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, struct sh_error *err);

#endif
