/* npy_read.c: the strict .npy reader of ddpm_npy_read.h. The header is the
 * Python dict literal NumPy writes; it is parsed here by a small recursive
 * descent over exactly that grammar (strings, True/False, tuples of
 * non-negative integers), so any other text is refused, never guessed at.
 * Files are untrusted: every length is checked against the file's size
 * before it is used, and nothing proportional to the data is allocated. */
#define _FILE_OFFSET_BITS 64 /* fseeko past 2 GiB on 32-bit hosts too */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddpm_npy_read.h"

/* NumPy itself refuses headers over 10000 bytes by default; 1 MiB leaves
 * room for any honest writer and bounds what a hostile file makes us read. */
#define HEADER_MAX (1L << 20)
#define STRING_MAX 64

static const char accepted[] = "must be float64, float32 or float16 ('<f8', '<f4', '<f2', "
                               "or '>' for big-endian)";

/* Every message starts "what path: ". */
static int failv(const ddpm_npy_reader *r, ddpm_err *e, int code, const char *fmt, va_list ap)
{
  char why[400];
  vsnprintf(why, sizeof why, fmt, ap);
  return ddpm_fail(e, code, "%s%s%s: %s", r->what, r->what[0] ? " " : "", r->path, why);
}

__attribute__((format(printf, 3, 4)))
static int bad(const ddpm_npy_reader *r, ddpm_err *e, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = failv(r, e, DDPM_EINPUT, fmt, ap);
  va_end(ap);
  return rc;
}

__attribute__((format(printf, 3, 4)))
static int io_error(const ddpm_npy_reader *r, ddpm_err *e, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = failv(r, e, DDPM_EINTERNAL, fmt, ap);
  va_end(ap);
  return rc;
}

/* ---- the header's grammar ---------------------------------------------- */

typedef struct {
  const char *text, *p;
  const ddpm_npy_reader *r;
  ddpm_err *e;
} cursor;

typedef struct {
  int have_descr, have_fortran, have_shape;
  char descr[STRING_MAX];
  int descr_is_string;
  int fortran;
  int ndim; /* may exceed DDPM_NPY_MAX_DIMS: refused after the parse */
  long long shape[DDPM_NPY_MAX_DIMS];
} header;

__attribute__((format(printf, 2, 3)))
static int syntax(const cursor *c, const char *fmt, ...)
{
  char why[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return bad(c->r, c->e, "malformed header: %s (header byte %ld)", why, (long)(c->p - c->text));
}

static void skip_space(cursor *c)
{
  while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r' || *c->p == '\f')
    c->p++;
}

/* A quoted string without escapes: all NumPy writes, and all we accept. */
static int parse_string(cursor *c, char *out, size_t size)
{
  char quote = *c->p;
  if (quote != '\'' && quote != '"') return syntax(c, "expected a quoted string");
  const char *start = ++c->p;
  while (*c->p != quote) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '\0') return syntax(c, "unterminated string");
    if (ch == '\\') return syntax(c, "backslash escape in a string");
    if (ch < 0x20 || ch > 0x7e) return syntax(c, "byte 0x%02x in a string", ch);
    c->p++;
  }
  size_t len = (size_t)(c->p - start);
  if (len >= size) return syntax(c, "string longer than %zu characters", size - 1);
  memcpy(out, start, len);
  out[len] = '\0';
  c->p++;
  return DDPM_OK;
}

/* A Python int literal as NumPy writes a dimension: decimal, no sign, no
 * leading zeros, at most INT64_MAX. */
static int parse_dim(cursor *c, long long *out)
{
  const char *start = c->p;
  if (*c->p == '-') return syntax(c, "negative dimension in 'shape'");
  if (*c->p < '0' || *c->p > '9') return syntax(c, "expected a dimension (an integer) in 'shape'");
  unsigned long long v = 0;
  int overflow = 0;
  while (*c->p >= '0' && *c->p <= '9') {
    unsigned digit = (unsigned)(*c->p - '0');
    if (v > ((unsigned long long)INT64_MAX - digit) / 10) overflow = 1;
    else v = v * 10 + digit;
    c->p++;
  }
  if (*start == '0' && c->p - start > 1) return syntax(c, "dimension with a leading zero");
  if (*c->p == '.' || *c->p == 'e' || *c->p == 'E' || *c->p == 'j' || *c->p == 'x')
    return syntax(c, "dimension is not an integer");
  if (overflow)
    return bad(c->r, c->e, "'shape': dimension %.*s is too large", (int)(c->p - start > 40 ? 40 : c->p - start), start);
  *out = (long long)v;
  return DDPM_OK;
}

