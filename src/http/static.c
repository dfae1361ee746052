/* static.c — the web files (see static.h).
 *
 * Safety: the decoded path is checked first (valid UTF-8, no control byte, no backslash, no
 * empty, "." or ".." segment, no %00 — server.c learns of that one from its unescape hook,
 * since libmicrohttpd hands the path over as a C string cut at the NUL), then opened one
 * segment at a time with openat(O_NOFOLLOW) from the directory: no symbolic link is followed,
 * so nothing outside the directory can be reached whatever the path says. Names starting with
 * a dot are not served. The file goes out by descriptor (sendfile), never read into memory.
 *
 * Answers are cheap (a few openat and an fstat), so server.c runs them in libmicrohttpd's own
 * thread, on the request's final call like every other answer (keep-alive). */
#include "static.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/utf8.h"

/* The UI is one origin: scripts and styles from its own files (templates are precompiled, so
 * no eval); Element Plus sets inline styles; images may be data: or blob: URLs (previews). */
#define UI_CSP                                                                                     \
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "       \
  "data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "   \
  "form-action 'self'; frame-ancestors 'none'"
#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"
static const char not_built[] =
    "网页界面尚未构建 (the web UI is not built): run `npm run web:build` in the source tree, "
    "then reload.\n";

static const struct {
  const char *ext;
  const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"json", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"wasm", "application/wasm"},
};

bool static_handles(const char *path) {
  return strcmp(path, "/metrics") != 0 && strcmp(path, "/api") != 0 &&
         strncmp(path, "/api/", 5) != 0;
}

static const char *type_of(const char *name) {
  const char *dot = strrchr(name, '.');
  if (dot)
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot + 1, types[i].ext) == 0)
        return types[i].type;
  return "application/octet-stream";
}

enum path_kind { PATH_OK, PATH_BAD, PATH_HIDDEN };

/* Whether path can name a file beneath the directory at all. */
static enum path_kind check_path(const char *path) {
  size_t n = strlen(path);
  if (path[0] != '/' || !utf8_valid(path, n))
    return PATH_BAD;
  for (const unsigned char *c = (const unsigned char *)path; *c; c++)
    if (*c < 0x20 || *c == 0x7f || *c == '\\')
      return PATH_BAD;
  if (n == 1)
    return PATH_OK;
  enum path_kind kind = PATH_OK;
  for (const char *s = path + 1;;) {
    const char *end = strchr(s, '/');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
      return PATH_BAD;
    if (s[0] == '.')
      kind = PATH_HIDDEN;
    if (!end)
      return kind;
    s = end + 1;
  }
}

/* Opens rel (segments separated by '/', no leading '/') beneath dir_fd without following a
 * symbolic link. A regular file's descriptor, or -1 with errno (ENOENT for anything that is
 * not a regular file). */
static int open_beneath(int dir_fd, const char *rel, struct stat *st) {
  char name[1024];
  int cur = dir_fd;
  const char *s = rel;
  for (;;) {
    const char *end = strchr(s, '/');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    if (len >= sizeof name) {
      errno = ENAMETOOLONG;
      break;
    }
    memcpy(name, s, len);
    name[len] = '\0';
    /* O_NONBLOCK: a FIFO put in the directory must not hang the server's thread. */
    int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (end ? O_DIRECTORY : O_NONBLOCK | O_NOCTTY);
    int fd = openat(cur, name, flags);
    int saved = errno;
    if (cur != dir_fd)
      close(cur);
    errno = saved;
    if (fd < 0)
      return -1;
    if (!end) {
      if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        errno = ENOENT;
        return -1;
      }
      return fd;
    }
    cur = fd;
    s = end + 1;
  }
  if (cur != dir_fd)
    close(cur);
  return -1;
}

static bool missing(int e) {
  return e == ENOENT || e == ENOTDIR || e == ELOOP || e == EISDIR || e == EACCES ||
         e == ENAMETOOLONG || e == ENXIO;
}

/* A quality value of Accept-Encoding ("q=0.5") in thousandths. */
static int quality(const char *s, const char **end) {
  int q = 0, scale = 1000;
  if (*s >= '0' && *s <= '9')
    q = (*s++ - '0') * 1000;
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++)
      if (scale > 1) {
        scale /= 10;
        q += (*s - '0') * scale;
      }
  *end = s;
  return q > 1000 ? 1000 : q;
}

/* True if the Accept-Encoding header allows gzip (RFC 9110 §12.5.3: "gzip;q=0" forbids it,
 * "*" stands for codings not listed). */
static bool accepts_gzip(const char *h) {
  int gzip = -1, star = -1;
  const char *p = h ? h : "";
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *token = p;
    while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
      p++;
    size_t len = (size_t)(p - token);
    int q = 1000;
    while (*p && *p != ',') {
      if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=' && (p[-1] == ';' || p[-1] == ' ')) {
        q = quality(p + 2, &p);
        continue;
      }
      p++;
    }
    if ((len == 4 && strncasecmp(token, "gzip", 4) == 0) ||
        (len == 6 && strncasecmp(token, "x-gzip", 6) == 0))
      gzip = q;
    else if (len == 1 && token[0] == '*')
      star = q;
  }
  return gzip >= 0 ? gzip > 0 : star > 0;
}

/* True if the If-None-Match list names etag (weak comparison, RFC 9110 §13.1.2) or is "*". */
static bool etag_matches(const char *list, const char *etag) {
  size_t n = strlen(etag);
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (*p == '*')
      return true;
    if (strncmp(p, "W/", 2) == 0)
      p += 2;
    if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
      return true;
    while (*p && *p != ',')
      p++;
  }
  return false;
}

