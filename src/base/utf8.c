/* utf8.c — UTF-8 validation (RFC 3629) and width folding. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t utf8_invalid_at(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c == 0)
      return i;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < len)
      return i;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return n;
}

bool utf8_valid(const char *s, size_t n) {
  return utf8_invalid_at(s, n) == n;
}

size_t utf8_length(const char *s) {
  size_t count = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80)
      count++;
  return count;
}

enum sh_status utf8_fold(struct buf *out, const char *str) {
  const unsigned char *s = (const unsigned char *)str;
  enum sh_status rc = SH_OK;
  while (*s && rc == SH_OK) {
    /* U+FF01..U+FF5E is EF BC 81..EF BD 9E; U+3000 is E3 80 80. */
    if (s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD) && s[2]) {
      uint32_t cp = 0xF000 | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        char c = (char)(cp - 0xFF01 + 0x21);
        if (c >= 'A' && c <= 'Z')
          c = (char)(c - 'A' + 'a');
        rc = buf_append(out, &c, 1);
        s += 3;
        continue;
      }
    }
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) {
      rc = buf_append(out, " ", 1);
      s += 3;
      continue;
    }
    char c = (char)*s;
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    rc = buf_append(out, &c, 1);
    s++;
  }
  if (rc == SH_OK && !out->data)
    rc = buf_append(out, "", 0);
  return rc;
}

/* A continuation byte is 10xxxxxx (RFC 3629 §3); every other byte starts a character. */
static bool continues(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

size_t utf8_clip(const char *s, size_t max_bytes) {
  size_t n = strnlen(s, max_bytes);
  if (n < max_bytes)
    return n;
  /* No NUL among the first max_bytes bytes, so s[max_bytes] exists (the NUL at the latest).
   * It is the first byte left out; while it continues a character, that character is cut,
   * so the cut moves back to the character's first byte. */
  while (n > 0 && continues((unsigned char)s[n]))
    n--;
  return n;
}

void utf8_trim_tail(char *s) {
  size_t n = strlen(s), lead = n;
  while (lead > 0 && continues((unsigned char)s[lead - 1]))
    lead--;
  if (lead == 0)
    return;
  lead--; /* the first byte of the last character */
  /* Its first byte says how long the character is: 0xxxxxxx 1, 110xxxxx 2, 1110xxxx 3,
   * 11110xxx 4. */
  unsigned char c = (unsigned char)s[lead];
  size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (n - lead < need)
    s[lead] = '\0';
}
