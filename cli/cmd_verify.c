/* cmd_verify.c: `ddpmref verify`: how far a user's trajectory is from the
 * truth recorded by `ddpmref trace`, step by step, in ulps of the user's own
 * format (binary64, 32 or 16). The truth is x_ref.txt at full precision,
 * read sequentially beside the user's .npy, so memory holds one row of each
 * whatever the trajectory's length; the differences are taken in MPFR, so
 * the reported ulps are those of the exact error, not of a rounded one. */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <json.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "ddpm_model.h"
#include "ddpm_npy_read.h"
#include "ddpmref.h"
#include "outdir.h"
#include "verify.h"

#define HELP_SHOWN (-1)
#define DEFAULT_TOL "1024"

static const verify_format formats[] = {
  {"binary16", 11, -13}, {"binary32", 24, -125}, {"binary64", 53, -1021}};

/* ---- options ----------------------------------------------------------- */

static void print_help(void)
{
  printf("usage: ddpmref verify --trajectory THEIRS.npy --against TRACE_DIR\n"
         "       [--tol N | --tol rel=R] [-o DIR [--force]]\n\n"
         "Compares a trajectory computed elsewhere with the truth recorded by `ddpmref\n"
         "trace` (TRACE_DIR/x_ref.txt, the oracle at full precision). THEIRS.npy must be\n"
         "shaped as the trace, (steps+1, n, d), C order, float64, float32 or float16 in\n"
         "either byte order; its format sets the ulps. Per step (row k, the state after k\n"
         "reverse steps) it reports the max and median error in ulps of that format at\n"
         "each true value, the max and median relative error, the scaled ulps (the row's\n"
         "max |error| in ulps of its largest |true value|) and the count of NaN and inf,\n"
         "which count as infinitely wrong.\n\n"
         "  --trajectory F  the trajectory to check (.npy)\n"
         "  --against DIR   a `ddpmref trace` output directory (with the oracle's values)\n"
         "  --tol N         allowed scaled ulps per step (default " DEFAULT_TOL ")\n"
         "  --tol rel=R     instead: allowed relative error of every value\n"
         "  -o, --output DIR  also write DIR/verify.json and DIR/verify.md (every step)\n"
         "  --force         replace DIR if it holds an earlier ddpmref output\n"
         "Prints a Markdown summary. Exit: 0 within tolerance, 3 outside it (the first\n"
         "failing step is named), 2 bad input, 1 failure.\n");
}

static int parse_tol(const char *text, verify_options *o, ddpm_err *e)
{
  o->tol_rel = strncmp(text, "rel=", 4) == 0;
  const char *num = o->tol_rel ? text + 4 : text;
  if (!ddpm_decimal_text_ok(num) || num[0] == '-')
    return ddpm_fail(e, DDPM_EINPUT, "--tol %s: must be a number of ulps >= 0 (e.g. 1024) or "
                     "rel=R with R >= 0 (e.g. rel=1e-6)", text);
  errno = 0;
  o->tol = strtod(num, NULL);
  if (!isfinite(o->tol))
    return ddpm_fail(e, DDPM_EINPUT, "--tol %s: too large", text);
  /* A tiny nonzero tolerance must not silently become exact equality. */
  if (errno == ERANGE && o->tol < DBL_MIN)
    return ddpm_fail(e, DDPM_EINPUT, "--tol %s: below the binary64 range (write 0 for exact "
                     "equality)", text);
  o->tol_text = text;
  return DDPM_OK;
}