/* "(a, b, c)" with an optional trailing comma; a one-element tuple needs
 * its comma, "(3)" being the integer 3 in Python. */
static int parse_shape(cursor *c, header *h)
{
  if (*c->p != '(') return syntax(c, "'shape' is not a tuple (expected '(')");
  c->p++;
  skip_space(c);
  int commas = 0;
  h->ndim = 0;
  while (*c->p != ')') {
    long long dim = 0;
    int rc = parse_dim(c, &dim);
    if (rc != DDPM_OK) return rc;
    if (h->ndim < DDPM_NPY_MAX_DIMS) h->shape[h->ndim] = dim;
    if (h->ndim < 1000) h->ndim++;
    skip_space(c);
    if (*c->p == ',') {
      commas++;
      c->p++;
      skip_space(c);
    } else if (*c->p != ')') {
      return syntax(c, "expected ',' or ')' in 'shape'");
    }
  }
  if (h->ndim == 1 && commas == 0)
    return syntax(c, "'shape' (%lld) is not a tuple: a one-dimensional shape is written (%lld,)",
                  h->shape[0], h->shape[0]);
  c->p++;
  return DDPM_OK;
}

static int parse_bool(cursor *c, int *out)
{
  if (strncmp(c->p, "True", 4) == 0) *out = 1;
  else if (strncmp(c->p, "False", 5) == 0) *out = 0;
  else return syntax(c, "'fortran_order' must be True or False");
  c->p += *out ? 4 : 5;
  if ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z') || *c->p == '_' ||
      (*c->p >= '0' && *c->p <= '9'))
    return syntax(c, "'fortran_order' must be True or False");
  return DDPM_OK;
}

/* 'descr' may legitimately be a list (a structured dtype): recognise it so
 * that the message says dtype, not syntax. */
static int parse_descr(cursor *c, header *h)
{
  if (*c->p == '[') {
    h->descr_is_string = 0;
    snprintf(h->descr, sizeof h->descr, "[...]");
    int depth = 0; /* skip to the matching ']' */
    do {
      if (*c->p == '\0') return syntax(c, "unterminated list in 'descr'");
      if (*c->p == '[') depth++;
      if (*c->p == ']') depth--;
      c->p++;
    } while (depth > 0);
    return DDPM_OK;
  }
  h->descr_is_string = 1;
  return parse_string(c, h->descr, sizeof h->descr);
}

static int parse_entry(cursor *c, header *h)
{
  char key[STRING_MAX];
  int rc = parse_string(c, key, sizeof key);
  if (rc != DDPM_OK) return rc;
  skip_space(c);
  if (*c->p != ':') return syntax(c, "expected ':' after key '%s'", key);
  c->p++;
  skip_space(c);
  int *have;
  if (strcmp(key, "descr") == 0) have = &h->have_descr;
  else if (strcmp(key, "fortran_order") == 0) have = &h->have_fortran;
  else if (strcmp(key, "shape") == 0) have = &h->have_shape;
  else
    return bad(c->r, c->e, "header: unexpected key '%s' (a .npy header has exactly 'descr', "
               "'fortran_order' and 'shape')", key);
  if (*have) return bad(c->r, c->e, "header: key '%s' given twice", key);
  *have = 1;
  if (have == &h->have_descr) return parse_descr(c, h);
  if (have == &h->have_fortran) return parse_bool(c, &h->fortran);
  return parse_shape(c, h);
}

