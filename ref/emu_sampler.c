/* emu_sampler.c: the fast path's sampler in an emulated format (ddpm_emu.h).
 *
 * fp/fp_sampler.c, fp_coeffs.c, fp_grid.c, fp_target.c and fp_noise.c
 * again, one ddpm_emu_* call per binary64 operation of theirs, in their
 * order, each under its error source:
 *   input     the decimal texts (target, ddim's eta, the grid's parameters,
 *             --score-error's value);
 *   schedule  the schedule (ddpm_emu_schedule_build), the jump, the grid's
 *             h and r, every coefficient a, b, c (pf-heun: a2, b2, q);
 *   noise     Box-Muller from the Philox words, or a replayed binary64 draw;
 *   score     the target's log-weights and score (log-sum-exp) and the
 *             --score-error perturbation;
 *   update    y' = (a y + b s) + c z as ddpm_fp_affine_apply writes it.
 * Every step is planned once (ddpm_emu_sampler_new); events are charged to
 * the step being planned or taken (c->step), the schedule's and the
 * constants' to step 0.
 *
 * Where this cannot be the fp code's operation sequence literally:
 *  - the uniform U = (double)u 2^-53 + 2^-54: the conversion of the 53-bit
 *    integer u and the scaling by 2^-53 are one rounding of the exact
 *    u 2^-53. In binary64, binary32 and bfloat16 that is the fp code's two
 *    operations exactly (the scaling by a power of two is exact there); in
 *    binary16 u itself would overflow (u >= 65520) and 2^-53 underflow to 0,
 *    so the literal sequence would give NaN for every draw. The constant
 *    2^-54 is the format's (0 in binary16: an underflow charged to step 0,
 *    recorded only when the run makes Philox draws at all).
 *  - 2 pi is 2 pi rounded to the format (in binary64 the fp code's
 *    0x1.921fb54442d18p+2), and exact (at P) when noise is not in the mask.
 *  - the fast path refuses a run whose binary64 coefficients are not finite
 *    (ddpm_fp_plan_step); the emulation refuses exactly the runs the fast
 *    path refuses (it asks the fast path's own schedule and planner), and in
 *    any format records non-finite coefficients as events instead.
 *  - decimal parameters that the emulated schedule builder already read
 *    (the grid's eps, beta_min, beta_max, horizon) are read again without
 *    recording their events a second time.
 * The sampler holds scratch: one sampler serves one thread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_draws.h"
#include "ddpm_emu.h"
#include "ddpm_fp.h"
#include "ddpm_mixture.h"
#include "ddpm_philox.h"

#define SCHED DDPM_SRC_SCHEDULE
#define INPUT DDPM_SRC_INPUT
#define NOISE DDPM_SRC_NOISE
#define SCORE DDPM_SRC_SCORE
#define UPDATE DDPM_SRC_UPDATE

/* The schedule at one time, as ddpm_fp_time. */
typedef struct {
  mpfr_t abar, oma, sqrt_abar, sqrt_oma;
} emu_time;

/* One planned step, as ddpm_fp_step_plan. */
typedef struct {
  emu_time at;
  mpfr_t a, b, c;
  int draw; /* c != 0: the step makes draws */
  int heun; /* pf-heun's corrector follows; ap, a2, b2, c2, q initialised */
  emu_time ap;
  mpfr_t a2, b2, c2, q;
} emu_step;

/* The grid of a continuous schedule, as ddpm_fp_grid. */
typedef struct {
  long long T;
  mpfr_t eps, end, rate0, slope;
} emu_grid;

struct ddpm_emu_sampler {
  const ddpm_run *run;
  ddpm_emu *c;
  long long K, d, n, ncomp; /* steps, dimension, samples, mixture components */
  emu_step *plan;
  long long planned; /* plan entries initialised */
  int have_grid;
  emu_grid g;
  /* the target (fp_target.c) and --score-error */
  mpfr_t *log_pi, *mean, *var, *resp;
  /* scratch vectors of d */
  mpfr_t *s, *s2, *ytil, *z;
  int have_scalars;
  /* constants: exact in every format, or the format's (two_pi, u_half) */
  mpfr_t zero, one, two, minus_two, half, quarter, two_pi, u_half, score_err, eta;
  /* scratch scalars */
  mpfr_t m, v, dx, acc, tmp, lmax, total, r, f, p1, p2, s1, p3;
  mpfr_t U1, U2, radius, angle, w, beta_j, alpha_j, h, rt, rp, tau, t1, t2, t3, t4;
  mpfr_t ival; /* 64 bits: exact integers */
  /* replayed draws */
  ddpm_draw_files files;
  int have_files;
  double *row; /* the cached row of draws (NULL without files) */
  long long row_r; /* its draw index, -1: none */
  int row_from_file;
};

/* ---- small helpers ------------------------------------------------------ */

static void time_init(emu_time *a, mpfr_prec_t prec)
{
  mpfr_inits2(prec, a->abar, a->oma, a->sqrt_abar, a->sqrt_oma, (mpfr_ptr)0);
}

static void time_clear(emu_time *a)
{
  mpfr_clears(a->abar, a->oma, a->sqrt_abar, a->sqrt_oma, (mpfr_ptr)0);
}

