/* multipart.h — a bounded parser of multipart/form-data request bodies (RFC 7578, RFC 2046)
 * for photo and document uploads, a safe file name for storing and serving what was sent,
 * and the real type of a file by its magic bytes.
 *
 * Design: pure (no I/O, no clock, no allocation). The parser finds at most
 * MULTIPART_MAX_PARTS parts; each part's data is a pointer and a length into the caller's
 * body, never a copy, so a 64 MiB upload costs no second 64 MiB. Names, file names and types
 * are copied into fixed fields of struct multipart_form. Every header of a part is bounded
 * (MULTIPART_MAX_HEADER_BYTES) before anything is looked at, so a body of any shape costs
 * one pass over its bytes. What the parser refuses rather than guesses at:
 *   - lines that do not end in CRLF (header lines, delimiter lines);
 *   - folded header lines (obsolete in RFC 7230; a folded Content-Disposition is a
 *     classic way to make two parsers disagree on a file name);
 *   - a header or a Content-Disposition parameter given twice;
 *   - Content-Transfer-Encoding other than 7bit, 8bit or binary (RFC 7578 4.7 deprecates
 *     it; decoding base64 here would make the data no longer a slice of the body);
 *   - a body without its close delimiter (a cut-off upload must not store half a photo).
 * What it does not do: decode percent signs in a quoted filename (browsers send " as %22,
 * but a file may really be called 100%22.jpg), convert charsets other than UTF-8 and
 * ISO-8859-1 (filename*), look inside the data. */
#ifndef SHOUHOU_MULTIPART_H
#define SHOUHOU_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Parts of one form. An upload form holds a few photos and a note; more is refused
 * (too_many_parts) rather than read, so one request cannot make the server walk thousands of
 * tiny parts. */
#define MULTIPART_MAX_PARTS 8
/* RFC 2046 5.1.1: a boundary is 1 to 70 characters. */
#define MULTIPART_MAX_BOUNDARY_BYTES 70
/* All header lines of one part, CRLFs included. A browser sends about 150 bytes; 4 KiB holds
 * a long Chinese file name given both as filename and, percent-encoded, as filename*. */
#define MULTIPART_MAX_HEADER_BYTES 4096
/* A form field name, in bytes (our forms use short ASCII names like "photo"). */
#define MULTIPART_MAX_NAME_BYTES 127
/* A file name as sent, in bytes: 340 Chinese characters, far past any file system's 255. */
#define MULTIPART_MAX_FILENAME_BYTES 1023
/* A part's Content-Type value, in bytes ("image/jpeg" and a parameter or two). */
#define MULTIPART_MAX_TYPE_BYTES 127

struct multipart_part {
  char name[MULTIPART_MAX_NAME_BYTES + 1]; /* form field name: non-empty, UTF-8 */
  /* The file name as sent (filename* preferred over filename), UTF-8 without NUL, possibly a
   * path or worse: pass it through multipart_safe_filename() before using it. "" when the
   * part has none, or when the browser sent filename="" (no file chosen). */
  char filename[MULTIPART_MAX_FILENAME_BYTES + 1];
  bool has_filename; /* a filename or filename* parameter was present (even empty) */
  /* The part's Content-Type value as sent, spaces trimmed, printable ASCII; "" if the part
   * had none (RFC 7578 4.4: then it means text/plain). A declared type is a claim only:
   * compare it with multipart_sniff_type(). */
  char content_type[MULTIPART_MAX_TYPE_BYTES + 1];
  const unsigned char *data; /* borrowed: points into the body given to multipart_parse() */
  size_t len;                /* bytes of data; may contain anything, NULs included */
};

struct multipart_form {
  size_t count; /* parts found, in body order; 0 for a form with no fields */
  struct multipart_part parts[MULTIPART_MAX_PARTS];
};

