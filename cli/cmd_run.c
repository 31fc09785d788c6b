/* cmd_run.c: `ddpmref sample` and `ddpmref trace`. Both parse the same
 * options and stream the engines' rows: sample keeps the last row only,
 * trace writes every row (the oracle's certified by a second precision,
 * trace_oracle.c) and compares the fast path with it row by row, so memory
 * stays O(n d) whatever the number of steps. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddpm_fp.h"
#include "ddpm_npy_read.h"
#include "ddpm_ref.h"
#include "ddpm_ulps.h"
#include "meta.h"
#include "npy.h"
#include "outdir.h"
#include "progress.h"
#include "run_options.h"
#include "schedule_table.h"
#include "trace_oracle.h"

#define LOG10_2 0.30102999566398120

/* Elementwise ulps blow up where a value is near zero, so the summary also
 * measures each row's error in ulps of that row's largest |value|. */
static void compare_row(const double *f, const double *r, long long k, size_t rowlen,
                        int last, meta_comparison *c)
{
  double row_err = 0, row_max = 0;
  c->have = 1;
  for (size_t q = 0; q < rowlen; q++) {
    double err = fabs(f[q] - r[q]), u = ddpm_ulps_between(f[q], r[q]);
    if (err > row_err) row_err = err;
    if (fabs(r[q]) > row_max) row_max = fabs(r[q]);
    if (u > c->max_ulps) c->max_ulps = u;
    if (last && u > c->final_max_ulps) c->final_max_ulps = u;
  }
  if (row_err > c->max_abs) { c->max_abs = row_err; c->max_abs_row = k; }
  int exp;
  frexp(row_max, &exp);
  double scaled = row_max > 0 ? row_err / ldexp(1.0, exp - 53) : 0;
  if (scaled > c->max_scaled_ulps) c->max_scaled_ulps = scaled;
}

/* Where the fast path's rows go. */
typedef struct {
  const run_options *o;
  int trace;
  npy_writer out;          /* trace: x_fp.npy */
  ddpm_npy_reader ref;     /* trace with the oracle: x_ref.npy, read back */
  int have_ref;
  double *ref_row, *final; /* one row each */
  meta_comparison *cmp;
  progress *pg;
} fp_sink;

static int fp_emit(void *ctx, long long k, const double *row, ddpm_err *e)
{
  fp_sink *s = ctx;
  const ddpm_run *run = &s->o->run;
  const size_t rowlen = (size_t)(run->n * run->d);
  int rc = DDPM_OK;
  progress_update(s->pg, k);
  if (s->trace) rc = npy_write(&s->out, row, rowlen, e);
  if (rc == DDPM_OK && s->have_ref) {
    rc = ddpm_npy_read(&s->ref, k * (long long)rowlen, (long long)rowlen, s->ref_row, e);
    if (rc == DDPM_OK) compare_row(row, s->ref_row, k, rowlen, k == run->steps, s->cmp);
  }
  if (k == run->steps && s->final) memcpy(s->final, row, rowlen * sizeof *row);
  return rc;
}

static int run_fp(const run_options *o, const outdir *od, int trace, meta_comparison *cmp,
                  ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  const size_t rowlen = (size_t)(run->n * run->d);
  char path[8800];
  fp_sink s = {.o = o, .trace = trace, .cmp = cmp};
  progress pg;
  s.pg = &pg;
  int rc = DDPM_OK;
  if (trace) {
    long long shape[3] = {run->steps + 1, run->n, run->d};
    rc = npy_open(&s.out, outdir_path(od, "x_fp.npy", path, sizeof path), shape, 3, e);
    if (rc == DDPM_OK && (o->engines & ENGINE_REF)) {
      rc = ddpm_npy_open(&s.ref, outdir_path(od, "x_ref.npy", path, sizeof path), "x_ref.npy", e);
      s.have_ref = rc == DDPM_OK;
      s.ref_row = malloc(rowlen * sizeof *s.ref_row);
      if (rc == DDPM_OK && !s.ref_row) rc = ddpm_fail(e, DDPM_EINTERNAL, "out of memory");
    }
  } else if (!(s.final = malloc(rowlen * sizeof *s.final))) {
    rc = ddpm_fail(e, DDPM_EINTERNAL, "out of memory for %zu values", rowlen);
  }
  progress_begin(&pg, o->progress, "fast path", run->steps);
  if (rc == DDPM_OK) rc = ddpm_fp_run_rows(run, o->threads, fp_emit, &s, e);
  progress_end(&pg);
  if (trace && s.out.f) {
    int rc2 = npy_close(&s.out, rc == DDPM_OK ? e : NULL);
    if (rc == DDPM_OK) rc = rc2;
  }
  if (s.have_ref) ddpm_npy_close(&s.ref);
  if (rc == DDPM_OK && !trace) {
    long long shape[2] = {run->n, run->d};
    rc = npy_save(outdir_path(od, "samples_fp.npy", path, sizeof path), shape, 2, s.final, e);
  }
  free(s.ref_row);
  free(s.final);
  return rc;
}

