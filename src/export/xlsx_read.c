/* xlsx_read.c — the first worksheet of an uploaded .xlsx workbook into a sheet (xlsx_read.h).
 *
 * Design: the upload is in memory; libzip opens it from there and expat streams each XML part
 * from the inflating entry in 64 KiB pieces, so no part is ever held whole. The parts are read
 * in the order their relationships allow: _rels/.rels names the workbook, the workbook names
 * its first sheet and the date system, the workbook's relationships give the paths of that
 * sheet, the shared strings and the styles; the shared strings (all of them, as the sheet may
 * point at any) and the cell formats are read before the sheet, whose cells then go straight
 * into the sheet builder. Everything the file can make us allocate has a ceiling: the bytes
 * inflated (declared and actual), expat's own memory (a counting allocator), the shared
 * strings, the styles and the sheet (sheet.h). A DTD is refused, so no entity is ever
 * expanded. Not done: formulas are not evaluated (their cached value is used), merged cells
 * are not filled, other sheets and the 1904 system's negative dates are ignored. */
#include "xlsx_read.h"

#include <expat.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "../base/mem.h"
#include "../base/utf8.h"

/* Bytes read from an entry and handed to expat at a time. */
#define CHUNK_BYTES (64 * 1024)
/* A part's path inside the archive (they are short: "xl/worksheets/sheet1.xml"). */
#define PART_NAME_LEN 256
/* Excel's own bounds on a cell reference: column XFD, row 1 048 576. */
#define EXCEL_MAX_COLUMNS 16384
/* The last serial number Excel shows as a date: 9999-12-31. */
#define SERIAL_MAX_1900 2958465

/* ---- Number formats and dates (pure) ---- */

enum xlsx_format xlsx_builtin_format(unsigned id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      id == 57 || id == 58)
    return XLSX_FORMAT_DATE;
  return id == 22 ? XLSX_FORMAT_DATETIME : XLSX_FORMAT_NUMBER;
}

/* True if the bracket text [..] starting at p (after '[') is elapsed time: [h], [mm], [ss]. */
static bool elapsed_time(const char *p) {
  const char *q = p;
  while (*q == 'h' || *q == 'H' || *q == 'm' || *q == 'M' || *q == 's' || *q == 'S')
    q++;
  return q > p && *q == ']';
}

enum xlsx_format xlsx_custom_format(const char *code) {
  bool date = false, time = false, month_or_minute = false;
  for (const char *p = code; *p && *p != ';'; p++) {
    switch (*p) {
    case '"': /* quoted text */
      while (p[1] && p[1] != '"')
        p++;
      if (p[1])
        p++;
      break;
    case '\\': /* an escaped character, and the character a padding or fill stands for */
    case '_':
    case '*':
      if (p[1])
        p++;
      break;
    case '[': /* a colour, locale, condition or elapsed time */
      time |= elapsed_time(p + 1);
      while (p[1] && p[1] != ']')
        p++;
      break;
    case 'y':
    case 'Y':
    case 'd':
    case 'D':
      date = true;
      break;
    case 'h':
    case 'H':
    case 's':
    case 'S':
      time = true;
      break;
    case 'm':
    case 'M':
      month_or_minute = true;
      break;
    default:
      break;
    }
  }
  if (!date && !(month_or_minute && !time))
    return XLSX_FORMAT_NUMBER;
  return time ? XLSX_FORMAT_DATETIME : XLSX_FORMAT_DATE;
}

/* Writes value as `width` decimal digits (it has no more) and then `after`; returns the
 * position after them. */
static char *put_digits(char *out, unsigned value, int width, char after) {
  for (int i = width - 1; i >= 0; i--, value /= 10)
    out[i] = (char)('0' + value % 10);
  out[width] = after;
  return out + width + 1;
}

/* The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's algorithm, the
 * inverse of days_from_civil() in base/timefmt.c). */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = (unsigned)(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

bool xlsx_serial_text(const char *serial, enum xlsx_format format, bool date1904,
                      char out[XLSX_DATE_TEXT_LEN]) {
  int64_t days = 0;
  const char *p = serial;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (days > SERIAL_MAX_1900)
      return false;
    days = days * 10 + (*p - '0');
  }
  if (p == serial)
    return false;
  double fraction = 0, scale = 1;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++)
      if (scale < 1e15)
        fraction += (*p - '0') * (scale /= 10);
  }
  if (*p != '\0')
    return false;
  int64_t seconds = (int64_t)(fraction * 86400 + 0.5);
  if (format == XLSX_FORMAT_DATETIME && seconds >= 86400) {
    days++;
    seconds -= 86400;
  }
  int64_t year;
  unsigned month, day;
  if (date1904) {
    civil_from_days(days - 24107, &year, &month, &day); /* serial 0 = 1904-01-01 */
  } else if (days == 60) {
    year = 1900, month = 2, day = 29; /* Excel's leap day that never was */
  } else if (days >= 1) {
    civil_from_days(days - (days < 60 ? 25568 : 25569), &year, &month, &day);
  } else {
    return false;
  }
  if (year > 9999)
    return false;
  char *q = put_digits(out, (unsigned)year, 4, '-');
  q = put_digits(q, month, 2, '-');
  q = put_digits(q, day, 2, format == XLSX_FORMAT_DATETIME ? ' ' : '\0');
  if (format == XLSX_FORMAT_DATETIME) {
    q = put_digits(q, (unsigned)(seconds / 3600), 2, ':');
    q = put_digits(q, (unsigned)(seconds / 60 % 60), 2, ':');
    put_digits(q, (unsigned)(seconds % 60), 2, '\0');
  }
  return true;
}

