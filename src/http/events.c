/* events.c — the live-update hub (see events.h).
 *
 * Threads: a stream's content reader runs in libmicrohttpd's thread; the watcher in its own;
 * the free callback wherever libmicrohttpd releases the response. Everything shared (the list
 * of streams, their buffers and flags, the sequence number) is guarded by one mutex.
 *
 * Suspend and resume (libmicrohttpd 0.9.75, microhttpd.h): a content reader that has nothing
 * to send may return 0 only together with MHD_suspend_connection, which is allowed from
 * inside the reader; MHD_resume_connection may be called from any thread, but only on a
 * connection that is suspended. So the reader suspends under the mutex and marks the stream
 * suspended; the watcher clears the mark under the mutex and resumes after unlocking (the
 * connection stays suspended, hence alive, until that very call). A suspended connection is
 * invisible to libmicrohttpd — it would not notice the client leave — so the watcher polls
 * the sockets of suspended streams for a hang-up once a second and lets those close.
 *
 * Revocation: each stream keeps the credential it was opened with (the token or the session id)
 * and the watcher asks again whether it still authenticates — for every stream after an audit
 * row that may end access (a sign-in or sign-out, a user changed, a token revoked; on any node,
 * since the audit table is shared), and for each stream every EVENTS_CHECK_MS besides (idle
 * expiry, changes made behind the API's back). A refused stream ends before the tick's change
 * event goes out: a signed-out session, a revoked token, a deactivated user or a changed
 * password stops getting events within about a second, not at the end of the stream's
 * lifetime. The checks run on the watcher thread outside the mutex; a stream is found again by
 * its serial number, since it may have been freed meanwhile.
 *
 * The audit cursor: on PostgreSQL ids come from a sequence and transactions commit out of
 * order, so id 41 may appear after 42 was read. The watcher reads every row above `floor`
 * (each id at most once is announced), moves floor over the ids it has read without a gap,
 * and waits EVENTS_GAP_MS for a gap to fill before giving it up (a rolled-back insert leaves
 * one for good). */
#define _GNU_SOURCE /* pthread_setname_np: the watcher shows as "events" in top -H */
#include "events.h"

#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../api/api.h"
#include "../base/limits.h"
#include "../base/log.h"
#include "../base/mem.h"

#define EVENTS_POLL_MS 1000
#define EVENTS_PING_MS (20 * 1000)
#define EVENTS_LIFETIME_MS (300 * 1000)
#define EVENTS_GAP_MS 5000
#define EVENTS_RETRY_MS 3000
/* Each stream's credential is checked at least this often even without an audit row that ends
 * access (a session's idle expiry writes none). */
#define EVENTS_CHECK_MS (30 * 1000)
/* Audit rows read per poll; more than that in one second is a burst: the cursor jumps. */
#define EVENTS_BATCH 512
/* Distinct entity names in one change event. */
#define EVENTS_MAX_NAMES 32
/* Text waiting for one client: a stream that falls this far behind is closed (its browser
 * reconnects and reloads). */
#define EVENTS_OUT_BYTES 8192

struct stream {
  struct events *ev;
  struct MHD_Connection *conn;
  struct stream *prev, *next;
  int fd;          /* the client's socket, polled for a hang-up while suspended */
  bool suspended;  /* its reader suspended the connection: resume to send */
  bool hello;      /* the hello was queued */
  bool ending;     /* send what is queued, then end (lifetime over, server stopping) */
  bool gone;       /* the client hung up: end without more ado */
  bool broken;     /* the client fell behind: close with an error */
  uint64_t serial; /* unique while the hub lives: finds the stream again after a check */
  struct api_credential credential; /* what it was opened with; wiped when freed */
  int64_t deadline_ms, ping_ms, check_ms;
  size_t len, sent;
  char out[EVENTS_OUT_BYTES];
};