static int parse_options(int argc, char **argv, verify_options *o, ddpm_err *e)
{
  enum { OPT_TRAJ = 256, OPT_AGAINST, OPT_TOL, OPT_FORCE, OPT_HELP, OPT_VERSION };
  static const struct option longopts[] = {
    {"trajectory", required_argument, 0, OPT_TRAJ}, {"against", required_argument, 0, OPT_AGAINST},
    {"tol", required_argument, 0, OPT_TOL},         {"output", required_argument, 0, 'o'},
    {"force", no_argument, 0, OPT_FORCE},           {"help", no_argument, 0, OPT_HELP},
    {"version", no_argument, 0, OPT_VERSION},       {0, 0, 0, 0}};
  memset(o, 0, sizeof *o);
  int rc = parse_tol(DEFAULT_TOL, o, e), opt;
  opterr = 0;
  optind = 1;
  while (rc == DDPM_OK && (opt = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_TRAJ: o->trajectory = optarg; break;
    case OPT_AGAINST: o->against = optarg; break;
    case OPT_TOL: rc = parse_tol(optarg, o, e); break;
    case 'o': o->outdir = optarg; break;
    case OPT_FORCE: o->force = 1; break;
    case OPT_HELP: print_help(); return HELP_SHOWN;
    case OPT_VERSION: printf("ddpmref %s\n", DDPM_VERSION); return HELP_SHOWN;
    case ':': return ddpm_fail(e, DDPM_EINPUT, "%s: needs a value", argv[optind - 1]);
    default:
      return ddpm_fail(e, DDPM_EINPUT, "%s: unknown option (see ddpmref verify --help)",
                       argv[optind - 1]);
    }
  }
  if (rc != DDPM_OK) return rc;
  if (optind < argc)
    return ddpm_fail(e, DDPM_EINPUT, "%s: unexpected argument (see ddpmref verify --help)",
                     argv[optind]);
  if (!o->trajectory)
    return ddpm_fail(e, DDPM_EINPUT, "--trajectory: missing (the .npy trajectory to check)");
  if (!o->against)
    return ddpm_fail(e, DDPM_EINPUT, "--against: missing (a `ddpmref trace` output directory)");
  if (o->force && !o->outdir) return ddpm_fail(e, DDPM_EINPUT, "--force: needs -o DIR");
  return DDPM_OK;
}

/* ---- the trace directory -------------------------------------------------- */

typedef struct {
  char dir[4096], txt_path[4200];
  long long rows, n, d;
  long long *timesteps;
  char run_text[1024];
  FILE *txt;
  char *line;
  size_t cap;
  long long lineno;
  long bits;
  int digits;
} trace_in;

static void trace_close(trace_in *t)
{
  if (t->txt) fclose(t->txt);
  free(t->timesteps);
  free(t->line);
  t->txt = NULL;
  t->timesteps = NULL;
  t->line = NULL;
}

static int get_int(json_object *meta, const char *key, long long *out)
{
  json_object *v;
  if (!json_object_object_get_ex(meta, key, &v) || !json_object_is_type(v, json_type_int))
    return 0;
  *out = json_object_get_int64(v);
  return 1;
}

static const char *get_string(json_object *meta, const char *key)
{
  json_object *v;
  if (!json_object_object_get_ex(meta, key, &v) || !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

/* meta.json row k's timestep, and the run's description for the report. */
static int read_timesteps(trace_in *t, json_object *meta, ddpm_err *e)
{
  json_object *ts;
  if (!json_object_object_get_ex(meta, "timesteps", &ts) ||
      !json_object_is_type(ts, json_type_array) ||
      (long long)json_object_array_length(ts) != t->rows)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: meta.json: 'timesteps' is not a list of "
                     "steps+1 = %lld integers", t->dir, t->rows);
  t->timesteps = malloc((size_t)t->rows * sizeof *t->timesteps);
  if (!t->timesteps) return ddpm_fail(e, DDPM_EINTERNAL, "out of memory for the timesteps");
  for (long long k = 0; k < t->rows; k++) {
    json_object *v = json_object_array_get_idx(ts, (size_t)k);
    if (!json_object_is_type(v, json_type_int))
      return ddpm_fail(e, DDPM_EINPUT, "--against %s: meta.json: timesteps[%lld] is not an "
                       "integer", t->dir, k);
    t->timesteps[k] = json_object_get_int64(v);
  }
  const char *s = get_string(meta, "schedule"), *g = get_string(meta, "target"),
             *m = get_string(meta, "sampler");
  snprintf(t->run_text, sizeof t->run_text, "%s | %s | %s", s ? s : "?", g ? g : "?", m ? m : "?");
  return DDPM_OK;
}

/* meta.json must say trace and give the shape; it is small, read whole. */
static int read_meta(trace_in *t, ddpm_err *e)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/meta.json", t->dir);
  struct stat st;
  if (stat(path, &st) != 0)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: no meta.json: not a `ddpmref trace` "
                     "output directory", t->dir);
  json_object *meta = json_object_from_file(path);
  if (!meta)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: meta.json is not valid JSON", t->dir);
  const char *command = get_string(meta, "command");
  long long steps = 0;
  int rc = DDPM_OK;
  if (!command || strcmp(command, "trace") != 0)
    rc = ddpm_fail(e, DDPM_EINPUT, "--against %s: meta.json's command is %s%s%s, not \"trace\": "
                   "only `ddpmref trace` records the truth", t->dir, command ? "\"" : "",
                   command ? command : "missing", command ? "\"" : "");
  else if (!get_int(meta, "steps", &steps) || !get_int(meta, "n", &t->n) ||
           !get_int(meta, "d", &t->d) || steps < 1 || t->n < 1 || t->d < 1)
    rc = ddpm_fail(e, DDPM_EINPUT, "--against %s: meta.json: 'steps', 'n' or 'd' missing or "
                   "not a positive integer", t->dir);
  if (rc == DDPM_OK) {
    t->rows = steps + 1;
    rc = read_timesteps(t, meta, e);
  }
  json_object_put(meta);
  return rc;
}