static void time_set(emu_time *a, const ddpm_ref_schedule *sch, long long t)
{
  mpfr_set(a->abar, sch->abar[t], MPFR_RNDN); /* exact: same precision */
  mpfr_set(a->oma, sch->oma[t], MPFR_RNDN);
  mpfr_set(a->sqrt_abar, sch->sqrt_abar[t], MPFR_RNDN);
  mpfr_set(a->sqrt_oma, sch->sqrt_oma[t], MPFR_RNDN);
}

/* r <- (double)x, a conversion of an integer under source src. */
static void from_int(ddpm_emu_sampler *m, int src, const char *what, mpfr_t r, long long x)
{
  mpfr_set_si(m->ival, (long)x, MPFR_RNDN); /* exact: |x| < 2^63 in 64 bits */
  ddpm_emu_set(m->c, src, what, r, m->ival);
}

/* ---- the grid (fp_grid.c) ----------------------------------------------- */

static void grid_init(ddpm_emu_sampler *m)
{
  const ddpm_spec *sp = &m->run->schedule;
  ddpm_emu *c = m->c;
  emu_grid *g = &m->g;
  if (sp->kind != DDPM_SCHEDULE_VP && sp->kind != DDPM_SCHEDULE_OU) return;
  mpfr_inits2(c->prec, g->eps, g->end, g->rate0, g->slope, (mpfr_ptr)0);
  m->have_grid = 1;
  /* the schedule builder read (and reported) these texts already */
  ddpm_emu_events *ev = c->ev;
  c->ev = NULL;
  if (sp->kind == DDPM_SCHEDULE_VP) {
    g->T = sp->integer[DDPM_VP_T];
    ddpm_emu_set_str(c, INPUT, "eps", g->eps, sp->text[DDPM_VP_EPS]);
    mpfr_set_ui(g->end, 1, MPFR_RNDN);
    ddpm_emu_set_str(c, INPUT, "beta_min", g->rate0, sp->text[DDPM_VP_BETA_MIN]);
    ddpm_emu_set_str(c, INPUT, "beta_max", g->slope, sp->text[DDPM_VP_BETA_MAX]);
    c->ev = ev;
    ddpm_emu_sub(c, SCHED, "beta_max - beta_min", g->slope, g->slope, g->rate0);
  } else {
    g->T = sp->integer[DDPM_OU_T];
    ddpm_emu_set_str(c, INPUT, "eps", g->eps, sp->text[DDPM_OU_EPS]);
    ddpm_emu_set_str(c, INPUT, "horizon", g->end, sp->text[DDPM_OU_HORIZON]);
    c->ev = ev;
    mpfr_set_ui(g->rate0, 2, MPFR_RNDN);
    mpfr_set_zero(g->slope, 1);
  }
}

/* tau <- eps + ((end - eps)/(T - 1)) (t - 1), or 0 at t = 0 */
static void grid_tau(ddpm_emu_sampler *m, mpfr_t tau, long long t)
{
  ddpm_emu *c = m->c;
  const emu_grid *g = &m->g;
  if (t == 0) {
    mpfr_set_zero(tau, 1);
    return;
  }
  ddpm_emu_sub(c, SCHED, "end - eps", m->t3, g->end, g->eps);
  from_int(m, SCHED, "T - 1", m->t4, g->T - 1);
  ddpm_emu_div(c, SCHED, "(end - eps)/(T - 1)", m->t3, m->t3, m->t4);
  from_int(m, SCHED, "t - 1", m->t4, t - 1);
  ddpm_emu_mul(c, SCHED, "tau", m->t3, m->t3, m->t4);
  ddpm_emu_add(c, SCHED, "tau", tau, g->eps, m->t3);
}

/* h <- ((end - eps)/(T - 1)) (t - p), or tau_t at p = 0 */
static void grid_width(ddpm_emu_sampler *m, mpfr_t h, long long t, long long p)
{
  ddpm_emu *c = m->c;
  const emu_grid *g = &m->g;
  if (p == 0) {
    grid_tau(m, h, t);
    return;
  }
  ddpm_emu_sub(c, SCHED, "end - eps", m->t3, g->end, g->eps);
  from_int(m, SCHED, "T - 1", m->t4, g->T - 1);
  ddpm_emu_div(c, SCHED, "(end - eps)/(T - 1)", m->t3, m->t3, m->t4);
  from_int(m, SCHED, "t - p", m->t4, t - p);
  ddpm_emu_mul(c, SCHED, "h", h, m->t3, m->t4);
}

/* r <- rate0 + slope tau (r may alias tau) */
static void grid_rate(ddpm_emu_sampler *m, mpfr_t r, mpfr_srcptr tau)
{
  ddpm_emu_mul(m->c, SCHED, "slope tau", m->t3, m->g.slope, tau);
  ddpm_emu_add(m->c, SCHED, "r", r, m->g.rate0, m->t3);
}

/* ---- the coefficients (fp_coeffs.c) ------------------------------------- */

static void coeffs_ddpm(ddpm_emu_sampler *m, mpfr_srcptr beta_j, mpfr_srcptr alpha_j,
                        mpfr_srcptr btilde_j, int var, int noise, emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_sqrt(c, SCHED, "sqrt(alpha_j)", m->t1, alpha_j);
  ddpm_emu_div(c, SCHED, "a", k->a, m->one, m->t1);
  ddpm_emu_mul(c, SCHED, "b", k->b, beta_j, k->a);
  if (!noise) mpfr_set_zero(k->c, 1);
  else if (var == 1) ddpm_emu_sqrt(c, SCHED, "c", k->c, btilde_j);
  else if (var == 2) {
    ddpm_emu_div(c, SCHED, "beta_j/alpha_j", m->t1, beta_j, alpha_j);
    ddpm_emu_sqrt(c, SCHED, "c", k->c, m->t1);
  } else ddpm_emu_sqrt(c, SCHED, "c", k->c, beta_j);
}

