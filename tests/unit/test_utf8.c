/* test_utf8.c — src/base/utf8.c: the UTF-8 check every request body and query passes through
 * (RFC 3629, no NUL), the character count that field lengths use, and the width folding of
 * search (DESIGN.md "Search": full-width digits and letters folded to half-width).
 *
 * The validity cases are a table, tests/unit/data/utf8_valid.cases, one byte sequence a
 * line, so a new case is one new line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/buf.h"
#include "../../src/base/utf8.h"

/* Cuts a "# comment" off a line. */
static void strip_comment(char *line) {
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
}

/* Reads the hex bytes of a case ("-" for none) into out; returns their number. */
static size_t parse_hex_bytes(const char *text, char *out, size_t max) {
  size_t n = 0;
  unsigned byte;
  int used;
  char dash[2];
  if (sscanf(text, " %1[-]", dash) == 1)
    return 0;
  while (sscanf(text, " %2x%n", &byte, &used) == 1) {
    assert_true(n < max);
    out[n++] = (char)byte;
    text += used;
  }
  return n;
}

/* EVIDENCE: DESIGN.md API conventions (400 on bad UTF-8); RFC 3629 §4 */
static void utf8_valid_agrees_with_every_case_of_the_table(void **state) {
  (void)state;
  FILE *f = fopen("data/utf8_valid.cases", "r");
  assert_non_null(f);
  char line[256];
  int cases = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    strip_comment(line);
    char verdict[16];
    int used;
    if (sscanf(line, " %15s%n", verdict, &used) != 1)
      continue;
    char bytes[32];
    size_t n = parse_hex_bytes(line + used, bytes, sizeof bytes);
    bool expected = strcmp(verdict, "valid") == 0;
    assert_true(expected || strcmp(verdict, "invalid") == 0);
    if (utf8_valid(bytes, n) != expected)
      fail_msg("data/utf8_valid.cases line %d: expected %s", lineno, verdict);
    cases++;
  }
  fclose(f);
  assert_true(cases >= 50);
}

static void utf8_valid_reads_only_the_given_length(void **state) {
  (void)state;
  /* 售 is E5 94 AE: cut at two bytes by the length, it is truncated even though the third
   * byte follows in memory. */
  assert_false(utf8_valid("\xe5\x94\xae", 2));
  assert_true(utf8_valid("\xe5\x94\xae", 3));
  /* A NUL past the given length is not looked at. */
  assert_true(utf8_valid("ab\0", 2));
  assert_true(utf8_valid("", 0));
}

static void utf8_length_counts_characters_not_bytes(void **state) {
  (void)state;
  assert_int_equal(utf8_length(""), 0);
  assert_int_equal(utf8_length("abc"), 3);
  assert_int_equal(utf8_length("售后服务"), 4);         /* 12 bytes */
  assert_int_equal(utf8_length("a售b"), 3);             /* 5 bytes */
  assert_int_equal(utf8_length("\xc2\x80\xdf\xbf"), 2); /* two 2-byte characters */
  assert_int_equal(utf8_length("\xf0\x9f\x98\x80"), 1); /* one emoji, 4 bytes */
  assert_int_equal(utf8_length("１３８"), 3);           /* full-width digits, 9 bytes */
}

static void utf8_length_of_a_hundred_chinese_characters_is_a_hundred(void **state) {
  (void)state;
  char text[301];
  for (int i = 0; i < 100; i++)
    memcpy(text + i * 3, "修", 3);
  text[300] = '\0';
  assert_int_equal(utf8_length(text), 100);
}

/* Folds s into a fresh buffer and checks the result. */
static void assert_folds_to(const char *s, const char *expected) {
  struct buf b;
  buf_init(&b, 1024);
  assert_int_equal(utf8_fold(&b, s), SH_OK);
  assert_non_null(b.data);
  assert_string_equal(b.data, expected);
  buf_free(&b);
}

/* EVIDENCE: DESIGN.md Search — full-width folded to half-width */
static void utf8_fold_turns_full_width_into_half_width(void **state) {
  (void)state;
  /* "１３８ＡＢ　c" → "138ab c" */
  assert_folds_to("\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\xa1\xef\xbc\xa2"
                  "\xe3\x80\x80"
                  "c",
                  "138ab c");
}