/* sample --engine ref: the oracle's last row, binary64 and full text. */
static int sample_ref(const run_options *o, const outdir *od, ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  const size_t rowlen = (size_t)(run->n * run->d);
  char path[8800];
  int digits = (int)ceil((double)o->prec * LOG10_2) + 1;
  ddpm_ref_sampler *m;
  progress pg;
  int rc = ddpm_ref_sampler_new(run, (mpfr_prec_t)o->prec, &m, e);
  if (rc != DDPM_OK) return rc;
  progress_begin(&pg, o->progress, "oracle", run->steps);
  while (rc == DDPM_OK && ddpm_ref_sampler_row(m) < run->steps) {
    rc = ddpm_ref_sampler_step(m, e);
    progress_update(&pg, ddpm_ref_sampler_row(m));
  }
  progress_end(&pg);
  double *out = rc == DDPM_OK ? malloc(rowlen * sizeof *out) : NULL;
  FILE *txt = NULL;
  if (rc == DDPM_OK && !out) rc = ddpm_fail(e, DDPM_EINTERNAL, "out of memory");
  if (rc == DDPM_OK && !(txt = fopen(outdir_path(od, "samples_ref.txt", path, sizeof path), "w")))
    rc = ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  if (rc == DDPM_OK) {
    mpfr_t *y = ddpm_ref_sampler_state(m);
    fprintf(txt, "# ddpmref sample: oracle values at %ld bits, %d significant digits\n"
                 "# columns: row sample coordinate value\n", o->prec, digits);
    for (size_t q = 0; q < rowlen; q++) {
      out[q] = mpfr_get_d(y[q], MPFR_RNDN);
      mpfr_fprintf(txt, "0 %lld %lld %.*Re\n", (long long)q / run->d, (long long)q % run->d,
                   digits - 1, y[q]);
    }
  }
  if (txt && (ferror(txt) | fclose(txt)) && rc == DDPM_OK)
    rc = ddpm_fail(e, DDPM_EINTERNAL, "samples_ref.txt: write failed: %s", strerror(errno));
  if (rc == DDPM_OK) {
    long long shape[2] = {run->n, run->d};
    rc = npy_save(outdir_path(od, "samples_ref.npy", path, sizeof path), shape, 2, out, e);
  }
  free(out);
  ddpm_ref_sampler_free(m);
  mpfr_free_cache();
  return rc;
}

/* schedule.csv beside a trace: the schedule's columns from the engines run. */
static int write_schedule(const run_options *o, const outdir *od, ddpm_err *e)
{
  char path[8800];
  const ddpm_spec *spec = &o->run.schedule;
  ddpm_fp_schedule fs;
  ddpm_ref_schedule rs;
  int have_fp = 0, have_ref = 0, rc = DDPM_OK;
  if (o->engines & ENGINE_FP) have_fp = (rc = ddpm_fp_schedule_build(spec, &fs, e)) == DDPM_OK;
  if (rc == DDPM_OK && (o->engines & ENGINE_REF))
    have_ref = (rc = ddpm_ref_schedule_build(spec, (mpfr_prec_t)o->prec, &rs, e)) == DDPM_OK;
  FILE *f = rc == DDPM_OK ? fopen(outdir_path(od, "schedule.csv", path, sizeof path), "w") : NULL;
  if (rc == DDPM_OK && !f)
    rc = ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  if (rc == DDPM_OK) {
    table_out t = {(int)ceil((double)o->prec * LOG10_2) + 1, 0, f, 0};
    double max_ulps[NCOL] = {0};
    fprintf(f, "# ddpmref schedule %s;%s%s\n", spec->canonical,
            have_ref ? " oracle: MPFR at the trace's precision;" : "",
            have_fp ? " fast path: binary64" : "");
    int bad = write_table(&t, have_fp ? &fs : NULL, have_ref ? &rs : NULL, ddpm_schedule_T(spec),
                          max_ulps) != 0;
    int err = errno;
    if (fclose(f) != 0 && !bad) {
      bad = 1;
      err = errno;
    }
    if (bad) rc = ddpm_fail(e, DDPM_EINTERNAL, "%s: write failed: %s", path, strerror(err));
  }
  if (have_fp) ddpm_fp_schedule_free(&fs);
  if (have_ref) ddpm_ref_schedule_free(&rs);
  return rc;
}

static void describe(meta_file *f, const char *name, const char *what, int trace,
                     const ddpm_run *run)
{
  f->name = name;
  f->what = what;
  f->ndim = trace ? 3 : 2;
  long long s3[3] = {run->steps + 1, run->n, run->d}, s2[2] = {run->n, run->d};
  memcpy(f->shape, trace ? s3 : s2, (size_t)f->ndim * sizeof(long long));
}

