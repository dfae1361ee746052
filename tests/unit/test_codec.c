/* test_codec.c — src/base/codec.c: base64url without padding (RFC 4648 §5), the form of the
 * opaque list cursors (DESIGN.md API conventions: "?cursor=" keyset paging). A cursor comes
 * back from the client, so decoding must refuse anything that is not exactly base64url and
 * anything longer than the caller allows.
 *
 * Expected encodings are the RFC 4648 §10 test vectors with the "=" padding dropped, and the
 * URL-safe alphabet ("-" for 62, "_" for 63) worked out bit by bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/codec.h"

static const struct {
  const char *plain, *encoded;
} rfc4648_vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

static void base64url_encode_matches_the_rfc_4648_vectors_without_padding(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof rfc4648_vectors / sizeof rfc4648_vectors[0]; i++) {
    char *text = base64url_encode(rfc4648_vectors[i].plain, strlen(rfc4648_vectors[i].plain));
    assert_non_null(text);
    assert_string_equal(text, rfc4648_vectors[i].encoded);
    free(text);
  }
}

static void base64url_decode_reads_the_rfc_4648_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof rfc4648_vectors / sizeof rfc4648_vectors[0]; i++) {
    size_t len = 99;
    char *plain = base64url_decode(rfc4648_vectors[i].encoded, 64, &len);
    assert_non_null(plain);
    assert_int_equal(len, strlen(rfc4648_vectors[i].plain));
    assert_string_equal(plain, rfc4648_vectors[i].plain);
    free(plain);
  }
}

/* FB FF = 111110 111111 1111(00) = 62 63 60: "+/8" in standard base64, "-_8" in base64url. */
static void base64url_uses_the_url_safe_alphabet(void **state) {
  (void)state;
  const unsigned char bytes[] = {0xFB, 0xFF};
  char *text = base64url_encode(bytes, sizeof bytes);
  assert_string_equal(text, "-_8");
  size_t len = 0;
  char *back = base64url_decode(text, 16, &len);
  assert_non_null(back);
  assert_int_equal(len, 2);
  assert_memory_equal(back, bytes, 2);
  free(back);
  free(text);
}

static void base64url_round_trips_every_byte_value_and_length(void **state) {
  (void)state;
  unsigned char bytes[256];
  for (int i = 0; i < 256; i++)
    bytes[i] = (unsigned char)i;
  for (size_t n = 0; n <= sizeof bytes; n++) {
    char *text = base64url_encode(bytes, n);
    assert_non_null(text);
    /* 4 characters per 3 bytes, the last group cut to what it needs: ceil(8n / 6). */
    assert_int_equal(strlen(text), (n * 8 + 5) / 6);
    assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_"),
                     strlen(text));
    size_t len = 0;
    char *back = base64url_decode(text, 1024, &len);
    assert_non_null(back);
    assert_int_equal(len, n);
    assert_memory_equal(back, bytes, n);
    assert_int_equal(back[n], '\0'); /* terminated, so a text cursor can be read as a string */
    free(back);
    free(text);
  }
}

/* EVIDENCE: DESIGN.md API conventions — a bad cursor is bad input, never guessed at */
static void base64url_decode_refuses_what_is_not_base64url(void **state) {
  (void)state;
  static const char *const bad[] = {
      "Zg==",   /* padding is not part of this form */
      "Zm8=",   /* padding */
      "+/8",    /* the standard alphabet */
      "Zm9v!",  /* a character outside the alphabet */
      "Zm 9v",  /* a space */
      "Zm9v\n", /* a newline */
      "Z",      /* one character carries 6 bits: not even one byte */
      "Zm9vY",  /* five characters: the same, after a whole group */
      "Zh",     /* "Zg" with nonzero unused bits: not the canonical form of "f" */
      "Zm9",    /* "Zm8" with nonzero unused bits */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t len = 1234;
    char *plain = base64url_decode(bad[i], 64, &len);
    if (plain)
      fail_msg("\"%s\" decoded to %zu bytes", bad[i], len);
    assert_int_equal(len, 1234); /* untouched on failure */
  }
}

/* EVIDENCE: STYLE.md 11 — every input has a ceiling */
static void base64url_decode_refuses_text_longer_than_the_limit(void **state) {
  (void)state;
  size_t len = 0;
  /* "Zm9vYmFy" is 8 characters: a limit of 8 takes it, 7 does not. */
  char *plain = base64url_decode("Zm9vYmFy", 8, &len);
  assert_non_null(plain);
  assert_string_equal(plain, "foobar");
  free(plain);
  len = 1234;
  assert_null(base64url_decode("Zm9vYmFy", 7, &len));
  assert_int_equal(len, 1234);
  assert_null(base64url_decode("Zg", 0, &len));
  plain = base64url_decode("", 0, &len);
  assert_non_null(plain);
  assert_int_equal(len, 0);
  free(plain);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(base64url_encode_matches_the_rfc_4648_vectors_without_padding),
      cmocka_unit_test(base64url_decode_reads_the_rfc_4648_vectors),
      cmocka_unit_test(base64url_uses_the_url_safe_alphabet),
      cmocka_unit_test(base64url_round_trips_every_byte_value_and_length),
      cmocka_unit_test(base64url_decode_refuses_what_is_not_base64url),
      cmocka_unit_test(base64url_decode_refuses_text_longer_than_the_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
