/* trace_oracle.c: the oracle run twice, at p and at a higher p2, in step.
 *
 * Both runs solve the same problem (the draws are binary64 numbers, the same
 * at any precision), so their difference measures the p-bit run's rounding
 * error: a value agreeing to b bits with the p2-bit one is taken to have b
 * correct bits (the p2 run's own error being about 2^(p - p2) times
 * smaller). This is the usual heuristic of re-running at higher precision,
 * not an interval bound; it fails only if both runs err alike. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_ref.h"
#include "npy.h"
#include "trace_oracle.h"

#define LOG10_2 0.30102999566398120

typedef struct {
  npy_writer x, digits, noise;
  FILE *txt;
  int txt_digits;
  double *x_row, *digits_row, *noise_row;
  mpfr_t diff, lo, hi; /* at p2 */
} sinks;

/* Verified bits of v (p bits) against w (p2 bits): -log2 |v - w|/|w|,
 * capped at p; exponents kept apart so no precision can overflow a double. */
static double verified_bits(mpfr_srcptr v, mpfr_srcptr w, mpfr_t diff, long p)
{
  mpfr_sub(diff, v, w, MPFR_RNDN);
  if (mpfr_zero_p(diff)) return (double)p;
  if (mpfr_zero_p(w)) return 0.0;
  long ew, ed;
  double mw = mpfr_get_d_2exp(&ew, w, MPFR_RNDN), md = mpfr_get_d_2exp(&ed, diff, MPFR_RNDN);
  double bits = (double)(ew - ed) + log2(fabs(mw) / fabs(md));
  return bits < 0 ? 0.0 : bits > (double)p ? (double)p : bits;
}

/* Is RN53 of the true value established? The error of v is taken as
 * 2 |v - w| plus one unit in the last place of the check precision (what
 * agreement cannot see below); both ends of that interval must round to the
 * same binary64 number. */
static int rounding_established(mpfr_srcptr v, mpfr_srcptr w, sinks *s)
{
  if (mpfr_zero_p(v) && mpfr_zero_p(w)) return 1;
  mpfr_sub(s->diff, v, w, MPFR_RNDN);
  mpfr_abs(s->diff, s->diff, MPFR_RNDU);
  mpfr_mul_2ui(s->diff, s->diff, 1, MPFR_RNDU);
  if (!mpfr_zero_p(v)) {
    mpfr_t ulp;
    mpfr_init2(ulp, 2);
    mpfr_set_ui_2exp(ulp, 1, mpfr_get_exp(v) - (mpfr_exp_t)mpfr_get_prec(w), MPFR_RNDN);
    mpfr_add(s->diff, s->diff, ulp, MPFR_RNDU);
    mpfr_clear(ulp);
  }
  mpfr_sub(s->lo, v, s->diff, MPFR_RNDD);
  mpfr_add(s->hi, v, s->diff, MPFR_RNDU);
  return mpfr_get_d(s->lo, MPFR_RNDN) == mpfr_get_d(s->hi, MPFR_RNDN);
}

static void note_value(trace_certificate *c, long long k, long long i, long long j,
                       double digits, int established)
{
  if (digits < c->min_digits) {
    c->min_digits = digits;
    c->min_row = k, c->min_i = i, c->min_j = j;
  }
  if (!established && c->uncertain++ == 0) c->unc_row = k, c->unc_i = i, c->unc_j = j;
}

static int write_row(const run_options *o, sinks *s, long long k, mpfr_t *v, mpfr_t *w,
                     trace_certificate *c, ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  for (long long i = 0; i < run->n; i++)
    for (long long j = 0; j < run->d; j++) {
      long long q = i * run->d + j;
      double bits = verified_bits(v[q], w[q], s->diff, o->prec);
      s->digits_row[q] = bits * LOG10_2;
      s->x_row[q] = mpfr_get_d(v[q], MPFR_RNDN);
      note_value(c, k, i, j, s->digits_row[q], rounding_established(v[q], w[q], s));
      if (mpfr_fprintf(s->txt, "%lld %lld %lld %.*Re\n", k, i, j, s->txt_digits - 1, v[q]) < 0)
        return ddpm_fail(e, DDPM_EINTERNAL, "x_ref.txt: write failed: %s", strerror(errno));
    }
  size_t nd = (size_t)(run->n * run->d);
  int rc = npy_write(&s->x, s->x_row, nd, e);
  if (rc == DDPM_OK) rc = npy_write(&s->digits, s->digits_row, nd, e);
  return rc;
}

