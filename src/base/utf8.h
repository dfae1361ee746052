/* utf8.h — UTF-8 checks and the width folding that search uses (DESIGN.md "Search"). */
#ifndef SHOUHOU_UTF8_H
#define SHOUHOU_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True if s[0..n) is well-formed UTF-8: shortest form, no surrogates, nothing above
 * U+10FFFF, and no NUL byte (a NUL would truncate the text in C and in the database). */
bool utf8_valid(const char *s, size_t n);

/* The offset of the first byte that makes s[0..n) invalid UTF-8 (see utf8_valid), or n if
 * it is valid. */
size_t utf8_invalid_at(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string (what a user counts as characters). */
size_t utf8_length(const char *s);

/* Appends s to out with full-width ASCII (U+FF01..U+FF5E) folded to half-width, the
 * ideographic space U+3000 to a space, and A-Z to a-z, so "１３８ＡＢ" finds "138ab". */
enum sh_status utf8_fold(struct buf *out, const char *s);

/* Text cut to fit a message, a column or a document line must stay UTF-8: PostgreSQL
 * refuses a broken character (the whole unit fails) and JSON cannot carry one. A byte
 * limit such as printf's "%.600s" can cut inside a character; these two cut on a boundary.
 *
 * utf8_clip: the length in bytes of the longest prefix of s that is at most max_bytes long
 * and ends on a character boundary — strlen(s) when s fits, 0 for max_bytes 0. For
 * "%.*s", as (int)utf8_clip(s, max). s is valid UTF-8 and NUL-terminated; no byte past the
 * terminator is read. */
size_t utf8_clip(const char *s, size_t max_bytes);

/* Drops the incomplete character at the end of s, if any: what snprintf leaves when it
 * fills a buffer in the middle of a multi-byte character. s was valid UTF-8 before it was
 * cut; a complete last character is left alone. */
void utf8_trim_tail(char *s);

#endif
