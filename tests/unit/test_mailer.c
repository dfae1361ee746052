/* test_mailer.c — src/jobs/mailer.c: notification mail formatted to RFC 5322 / MIME with
 * Chinese subjects as RFC 2047 encoded-words, the retry delays, and sending over SMTP.
 *
 * Formatting is checked by reading the message back the way a client would: headers unfolded,
 * encoded-words and the base64 body decoded and compared with the original text. Sending goes
 * to a real SMTP server, data/smtp_sink.py (aiosmtpd), started per test on a port of its
 * choosing; it writes what it accepted to a temporary folder, with what Python's mail parser
 * reads in it, and refuses recipients named reject… (550) or defer… (451). Cases are tables under
 * tests/unit/data/ (mailer_*.cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/base/utf8.h"
#include "../../src/jobs/mailer.h"

extern char **environ;

/* Debian's python3, which python3-aiosmtpd installs into (a pyenv python3 on PATH lacks it). */
#define PYTHON "/usr/bin/python3"
#define SINK "data/smtp_sink.py"

#define SUBJECT "【工单SH-20261128-0007】技术人员到场时限即将到期：请于2026-11-29 09:30前到达"
static const char BODY[] = "张工：\n\n工单 SH-20261128-0007（客户：华东制冷设备有限公司）的"
                           "技术人员到场时限为 2026-11-29 09:30。\r\n请及时安排。\n";
/* BODY in canonical form: every line break CRLF. */
static const char BODY_CRLF[] = "张工：\r\n\r\n工单 SH-20261128-0007（客户：华东制冷设备有限公司）"
                                "的技术人员到场时限为 2026-11-29 09:30。\r\n请及时安排。\r\n";
/* 2026-11-28 09:30:00 +0800. */
#define NOW INT64_C(1795829400)
#define MESSAGE_MAX (1024 * 1024)

static const struct mail_address RECIPIENTS[] = {
    {"张工", "zhang.gong@example.com"},
    {NULL, "li@example.com"},
};

static struct mail sample_mail(void) {
  struct mail mail = {
      .id = 7,
      .created_at = 1795820000,
      .from = {"售后服务部", "noreply@example.com"},
      .to = RECIPIENTS,
      .to_count = 2,
      .subject = SUBJECT,
      .body = BODY,
  };
  return mail;
}

/* ---- case tables (as in test_timefmt.c) ---------------------------------------------------- */

struct cases {
  FILE *file;
  const char *path;
  int lineno;
  char line[512];
};

static void cases_open(struct cases *c, const char *path) {
  c->file = fopen(path, "r");
  c->path = path;
  c->lineno = 0;
  if (!c->file)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
}

static bool cases_next(struct cases *c) {
  while (fgets(c->line, sizeof c->line, c->file)) {
    c->lineno++;
    char *hash = strchr(c->line, '#');
    if (hash)
      *hash = '\0';
    size_t n = strlen(c->line);
    while (n && (c->line[n - 1] == ' ' || c->line[n - 1] == '\t' || c->line[n - 1] == '\n' ||
                 c->line[n - 1] == '\r'))
      c->line[--n] = '\0';
    if (strspn(c->line, " \t") < n)
      return true;
  }
  fclose(c->file);
  return false;
}

/* ---- reading a message back ---------------------------------------------------------------- */

static int base64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Decodes padded base64 text[0..n) into out (NUL-terminated); returns the byte count, or -1
 * if the text is not base64. */
static long base64_decode(const char *text, size_t n, char *out, size_t size) {
  size_t o = 0;
  if (n % 4 != 0)
    return -1;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; k++) {
      if (text[i + k] == '=' && i + 4 == n && k >= 2) {
        v[k] = 0;
        pad++;
      } else if (pad || (v[k] = base64_value(text[i + k])) < 0) {
        return -1;
      }
    }
    unsigned long group = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
                          (unsigned long)v[2] << 6 | (unsigned long)v[3];
    if (o + 3 >= size)
      return -1;
    out[o++] = (char)(group >> 16);
    if (pad < 2)
      out[o++] = (char)(group >> 8 & 0xff);
    if (pad < 1)
      out[o++] = (char)(group & 0xff);
  }
  out[o] = '\0';
  return (long)o;
}

/* The header section of a message: everything before the first empty line. */
static size_t header_length(const char *message) {
  const char *end = strstr(message, "\r\n\r\n");
  assert_non_null(end);
  return (size_t)(end - message) + 2;
}

/* The value of header `name`, unfolded (RFC 5322 2.2.3: CRLF before a blank removed), without
 * its leading blanks. */
