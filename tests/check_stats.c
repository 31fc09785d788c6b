/* check_stats.c: statistical tests of the fast path on Gaussian targets.
 *
 * With the exact score of N(mu, diag(s2)), every reverse step of every
 * sampler is affine in each coordinate (spec/maths.md section 4, "Exact laws
 * for Gaussian targets"): Y_p = A Y_t + B + C Z, so from Y_T ~ N(0, 1) the
 * output Y_0 is exactly Gaussian, with mean and variance given by the
 * recursion mean <- A mean + B, var <- A^2 var + C^2. This file computes that
 * law in MPFR at 256 bits, from the oracle's schedule (ddpm_ref_schedule_build)
 * and jumps (ddpm_ref_jump) and the formulas of maths.md section 4 as written
 * there (re-derived below, independently of fp/fp_coeffs.c and of the
 * oracle's sampler), and compares the sample mean and variance of n fast-path
 * samples (ddpm_fp_run) with it, coordinate by coordinate.
 *
 * Tolerances, from the sample size n alone (the law is exact to ~2^-240):
 *   |mean_hat - mu| <= Z sqrt(P/n),
 *   |var_hat - P|   <= Z P sqrt(2/(n - 1)),   var_hat with the 1/(n - 1) normalisation,
 * with Z = 5. For Gaussian samples mean_hat ~ N(mu, P/n) exactly, so a mean
 * check fails by chance with probability P(|N(0,1)| > 5) = 5.7e-7;
 * (n - 1) var_hat / P ~ chi2(n - 1), whose tails beyond 5 standard
 * deviations are 1.9e-7 (below) and 4.3e-7 (above) for n = 20000 (mpmath,
 * regularised incomplete gamma), 6.2e-7 in all. The suite makes 480 such
 * checks (26 cases x (3 + 6) coordinates of the two targets x 2, and 12 in
 * the power tests' right laws), so by Bonferroni the chance that a correct
 * fast path fails any of them is below 480 x 6.2e-7 = 3e-4 for a random
 * choice of seeds; with the
 * fixed seeds below the outcome is deterministic. (The draws are Philox +
 * Box-Muller, Gaussian up to the 53-bit discretisation of U, far below what
 * 20000 samples resolve.)
 *
 * Deterministic samplers (ddim:eta=0, liyan-ode, pf-euler, pf-heun) map the
 * initial draw affinely, Y_0 = A_tot Y_T + B_tot: their law is
 * N(B_tot, A_tot^2), still tested statistically through the initial draw.
 *
 * Since the draws are addressed, every sampler is also checked pathwise on
 * its first NPATH samples: the exact-score affine recursion replayed in
 * binary64 on the sample's own draws (for the deterministic samplers,
 * A_tot z + B_tot with z the initial draw) must match the fast path to
 * rounding (PATH_TOL). This catches coefficient errors, noise scales
 * included, far smaller than the few per cent the moments resolve.
 *
 * The power tests show the checks can fail: a law that is wrong by a known
 * amount (var=beta's law for var=posterior samples; the exact score's law for
 * samples drawn with a score bias) must be rejected with |z| > Z. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"

#define PREC 256
#define NSAMP 20000
#define ZMAX 5.0
/* Pathwise check (below) on the first NPATH samples: |y_fp - y_exact| <=
 * PATH_TOL times the magnitude of the terms. The fast path rounds a few
 * times per step, relative to the step's terms a y and b s, which cancel in
 * A = a + b g where 1/sqrt(alpha_j) is large (cosine's first jump, from
 * abar_40 ~ 1.5e-6): measured at most 4e-13 here. 2^-30 = 9.3e-10 leaves a
 * factor > 1000 and still catches any coefficient (noise scales included)
 * that is wrong beyond rounding, which the moments alone resolve only to a
 * few per cent. */
#define NPATH 2000
#define PATH_TOL 0x1p-30

typedef struct {
  const char *schedule, *sampler;
  long long steps; /* 0: T */
  int spacing;
  const char *score_error; /* NULL or --score-error's text */
} stat_case;