static void coeffs_ddim(ddpm_emu_sampler *m, mpfr_srcptr eta, mpfr_srcptr beta_j,
                        mpfr_srcptr alpha_j, mpfr_srcptr oma_t, mpfr_srcptr oma_p, emu_step *k)
{
  ddpm_emu *c = m->c;
  mpfr_ptr sigma2 = m->t2, q2 = m->rp, A = m->tau, Q = m->h; /* scratch, free here */
  /* sigma2 = (eta * eta) * (beta_j * (oma_p / oma_t)) */
  ddpm_emu_mul(c, SCHED, "eta^2", m->t1, eta, eta);
  ddpm_emu_div(c, SCHED, "oma_p/oma_t", sigma2, oma_p, oma_t);
  ddpm_emu_mul(c, SCHED, "beta_j oma_p/oma_t", sigma2, beta_j, sigma2);
  ddpm_emu_mul(c, SCHED, "sigma2", sigma2, m->t1, sigma2);
  /* q2 = oma_p * ((oma_p * alpha_j + ((1.0 - eta) * (1.0 + eta)) * beta_j) / oma_t) */
  ddpm_emu_mul(c, SCHED, "oma_p alpha_j", q2, oma_p, alpha_j);
  ddpm_emu_sub(c, SCHED, "1 - eta", m->t1, m->one, eta);
  ddpm_emu_add(c, SCHED, "1 + eta", m->t3, m->one, eta);
  ddpm_emu_mul(c, SCHED, "1 - eta^2", m->t1, m->t1, m->t3);
  ddpm_emu_mul(c, SCHED, "(1 - eta^2) beta_j", m->t1, m->t1, beta_j);
  ddpm_emu_add(c, SCHED, "q2", q2, q2, m->t1);
  ddpm_emu_div(c, SCHED, "q2", q2, q2, oma_t);
  ddpm_emu_mul(c, SCHED, "q2", q2, oma_p, q2);
  /* A = sqrt(oma_t / alpha_j), Q = sqrt(q2) */
  ddpm_emu_div(c, SCHED, "oma_t/alpha_j", A, oma_t, alpha_j);
  ddpm_emu_sqrt(c, SCHED, "A", A, A);
  ddpm_emu_sqrt(c, SCHED, "Q", Q, q2);
  /* a = 1.0 / sqrt(alpha_j) */
  ddpm_emu_sqrt(c, SCHED, "sqrt(alpha_j)", m->t1, alpha_j);
  ddpm_emu_div(c, SCHED, "a", k->a, m->one, m->t1);
  /* b = sqrt(oma_t) * ((beta_j / alpha_j + sigma2) / (A + Q)) */
  ddpm_emu_sqrt(c, SCHED, "sqrt(oma_t)", m->t1, oma_t);
  ddpm_emu_div(c, SCHED, "beta_j/alpha_j", m->t3, beta_j, alpha_j);
  ddpm_emu_add(c, SCHED, "beta_j/alpha_j + sigma2", m->t3, m->t3, sigma2);
  ddpm_emu_add(c, SCHED, "A + Q", m->t4, A, Q);
  ddpm_emu_div(c, SCHED, "b", m->t3, m->t3, m->t4);
  ddpm_emu_mul(c, SCHED, "b", k->b, m->t1, m->t3);
  /* c = sqrt(sigma2) */
  ddpm_emu_sqrt(c, SCHED, "c", k->c, sigma2);
}

static void coeffs_liyan_ode(ddpm_emu_sampler *m, mpfr_srcptr beta_j, mpfr_srcptr alpha_j,
                             emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_sqrt(c, SCHED, "sqrt(alpha_j)", m->t1, alpha_j);
  ddpm_emu_div(c, SCHED, "a", k->a, m->one, m->t1);
  ddpm_emu_mul(c, SCHED, "beta_j a", m->t1, beta_j, k->a);
  ddpm_emu_mul(c, SCHED, "b", k->b, m->half, m->t1);
  mpfr_set_zero(k->c, 1);
}

static void coeffs_em(ddpm_emu_sampler *m, mpfr_srcptr h, mpfr_srcptr r, int noise, emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_mul(c, SCHED, "h r", m->t1, h, r);
  ddpm_emu_mul(c, SCHED, "h r/2", m->t3, m->half, m->t1);
  ddpm_emu_add(c, SCHED, "a", k->a, m->one, m->t3);
  mpfr_set(k->b, m->t1, MPFR_RNDN); /* b = hr: no operation */
  if (noise) ddpm_emu_sqrt(c, SCHED, "c", k->c, m->t1);
  else mpfr_set_zero(k->c, 1);
}

