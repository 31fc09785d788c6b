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

#include "ddpm_draws.h"
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

/* len numbers initialised at prec (NULL if memory runs out), and their
 * release (NULL is fine). */
mpfr_t *ddpm_ref_vector_new(size_t len, mpfr_prec_t prec);
void ddpm_ref_vector_free(mpfr_t *v, size_t len);

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
/* The derived columns' values at t = 0 (alpha 1, log abar 0, betatilde 0,
 * SNR +inf, sqrt(abar) 1, sqrt(1 - abar) 0). */
void ddpm_ref_schedule_row0(ddpm_ref_schedule *s);

/* beta_jump = 1 - abar_t/abar_p = 1 - prod_{p<s<=t} (1 - beta_s) and
 * alpha_jump = 1 - beta_jump for 0 <= p < t <= T (initialised by the caller). */
void ddpm_ref_jump(const ddpm_ref_schedule *s, long long t, long long p, mpfr_t beta_jump,
                   mpfr_t alpha_jump);

/* z <- the Gaussian draw j of (seed, sample i, draw r), correctly rounded to
 * nearest at z's precision (Ziv's strategy with an a-priori error bound). */
void ddpm_ref_gaussian(mpfr_t z, uint64_t seed, uint64_t i, uint32_t r, uint32_t j);

/* row[0 .. n d - 1] <- draw r of the run as the oracle uses it: from the
 * replay files, or the Philox draws correctly rounded to binary64. */
int ddpm_ref_draws(ddpm_draw_files *f, long long r, double *row, ddpm_err *e);

/* The time grid of the continuous schedules vp and ou (spec/maths.md
 * sections 2 and 4), from the schedule's decimal texts. */
typedef struct {
  long long T;
  mpfr_t eps, end, rate0, slope; /* r(tau) = rate0 + slope tau */
} ddpm_ref_grid;

/* Initialises g for a vp or ou schedule (clear with ddpm_ref_grid_clear);
 * returns 0, touching nothing, for any other schedule. */
int ddpm_ref_grid_init(const ddpm_spec *schedule, mpfr_prec_t prec, ddpm_ref_grid *g);
void ddpm_ref_grid_clear(ddpm_ref_grid *g);
void ddpm_ref_grid_tau(mpfr_t tau, const ddpm_ref_grid *g, long long t);
/* h = tau_t - tau_p = (end - eps)(t - p)/(T - 1), or tau_t when p = 0 */
void ddpm_ref_grid_width(mpfr_t h, const ddpm_ref_grid *g, long long t, long long p);
void ddpm_ref_grid_rate(mpfr_t r, const ddpm_ref_grid *g, mpfr_srcptr tau);

/* The schedule at one time t, as the score needs it (pointers into the
 * schedule's columns). */
typedef struct {
  mpfr_srcptr abar, oma, sqrt_abar, sqrt_oma;
} ddpm_ref_time;

/* A Gaussian-mixture target (spec/maths.md section 3) with its scratch. */
typedef struct {
  long long K, d;
  mpfr_t *log_pi;      /* log of the normalised weights */
  mpfr_t *mean, *var;  /* K x d, component-major */
  mpfr_t *l;           /* scratch: K log-weights, then responsibilities */
  mpfr_t m, v, dx, acc, total;
  /* The forward marginal at the last time scored, computed once per time
   * rather than once per sample: means m_kj, variances v_kj and (K > 1)
   * log v_kj; cached_at holds that time's abar, 1 - abar and sqrt(abar),
   * compared by value. */
  mpfr_t *mt, *vt, *log_vt;
  mpfr_t cached_at[3];
  int have_cached;
} ddpm_ref_target;

int ddpm_ref_target_init(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_target *tg,
                         ddpm_err *e);
void ddpm_ref_target_clear(ddpm_ref_target *tg);

/* s[j] <- score of the forward marginal at time t, at x (s and x distinct). */
void ddpm_ref_target_score(ddpm_ref_target *tg, const ddpm_ref_time *at, mpfr_t *x, mpfr_t *s);

/* --score-error: value <- B (bias) or 1 + R (rel) at value's precision, once
 * per run; then applied to s[0..d-1]: s + B or s (1 + R). */
void ddpm_ref_score_error_value(const ddpm_run *run, mpfr_t value);
void ddpm_ref_score_perturb(const ddpm_run *run, long long d, mpfr_t *s, mpfr_srcptr value);

/* Conversions between the score and the epsilon-, x0- and v-predictions at
 * time t (spec/maths.md section 3); the output may not alias an input. */
void ddpm_ref_score_to_eps(mpfr_t eps, const ddpm_ref_time *at, mpfr_srcptr s);
void ddpm_ref_eps_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr eps);
void ddpm_ref_score_to_x0(mpfr_t x0, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr s);
void ddpm_ref_x0_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr x0);
void ddpm_ref_score_to_v(mpfr_t v, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr s,
                         mpfr_t tmp);
void ddpm_ref_v_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr v,
                         mpfr_t tmp);

/* Receives every state value, row k = 0..steps, sample i, coordinate j, in
 * C order. Returns DDPM_OK or an error code to stop the run. */
typedef int (*ddpm_ref_emit)(void *ctx, long long k, long long i, long long j,
                             mpfr_srcptr v);

int ddpm_ref_run(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_emit emit, void *ctx,
                 ddpm_err *e);

/* The same run one step at a time, for callers that hold several runs in
 * step (the trace's two precisions) or stream rows. After _new the state is
 * row 0 (the initial draw); each _step advances one row. */
typedef struct ddpm_ref_sampler ddpm_ref_sampler;
int ddpm_ref_sampler_new(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_sampler **out,
                         ddpm_err *e);
int ddpm_ref_sampler_step(ddpm_ref_sampler *s, ddpm_err *e);
/* The current row k = 0..steps and its n d values, C order. */
long long ddpm_ref_sampler_row(const ddpm_ref_sampler *s);
mpfr_t *ddpm_ref_sampler_state(const ddpm_ref_sampler *s);
/* Step k = 1..steps of the run's sampler applied to the state y[0 .. d-1]
 * of one sample with the draws z[0 .. d-1] (binary64 values, used exactly),
 * by the oracle's own formulas; y is updated in place, the sampler's row and
 * states are untouched. Returns 1 if step k adds noise (else z is unread). */
int ddpm_ref_sampler_apply(ddpm_ref_sampler *s, long long k, mpfr_t *y, const double *z);
void ddpm_ref_sampler_free(ddpm_ref_sampler *s);

/* Step k as a formula in its inputs. Every step of spec/maths.md section 4
 * is linear in the state Y_t, the score s = s_t(Y_t) (after --score-error)
 * and the draw Z; pf-heun with p > 0 also in its corrector's score
 * s2 = s_p(Ytilde) at the predictor Ytilde = a_pred Y_t + b_pred s:
 *
 *     Y_p = a Y_t + b s + e s2 + c Z
 *
 * (two_stage = 0: e = a_pred = b_pred = 0; noise = 0: c = 0). For
 * ref/rates_gmm.c, whose scores are not affine in the state: the oracle's
 * own step evaluated with the score replaced by unit probe values, so the
 * coefficients and the last-step convention are the oracle's, exact in the
 * reals, at the sampler's precision. The sampler's rows are untouched. */
typedef struct {
  mpfr_t a, b, e, c, a_pred, b_pred; /* initialised by the caller */
  int noise, two_stage;
} ddpm_ref_step_linear;
int ddpm_ref_sampler_linear(ddpm_ref_sampler *s, long long k, ddpm_ref_step_linear *L,
                            ddpm_err *e);

#endif
