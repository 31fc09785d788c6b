/* cmd_run.c: `ddpmref sample` and `ddpmref trace`. Both parse the same
 * options; trace records every step and compares the engines. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"
#include "ddpm_ulps.h"
#include "meta.h"
#include "npy.h"
#include "outdir.h"
#include "run_options.h"

/* What the oracle's emitter writes: the binary64 array (in memory or
 * streamed to .npy) and the full-precision text. */
typedef struct {
  const ddpm_run *run;
  int trace;
  npy_writer npy;
  FILE *txt;
  int digits;
  double *keep; /* binary64 copy, for the comparison or the final samples */
  ddpm_err *e;
} ref_sink;

static int ref_emit(void *ctx, long long k, long long i, long long j, mpfr_srcptr v)
{
  ref_sink *s = ctx;
  if (!s->trace && k != s->run->steps) return DDPM_OK; /* sample keeps the output only */
  double x = mpfr_get_d(v, MPFR_RNDN);
  long long row = s->trace ? k : 0;
  if (s->keep) s->keep[(row * s->run->n + i) * s->run->d + j] = x;
  if (s->trace) {
    int rc = npy_write(&s->npy, &x, 1, s->e);
    if (rc != DDPM_OK) return rc;
  }
  if (mpfr_fprintf(s->txt, "%lld %lld %lld %.*Re\n", row, i, j, s->digits - 1, v) < 0)
    return ddpm_fail(s->e, DDPM_EINTERNAL, "writing the oracle's text output failed");
  return DDPM_OK;
}

static int run_ref(const run_options *o, const outdir *od, long long rows, double *keep,
                   ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  int trace = rows > 1;
  char path[8800];
  ref_sink s = {run, trace, {0}, NULL, 0, keep, e};
  s.digits = (int)ceil((double)o->prec * 0.30102999566398120) + 1;
  long long shape[3] = {rows, run->n, run->d};
  int rc = DDPM_OK;
  if (trace) rc = npy_open(&s.npy, outdir_path(od, "x_ref.npy", path, sizeof path), shape, 3, e);
  if (rc == DDPM_OK) {
    const char *name = trace ? "x_ref.txt" : "samples_ref.txt";
    s.txt = fopen(outdir_path(od, name, path, sizeof path), "w");
    if (!s.txt) rc = ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create", path);
  }
  if (rc == DDPM_OK) {
    fprintf(s.txt, "# ddpmref %s: oracle values at %ld bits, %d significant digits\n"
                   "# columns: row sample coordinate value%s\n",
            o->command, o->prec, s.digits, trace ? "   (row k: after k reverse steps; meta.json lists the timesteps)" : "");
    rc = ddpm_ref_run(run, (mpfr_prec_t)o->prec, ref_emit, &s, e);
  }
  if (s.txt && fclose(s.txt) != 0 && rc == DDPM_OK)
    rc = ddpm_fail(e, DDPM_EINTERNAL, "writing the oracle's text output failed");
  if (trace) {
    int rc2 = npy_close(&s.npy, rc == DDPM_OK ? e : NULL);
    if (rc == DDPM_OK) rc = rc2;
  }
  if (rc == DDPM_OK && !trace) {
    long long fshape[2] = {run->n, run->d};
    rc = npy_save(outdir_path(od, "samples_ref.npy", path, sizeof path), fshape, 2, keep, e);
  }
  return rc;
}

static int run_fp(const run_options *o, const outdir *od, long long rows, double *out,
                  ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  char path[8800];
  size_t rowlen = (size_t)run->n * (size_t)run->d;
  int rc = ddpm_fp_run(run, o->threads, rows > 1 ? out : NULL, out + (size_t)(rows - 1) * rowlen, e);
  if (rc != DDPM_OK) return rc;
  if (rows > 1) {
    long long shape[3] = {rows, run->n, run->d};
    return npy_save(outdir_path(od, "x_fp.npy", path, sizeof path), shape, 3, out, e);
  }
  long long shape[2] = {run->n, run->d};
  return npy_save(outdir_path(od, "samples_fp.npy", path, sizeof path), shape, 2, out, e);
}

/* Elementwise ulps blow up where a value is near zero, so the summary also
 * measures each row's error in ulps of that row's largest |value|. */
static void compare(const double *fp, const double *ref, long long rows, size_t rowlen,
                    meta_comparison *c)
{
  c->have = 1;
  for (long long k = 0; k < rows; k++) {
    const double *f = fp + (size_t)k * rowlen, *r = ref + (size_t)k * rowlen;
    double row_err = 0, row_max = 0;
    for (size_t q = 0; q < rowlen; q++) {
      double err = fabs(f[q] - r[q]), u = ddpm_ulps_between(f[q], r[q]);
      if (err > row_err) row_err = err;
      if (fabs(r[q]) > row_max) row_max = fabs(r[q]);
      if (u > c->max_ulps) c->max_ulps = u;
      if (k == rows - 1 && u > c->final_max_ulps) c->final_max_ulps = u;
    }
    if (row_err > c->max_abs) { c->max_abs = row_err; c->max_abs_row = k; }
    int exp;
    frexp(row_max, &exp);
    double scaled = row_max > 0 ? row_err / ldexp(1.0, exp - 53) : 0;
    if (scaled > c->max_scaled_ulps) c->max_scaled_ulps = scaled;
  }
}