static void common_headers(struct MHD_Response *r, const char *cache) {
  MHD_add_response_header(r, "Vary", "Accept-Encoding");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "same-origin");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy", UI_CSP);
  MHD_add_response_header(r, "Cache-Control", cache);
}

static struct MHD_Response *text_answer(int code, const char *text, int *status) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return NULL;
  common_headers(r, "no-store");
  MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
  if (code == 405)
    MHD_add_response_header(r, "Allow", "GET, HEAD");
  *status = code;
  return r;
}

/* The file rel is served as: fd with its stat, and whether it is the .gz copy. */
struct found {
  int fd;
  struct stat st;
  bool gzip;
};

/* Opens rel, or its .gz copy when the client takes gzip and the copy exists. */
static int find(int dir_fd, const char *rel, bool gzip_ok, struct found *f) {
  f->gzip = false;
  f->fd = open_beneath(dir_fd, rel, &f->st);
  if (f->fd < 0 || !gzip_ok)
    return f->fd;
  char gz[1100];
  struct stat st;
  if ((size_t)snprintf(gz, sizeof gz, "%s.gz", rel) >= sizeof gz)
    return f->fd;
  int fd = open_beneath(dir_fd, gz, &st);
  if (fd >= 0) {
    close(f->fd);
    f->fd = fd;
    f->st = st;
    f->gzip = true;
  }
  return f->fd;
}

static struct MHD_Response *file_answer(const struct static_request *q, const char *rel,
                                        struct found *f, int *status) {
  char etag[80];
  int64_t mtime_ns = (int64_t)f->st.st_mtim.tv_sec * 1000000000 + f->st.st_mtim.tv_nsec;
  snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "%s\"", (uint64_t)f->st.st_size,
           (uint64_t)mtime_ns, f->gzip ? "-gz" : "");
  /* Hashed names (Vite's assets/) never change content: cache them for a year. Everything
   * else — index.html above all — is revalidated each time, so a new build is seen. */
  const char *cache = strncmp(rel, "assets/", 7) == 0 ? CACHE_IMMUTABLE : "no-cache";
  struct MHD_Response *r;
  if (q->if_none_match && etag_matches(q->if_none_match, etag)) {
    close(f->fd);
    r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    *status = 304;
  } else {
    r = MHD_create_response_from_fd((uint64_t)f->st.st_size, f->fd);
    if (!r)
      close(f->fd);
    *status = 200;
  }
  f->fd = -1;
  if (!r)
    return NULL;
  common_headers(r, cache);
  MHD_add_response_header(r, "ETag", etag);
  if (*status == 200) {
    MHD_add_response_header(r, "Content-Type", type_of(rel));
    if (f->gzip)
      MHD_add_response_header(r, "Content-Encoding", "gzip");
  }
  return r;
}

struct MHD_Response *static_answer(const struct static_request *q, int *status) {
  if (strcmp(q->method, "GET") != 0 && strcmp(q->method, "HEAD") != 0)
    return text_answer(405, "method not allowed\n", status);
  enum path_kind kind = q->path_bad ? PATH_BAD : check_path(q->path);
  if (kind == PATH_BAD)
    return text_answer(400, "bad request\n", status);
  if (kind == PATH_HIDDEN)
    return text_answer(404, "not found\n", status);
  bool gzip_ok = accepts_gzip(q->accept_encoding);
  const char *rel = q->path[1] ? q->path + 1 : "index.html";
  /* Opened per request, not once at start: `npm run web:build` may replace the directory
   * under a running server. */
  int dir_fd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct found f = {.fd = -1};
  int e = errno;
  if (dir_fd >= 0) {
    find(dir_fd, rel, gzip_ok, &f);
    e = errno;
  }
  if (f.fd < 0 && missing(e)) {
    const char *last = strrchr(q->path, '/') + 1;
    /* A route of the UI (/tickets/12): no extension, so not a file the build made. */
    bool route = !strchr(last, '.') && strncmp(q->path, "/assets/", 8) != 0;
    if (route && strcmp(rel, "index.html") != 0 && dir_fd >= 0) {
      rel = "index.html";
      find(dir_fd, rel, gzip_ok, &f);
      e = errno;
    } else if (!route) {
      if (dir_fd >= 0)
        close(dir_fd);
      return text_answer(404, "not found\n", status);
    }
    if (f.fd < 0 && missing(e)) {
      if (dir_fd >= 0)
        close(dir_fd);
      return text_answer(503, not_built, status);
    }
  }
  if (dir_fd >= 0)
    close(dir_fd);
  if (f.fd < 0) {
    char quoted[200];
    log_quote(quoted, sizeof quoted, strerror(e));
    sh_log(LOG_PRIO_WARNING, "msg=web_file_error error=%s", quoted);
    return text_answer(e == EMFILE || e == ENFILE ? 503 : 500, "cannot read the file\n", status);
  }
  return file_answer(q, rel, &f, status);
}

void static_check_dir(const char *dir) {
  char index[4200], quoted[4300];
  snprintf(index, sizeof index, "%s/index.html", dir);
  struct stat st;
  log_quote(quoted, sizeof quoted, dir);
  if (stat(index, &st) != 0 || !S_ISREG(st.st_mode))
    sh_log(LOG_PRIO_WARNING,
           "msg=web_ui_not_built web_dir=%s hint=\"run npm run web:build, or pass serve "
           "--web-dir DIR\"",
           quoted);
}