static int parse_dict(cursor *c, header *h)
{
  skip_space(c);
  if (*c->p != '{') return syntax(c, "expected '{' (the header is a Python dict)");
  c->p++;
  skip_space(c);
  while (*c->p != '}') {
    int rc = parse_entry(c, h);
    if (rc != DDPM_OK) return rc;
    skip_space(c);
    if (*c->p == ',') {
      c->p++;
      skip_space(c);
    } else if (*c->p != '}') {
      return syntax(c, "expected ',' or '}' after an entry");
    }
  }
  c->p++;
  skip_space(c);
  if (*c->p != '\0') return syntax(c, "unexpected text after the dict");
  const char *missing = !h->have_descr ? "descr" : !h->have_fortran ? "fortran_order"
                        : !h->have_shape ? "shape" : NULL;
  if (missing) return bad(c->r, c->e, "header: no '%s' key", missing);
  return DDPM_OK;
}

/* ---- meaning of the header ------------------------------------------- */

static int set_dtype(ddpm_npy_reader *r, const header *h, ddpm_err *e)
{
  static const char *const ok[] = {"<f8", ">f8", "<f4", ">f4", "<f2", ">f2"};
  for (int q = 0; q < 6; q++)
    if (h->descr_is_string && strcmp(h->descr, ok[q]) == 0) {
      snprintf(r->descr, sizeof r->descr, "%s", ok[q]);
      r->big_endian = ok[q][0] == '>';
      r->item_bytes = ok[q][2] - '0';
      return DDPM_OK;
    }
  if (!h->descr_is_string) return bad(r, e, "dtype is a structured (record) dtype: %s", accepted);
  return bad(r, e, "dtype '%s': %s", h->descr, accepted);
}

static int set_shape(ddpm_npy_reader *r, const header *h, ddpm_err *e)
{
  if (h->ndim > DDPM_NPY_MAX_DIMS)
    return bad(r, e, "%d dimensions: at most %d are accepted", h->ndim, DDPM_NPY_MAX_DIMS);
  r->ndim = h->ndim;
  memcpy(r->shape, h->shape, sizeof r->shape);
  /* zero-size arrays are fine, but every dimension must still be sane:
   * the product of the non-zero ones times the item size must fit */
  long long bytes = r->item_bytes, count = 1;
  for (int q = 0; q < r->ndim; q++) {
    if (r->shape[q] == 0) { count = 0; continue; }
    if (bytes > (INT64_MAX - r->data_offset) / r->shape[q]) {
      char s[128];
      return bad(r, e, "shape %s of %d-byte values: the byte count overflows 64 bits",
                 ddpm_npy_shape_text(r, s, sizeof s), r->item_bytes);
    }
    bytes *= r->shape[q];
    count *= r->shape[q];
  }
  r->count = count;
  return DDPM_OK;
}

static int parse_header(ddpm_npy_reader *r, const char *text, ddpm_err *e)
{
  header h;
  memset(&h, 0, sizeof h);
  cursor c = {text, text, r, e};
  int rc = parse_dict(&c, &h);
  if (rc == DDPM_OK) rc = set_dtype(r, &h, e);
  if (rc == DDPM_OK && h.fortran)
    rc = bad(r, e, "fortran_order is True: only C order is accepted (write it with "
             "numpy.ascontiguousarray)");
  if (rc == DDPM_OK) rc = set_shape(r, &h, e);
  return rc;
}

/* ---- the file ------------------------------------------------------------ */

/* O_NONBLOCK so that a FIFO cannot hang the open; only regular files have
 * the fixed size and random access the format needs. */
static int open_regular(ddpm_npy_reader *r, long long *size, ddpm_err *e)
{
  int fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return bad(r, e, "cannot open: %s", strerror(errno));
  struct stat st;
  const char *why = NULL;
  if (fstat(fd, &st) != 0) why = strerror(errno);
  else if (S_ISDIR(st.st_mode)) why = "is a directory, not a .npy file";
  else if (!S_ISREG(st.st_mode)) why = "not a regular file";
  if (!why) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    r->f = fdopen(fd, "rb");
    if (!r->f) why = strerror(errno);
  }
  if (why) {
    close(fd);
    return bad(r, e, "%s", why);
  }
  *size = (long long)st.st_size;
  return DDPM_OK;
}