static const stat_case cases[] = {
  /* discrete samplers, every step of linear:T=50 */
  {"linear:T=50", "ddpm:var=beta", 0, 0, NULL},
  {"linear:T=50", "ddpm:var=posterior", 0, 0, NULL},
  {"linear:T=50", "ddpm:var=liyan", 0, 0, NULL},
  {"linear:T=50", "ddpm:var=beta,last_noise=yes", 0, 0, NULL},
  {"linear:T=50", "ddim:eta=0", 0, 0, NULL},
  {"linear:T=50", "ddim:eta=0.5", 0, 0, NULL},
  {"linear:T=50", "ddim:eta=1", 0, 0, NULL},
  {"linear:T=50", "liyan-ode", 0, 0, NULL},
  /* the same on cosine:T=40 with 10 trailing steps (jumps over several t) */
  {"cosine:T=40", "ddpm:var=beta", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddpm:var=posterior", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddpm:var=liyan", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddpm:var=beta,last_noise=yes", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddim:eta=0", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddim:eta=0.5", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "ddim:eta=1", 10, DDPM_SPACING_TRAILING, NULL},
  {"cosine:T=40", "liyan-ode", 10, DDPM_SPACING_TRAILING, NULL},
  /* continuous-time samplers on their grids */
  {"vp:T=50", "vp-em", 0, 0, NULL},
  {"vp:T=50", "vp-ei", 0, 0, NULL},
  {"vp:T=50", "pf-euler", 0, 0, NULL},
  {"vp:T=50", "pf-heun", 0, 0, NULL},
  {"ou:T=50,horizon=4", "ou-em", 0, 0, NULL},
  {"vp:T=50", "pf-heun", 10, DDPM_SPACING_TRAILING, NULL},
  {"vp:T=50", "vp-ei:last_noise=yes", 10, DDPM_SPACING_LINSPACE, NULL},
  {"ou:T=50,horizon=4", "ou-em:last_noise=yes", 0, 0, NULL},
  /* --score-error: the law of the perturbed score */
  {"linear:T=50", "ddpm:var=beta", 0, 0, "bias=0.1"},
  {"cosine:T=40", "ddim:eta=0.5", 10, DDPM_SPACING_TRAILING, "rel=-0.2"},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

/* Targets: isotropic from the spec string, and a non-isotropic JSON Gaussian
 * (one component, d = 6, variances from 1e-3 to 4, a mean of 25). */
static const char *const targets[] = {
  "gauss:d=3,mean=1.5,var=0.25",
  "gauss:tests/data/mixtures/gauss_one.json",
};
#define NTARGETS ((int)(sizeof targets / sizeof targets[0]))

static void make_run(const stat_case *c, const char *target, const char *sampler,
                     unsigned long long seed, ddpm_run *run)
{
  ddpm_err e = {{0}};
  memset(run, 0, sizeof *run);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, c->schedule, &run->schedule, &e) == 0,
                "%s", e.msg);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_TARGET, target, &run->target, &e) == 0, "%s",
                e.msg);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SAMPLER, sampler, &run->sampler, &e) == 0, "%s",
                e.msg);
  if (c->score_error)
    ck_assert_msg(ddpm_score_error_parse(c->score_error, run, &e) == DDPM_OK, "%s", e.msg);
  run->n = NSAMP;
  run->seed = seed;
  run->d = ddpm_target_dim(&run->target);
  run->steps = c->steps ? c->steps : ddpm_schedule_T(&run->schedule);
  run->spacing = c->spacing;
  ck_assert_msg(ddpm_run_check(run, &e) == DDPM_OK, "%s", e.msg);
}

/* ---- the exact law, MPFR at PREC bits ---------------------------------- */

typedef struct {
  long long d;
  double *mean, *var; /* law of each output coordinate */
  double *A, *B;      /* Y_0 = A Y_T + B + (noise terms) */
  int noisy;          /* some step adds noise */
  long long K;        /* steps: Y_p = Ak Y_t + Bk + ck Z_k, per coordinate */
  double *Ak, *Bk;    /* K x d, rounded to double */
  double *ck;         /* K (the same for every coordinate) */
} exact_law;

static void law_free(exact_law *L)
{
  free(L->mean);
  free(L->var);
  free(L->A);
  free(L->B);
  free(L->Ak);
  free(L->Bk);
  free(L->ck);
}

/* The grid of vp and ou (maths.md section 2), from the schedule's decimal
 * text: tau_0 = 0, tau_k = eps + (end - eps)(k - 1)/(T - 1); r(tau) = rate0 +
 * slope tau (vp: beta_min + (beta_max - beta_min) tau; ou: 2). */
typedef struct {
  long long T;
  mpfr_t eps, end, rate0, slope;
} grid;

