/* log.c — logfmt logging to stderr. Each line is formatted first, then written with one
 * write(2), so lines of concurrent threads never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_priority min_priority = LOG_PRIO_INFO;

void log_set_level(enum log_priority prio) {
  min_priority = prio;
}

static const char *level_name(enum log_priority prio) {
  switch (prio) {
  case LOG_PRIO_ERR:
    return "error";
  case LOG_PRIO_WARNING:
    return "warning";
  case LOG_PRIO_INFO:
    return "info";
  case LOG_PRIO_DEBUG:
    return "debug";
  }
  return "info";
}

void sh_log(enum log_priority prio, const char *fmt, ...) {
  if (prio > min_priority)
    return;
  char line[2048];
  int n = snprintf(line, sizeof line, "<%d>level=%s ", (int)prio, level_name(prio));
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if (len > sizeof line - 2)
    len = sizeof line - 2;
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w;
}

void log_quote(char *out, size_t n, const char *s) {
  if (n == 0)
    return;
  if (!s)
    s = "";
  int bare = *s != '\0';
  for (const char *p = s; *p; p++)
    if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' || (unsigned char)*p < 0x20)
      bare = 0;
  size_t o = 0;
  if (bare) {
    snprintf(out, n, "%s", s);
    return;
  }
  out[o++] = '"';
  for (const char *p = s; *p && o + 3 < n; p++) {
    if (*p == '"' || *p == '\\') {
      out[o++] = '\\';
      out[o++] = *p;
    } else if (*p == '\n') {
      out[o++] = '\\';
      out[o++] = 'n';
    } else if ((unsigned char)*p < 0x20) {
      out[o++] = ' ';
    } else {
      out[o++] = *p;
    }
  }
  if (o + 1 < n)
    out[o++] = '"';
  out[o < n ? o : n - 1] = '\0';
}