/* ---- Small text helpers ---- */

/* Parses decimal digits (nothing else) no greater than max. */
static bool parse_count(const char *s, size_t max, size_t *out) {
  size_t value = 0;
  if (!s || !*s)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || value > (max - (size_t)(*s - '0')) / 10)
      return false;
    value = value * 10 + (size_t)(*s - '0');
  }
  *out = value;
  return true;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes the OOXML escapes _xHHHH_ (ECMA-376 ST_Xstring: Excel writes a CR as _x000D_ and a
 * literal "_x" as _x005F_x) in place and returns the new length; the UTF-8 of one code unit
 * is never longer than its escape. NUL and surrogate halves stay as written. */
static size_t unescape_ooxml(char *s, size_t n) {
  size_t in = 0, out = 0;
  while (in < n) {
    unsigned cp = 0;
    bool escape = n - in >= 7 && s[in] == '_' && s[in + 1] == 'x' && s[in + 6] == '_';
    for (size_t k = 2; escape && k < 6; k++) {
      int h = hex_value(s[in + k]);
      escape = h >= 0;
      cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
    }
    if (!escape || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      s[out++] = s[in++];
      continue;
    }
    if (cp < 0x80) {
      s[out++] = (char)cp;
    } else if (cp < 0x800) {
      s[out++] = (char)(0xC0 | cp >> 6);
      s[out++] = (char)(0x80 | (cp & 0x3F));
    } else {
      s[out++] = (char)(0xE0 | cp >> 12);
      s[out++] = (char)(0x80 | (cp >> 6 & 0x3F));
      s[out++] = (char)(0x80 | (cp & 0x3F));
    }
    in += 7;
  }
  return out;
}

/* The local part of an expat name "namespace|local" (or the name itself). */
static const char *local_name(const char *name) {
  const char *bar = strrchr(name, '|');
  return bar ? bar + 1 : name;
}

/* The value of an attribute: with namespaced false one without a namespace named `local`
 * ("r", "t"); with namespaced true one in any namespace (r:id). NULL if absent. */