static int open_sinks(const run_options *o, const outdir *od, sinks *s, ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  char path[8800];
  long long shape[3] = {run->steps + 1, run->n, run->d};
  size_t nd = (size_t)(run->n * run->d);
  s->txt_digits = (int)ceil((double)o->prec * LOG10_2) + 1;
  s->x_row = malloc(nd * sizeof(double));
  s->digits_row = malloc(nd * sizeof(double));
  s->noise_row = malloc(nd * sizeof(double));
  if (!s->x_row || !s->digits_row || !s->noise_row)
    return ddpm_fail(e, DDPM_EINTERNAL, "trace: out of memory for one row");
  int rc = npy_open(&s->x, outdir_path(od, "x_ref.npy", path, sizeof path), shape, 3, e);
  if (rc == DDPM_OK) rc = npy_open(&s->digits, outdir_path(od, "digits.npy", path, sizeof path), shape, 3, e);
  if (rc == DDPM_OK) rc = npy_open(&s->noise, outdir_path(od, "noise.npy", path, sizeof path), shape, 3, e);
  if (rc != DDPM_OK) return rc;
  s->txt = fopen(outdir_path(od, "x_ref.txt", path, sizeof path), "w");
  if (!s->txt) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  fprintf(s->txt, "# ddpmref trace: oracle values at %ld bits, %d significant digits\n"
                  "# columns: row sample coordinate value   (row k: after k reverse steps; "
                  "meta.json lists the timesteps)\n", o->prec, s->txt_digits);
  return DDPM_OK;
}

static int close_sinks(sinks *s, int rc, ddpm_err *e)
{
  ddpm_err *keep = rc == DDPM_OK ? e : NULL;
  if (s->txt && (ferror(s->txt) | fclose(s->txt)) && rc == DDPM_OK)
    rc = ddpm_fail(e, DDPM_EINTERNAL, "x_ref.txt: write failed: %s", strerror(errno));
  npy_writer *w[3] = {&s->x, &s->digits, &s->noise};
  for (int q = 0; q < 3; q++)
    if (w[q]->f) {
      int rc2 = npy_close(w[q], keep);
      if (rc == DDPM_OK) rc = rc2;
    }
  free(s->x_row);
  free(s->digits_row);
  free(s->noise_row);
  return rc;
}

/* noise.npy: every draw r = 0..steps as the oracle uses it. */
static int write_noise(const ddpm_run *run, sinks *s, ddpm_err *e)
{
  ddpm_draw_files f;
  int rc = ddpm_draw_files_open(&f, run, e);
  for (long long r = 0; rc == DDPM_OK && r <= run->steps; r++) {
    rc = ddpm_ref_draws(&f, r, s->noise_row, e);
    if (rc == DDPM_OK) rc = npy_write(&s->noise, s->noise_row, (size_t)(run->n * run->d), e);
  }
  ddpm_draw_files_close(&f); /* safe after a failed open */
  return rc;
}

int trace_oracle(const run_options *o, const outdir *od, progress *pg, trace_certificate *cert,
                 ddpm_err *e)
{
  const ddpm_run *run = &o->run;
  *cert = (trace_certificate){.min_digits = INFINITY, .floor_digits = o->min_digits};
  sinks s = {0};
  mpfr_inits2((mpfr_prec_t)o->check_prec, s.diff, s.lo, s.hi, (mpfr_ptr)0);
  ddpm_ref_sampler *lo = NULL, *hi = NULL;
  int rc = open_sinks(o, od, &s, e);
  if (rc == DDPM_OK) rc = write_noise(run, &s, e);
  if (rc == DDPM_OK) rc = ddpm_ref_sampler_new(run, (mpfr_prec_t)o->prec, &lo, e);
  if (rc == DDPM_OK) rc = ddpm_ref_sampler_new(run, (mpfr_prec_t)o->check_prec, &hi, e);
  for (long long k = 0; rc == DDPM_OK; k++) {
    rc = write_row(o, &s, k, ddpm_ref_sampler_state(lo), ddpm_ref_sampler_state(hi), cert, e);
    progress_update(pg, k);
    if (rc != DDPM_OK || k == run->steps) break;
    rc = ddpm_ref_sampler_step(lo, e);
    if (rc == DDPM_OK) rc = ddpm_ref_sampler_step(hi, e);
  }
  ddpm_ref_sampler_free(lo);
  ddpm_ref_sampler_free(hi);
  mpfr_clears(s.diff, s.lo, s.hi, (mpfr_ptr)0);
  rc = close_sinks(&s, rc, e);
  cert->passed = o->min_digits > 0 ? cert->min_digits >= o->min_digits : cert->uncertain == 0;
  mpfr_free_cache();
  return rc;
}

void trace_certificate_reason(const trace_certificate *c, const run_options *o, char *buf,
                              unsigned long size)
{
  if (o->min_digits > 0)
    snprintf(buf, size, "trace: refused: only %.1f significant digits verified (row %lld, "
             "sample %lld, coordinate %lld), below --min-digits %.0f; raise --prec (now %ld)",
             c->min_digits, c->min_row, c->min_i, c->min_j, o->min_digits, o->prec);
  else
    snprintf(buf, size, "trace: refused: the binary64 rounding of %lld value(s) is not "
             "established (first: row %lld, sample %lld, coordinate %lld; least verified "
             "digits %.1f); raise --prec (now %ld) or lower the floor with --min-digits",
             c->uncertain, c->unc_row, c->unc_i, c->unc_j, c->min_digits, o->prec);
}