/* x_ref.npy's header must agree with meta.json: it is the shape users
 * load, and a mismatch means the directory was tampered with. */
static int check_npy_shape(trace_in *t, ddpm_err *e)
{
  char path[4200], s[96];
  snprintf(path, sizeof path, "%s/x_ref.npy", t->dir);
  ddpm_npy_reader r;
  int rc = ddpm_npy_open(&r, path, "--against", e);
  if (rc != DDPM_OK) return rc;
  if (r.ndim != 3 || r.shape[0] != t->rows || r.shape[1] != t->n || r.shape[2] != t->d)
    rc = ddpm_fail(e, DDPM_EINPUT, "--against %s: x_ref.npy has shape %s, but meta.json says "
                   "(%lld, %lld, %lld) (steps+1, n, d)", t->dir,
                   ddpm_npy_shape_text(&r, s, sizeof s), t->rows, t->n, t->d);
  ddpm_npy_close(&r);
  return rc;
}

/* The comment lines before the values; one of them gives the precision. */
static int read_txt_header(trace_in *t, ddpm_err *e)
{
  int c;
  while ((c = fgetc(t->txt)) == '#') {
    ungetc(c, t->txt);
    if (getline(&t->line, &t->cap, t->txt) < 0) break;
    t->lineno++;
    long bits;
    int digits;
    if (sscanf(t->line, "# ddpmref trace: oracle values at %ld bits, %d significant digits",
               &bits, &digits) == 2 && bits >= 2 && digits >= 1 && digits <= 1000000) {
      t->bits = bits;
      t->digits = digits;
    }
  }
  if (c != EOF) ungetc(c, t->txt);
  if (ferror(t->txt))
    return ddpm_fail(e, DDPM_EINTERNAL, "--against %s: read error: %s", t->txt_path, strerror(errno));
  if (t->digits == 0)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: no '# ddpmref trace: oracle values at N "
                     "bits, D significant digits' line before the values", t->txt_path);
  return DDPM_OK;
}

static int trace_open(trace_in *t, const char *dir, ddpm_err *e)
{
  memset(t, 0, sizeof *t);
  struct stat st;
  if (strlen(dir) >= sizeof t->dir - 16)
    return ddpm_fail(e, DDPM_EINPUT, "--against: path too long");
  snprintf(t->dir, sizeof t->dir, "%s", dir);
  if (stat(dir, &st) != 0)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: not a directory (a `ddpmref trace` output "
                     "directory)", dir);
  int rc = read_meta(t, e);
  if (rc == DDPM_OK) rc = check_npy_shape(t, e);
  if (rc != DDPM_OK) return rc;
  snprintf(t->txt_path, sizeof t->txt_path, "%s/x_ref.txt", dir);
  t->txt = fopen(t->txt_path, "r");
  if (!t->txt)
    return ddpm_fail(e, DDPM_EINPUT, "--against %s: %s (the oracle's values; traced with "
                     "--engine fp?)", t->txt_path, strerror(errno));
  return read_txt_header(t, e);
}