/* Every code point U+FF01..U+FF5E is the ASCII character 0xFEE0 below it (U+FF01 ！ → '!',
 * U+FF5E ～ → '~'), with capitals then lowered. The UTF-8 form is written out from the code
 * point by the RFC 3629 bit layout 1110xxxx 10xxxxxx 10xxxxxx. */
/* EVIDENCE: DESIGN.md Search */
static void utf8_fold_maps_the_whole_full_width_ascii_block(void **state) {
  (void)state;
  for (unsigned cp = 0xFF01; cp <= 0xFF5E; cp++) {
    char in[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                  (char)(0x80 | (cp & 0x3F)), '\0'};
    char ascii = (char)(cp - 0xFEE0);
    if (ascii >= 'A' && ascii <= 'Z')
      ascii = (char)(ascii + ('a' - 'A'));
    char expected[2] = {ascii, '\0'};
    assert_folds_to(in, expected);
  }
}

/* EVIDENCE: DESIGN.md Search */
static void utf8_fold_spot_checks_of_the_full_width_block(void **state) {
  (void)state;
  assert_folds_to("！", "!"); /* U+FF01, first of the block */
  assert_folds_to("～", "~"); /* U+FF5E, last of the block */
  assert_folds_to("０９", "09");
  assert_folds_to("ＡＺ", "az");
  assert_folds_to("ａｚ", "az");
  assert_folds_to("＠［｀｛", "@[`{");
  assert_folds_to("（８６）１３８－０５７１", "(86)138-0571");
}

/* EVIDENCE: DESIGN.md Search */
static void utf8_fold_lowers_ascii_capitals_and_the_ideographic_space(void **state) {
  (void)state;
  assert_folds_to("ABC xyz", "abc xyz");
  assert_folds_to("@[`{", "@[`{"); /* neighbours of A-Z and a-z stay */
  assert_folds_to("浙江　杭州", "浙江 杭州");
}

/* EVIDENCE: DESIGN.md Search */
static void utf8_fold_leaves_everything_else_alone(void **state) {
  (void)state;
  assert_folds_to("售后服务", "售后服务");
  assert_folds_to("\xef\xbc\x80", "\xef\xbc\x80"); /* U+FF00, just before the block */
  assert_folds_to("\xef\xbd\x9f", "\xef\xbd\x9f"); /* U+FF5F ｟, just after it */
  assert_folds_to("\xef\xbf\xa5", "\xef\xbf\xa5"); /* U+FFE5 ￥ full-width yen */
  assert_folds_to("\xe3\x80\x81", "\xe3\x80\x81"); /* U+3001 、 */
  assert_folds_to("\xe3\x80\x82", "\xe3\x80\x82"); /* U+3002 。 */
  assert_folds_to("Ａ售　Ｂ", "a售 b");
  assert_folds_to("", "");
}

static void utf8_fold_does_not_read_past_a_truncated_ending(void **state) {
  (void)state;
  /* Inputs that end inside what looks like a full-width character are copied byte by byte. */
  assert_folds_to("a\xef", "a\xef");
  assert_folds_to("a\xef\xbc", "a\xef\xbc");
  assert_folds_to("a\xe3\x80", "a\xe3\x80");
}

/* EVIDENCE: STYLE.md 11 */
static void utf8_fold_stops_at_the_ceiling_of_the_buffer(void **state) {
  (void)state;
  struct buf b;
  buf_init(&b, 3);
  assert_int_equal(utf8_fold(&b, "ＡＢＣＤ"), SH_ERR_TOO_LARGE);
  assert_true(b.len <= 3);
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(utf8_valid_agrees_with_every_case_of_the_table),
      cmocka_unit_test(utf8_valid_reads_only_the_given_length),
      cmocka_unit_test(utf8_length_counts_characters_not_bytes),
      cmocka_unit_test(utf8_length_of_a_hundred_chinese_characters_is_a_hundred),
      cmocka_unit_test(utf8_fold_turns_full_width_into_half_width),
      cmocka_unit_test(utf8_fold_maps_the_whole_full_width_ascii_block),
      cmocka_unit_test(utf8_fold_spot_checks_of_the_full_width_block),
      cmocka_unit_test(utf8_fold_lowers_ascii_capitals_and_the_ideographic_space),
      cmocka_unit_test(utf8_fold_leaves_everything_else_alone),
      cmocka_unit_test(utf8_fold_does_not_read_past_a_truncated_ending),
      cmocka_unit_test(utf8_fold_stops_at_the_ceiling_of_the_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