static void coeffs_ei(ddpm_emu_sampler *m, mpfr_srcptr beta_j, mpfr_srcptr alpha_j, int noise,
                      emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_sqrt(c, SCHED, "sqrt(alpha_j)", m->t1, alpha_j);
  ddpm_emu_div(c, SCHED, "a", k->a, m->one, m->t1);
  /* b = (2.0 * beta_j) / (sa * (1.0 + sa)) */
  ddpm_emu_mul(c, SCHED, "2 beta_j", m->t3, m->two, beta_j);
  ddpm_emu_add(c, SCHED, "1 + sqrt(alpha_j)", m->t4, m->one, m->t1);
  ddpm_emu_mul(c, SCHED, "sqrt(alpha_j) (1 + sqrt(alpha_j))", m->t4, m->t1, m->t4);
  ddpm_emu_div(c, SCHED, "b", k->b, m->t3, m->t4);
  if (noise) {
    ddpm_emu_div(c, SCHED, "beta_j/alpha_j", m->t1, beta_j, alpha_j);
    ddpm_emu_sqrt(c, SCHED, "c", k->c, m->t1);
  } else mpfr_set_zero(k->c, 1);
}

static void coeffs_pf_euler(ddpm_emu_sampler *m, mpfr_srcptr h, mpfr_srcptr r, emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_mul(c, SCHED, "h r", m->t1, h, r);
  ddpm_emu_mul(c, SCHED, "b", k->b, m->half, m->t1);
  ddpm_emu_add(c, SCHED, "a", k->a, m->one, k->b);
  mpfr_set_zero(k->c, 1);
}

static void coeffs_heun(ddpm_emu_sampler *m, mpfr_srcptr h, mpfr_srcptr r_t, mpfr_srcptr r_p,
                        emu_step *k)
{
  ddpm_emu *c = m->c;
  ddpm_emu_mul(c, SCHED, "h r_t", m->t1, h, r_t);
  ddpm_emu_mul(c, SCHED, "b2", k->b2, m->quarter, m->t1);
  ddpm_emu_add(c, SCHED, "a2", k->a2, m->one, k->b2);
  mpfr_set_ui(k->c2, 1, MPFR_RNDN);
  ddpm_emu_mul(c, SCHED, "h r_p", m->t1, h, r_p);
  ddpm_emu_mul(c, SCHED, "q", k->q, m->quarter, m->t1);
}

/* ---- planning (fp_sampler.c, ddpm_fp_plan_step) ------------------------- */

static int plan_step(ddpm_emu_sampler *m, const ddpm_ref_schedule *sch, long long t,
                     long long p, emu_step *k)
{
  const ddpm_spec *sp = &m->run->sampler;
  ddpm_emu *c = m->c;
  const mpfr_prec_t prec = c->prec;
  const int noise = p > 0 || ddpm_sampler_last_noise(sp);
  ddpm_emu_jump(c, sch, t, p, m->beta_j, m->alpha_j);
  time_set(&k->at, sch, t);
  mpfr_set_zero(m->h, 1);
  mpfr_set_zero(m->rt, 1);
  if (ddpm_sampler_is_continuous(sp)) {
    grid_width(m, m->h, t, p);
    grid_tau(m, m->tau, t);
    grid_rate(m, m->rt, m->tau);
  }
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM:
    /* btilde_j = beta_j * (oma[p] / oma[t]) */
    ddpm_emu_div(c, SCHED, "oma_p/oma_t", m->t2, sch->oma[p], sch->oma[t]);
    ddpm_emu_mul(c, SCHED, "btilde_j", m->t2, m->beta_j, m->t2);
    coeffs_ddpm(m, m->beta_j, m->alpha_j, m->t2, sp->word[DDPM_DDPM_VAR], noise, k);
    break;
  case DDPM_SAMPLER_DDIM:
    coeffs_ddim(m, m->eta, m->beta_j, m->alpha_j, sch->oma[t], sch->oma[p], k);
    break;
  case DDPM_SAMPLER_LIYAN_ODE: coeffs_liyan_ode(m, m->beta_j, m->alpha_j, k); break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: coeffs_em(m, m->h, m->rt, noise, k); break;
  case DDPM_SAMPLER_VP_EI: coeffs_ei(m, m->beta_j, m->alpha_j, noise, k); break;
  case DDPM_SAMPLER_PF_EULER: coeffs_pf_euler(m, m->h, m->rt, k); break;
  case DDPM_SAMPLER_PF_HEUN:
    coeffs_pf_euler(m, m->h, m->rt, k);
    if (p > 0) { /* the last step is Euler alone: no score at the data end */
      time_init(&k->ap, prec);
      mpfr_inits2(prec, k->a2, k->b2, k->c2, k->q, (mpfr_ptr)0);
      k->heun = 1;
      time_set(&k->ap, sch, p);
      grid_tau(m, m->tau, p);
      grid_rate(m, m->rp, m->tau);
      coeffs_heun(m, m->h, m->rt, m->rp, k);
    }
    break;
  default: return DDPM_EINTERNAL;
  }
  k->draw = !mpfr_zero_p(k->c); /* as c != 0.0: NaN draws too */
  return DDPM_OK;
}

/* The runs the fast path refuses: its own schedule checks and planner. */
static int fast_path_check(const ddpm_run *run, const long long *ts, const long long *ps,
                           ddpm_err *e)
{
  ddpm_fp_schedule sch;
  int rc = ddpm_fp_schedule_build(&run->schedule, &sch, e);
  if (rc != DDPM_OK) return rc;
  ddpm_fp_grid g = {0};
  ddpm_fp_grid_init(&run->schedule, &g);
  ddpm_fp_step_plan plan;
  for (long long k = 0; k < run->steps && rc == DDPM_OK; k++)
    rc = ddpm_fp_plan_step(run, &sch, &g, ts[k], ps[k], &plan, e);
  ddpm_fp_schedule_free(&sch);
  return rc;
}