static void grid_init(const ddpm_spec *sch, grid *g)
{
  mpfr_inits2(PREC, g->eps, g->end, g->rate0, g->slope, (mpfr_ptr)0);
  g->T = ddpm_schedule_T(sch);
  if (sch->kind == DDPM_SCHEDULE_VP) {
    mpfr_set_str(g->eps, sch->text[DDPM_VP_EPS], 10, MPFR_RNDN);
    mpfr_set_ui(g->end, 1, MPFR_RNDN);
    mpfr_set_str(g->rate0, sch->text[DDPM_VP_BETA_MIN], 10, MPFR_RNDN);
    mpfr_set_str(g->slope, sch->text[DDPM_VP_BETA_MAX], 10, MPFR_RNDN);
    mpfr_sub(g->slope, g->slope, g->rate0, MPFR_RNDN);
  } else {
    ck_assert_int_eq(sch->kind, DDPM_SCHEDULE_OU);
    mpfr_set_str(g->eps, sch->text[DDPM_OU_EPS], 10, MPFR_RNDN);
    mpfr_set_str(g->end, sch->text[DDPM_OU_HORIZON], 10, MPFR_RNDN);
    mpfr_set_ui(g->rate0, 2, MPFR_RNDN);
    mpfr_set_ui(g->slope, 0, MPFR_RNDN);
  }
}

static void grid_clear(grid *g) { mpfr_clears(g->eps, g->end, g->rate0, g->slope, (mpfr_ptr)0); }

static void grid_tau(mpfr_t tau, const grid *g, long long k)
{
  if (k == 0) {
    mpfr_set_ui(tau, 0, MPFR_RNDN);
    return;
  }
  mpfr_sub(tau, g->end, g->eps, MPFR_RNDN);
  mpfr_mul_si(tau, tau, (long)(k - 1), MPFR_RNDN);
  mpfr_div_si(tau, tau, (long)(g->T - 1), MPFR_RNDN);
  mpfr_add(tau, tau, g->eps, MPFR_RNDN);
}

static void grid_rate(mpfr_t r, const grid *g, mpfr_srcptr tau)
{
  mpfr_mul(r, g->slope, tau, MPFR_RNDN);
  mpfr_add(r, r, g->rate0, MPFR_RNDN);
}

/* Per-coordinate score at time t as an affine function of y:
 * s = g y + h with g = -(1 + R)/v, h = (1 + R) m/v + Bias, where
 * m = sqrt(abar_t) mu, v = abar_t s2 + (1 - abar_t) (maths.md section 3). */
typedef struct {
  mpfr_t R1, bias; /* 1 + R (1 without rel=) and B (0 without bias=) */
  mpfr_t m, v;
} score_ctx;

static void score_affine(score_ctx *sc, const ddpm_ref_schedule *sch, long long t,
                         mpfr_srcptr mu, mpfr_srcptr s2, mpfr_t g, mpfr_t h)
{
  mpfr_mul(sc->m, sch->sqrt_abar[t], mu, MPFR_RNDN);
  mpfr_mul(sc->v, sch->abar[t], s2, MPFR_RNDN);
  mpfr_add(sc->v, sc->v, sch->oma[t], MPFR_RNDN);
  mpfr_div(g, sc->R1, sc->v, MPFR_RNDN);
  mpfr_mul(h, g, sc->m, MPFR_RNDN);
  mpfr_add(h, h, sc->bias, MPFR_RNDN);
  mpfr_neg(g, g, MPFR_RNDN);
}

/* The exact law of the fast path's output for a run on a one-component
 * Gaussian target (ref target's mean and var, read from their decimal text). */
