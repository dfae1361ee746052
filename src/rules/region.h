/* region.h — GB/T 2260 region codes and what a region grant covers (SPEC A1, L).
 *
 * Codes are six digits: PPCCDD. A province is PP0000, a city PPCC00, a district PPCCDD.
 * A grant covers every code below it: its *prefix* is the code without its trailing "00"
 * pairs (110000 → "11", 110100 → "1101", 110101 → "110101"). The grant 000000 is our
 * reading of "the whole country" (prefix ""), for the general manager and administrators.
 * Pure: no I/O. */
#ifndef SHOUHOU_REGION_H
#define SHOUHOU_REGION_H

#include <stdbool.h>

#define REGION_CODE_LEN 6

/* True if s is six ASCII digits whose province part is not 00 (except 000000, the whole
 * country) and whose city part is not 00 when the district part is set. */
bool region_code_valid(const char *s);

/* The level of a valid code: 0 whole country, 1 province, 2 city, 3 district. */
int region_level(const char *code);

/* Writes the prefix of a valid code into out (at most 6 characters and a NUL). */
void region_prefix(const char *code, char out[REGION_CODE_LEN + 1]);

/* The parent code of a valid code (110101 → 110100 → 110000 → 000000); out gets "" for
 * 000000 itself. */
void region_parent(const char *code, char out[REGION_CODE_LEN + 1]);

/* True if the grant covers the code (both valid codes). */
bool region_covers(const char *grant, const char *code);

/* True for a statistical-only unit of the NBS code table, which is not an administrative
 * division: at city level the groupings 市辖区, 县 (重庆 500200), 省直辖县级行政区划 and
 * 自治区直辖县级行政区划;
 * at county level the functional zones numbered 71–79 (development zones, industrial parks,
 * management districts). They stay selectable — customers sit in them — but are marked. */
bool region_is_statistical(const char *code, const char *name);

#endif