static const char *attribute(const char **attrs, const char *local, bool namespaced) {
  for (size_t i = 0; attrs[i]; i += 2) {
    const char *bar = strrchr(attrs[i], '|');
    if (namespaced ? bar && strcmp(bar + 1, local) == 0 : !bar && strcmp(attrs[i], local) == 0)
      return attrs[i + 1];
  }
  return NULL;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The part a relationship points at: target taken relative to the folder `base` (ending in
 * '/', or "" for the root) unless it starts with '/', with "." and ".." resolved. False if
 * it is empty, climbs above the root or does not fit. */
static bool part_path(const char *base, const char *target, char out[PART_NAME_LEN]) {
  char joined[2 * PART_NAME_LEN];
  int n = target[0] == '/' ? snprintf(joined, sizeof joined, "%s", target + 1)
                           : snprintf(joined, sizeof joined, "%s%s", base, target);
  if (n < 0 || (size_t)n >= sizeof joined)
    return false;
  size_t len = 0;
  for (const char *segment = joined;;) {
    const char *slash = strchr(segment, '/');
    size_t k = slash ? (size_t)(slash - segment) : strlen(segment);
    if (k == 2 && segment[0] == '.' && segment[1] == '.') {
      if (len == 0)
        return false;
      while (len > 0 && out[len - 1] != '/')
        len--;
      len -= len > 0; /* the slash before the segment dropped */
    } else if (k > 0 && !(k == 1 && segment[0] == '.')) {
      if (len + (len > 0) + k >= PART_NAME_LEN)
        return false;
      if (len > 0)
        out[len++] = '/';
      memcpy(out + len, segment, k);
      len += k;
    }
    if (!slash)
      break;
    segment = slash + 1;
  }
  out[len] = '\0';
  return len > 0;
}

/* ---- Expat with a memory ceiling ----
 * Expat's allocator has no user data pointer, so the count is per thread: a thread parses
 * one part at a time, and every parser is freed before the next is made. */

union xml_block {
  size_t size; /* bytes given to expat */
  max_align_t align;
};

static _Thread_local size_t xml_memory;   /* bytes expat holds on this thread */
static _Thread_local bool xml_memory_hit; /* a request was refused at the ceiling */

static void *xml_malloc(size_t n) {
  if (n > XLSX_MAX_XML_MEMORY - xml_memory) {
    xml_memory_hit = true;
    return NULL;
  }
  union xml_block *b = sh_calloc(1, sizeof *b + n);
  if (!b)
    return NULL;
  b->size = n;
  xml_memory += n;
  return b + 1;
}

static void *xml_realloc(void *p, size_t n) {
  if (!p)
    return xml_malloc(n);
  union xml_block *b = (union xml_block *)p - 1;
  size_t old = b->size;
  if (n > old && n - old > XLSX_MAX_XML_MEMORY - xml_memory) {
    xml_memory_hit = true;
    return NULL;
  }
  union xml_block *grown = sh_reallocarray(b, sizeof *b + n, 1);
  if (!grown)
    return NULL;
  grown->size = n;
  xml_memory = xml_memory - old + n;
  return grown + 1;
}

static void xml_free(void *p) {
  if (!p)
    return;
  union xml_block *b = (union xml_block *)p - 1;
  xml_memory -= b->size;
  free(b);
}

static const XML_Memory_Handling_Suite xml_allocator = {xml_malloc, xml_realloc, xml_free};

/* ---- One XML part of the archive, streamed through expat ---- */

struct xlsx {
  zip_t *zip;
  size_t unzipped;              /* bytes inflated so far, towards XLSX_MAX_UNZIPPED_BYTES */
  char *chunk;                  /* CHUNK_BYTES */
  bool date1904;                /* the workbook counts days from 1904 */
  struct buf strings;           /* the shared strings, each followed by its NUL */
  size_t *string_offsets;       /* where each shared string starts in strings */
  size_t string_count;          /* shared strings read */
  size_t string_capacity;       /* string_offsets allocated */
  unsigned char *xf_formats;    /* enum xlsx_format of each cell format (cellXfs), by index */
  size_t xf_count;              /* cell formats */
  struct sheet_builder builder; /* the result */
  struct sh_error *err;
};

/* A part being parsed. Each kind of part embeds it first and sets the callbacks, which see
 * element names without their namespace. */
struct part {
  struct xlsx *x;
  const char *name; /* the entry's path, for messages */
  XML_Parser parser;
  unsigned depth;        /* elements open */
  size_t row;            /* the worksheet's last row seen, for messages; 0 in other parts */
  enum sh_status status; /* SH_OK until a callback fails; then err is filled */
  void (*start)(struct part *p, const char *name, const char **attrs);
  void (*end)(struct part *p, const char *name);
  void (*text)(struct part *p, const char *s, size_t len);
};

/* Stops the parse with a failure already written into err. */
static void part_stop(struct part *p, enum sh_status status) {
  p->status = status;
  XML_StopParser(p->parser, XML_FALSE);
}

/* Stops the parse with an error whose detail names the part. */
static void part_fail(struct part *p, enum sh_status status, const char *code, const char *what) {
  char detail[256];
  snprintf(detail, sizeof detail, "%.120s: %.120s", p->name, what);
  part_stop(p, sh_fail(p->x->err, status, code, "file", detail));
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs) {
  struct part *p = user;
  if (p->status != SH_OK)
    return;
  if (++p->depth > XLSX_MAX_XML_DEPTH)
    part_fail(p, SH_ERR_TOO_LARGE, "xml_too_deep", "elements nested more than 64 deep");
  else if (p->start)
    p->start(p, local_name(name), attrs);
}

static void XMLCALL on_end(void *user, const XML_Char *name) {
  struct part *p = user;
  if (p->status != SH_OK)
    return;
  p->depth--;
  if (p->end)
    p->end(p, local_name(name));
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len) {
  struct part *p = user;
  if (p->status == SH_OK && p->text)
    p->text(p, s, (size_t)len);
}

static void XMLCALL on_doctype(void *user, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset) {
  (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
  struct part *p = user;
  if (p->status == SH_OK)
    part_fail(p, SH_ERR_INVALID, "bad_xlsx", "a DTD (not allowed in a workbook)");
}

/* The status of a parse that expat ended with an error. */
static enum sh_status parse_error(struct part *p) {
  enum XML_Error code = XML_GetErrorCode(p->parser);
  if (p->status != SH_OK)
    return p->status;
  if (code == XML_ERROR_NO_MEMORY && xml_memory_hit)
    return sh_fail(p->x->err, SH_ERR_TOO_LARGE, "xml_too_large", "file",
                   "an XML part needs more than 1 MiB to parse");
  if (code == XML_ERROR_NO_MEMORY)
    return sh_fail(p->x->err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
  char detail[256];
  snprintf(detail, sizeof detail, "%.100s line %lu: %.100s", p->name,
           (unsigned long)XML_GetCurrentLineNumber(p->parser), XML_ErrorString(code));
  return sheet_fail_at(p->x->err, SH_ERR_INVALID, "bad_xlsx", p->row, SIZE_MAX, detail);
}

static enum sh_status zip_damaged(struct xlsx *x, const char *name, const char *why) {
  char detail[256];
  snprintf(detail, sizeof detail, "%.120s: %.120s", name, why);
  return sh_fail(x->err, SH_ERR_INVALID, "bad_xlsx", "file", detail);
}

static enum sh_status unzipped_too_large(struct xlsx *x) {
  return sh_fail(x->err, SH_ERR_TOO_LARGE, "unzipped_too_large", "file",
                 "the workbook unzips to more than 256 MiB");
}

/* Feeds the entry `name` through expat to p's callbacks. A missing entry is an error when
 * required, else SH_OK with nothing parsed. */
static enum sh_status part_parse(struct xlsx *x, const char *name, bool required, struct part *p) {
  enum sh_status rc = SH_OK;
  zip_file_t *file = NULL;
  zip_stat_t st;
  p->x = x;
  p->name = name;
  p->parser = NULL;
  zip_int64_t index = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
  if (index < 0) {
    if (required)
      rc = zip_damaged(x, name, "missing from the workbook");
    goto out;
  }
  zip_stat_init(&st);
  if (zip_stat_index(x->zip, (zip_uint64_t)index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
    rc = zip_damaged(x, name, "unreadable entry");
    goto out;
  }
  if (st.size > XLSX_MAX_UNZIPPED_BYTES - x->unzipped) {
    rc = unzipped_too_large(x);
    goto out;
  }
  if (!(file = zip_fopen_index(x->zip, (zip_uint64_t)index, 0))) {
    rc = zip_damaged(x, name, zip_strerror(x->zip));
    goto out;
  }
  xml_memory_hit = false;
  if (!(p->parser = XML_ParserCreate_MM(NULL, &xml_allocator, "|"))) {
    rc = sh_fail(x->err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
    goto out;
  }
  XML_SetUserData(p->parser, p);
  XML_SetElementHandler(p->parser, on_start, on_end);
  XML_SetCharacterDataHandler(p->parser, on_text);
  XML_SetStartDoctypeDeclHandler(p->parser, on_doctype);
  for (;;) {
    zip_int64_t n = zip_fread(file, x->chunk, CHUNK_BYTES);
    if (n < 0) {
      rc = zip_damaged(x, name, zip_file_strerror(file));
      goto out;
    }
    if ((zip_uint64_t)n > XLSX_MAX_UNZIPPED_BYTES - x->unzipped) {
      rc = unzipped_too_large(x);
      goto out;
    }
    x->unzipped += (size_t)n;
    if (XML_Parse(p->parser, x->chunk, (int)n, n == 0) != XML_STATUS_OK) {
      rc = parse_error(p);
      goto out;
    }
    if (n == 0)
      break;
  }
out:
  if (p->parser)
    XML_ParserFree(p->parser);
  p->parser = NULL;
  if (file)
    zip_fclose(file);
  return rc;
}

/* ---- Relationships (_rels/.rels, xl/_rels/workbook.xml.rels) ---- */

struct rels_part {
  struct part base;
  const char *want_id;          /* the relationship wanted by Id, or NULL */
  char want[PART_NAME_LEN];     /* its target, "" if not found */
  bool want_is_worksheet;       /* its type */
  char workbook[PART_NAME_LEN]; /* the first officeDocument target */
  char strings[PART_NAME_LEN];  /* the first sharedStrings target */
  char styles[PART_NAME_LEN];   /* the first styles target */
};

/* Copies a target into an empty slot; fails the parse if it does not fit. */
static void keep_target(struct rels_part *r, char slot[PART_NAME_LEN], const char *target) {
  if (slot[0])
    return;
  if (strlen(target) >= PART_NAME_LEN)
    part_fail(&r->base, SH_ERR_INVALID, "bad_xlsx", "a relationship target too long");
  else
    memcpy(slot, target, strlen(target) + 1);
}

static void rels_start(struct part *p, const char *name, const char **attrs) {
  struct rels_part *r = (struct rels_part *)p;
  if (strcmp(name, "Relationship") != 0)
    return;
  const char *id = attribute(attrs, "Id", false), *type = attribute(attrs, "Type", false);
  const char *target = attribute(attrs, "Target", false);
  const char *mode = attribute(attrs, "TargetMode", false);
  if (!type || !target || (mode && strcmp(mode, "External") == 0))
    return;
  if (r->want_id && id && strcmp(id, r->want_id) == 0 && !r->want[0]) {
    r->want_is_worksheet = ends_with(type, "/worksheet");
    keep_target(r, r->want, target);
  } else if (ends_with(type, "/officeDocument")) {
    keep_target(r, r->workbook, target);
  } else if (ends_with(type, "/sharedStrings")) {
    keep_target(r, r->strings, target);
  } else if (ends_with(type, "/styles")) {
    keep_target(r, r->styles, target);
  }
}

/* ---- The workbook (xl/workbook.xml) ---- */

struct workbook_part {
  struct part base;
  char first_sheet[PART_NAME_LEN]; /* r:id of the first <sheet>, "" if none yet */
  bool date1904;
};

static void workbook_start(struct part *p, const char *name, const char **attrs) {
  struct workbook_part *w = (struct workbook_part *)p;
  if (strcmp(name, "workbookPr") == 0) {
    const char *v = attribute(attrs, "date1904", false);
    w->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
  } else if (strcmp(name, "sheet") == 0 && !w->first_sheet[0]) {
    const char *id = attribute(attrs, "id", true);
    if (!id || !*id || strlen(id) >= PART_NAME_LEN)
      part_fail(p, SH_ERR_INVALID, "bad_xlsx", "a sheet without a usable r:id");
    else
      memcpy(w->first_sheet, id, strlen(id) + 1);
  }
}

/* ---- Shared strings (xl/sharedStrings.xml) ---- */

struct strings_part {
  struct part base;
  bool in_item;      /* inside <si> */
  bool in_text;      /* inside a <t> of the item that is not a phonetic guide */
  unsigned phonetic; /* <rPh> open (their <t> is a reading aid, not the text) */
  size_t start;      /* where the open item starts in x->strings */
};

static void strings_start(struct part *p, const char *name, const char **attrs) {
  (void)attrs;
  struct strings_part *s = (struct strings_part *)p;
  struct xlsx *x = p->x;
  if (strcmp(name, "si") == 0) {
    if (s->in_item) {
      part_fail(p, SH_ERR_INVALID, "bad_xlsx", "a shared string inside another");
      return;
    }
    if (x->string_count == XLSX_MAX_SHARED_STRINGS) {
      part_fail(p, SH_ERR_TOO_LARGE, "too_many_shared_strings", "more than 1000000 strings");
      return;
    }
    s->in_item = true;
    s->phonetic = 0;
    s->start = x->strings.len;
  } else if (strcmp(name, "rPh") == 0) {
    s->phonetic++;
  } else if (strcmp(name, "t") == 0) {
    s->in_text = s->in_item && s->phonetic == 0;
  }
}

static void strings_end(struct part *p, const char *name) {
  struct strings_part *s = (struct strings_part *)p;
  struct xlsx *x = p->x;
  if (strcmp(name, "t") == 0) {
    s->in_text = false;
  } else if (strcmp(name, "rPh") == 0) {
    s->phonetic -= s->phonetic > 0;
  } else if (strcmp(name, "si") == 0 && s->in_item) {
    s->in_item = false;
    if (x->string_count == x->string_capacity) {
      size_t capacity = x->string_capacity ? 2 * x->string_capacity : 256;
      size_t *offsets = sh_reallocarray(x->string_offsets, capacity, sizeof *offsets);
      if (!offsets) {
        part_stop(p, sh_fail(x->err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL));
        return;
      }
      x->string_offsets = offsets;
      x->string_capacity = capacity;
    }
    if (x->strings.len > s->start)
      x->strings.len =
          s->start + unescape_ooxml(x->strings.data + s->start, x->strings.len - s->start);
    enum sh_status rc = buf_append(&x->strings, "", 1);
    if (rc != SH_OK) {
      part_fail(p, rc, rc == SH_ERR_TOO_LARGE ? "sheet_too_large" : "out_of_memory",
                "more than 128 MiB of shared strings");
      return;
    }
    x->string_offsets[x->string_count++] = s->start;
  }
}

static void strings_text(struct part *p, const char *text, size_t len) {
  struct strings_part *s = (struct strings_part *)p;
  if (!s->in_text)
    return;
  enum sh_status rc = buf_append(&p->x->strings, text, len);
  if (rc != SH_OK)
    part_fail(p, rc, rc == SH_ERR_TOO_LARGE ? "sheet_too_large" : "out_of_memory",
              "more than 128 MiB of shared strings");
}

/* ---- Styles (xl/styles.xml): which cell formats show dates ---- */

struct number_format {
  unsigned id;
  enum xlsx_format format;
};

struct styles_part {
  struct part base;
  bool in_formats;               /* inside <numFmts> */
  bool in_cell_formats;          /* inside <cellXfs> */
  struct number_format *formats; /* the custom number formats */
  size_t format_count, format_capacity;
  unsigned *xf_ids; /* numFmtId of each cell format */
  size_t xf_count, xf_capacity;
};

/* Makes room for one more element in an array that may grow to XLSX_MAX_STYLES. */
static bool styles_room(struct part *p, void **array, size_t count, size_t *capacity, size_t size) {
  if (count == XLSX_MAX_STYLES) {
    part_fail(p, SH_ERR_TOO_LARGE, "too_many_styles", "more than 65536 formats");
    return false;
  }
  if (count < *capacity)
    return true;
  size_t grown = *capacity ? 2 * *capacity : 64;
  void *bigger = sh_reallocarray(*array, grown, size);
  if (!bigger) {
    part_stop(p, sh_fail(p->x->err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL));
    return false;
  }
  *array = bigger;
  *capacity = grown;
  return true;
}

static void styles_start(struct part *p, const char *name, const char **attrs) {
  struct styles_part *s = (struct styles_part *)p;
  size_t id = 0;
  if (strcmp(name, "numFmts") == 0) {
    s->in_formats = true;
  } else if (strcmp(name, "cellXfs") == 0) {
    s->in_cell_formats = true;
  } else if (strcmp(name, "numFmt") == 0 && s->in_formats) {
    const char *code = attribute(attrs, "formatCode", false);
    if (!code || !parse_count(attribute(attrs, "numFmtId", false), UINT32_MAX, &id))
      return;
    if (styles_room(p, (void **)&s->formats, s->format_count, &s->format_capacity,
                    sizeof *s->formats))
      s->formats[s->format_count++] =
          (struct number_format){(unsigned)id, xlsx_custom_format(code)};
  } else if (strcmp(name, "xf") == 0 && s->in_cell_formats) {
    if (!parse_count(attribute(attrs, "numFmtId", false), UINT32_MAX, &id))
      id = 0;
    if (styles_room(p, (void **)&s->xf_ids, s->xf_count, &s->xf_capacity, sizeof *s->xf_ids))
      s->xf_ids[s->xf_count++] = (unsigned)id;
  }
}

static void styles_end(struct part *p, const char *name) {
  struct styles_part *s = (struct styles_part *)p;
  if (strcmp(name, "numFmts") == 0)
    s->in_formats = false;
  else if (strcmp(name, "cellXfs") == 0)
    s->in_cell_formats = false;
}

static int by_id(const void *a, const void *b) {
  unsigned x = ((const struct number_format *)a)->id, y = ((const struct number_format *)b)->id;
  return (x > y) - (x < y);
}

/* What number format id shows: a custom format of that id (formats sorted by id), else the
 * built-in one. */
static enum xlsx_format format_of(const struct styles_part *s, unsigned id) {
  struct number_format key = {id, XLSX_FORMAT_NUMBER};
  const struct number_format *found =
      s->format_count ? bsearch(&key, s->formats, s->format_count, sizeof key, by_id) : NULL;
  return found ? found->format : xlsx_builtin_format(id);
}

/* ---- The worksheet ---- */

enum cell_type {
  CELL_NUMBER, /* t="n" or none */
  CELL_SHARED, /* t="s": <v> is an index into the shared strings */
  CELL_INLINE, /* t="inlineStr": the text is in <is> */
  CELL_TEXT,   /* t="str": a formula's text */
  CELL_BOOL,   /* t="b" */
  CELL_ERROR,  /* t="e" */
  CELL_DATE,   /* t="d": ISO 8601 text */
};

struct sheet_part {
  struct part base;
  bool in_data;            /* inside <sheetData> */
  size_t row;              /* number of the open <row>, 0 outside one */
  size_t last_row;         /* number of the last row seen */
  size_t next_column;      /* 0-based column of a cell without a reference */
  bool in_cell;            /* inside <c> */
  size_t column;           /* 0-based column of the open cell */
  enum cell_type type;     /* of the open cell */
  enum xlsx_format format; /* of the open cell's number */
  bool in_value;           /* inside the cell's <v> */
  bool in_inline;          /* inside the cell's <is> */
  bool in_text;            /* inside a <t> of <is> that is not a phonetic guide */
  unsigned phonetic;       /* <rPh> open inside <is> */
  struct buf value;        /* the text of <v>, or of the inline string */
};

static void sheet_fail(struct sheet_part *s, enum sh_status status, const char *code, size_t column,
                       const char *what) {
  part_stop(&s->base, sheet_fail_at(s->base.x->err, status, code, s->base.row, column, what));
}

static void row_start(struct sheet_part *s, const char **attrs) {
  size_t number = s->last_row + 1;
  const char *r = attribute(attrs, "r", false);
  if (s->row) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", SIZE_MAX, "a row inside a row");
    return;
  }
  if (r && (!parse_count(r, SIZE_MAX, &number) || number == 0)) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", SIZE_MAX, "a bad row number");
    return;
  }
  s->base.row = number; /* IMP: SPEC B1 (the row number the user sees in Excel) */
  if (number > SHEET_MAX_ROWS) {
    sheet_fail(s, SH_ERR_TOO_LARGE, "too_many_rows", SIZE_MAX, "more than 1000000 rows");
  } else if (number <= s->last_row) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", SIZE_MAX, "rows out of order");
  } else {
    enum sh_status rc = sheet_builder_start_row(&s->base.x->builder, number, s->base.x->err);
    s->row = s->last_row = number;
    s->next_column = 0;
    if (rc != SH_OK)
      part_stop(&s->base, rc);
  }
}

/* Reads a cell reference such as "C12" into a 0-based column; its row must be the open one. */
static bool cell_reference(const char *ref, size_t row, size_t *column) {
  size_t col = 0, number = 0;
  const char *p = ref;
  for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
    col = col * 26 + (size_t)((*p | 0x20) - 'a' + 1);
    if (col > EXCEL_MAX_COLUMNS)
      return false;
  }
  if (col == 0 || !parse_count(p, SHEET_MAX_ROWS, &number) || number != row)
    return false;
  *column = col - 1;
  return true;
}

static void cell_start(struct sheet_part *s, const char **attrs) {
  static const char *const types[] = {"n", "s", "inlineStr", "str", "b", "e", "d"};
  const char *ref = attribute(attrs, "r", false), *t = attribute(attrs, "t", false);
  size_t style = 0, type = 0, types_count = sizeof types / sizeof *types;
  if (!s->row || s->in_cell) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", SIZE_MAX,
               s->in_cell ? "a cell inside a cell" : "a cell outside a row");
    return;
  }
  s->column = s->next_column;
  if (ref && !cell_reference(ref, s->row, &s->column)) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", SIZE_MAX, "a bad cell reference");
    return;
  }
  if (s->column < s->next_column) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", s->column, "cells out of order");
    return;
  }
  while (t && type < types_count && strcmp(t, types[type]) != 0)
    type++;
  if (type == types_count) {
    sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", s->column, "a cell of unknown type");
    return;
  }
  s->type = (enum cell_type)type; /* CELL_NUMBER when there is no t */
  s->format = XLSX_FORMAT_NUMBER;
  if (parse_count(attribute(attrs, "s", false), SIZE_MAX, &style) && style < s->base.x->xf_count)
    s->format = (enum xlsx_format)s->base.x->xf_formats[style];
  s->in_cell = true;
  s->value.len = 0;
}