struct events {
  struct app *app;
  pthread_mutex_t mu;
  pthread_cond_t wake;  /* the watcher: a stream opened, or stop */
  pthread_cond_t freed; /* a stream was freed */
  pthread_t thread;
  bool stopping;
  bool ready; /* the watcher has its cursor: a new stream's hello can go at once */
  struct stream *head;
  int count;
  uint64_t seq;     /* change events sent by this server */
  uint64_t serials; /* the last stream serial given out */
  int ping_interval_ms, lifetime_ms;
  /* The watcher's own (no lock): the audit cursor. */
  int64_t floor;
  int64_t seen[EVENTS_BATCH]; /* ids above floor already read, ascending */
  size_t nseen;
  int64_t gap_since_ms;
  bool db_failing;
  struct api_change marks[EVENTS_BATCH];
  struct MHD_Connection *resume[SH_MAX_EVENT_STREAMS];
  /* Credentials being checked, copied out under the mutex (the watcher's own). */
  struct check {
    uint64_t serial;
    struct api_credential credential;
    bool valid;
  } checks[SH_MAX_EVENT_STREAMS];
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends text to the stream's queue; a stream too far behind is marked broken. */
static void queue(struct stream *s, const char *text, size_t n) {
  if (s->broken || s->ending)
    return;
  if (s->sent > 0 && s->sent == s->len)
    s->sent = s->len = 0;
  if (s->len + n > sizeof s->out) {
    s->broken = true;
    return;
  }
  memcpy(s->out + s->len, text, n);
  s->len += n;
}

static void queue_hello(struct stream *s) {
  char text[96];
  int n = snprintf(text, sizeof text, "retry: %d\nevent: hello\ndata: {\"seq\":%llu}\n\n",
                   EVENTS_RETRY_MS, (unsigned long long)s->ev->seq);
  queue(s, text, (size_t)n);
  s->hello = true;
}

/* Marks a suspended stream for resuming; the caller resumes after unlocking. */
static void wake(struct stream *s, struct MHD_Connection **resume, size_t *nresume) {
  if (s->suspended) {
    s->suspended = false;
    resume[(*nresume)++] = s->conn;
  }
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  struct stream *s = cls;
  pthread_mutex_lock(&s->ev->mu);
  ssize_t n;
  if (s->broken) {
    n = MHD_CONTENT_READER_END_WITH_ERROR;
  } else if (s->gone) {
    n = MHD_CONTENT_READER_END_OF_STREAM; /* nobody to tell: no error to log */
  } else if (s->sent < s->len) {
    size_t k = s->len - s->sent < max ? s->len - s->sent : max;
    memcpy(buf, s->out + s->sent, k);
    s->sent += k;
    n = (ssize_t)k;
  } else if (s->ending) {
    n = MHD_CONTENT_READER_END_OF_STREAM;
  } else {
    /* Nothing to send: park the connection until the watcher has something (returning 0
     * without suspending would make libmicrohttpd call again at once, a busy loop). */
    s->suspended = true;
    MHD_suspend_connection(s->conn);
    n = 0;
  }
  pthread_mutex_unlock(&s->ev->mu);
  return n;
}

static void stream_free(void *cls) {
  struct stream *s = cls;
  struct events *ev = s->ev;
  pthread_mutex_lock(&ev->mu);
  if (s->prev)
    s->prev->next = s->next;
  else
    ev->head = s->next;
  if (s->next)
    s->next->prev = s->prev;
  ev->count--;
  pthread_cond_broadcast(&ev->freed);
  pthread_mutex_unlock(&ev->mu);
  explicit_bzero(&s->credential, sizeof s->credential);
  free(s);
}

struct MHD_Response *events_open(struct events *ev, struct MHD_Connection *conn,
                                 enum events_refusal *why) {
  struct stream *s = sh_calloc(1, sizeof *s);
  if (!s) {
    *why = EVENTS_NO_MEMORY;
    return NULL;
  }
  s->ev = ev;
  s->conn = conn;
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  s->fd = info ? info->connect_fd : -1;
  /* The request was authenticated by api_handle just now, with these same values. */
  api_credential_of(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
                    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "shouhou_session"),
                    &s->credential);
  pthread_mutex_lock(&ev->mu);
  *why = ev->stopping                        ? EVENTS_STOPPING
         : ev->count >= SH_MAX_EVENT_STREAMS ? EVENTS_FULL
                                             : EVENTS_OK;
  if (*why != EVENTS_OK) {
    pthread_mutex_unlock(&ev->mu);
    explicit_bzero(&s->credential, sizeof s->credential);
    free(s);
    return NULL;
  }
  int64_t now = now_ms();
  s->serial = ++ev->serials;
  s->deadline_ms = now + ev->lifetime_ms;
  s->ping_ms = now + ev->ping_interval_ms;
  /* Checked at the watcher's next tick: a sign-out that committed while this request was
   * being answered may have been read before the stream was listed. */
  s->check_ms = now;
  /* The hello promises that every change committed after it is reported: it waits for the
   * watcher to hold a cursor (it has none while no stream is open). */
  if (ev->ready)
    queue_hello(s);
  s->next = ev->head;
  if (ev->head)
    ev->head->prev = s;
  ev->head = s;
  if (ev->count++ == 0)
    pthread_cond_signal(&ev->wake);
  pthread_mutex_unlock(&ev->mu);
  struct MHD_Response *r =
      MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, stream_free);
  if (!r) {
    stream_free(s); /* libmicrohttpd did not take it */
    *why = EVENTS_NO_MEMORY;
    return NULL;
  }
  MHD_add_response_header(r, "Content-Type", "text/event-stream");
  MHD_add_response_header(r, "X-Accel-Buffering", "no"); /* nginx: pass each event at once */
  return r;
}