/* ---- the target (fp_target.c) ------------------------------------------- */

static int target_init(ddpm_emu_sampler *m, ddpm_err *e)
{
  ddpm_emu *c = m->c;
  ddpm_mixture mix;
  int rc = ddpm_mixture_from_spec(&m->run->target, &mix, e);
  if (rc != DDPM_OK) return rc;
  if (mix.d != m->d) {
    ddpm_mixture_free(&mix);
    return ddpm_fail(e, DDPM_EINPUT, "--target: dimension %lld, but the run has d = %lld",
                     mix.d, m->d);
  }
  const long long K = mix.K, d = mix.d;
  m->log_pi = ddpm_ref_vector_new((size_t)K, c->prec);
  m->resp = ddpm_ref_vector_new((size_t)K, c->prec);
  m->mean = ddpm_ref_vector_new((size_t)(K * d), c->prec);
  m->var = ddpm_ref_vector_new((size_t)(K * d), c->prec);
  m->ncomp = K;
  if (!m->log_pi || !m->resp || !m->mean || !m->var) {
    ddpm_mixture_free(&mix);
    return ddpm_fail(e, DDPM_EINTERNAL, "--target: out of memory for %lld x %lld values", K, d);
  }
  /* the texts as the fast path's binary64 reads them; the weights' sum left
   * to right (mixture.c), then log(w_k / sum) */
  for (long long k = 0; k < K; k++)
    ddpm_emu_set_str(c, INPUT, "weight", m->log_pi[k], mix.weight_text[k]);
  mpfr_set_zero(m->total, 1);
  for (long long k = 0; k < K; k++)
    ddpm_emu_add(c, SCORE, "sum of weights", m->total, m->total, m->log_pi[k]);
  for (long long k = 0; k < K; k++) {
    ddpm_emu_div(c, SCORE, "pi_k", m->log_pi[k], m->log_pi[k], m->total);
    ddpm_emu_log(c, SCORE, "log pi_k", m->log_pi[k], m->log_pi[k]);
  }
  for (long long q = 0; q < K * d; q++) {
    ddpm_emu_set_str(c, INPUT, "mean", m->mean[q], mix.mean_text[q]);
    ddpm_emu_set_str(c, INPUT, "var", m->var[q], mix.var_text[q]);
  }
  ddpm_mixture_free(&mix);
  return DDPM_OK;
}

/* m <- sqrt_abar mu, v <- abar s2 + oma */
static void marginal(ddpm_emu_sampler *m, const emu_time *at, long long q)
{
  ddpm_emu *c = m->c;
  ddpm_emu_mul(c, SCORE, "m", m->m, at->sqrt_abar, m->mean[q]);
  ddpm_emu_mul(c, SCORE, "abar s2", m->v, at->abar, m->var[q]);
  ddpm_emu_add(c, SCORE, "v", m->v, m->v, at->oma);
}

/* s <- the score at x (ddpm_fp_target_score), then --score-error */
static void score(ddpm_emu_sampler *m, const emu_time *at, mpfr_t *x, mpfr_t *s)
{
  ddpm_emu *c = m->c;
  const long long K = m->ncomp, d = m->d;
  if (K == 1) {
    for (long long j = 0; j < d; j++) {
      marginal(m, at, j);
      ddpm_emu_sub(c, SCORE, "m - x", m->dx, m->m, x[j]);
      ddpm_emu_div(c, SCORE, "score", s[j], m->dx, m->v);
    }
  } else {
    mpfr_set_inf(m->lmax, -1);
    for (long long k = 0; k < K; k++) {
      mpfr_set_zero(m->acc, 1);
      for (long long j = 0; j < d; j++) {
        marginal(m, at, k * d + j);
        /* acc += log(v) + dx * dx / v */
        ddpm_emu_sub(c, SCORE, "x - m", m->dx, x[j], m->m);
        ddpm_emu_log(c, SCORE, "log v", m->tmp, m->v);
        ddpm_emu_mul(c, SCORE, "dx^2", m->dx, m->dx, m->dx);
        ddpm_emu_div(c, SCORE, "dx^2/v", m->dx, m->dx, m->v);
        ddpm_emu_add(c, SCORE, "log v + dx^2/v", m->tmp, m->tmp, m->dx);
        ddpm_emu_add(c, SCORE, "log-density sum", m->acc, m->acc, m->tmp);
      }
      /* resp[k] = log_pi[k] - 0.5 * acc */
      ddpm_emu_mul(c, SCORE, "acc/2", m->acc, m->half, m->acc);
      ddpm_emu_sub(c, SCORE, "l_k", m->resp[k], m->log_pi[k], m->acc);
      if (mpfr_greater_p(m->resp[k], m->lmax)) mpfr_set(m->lmax, m->resp[k], MPFR_RNDN);
    }
    mpfr_set_zero(m->total, 1);
    for (long long k = 0; k < K; k++) {
      ddpm_emu_sub(c, SCORE, "l_k - l_max", m->resp[k], m->resp[k], m->lmax);
      ddpm_emu_exp(c, SCORE, "exp(l_k - l_max)", m->resp[k], m->resp[k]);
      ddpm_emu_add(c, SCORE, "softmax total", m->total, m->total, m->resp[k]);
    }
    for (long long j = 0; j < d; j++) mpfr_set_zero(s[j], 1);
    for (long long k = 0; k < K; k++) {
      ddpm_emu_div(c, SCORE, "r_k", m->r, m->resp[k], m->total);
      for (long long j = 0; j < d; j++) {
        marginal(m, at, k * d + j);
        /* s[j] += r * ((m - x[j]) / v) */
        ddpm_emu_sub(c, SCORE, "m - x", m->dx, m->m, x[j]);
        ddpm_emu_div(c, SCORE, "(m - x)/v", m->dx, m->dx, m->v);
        ddpm_emu_mul(c, SCORE, "r_k (m - x)/v", m->dx, m->r, m->dx);
        ddpm_emu_add(c, SCORE, "score", s[j], s[j], m->dx);
      }
    }
  }
  /* ddpm_fp_score_perturb */
  if (m->run->score_error == DDPM_SCORE_BIAS)
    for (long long j = 0; j < d; j++) ddpm_emu_add(c, SCORE, "score + B", s[j], s[j], m->score_err);
  else if (m->run->score_error == DDPM_SCORE_REL) {
    ddpm_emu_add(c, SCORE, "1 + R", m->f, m->one, m->score_err);
    for (long long j = 0; j < d; j++) ddpm_emu_mul(c, SCORE, "score (1 + R)", s[j], s[j], m->f);
  }
}