static void compute_law(const ddpm_run *run, exact_law *L)
{
  ddpm_err e = {{0}};
  ddpm_ref_schedule sch;
  ddpm_ref_target tg;
  ck_assert_msg(ddpm_ref_schedule_build(&run->schedule, PREC, &sch, &e) == DDPM_OK, "%s",
                e.msg);
  ck_assert_msg(ddpm_ref_target_init(&run->target, PREC, &tg, &e) == DDPM_OK, "%s", e.msg);
  ck_assert_int_eq(tg.K, 1);
  const long long d = tg.d, K = run->steps;
  const ddpm_spec *sp = &run->sampler;
  const int continuous = ddpm_sampler_is_continuous(sp);
  long long *ts = malloc((size_t)K * sizeof *ts), *ps = malloc((size_t)K * sizeof *ps);
  ck_assert_ptr_nonnull(ts);
  ck_assert_ptr_nonnull(ps);
  ck_assert_int_eq(ddpm_run_timesteps(run, ts, ps, &e), DDPM_OK);

  grid gr;
  if (continuous) grid_init(&run->schedule, &gr);
  score_ctx sc;
  mpfr_inits2(PREC, sc.R1, sc.bias, sc.m, sc.v, (mpfr_ptr)0);
  mpfr_set_ui(sc.R1, 1, MPFR_RNDN);
  mpfr_set_ui(sc.bias, 0, MPFR_RNDN);
  if (run->score_error == DDPM_SCORE_BIAS) {
    mpfr_set_str(sc.bias, run->score_error_text, 10, MPFR_RNDN);
  } else if (run->score_error == DDPM_SCORE_REL) {
    mpfr_set_str(sc.R1, run->score_error_text, 10, MPFR_RNDN);
    mpfr_add_ui(sc.R1, sc.R1, 1, MPFR_RNDN);
  }

  mpfr_t *mean = malloc((size_t)d * sizeof *mean), *var = malloc((size_t)d * sizeof *var);
  mpfr_t *At = malloc((size_t)d * sizeof *At), *Bt = malloc((size_t)d * sizeof *Bt);
  ck_assert(mean && var && At && Bt);
  for (long long j = 0; j < d; j++) { /* Y_T ~ N(0, 1): the affine map is the identity */
    mpfr_inits2(PREC, mean[j], var[j], At[j], Bt[j], (mpfr_ptr)0);
    mpfr_set_ui(mean[j], 0, MPFR_RNDN);
    mpfr_set_ui(var[j], 1, MPFR_RNDN);
    mpfr_set_ui(At[j], 1, MPFR_RNDN);
    mpfr_set_ui(Bt[j], 0, MPFR_RNDN);
  }
  mpfr_t beta_j, alpha_j, btilde_j, sa, a, b, c, h, r_t, r_p, tau, eta, u, w;
  mpfr_t g1, h1, g2, h2, A, B, P1, P0;
  mpfr_inits2(PREC, beta_j, alpha_j, btilde_j, sa, a, b, c, h, r_t, r_p, tau, eta, u, w, g1, h1,
              g2, h2, A, B, P1, P0, (mpfr_ptr)0);
  L->noisy = 0;
  L->K = K;
  L->Ak = malloc((size_t)(K * d) * sizeof *L->Ak);
  L->Bk = malloc((size_t)(K * d) * sizeof *L->Bk);
  L->ck = malloc((size_t)K * sizeof *L->ck);
  ck_assert(L->Ak && L->Bk && L->ck);
  for (long long k = 0; k < K; k++) {
    const long long t = ts[k], p = ps[k];
    const int noise = p > 0 || ddpm_sampler_last_noise(sp);
    ddpm_ref_jump(&sch, t, p, beta_j, alpha_j);
    mpfr_sqrt(sa, alpha_j, MPFR_RNDN);
    mpfr_mul(btilde_j, beta_j, sch.oma[p], MPFR_RNDN); /* beta_j (1 - abar_p)/(1 - abar_t) */
    mpfr_div(btilde_j, btilde_j, sch.oma[t], MPFR_RNDN);
    if (continuous) {
      grid_tau(tau, &gr, t);
      grid_rate(r_t, &gr, tau);
      grid_tau(h, &gr, p);
      grid_rate(r_p, &gr, h);
      mpfr_sub(h, tau, h, MPFR_RNDN); /* h = tau_t - tau_p */
    }
    /* Y_p = a Y_t + b s + c Z, literally as maths.md section 4 writes each sampler */
    mpfr_set_ui(c, 0, MPFR_RNDN);
    switch (sp->kind) {
    case DDPM_SAMPLER_DDPM: /* (Y + beta_j s)/sqrt(alpha_j) + sigma Z */
      mpfr_ui_div(a, 1, sa, MPFR_RNDN);
      mpfr_div(b, beta_j, sa, MPFR_RNDN);
      if (noise) {
        switch (sp->word[DDPM_DDPM_VAR]) {
        case DDPM_DDPM_VAR_BETA: mpfr_sqrt(c, beta_j, MPFR_RNDN); break;
        case DDPM_DDPM_VAR_POSTERIOR: mpfr_sqrt(c, btilde_j, MPFR_RNDN); break;
        default: /* liyan: (Y + beta_j s + sqrt(beta_j) Z)/sqrt(alpha_j) */
          mpfr_sqrt(c, beta_j, MPFR_RNDN);
          mpfr_div(c, c, sa, MPFR_RNDN);
          break;
        }
      }
      break;
    case DDPM_SAMPLER_DDIM:
      /* sqrt(abar_p) (Y + (1 - abar_t) s)/sqrt(abar_t) - sqrt(1 - abar_p - sigma^2)
       * sqrt(1 - abar_t) s + sigma Z, sigma = eta sqrt(betatilde_j) */
      mpfr_set_str(eta, sp->text[DDPM_DDIM_ETA], 10, MPFR_RNDN);
      mpfr_sqrt(c, btilde_j, MPFR_RNDN);
      mpfr_mul(c, c, eta, MPFR_RNDN);
      mpfr_div(a, sch.sqrt_abar[p], sch.sqrt_abar[t], MPFR_RNDN);
      mpfr_mul(b, a, sch.oma[t], MPFR_RNDN);
      mpfr_sqr(u, c, MPFR_RNDN);
      mpfr_sub(u, sch.oma[p], u, MPFR_RNDN);
      ck_assert(mpfr_sgn(u) >= 0);
      mpfr_sqrt(u, u, MPFR_RNDN);
      mpfr_mul(u, u, sch.sqrt_oma[t], MPFR_RNDN);
      mpfr_sub(b, b, u, MPFR_RNDN);
      break;
    case DDPM_SAMPLER_LIYAN_ODE: /* (Y + beta_j s/2)/sqrt(alpha_j) */
      mpfr_ui_div(a, 1, sa, MPFR_RNDN);
      mpfr_div(b, beta_j, sa, MPFR_RNDN);
      mpfr_div_2ui(b, b, 1, MPFR_RNDN);
      break;
    case DDPM_SAMPLER_VP_EM:
    case DDPM_SAMPLER_OU_EM: /* Y + h (r/2 Y + r s) + sqrt(r h) Z */
      mpfr_mul(b, h, r_t, MPFR_RNDN);
      mpfr_div_2ui(a, b, 1, MPFR_RNDN);
      mpfr_add_ui(a, a, 1, MPFR_RNDN);
      if (noise) mpfr_sqrt(c, b, MPFR_RNDN);
      break;
    case DDPM_SAMPLER_VP_EI:
      /* Y/sqrt(alpha_j) + 2 (1/sqrt(alpha_j) - 1) s + sqrt(beta_j/alpha_j) Z */
      mpfr_ui_div(a, 1, sa, MPFR_RNDN);
      mpfr_sub_ui(b, a, 1, MPFR_RNDN);
      mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
      if (noise) {
        mpfr_div(c, beta_j, alpha_j, MPFR_RNDN);
        mpfr_sqrt(c, c, MPFR_RNDN);
      }
      break;
    case DDPM_SAMPLER_PF_EULER:
    case DDPM_SAMPLER_PF_HEUN: /* Euler: Y + h r/2 (Y + s) */
      mpfr_mul(b, h, r_t, MPFR_RNDN);
      mpfr_div_2ui(b, b, 1, MPFR_RNDN);
      mpfr_add_ui(a, b, 1, MPFR_RNDN);
      break;
    default: ck_abort_msg("unknown sampler kind %d", sp->kind);
    }
    if (!mpfr_zero_p(c)) L->noisy = 1;
    L->ck[k] = mpfr_get_d(c, MPFR_RNDN);
    const int heun = sp->kind == DDPM_SAMPLER_PF_HEUN && p > 0;
    for (long long j = 0; j < d; j++) {
      score_affine(&sc, &sch, t, tg.mean[j], tg.var[j], g1, h1); /* s_t(y) = g1 y + h1 */
      if (!heun) { /* A = a + b g1, B = b h1 */
        mpfr_mul(A, b, g1, MPFR_RNDN);
        mpfr_add(A, A, a, MPFR_RNDN);
        mpfr_mul(B, b, h1, MPFR_RNDN);
      } else {
        /* f(y, tau) = r/2 (y + s(y)); Ytilde = Y + h f(Y, tau_t) = P1 Y + P0;
         * Y_p = Y + h/2 (f(Y, tau_t) + f(Ytilde, tau_p)) */
        score_affine(&sc, &sch, p, tg.mean[j], tg.var[j], g2, h2); /* s_p(y) = g2 y + h2 */
        mpfr_add_ui(u, g1, 1, MPFR_RNDN); /* f1 = r_t/2 ((1 + g1) Y + h1) */
        mpfr_mul(u, u, r_t, MPFR_RNDN);
        mpfr_div_2ui(u, u, 1, MPFR_RNDN); /* u: f1's slope */
        mpfr_mul(w, h1, r_t, MPFR_RNDN);
        mpfr_div_2ui(w, w, 1, MPFR_RNDN); /* w: f1's constant */
        mpfr_mul(P1, h, u, MPFR_RNDN);
        mpfr_add_ui(P1, P1, 1, MPFR_RNDN);
        mpfr_mul(P0, h, w, MPFR_RNDN);
        /* f2 = r_p/2 ((1 + g2) Ytilde + h2) = r_p/2 ((1 + g2) P1 Y + (1 + g2) P0 + h2) */
        mpfr_add_ui(g2, g2, 1, MPFR_RNDN);
        mpfr_mul(A, g2, P1, MPFR_RNDN);
        mpfr_mul(A, A, r_p, MPFR_RNDN);
        mpfr_div_2ui(A, A, 1, MPFR_RNDN); /* f2's slope */
        mpfr_mul(B, g2, P0, MPFR_RNDN);
        mpfr_add(B, B, h2, MPFR_RNDN);
        mpfr_mul(B, B, r_p, MPFR_RNDN);
        mpfr_div_2ui(B, B, 1, MPFR_RNDN); /* f2's constant */
        mpfr_add(A, A, u, MPFR_RNDN);     /* A = 1 + h/2 (slopes) */
        mpfr_mul(A, A, h, MPFR_RNDN);
        mpfr_div_2ui(A, A, 1, MPFR_RNDN);
        mpfr_add_ui(A, A, 1, MPFR_RNDN);
        mpfr_add(B, B, w, MPFR_RNDN);     /* B = h/2 (constants) */
        mpfr_mul(B, B, h, MPFR_RNDN);
        mpfr_div_2ui(B, B, 1, MPFR_RNDN);
      }
      L->Ak[k * d + j] = mpfr_get_d(A, MPFR_RNDN);
      L->Bk[k * d + j] = mpfr_get_d(B, MPFR_RNDN);
      /* mean <- A mean + B, var <- A^2 var + c^2; (At, Bt) <- A (At, Bt) + (0, B) */
      mpfr_mul(mean[j], mean[j], A, MPFR_RNDN);
      mpfr_add(mean[j], mean[j], B, MPFR_RNDN);
      mpfr_mul(var[j], var[j], A, MPFR_RNDN);
      mpfr_mul(var[j], var[j], A, MPFR_RNDN);
      mpfr_sqr(u, c, MPFR_RNDN);
      mpfr_add(var[j], var[j], u, MPFR_RNDN);
      mpfr_mul(At[j], At[j], A, MPFR_RNDN);
      mpfr_mul(Bt[j], Bt[j], A, MPFR_RNDN);
      mpfr_add(Bt[j], Bt[j], B, MPFR_RNDN);
    }
  }
  L->d = d;
  L->mean = malloc((size_t)d * sizeof *L->mean);
  L->var = malloc((size_t)d * sizeof *L->var);
  L->A = malloc((size_t)d * sizeof *L->A);
  L->B = malloc((size_t)d * sizeof *L->B);
  ck_assert(L->mean && L->var && L->A && L->B);
  for (long long j = 0; j < d; j++) {
    L->mean[j] = mpfr_get_d(mean[j], MPFR_RNDN);
    L->var[j] = mpfr_get_d(var[j], MPFR_RNDN);
    L->A[j] = mpfr_get_d(At[j], MPFR_RNDN);
    L->B[j] = mpfr_get_d(Bt[j], MPFR_RNDN);
    mpfr_clears(mean[j], var[j], At[j], Bt[j], (mpfr_ptr)0);
  }
  mpfr_clears(beta_j, alpha_j, btilde_j, sa, a, b, c, h, r_t, r_p, tau, eta, u, w, g1, h1, g2,
              h2, A, B, P1, P0, (mpfr_ptr)0);
  mpfr_clears(sc.R1, sc.bias, sc.m, sc.v, (mpfr_ptr)0);
  if (continuous) grid_clear(&gr);
  free(mean);
  free(var);
  free(At);
  free(Bt);
  free(ts);
  free(ps);
  ddpm_ref_target_clear(&tg);
  ddpm_ref_schedule_free(&sch);
  mpfr_free_cache();
}