static int read_exact(ddpm_npy_reader *r, void *buf, size_t len, ddpm_err *e)
{
  if (fread(buf, 1, len, r->f) == len) return DDPM_OK;
  if (ferror(r->f)) return io_error(r, e, "read error: %s", strerror(errno));
  return bad(r, e, "read came short: the file changed while being read");
}

/* Magic and version; sets *header_len and *preamble (bytes before the header). */
static int read_preamble(ddpm_npy_reader *r, long long size, unsigned long *header_len,
                         long *preamble, ddpm_err *e)
{
  static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  unsigned char head[12];
  if (size == 0) return bad(r, e, "empty file (0 bytes), not a .npy array");
  size_t got = size < 12 ? (size_t)size : 12;
  int rc = read_exact(r, head, got, e);
  if (rc != DDPM_OK) return rc;
  if (memcmp(head, magic, got < 6 ? got : 6) != 0)
    return bad(r, e, "not a .npy file (it does not start with \\x93NUMPY)");
  if (got < 10) return bad(r, e, "truncated: %lld bytes, shorter than a .npy preamble", size);
  int major = head[6], minor = head[7];
  if (major < 1 || major > 3 || minor != 0)
    return bad(r, e, "format version %d.%d: only 1.0, 2.0 and 3.0 exist", major, minor);
  r->version = major;
  *preamble = major == 1 ? 10 : 12;
  if (size < *preamble) return bad(r, e, "truncated: %lld bytes, shorter than a .npy %d.0 preamble", size, major);
  *header_len = head[8] | (unsigned long)head[9] << 8;
  if (major > 1) *header_len |= (unsigned long)head[10] << 16 | (unsigned long)head[11] << 24;
  if (*header_len == 0) return bad(r, e, "empty header");
  if ((long long)*header_len > size - *preamble)
    return bad(r, e, "truncated header: the preamble says %lu header bytes, the file has %lld "
               "after it", *header_len, size - *preamble);
  if (*header_len > HEADER_MAX)
    return bad(r, e, "header of %lu bytes: longer than %ld, not a NumPy array header",
               *header_len, HEADER_MAX);
  return DDPM_OK;
}

static int read_header(ddpm_npy_reader *r, long preamble, unsigned long len, ddpm_err *e)
{
  char *text = malloc(len + 1);
  if (!text) return io_error(r, e, "out of memory for a %lu-byte header", len);
  int rc = DDPM_OK;
  if (fseeko(r->f, preamble, SEEK_SET) != 0) rc = io_error(r, e, "seek failed: %s", strerror(errno));
  if (rc == DDPM_OK) rc = read_exact(r, text, len, e);
  if (rc == DDPM_OK) {
    text[len] = '\0';
    if (strlen(text) != len) rc = bad(r, e, "malformed header: NUL byte at header byte %zu", strlen(text));
  }
  r->data_offset = preamble + (long long)len;
  if (rc == DDPM_OK) rc = parse_header(r, text, e);
  free(text);
  return rc;
}

/* The file must hold exactly the header's bytes: shorter is a truncated
 * copy, longer is a different array or a concatenation. */
static int check_size(ddpm_npy_reader *r, long long size, ddpm_err *e)
{
  long long need = r->count * r->item_bytes, have = size - r->data_offset;
  char s[128];
  if (have < need)
    return bad(r, e, "truncated: %lld bytes of data, the header's shape %s of '%s' needs %lld",
               have, ddpm_npy_shape_text(r, s, sizeof s), r->descr, need);
  if (have > need)
    return bad(r, e, "%lld trailing byte%s after the data (the header's shape %s of '%s' needs "
               "%lld bytes, the file has %lld)", have - need, have - need == 1 ? "" : "s",
               ddpm_npy_shape_text(r, s, sizeof s), r->descr, need, have);
  return DDPM_OK;
}

