/* app.h — the application object every domain call receives: the store and the process's
 * configuration. One per process, made by main.c; no other global mutable state. */
#ifndef SHOUHOU_APP_H
#define SHOUHOU_APP_H

#include <stdbool.h>

struct store;

struct app {
  struct store *store;
  int tz_offset_minutes; /* the display zone's offset from UTC (Asia/Shanghai: 480) */
  bool secure_cookies;   /* set the Secure cookie flag (served over TLS or behind it) */
  const char *version;
};

#endif