static void header_value(const char *message, const char *name, char *out, size_t size) {
  size_t headers = header_length(message);
  size_t name_len = strlen(name);
  for (const char *line = message; line < message + headers;) {
    if (strncmp(line, name, name_len) == 0 && line[name_len] == ':') {
      const char *p = line + name_len + 1;
      size_t o = 0;
      for (; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n') {
          if (p[2] != ' ' && p[2] != '\t')
            break;
          p++;
          continue;
        }
        if (o == 0 && (*p == ' ' || *p == '\t'))
          continue; /* leading blanks, also after a fold right behind the colon */
        assert_true(o + 1 < size);
        out[o++] = *p;
      }
      out[o] = '\0';
      return;
    }
    line = strstr(line, "\r\n") + 2;
  }
  fail_msg("no %s header in:\n%s", name, message);
}

/* Decodes a phrase of encoded-words separated by blanks into out. Each word must be
 * =?UTF-8?B?…?=, at most 75 characters, and hold whole UTF-8 characters on its own. */
static void decode_words(const char *phrase, char *out, size_t size) {
  size_t o = 0;
  out[0] = '\0';
  for (const char *p = phrase; *p;) {
    if (*p == ' ') {
      p++;
      continue;
    }
    const char *end = strchr(p, ' ');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > 75)
      fail_msg("encoded-word of %zu characters: %.*s", n, (int)n, p);
    if (n < 12 || strncmp(p, "=?UTF-8?B?", 10) != 0 || strncmp(p + n - 2, "?=", 2) != 0)
      fail_msg("not a B encoded-word: %.*s", (int)n, p);
    long got = base64_decode(p + 10, n - 12, out + o, size - o);
    if (got < 0)
      fail_msg("bad base64 in %.*s", (int)n, p);
    if (!utf8_valid(out + o, (size_t)got))
      fail_msg("encoded-word splits a UTF-8 character: %.*s", (int)n, p);
    o += (size_t)got;
    p += n;
  }
}

/* Every line ends in CRLF, no CR or LF stands alone, header lines are at most 78 characters
 * and body lines at most 76. */
static void assert_lines(const char *message, size_t len) {
  size_t headers = header_length(message);
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (message[i] == '\r' && (i + 1 >= len || message[i + 1] != '\n'))
      fail_msg("bare CR at byte %zu", i);
    if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
      fail_msg("bare LF at byte %zu", i);
    if (message[i] == '\n') {
      size_t width = i - 1 - start;
      size_t limit = start < headers ? 78 : 76;
      if (width > limit)
        fail_msg("line of %zu characters (limit %zu): %.*s", width, limit, (int)width,
                 message + start);
      start = i + 1;
    }
  }
  assert_int_equal(start, len); /* the message ends with CRLF */
}

/* Decodes the base64 body of a message into out. */
static void decode_body(const char *message, char *out, size_t size) {
  const char *body = message + header_length(message) + 2;
  char *joined = calloc(strlen(body) + 1, 1);
  size_t n = 0;
  assert_non_null(joined);
  for (const char *p = body; *p; p++)
    if (*p != '\r' && *p != '\n')
      joined[n++] = *p;
  long got = base64_decode(joined, n, out, size);
  free(joined);
  assert_true(got >= 0);
}

static char *format_sample(const struct mail *mail, size_t *len) {
  struct buf out;
  struct sh_error err;
  buf_init(&out, MESSAGE_MAX);
  enum sh_status rc = mailer_format(mail, NOW, "shouhou.example.com", &out, &err);
  if (rc != SH_OK)
    fail_msg("mailer_format: %s %s %s", err.code, err.field, err.detail);
  *len = out.len;
  return buf_detach(&out);
}

/* ---- formatting ---------------------------------------------------------------------------- */

static void mailer_format_subject_decodes_back_to_the_chinese_subject(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  char value[1024], decoded[1024];
  header_value(message, "Subject", value, sizeof value);
  decode_words(value, decoded, sizeof decoded);
  assert_string_equal(decoded, SUBJECT);
  assert_lines(message, len);
  free(message);
}

/* Long subjects, four-byte characters and plain ASCII all fold into words of whole characters
 * on lines of at most 78. */
static void mailer_format_folds_any_subject_into_short_lines_of_whole_characters(void **state) {
  (void)state;
  static char long_chinese[3 * 400 + 1], emoji[4 * 100 + 1], ascii[500 + 1];
  long_chinese[0] = emoji[0] = '\0';
  for (int i = 0; i < 400; i++)
    memcpy(long_chinese + 3 * i, i % 2 ? "修" : "机", 4);
  for (int i = 0; i < 100; i++)
    memcpy(emoji + 4 * i, "\xf0\x9f\x94\xa7", 5); /* U+1F527 wrench */
  memset(ascii, 'a', 500);
  ascii[500] = '\0';
  const char *subjects[] = {SUBJECT,
                            long_chinese,
                            emoji,
                            ascii,
                            "x",
                            "=?UTF-8?B?5ZSu?= 假",
                            "a mixed 主题 with 😀 and \"quotes\""};
  for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
    struct mail mail = sample_mail();
    mail.subject = subjects[i];
    size_t len;
    char *message = format_sample(&mail, &len);
    static char value[8192], decoded[8192];
    header_value(message, "Subject", value, sizeof value);
    decode_words(value, decoded, sizeof decoded);
    assert_string_equal(decoded, subjects[i]);
    assert_lines(message, len);
    free(message);
  }
}