/* ---- sample moments and z-scores ---------------------------------------- */

typedef struct {
  double zmean, zvar; /* largest |z| over the coordinates */
  long long jmean, jvar;
} zscores;

/* Sample mean and variance (1/(n - 1)) of coordinate j, two passes. */
static void moments(const double *y, long long n, long long d, long long j, double *m,
                    double *v)
{
  double s = 0;
  for (long long i = 0; i < n; i++) s += y[i * d + j];
  *m = s / (double)n;
  double q = 0;
  for (long long i = 0; i < n; i++) {
    double dv = y[i * d + j] - *m;
    q += dv * dv;
  }
  *v = q / (double)(n - 1);
}

static zscores z_against(const double *y, long long n, const exact_law *L, const char *what,
                         int verbose)
{
  zscores z = {0, 0, 0, 0};
  for (long long j = 0; j < L->d; j++) {
    double m, v, P = L->var[j];
    moments(y, n, L->d, j, &m, &v);
    double zm = (m - L->mean[j]) / sqrt(P / (double)n);
    double zv = (v - P) / (P * sqrt(2.0 / (double)(n - 1)));
    if (verbose)
      printf("  %s j=%lld: mean %.6g (exact %.6g, z %+.2f), var %.6g (exact %.6g, z %+.2f)\n",
             what, j, m, L->mean[j], zm, v, P, zv);
    if (fabs(zm) > z.zmean) z.zmean = fabs(zm), z.jmean = j;
    if (fabs(zv) > z.zvar) z.zvar = fabs(zv), z.jvar = j;
  }
  return z;
}