/* ---- noise (fp_noise.c) -------------------------------------------------- */

/* U <- (double)u * 0x1p-53 + 0x1p-54 (the first two as one rounding: see the
 * head of the file) */
static void uniform(ddpm_emu_sampler *m, mpfr_t U, uint64_t u)
{
  mpfr_set_uj(m->ival, (uintmax_t)u, MPFR_RNDN); /* exact: u < 2^53 */
  mpfr_mul_2si(m->ival, m->ival, -53, MPFR_RNDN);
  ddpm_emu_set(m->c, NOISE, "u 2^-53", U, m->ival);
  ddpm_emu_add(m->c, NOISE, "U", U, U, m->u_half);
}

/* z[0..d-1] <- the draws of (sample i, draw r): the words of ddpm_fp_gaussians,
 * textbook Box-Muller (ddpm_emu.h) */
static void gaussians(ddpm_emu_sampler *m, long long i, long long r, mpfr_t *z)
{
  ddpm_emu *c = m->c;
  const long long d = m->d;
  for (long long j = 0; j < d; j += 2) {
    uint64_t w1, w2;
    ddpm_noise_words(m->run->seed, (uint64_t)i, (uint32_t)r, (uint32_t)j, &w1, &w2);
    uniform(m, m->U1, w1);
    ddpm_emu_log(c, NOISE, "log U1", m->radius, m->U1);
    ddpm_emu_mul(c, NOISE, "-2 log U1", m->radius, m->minus_two, m->radius);
    ddpm_emu_sqrt(c, NOISE, "radius", m->radius, m->radius);
    uniform(m, m->U2, w2);
    ddpm_emu_mul(c, NOISE, "angle", m->angle, m->two_pi, m->U2);
    ddpm_emu_cos(c, NOISE, "cos", m->w, m->angle);
    ddpm_emu_mul(c, NOISE, "z", z[j], m->radius, m->w);
    if (j + 1 < d) { /* odd d drops the last sine */
      ddpm_emu_sin(c, NOISE, "sin", m->w, m->angle);
      ddpm_emu_mul(c, NOISE, "z", z[j + 1], m->radius, m->w);
    }
  }
}

/* The replayed row of draw r (cached), or from_file = 0 for Philox. */
static int replay_row(ddpm_emu_sampler *m, long long r, int *from_file, ddpm_err *e)
{
  *from_file = 0;
  if (!m->row) return DDPM_OK;
  if (m->row_r != r) {
    m->row_r = -1;
    int ff = 0;
    int rc = ddpm_draw_files_row(&m->files, r, m->row, &ff, e);
    if (rc != DDPM_OK) return rc;
    m->row_r = r;
    m->row_from_file = ff;
  }
  *from_file = m->row_from_file;
  return DDPM_OK;
}

/* z[0..d-1] <- draw r of sample i in c's arithmetic */
static int draws(ddpm_emu_sampler *m, long long i, long long r, mpfr_t *z, ddpm_err *e)
{
  int from_file;
  int rc = replay_row(m, r, &from_file, e);
  if (rc != DDPM_OK) return rc;
  if (from_file)
    for (long long j = 0; j < m->d; j++)
      ddpm_emu_set_d(m->c, NOISE, "replayed draw", z[j], m->row[i * m->d + j]);
  else gaussians(m, i, r, z);
  return DDPM_OK;
}

/* ---- the update (ddpm_fp_affine_apply) ---------------------------------- */

/* r <- (a y + b s) + c z (r may alias none of the others but z) */
static void affine(ddpm_emu_sampler *m, mpfr_t r, mpfr_srcptr a, mpfr_srcptr y, mpfr_srcptr b,
                   mpfr_srcptr s, mpfr_srcptr cc, mpfr_srcptr z)
{
  ddpm_emu *c = m->c;
  ddpm_emu_mul(c, UPDATE, "a y", m->p1, a, y);
  ddpm_emu_mul(c, UPDATE, "b s", m->p2, b, s);
  ddpm_emu_add(c, UPDATE, "a y + b s", m->s1, m->p1, m->p2);
  ddpm_emu_mul(c, UPDATE, "c z", m->p3, cc, z);
  ddpm_emu_add(c, UPDATE, "update", r, m->s1, m->p3);
}

