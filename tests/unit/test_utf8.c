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
#include <stdlib.h>
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

/* ---- utf8_clip and utf8_trim_tail -------------------------------------------------------- *
 * Character boundaries are worked out by hand from RFC 3629's lengths: a first byte 0xxxxxxx
 * starts 1 byte, 110xxxxx 2, 1110xxxx 3, 11110xxx 4. */

static void utf8_clip_keeps_ascii_up_to_the_limit(void **state) {
  (void)state;
  assert_int_equal(utf8_clip("abcdef", 0), 0);
  assert_int_equal(utf8_clip("abcdef", 3), 3);
  assert_int_equal(utf8_clip("abcdef", 6), 6);  /* exact fit: s[6] is the NUL */
  assert_int_equal(utf8_clip("abcdef", 10), 6); /* shorter than the limit: all of it */
  assert_int_equal(utf8_clip("", 0), 0);
  assert_int_equal(utf8_clip("", 5), 0);
}

/* "a修😀é" is 61 | E4 BF AE | F0 9F 98 80 | C3 A9: 10 bytes, characters starting at byte
 * offsets 0, 1, 4, 8, so the boundaries are 0, 1, 4, 8 and 10. A cut at k keeps the largest
 * boundary <= k. */
static const char mixed[] = "a\xe4\xbf\xae\xf0\x9f\x98\x80\xc3\xa9";
static const size_t mixed_clip[12] = {0, 1, 1, 1, 4, 4, 4, 4, 8, 8, 10, 10};

static void utf8_clip_cuts_2_3_and_4_byte_characters_at_every_byte(void **state) {
  (void)state;
  assert_int_equal(sizeof mixed - 1, 10);
  for (size_t k = 0; k < 12; k++) {
    if (utf8_clip(mixed, k) != mixed_clip[k])
      fail_msg("max %zu: got %zu, expected %zu", k, utf8_clip(mixed, k), mixed_clip[k]);
  }
}

static void utf8_clip_of_chinese_text_ends_on_a_whole_character(void **state) {
  (void)state;
  /* 修修 is E4 BF AE E4 BF AE: boundaries 0, 3, 6. */
  assert_int_equal(utf8_clip("修修", 1), 0);
  assert_int_equal(utf8_clip("修修", 2), 0);
  assert_int_equal(utf8_clip("修修", 3), 3);
  assert_int_equal(utf8_clip("修修", 5), 3);
  assert_int_equal(utf8_clip("修修", 6), 6);
  /* 700 × 漏 (E6 BC 8F) = 2100 bytes; 600 bytes is exactly 200 characters, 601 and 602
   * still 200, 1000 bytes is 333 characters (999 bytes). */
  char text[2101];
  for (int i = 0; i < 700; i++)
    memcpy(text + i * 3, "漏", 3);
  text[2100] = '\0';
  assert_int_equal(utf8_clip(text, 600), 600);
  assert_int_equal(utf8_clip(text, 601), 600);
  assert_int_equal(utf8_clip(text, 602), 600);
  assert_int_equal(utf8_clip(text, 1000), 999);
  assert_true(utf8_valid(text, utf8_clip(text, 1000)));
}

static void utf8_clip_reads_nothing_past_the_terminator(void **state) {
  (void)state;
  /* A heap copy of exactly strlen + 1 bytes: AddressSanitizer would report a read past it. */
  char *s = strdup("a\xe4\xbf\xae");
  assert_non_null(s);
  assert_int_equal(utf8_clip(s, 4), 4);
  assert_int_equal(utf8_clip(s, 100), 4);
  assert_int_equal(utf8_clip(s, 3), 1);
  free(s);
}

static void utf8_trim_tail_drops_a_cut_character_at_every_byte(void **state) {
  (void)state;
  /* The first k bytes of mixed, as snprintf leaves them in a buffer of k + 1 bytes: what
   * stays is the part up to the last boundary, the same lengths as mixed_clip. */
  for (size_t k = 0; k <= 10; k++) {
    char buf[16];
    snprintf(buf, k + 1, "%s", mixed);
    assert_int_equal(strlen(buf), k);
    utf8_trim_tail(buf);
    if (strlen(buf) != mixed_clip[k])
      fail_msg("first %zu bytes: kept %zu, expected %zu", k, strlen(buf), mixed_clip[k]);
    assert_memory_equal(buf, mixed, strlen(buf));
  }
}

static void utf8_trim_tail_leaves_whole_text_alone(void **state) {
  (void)state;
  char ascii[] = "abc", empty[] = "", chinese[] = "售后", two[] = "\xc3\xa9",
       four[] = "\xf0\x9f\x98\x80";
  utf8_trim_tail(ascii);
  utf8_trim_tail(empty);
  utf8_trim_tail(chinese);
  utf8_trim_tail(two);
  utf8_trim_tail(four);
  assert_string_equal(ascii, "abc");
  assert_string_equal(empty, "");
  assert_string_equal(chinese, "售后");
  assert_string_equal(two, "\xc3\xa9");
  assert_string_equal(four, "\xf0\x9f\x98\x80");
}

static void utf8_trim_tail_of_a_lone_first_byte_leaves_nothing(void **state) {
  (void)state;
  char three[] = "\xe4", three2[] = "\xe4\xbf", four3[] = "\xf0\x9f\x98", two1[] = "\xc3";
  utf8_trim_tail(three);
  utf8_trim_tail(three2);
  utf8_trim_tail(four3);
  utf8_trim_tail(two1);
  assert_string_equal(three, "");
  assert_string_equal(three2, "");
  assert_string_equal(four3, "");
  assert_string_equal(two1, "");
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
      cmocka_unit_test(utf8_clip_keeps_ascii_up_to_the_limit),
      cmocka_unit_test(utf8_clip_cuts_2_3_and_4_byte_characters_at_every_byte),
      cmocka_unit_test(utf8_clip_of_chinese_text_ends_on_a_whole_character),
      cmocka_unit_test(utf8_clip_reads_nothing_past_the_terminator),
      cmocka_unit_test(utf8_trim_tail_drops_a_cut_character_at_every_byte),
      cmocka_unit_test(utf8_trim_tail_leaves_whole_text_alone),
      cmocka_unit_test(utf8_trim_tail_of_a_lone_first_byte_leaves_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