/* Writes an ISO 8601 date or date-time (t="d") as the reader's date text; 0 if it is not one. */
static size_t iso_date_text(const char *v, size_t n, char out[XLSX_DATE_TEXT_LEN]) {
  static const char date[] = "dddd-dd-dd", time[] = "Tdd:dd:dd";
  for (size_t i = 0; i < 10; i++)
    if (i >= n || (date[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != date[i]))
      return 0;
  bool timed = n >= 19;
  for (size_t i = 0; timed && i < 9; i++)
    timed = time[i] == 'd' ? v[10 + i] >= '0' && v[10 + i] <= '9' : v[10 + i] == time[i];
  memcpy(out, v, 10);
  if (!timed || memcmp(v + 11, "00:00:00", 8) == 0) {
    out[10] = '\0';
    return 10;
  }
  out[10] = ' ';
  memcpy(out + 11, v + 11, 8);
  out[19] = '\0';
  return 19;
}

/* Adds the open cell's text to the row. */
static void cell_end(struct sheet_part *s) {
  struct xlsx *x = s->base.x;
  const char *text = s->value.data ? s->value.data : "";
  size_t len = s->value.len, index;
  char date[XLSX_DATE_TEXT_LEN];
  s->in_cell = s->in_value = s->in_inline = s->in_text = false;
  s->next_column = s->column + 1;
  if (len == 0)
    return;
  switch (s->type) {
  case CELL_NUMBER: /* IMP: SPEC B1 (dates come as YYYY-MM-DD) */
    if (s->format != XLSX_FORMAT_NUMBER && xlsx_serial_text(text, s->format, x->date1904, date)) {
      text = date;
      len = strlen(date);
    }
    break;
  case CELL_SHARED:
    if (!parse_count(text, SIZE_MAX, &index) || index >= x->string_count) {
      sheet_fail(s, SH_ERR_INVALID, "bad_xlsx", s->column, "a shared string that does not exist");
      return;
    }
    text = x->strings.data + x->string_offsets[index];
    len = (index + 1 < x->string_count ? x->string_offsets[index + 1] : x->strings.len) -
          x->string_offsets[index] - 1;
    break;
  case CELL_INLINE:
  case CELL_TEXT:
    len = unescape_ooxml(s->value.data, len);
    break;
  case CELL_BOOL:
    if (strcmp(text, "1") == 0 || strcmp(text, "0") == 0) {
      text = text[0] == '1' ? "TRUE" : "FALSE";
      len = strlen(text);
    }
    break;
  case CELL_ERROR:
    break;
  case CELL_DATE:
    if ((index = iso_date_text(text, len, date)) > 0) {
      text = date;
      len = index;
    }
    break;
  }
  enum sh_status rc = sheet_builder_add_cell(&x->builder, s->column, text, len, x->err);
  if (rc != SH_OK)
    part_stop(&s->base, rc);
}

static void worksheet_start(struct part *p, const char *name, const char **attrs) {
  struct sheet_part *s = (struct sheet_part *)p;
  if (strcmp(name, "sheetData") == 0)
    s->in_data = true;
  else if (!s->in_data)
    return;
  else if (strcmp(name, "row") == 0)
    row_start(s, attrs);
  else if (strcmp(name, "c") == 0)
    cell_start(s, attrs);
  else if (!s->in_cell)
    return;
  else if (strcmp(name, "v") == 0)
    s->in_value = !s->in_inline;
  else if (strcmp(name, "is") == 0)
    s->in_inline = true;
  else if (strcmp(name, "rPh") == 0)
    s->phonetic++;
  else if (strcmp(name, "t") == 0)
    s->in_text = s->in_inline && s->phonetic == 0;
}

static void worksheet_end(struct part *p, const char *name) {
  struct sheet_part *s = (struct sheet_part *)p;
  if (strcmp(name, "sheetData") == 0)
    s->in_data = false;
  else if (strcmp(name, "row") == 0)
    s->row = 0;
  else if (strcmp(name, "c") == 0 && s->in_cell)
    cell_end(s);
  else if (strcmp(name, "v") == 0)
    s->in_value = false;
  else if (strcmp(name, "is") == 0)
    s->in_inline = false;
  else if (strcmp(name, "rPh") == 0)
    s->phonetic -= s->phonetic > 0;
  else if (strcmp(name, "t") == 0)
    s->in_text = false;
}

static void worksheet_text(struct part *p, const char *text, size_t len) {
  struct sheet_part *s = (struct sheet_part *)p;
  if (!s->in_value && !s->in_text)
    return;
  enum sh_status rc = buf_append(&s->value, text, len);
  if (rc == SH_ERR_TOO_LARGE)
    sheet_fail(s, rc, "cell_too_large", s->column, "a cell longer than 32768 bytes");
  else if (rc != SH_OK)
    part_stop(p, sh_fail(p->x->err, rc, "out_of_memory", "file", NULL));
}

/* ---- The workbook as a whole ---- */

static uint64_t little_endian(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  while (bytes-- > 0)
    v = v << 8 | p[bytes];
  return v;
}

/* True unless an end-of-central-directory record of the archive (any candidate in the last
 * 64 KiB, where libzip looks, and its ZIP64 record) claims more than XLSX_MAX_ZIP_ENTRIES
 * entries. libzip allocates a record per entry when it opens the archive, about 300 bytes
 * each, so the count is checked before: 60 MiB of empty entries would cost it 200 MiB. */
static bool zip_entries_bounded(const unsigned char *d, size_t len) {
  size_t lowest = len > 22 + 65535 ? len - 22 - 65535 : 0;
  for (size_t at = len >= 22 ? len - 22 + 1 : 0; at-- > lowest;) {
    if (d[at] != 0x50 || little_endian(d + at, 4) != 0x06054b50)
      continue; /* the first byte alone rules out most places (4x faster under the fuzzer) */
    uint64_t entries = little_endian(d + at + 10, 2);
    if (entries == 0xFFFF && at >= 20 && little_endian(d + at - 20, 4) == 0x07064b50) {
      uint64_t record = little_endian(d + at - 20 + 8, 8); /* the ZIP64 end record */
      if (len >= 56 && record <= len - 56 && little_endian(d + record, 4) == 0x06064b50)
        entries = little_endian(d + record + 32, 8);
    }
    if (entries > XLSX_MAX_ZIP_ENTRIES)
      return false;
  }
  return true;
}

/* The folder of a part, with its slash ("xl/" of "xl/workbook.xml"). */
static void folder_of(const char *part, char out[PART_NAME_LEN]) {
  const char *slash = strrchr(part, '/');
  size_t n = slash ? (size_t)(slash - part) + 1 : 0;
  memcpy(out, part, n);
  out[n] = '\0';
}

/* Paths of the parts to read, from the relationships and the workbook. */
struct parts {
  char sheet[PART_NAME_LEN];
  char strings[PART_NAME_LEN]; /* "" if the workbook has no shared strings */
  char styles[PART_NAME_LEN];  /* "" if it has no styles */
};

static enum sh_status find_parts(struct xlsx *x, struct parts *out) {
  enum sh_status rc;
  struct rels_part root = {.base.start = rels_start};
  struct workbook_part book = {.base.start = workbook_start};
  struct rels_part rels = {.base.start = rels_start};
  char workbook[PART_NAME_LEN] = "xl/workbook.xml", folder[PART_NAME_LEN];
  char rels_name[2 * PART_NAME_LEN + 16];
  if ((rc = part_parse(x, "_rels/.rels", false, &root.base)) != SH_OK)
    return rc;
  if (root.workbook[0] && !part_path("", root.workbook, workbook))
    return zip_damaged(x, "_rels/.rels", "the workbook's path is not usable");
  if ((rc = part_parse(x, workbook, true, &book.base)) != SH_OK)
    return rc;
  if (!book.first_sheet[0])
    return zip_damaged(x, workbook, "the workbook has no sheet");
  x->date1904 = book.date1904;
  folder_of(workbook, folder);
  snprintf(rels_name, sizeof rels_name, "%s_rels/%s.rels", folder, workbook + strlen(folder));
  rels.want_id = book.first_sheet;
  if ((rc = part_parse(x, rels_name, true, &rels.base)) != SH_OK)
    return rc;
  if (!rels.want[0])
    return zip_damaged(x, rels_name, "the first sheet has no part");
  if (!rels.want_is_worksheet)
    return zip_damaged(x, rels_name, "the first sheet is not a worksheet (a chart?)");
  if (!part_path(folder, rels.want, out->sheet) ||
      (rels.strings[0] && !part_path(folder, rels.strings, out->strings)) ||
      (rels.styles[0] && !part_path(folder, rels.styles, out->styles)))
    return zip_damaged(x, rels_name, "a part's path is not usable");
  return SH_OK;
}

/* Reads the cell formats and notes which of them show dates. */
static enum sh_status read_styles(struct xlsx *x, const char *name) {
  struct styles_part s = {.base.start = styles_start, .base.end = styles_end};
  enum sh_status rc = SH_OK;
  if (!name[0])
    goto out;
  if ((rc = part_parse(x, name, false, &s.base)) != SH_OK || s.xf_count == 0)
    goto out;
  if (s.format_count)
    qsort(s.formats, s.format_count, sizeof *s.formats, by_id);
  if (!(x->xf_formats = sh_calloc(s.xf_count, 1))) {
    rc = sh_fail(x->err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
    goto out;
  }
  for (size_t i = 0; i < s.xf_count; i++)
    x->xf_formats[i] = (unsigned char)format_of(&s, s.xf_ids[i]);
  x->xf_count = s.xf_count;
out:
  free(s.formats);
  free(s.xf_ids);
  return rc;
}

static enum sh_status read_sheet(struct xlsx *x, const char *name) {
  struct sheet_part s = {
      .base.start = worksheet_start, .base.end = worksheet_end, .base.text = worksheet_text};
  /* A value's raw text may hold _xHHHH_ escapes, seven bytes for one character. */
  buf_init(&s.value, 2 * (size_t)SHEET_MAX_CELL_BYTES);
  enum sh_status rc = part_parse(x, name, true, &s.base);
  buf_free(&s.value);
  return rc;
}

enum sh_status xlsx_read(const void *data, size_t len, struct sheet **out, struct sh_error *err) {
  enum sh_status rc;
  struct xlsx x = {.err = err};
  struct parts parts = {0};
  zip_error_t zip_error;
  zip_source_t *source = NULL;
  static const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  zip_error_init(&zip_error);
  sheet_builder_init(&x.builder);
  buf_init(&x.strings, SHEET_MAX_TEXT_BYTES);
  if (len > XLSX_MAX_FILE_BYTES) {
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "file_too_large", "file", "larger than 64 MiB");
    goto out;
  }
  if (len >= sizeof ole && memcmp(data, ole, sizeof ole) == 0) {
    rc = sh_fail(err, SH_ERR_INVALID, "bad_xlsx", "file", "an old .xls workbook: save it as .xlsx");
    goto out;
  }
  if (!zip_entries_bounded(data, len)) {
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "too_many_zip_entries", "file",
                 "more than 10000 entries in the archive");
    goto out;
  }
  if (!(source = zip_source_buffer_create(len ? data : "", len, 0, &zip_error))) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
    goto out;
  }
  if (!(x.zip = zip_open_from_source(source, ZIP_RDONLY, &zip_error))) {
    zip_source_free(source);
    char detail[192];
    snprintf(detail, sizeof detail, "not an .xlsx file (%s)", zip_error_strerror(&zip_error));
    rc = sh_fail(err, SH_ERR_INVALID, "bad_xlsx", "file", detail);
    goto out;
  }
  if (zip_get_num_entries(x.zip, 0) > XLSX_MAX_ZIP_ENTRIES) {
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "too_many_zip_entries", "file",
                 "more than 10000 entries in the archive");
    goto out;
  }
  if (!(x.chunk = sh_calloc(CHUNK_BYTES, 1))) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
    goto out;
  }
  if ((rc = find_parts(&x, &parts)) != SH_OK)
    goto out;
  if (parts.strings[0]) {
    struct strings_part strings = {
        .base.start = strings_start, .base.end = strings_end, .base.text = strings_text};
    if ((rc = part_parse(&x, parts.strings, false, &strings.base)) != SH_OK)
      goto out;
  }
  if ((rc = read_styles(&x, parts.styles)) != SH_OK || (rc = read_sheet(&x, parts.sheet)) != SH_OK)
    goto out;
  rc = sheet_builder_finish(&x.builder, out, err);
out:
  if (x.zip)
    zip_discard(x.zip);
  zip_error_fini(&zip_error);
  free(x.chunk);
  buf_free(&x.strings);
  free(x.string_offsets);
  free(x.xf_formats);
  sheet_builder_free(&x.builder);
  return rc;
}