static void describe(meta_file *f, const char *name, const char *what, long long rows,
                     const ddpm_run *run)
{
  f->name = name;
  f->what = what;
  f->ndim = rows > 1 ? 3 : 2;
  long long s3[3] = {rows, run->n, run->d}, s2[2] = {run->n, run->d};
  memcpy(f->shape, rows > 1 ? s3 : s2, (size_t)f->ndim * sizeof(long long));
}

static int run_command(int argc, char **argv, const char *command)
{
  run_options o;
  ddpm_err e = {{0}};
  int rc = run_options_parse(argc, argv, command, &o, &e);
  if (rc == OPTIONS_HELP_SHOWN) return 0;
  if (rc != DDPM_OK) return report_error(rc, &e);

  const ddpm_run *run = &o.run;
  int trace = strcmp(command, "trace") == 0;
  long long rows = trace ? run->steps + 1 : 1;
  size_t rowlen = (size_t)run->n * (size_t)run->d;
  unsigned __int128 bytes = (unsigned __int128)rows * rowlen * sizeof(double);
  if (bytes > (unsigned __int128)(SIZE_MAX / 4))
    return report_error(ddpm_fail(&e, DDPM_EINPUT,
                                  "--n: (steps+1) n d = %lld x %lld x %lld values overflow "
                                  "memory", rows, run->n, run->d), &e);

  outdir od;
  if ((rc = outdir_begin(&od, o.outdir, o.force, &e)) != DDPM_OK) return report_error(rc, &e);

  double *fp = NULL, *ref = NULL;
  meta_file files[6];
  int nfiles = 0;
  meta_comparison cmp = {0};
  if (o.engines & ENGINE_REF) {
    ref = malloc((size_t)bytes);
    if (!ref) rc = ddpm_fail(&e, DDPM_EINTERNAL, "out of memory for %zu bytes", (size_t)bytes);
    else rc = run_ref(&o, &od, rows, ref, &e);
    describe(&files[nfiles++], trace ? "x_ref.npy" : "samples_ref.npy",
             "oracle (MPFR) values, correctly rounded to binary64", rows, run);
    files[nfiles++] = (meta_file){trace ? "x_ref.txt" : "samples_ref.txt",
                                  "oracle values at full precision, one per line", 0, {0}};
  }
  if (rc == DDPM_OK && (o.engines & ENGINE_FP)) {
    fp = malloc((size_t)bytes);
    if (!fp) rc = ddpm_fail(&e, DDPM_EINTERNAL, "out of memory for %zu bytes", (size_t)bytes);
    else rc = run_fp(&o, &od, rows, fp, &e);
    describe(&files[nfiles++], trace ? "x_fp.npy" : "samples_fp.npy",
             "fast path (binary64) values", rows, run);
  }
  if (rc == DDPM_OK && fp && ref) compare(fp, ref, rows, rowlen, &cmp);
  char path[8800];
  if (rc == DDPM_OK)
    rc = meta_write(outdir_path(&od, "meta.json", path, sizeof path), &o, files, nfiles,
                    &cmp, &e);
  if (rc == DDPM_OK) rc = outdir_commit(&od, &e);
  else outdir_abort(&od);
  free(fp);
  free(ref);
  if (rc != DDPM_OK) return report_error(rc, &e);

  printf("ddpmref %s: %s | %s | %s | n=%lld d=%lld seed=%llu\n", command,
         run->schedule.canonical, run->target.canonical, run->sampler.canonical, run->n,
         run->d, run->seed);
  for (int q = 0; q < nfiles; q++) {
    printf("  %s/%s", od.target, files[q].name);
    if (files[q].ndim == 3)
      printf("  (%lld, %lld, %lld)", files[q].shape[0], files[q].shape[1], files[q].shape[2]);
    else if (files[q].ndim == 2)
      printf("  (%lld, %lld)", files[q].shape[0], files[q].shape[1]);
    printf("  %s\n", files[q].what);
  }
  if (cmp.have)
    printf("  fast path vs oracle: max |error| %.3g (row %lld), at most %.1f ulps of a row's "
           "largest |value|;\n    elementwise: max %.0f ulps over all rows, %.0f in the last "
           "row\n", cmp.max_abs, cmp.max_abs_row, cmp.max_scaled_ulps, cmp.max_ulps,
           cmp.final_max_ulps);
  return 0;
}

int cmd_sample(int argc, char **argv) { return run_command(argc, argv, "sample"); }
int cmd_trace(int argc, char **argv) { return run_command(argc, argv, "trace"); }