static bool name_ok(const char *name) {
  if (!name[0])
    return false;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
      return false;
  return true;
}

/* The entity names in a set, sorted, without repeats. */
struct names {
  char list[EVENTS_MAX_NAMES][sizeof((struct api_change *)0)->entity];
  size_t n;
};

static void names_add(struct names *set, const char *name) {
  size_t i = 0;
  while (i < set->n && strcmp(set->list[i], name) < 0)
    i++;
  if ((i < set->n && strcmp(set->list[i], name) == 0) || set->n == EVENTS_MAX_NAMES)
    return;
  memmove(set->list[i + 1], set->list[i], (set->n - i) * sizeof set->list[0]);
  snprintf(set->list[i], sizeof set->list[i], "%s", name);
  set->n++;
}

/* Reads the audit rows after the cursor into names. False when the database failed (the
 * watcher tries again in a second; the streams stay open). */
static bool poll_audit(struct events *ev, bool init, struct names *names, bool *ends_access) {
  struct api_change *marks = ev->marks;
  size_t n = 0;
  int64_t newest = 0;
  struct sh_error err;
  if (api_changes_after(ev->app, ev->floor, init ? 0 : EVENTS_BATCH, marks, &n, &newest, &err) !=
      SH_OK) {
    if (!ev->db_failing) {
      char code[80];
      log_quote(code, sizeof code, err.code);
      sh_log(LOG_PRIO_WARNING, "msg=events_watch_failed error=%s", code);
    }
    ev->db_failing = true;
    return false;
  }
  ev->db_failing = false;
  if (init) {
    ev->floor = newest;
    ev->nseen = 0;
    ev->gap_since_ms = 0;
    return true;
  }
  /* Every row above floor came back (n < batch), the ones already seen among them. */
  size_t old = 0;
  for (size_t i = 0; i < n; i++) {
    while (old < ev->nseen && ev->seen[old] < marks[i].id)
      old++;
    bool known = old < ev->nseen && ev->seen[old] == marks[i].id;
    if (!known && marks[i].shown && name_ok(marks[i].entity))
      names_add(names, marks[i].entity);
    if (!known && marks[i].ends_access)
      *ends_access = true;
  }
  if (n == EVENTS_BATCH) {
    ev->floor = marks[n - 1].id; /* a burst: take it as read, gaps and all */
    ev->nseen = 0;
    ev->gap_since_ms = 0;
    return true;
  }
  size_t first = 0;
  while (first < n && marks[first].id == ev->floor + 1)
    ev->floor = marks[first++].id;
  int64_t now = now_ms();
  if (first < n && ev->gap_since_ms && now - ev->gap_since_ms >= EVENTS_GAP_MS) {
    /* The gap below marks[first] did not fill: a rolled-back insert. Give it up. */
    ev->floor = marks[first++].id;
    while (first < n && marks[first].id == ev->floor + 1)
      ev->floor = marks[first++].id;
    ev->gap_since_ms = 0;
  }
  ev->nseen = 0;
  for (size_t i = first; i < n; i++)
    ev->seen[ev->nseen++] = marks[i].id;
  if (ev->nseen == 0)
    ev->gap_since_ms = 0;
  else if (!ev->gap_since_ms)
    ev->gap_since_ms = now;
  return true;
}