static double *sample(const ddpm_run *run)
{
  double *y = malloc((size_t)(run->n * run->d) * sizeof *y);
  ck_assert_ptr_nonnull(y);
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_fp_run(run, 1, NULL, y, &e) == DDPM_OK, "%s", e.msg);
  return y;
}

/* Pathwise: the first NPATH samples replayed through the exact-score affine
 * recursion Y_p = Ak Y_t + Bk + ck Z_k in binary64, with the same draws
 * (r = 0 the initial state, r = k the k-th step's, drawn only where ck != 0,
 * as the fast path does), must agree with the fast path's output to
 * PATH_TOL relative to the magnitude |Ak||Y_t| + |Bk| + |ck Z_k| carried
 * along. For the deterministic samplers this is Y_0 = A_tot Y_T + B_tot.
 * Returns the largest relative deviation. */
static double pathwise(const ddpm_run *run, const exact_law *L, const double *y,
                       const stat_case *c, const char *target, int icase)
{
  const long long d = L->d, n = run->n < NPATH ? run->n : NPATH;
  double *yy = malloc((size_t)d * sizeof *yy), *mag = malloc((size_t)d * sizeof *mag);
  double *z = malloc((size_t)d * sizeof *z), worst = 0;
  ck_assert(yy && mag && z);
  for (long long i = 0; i < n; i++) {
    ddpm_fp_gaussians(run->seed, (uint64_t)i, 0, d, yy);
    for (long long j = 0; j < d; j++) mag[j] = fabs(yy[j]);
    for (long long k = 0; k < L->K; k++) {
      const double ck = L->ck[k];
      if (ck != 0.0) ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)(k + 1), d, z);
      for (long long j = 0; j < d; j++) {
        double A = L->Ak[k * d + j], B = L->Bk[k * d + j], nz = ck != 0.0 ? ck * z[j] : 0.0;
        yy[j] = A * yy[j] + B + nz;
        mag[j] = fabs(A) * mag[j] + fabs(B) + fabs(nz);
      }
    }
    for (long long j = 0; j < d; j++) {
      double rel = fabs(y[i * d + j] - yy[j]) / mag[j];
      ck_assert_msg(rel <= PATH_TOL,
                    "case %d (%s, %s, %s) sample %lld coord %lld: fp %.17g, exact-score affine "
                    "recursion on the same draws %.17g (relative %.3g)",
                    icase, c->schedule, c->sampler, target, i, j, y[i * d + j], yy[j], rel);
      if (rel > worst) worst = rel;
    }
  }
  free(yy);
  free(mag);
  free(z);
  return worst;
}

