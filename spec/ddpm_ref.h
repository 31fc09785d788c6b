/* ddpm_ref.h: the MPFR oracle.
 *
 * A straight transcription of spec/maths.md at a working precision p (bits,
 * default 256): every operation is one MPFR call rounded to nearest at p,
 * decimal parameters are read by MPFR from their text (correctly rounded at
 * p), and each Gaussian draw is correctly rounded at p. */
#ifndef DDPM_REF_H
#define DDPM_REF_H

#include <stdint.h>
#include <stdio.h>
#include <mpfr.h>

#include "ddpm_error.h"
#include "ddpm_model.h"

#define DDPM_REF_PREC_DEFAULT 256
#define DDPM_REF_PREC_MIN 53
#define DDPM_REF_PREC_MAX 65536

typedef struct {
  long long T;
  mpfr_prec_t prec;
  mpfr_t *beta;     /* beta[1..T]; beta[0] = 0 */
  mpfr_t *alpha;    /* 1 - beta_t */
  mpfr_t *abar;     /* abar_0 = 1, abar_t = abar_{t-1} alpha_t */
  mpfr_t *oma;      /* 1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t */
  mpfr_t *log_abar; /* log abar_t = log1p(-(1 - abar_t)) */
  mpfr_t *btilde;   /* beta_t (1 - abar_{t-1})/(1 - abar_t) */
  mpfr_t *snr;      /* abar_t/(1 - abar_t); snr_0 = +inf */
  mpfr_t *sqrt_abar, *sqrt_oma; /* sqrt(abar_t), sqrt(1 - abar_t) */
} ddpm_ref_schedule;

int ddpm_ref_schedule_build(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_schedule *s,
                            ddpm_err *e);

/* The builders (spec/maths.md section 2): beta[1..T] from the spec's decimal
 * text; lcw fills beta, abar and 1 - abar. */
void ddpm_ref_linear_betas(const ddpm_spec *spec, ddpm_ref_schedule *s);
void ddpm_ref_scaled_linear_betas(const ddpm_spec *spec, ddpm_ref_schedule *s);
void ddpm_ref_cosine_betas(const ddpm_spec *spec, ddpm_ref_schedule *s);
void ddpm_ref_li_yan_betas(const ddpm_spec *spec, ddpm_ref_schedule *s);
void ddpm_ref_lcw_fill(const ddpm_spec *spec, ddpm_ref_schedule *s);
/* vp and ou: beta, abar and 1 - abar from the integrated rate on the grid */
void ddpm_ref_continuous_fill(const ddpm_spec *spec, ddpm_ref_schedule *s);
void ddpm_ref_schedule_free(ddpm_ref_schedule *s);

/* beta_jump = 1 - abar_t/abar_p = 1 - prod_{p<s<=t} (1 - beta_s) and
 * alpha_jump = 1 - beta_jump for 0 <= p < t <= T (initialised by the caller). */
void ddpm_ref_jump(const ddpm_ref_schedule *s, long long t, long long p, mpfr_t beta_jump,
                   mpfr_t alpha_jump);

/* z <- the Gaussian draw j of (seed, sample i, draw r), correctly rounded to
 * nearest at z's precision (Ziv's strategy on MPFI enclosures). */
void ddpm_ref_gaussian(mpfr_t z, uint64_t seed, uint64_t i, uint32_t r, uint32_t j);

typedef struct {
  int kind;
  long long d;
  mpfr_t mean, var; /* gauss */
} ddpm_ref_target;

int ddpm_ref_target_init(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_target *tg,
                         ddpm_err *e);
void ddpm_ref_target_clear(ddpm_ref_target *tg);

/* s[j] <- score of the forward marginal at (abar, 1 - abar = oma), at x. */
void ddpm_ref_target_score(const ddpm_ref_target *tg, mpfr_srcptr abar, mpfr_srcptr oma,
                           mpfr_t *x, mpfr_t *s);

/* Receives every state value, row k = 0..steps, sample i, coordinate j, in
 * C order. Returns DDPM_OK or an error code to stop the run. */
typedef int (*ddpm_ref_emit)(void *ctx, long long k, long long i, long long j,
                             mpfr_srcptr v);

int ddpm_ref_run(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_emit emit, void *ctx,
                 ddpm_err *e);

#endif