int ddpm_npy_open(ddpm_npy_reader *r, const char *path, const char *what, ddpm_err *e)
{
  memset(r, 0, sizeof *r);
  snprintf(r->what, sizeof r->what, "%s", what ? what : "");
  if (strlen(path) >= sizeof r->path) {
    snprintf(r->path, sizeof r->path, "%.60s...", path);
    return bad(r, e, "path longer than %zu bytes", sizeof r->path - 1);
  }
  snprintf(r->path, sizeof r->path, "%s", path);
  long long size = 0;
  unsigned long header_len = 0;
  long preamble = 0;
  int rc = open_regular(r, &size, e);
  if (rc == DDPM_OK) rc = read_preamble(r, size, &header_len, &preamble, e);
  if (rc == DDPM_OK) rc = read_header(r, preamble, header_len, e);
  if (rc == DDPM_OK) rc = check_size(r, size, e);
  if (rc != DDPM_OK) ddpm_npy_close(r);
  r->next = -1; /* unknown position: the first read seeks */
  return rc;
}

/* ---- values --------------------------------------------------------------- */

/* IEEE binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. Every
 * value is a binary64, and ldexp of a small integer is exact. */
static double half_to_double(unsigned h)
{
  unsigned sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v;
  if (exp == 0) v = ldexp((double)frac, -24);                 /* zero, subnormal */
  else if (exp == 31) v = frac ? NAN : INFINITY;
  else v = ldexp((double)(frac | 0x400), (int)exp - 25);
  return sign ? -v : v;
}

static double decode(const ddpm_npy_reader *r, const unsigned char *b)
{
  uint64_t bits = 0;
  for (int k = 0; k < r->item_bytes; k++) {
    int at = r->big_endian ? k : r->item_bytes - 1 - k; /* most significant byte first */
    bits = bits << 8 | b[at];
  }
  if (r->item_bytes == 2) return half_to_double((unsigned)bits);
  if (r->item_bytes == 4) {
    uint32_t u = (uint32_t)bits;
    float f;
    memcpy(&f, &u, 4);
    return (double)f; /* exact: binary32 is a subset of binary64 */
  }
  double d;
  memcpy(&d, &bits, 8);
  return d;
}

int ddpm_npy_read(ddpm_npy_reader *r, long long first, long long count, double *out,
                  ddpm_err *e)
{
  if (!r->f) return bad(r, e, "read from a closed reader");
  if (first < 0 || count < 0 || first > r->count || count > r->count - first)
    return bad(r, e, "values %lld..%lld requested: the array has %lld", first,
               first + (count > 0 ? count - 1 : 0), r->count);
  if (count == 0) return DDPM_OK;
  if (first != r->next &&
      fseeko(r->f, (off_t)(r->data_offset + first * r->item_bytes), SEEK_SET) != 0) {
    r->next = -1;
    return io_error(r, e, "seek failed: %s", strerror(errno));
  }
  r->next = -1; /* until this read is complete */
  unsigned char buf[4096];
  long long per = (long long)sizeof buf / r->item_bytes;
  for (long long done = 0; done < count;) {
    long long k = count - done < per ? count - done : per;
    int rc = read_exact(r, buf, (size_t)(k * r->item_bytes), e);
    if (rc != DDPM_OK) return rc;
    for (long long q = 0; q < k; q++) out[done + q] = decode(r, buf + q * r->item_bytes);
    done += k;
  }
  r->next = first + count;
  return DDPM_OK;
}

const char *ddpm_npy_shape_text(const ddpm_npy_reader *r, char *buf, unsigned long size)
{
  size_t len = 0;
  if (size == 0) return buf;
  buf[0] = '\0';
  len += (size_t)snprintf(buf, size, "(");
  for (int q = 0; q < r->ndim && len < size; q++)
    len += (size_t)snprintf(buf + len, size - len, "%s%lld", q ? ", " : "", r->shape[q]);
  if (len < size) snprintf(buf + len, size - len, r->ndim == 1 ? ",)" : ")");
  return buf;
}

void ddpm_npy_close(ddpm_npy_reader *r)
{
  if (r->f) fclose(r->f);
  r->f = NULL;
  r->next = -1;
}