START_TEST(fp_moments_match_exact_law)
{
  const stat_case *c = &cases[_i / NTARGETS];
  const char *target = targets[_i % NTARGETS];
  ddpm_run run;
  make_run(c, target, c->sampler, 20250000ULL + (unsigned long long)_i, &run);
  exact_law L;
  compute_law(&run, &L);
  double *y = sample(&run);
  const long long n = run.n, d = run.d;
  for (long long j = 0; j < d; j++) {
    ck_assert(isfinite(L.mean[j]) && isfinite(L.var[j]) && L.var[j] > 0);
    if (!L.noisy) /* deterministic: N(B_tot, A_tot^2) */
      ck_assert_msg(fabs(L.var[j] - L.A[j] * L.A[j]) <= 1e-14 * L.var[j],
                    "var %.17g != A_tot^2 %.17g", L.var[j], L.A[j] * L.A[j]);
  }
  zscores z = z_against(y, n, &L, "", 0);
  double path = pathwise(&run, &L, y, c, target, _i);
  printf("stats case %2d %-18s %-30s %-10s %-40s |z_mean| %.2f |z_var| %.2f pathwise %.2g\n",
         _i, c->schedule, c->sampler, c->score_error ? c->score_error : "",
         target, z.zmean, z.zvar, path);
  fflush(stdout);
  if (z.zmean > ZMAX || z.zvar > ZMAX) z_against(y, n, &L, "detail", 1);
  ck_assert_msg(z.zmean <= ZMAX,
                "case %d (%s, %s, %s): coordinate %lld: sample mean off the exact law by "
                "%.2f standard errors (> %.0f)",
                _i, c->schedule, c->sampler, target, z.jmean, z.zmean, ZMAX);
  ck_assert_msg(z.zvar <= ZMAX,
                "case %d (%s, %s, %s): coordinate %lld: sample variance off the exact law by "
                "%.2f standard errors (> %.0f)",
                _i, c->schedule, c->sampler, target, z.jvar, z.zvar, ZMAX);
  law_free(&L);
  free(y);
}
END_TEST

