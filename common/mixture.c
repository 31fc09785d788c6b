/* mixture.c: a Gaussian mixture target (spec/maths.md section 3) from its
 * spec or from DESIGN.md section 5's JSON, read with json-c. Every number
 * keeps its decimal text: the oracle reads the text exactly, the fast path
 * its nearest binary64 (strtod), so both engines start from the same input.
 *
 * json-c (0.16, strict mode) is lenient in places that would silently
 * change the input, so the text is also scanned here (scan_text): a
 * repeated key (json-c keeps only the last value), a \u0000 inside a key
 * (json-c cuts the key there, so "mean\u0000x" would read as "mean"),
 * numbers with a leading zero ("00", "-01") and single-quoted keys, both of
 * which its strict mode lets through. It also takes NaN and Infinity as
 * numbers: ddpm_decimal_text_ok refuses their text. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ddpm_mixture.h"

/* The scan's stack: twice json-c's default nesting limit (32), which the
 * text has passed. */
#define MIX_DEPTH_MAX 64

/* The file, and where a message comes from: "--OPT: KIND:PATH: " (path
 * as shown: on one line, cut if very long). */
typedef struct {
  const char *file, *opt, *kind;
  char path[256];
  ddpm_err *e;
} mix_reader;

/* One line whatever the input holds: control characters become '?'. */
static void one_line(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

static int mix_fail(const mix_reader *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int mix_fail(const mix_reader *r, int code, const char *fmt, ...)
{
  char why[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  one_line(why);
  return ddpm_fail(r->e, code, "--%s: %s:%s: %s", r->opt, r->kind, r->path, why);
}

/* A value as shown in a message: at most 40 characters of it. */
static void shown(char out[64], const char *s)
{
  if (strlen(s) <= 40)
    snprintf(out, 64, "%s", s);
  else
    snprintf(out, 64, "%.40s...", s);
}

static void free_texts(char **texts, long long n)
{
  if (!texts) return;
  for (long long i = 0; i < n; i++) free(texts[i]);
  free(texts);
}

void ddpm_mixture_free(ddpm_mixture *m)
{
  if (!m) return;
  free_texts(m->weight_text, m->K);
  free_texts(m->mean_text, m->K * m->d);
  free_texts(m->var_text, m->K * m->d);
  free(m->weight);
  free(m->mean);
  free(m->var);
  memset(m, 0, sizeof *m);
}

/* K and d set first, so that ddpm_mixture_free frees a half-filled one. */
static int mix_alloc(ddpm_mixture *m, long long K, long long d)
{
  m->K = K;
  m->d = d;
  size_t k = (size_t)K, n = (size_t)(K * d);
  m->weight_text = calloc(k, sizeof *m->weight_text);
  m->mean_text = calloc(n, sizeof *m->mean_text);
  m->var_text = calloc(n, sizeof *m->var_text);
  m->weight = malloc(k * sizeof *m->weight);
  m->mean = malloc(n * sizeof *m->mean);
  m->var = malloc(n * sizeof *m->var);
  if (!m->weight_text || !m->mean_text || !m->var_text || !m->weight || !m->mean || !m->var)
    return DDPM_EINTERNAL;
  return DDPM_OK;
}

/* Left to right, as both engines sum them. */
static void mix_weight_sum(ddpm_mixture *m)
{
  double sum = 0.0;
  for (long long k = 0; k < m->K; k++) sum += m->weight[k];
  m->weight_sum = sum;
  m->normalised = fabs(sum - 1.0) > (double)m->K * 0x1p-52;
}

/* ---- the file's bytes ---------------------------------------------------- */

static int read_bytes(const mix_reader *r, char **out, size_t *outlen)
{
  FILE *f = fopen(r->file, "rb");
  if (!f) return mix_fail(r, DDPM_EINPUT, "cannot open: %s", strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 1 >= cap) {
      /* one byte past the limit tells a too large file; one more for '\0' */
      size_t grown = cap ? 2 * cap : 65536;
      if (grown > (size_t)DDPM_MIX_FILE_MAX + 2) grown = (size_t)DDPM_MIX_FILE_MAX + 2;
      char *b = realloc(buf, grown);
      if (!b) {
        free(buf);
        fclose(f);
        return mix_fail(r, DDPM_EINTERNAL, "out of memory");
      }
      buf = b;
      cap = grown;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (len > (size_t)DDPM_MIX_FILE_MAX) {
      free(buf);
      fclose(f);
      return mix_fail(r, DDPM_EINPUT, "larger than %ld bytes", (long)DDPM_MIX_FILE_MAX);
    }
    if (got == 0) break;
  }
  int bad = ferror(f), err = errno;
  fclose(f);
  if (bad) {
    free(buf);
    return mix_fail(r, DDPM_EINPUT, "read error: %s", strerror(err));
  }
  buf[len] = '\0';
  *out = buf;
  *outlen = len;
  return DDPM_OK;
}

static int is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void line_col(const char *buf, size_t off, long long *line, long long *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    if (buf[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* ---- what json-c lets through ------------------------------------------- */

/* One pass over text that json-c accepted: with counts NULL, counts the
 * objects into *nobj and checks escapes and numbers (*bad: where, *why:
 * what); with counts, stores each object's number of members (one ':' each,
 * outside strings) in document order. 0 if the text is fine. */
static int scan_text(const char *buf, size_t len, long long *counts, long long *nobj,
                     size_t *bad, const char **why)
{
  long long stack[MIX_DEPTH_MAX]; /* object index, or -1 for an array */
  int depth = 0;
  long long n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = buf[i];
    if (c == '\'') {
      /* json-c's strict mode takes 'key': refused, it is not JSON */
      *bad = i;
      *why = "single-quoted string (not JSON)";
      return 1;
    } else if (c == '"') {
      for (i++; i < len && buf[i] != '"'; i++)
        if (buf[i] == '\\') {
          if (i + 5 < len && strncmp(buf + i + 1, "u0000", 5) == 0) {
            *bad = i;
            *why = "\\u0000 in a string";
            return 1;
          }
          i++;
        }
    } else if (c == '{' || c == '[') {
      if (depth == MIX_DEPTH_MAX) {
        *bad = i;
        *why = "nested too deep";
        return 1;
      }
      if (c == '{') {
        if (counts) counts[n] = 0;
        stack[depth++] = n++;
      } else {
        stack[depth++] = -1;
      }
    } else if (c == '}' || c == ']') {
      if (depth > 0) depth--;
    } else if (c == ':') {
      if (counts && depth > 0 && stack[depth - 1] >= 0) counts[stack[depth - 1]]++;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t j = i + (c == '-');
      if (j + 1 < len && buf[j] == '0' && buf[j + 1] >= '0' && buf[j + 1] <= '9') {
        *bad = i;
        *why = "number with a leading zero";
        return 1;
      }
      while (i + 1 < len && buf[i + 1] != '\0' && strchr("+-.0123456789eE", buf[i + 1])) i++;
    }
  }
  *nobj = n;
  return 0;
}

static void path_child(char *out, size_t size, const char *path, const char *key)
{
  snprintf(out, size, "%s%s%.60s", path, *path ? "." : "", key);
}

/* Compares json-c's objects, in document order, with the counts of the
 * text: fewer members kept than written means a repeated key. */
static int same_members(const mix_reader *r, json_object *v, const long long *counts,
                        long long nobj, long long *next, const char *path)
{
  char child[256];
  if (json_object_is_type(v, json_type_object)) {
    long long idx = (*next)++;
    if (idx >= nobj || counts[idx] != json_object_object_length(v))
      return mix_fail(r, DDPM_EINPUT, "%s: a key appears more than once in one object",
                      *path ? path : "top level");
    json_object_object_foreach(v, key, val) {
      path_child(child, sizeof child, path, key);
      int rc = same_members(r, val, counts, nobj, next, child);
      if (rc != DDPM_OK) return rc;
    }
  } else if (json_object_is_type(v, json_type_array)) {
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++) {
      snprintf(child, sizeof child, "%s[%zu]", path, i);
      int rc = same_members(r, json_object_array_get_idx(v, i), counts, nobj, next, child);
      if (rc != DDPM_OK) return rc;
    }
  }
  return DDPM_OK;
}

static int parse_json(const mix_reader *r, const char *buf, size_t len, json_object **out)
{
  size_t first = 0;
  while (first < len && is_json_space(buf[first])) first++;
  if (first == len) return mix_fail(r, DDPM_EINPUT, "empty file (no JSON value)");
  if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
    return mix_fail(r, DDPM_EINPUT, "starts with a byte order mark (not JSON); remove it");

  struct json_tokener *tok = json_tokener_new();
  if (!tok) return mix_fail(r, DDPM_EINTERNAL, "out of memory");
  /* trailing content is allowed here only to be reported better below */
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8 |
                                  JSON_TOKENER_ALLOW_TRAILING_CHARS);
  /* with the final '\0', so that json-c knows the input ends there */
  json_object *top = json_tokener_parse_ex(tok, buf, (int)len + 1);
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t end = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  long long line, col;
  /* a JSON null is returned as NULL with success: mix_fill refuses it */
  if (!top && jerr != json_tokener_success) {
    if (jerr == json_tokener_error_parse_eof || jerr == json_tokener_continue)
      return mix_fail(r, DDPM_EINPUT, "truncated JSON (the file ends inside a value)");
    line_col(buf, end < len ? end : len, &line, &col);
    return mix_fail(r, DDPM_EINPUT, "line %lld, column %lld: not valid JSON: %s", line, col,
                    json_tokener_error_desc(jerr));
  }
  if (end > len) end = len;
  size_t rest = end;
  while (rest < len && is_json_space(buf[rest])) rest++;
  if (rest < len) {
    json_object_put(top);
    line_col(buf, rest, &line, &col);
    return mix_fail(r, DDPM_EINPUT, "line %lld, column %lld: content after the JSON value",
                    line, col);
  }

  size_t bad = 0;
  const char *why = NULL;
  long long nobj = 0;
  if (scan_text(buf, end, NULL, &nobj, &bad, &why)) {
    json_object_put(top);
    line_col(buf, bad, &line, &col);
    return mix_fail(r, DDPM_EINPUT, "line %lld, column %lld: %s", line, col, why);
  }
  long long *counts = malloc((size_t)(nobj > 0 ? nobj : 1) * sizeof *counts);
  if (!counts) {
    json_object_put(top);
    return mix_fail(r, DDPM_EINTERNAL, "out of memory");
  }
  scan_text(buf, end, counts, &nobj, &bad, &why);
  long long next = 0;
  int rc = same_members(r, top, counts, nobj, &next, "");
  free(counts);
  if (rc != DDPM_OK) {
    json_object_put(top);
    return rc;
  }
  *out = top;
  return DDPM_OK;
}

/* ---- the mixture --------------------------------------------------------- */

static const char *type_name(json_object *v)
{
  switch (json_object_get_type(v)) {
  case json_type_null: return "null";
  case json_type_boolean: return "a boolean";
  case json_type_double:
  case json_type_int: return "a number";
  case json_type_object: return "an object";
  case json_type_array: return "an array";
  case json_type_string: return "a string";
  }
  return "something else";
}

/* The decimal text of a JSON number, or of a string holding one, checked
 * and copied to *text, with its nearest binary64 in *x. */
static int number_text(const mix_reader *r, json_object *v, const char *where, char **text,
                       double *x)
{
  const char *s = json_object_get_string(v);
  char show[64];
  int quoted = 0;
  switch (json_object_get_type(v)) {
  case json_type_int: {
    /* json-c clamps integers beyond 64 bits without a word; below 2^53 the
     * text it gives back is the number written */
    int64_t i = json_object_get_int64(v);
    if (i >= (INT64_C(1) << 53) || i <= -(INT64_C(1) << 53))
      return mix_fail(r, DDPM_EINPUT,
                      "%s: integer of magnitude >= 2^53, which json-c may not keep exactly: "
                      "write it as a string (\"123...\") or with an exponent",
                      where);
    break;
  }
  case json_type_double: /* json-c keeps the source text of a double */
    break;
  case json_type_string:
    if (strlen(s) != (size_t)json_object_get_string_len(v))
      return mix_fail(r, DDPM_EINPUT, "%s: string holds a NUL character", where);
    quoted = 1;
    break;
  default:
    return mix_fail(r, DDPM_EINPUT, "%s: expected a number or a decimal string, found %s",
                    where, type_name(v));
  }
  if (strlen(s) > DDPM_MIX_TEXT_MAX)
    return mix_fail(r, DDPM_EINPUT, "%s: number of %zu characters; at most %d", where,
                    strlen(s), DDPM_MIX_TEXT_MAX);
  shown(show, s);
  if (!ddpm_decimal_text_ok(s))
    return mix_fail(r, DDPM_EINPUT,
                    "%s=%s%s%s: not a decimal number ([+-]digits[.digits][e[+-]digits])",
                    where, quoted ? "\"" : "", show, quoted ? "\"" : "");
  double val = strtod(s, NULL);
  if (!isfinite(val))
    return mix_fail(r, DDPM_EINPUT, "%s=%s: overflows binary64", where, show);
  *text = strdup(s);
  if (!*text) return mix_fail(r, DDPM_EINTERNAL, "out of memory");
  *x = val;
  return DDPM_OK;
}

/* A text whose mantissa has a nonzero digit but reads as 0 in binary64. */
static int underflows(const char *s)
{
  for (; *s && *s != 'e' && *s != 'E'; s++)
    if (*s >= '1' && *s <= '9') return 1;
  return 0;
}

/* var, weight: in (0, 1e150]; mean: |mean| <= 1e150. The bound keeps
 * abar var + 1 - abar and its square far from overflow in binary64. */
static int positive_value(const mix_reader *r, const char *where, const char *text, double x)
{
  char show[64];
  shown(show, text);
  if (!(x > 0.0))
    return mix_fail(r, DDPM_EINPUT, "%s=%s: must be > 0%s", where, show,
                    x == 0.0 && underflows(text) ? " (it underflows binary64 to 0)" : "");
  if (!(x <= 1e150))
    return mix_fail(r, DDPM_EINPUT, "%s=%s: must be <= 1e150", where, show);
  return DDPM_OK;
}

static int numbers(const mix_reader *r, json_object *arr, const char *where, int is_var,
                   char **texts, double *xs)
{
  char at[128], show[64];
  size_t n = json_object_array_length(arr);
  for (size_t j = 0; j < n; j++) {
    snprintf(at, sizeof at, "%s[%zu]", where, j);
    int rc = number_text(r, json_object_array_get_idx(arr, j), at, &texts[j], &xs[j]);
    if (rc != DDPM_OK) return rc;
    if (is_var) {
      rc = positive_value(r, at, texts[j], xs[j]);
      if (rc != DDPM_OK) return rc;
    } else if (!(fabs(xs[j]) <= 1e150)) {
      shown(show, texts[j]);
      return mix_fail(r, DDPM_EINPUT, "%s=%s: |mean| must be <= 1e150", at, show);
    }
  }
  return DDPM_OK;
}

static int mix_fill(const mix_reader *r, json_object *top, ddpm_mixture *m)
{
  char at[128];
  if (!json_object_is_type(top, json_type_object))
    return mix_fail(r, DDPM_EINPUT,
                    "top level: expected an object {\"components\": [...]}, found %s",
                    type_name(top));
  /* json-c gives a JSON null as NULL: whether a key is there is told apart */
  json_object *comps = NULL;
  int has_comps = 0;
  json_object_object_foreach(top, topkey, topval) {
    if (strcmp(topkey, "components") != 0)
      return mix_fail(r, DDPM_EINPUT,
                      "top level: unknown key \"%.60s\" (the only key is \"components\")",
                      topkey);
    comps = topval;
    has_comps = 1;
  }
  if (!has_comps) return mix_fail(r, DDPM_EINPUT, "top level: no \"components\" key");
  if (!json_object_is_type(comps, json_type_array))
    return mix_fail(r, DDPM_EINPUT, "components: expected an array of components, found %s",
                    type_name(comps));
  long long K = (long long)json_object_array_length(comps);
  if (K == 0) return mix_fail(r, DDPM_EINPUT, "components: empty array (need at least one)");
  if (K > DDPM_MIX_K_MAX)
    return mix_fail(r, DDPM_EINPUT, "components: %lld components; at most %lld", K,
                    DDPM_MIX_K_MAX);
  if (strcmp(r->kind, "gauss") == 0 && K != 1)
    return mix_fail(r, DDPM_EINPUT,
                    "components: %lld components; gauss:FILE needs exactly 1 (gmm:FILE "
                    "takes a mixture)",
                    K);

  long long d = 0;
  for (long long k = 0; k < K; k++) {
    json_object *c = json_object_array_get_idx(comps, (size_t)k);
    if (!json_object_is_type(c, json_type_object))
      return mix_fail(r, DDPM_EINPUT,
                      "components[%lld]: expected an object with \"mean\" and \"var\", found %s",
                      k, type_name(c));
    json_object *weight = NULL, *mean = NULL, *var = NULL;
    int has_weight = 0, has_mean = 0, has_var = 0;
    json_object_object_foreach(c, key, val) {
      if (strcmp(key, "weight") == 0) {
        weight = val;
        has_weight = 1;
      } else if (strcmp(key, "mean") == 0) {
        mean = val;
        has_mean = 1;
      } else if (strcmp(key, "var") == 0) {
        var = val;
        has_var = 1;
      } else {
        return mix_fail(r, DDPM_EINPUT,
                        "components[%lld]: unknown key \"%.60s\" (keys: weight, mean, var)",
                        k, key);
      }
    }
    if (!has_mean) return mix_fail(r, DDPM_EINPUT, "components[%lld]: no \"mean\" key", k);
    if (!has_var) return mix_fail(r, DDPM_EINPUT, "components[%lld]: no \"var\" key", k);
    if (!json_object_is_type(mean, json_type_array))
      return mix_fail(r, DDPM_EINPUT,
                      "components[%lld].mean: expected an array of numbers, found %s", k,
                      type_name(mean));
    if (!json_object_is_type(var, json_type_array))
      return mix_fail(r, DDPM_EINPUT,
                      "components[%lld].var: expected an array of numbers, found %s", k,
                      type_name(var));
    long long dm = (long long)json_object_array_length(mean);
    long long dv = (long long)json_object_array_length(var);
    if (dm == 0)
      return mix_fail(r, DDPM_EINPUT, "components[%lld].mean: empty array (d must be >= 1)",
                      k);
    if (dv != dm)
      return mix_fail(r, DDPM_EINPUT, "components[%lld].var: %lld entries but mean has %lld",
                      k, dv, dm);
    if (k == 0) {
      d = dm;
      /* the same bound as gauss:d=D's */
      if (d > DDPM_D_MAX)
        return mix_fail(r, DDPM_EINPUT, "components[0].mean: d = %lld; larger than %lld", d,
                        DDPM_D_MAX);
      if (K * d > DDPM_MIX_KD_MAX)
        return mix_fail(r, DDPM_EINPUT,
                        "components: K = %lld components of d = %lld, K d = %lld numbers: too "
                        "large for memory (at most %lld)",
                        K, d, K * d, DDPM_MIX_KD_MAX);
      if (mix_alloc(m, K, d) != DDPM_OK) return mix_fail(r, DDPM_EINTERNAL, "out of memory");
    } else if (dm != d) {
      return mix_fail(r, DDPM_EINPUT,
                      "components[%lld].mean: %lld entries but components[0] has d = %lld",
                      k, dm, d);
    }

    if (has_weight) {
      snprintf(at, sizeof at, "components[%lld].weight", k);
      int rc = number_text(r, weight, at, &m->weight_text[k], &m->weight[k]);
      if (rc == DDPM_OK) rc = positive_value(r, at, m->weight_text[k], m->weight[k]);
      if (rc != DDPM_OK) return rc;
    } else {
      m->weight_text[k] = strdup("1");
      if (!m->weight_text[k]) return mix_fail(r, DDPM_EINTERNAL, "out of memory");
      m->weight[k] = 1.0;
    }
    snprintf(at, sizeof at, "components[%lld].mean", k);
    int rc = numbers(r, mean, at, 0, m->mean_text + k * d, m->mean + k * d);
    if (rc != DDPM_OK) return rc;
    snprintf(at, sizeof at, "components[%lld].var", k);
    rc = numbers(r, var, at, 1, m->var_text + k * d, m->var + k * d);
    if (rc != DDPM_OK) return rc;
  }
  mix_weight_sum(m);
  return DDPM_OK;
}

static void reader_init(mix_reader *r, const char *path, const char *family_opt,
                        const char *kind, ddpm_err *e)
{
  r->file = path;
  r->opt = family_opt;
  r->kind = kind;
  r->e = e;
  snprintf(r->path, sizeof r->path, "%s", path);
  one_line(r->path);
}

int ddpm_mixture_read(const char *path, const char *family_opt, const char *kind,
                      ddpm_mixture *m, ddpm_err *e)
{
  memset(m, 0, sizeof *m);
  mix_reader r;
  reader_init(&r, path, family_opt, kind, e);
  char *buf = NULL;
  size_t len = 0;
  int rc = read_bytes(&r, &buf, &len);
  if (rc != DDPM_OK) return rc;
  const char *nul = memchr(buf, '\0', len);
  if (nul) {
    long long line, col;
    line_col(buf, (size_t)(nul - buf), &line, &col);
    free(buf);
    return mix_fail(&r, DDPM_EINPUT, "line %lld, column %lld: NUL byte (not a JSON text)",
                    line, col);
  }
  json_object *top = NULL;
  rc = parse_json(&r, buf, len, &top);
  free(buf);
  if (rc != DDPM_OK) return rc;
  rc = mix_fill(&r, top, m);
  json_object_put(top);
  if (rc != DDPM_OK) ddpm_mixture_free(m);
  return rc;
}

int ddpm_mixture_from_spec(const ddpm_spec *target, ddpm_mixture *m, ddpm_err *e)
{
  memset(m, 0, sizeof *m);
  if (target->family != DDPM_FAMILY_TARGET)
    return ddpm_fail(e, DDPM_EINTERNAL, "ddpm_mixture_from_spec: not a target spec");
  const char *opt = ddpm_family_name(DDPM_FAMILY_TARGET);
  switch (target->kind) {
  case DDPM_TARGET_GAUSS: {
    long long d = target->integer[DDPM_GAUSS_D];
    /* checked when the spec was parsed; a hand-made spec might not be */
    if (d < 1 || d > DDPM_D_MAX)
      return ddpm_fail(e, DDPM_EINPUT, "--%s: gauss: d=%lld: must be in [1, %lld]", opt, d,
                       DDPM_D_MAX);
    if (mix_alloc(m, 1, d) != DDPM_OK) goto out_of_memory;
    m->weight_text[0] = strdup("1");
    if (!m->weight_text[0]) goto out_of_memory;
    m->weight[0] = 1.0;
    for (long long j = 0; j < d; j++) {
      m->mean_text[j] = strdup(target->text[DDPM_GAUSS_MEAN]);
      m->var_text[j] = strdup(target->text[DDPM_GAUSS_VAR]);
      if (!m->mean_text[j] || !m->var_text[j]) goto out_of_memory;
      m->mean[j] = target->real[DDPM_GAUSS_MEAN];
      m->var[j] = target->real[DDPM_GAUSS_VAR];
    }
    mix_weight_sum(m);
    return DDPM_OK;
  }
  case DDPM_TARGET_GAUSS_FILE:
  case DDPM_TARGET_GMM: {
    const char *path = target->text[DDPM_MIXFILE_PATH];
    int rc = ddpm_mixture_read(path, opt, target->desc->name, m, e);
    if (rc != DDPM_OK) return rc;
    long long d = target->integer[DDPM_MIXFILE_D], K = target->integer[DDPM_MIXFILE_K];
    if (m->d != d || m->K != K) {
      mix_reader r;
      reader_init(&r, path, opt, target->desc->name, e);
      rc = mix_fail(&r, DDPM_EINPUT,
                    "the file has changed since it was checked: now K = %lld, d = %lld; "
                    "was K = %lld, d = %lld",
                    m->K, m->d, K, d);
      ddpm_mixture_free(m);
      return rc;
    }
    return DDPM_OK;
  }
  default:
    return ddpm_fail(e, DDPM_EINTERNAL, "ddpm_mixture_from_spec: unknown target kind %d",
                     target->kind);
  }

out_of_memory:
  ddpm_mixture_free(m);
  return ddpm_fail(e, DDPM_EINTERNAL, "--%s: gauss: out of memory", opt);
}