static void mailer_format_encodes_chinese_names_and_quotes_ascii_ones(void **state) {
  (void)state;
  struct mail_address to[] = {{"Wang \"Xiao\" Er\\", "wang@example.com"},
                              {"", "nobody@example.com"}};
  struct mail mail = sample_mail();
  mail.to = to;
  mail.to_count = 2;
  size_t len;
  char *message = format_sample(&mail, &len);
  char value[1024], decoded[1024];
  header_value(message, "From", value, sizeof value);
  char *angle = strstr(value, " <");
  assert_non_null(angle);
  assert_string_equal(angle, " <noreply@example.com>");
  *angle = '\0';
  decode_words(value, decoded, sizeof decoded);
  assert_string_equal(decoded, "售后服务部");
  header_value(message, "To", value, sizeof value);
  assert_string_equal(value, "\"Wang \\\"Xiao\\\" Er\\\\\" <wang@example.com>, nobody@example.com");
  assert_lines(message, len);
  free(message);
}

/* Fifty recipients with long Chinese names: one mailbox a line, every line within 78. */
static void mailer_format_folds_many_recipients(void **state) {
  (void)state;
  static struct mail_address to[MAILER_MAX_RECIPIENTS];
  static char addresses[MAILER_MAX_RECIPIENTS][40];
  const char *name = "华东区域售后服务中心上海分部现场技术支持工程师组长";
  for (int i = 0; i < MAILER_MAX_RECIPIENTS; i++) {
    snprintf(addresses[i], sizeof addresses[i], "engineer%02d@example.com", i);
    to[i].name = i % 3 ? name : NULL;
    to[i].address = addresses[i];
  }
  struct mail mail = sample_mail();
  mail.to = to;
  mail.to_count = MAILER_MAX_RECIPIENTS;
  size_t len;
  char *message = format_sample(&mail, &len);
  assert_lines(message, len);
  static char value[16384];
  header_value(message, "To", value, sizeof value);
  for (int i = 0; i < MAILER_MAX_RECIPIENTS; i++)
    assert_non_null(strstr(value, addresses[i]));
  free(message);
  mail.to_count = MAILER_MAX_RECIPIENTS + 1;
  struct buf out;
  struct sh_error err;
  buf_init(&out, MESSAGE_MAX);
  assert_int_equal(mailer_format(&mail, NOW, NULL, &out, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "too_many_items");
  buf_free(&out);
}

static void mailer_format_body_is_base64_of_the_text_with_crlf_line_ends(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  char body[4096];
  decode_body(message, body, sizeof body);
  assert_string_equal(body, BODY_CRLF);
  free(message);
  /* A long body fills whole 76-character lines; an empty one has no line at all. */
  static char big[3 * 2000 + 1];
  for (int i = 0; i < 2000; i++)
    memcpy(big + 3 * i, "售", 4);
  const char *bodies[] = {big, "", "one line, no break", "\r\r\n\n"};
  const char *expected[] = {big, "", "one line, no break", "\r\n\r\n\r\n"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    mail.body = bodies[i];
    message = format_sample(&mail, &len);
    assert_lines(message, len);
    static char decoded[8192];
    decode_body(message, decoded, sizeof decoded);
    assert_string_equal(decoded, expected[i]);
    free(message);
  }
}

static void mailer_format_writes_the_mime_headers(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  char value[256];
  header_value(message, "Message-ID", value, sizeof value);
  assert_string_equal(value, "<shouhou.7.1795820000@shouhou.example.com>");
  header_value(message, "MIME-Version", value, sizeof value);
  assert_string_equal(value, "1.0");
  header_value(message, "Content-Type", value, sizeof value);
  assert_string_equal(value, "text/plain; charset=UTF-8");
  header_value(message, "Content-Transfer-Encoding", value, sizeof value);
  assert_string_equal(value, "base64");
  header_value(message, "Auto-Submitted", value, sizeof value);
  assert_string_equal(value, "auto-generated");
  free(message);
  /* Without a domain the Message-ID takes the From address's. */
  struct buf out;
  buf_init(&out, MESSAGE_MAX);
  assert_int_equal(mailer_format(&mail, NOW, NULL, &out, NULL), SH_OK);
  header_value(out.data, "Message-ID", value, sizeof value);
  assert_string_equal(value, "<shouhou.7.1795820000@example.com>");
  buf_free(&out);
  /* A long domain moves the Message-ID to a line of its own, still within 78. */
  const char *domain = "notifications.shouhou-customer-service.example.com";
  buf_init(&out, MESSAGE_MAX);
  assert_int_equal(mailer_format(&mail, NOW, domain, &out, NULL), SH_OK);
  assert_lines(out.data, out.len);
  header_value(out.data, "Message-ID", value, sizeof value);
  assert_string_equal(value, "<shouhou.7.1795820000@notifications.shouhou-customer-service."
                             "example.com>");
  assert_non_null(strstr(out.data, "\r\nMessage-ID:\r\n <shouhou."));
  buf_free(&out);
}

static void mailer_format_dates_at_plus_0800(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/mailer_date.cases");
  while (cases_next(&c)) {
    long long now;
    int skip = 0;
    if (sscanf(c.line, "%lld %n", &now, &skip) != 1)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct mail mail = sample_mail();
    struct buf out;
    struct sh_error err;
    buf_init(&out, MESSAGE_MAX);
    if (mailer_format(&mail, now, NULL, &out, &err) != SH_OK)
      fail_msg("%s line %d: %s %s", c.path, c.lineno, err.code, err.field);
    char value[128];
    header_value(out.data, "Date", value, sizeof value);
    if (strcmp(value, c.line + skip) != 0)
      fail_msg("%s line %d: expected %s, got %s", c.path, c.lineno, c.line + skip, value);
    buf_free(&out);
    count++;
  }
  assert_true(count >= 7);
}

/* Formats mail into a buffer holding "keep"; expects status, code and field, and the buffer
 * as it was. */
static void expect_refused(const struct mail *mail, const char *domain, enum sh_status status,
                           const char *code, const char *field) {
  struct buf out;
  struct sh_error err;
  buf_init(&out, MESSAGE_MAX);
  assert_int_equal(buf_append_str(&out, "keep"), SH_OK);
  enum sh_status rc = mailer_format(mail, NOW, domain, &out, &err);
  if (rc != status || strcmp(err.code, code) != 0 || strcmp(err.field, field) != 0)
    fail_msg("expected %s %s %s, got %s %s %s", sh_strerror(status), code, field, sh_strerror(rc),
             rc ? err.code : "", rc ? err.field : "");
  assert_int_equal(out.len, 4);
  assert_string_equal(out.data, "keep");
  buf_free(&out);
}

static void mailer_format_refuses_header_injection(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  mail.subject = "a\r\nBcc: x@y";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_character", "subject");
  mail.subject = "a\nBcc: x@y";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_character", "subject");
  mail.subject = "tab\there";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_character", "subject");
  mail = sample_mail();
  mail.from.name = "售后服务部\r\nBcc: x@y";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_character", "from.name");
  struct mail_address to[] = {{NULL, "a@example.com"}, {"李\rBcc: x@y", "b@example.com"}};
  mail = sample_mail();
  mail.to = to;
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_character", "to[1].name");
  to[1].name = NULL;
  to[1].address = "b@example.com\r\nRCPT TO:<x@y>";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_email", "to[1].address");
  mail = sample_mail();
  expect_refused(&mail, "example.com>\r\nBcc: x@y", SH_ERR_INVALID, "invalid_setting_value",
                 "message_id_domain");
}

static void mailer_format_refuses_invalid_utf8(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  mail.subject = "工单\xe5\x94"; /* a character cut short */
  expect_refused(&mail, NULL, SH_ERR_MALFORMED, "invalid_utf8", "subject");
  mail = sample_mail();
  mail.body = "正文\xff";
  expect_refused(&mail, NULL, SH_ERR_MALFORMED, "invalid_utf8", "body");
  mail = sample_mail();
  mail.from.name = "\xc0\xaf"; /* an overlong '/' */
  expect_refused(&mail, NULL, SH_ERR_MALFORMED, "invalid_utf8", "from.name");
  mail.from.name = "\xed\xa0\x80"; /* a surrogate */
  expect_refused(&mail, NULL, SH_ERR_MALFORMED, "invalid_utf8", "from.name");
}

static void mailer_format_refuses_missing_and_out_of_range_values(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  mail.subject = "";
  expect_refused(&mail, NULL, SH_ERR_INVALID, "field_required", "subject");
  mail = sample_mail();
  mail.to_count = 0;
  expect_refused(&mail, NULL, SH_ERR_INVALID, "field_required", "to");
  mail = sample_mail();
  mail.from.address = NULL;
  expect_refused(&mail, NULL, SH_ERR_INVALID, "field_required", "from.address");
  mail = sample_mail();
  mail.id = 0;
  expect_refused(&mail, NULL, SH_ERR_INVALID, "out_of_range", "id");
  mail = sample_mail();
  mail.created_at = -1;
  expect_refused(&mail, NULL, SH_ERR_INVALID, "out_of_range", "created_at");
  struct buf out;
  struct sh_error err;
  buf_init(&out, MESSAGE_MAX);
  mail = sample_mail();
  assert_int_equal(mailer_format(&mail, -1, NULL, &out, &err), SH_ERR_INVALID);
  assert_string_equal(err.field, "now");
  assert_int_equal(mailer_format(&mail, INT64_C(253402272000), NULL, &out, &err), SH_ERR_INVALID);
  assert_string_equal(err.field, "now");
  assert_int_equal(out.len, 0);
  /* Past the buffer's ceiling: too large, and the buffer as it was. */
  struct buf small;
  buf_init(&small, 200);
  assert_int_equal(mailer_format(&mail, NOW, NULL, &small, &err), SH_ERR_TOO_LARGE);
  assert_int_equal(small.len, 0);
  buf_free(&small);
  buf_free(&out);
}

static void mailer_format_takes_only_simple_addresses(void **state) {
  (void)state;
  struct cases c;
  int good = 0, bad = 0;
  cases_open(&c, "data/mailer_address.cases");
  while (cases_next(&c)) {
    bool ok = strncmp(c.line, "ok ", 3) == 0;
    if (!ok && strncmp(c.line, "bad ", 4) != 0)
      fail_msg("%s line %d: neither ok nor bad", c.path, c.lineno);
    const char *address = c.line + (ok ? 3 : 4);
    address += strspn(address, " ");
    struct mail_address to[] = {{NULL, address}};
    struct mail mail = sample_mail();
    mail.to = to;
    mail.to_count = 1;
    struct buf out;
    struct sh_error err;
    buf_init(&out, MESSAGE_MAX);
    enum sh_status rc = mailer_format(&mail, NOW, NULL, &out, &err);
    if (ok && rc != SH_OK)
      fail_msg("%s line %d: %s refused (%s)", c.path, c.lineno, address, err.code);
    if (!ok && (rc != SH_ERR_INVALID || strcmp(err.code, "invalid_email") != 0 ||
                strcmp(err.field, "to[0].address") != 0))
      fail_msg("%s line %d: %s taken", c.path, c.lineno, address);
    buf_free(&out);
    ok ? good++ : bad++;
  }
  assert_true(good >= 5 && bad >= 25);
  /* What a line of the table cannot hold: outer blanks, control characters, the length. */
  char long_address[300];
  memset(long_address, 'a', 64);
  long_address[64] = '@';
  for (int i = 65; i < 255; i++)
    long_address[i] = (i - 65) % 2 ? '.' : 'b'; /* b.b.b… */
  long_address[254] = 'c';
  long_address[255] = '\0'; /* 255 bytes: one too many */
  const char *refused[] = {" zhang@example.com", "zhang@example.com ", "zhang@exa\tmple.com",
                           "zhang@example.com\n", long_address};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    struct mail mail = sample_mail();
    mail.from.address = refused[i];
    expect_refused(&mail, NULL, SH_ERR_INVALID, "invalid_email", "from.address");
  }
  long_address[254] = '\0'; /* 254 bytes: the most there may be */
  struct mail mail = sample_mail();
  mail.from.address = long_address;
  struct buf out;
  buf_init(&out, MESSAGE_MAX);
  assert_int_equal(mailer_format(&mail, NOW, "example.com", &out, NULL), SH_OK);
  buf_free(&out);
}