/* ---- the truth, one value per line --------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int txt_bad(const trace_in *t, ddpm_err *e, const char *fmt, ...)
{
  char why[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return ddpm_fail(e, DDPM_EINPUT, "--against %s: line %lld: %s", t->txt_path, t->lineno, why);
}

/* The next value line, comments skipped; *got = 0 at the end. Every line
 * the trace writes ends in '\n': one without is a truncated file. */
static int txt_next(trace_in *t, int *got, ddpm_err *e)
{
  for (;;) {
    errno = 0;
    ssize_t len = getline(&t->line, &t->cap, t->txt);
    if (len < 0) {
      *got = 0;
      if (ferror(t->txt))
        return ddpm_fail(e, DDPM_EINTERNAL, "%s: read error: %s", t->txt_path, strerror(errno));
      return DDPM_OK;
    }
    t->lineno++;
    if ((size_t)len != strlen(t->line)) return txt_bad(t, e, "NUL byte: not a text file");
    if (t->line[len - 1] != '\n') return txt_bad(t, e, "no newline at the end: truncated");
    t->line[--len] = '\0';
    if (len > 0 && t->line[len - 1] == '\r') t->line[--len] = '\0';
    if (t->line[0] == '#') continue;
    *got = 1;
    return DDPM_OK;
  }
}

static int index_ok(const char *s, long long want)
{
  if (*s < '0' || *s > '9' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18) return 0;
  return strtoll(s, NULL, 10) == want;
}

/* "k i j value": the indices must be the ones expected next, in C order;
 * the value is read into v at v's precision. */
static int parse_truth(trace_in *t, long long k, long long i, long long j, mpfr_ptr v,
                       ddpm_err *e)
{
  char *tok[5], *save = NULL;
  int ntok = 0;
  for (char *s = strtok_r(t->line, " \t", &save); s && ntok < 5; s = strtok_r(NULL, " \t", &save))
    tok[ntok++] = s;
  if (ntok != 4)
    return txt_bad(t, e, "%d fields, expected 4 (row sample coordinate value)", ntok);
  if (!index_ok(tok[0], k) || !index_ok(tok[1], i) || !index_ok(tok[2], j))
    return txt_bad(t, e, "'%.20s %.20s %.20s' where row %lld sample %lld coordinate %lld was "
                   "expected: garbled, or not in the order the trace writes", tok[0], tok[1],
                   tok[2], k, i, j);
  if (!ddpm_decimal_text_ok(tok[3]))
    return txt_bad(t, e, "value '%.40s' is not a decimal number", tok[3]);
  mpfr_strtofr(v, tok[3], NULL, 10, MPFR_RNDN);
  if (!mpfr_number_p(v)) return txt_bad(t, e, "value '%.40s' is out of range", tok[3]);
  return DDPM_OK;
}

/* ---- their trajectory ----------------------------------------------------- */

static int theirs_open(ddpm_npy_reader *r, const verify_options *o, const trace_in *t,
                       const verify_format **format, ddpm_err *e)
{
  int rc = ddpm_npy_open(r, o->trajectory, "--trajectory", e);
  if (rc != DDPM_OK) return rc;
  char s[96];
  if (r->ndim != 3 || r->shape[0] != t->rows || r->shape[1] != t->n || r->shape[2] != t->d) {
    rc = ddpm_fail(e, DDPM_EINPUT, "--trajectory %s: shape %s, but the trace has (%lld, %lld, "
                   "%lld) (steps+1, n, d)", o->trajectory, ddpm_npy_shape_text(r, s, sizeof s),
                   t->rows, t->n, t->d);
    ddpm_npy_close(r);
    return rc;
  }
  *format = &formats[r->item_bytes == 2 ? 0 : r->item_bytes == 4 ? 1 : 2];
  return DDPM_OK;
}

/* ---- the comparison ------------------------------------------------------- */