/* Streams whose client hung up while suspended: marks them gone and wakes them (under the
 * mutex; a suspended connection's socket stays open until it is resumed). A readable socket
 * whose peek reads 0 bytes is at its end; bytes waiting are a next request, left alone. */
static void find_gone(struct events *ev, struct MHD_Connection **resume, size_t *nresume) {
  struct pollfd fds[SH_MAX_EVENT_STREAMS];
  struct stream *who[SH_MAX_EVENT_STREAMS];
  nfds_t n = 0;
  for (struct stream *s = ev->head; s && n < SH_MAX_EVENT_STREAMS; s = s->next)
    if (s->suspended && s->fd >= 0) {
      fds[n] = (struct pollfd){.fd = s->fd, .events = POLLIN};
      who[n++] = s;
    }
  if (n == 0 || poll(fds, n, 0) <= 0)
    return;
  for (nfds_t i = 0; i < n; i++) {
    char byte;
    if ((fds[i].revents & (POLLHUP | POLLERR)) ||
        ((fds[i].revents & POLLIN) && recv(fds[i].fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)) {
      who[i]->gone = true;
      wake(who[i], resume, nresume);
    }
  }
}

/* One tick under the mutex: the change event, pings, ends, hang-ups. */
static void fan_out(struct events *ev, const struct names *names, bool init_done,
                    struct MHD_Connection **resume, size_t *nresume) {
  char text[EVENTS_MAX_NAMES * 48 + 96];
  size_t len = 0;
  if (names->n > 0) {
    ev->seq++;
    len = (size_t)snprintf(text, sizeof text, "event: change\ndata: {\"entities\":[");
    for (size_t i = 0; i < names->n; i++)
      len +=
          (size_t)snprintf(text + len, sizeof text - len, "%s\"%s\"", i ? "," : "", names->list[i]);
    len += (size_t)snprintf(text + len, sizeof text - len, "],\"seq\":%llu}\n\n",
                            (unsigned long long)ev->seq);
  }
  int64_t now = now_ms();
  for (struct stream *s = ev->head; s; s = s->next) {
    bool send = false;
    if (!s->hello && init_done) {
      queue_hello(s);
      send = true;
    } else if (s->hello && len > 0) {
      queue(s, text, len);
      send = true;
    }
    if (now >= s->deadline_ms) {
      s->ending = true;
      send = true;
    } else if (now >= s->ping_ms) {
      queue(s, ": ping\n\n", 8);
      s->ping_ms = now + ev->ping_interval_ms;
      send = true;
    }
    if (send || s->broken || s->ending)
      wake(s, resume, nresume);
  }
  find_gone(ev, resume, nresume);
}

/* Copies out the credentials to check (under the mutex): every stream's when all is set, else
 * those whose periodic check is due. Returns how many. */
static size_t checks_due(struct events *ev, bool all) {
  size_t n = 0;
  int64_t now = now_ms();
  for (struct stream *s = ev->head; s && n < SH_MAX_EVENT_STREAMS; s = s->next) {
    if (s->ending || s->gone || s->broken || (!all && now < s->check_ms))
      continue;
    s->check_ms = now + EVENTS_CHECK_MS;
    ev->checks[n].serial = s->serial;
    ev->checks[n].credential = s->credential;
    ev->checks[n].valid = true;
    n++;
  }
  return n;
}

/* Ends the streams whose credential was refused (under the mutex): they send what is queued
 * and nothing more. */
static void end_refused(struct events *ev, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (ev->checks[i].valid)
      continue;
    for (struct stream *s = ev->head; s; s = s->next)
      if (s->serial == ev->checks[i].serial) {
        s->ending = true;
        break;
      }
  }
  for (size_t i = 0; i < n; i++)
    explicit_bzero(&ev->checks[i].credential, sizeof ev->checks[i].credential);
}

static void wait_ms(struct events *ev, int ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  pthread_cond_timedwait(&ev->wake, &ev->mu, &ts);
}