/* Power: var=posterior samples against var=beta's law on a short schedule,
 * where the two laws' variances differ by many standard errors; the right
 * law passes on the same samples. */
START_TEST(power_wrong_variance_rejected)
{
  const stat_case c = {"linear:T=10,beta_min=0.01,beta_max=0.2", "ddpm:var=posterior", 0, 0,
                       NULL};
  ddpm_run run, wrong;
  make_run(&c, targets[0], c.sampler, 777, &run);
  make_run(&c, targets[0], "ddpm:var=beta", 777, &wrong);
  exact_law L, W;
  compute_law(&run, &L);
  compute_law(&wrong, &W);
  double *y = sample(&run);
  zscores zr = z_against(y, run.n, &L, "right", 0), zw = z_against(y, run.n, &W, "wrong", 0);
  printf("power (variance): right law |z_mean| %.2f |z_var| %.2f; var=beta's law |z_var| %.1f "
         "(exact variances %.6g vs %.6g)\n",
         zr.zmean, zr.zvar, zw.zvar, L.var[0], W.var[0]);
  fflush(stdout);
  ck_assert_msg(zr.zmean <= ZMAX && zr.zvar <= ZMAX, "right law rejected: %.2f %.2f",
                zr.zmean, zr.zvar);
  ck_assert_msg(zw.zvar > ZMAX, "wrong law not rejected: |z_var| = %.2f", zw.zvar);
  law_free(&L);
  law_free(&W);
  free(y);
}
END_TEST

/* Power: samples drawn with --score-error bias=0.2 against the exact
 * score's law (the mean moves by a known amount); the right law passes. */
START_TEST(power_wrong_mean_rejected)
{
  const stat_case cb = {"linear:T=50", "ddpm:var=beta", 0, 0, "bias=0.2"};
  const stat_case c0 = {"linear:T=50", "ddpm:var=beta", 0, 0, NULL};
  ddpm_run run, wrong;
  make_run(&cb, targets[0], cb.sampler, 778, &run);
  make_run(&c0, targets[0], c0.sampler, 778, &wrong);
  exact_law L, W;
  compute_law(&run, &L);
  compute_law(&wrong, &W);
  double *y = sample(&run);
  zscores zr = z_against(y, run.n, &L, "right", 0), zw = z_against(y, run.n, &W, "wrong", 0);
  printf("power (mean): right law |z_mean| %.2f |z_var| %.2f; exact score's law |z_mean| %.1f "
         "(exact means %.6g vs %.6g)\n",
         zr.zmean, zr.zvar, zw.zmean, L.mean[0], W.mean[0]);
  fflush(stdout);
  ck_assert_msg(zr.zmean <= ZMAX && zr.zvar <= ZMAX, "right law rejected: %.2f %.2f",
                zr.zmean, zr.zvar);
  ck_assert_msg(zw.zmean > ZMAX, "wrong law not rejected: |z_mean| = %.2f", zw.zmean);
  law_free(&L);
  law_free(&W);
  free(y);
}
END_TEST

Suite *stats_suite(void)
{
  Suite *s = suite_create("stats");
  TCase *tc = tcase_create("gauss-moments");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, fp_moments_match_exact_law, 0, NCASES * NTARGETS);
  tcase_add_test(tc, power_wrong_variance_rejected);
  tcase_add_test(tc, power_wrong_mean_rejected);
  suite_add_tcase(s, tc);
  return s;
}
