/* fuzz_text.c — libFuzzer harness for the text primitives every parser leans on: UTF-8 checks,
 * folding, clipping and trimming (src/base/utf8.c) and the cursor and upload codecs
 * (src/base/codec.c: base64url, base64, hex).
 *
 * Input: byte 0 is a cut position, the rest is the text. Invariants: utf8_valid agrees with
 * utf8_invalid_at; for valid text, utf8_length is at most the bytes, folding gives valid UTF-8
 * no longer than the input and is idempotent, utf8_clip gives a valid prefix within the bound,
 * and text cut at any byte and trimmed with utf8_trim_tail is a valid prefix that lost at most
 * one character; base64url encodes and decodes back to the bytes; a decoded base64url, base64
 * or hex text is no longer than the rules of the encoding allow, and hex decodes back to its
 * lower-case text. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/buf.h"
#include "../../src/base/codec.h"
#include "../../src/base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *folded(const char *s) {
  struct buf b;
  buf_init(&b, 1 << 20);
  if (utf8_fold(&b, s) != SH_OK) {
    buf_free(&b);
    return NULL;
  }
  if (buf_append(&b, "", 0) != SH_OK)
    abort();
  char *out = buf_detach(&b);
  buf_free(&b);
  return out ? out : calloc(1, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 8192)
    return 0;
  size_t cut = data[0];
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  bool valid = utf8_valid(s, n);
  size_t bad = utf8_invalid_at(s, n);
  if (valid != (bad == n) || bad > n)
    abort();

  char *text = malloc(n + 1);
  if (!text)
    abort();
  memcpy(text, s, n);
  text[n] = '\0';
  if (valid) {
    if (utf8_length(text) > n)
      abort();
    char *f = folded(text);
    if (!f || !utf8_valid(f, strlen(f)) || strlen(f) > n)
      abort();
    char *ff = folded(f);
    if (!ff || strcmp(f, ff) != 0)
      abort();
    free(ff);
    free(f);
    size_t clip = utf8_clip(text, cut);
    if (clip > cut || clip > n || !utf8_valid(text, clip))
      abort();
    if (n >= cut && clip + 4 <= cut)
      abort(); /* a longer prefix would have fit */
    char *trimmed = malloc(n + 1);
    if (!trimmed)
      abort();
    size_t at = cut < n ? cut : n;
    memcpy(trimmed, text, at);
    trimmed[at] = '\0';
    utf8_trim_tail(trimmed);
    size_t left = strlen(trimmed);
    if (left > at || at - left > 3 || !utf8_valid(trimmed, left) ||
        memcmp(trimmed, text, left) != 0)
      abort();
    free(trimmed);
  }

  /* base64url round trip of the raw bytes */
  char *enc = base64url_encode(s, n);
  size_t len = 0;
  char *dec = enc ? base64url_decode(enc, 4 * n + 8, &len) : NULL;
  if (!enc || !dec || len != n || memcmp(dec, s, n) != 0)
    abort();
  free(enc);
  free(dec);

  /* the text as base64url, base64 and hex */
  size_t tl = strlen(text);
  if ((dec = base64url_decode(text, 2048, &len))) {
    if (tl > 2048 || len > tl * 3 / 4 + 1 || dec[len] != '\0')
      abort();
    free(dec);
  }
  if ((dec = base64_decode(text, 2048, &len))) {
    if (tl > 2048 || len > tl * 3 / 4 + 1)
      abort();
    free(dec);
  }
  if ((dec = hex_decode(text, &len))) {
    if (len * 2 != tl)
      abort();
    for (size_t i = 0; i < len; i++) {
      char two[3];
      snprintf(two, sizeof two, "%02x", (unsigned char)dec[i]);
      if (two[0] != tolower((unsigned char)text[2 * i]) ||
          two[1] != tolower((unsigned char)text[2 * i + 1]))
        abort();
    }
    free(dec);
  }
  free(text);
  return 0;
}