/* ---- retries ------------------------------------------------------------------------------- */

static void mailer_backoff_seconds_doubles_from_30_seconds_to_an_hour(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/mailer_backoff.cases");
  while (cases_next(&c)) {
    int attempts, seconds;
    if (sscanf(c.line, "%d %d", &attempts, &seconds) != 2)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    int got = mailer_backoff_seconds(attempts);
    if (got != seconds)
      fail_msg("%s line %d: %d attempts: expected %d, got %d", c.path, c.lineno, attempts, seconds,
               got);
    count++;
  }
  assert_true(count >= 10);
  for (int attempts = 1; attempts < 100; attempts++)
    assert_true(mailer_backoff_seconds(attempts) >= mailer_backoff_seconds(attempts - 1));
}

/* ---- sending ------------------------------------------------------------------------------- */

/* One running smtp_sink.py and the folder it writes to. */
struct sink {
  pid_t pid;
  int port;
  char folder[64];
};

static struct sink sink;

static void sink_stop(struct sink *s) {
  if (s->pid > 0) {
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
  }
}

/* Starts the sink in a mode (plain, starttls, smtps) and waits for the line with its port:
 * it prints it once it listens. */
static int sink_start(const char *mode) {
  memset(&sink, 0, sizeof sink);
  snprintf(sink.folder, sizeof sink.folder, "/tmp/shouhou-mail-XXXXXX");
  if (!mkdtemp(sink.folder))
    return -1;
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  char *argv[] = {"python3", SINK, sink.folder, (char *)mode, NULL};
  int rc = posix_spawn(&sink.pid, PYTHON, &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  char line[32] = "";
  size_t n = 0;
  struct pollfd poller = {fds[0], POLLIN, 0};
  while (rc == 0 && n + 1 < sizeof line && !strchr(line, '\n') && poll(&poller, 1, 15000) == 1) {
    ssize_t got = read(fds[0], line + n, sizeof line - 1 - n);
    if (got <= 0)
      break;
    n += (size_t)got;
    line[n] = '\0';
  }
  close(fds[0]);
  sink.port = (int)strtol(line, NULL, 10);
  if (rc != 0 || sink.port <= 0) {
    fprintf(stderr, "# %s %s did not start (needs python3-aiosmtpd)\n", PYTHON, SINK);
    sink_stop(&sink);
    return -1;
  }
  return 0;
}

static int sink_setup(void **state) {
  (void)state;
  return sink_start("plain");
}

static int sink_setup_starttls(void **state) {
  (void)state;
  return sink_start("starttls");
}

static int sink_setup_smtps(void **state) {
  (void)state;
  return sink_start("smtps");
}

static int sink_teardown(void **state) {
  (void)state;
  sink_stop(&sink);
  DIR *dir = opendir(sink.folder);
  if (dir) {
    struct dirent *entry;
    char path[320];
    while ((entry = readdir(dir))) {
      if (entry->d_name[0] == '.')
        continue;
      snprintf(path, sizeof path, "%s/%s", sink.folder, entry->d_name);
      unlink(path);
    }
    closedir(dir);
    rmdir(sink.folder);
  }
  return 0;
}

/* The whole of a file the sink wrote, or NULL if there is none. */
static char *sink_file(const char *name) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", sink.folder, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *data = calloc(MESSAGE_MAX + 1, 1);
  assert_non_null(data);
  size_t n = fread(data, 1, MESSAGE_MAX, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

static struct mailer_config sink_config(int port) {
  struct mailer_config config = {
      .host = "127.0.0.1", .port = port, .tls = MAILER_TLS_NONE, .helo_domain = "shouhou.test"};
  return config;
}

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Formats and sends mail to port; returns the status and fills err. */
static enum sh_status send_to(int port, enum mailer_tls tls, const struct mail *mail,
                              struct sh_error *err) {
  size_t len;
  char *message = format_sample(mail, &len);
  struct mailer_config config = sink_config(port);
  config.tls = tls;
  sh_error_clear(err);
  enum sh_status rc = mailer_send(&config, mail, message, len, err);
  free(message);
  return rc;
}

static void mailer_send_delivers_the_message_to_every_recipient(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  struct mailer_config config = sink_config(sink.port);
  struct sh_error err;
  if (mailer_send(&config, &mail, message, len, &err) != SH_OK)
    fail_msg("mailer_send: %s %s %s", err.code, err.field, err.detail);
  char *received = sink_file("1.eml");
  assert_non_null(received);
  assert_string_equal(received, message); /* byte for byte, CRLF and all */
  char value[1024], decoded[1024];
  header_value(received, "Subject", value, sizeof value);
  decode_words(value, decoded, sizeof decoded);
  assert_string_equal(decoded, SUBJECT);
  /* Python's mail parser, a reader independent of ours, reads the same. */
  char *parsed = sink_file("1.parsed");
  assert_non_null(parsed);
  assert_string_equal(parsed, "subject: " SUBJECT "\n"
                              "from: 售后服务部 <noreply@example.com>\n"
                              "to: 张工 <zhang.gong@example.com>, li@example.com\n"
                              "date: 2026-11-28T09:30:00+08:00\n"
                              "defects: 0\n");
  char *body = sink_file("1.body");
  assert_non_null(body);
  assert_string_equal(body, BODY_CRLF);
  free(body);
  free(parsed);
  char *envelope = sink_file("1.envelope");
  assert_non_null(envelope);
  assert_string_equal(envelope, "from noreply@example.com\n"
                                "to zhang.gong@example.com\n"
                                "to li@example.com\n");
  free(envelope);
  free(received);
  free(message);
}

/* A 5xx to a recipient is permanent: the outbox must not retry. */
static void mailer_send_recipient_refused_with_550_is_permanent(void **state) {
  (void)state;
  struct mail_address to[] = {{NULL, "zhang@example.com"}, {"不存在", "reject.me@example.com"}};
  struct mail mail = sample_mail();
  mail.to = to;
  struct sh_error err;
  assert_int_equal(send_to(sink.port, MAILER_TLS_NONE, &mail, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "mail_rejected");
  assert_string_equal(err.field, "to[1].address");
  assert_string_equal(err.detail, "smtp 550");
  char *received = sink_file("1.eml");
  assert_null(received); /* nobody got it: a later resend cannot deliver twice */
}

/* A 4xx reply is transient: the outbox retries later. */
static void mailer_send_recipient_deferred_with_451_is_transient(void **state) {
  (void)state;
  struct mail_address to[] = {{NULL, "defer@example.com"}};
  struct mail mail = sample_mail();
  mail.to = to;
  mail.to_count = 1;
  struct sh_error err;
  assert_int_equal(send_to(sink.port, MAILER_TLS_NONE, &mail, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_unavailable");
  assert_string_equal(err.detail, "smtp 451");
  assert_null(sink_file("1.eml"));
}

/* STARTTLS required but not offered: nothing is sent in clear, and it is the relay's setup
 * that is wrong, so the message waits. */
static void mailer_send_starttls_not_offered_is_transient_and_sends_nothing(void **state) {
  (void)state;
  struct mail mail = sample_mail();
  struct sh_error err;
  assert_int_equal(send_to(sink.port, MAILER_TLS_STARTTLS, &mail, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_tls_failed");
  assert_null(sink_file("1.eml"));
}

/* A relay that is down is transient, and found out at once. */
static void mailer_send_to_a_closed_port_is_transient_and_quick(void **state) {
  (void)state;
  int port = sink.port;
  sink_stop(&sink);
  struct mail mail = sample_mail();
  struct sh_error err;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  assert_int_equal(send_to(port, MAILER_TLS_NONE, &mail, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_unavailable");
  assert_true(seconds_since(&start) < 5.0);
}

/* A relay that accepts the connection but never greets: the configured timeout ends it. */
static void mailer_send_to_a_silent_relay_times_out_as_transient(void **state) {
  (void)state;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(listener >= 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  assert_int_equal(bind(listener, (struct sockaddr *)&address, sizeof address), 0);
  assert_int_equal(listen(listener, 4), 0);
  assert_int_equal(getsockname(listener, (struct sockaddr *)&address, &size), 0);
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  struct mailer_config config = sink_config(ntohs(address.sin_port));
  config.timeout_seconds = 1;
  struct sh_error err;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  assert_int_equal(mailer_send(&config, &mail, message, len, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_unavailable");
  double took = seconds_since(&start);
  assert_true(took >= 0.9 && took < 5.0);
  free(message);
  close(listener);
}

/* The envelope is checked again: a CR or LF in an address would inject SMTP commands. */
static void mailer_send_refuses_an_unsafe_envelope_before_connecting(void **state) {
  (void)state;
  struct mail_address to[] = {{NULL, "a@example.com>\r\nRCPT TO:<b@example.com"}};
  struct mail mail = sample_mail();
  mail.to = to;
  mail.to_count = 1;
  struct mailer_config config = sink_config(sink.port);
  struct sh_error err;
  assert_int_equal(mailer_send(&config, &mail, "x\r\n", 3, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "invalid_email");
  assert_string_equal(err.field, "to[0].address");
  assert_null(sink_file("1.eml"));
}

/* Reads back what the sink's Python parser made of message N; the subject must be ours. */
static void assert_delivered_subject(const char *name) {
  char *parsed = sink_file(name);
  assert_non_null(parsed);
  assert_true(strncmp(parsed, "subject: " SUBJECT "\n", strlen("subject: " SUBJECT "\n")) == 0);
  free(parsed);
}

static struct mailer_config tls_config(enum mailer_tls tls, const char *password) {
  struct mailer_config config = sink_config(sink.port);
  config.tls = tls;
  config.ca_file = "data/smtp_sink.pem";
  config.username = "notify";
  config.password = password;
  return config;
}

static enum sh_status send_sample(const struct mailer_config *config, struct sh_error *err) {
  struct mail mail = sample_mail();
  size_t len;
  char *message = format_sample(&mail, &len);
  sh_error_clear(err);
  enum sh_status rc = mailer_send(config, &mail, message, len, err);
  free(message);
  return rc;
}

static void mailer_send_starttls_with_login_delivers(void **state) {
  (void)state;
  struct mailer_config config = tls_config(MAILER_TLS_STARTTLS, "secret");
  struct sh_error err;
  if (send_sample(&config, &err) != SH_OK)
    fail_msg("mailer_send: %s %s %s", err.code, err.field, err.detail);
  assert_delivered_subject("1.parsed");
}

static void mailer_send_smtps_with_login_delivers(void **state) {
  (void)state;
  struct mailer_config config = tls_config(MAILER_TLS_IMPLICIT, "secret");
  struct sh_error err;
  if (send_sample(&config, &err) != SH_OK)
    fail_msg("mailer_send: %s %s %s", err.code, err.field, err.detail);
  assert_delivered_subject("1.parsed");
}

/* A refused login is our settings' fault, not the message's: it waits for them. */
static void mailer_send_wrong_password_is_transient(void **state) {
  (void)state;
  struct mailer_config config = tls_config(MAILER_TLS_STARTTLS, "wrong");
  struct sh_error err;
  assert_int_equal(send_sample(&config, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_login_denied");
  assert_null(sink_file("1.eml"));
}

/* The relay's certificate is verified: one no trusted CA signed stops the transaction before
 * the password or the message leave. */
static void mailer_send_untrusted_certificate_sends_nothing(void **state) {
  (void)state;
  struct mailer_config config = tls_config(MAILER_TLS_STARTTLS, "secret");
  config.ca_file = NULL; /* the system's CAs, which never signed the sink's certificate */
  struct sh_error err;
  assert_int_equal(send_sample(&config, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_tls_failed");
  assert_null(sink_file("1.eml"));
  config = tls_config(MAILER_TLS_STARTTLS, "secret");
  config.host = "localhost"; /* in the certificate too: the same sink, now trusted */
  assert_int_equal(send_sample(&config, &err), SH_OK);
}

static void expect_config_refused(struct mailer_config config, const char *field) {
  struct sh_error err;
  assert_int_equal(mailer_config_check(&config, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "invalid_setting_value");
  assert_string_equal(err.field, field);
  /* The message is not at fault: mailer_send keeps it for a later attempt. */
  struct mail mail = sample_mail();
  assert_int_equal(mailer_send(&config, &mail, "x\r\n", 3, &err), SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "mail_config_invalid");
  assert_string_equal(err.field, field);
}

static void mailer_config_check_refuses_unsafe_settings(void **state) {
  (void)state;
  struct mailer_config good = sink_config(25);
  assert_int_equal(mailer_config_check(&good, NULL), SH_OK);
  good.host = "[::1]";
  assert_int_equal(mailer_config_check(&good, NULL), SH_OK);
  good.host = "smtp.example.com";
  good.tls = MAILER_TLS_STARTTLS;
  good.username = "notify";
  good.password = "secret";
  good.port = 0;
  assert_int_equal(mailer_config_check(&good, NULL), SH_OK);

  struct mailer_config config = sink_config(25);
  config.host = "smtp.example.com/evil";
  expect_config_refused(config, "host");
  config.host = "user@smtp.example.com";
  expect_config_refused(config, "host");
  config.host = "";
  expect_config_refused(config, "host");
  config = sink_config(70000);
  expect_config_refused(config, "port");
  config = sink_config(25);
  config.username = "notify";
  config.password = "secret";
  expect_config_refused(config, "username"); /* a password is never sent in clear */
  config = sink_config(25);
  config.helo_domain = "bad domain";
  expect_config_refused(config, "helo_domain");
  config = sink_config(25);
  config.timeout_seconds = -1;
  expect_config_refused(config, "timeout_seconds");
  config = sink_config(25);
  config.connect_timeout_seconds = -5;
  expect_config_refused(config, "connect_timeout_seconds");
}

static int group_setup(void **state) {
  (void)state;
  return mailer_global_init() == SH_OK ? 0 : -1;
}

static int group_teardown(void **state) {
  (void)state;
  mailer_global_cleanup();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mailer_format_subject_decodes_back_to_the_chinese_subject),
      cmocka_unit_test(mailer_format_folds_any_subject_into_short_lines_of_whole_characters),
      cmocka_unit_test(mailer_format_encodes_chinese_names_and_quotes_ascii_ones),
      cmocka_unit_test(mailer_format_folds_many_recipients),
      cmocka_unit_test(mailer_format_body_is_base64_of_the_text_with_crlf_line_ends),
      cmocka_unit_test(mailer_format_writes_the_mime_headers),
      cmocka_unit_test(mailer_format_dates_at_plus_0800),
      cmocka_unit_test(mailer_format_refuses_header_injection),
      cmocka_unit_test(mailer_format_refuses_invalid_utf8),
      cmocka_unit_test(mailer_format_refuses_missing_and_out_of_range_values),
      cmocka_unit_test(mailer_format_takes_only_simple_addresses),
      cmocka_unit_test(mailer_backoff_seconds_doubles_from_30_seconds_to_an_hour),
      cmocka_unit_test(mailer_config_check_refuses_unsafe_settings),
      cmocka_unit_test(mailer_send_to_a_silent_relay_times_out_as_transient),
      cmocka_unit_test_setup_teardown(mailer_send_delivers_the_message_to_every_recipient,
                                      sink_setup, sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_recipient_refused_with_550_is_permanent,
                                      sink_setup, sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_recipient_deferred_with_451_is_transient,
                                      sink_setup, sink_teardown),
      cmocka_unit_test_setup_teardown(
          mailer_send_starttls_not_offered_is_transient_and_sends_nothing, sink_setup,
          sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_to_a_closed_port_is_transient_and_quick,
                                      sink_setup, sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_refuses_an_unsafe_envelope_before_connecting,
                                      sink_setup, sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_starttls_with_login_delivers, sink_setup_starttls,
                                      sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_smtps_with_login_delivers, sink_setup_smtps,
                                      sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_wrong_password_is_transient, sink_setup_starttls,
                                      sink_teardown),
      cmocka_unit_test_setup_teardown(mailer_send_untrusted_certificate_sends_nothing,
                                      sink_setup_starttls, sink_teardown),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