typedef struct {
  const verify_format *fmt;
  const verify_options *opt;
  mpfr_t truth, x, err, tmp, row_err, row_rel;
  mpfr_exp_t row_exp; /* largest exponent of a non-zero truth in the row */
  int row_any;        /* the row has a non-zero truth */
  long long row_nonfinite;
  double *theirs, *ulps, *rel; /* one row each */
} comparer;

/* The truth is read at 4 bits per decimal digit, more than the digits
 * carry; the working precision adds 64 bits so that |theirs - truth| is
 * exact unless the two differ in scale by more than 2^63, and within a
 * relative 2^-(4 digits + 64) even then. */
static int comparer_init(comparer *c, const verify_options *o, const verify_format *f,
                         const trace_in *t, ddpm_err *e)
{
  memset(c, 0, sizeof *c);
  c->fmt = f;
  c->opt = o;
  mpfr_prec_t tp = 4 * (mpfr_prec_t)t->digits < 64 ? 64 : 4 * (mpfr_prec_t)t->digits;
  mpfr_inits2(tp + 64, c->err, c->tmp, c->row_err, c->row_rel, (mpfr_ptr)0);
  mpfr_init2(c->truth, tp);
  mpfr_init2(c->x, 53);
  size_t nd = (size_t)t->n * (size_t)t->d;
  if (nd > SIZE_MAX / sizeof(double)) nd = SIZE_MAX / sizeof(double); /* malloc then fails */
  c->theirs = malloc(nd * sizeof(double));
  c->ulps = malloc(nd * sizeof(double));
  c->rel = malloc(nd * sizeof(double));
  if (!c->theirs || !c->ulps || !c->rel)
    return ddpm_fail(e, DDPM_EINTERNAL, "out of memory for one row (n d = %zu values)", nd);
  return DDPM_OK;
}

static void comparer_clear(comparer *c)
{
  if (!c->fmt) return;
  mpfr_clears(c->truth, c->x, c->err, c->tmp, c->row_err, c->row_rel, (mpfr_ptr)0);
  free(c->theirs);
  free(c->ulps);
  free(c->rel);
}

/* ulp_F(v) = 2^(max(e, emin) - p): below the normal range the spacing
 * stays the subnormals'; a zero truth takes the smallest subnormal. */
static long ulp_exponent(const verify_format *f, int nonzero, mpfr_exp_t e)
{
  long ex = nonzero && e > f->emin ? (long)e : f->emin;
  return ex - f->p;
}

static void row_begin(comparer *c)
{
  mpfr_set_zero(c->row_err, 1);
  mpfr_set_zero(c->row_rel, 1);
  c->row_any = 0;
  c->row_exp = 0;
  c->row_nonfinite = 0;
}