/* ---- the sampler ---------------------------------------------------------- */

void ddpm_emu_sampler_free(ddpm_emu_sampler *m)
{
  if (!m) return;
  const size_t d = (size_t)m->d;
  for (long long k = 0; k < m->planned; k++) {
    emu_step *st = &m->plan[k];
    time_clear(&st->at);
    mpfr_clears(st->a, st->b, st->c, (mpfr_ptr)0);
    if (st->heun) {
      time_clear(&st->ap);
      mpfr_clears(st->a2, st->b2, st->c2, st->q, (mpfr_ptr)0);
    }
  }
  free(m->plan);
  if (m->have_grid) mpfr_clears(m->g.eps, m->g.end, m->g.rate0, m->g.slope, (mpfr_ptr)0);
  ddpm_ref_vector_free(m->log_pi, (size_t)m->ncomp);
  ddpm_ref_vector_free(m->resp, (size_t)m->ncomp);
  ddpm_ref_vector_free(m->mean, (size_t)(m->ncomp * m->d));
  ddpm_ref_vector_free(m->var, (size_t)(m->ncomp * m->d));
  ddpm_ref_vector_free(m->s, d);
  ddpm_ref_vector_free(m->s2, d);
  ddpm_ref_vector_free(m->ytil, d);
  ddpm_ref_vector_free(m->z, d);
  if (m->have_scalars) {
    mpfr_clears(m->zero, m->one, m->two, m->minus_two, m->half, m->quarter, m->two_pi,
                m->u_half, m->score_err, m->eta, (mpfr_ptr)0);
    mpfr_clears(m->m, m->v, m->dx, m->acc, m->tmp, m->lmax, m->total, m->r, m->f, m->p1, m->p2,
                m->s1, m->p3, (mpfr_ptr)0);
    mpfr_clears(m->U1, m->U2, m->radius, m->angle, m->w, m->beta_j, m->alpha_j, m->h, m->rt,
                m->rp, m->tau, m->t1, m->t2, m->t3, m->t4, m->ival, (mpfr_ptr)0);
  }
  free(m->row);
  if (m->have_files) ddpm_draw_files_close(&m->files);
  free(m);
}

/* Box-Muller's constants 2 pi and 2^-54, the format's when noise is in the
 * mask (events charged to step 0), if Philox draws are made at all: with
 * every draw replayed the fast path never meets them. */
static void noise_constants(ddpm_emu_sampler *m)
{
  ddpm_emu *c = m->c;
  const ddpm_draw_files *f = &m->files;
  int any_draw = 0;
  for (long long k = 0; k < m->K && !any_draw; k++) any_draw = m->plan[k].draw;
  int philox = !(f->have_x_init || (f->have_noise && f->noise_first == 0)) ||
               (any_draw && !f->have_noise);
  ddpm_emu_events *ev = c->ev;
  if (!philox) c->ev = NULL;
  mpfr_const_pi(m->two_pi, MPFR_RNDN);
  mpfr_mul_2ui(m->two_pi, m->two_pi, 1, MPFR_RNDN);
  ddpm_emu_set(c, NOISE, "2 pi", m->two_pi, m->two_pi);
  mpfr_set_ui_2exp(m->u_half, 1, -54, MPFR_RNDN);
  ddpm_emu_set(c, NOISE, "2^-54", m->u_half, m->u_half);
  c->ev = ev;
}

/* Constants: 0, 1, 2, -2, 1/2, 1/4 are exact in every format; the decimal
 * parameters of the sampler and --score-error. Charged to step 0. */
static void constants(ddpm_emu_sampler *m)
{
  ddpm_emu *c = m->c;
  mpfr_set_zero(m->zero, 1);
  mpfr_set_ui(m->one, 1, MPFR_RNDN);
  mpfr_set_ui(m->two, 2, MPFR_RNDN);
  mpfr_set_si(m->minus_two, -2, MPFR_RNDN);
  mpfr_set_ui_2exp(m->half, 1, -1, MPFR_RNDN);
  mpfr_set_ui_2exp(m->quarter, 1, -2, MPFR_RNDN);
  mpfr_set_zero(m->score_err, 1);
  if (m->run->score_error != DDPM_SCORE_EXACT)
    ddpm_emu_set_str(c, INPUT, "--score-error", m->score_err, m->run->score_error_text);
  mpfr_set_zero(m->eta, 1);
  if (m->run->sampler.kind == DDPM_SAMPLER_DDIM)
    ddpm_emu_set_str(c, INPUT, "eta", m->eta, m->run->sampler.text[DDPM_DDIM_ETA]);
}

