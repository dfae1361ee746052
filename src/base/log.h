/* log.h — logfmt lines on stderr with journald "<N>" priority prefixes (DESIGN.md).
 * One line per call; the caller writes key=value pairs and quotes values with log_quote. */
#ifndef SHOUHOU_LOG_H
#define SHOUHOU_LOG_H

#include <stddef.h>

enum log_priority { LOG_PRIO_ERR = 3, LOG_PRIO_WARNING = 4, LOG_PRIO_INFO = 6, LOG_PRIO_DEBUG = 7 };

/* Writes "<prio>level=... " followed by the formatted pairs and a newline, atomically. */
void sh_log(enum log_priority prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s into out (size n) as a logfmt value: bare if it has no space, quote, '=' or
 * control character, else in double quotes with \" \\ \n escaped. Truncates to fit. */
void log_quote(char *out, size_t n, const char *s);

/* Sets the lowest priority that is written (default LOG_PRIO_INFO). */
void log_set_level(enum log_priority prio);

#endif
