/* test_base.c — src/base/buf.c and utf8.c: the ceiling of a buffer and the UTF-8 rules that
 * every request body and query passes through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/buf.h"
#include "../../src/base/utf8.h"

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

static void utf8_rejects_overlong_surrogates_and_nul(void **state) {
  (void)state;
  assert_true(utf8_valid("售后服务", strlen("售后服务")));
  assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong "/" */
  assert_false(utf8_valid("\xed\xa0\x80", 3));     /* U+D800, a surrogate */
  assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* U+110000, past the last code point */
  assert_false(utf8_valid("a\0b", 3));             /* NUL would cut the text short */
  assert_false(utf8_valid("\xe5\x94", 2));         /* truncated 售 */
}

static void utf8_fold_turns_full_width_into_half_width(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 64);
  /* "１３８ＡＢ　c" → "138ab c" */
  assert_int_equal(utf8_fold(&b, "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\xa1\xef\xbc\xa2"
                                 "\xe3\x80\x80"
                                 "c"),
                   SH_OK);
  assert_string_equal(b.data, "138ab c");
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(buf_refuses_to_grow_past_its_ceiling),
      cmocka_unit_test(utf8_rejects_overlong_surrogates_and_nul),
      cmocka_unit_test(utf8_fold_turns_full_width_into_half_width),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