static void *watch(void *arg) {
  struct events *ev = arg;
  struct MHD_Connection **resume = ev->resume;
  pthread_setname_np(pthread_self(), "events");
  pthread_mutex_lock(&ev->mu);
  while (!ev->stopping) {
    if (ev->count == 0) {
      /* Nobody listens: forget the cursor and sleep until a stream opens (no polling, no
       * CPU). The next stream's hello waits for a fresh cursor. */
      ev->ready = false;
      pthread_cond_wait(&ev->wake, &ev->mu);
      continue;
    }
    bool init = !ev->ready;
    pthread_mutex_unlock(&ev->mu);
    struct names names = {.n = 0};
    bool ends_access = false;
    bool ok = poll_audit(ev, init, &names, &ends_access);
    pthread_mutex_lock(&ev->mu);
    size_t nchecks = checks_due(ev, ends_access);
    pthread_mutex_unlock(&ev->mu);
    for (size_t i = 0; i < nchecks; i++)
      ev->checks[i].valid = api_credential_valid(ev->app, &ev->checks[i].credential);
    pthread_mutex_lock(&ev->mu);
    end_refused(ev, nchecks);
    if (ev->stopping)
      break;
    if (init && ok)
      ev->ready = true;
    size_t nresume = 0;
    fan_out(ev, &names, init && ok, resume, &nresume);
    pthread_mutex_unlock(&ev->mu);
    for (size_t i = 0; i < nresume; i++)
      MHD_resume_connection(resume[i]);
    pthread_mutex_lock(&ev->mu);
    if (!ev->stopping && ev->count > 0)
      wait_ms(ev, EVENTS_POLL_MS);
  }
  pthread_mutex_unlock(&ev->mu);
  return NULL;
}

static int env_ms(const char *name, int fallback) {
  const char *v = getenv(name);
  if (!v || !*v)
    return fallback;
  char *end = NULL;
  long seconds = strtol(v, &end, 10);
  return *end || seconds < 1 || seconds > 3600 ? fallback : (int)seconds * 1000;
}

struct events *events_start(struct app *app) {
  struct events *ev = sh_calloc(1, sizeof *ev);
  if (!ev)
    return NULL;
  ev->app = app;
  ev->ping_interval_ms = env_ms("SHOUHOU_EVENTS_PING_SECONDS", EVENTS_PING_MS);
  ev->lifetime_ms = env_ms("SHOUHOU_EVENTS_LIFETIME_SECONDS", EVENTS_LIFETIME_MS);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_mutex_init(&ev->mu, NULL);
  pthread_cond_init(&ev->wake, &attr);
  pthread_cond_init(&ev->freed, &attr);
  pthread_condattr_destroy(&attr);
  if (pthread_create(&ev->thread, NULL, watch, ev) != 0) {
    pthread_cond_destroy(&ev->wake);
    pthread_cond_destroy(&ev->freed);
    pthread_mutex_destroy(&ev->mu);
    free(ev);
    return NULL;
  }
  return ev;
}

void events_end_all(struct events *ev, int wait_for_ms) {
  if (!ev)
    return;
  struct MHD_Connection *resume[SH_MAX_EVENT_STREAMS];
  size_t nresume = 0;
  pthread_mutex_lock(&ev->mu);
  ev->stopping = true;
  pthread_cond_signal(&ev->wake);
  for (struct stream *s = ev->head; s; s = s->next) {
    s->ending = true;
    wake(s, resume, &nresume);
  }
  pthread_mutex_unlock(&ev->mu);
  for (size_t i = 0; i < nresume; i++)
    MHD_resume_connection(resume[i]);
  /* Give the streams a moment to send their last chunk, so a browser sees a clean end. */
  pthread_mutex_lock(&ev->mu);
  int64_t until = now_ms() + wait_for_ms;
  while (ev->count > 0 && now_ms() < until) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 50 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&ev->freed, &ev->mu, &ts);
  }
  pthread_mutex_unlock(&ev->mu);
}

void events_free(struct events *ev) {
  if (!ev)
    return;
  pthread_mutex_lock(&ev->mu);
  ev->stopping = true;
  pthread_cond_signal(&ev->wake);
  pthread_mutex_unlock(&ev->mu);
  pthread_join(ev->thread, NULL);
  pthread_cond_destroy(&ev->wake);
  pthread_cond_destroy(&ev->freed);
  pthread_mutex_destroy(&ev->mu);
  free(ev);
}