int ddpm_emu_sampler_new(const ddpm_run *run, ddpm_emu *c, ddpm_emu_sampler **out,
                         ddpm_err *e)
{
  *out = NULL;
  if (run->steps > (long long)UINT32_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  ddpm_emu_sampler *m = calloc(1, sizeof *m);
  if (!m) return ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory");
  m->run = run;
  m->c = c;
  m->K = run->steps;
  m->d = run->d;
  m->n = run->n;
  m->row_r = -1;
  const mpfr_prec_t prec = c->prec;
  const size_t d = (size_t)run->d, nd = (size_t)run->n * (size_t)run->d;
  const long long saved_step = c->step;
  c->step = 0;

  mpfr_inits2(prec, m->zero, m->one, m->two, m->minus_two, m->half, m->quarter, m->two_pi,
              m->u_half, m->score_err, m->eta, (mpfr_ptr)0);
  mpfr_inits2(prec, m->m, m->v, m->dx, m->acc, m->tmp, m->lmax, m->total, m->r, m->f, m->p1,
              m->p2, m->s1, m->p3, (mpfr_ptr)0);
  mpfr_inits2(prec, m->U1, m->U2, m->radius, m->angle, m->w, m->beta_j, m->alpha_j, m->h,
              m->rt, m->rp, m->tau, m->t1, m->t2, m->t3, m->t4, (mpfr_ptr)0);
  mpfr_init2(m->ival, 64);
  m->have_scalars = 1;

  long long *ts = malloc((size_t)m->K * sizeof *ts), *ps = malloc((size_t)m->K * sizeof *ps);
  int rc = !ts || !ps ? ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory for the step plan")
                      : ddpm_run_timesteps(run, ts, ps, e);
  if (rc == DDPM_OK) rc = fast_path_check(run, ts, ps, e);
  if (rc == DDPM_OK) {
    m->s = ddpm_ref_vector_new(d, prec);
    m->s2 = ddpm_ref_vector_new(d, prec);
    m->ytil = ddpm_ref_vector_new(d, prec);
    m->z = ddpm_ref_vector_new(d, prec);
    m->plan = calloc((size_t)m->K, sizeof *m->plan);
    if (!m->s || !m->s2 || !m->ytil || !m->z || !m->plan)
      rc = ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory for the step plan");
  }
  if (rc == DDPM_OK && (rc = ddpm_draw_files_open(&m->files, run, e)) == DDPM_OK) {
    m->have_files = 1;
    if (m->files.have_noise || m->files.have_x_init) {
      m->row = malloc(nd * sizeof *m->row);
      if (!m->row) rc = ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory for one row of draws");
    }
  }
  if (rc == DDPM_OK) {
    constants(m);
    rc = target_init(m, e);
  }
  ddpm_ref_schedule sch;
  int have_sch = 0;
  if (rc == DDPM_OK && (rc = ddpm_emu_schedule_build(&run->schedule, c, &sch, e)) == DDPM_OK)
    have_sch = 1;
  if (rc == DDPM_OK) {
    c->step = 0;
    grid_init(m);
    for (long long k = 0; k < m->K && rc == DDPM_OK; k++) {
      emu_step *st = &m->plan[k];
      time_init(&st->at, prec);
      mpfr_inits2(prec, st->a, st->b, st->c, (mpfr_ptr)0);
      m->planned = k + 1;
      c->step = k + 1;
      rc = plan_step(m, &sch, ts[k], ps[k], st);
      if (rc != DDPM_OK) rc = ddpm_fail(e, rc, "audit: sampler kind %d not planned", run->sampler.kind);
    }
  }
  if (rc == DDPM_OK) {
    c->step = 0;
    noise_constants(m);
  }
  if (have_sch) ddpm_ref_schedule_free(&sch);
  free(ts);
  free(ps);
  c->step = saved_step;
  if (rc != DDPM_OK) {
    ddpm_emu_sampler_free(m);
    return rc;
  }
  *out = m;
  return DDPM_OK;
}

int ddpm_emu_initial(ddpm_emu_sampler *m, long long i, mpfr_t *y, ddpm_err *e)
{
  if (i < 0 || i >= m->n)
    return ddpm_fail(e, DDPM_EINTERNAL, "audit: sample %lld out of [0, %lld)", i, m->n);
  m->c->step = 0;
  return draws(m, i, 0, y, e);
}

int ddpm_emu_step(ddpm_emu_sampler *m, long long k, long long i, mpfr_t *y_in, mpfr_t *y_out,
                  ddpm_err *e)
{
  if (k < 1 || k > m->K || i < 0 || i >= m->n)
    return ddpm_fail(e, DDPM_EINTERNAL, "audit: step %lld of sample %lld out of range", k, i);
  const long long d = m->d;
  const emu_step *st = &m->plan[k - 1];
  m->c->step = k;
  score(m, &st->at, y_in, m->s);
  if (st->heun) {
    /* Ytilde = Euler predictor; Y_p = a2 Y + b2 s_t + (q Ytilde + q s_p(Ytilde)) */
    for (long long j = 0; j < d; j++)
      affine(m, m->ytil[j], st->a, y_in[j], st->b, m->s[j], m->zero, m->zero);
    score(m, &st->ap, m->ytil, m->s2);
    for (long long j = 0; j < d; j++) {
      affine(m, m->z[j], st->q, m->ytil[j], st->q, m->s2[j], m->zero, m->zero); /* corr */
      affine(m, y_out[j], st->a2, y_in[j], st->b2, m->s[j], st->c2, m->z[j]);
    }
    return DDPM_OK;
  }
  if (st->draw) {
    int rc = draws(m, i, k, m->z, e);
    if (rc != DDPM_OK) return rc;
    for (long long j = 0; j < d; j++)
      affine(m, y_out[j], st->a, y_in[j], st->b, m->s[j], st->c, m->z[j]);
  } else {
    for (long long j = 0; j < d; j++)
      affine(m, y_out[j], st->a, y_in[j], st->b, m->s[j], m->zero, m->zero);
  }
  return DDPM_OK;
}