/* The engines' work; files[] describes what was written. */
static int run_engines(const run_options *o, const outdir *od, int trace, meta_file *files,
                       int *nfiles, meta_comparison *cmp, trace_certificate *cert, ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  int rc = DDPM_OK;
  if ((o->engines & ENGINE_REF) && trace) {
    progress pg;
    progress_begin(&pg, o->progress, "oracle (two precisions)", run->steps);
    rc = trace_oracle(o, od, &pg, cert, e);
    progress_end(&pg);
    if (rc == DDPM_OK && !cert->passed) {
      char why[512];
      trace_certificate_reason(cert, o, why, sizeof why);
      return ddpm_fail(e, DDPM_EINTERNAL, "%s", why);
    }
    describe(&files[(*nfiles)++], "x_ref.npy", "oracle values rounded to binary64 (correctly, "
             "where verified_digits says so)", 1, run);
    files[(*nfiles)++] = (meta_file){"x_ref.txt", "oracle values at full precision, one per line", 0, {0}};
    describe(&files[(*nfiles)++], "digits.npy", "verified significant decimal digits of each "
             "x_ref.txt value (agreement with the check precision)", 1, run);
    describe(&files[(*nfiles)++], "noise.npy", "the draws the oracle used, binary64 (draw 0 the "
             "initial state, draw k step k's noise): replay with --noise", 1, run);
  } else if (o->engines & ENGINE_REF) {
    rc = sample_ref(o, od, e);
    describe(&files[(*nfiles)++], "samples_ref.npy", "oracle (MPFR) values, correctly rounded "
             "to binary64", 0, run);
    files[(*nfiles)++] = (meta_file){"samples_ref.txt", "oracle values at full precision, one "
                                     "per line", 0, {0}};
  }
  if (rc == DDPM_OK && trace) {
    rc = write_schedule(o, od, e);
    files[(*nfiles)++] = (meta_file){"schedule.csv", "the schedule's table (as ddpmref schedule)",
                                     0, {0}};
  }
  if (rc == DDPM_OK && (o->engines & ENGINE_FP)) {
    rc = run_fp(o, od, trace, cmp, e);
    describe(&files[(*nfiles)++], trace ? "x_fp.npy" : "samples_fp.npy",
             "fast path (binary64) values", trace, run);
  }
  return rc;
}

static void print_summary(const run_options *o, const outdir *od, const meta_file *files,
                          int nfiles, const meta_comparison *cmp, const trace_certificate *cert,
                          int trace)
{
  const ddpm_run *run = &o->run;
  printf("ddpmref %s: %s | %s | %s | n=%lld d=%lld seed=%llu\n", o->command,
         run->schedule.canonical, run->target.canonical, run->sampler.canonical, run->n,
         run->d, run->seed);
  for (int q = 0; q < nfiles; q++) {
    printf("  %s/%s", od->target, files[q].name);
    if (files[q].ndim == 3)
      printf("  (%lld, %lld, %lld)", files[q].shape[0], files[q].shape[1], files[q].shape[2]);
    else if (files[q].ndim == 2)
      printf("  (%lld, %lld)", files[q].shape[0], files[q].shape[1]);
    printf("  %s\n", files[q].what);
  }
  if (trace && (o->engines & ENGINE_REF))
    printf("  verified: at least %.1f significant digits (%ld bits against %ld); binary64 "
           "rounding established for %s value\n", cert->min_digits, o->prec, o->check_prec,
           cert->uncertain ? "not every" : "every");
  if (cmp->have)
    printf("  fast path vs oracle: max |error| %.3g (row %lld), at most %.1f ulps of a row's "
           "largest |value|;\n    elementwise: max %.0f ulps over all rows, %.0f in the last "
           "row\n", cmp->max_abs, cmp->max_abs_row, cmp->max_scaled_ulps, cmp->max_ulps,
           cmp->final_max_ulps);
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
  unsigned __int128 bytes = (unsigned __int128)(run->steps + 1) * (unsigned __int128)run->n *
                            (unsigned __int128)run->d * 8u;
  if (trace && bytes > (unsigned __int128)INT64_MAX / 4)
    return report_error(ddpm_fail(&e, DDPM_EINPUT, "--n: (steps+1) n d = %lld x %lld x %lld "
                                  "values are too many for a file", run->steps + 1, run->n,
                                  run->d), &e);

  outdir od;
  if ((rc = outdir_begin(&od, o.outdir, o.force, &e)) != DDPM_OK) return report_error(rc, &e);
  meta_file files[8];
  int nfiles = 0;
  meta_comparison cmp = {0};
  trace_certificate cert = {0};
  rc = run_engines(&o, &od, trace, files, &nfiles, &cmp, &cert, &e);
  char path[8800];
  if (rc == DDPM_OK)
    rc = meta_write(outdir_path(&od, "meta.json", path, sizeof path), &o, files, nfiles, &cmp,
                    trace && (o.engines & ENGINE_REF) ? &cert : NULL, &e);
  if (rc == DDPM_OK) rc = outdir_commit(&od, &e);
  else outdir_abort(&od, &e);
  if (rc != DDPM_OK) return report_error(rc, &e);
  print_summary(&o, &od, files, nfiles, &cmp, &cert, trace);
  return 0;
}

int cmd_sample(int argc, char **argv) { return run_command(argc, argv, "sample"); }
int cmd_trace(int argc, char **argv) { return run_command(argc, argv, "trace"); }
