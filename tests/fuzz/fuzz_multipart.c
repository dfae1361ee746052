/* fuzz_multipart.c — libFuzzer harness for multipart_parse(), multipart_safe_filename() and
 * multipart_sniff_type() (src/base/multipart.h): any Content-Type and body must give either a
 * form whose parts lie inside the body with UTF-8 names, or an error with a code and the form
 * untouched; every file name must become a safe one; never a crash or a read out of bounds.
 *
 * Input: the bytes up to the first LF are the Content-Type header value (at most 200 bytes;
 * no LF at all means the usual "multipart/form-data; boundary=B"), the rest is the body.
 * The body is copied into a buffer of exactly its size, so ASan sees any read past it.
 * Built and run by scripts/fuzz.sh (tests/fuzz/meson.build); replayed over its corpus and
 * regressions by the unit test fuzz_multipart. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/multipart.h"
#include "../../src/base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A safe name: non-empty unless size is 1, UTF-8, no separator, control or forbidden
 * character, no leading dot or space, no trailing dot or space. */
static void check_safe(const char *name, size_t size) {
  char out[64];
  size = size % sizeof out + 1;
  size_t len = multipart_safe_filename(name, out, size);
  if (len != strlen(out) || len >= size || (len == 0 && size > 1))
    abort();
  if (!utf8_valid(out, len))
    abort();
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)out[i];
    if (c < 0x20 || c == 0x7f || strchr("/\\<>:\"|?*", c))
      abort();
  }
  if (len && (out[0] == '.' || out[0] == ' ' || out[len - 1] == '.' || out[len - 1] == ' '))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char content_type[201] = "multipart/form-data; boundary=B";
  const uint8_t *newline = memchr(data, '\n', size < 201 ? size : 201);
  size_t skip = 0;
  if (newline) {
    skip = (size_t)(newline - data) + 1;
    memcpy(content_type, data, skip - 1);
    content_type[skip - 1] = '\0';
  }
  size_t len = size - skip;
  char *body = malloc(len ? len : 1);
  if (!body)
    return 0;
  memcpy(body, data + skip, len);

  static struct multipart_form form, before;
  struct sh_error err = {0};
  memset(&form, 0x5A, sizeof form);
  memcpy(&before, &form, sizeof form);
  enum sh_status rc = multipart_parse(content_type, body, len, &form, &err);
  if (rc != SH_OK) {
    if (!err.code[0] || memcmp(&form, &before, sizeof form) != 0)
      abort(); /* a failure names its code and leaves the form alone */
  } else {
    if (form.count > MULTIPART_MAX_PARTS)
      abort();
    for (size_t i = 0; i < form.count; i++) {
      const struct multipart_part *p = &form.parts[i];
      if ((const char *)p->data < body || p->len > len ||
          (const char *)p->data - body > (ptrdiff_t)(len - p->len))
        abort();
      if (!p->name[0] || !utf8_valid(p->name, strlen(p->name)) ||
          !utf8_valid(p->filename, strlen(p->filename)) || (p->filename[0] && !p->has_filename))
        abort();
      multipart_sniff_type(p->data, p->len);
      check_safe(p->filename, p->len);
    }
  }
  /* the raw input as a file name, too: any bytes at all */
  char name[256];
  size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
  memcpy(name, data, n);
  name[n] = '\0';
  check_safe(name, size);
  multipart_sniff_type(data, size);
  free(body);
  return 0;
}
