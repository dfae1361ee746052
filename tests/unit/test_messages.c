/* test_messages.c — src/api/messages.c against docs/errors.md (STYLE.md 6): every error code
 * with a message of its own has a "## `code`" heading there, and a message in both languages.
 * Runs with the working directory tests/unit (meson.build), so the doc is ../../docs/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/api/messages.h"

#define ERRORS_MD "../../docs/errors.md"

/* The whole file as a NUL-terminated string, NULL if it cannot be read. Caller frees. */
static char *read_whole(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, len = 0, n;
  char *text = malloc(cap);
  while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *bigger = realloc(text, cap * 2);
      if (!bigger)
        free(text);
      text = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (text)
    text[len] = '\0';
  return text;
}

/* True if doc has a line that is exactly "## `code`" (trailing spaces allowed). */
static bool has_heading(const char *doc, const char *code) {
  char heading[96];
  snprintf(heading, sizeof heading, "## `%s`", code);
  size_t n = strlen(heading);
  for (const char *line = doc; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    while (len > n && (line[len - 1] == ' ' || line[len - 1] == '\r'))
      len--;
    if (len == n && memcmp(line, heading, n) == 0)
      return true;
    line = end ? end + 1 : NULL;
  }
  return false;
}

static void every_message_code_has_a_heading_in_errors_md(void **state) {
  (void)state;
  char *doc = read_whole(ERRORS_MD);
  if (!doc)
    fail_msg("cannot read %s (run with the working directory tests/unit)", ERRORS_MD);
  size_t codes = 0, missing = 0;
  for (size_t i = 0; api_message_code(i); i++, codes++) {
    if (!has_heading(doc, api_message_code(i))) {
      print_error("docs/errors.md has no heading ## `%s`\n", api_message_code(i));
      missing++;
    }
  }
  free(doc);
  assert_true(codes > 0);
  assert_int_equal(missing, 0);
}

static void every_message_code_has_a_message_in_both_languages(void **state) {
  (void)state;
  for (size_t i = 0; api_message_code(i); i++) {
    struct sh_error err;
    char zh[512], en[512];
    sh_fail(&err, SH_ERR_INVALID, api_message_code(i), "name", "detail");
    api_message(API_LANG_ZH, &err, zh, sizeof zh);
    api_message(API_LANG_EN, &err, en, sizeof en);
    if (!zh[0] || !en[0] || strstr(zh, "%s") || strstr(en, "%s"))
      fail_msg("code %s: message \"%s\" / \"%s\"", api_message_code(i), zh, en);
  }
}

static void a_code_without_a_message_falls_back_to_its_status(void **state) {
  (void)state;
  struct sh_error err;
  char text[512], expected[512];
  sh_fail(&err, SH_ERR_NOT_FOUND, "no_such_code_anywhere", NULL, NULL);
  api_message(API_LANG_EN, &err, text, sizeof text);
  sh_fail(&err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  api_message(API_LANG_EN, &err, expected, sizeof expected);
  assert_string_equal(text, expected);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_message_code_has_a_heading_in_errors_md),
      cmocka_unit_test(every_message_code_has_a_message_in_both_languages),
      cmocka_unit_test(a_code_without_a_message_falls_back_to_its_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