/* Value q of the row against c->truth. NaN and inf count as infinitely wrong. */
static void compare_value(comparer *c, size_t q)
{
  int nonzero = !mpfr_zero_p(c->truth);
  if (nonzero && (!c->row_any || mpfr_get_exp(c->truth) > c->row_exp)) {
    c->row_exp = mpfr_get_exp(c->truth);
    c->row_any = 1;
  }
  if (!isfinite(c->theirs[q])) {
    c->row_nonfinite++;
    c->ulps[q] = c->rel[q] = INFINITY;
    return;
  }
  mpfr_set_d(c->x, c->theirs[q], MPFR_RNDN); /* exact: 53 bits */
  mpfr_sub(c->err, c->x, c->truth, MPFR_RNDN);
  mpfr_abs(c->err, c->err, MPFR_RNDN);
  if (mpfr_cmp(c->err, c->row_err) > 0) mpfr_set(c->row_err, c->err, MPFR_RNDN);
  long ue = ulp_exponent(c->fmt, nonzero, nonzero ? mpfr_get_exp(c->truth) : 0);
  mpfr_mul_2si(c->tmp, c->err, -ue, MPFR_RNDN); /* exact: a power of two */
  c->ulps[q] = mpfr_get_d(c->tmp, MPFR_RNDN);
  if (!nonzero) {
    c->rel[q] = mpfr_zero_p(c->err) ? 0 : INFINITY;
    if (!mpfr_zero_p(c->err)) mpfr_set_inf(c->row_rel, 1);
    return;
  }
  mpfr_div(c->tmp, c->err, c->truth, MPFR_RNDN);
  mpfr_abs(c->tmp, c->tmp, MPFR_RNDN);
  c->rel[q] = mpfr_get_d(c->tmp, MPFR_RNDN);
  if (mpfr_cmp(c->tmp, c->row_rel) > 0) mpfr_set(c->row_rel, c->tmp, MPFR_RNDN);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* NumPy's median: the middle value, or the mean of the two middle ones. */
static double median(double *v, size_t count)
{
  qsort(v, count, sizeof *v, cmp_double);
  if (count % 2) return v[count / 2];
  return v[count / 2 - 1] / 2 + v[count / 2] / 2;
}

static double max_of(const double *v, size_t count)
{
  double m = v[0];
  for (size_t q = 1; q < count; q++)
    if (v[q] > m) m = v[q];
  return m;
}

/* The row's statistics and verdict; the tolerance is compared with the
 * MPFR values, not their binary64 roundings. */
static void row_end(comparer *c, size_t count, verify_step *s)
{
  s->nonfinite = c->row_nonfinite;
  s->max_ulps = max_of(c->ulps, count);
  s->median_ulps = median(c->ulps, count);
  s->max_rel = c->row_nonfinite ? INFINITY : mpfr_get_d(c->row_rel, MPFR_RNDN);
  s->median_rel = median(c->rel, count);
  mpfr_mul_2si(c->tmp, c->row_err, -ulp_exponent(c->fmt, c->row_any, c->row_exp), MPFR_RNDN);
  s->scaled_ulps = c->row_nonfinite ? INFINITY : mpfr_get_d(c->tmp, MPFR_RNDN);
  mpfr_srcptr measure = c->opt->tol_rel ? c->row_rel : c->tmp;
  s->fails = c->row_nonfinite > 0 || mpfr_cmp_d(measure, c->opt->tol) > 0;
}

static int compare_row(comparer *c, trace_in *t, ddpm_npy_reader *theirs, long long k,
                       verify_step *s, ddpm_err *e)
{
  size_t nd = (size_t)t->n * (size_t)t->d;
  int rc = ddpm_npy_read(theirs, k * (long long)nd, (long long)nd, c->theirs, e);
  if (rc != DDPM_OK) return rc;
  row_begin(c);
  for (size_t q = 0; q < nd; q++) {
    int got;
    if ((rc = txt_next(t, &got, e)) != DDPM_OK) return rc;
    if (!got)
      return ddpm_fail(e, DDPM_EINPUT, "--against %s: ends at line %lld after %lld of the %lld "
                       "values of the shape (%lld, %lld, %lld): truncated", t->txt_path, t->lineno,
                       k * (long long)nd + (long long)q, t->rows * (long long)nd, t->rows, t->n, t->d);
    long long i = (long long)q / t->d, j = (long long)q % t->d;
    if ((rc = parse_truth(t, k, i, j, c->truth, e)) != DDPM_OK) return rc;
    compare_value(c, q);
  }
  row_end(c, nd, s);
  return DDPM_OK;
}

/* Every row, then nothing but comments may follow. */
static int compare_all(comparer *c, trace_in *t, ddpm_npy_reader *theirs, verify_step *steps,
                       ddpm_err *e)
{
  for (long long k = 0; k < t->rows; k++) {
    int rc = compare_row(c, t, theirs, k, &steps[k], e);
    if (rc != DDPM_OK) return rc;
  }
  int got, rc = txt_next(t, &got, e);
  if (rc == DDPM_OK && got)
    rc = txt_bad(t, e, "more values than the shape (%lld, %lld, %lld) holds", t->rows, t->n, t->d);
  return rc;
}

/* First failing step, worst step (by the tolerance's measure), NaN count. */
static void summarise(verify_result *r)
{
  r->first_fail = -1;
  r->worst = 0;
  r->nonfinite = 0;
  for (long long k = 0; k < r->rows; k++) {
    const verify_step *s = &r->steps[k], *w = &r->steps[r->worst];
    double m = r->opt->tol_rel ? s->max_rel : s->scaled_ulps;
    double mw = r->opt->tol_rel ? w->max_rel : w->scaled_ulps;
    if (s->fails && r->first_fail < 0) r->first_fail = k;
    if (m > mw) r->worst = k;
    r->nonfinite += s->nonfinite;
  }
}

/* ---- the command ------------------------------------------------------------ */

static int write_outputs(const verify_result *r, outdir *od, ddpm_err *e)
{
  char path[8800];
  int rc = verify_write_json(outdir_path(od, "verify.json", path, sizeof path), r, e);
  if (rc == DDPM_OK) rc = verify_write_markdown(outdir_path(od, "verify.md", path, sizeof path), r, e);
  if (rc == DDPM_OK) rc = verify_write_meta(outdir_path(od, "meta.json", path, sizeof path), r, e);
  if (rc == DDPM_OK) return outdir_commit(od, e);
  outdir_abort(od, e);
  return rc;
}

/* -o must not be the trace it reads: --force would replace the truth. */
static int check_outdir(const verify_options *o, ddpm_err *e)
{
  char a[PATH_MAX], b[PATH_MAX];
  if (o->outdir && realpath(o->outdir, a) && realpath(o->against, b) && strcmp(a, b) == 0)
    return ddpm_fail(e, DDPM_EINPUT, "-o %s: is the --against trace directory; refusing to "
                     "replace it", o->outdir);
  return DDPM_OK;
}

static int run(const verify_options *o, verify_result *r, trace_in *t, ddpm_err *e)
{
  ddpm_npy_reader theirs = {0};
  comparer c = {0};
  outdir od = {{0}, {0}, 0};
  int rc = trace_open(t, o->against, e);
  if (rc == DDPM_OK) rc = theirs_open(&theirs, o, t, &r->format, e);
  if (rc == DDPM_OK) rc = check_outdir(o, e);
  if (rc == DDPM_OK) {
    r->rows = t->rows, r->n = t->n, r->d = t->d;
    r->timesteps = t->timesteps;
    r->truth_bits = t->bits;
    r->truth_digits = t->digits;
    snprintf(r->dtype, sizeof r->dtype, "%s", theirs.descr);
    snprintf(r->run_text, sizeof r->run_text, "%s", t->run_text);
    ddpm_npy_shape_text(&theirs, r->shape, sizeof r->shape);
    r->steps = calloc((size_t)t->rows, sizeof *r->steps);
    if (!r->steps) rc = ddpm_fail(e, DDPM_EINTERNAL, "out of memory for %lld steps", t->rows);
  }
  if (rc == DDPM_OK) rc = comparer_init(&c, o, r->format, t, e);
  if (rc == DDPM_OK && o->outdir) rc = outdir_begin(&od, o->outdir, o->force, e);
  int staged = rc == DDPM_OK && o->outdir;
  if (rc == DDPM_OK) rc = compare_all(&c, t, &theirs, r->steps, e);
  if (rc == DDPM_OK) summarise(r);
  if (rc == DDPM_OK && staged) rc = write_outputs(r, &od, e);
  else if (staged) outdir_abort(&od, e);
  comparer_clear(&c);
  ddpm_npy_close(&theirs);
  return rc;
}

int cmd_verify(int argc, char **argv)
{
  verify_options o;
  ddpm_err e = {{0}};
  int rc = parse_options(argc, argv, &o, &e);
  if (rc == HELP_SHOWN) return 0;
  if (rc != DDPM_OK) return report_error(rc, &e);
  verify_result r;
  memset(&r, 0, sizeof r);
  r.opt = &o;
  trace_in t;
  rc = run(&o, &r, &t, &e);
  if (rc == DDPM_OK) {
    verify_print_summary(stdout, &r);
    if (o.outdir) printf("\nwritten: %s/verify.json, %s/verify.md\n", o.outdir, o.outdir);
  }
  trace_close(&t);
  free(r.steps);
  if (rc != DDPM_OK) return report_error(rc, &e);
  return r.first_fail >= 0 ? VERIFY_EXIT_FAIL : 0;
}