/* Parses a multipart/form-data body.
 *
 * content_type is the request's Content-Type header value (may be NULL): the media type
 * must be multipart/form-data (any case) and carry a boundary parameter, quoted or not, of
 * 1..70 characters of RFC 2046 bchars, not ending in a space. body[0..len) is the request
 * body, untrusted, not NUL-terminated.
 *
 * The body is: an ignored preamble; "--boundary" at the start of the body or of a line, then
 * optional spaces or tabs and CRLF; for each part, header lines ending in CRLF, an empty line,
 * the data, and CRLF "--boundary" again, where the next part follows or, after "--", the
 * body ends (anything after that line is the ignored epilogue). "--boundary" followed by
 * anything else is data, not a delimiter: that is how a boundary that is a prefix of some
 * line inside a file is read. Headers: names in any case; Content-Disposition must be
 * present, of type form-data, with a non-empty name; filename and filename* are read
 * (filename* per RFC 5987: UTF-8 or ISO-8859-1, "charset'language'percent-encoded", and
 * used instead of filename when both are present); other parameters and other headers are
 * ignored. Parameter values are tokens or quoted strings; inside quotes a backslash escapes
 * only " and \ (any other backslash is kept, so the full Windows paths that old browsers
 * send, C:\x\照片.jpg, arrive intact for multipart_safe_filename()).
 *
 * Returns SH_OK and fills *out (borrowing from body: keep the body alive while the parts
 * are used). On failure *out is untouched and err has the code, the part's field name in
 * field where it is known, and "part N" (1-based) in detail:
 *   SH_ERR_MEDIA_TYPE  not_multipart: content_type is missing or not multipart/form-data
 *   SH_ERR_MALFORMED   bad_boundary: no, empty, duplicated, over-long or ill-formed boundary
 *                      missing_boundary: the body never has the first delimiter line
 *                      truncated: the body ends before the close delimiter
 *                      bad_part_header: a header line without a colon, with a control
 *                        character or a bare CR or LF, given twice, or a Content-Type too
 *                        long or not printable ASCII
 *                      folded_header: a header line starting with a space or a tab
 *                      no_content_disposition: a part without one
 *                      bad_content_disposition: not form-data, no or empty or too long
 *                        name, an unclosed quote, a duplicated parameter, a bad filename*
 *                      invalid_utf8: a name or file name is not UTF-8 (or holds a NUL)
 *                      bad_transfer_encoding: Content-Transfer-Encoding not 7bit, 8bit or
 *                        binary
 *   SH_ERR_INVALID     filename_too_long: over MULTIPART_MAX_FILENAME_BYTES
 *   SH_ERR_TOO_LARGE   header_too_large: a part's headers over MULTIPART_MAX_HEADER_BYTES
 *                      too_many_parts: more than MULTIPART_MAX_PARTS parts */
enum sh_status multipart_parse(const char *content_type, const void *body, size_t len,
                               struct multipart_form *out, struct sh_error *err);

/* The first part named name, or NULL. Borrowed from form. */
const struct multipart_part *multipart_find(const struct multipart_form *form, const char *name);

/* Writes into out[0..size) a file name that is safe to store, to put in a
 * Content-Disposition header and to save on Windows, macOS or Linux: name's last path
 * component (after the last / or \); without control characters (C0, DEL, C1), the
 * characters Windows forbids (< > : " | ? *), Unicode direction marks and overrides
 * (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: "photo<U+202E>gpj.exe" shows as
 * "photoexe.jpg") and bytes that are not UTF-8; without leading dots and spaces (no hidden
 * files, no "..") and trailing dots and spaces (Windows drops them); a device name Windows
 * reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9, before the first dot, any case) gets a "_"
 * in front. Chinese and every other printable character are kept. When the result does not
 * fit, it is cut on a UTF-8 character boundary, keeping an extension of up to 16 bytes
 * (".jpg") when at least one character of the stem fits before it. An empty result becomes
 * "file". name may be NULL (then "file"). size should be at least 5; out is always
 * NUL-terminated when size > 0. Returns the length written, without the NUL. */
size_t multipart_safe_filename(const char *name, char *out, size_t size);

/* The real type of data by its first bytes, for the types uploads accept: "image/jpeg"
 * (FF D8 FF), "image/png" (the 8-byte PNG signature), "image/webp" ("RIFF", 4 bytes, "WEBP"),
 * "application/pdf" ("%PDF-"); NULL for anything else (an upload whose bytes do not match
 * its declared type is refused by the domain). Static strings. */
const char *multipart_sniff_type(const unsigned char *data, size_t len);

#endif
