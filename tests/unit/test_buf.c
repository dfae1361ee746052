/* test_buf.c — src/base/buf.c: the growable buffer's ceiling (STYLE.md 11), printf growth past
 * its 256-byte stack buffer, and handing the data over with buf_detach.
 *
 * Every expected length below is counted by hand from the literal it appends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/buf.h"

/* A string of n copies of c, in a static area (n < 4096). */
static const char *repeat(char c, size_t n) {
  static char text[4096];
  assert_true(n < sizeof text);
  memset(text, c, n);
  text[n] = '\0';
  return text;
}

/* EVIDENCE: STYLE.md 11 — appending past the ceiling fails with its own status. */
static void buf_refuses_to_grow_past_its_ceiling(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 8);
  assert_int_equal(buf_append_str(&b, "12345678"), SH_OK);
  assert_int_equal(buf_append_str(&b, "9"), SH_ERR_TOO_LARGE);
  assert_int_equal(b.len, 8);
  assert_string_equal(b.data, "12345678");
  buf_free(&b);
}

/* EVIDENCE: STYLE.md 11 */
static void buf_leaves_its_content_unchanged_when_an_append_is_refused(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 10);
  assert_int_equal(buf_append_str(&b, "abcdef"), SH_OK);
  /* 6 + 5 = 11 > 10: refused as a whole, never cut to fit. */
  assert_int_equal(buf_append(&b, "ghijk", 5), SH_ERR_TOO_LARGE);
  assert_int_equal(b.len, 6);
  assert_string_equal(b.data, "abcdef");
  /* 6 + 4 = 10 fits exactly. */
  assert_int_equal(buf_append(&b, "ghij", 4), SH_OK);
  assert_int_equal(b.len, 10);
  assert_string_equal(b.data, "abcdefghij");
  buf_free(&b);
}

/* EVIDENCE: STYLE.md 11 */
static void buf_with_a_zero_ceiling_takes_only_empty_appends(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 0);
  assert_int_equal(buf_append(&b, "", 0), SH_OK);
  assert_non_null(b.data);
  assert_string_equal(b.data, "");
  assert_int_equal(buf_append_str(&b, "x"), SH_ERR_TOO_LARGE);
  assert_int_equal(b.len, 0);
  buf_free(&b);
}

static void buf_is_terminated_after_an_empty_append(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 16);
  assert_null(b.data);
  assert_int_equal(buf_append(&b, "", 0), SH_OK);
  assert_non_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.data[0], '\0');
  buf_free(&b);
}

static void buf_keeps_nul_bytes_of_a_binary_append(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 16);
  assert_int_equal(buf_append(&b, "a\0b", 3), SH_OK);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "a\0b\0", 4);
  buf_free(&b);
}

static void buf_grows_over_many_small_appends(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 1000);
  for (int i = 0; i < 100; i++)
    assert_int_equal(buf_append_str(&b, "0123456789"), SH_OK);
  assert_int_equal(b.len, 1000);
  assert_true(b.cap > b.len);
  for (size_t i = 0; i < 1000; i++)
    assert_int_equal(b.data[i], '0' + (int)(i % 10));
  assert_int_equal(b.data[1000], '\0');
  assert_int_equal(buf_append_str(&b, "x"), SH_ERR_TOO_LARGE);
  buf_free(&b);
}

static void buf_printf_formats_short_text(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 64);
  assert_int_equal(buf_printf(&b, "%s-%04d", "SH", 7), SH_OK);
  assert_int_equal(buf_printf(&b, "/%lld", (long long)-12), SH_OK);
  assert_string_equal(b.data, "SH-0007/-12");
  assert_int_equal(b.len, 11);
  buf_free(&b);
}

/* 255 characters still fit the 256-byte stack buffer with its NUL; 256 need the long path. */
static void buf_printf_grows_past_its_stack_buffer(void **state) {
  (void)state;
  static const size_t sizes[] = {255, 256, 257, 1000, 3000};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_append_str(&b, "<"), SH_OK);
    assert_int_equal(buf_printf(&b, "%s", repeat('x', sizes[k])), SH_OK);
    assert_int_equal(b.len, sizes[k] + 1);
    assert_int_equal(strlen(b.data), sizes[k] + 1);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[sizes[k]], 'x');
    assert_int_equal(buf_append_str(&b, ">"), SH_OK);
    assert_int_equal(b.len, sizes[k] + 2);
    assert_int_equal(b.data[sizes[k] + 1], '>');
    buf_free(&b);
  }
}

/* EVIDENCE: STYLE.md 11 */
static void buf_printf_refuses_text_past_the_ceiling_and_changes_nothing(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 300);
  assert_int_equal(buf_append_str(&b, "head"), SH_OK);
  /* Short path: 4 + 297 = 301 > 300. */
  assert_int_equal(buf_printf(&b, "%s", repeat('y', 297)), SH_ERR_TOO_LARGE);
  assert_int_equal(b.len, 4);
  assert_string_equal(b.data, "head");
  /* Long path (over 255 characters): 4 + 400 > 300. */
  assert_int_equal(buf_printf(&b, "%s", repeat('z', 400)), SH_ERR_TOO_LARGE);
  assert_int_equal(b.len, 4);
  assert_string_equal(b.data, "head");
  /* Long path that fits exactly: 4 + 296 = 300. */
  assert_int_equal(buf_printf(&b, "%s", repeat('w', 296)), SH_OK);
  assert_int_equal(b.len, 300);
  assert_int_equal(strlen(b.data), 300);
  buf_free(&b);
}

static void buf_detach_hands_over_the_data_and_resets_the_buffer(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 32);
  assert_int_equal(buf_append_str(&b, "售后"), SH_OK);
  char *text = buf_detach(&b);
  assert_non_null(text);
  assert_string_equal(text, "售后");
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
  /* The buffer is usable again, with the same ceiling. */
  assert_int_equal(buf_append_str(&b, "服务"), SH_OK);
  assert_string_equal(b.data, "服务");
  assert_string_equal(text, "售后");
  free(text);
  buf_free(&b);
}

static void buf_detach_of_an_empty_buffer_gives_an_empty_string(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 32);
  char *text = buf_detach(&b);
  assert_non_null(text);
  assert_string_equal(text, "");
  free(text);
  buf_free(&b);
}

static void buf_free_accepts_null_and_a_freed_buffer(void **state) {
  (void)state;
  buf_free(NULL);
  struct buf b;
  buf_init(&b, 8);
  buf_free(&b);
  assert_int_equal(buf_append_str(&b, "ab"), SH_OK);
  buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(buf_refuses_to_grow_past_its_ceiling),
      cmocka_unit_test(buf_leaves_its_content_unchanged_when_an_append_is_refused),
      cmocka_unit_test(buf_with_a_zero_ceiling_takes_only_empty_appends),
      cmocka_unit_test(buf_is_terminated_after_an_empty_append),
      cmocka_unit_test(buf_keeps_nul_bytes_of_a_binary_append),
      cmocka_unit_test(buf_grows_over_many_small_appends),
      cmocka_unit_test(buf_printf_formats_short_text),
      cmocka_unit_test(buf_printf_grows_past_its_stack_buffer),
      cmocka_unit_test(buf_printf_refuses_text_past_the_ceiling_and_changes_nothing),
      cmocka_unit_test(buf_detach_hands_over_the_data_and_resets_the_buffer),
      cmocka_unit_test(buf_detach_of_an_empty_buffer_gives_an_empty_string),
      cmocka_unit_test(buf_free_accepts_null_and_a_freed_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
