/* mem.h — the only allocation entry points outside base/ (STYLE.md 16 bans raw malloc
 * elsewhere). All return NULL on out-of-memory; memory is freed with free(). */
#ifndef SHOUHOU_MEM_H
#define SHOUHOU_MEM_H

#include <stddef.h>

/* Zeroed allocation of n elements of size bytes; NULL on overflow or out of memory. */
void *sh_calloc(size_t n, size_t size);
/* Resizes an array of n elements of size bytes; NULL on overflow (p is then still valid). */
void *sh_reallocarray(void *p, size_t n, size_t size);
/* Copies a string; NULL in gives NULL out. */
char *sh_strdup(const char *s);
/* Copies at most n bytes of s and terminates the copy. */
char *sh_strndup(const char *s, size_t n);

#endif
