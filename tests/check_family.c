/* check_family.c: every sampler, on a diagonal Gaussian and a two-component
 * mixture, on two schedules each, in both engines.
 *  - the oracle against the independent mpmath program tests/oracle/
 *    samplers.py: every value of the trajectory rounded to the same double;
 *  - the fast path against the oracle within a running error bound derived
 *    below (spec/maths.md section 7, "Every sampler"): per step, the local
 *    rounding error of the affine update from the coefficients' measured
 *    relative errors, the score's a-priori error and the draw's bound, plus
 *    the earlier error carried by the step's Jacobian. First order: local
 *    errors padded by 1%, the carried error by 2^-20;
 *  - the fast path's coefficients within 4 max(rho of their inputs) + 16u of
 *    the exact ones (maths.md section 4's table, computed here in MPFR from
 *    the literal formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_mixture.h"
#include "ddpm_philox.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"
#include "fp_error_bound.h"
#include "run_util.h"
#include "test_npy.h"

#define U 0x1p-53
#define PREC 256
#define GAUSS "gauss:tests/data/mixtures/gauss_diag.json"
#define GMM "gmm:tests/data/mixtures/design_example.json"
#define D_MAX 8

typedef struct {
  const char *sampler, *schedule, *target;
  long long steps; /* 0: T */
  int spacing;
  long long offset;
  const char *score_error; /* NULL: exact score */
} family_case;

#define DISCRETE(s)                                                                   \
  {s, "linear:T=40", GAUSS, 0, 0, 0, NULL}, {s, "linear:T=40", GMM, 0, 0, 0, NULL},   \
  {s, "cosine:T=100", GAUSS, 12, DDPM_SPACING_TRAILING, 0, NULL},                     \
  {s, "cosine:T=100", GMM, 12, DDPM_SPACING_TRAILING, 0, NULL}
#define CONTINUOUS(s)                                                                 \
  {s, "vp:T=40", GAUSS, 0, 0, 0, NULL}, {s, "vp:T=40", GMM, 0, 0, 0, NULL},           \
  {s, "ou:T=100,horizon=3", GAUSS, 15, DDPM_SPACING_LINSPACE, 0, NULL},               \
  {s, "ou:T=100,horizon=3", GMM, 15, DDPM_SPACING_LINSPACE, 0, NULL}

static const family_case cases[] = {
  DISCRETE("ddpm:var=beta"), DISCRETE("ddpm:var=posterior"), DISCRETE("ddpm:var=liyan"),
  DISCRETE("ddpm:var=beta,last_noise=yes"), DISCRETE("ddim:eta=0"), DISCRETE("ddim:eta=1"),
  DISCRETE("ddim:eta=0.3"), DISCRETE("liyan-ode"),
  CONTINUOUS("vp-em"), CONTINUOUS("vp-ei:last_noise=yes"), CONTINUOUS("pf-euler"),
  CONTINUOUS("pf-heun"),
  {"ou-em", "ou:T=40", GAUSS, 0, 0, 0, NULL},
  {"ou-em", "ou:T=40", GMM, 0, 0, 0, NULL},
  {"ou-em", "ou:T=100,horizon=3,eps=0.01", GMM, 20, DDPM_SPACING_LEADING, 1, NULL},
  {"ddpm:var=posterior", "li-yan:T=200", GMM, 10, DDPM_SPACING_LINSPACE, 0, "bias=0.01"},
  {"ddim:eta=0.5", "linear:T=40", GMM, 0, 0, 0, "rel=-0.05"},
  {"pf-heun", "vp:T=40", GMM, 0, 0, 0, "rel=0.02"},
  /* ddpm on isotropic Gaussians over every discrete schedule kind */
  {"ddpm", "linear:T=200,beta_min=0.0005,beta_max=0.05", "gauss:d=5,mean=-0.5,var=0.25", 0, 0,
   0, NULL},
  {"ddpm", "linear:T=20,beta_min=0.001,beta_max=0.2", "gauss:d=1,mean=3,var=0.001", 0, 0, 0,
   NULL},
  {"ddpm", "linear", "gauss:d=2,mean=1,var=4", 0, 0, 0, NULL},
  {"ddpm", "cosine", "gauss:d=2,mean=2,var=0.5", 50, DDPM_SPACING_TRAILING, 0, NULL},
  {"ddpm", "lcw", "gauss:d=3,mean=-1,var=2", 10, DDPM_SPACING_LINSPACE, 0, NULL},
  {"ddpm", "li-yan", "gauss:d=1,mean=0.5,var=9", 20, DDPM_SPACING_LEADING, 1, NULL},
  {"ddpm", "scaled-linear:T=500", "gauss:d=2,mean=1,var=1", 37, DDPM_SPACING_TRAILING, 0,
   NULL},
  {"ddpm", "file:tests/data/betas_small.txt", "gauss:d=4,mean=1,var=0.1", 0, 0, 0, NULL},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

static void make_case(const family_case *c, ddpm_run *run)
{
  ddpm_err e = {{0}};
  test_make_run(run, c->schedule, c->target, c->sampler, 2, 1000 + (unsigned long long)c->steps,
                c->steps, c->spacing, c->offset);
  if (c->score_error)
    ck_assert_msg(ddpm_score_error_parse(c->score_error, run, &e) == DDPM_OK, "%s", e.msg);
}

START_TEST(oracle_equals_mpmath)
{
  const family_case *c = &cases[_i];
  ddpm_run run;
  make_case(c, &run);
  char dir[64], cmd[2048], path[128], shape[64], extra[256] = "", target[256];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/mp.npy", dir);
  if (c->steps)
    snprintf(extra, sizeof extra, "--steps %lld --spacing %s --offset %lld", c->steps,
             ddpm_spacing_name(c->spacing), c->offset);
  if (c->score_error)
    snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " --score-error %s",
             c->score_error);
  snprintf(target, sizeof target, "--target %s", c->target);
  snprintf(cmd, sizeof cmd,
           "%s tests/oracle/samplers.py --schedule %s --sampler %s %s %s --n %lld --seed %llu "
           "--prec 400 --out %s",
           test_python(), c->schedule, c->sampler, target, extra, run.n, run.seed, path);
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "oracle script failed: %s", cmd);
  size_t count;
  double *mp = test_npy_read(path, &count, shape, sizeof shape);
  double *ref = test_oracle_trajectory(&run, PREC);
  ck_assert_uint_eq(count, (size_t)(run.steps + 1) * (size_t)(run.n * run.d));
  for (size_t q = 0; q < count; q++)
    ck_assert_msg(ref[q] == mp[q], "case %d (%s, %s, %s) value %zu: oracle %.17g, mpmath %.17g",
                  _i, c->sampler, c->schedule, c->target, q, ref[q], mp[q]);
  free(mp);
  free(ref);
}
END_TEST

/* ---- exact coefficients (maths.md section 4, literal formulas) ---------- */

typedef struct {
  mpfr_t a, b, c, a2, b2, q; /* a2, b2, q: pf-heun's corrector */
  mpfr_t beta_j, alpha_j, h, r_t, r_p, u, w;
} exact_step;

static void exact_init(exact_step *x)
{
  mpfr_inits2(PREC, x->a, x->b, x->c, x->a2, x->b2, x->q, x->beta_j, x->alpha_j, x->h, x->r_t,
              x->r_p, x->u, x->w, (mpfr_ptr)0);
}

static void exact_clear(exact_step *x)
{
  mpfr_clears(x->a, x->b, x->c, x->a2, x->b2, x->q, x->beta_j, x->alpha_j, x->h, x->r_t, x->r_p,
              x->u, x->w, (mpfr_ptr)0);
}

/* a = 1 + h r/2 (frac = 1/2) or h r frac */
static void hr(mpfr_t out, const exact_step *x, mpfr_srcptr r, unsigned long den, int plus_one)
{
  mpfr_mul(out, x->h, r, MPFR_RNDN);
  mpfr_div_ui(out, out, den, MPFR_RNDN);
  if (plus_one) mpfr_add_ui(out, out, 1, MPFR_RNDN);
}

static void exact_coeffs(const ddpm_run *run, const ddpm_ref_schedule *rs, ddpm_ref_grid *g,
                         int continuous, long long t, long long p, exact_step *x)
{
  const ddpm_spec *sp = &run->sampler;
  const int noise = p > 0 || ddpm_sampler_last_noise(sp);
  ddpm_ref_jump(rs, t, p, x->beta_j, x->alpha_j);
  if (continuous) {
    ddpm_ref_grid_width(x->h, g, t, p);
    ddpm_ref_grid_tau(x->u, g, t);
    ddpm_ref_grid_rate(x->r_t, g, x->u);
    ddpm_ref_grid_tau(x->u, g, p);
    ddpm_ref_grid_rate(x->r_p, g, x->u);
  }
  mpfr_set_zero(x->c, 1);
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM:
  case DDPM_SAMPLER_LIYAN_ODE:
  case DDPM_SAMPLER_VP_EI:
    mpfr_sqrt(x->a, x->alpha_j, MPFR_RNDN); /* a = 1/sqrt(alpha_j) */
    mpfr_ui_div(x->a, 1, x->a, MPFR_RNDN);
    if (sp->kind == DDPM_SAMPLER_VP_EI) { /* b = 2 (1/sqrt(alpha_j) - 1) */
      mpfr_sub_ui(x->b, x->a, 1, MPFR_RNDN);
      mpfr_mul_2ui(x->b, x->b, 1, MPFR_RNDN);
    } else { /* b = beta_j a (liyan-ode: / 2) */
      mpfr_mul(x->b, x->beta_j, x->a, MPFR_RNDN);
      if (sp->kind == DDPM_SAMPLER_LIYAN_ODE) mpfr_div_2ui(x->b, x->b, 1, MPFR_RNDN);
    }
    if (!noise || sp->kind == DDPM_SAMPLER_LIYAN_ODE) break;
    if (sp->kind == DDPM_SAMPLER_VP_EI ||
        sp->word[DDPM_DDPM_VAR] == DDPM_DDPM_VAR_LIYAN) /* c^2 = beta_j/alpha_j */
      mpfr_div(x->c, x->beta_j, x->alpha_j, MPFR_RNDN);
    else if (sp->word[DDPM_DDPM_VAR] == DDPM_DDPM_VAR_POSTERIOR) { /* betatilde_j */
      mpfr_mul(x->c, x->beta_j, rs->oma[p], MPFR_RNDN);
      mpfr_div(x->c, x->c, rs->oma[t], MPFR_RNDN);
    } else
      mpfr_set(x->c, x->beta_j, MPFR_RNDN);
    mpfr_sqrt(x->c, x->c, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_DDIM:
    /* sigma = eta sqrt(betatilde_j); a = sqrt(abar_p)/sqrt(abar_t);
     * b = sqrt(abar_p)(1 - abar_t)/sqrt(abar_t) - sqrt(1 - abar_p - sigma^2) sqrt(1 - abar_t) */
    mpfr_set_str(x->u, sp->text[DDPM_DDIM_ETA], 10, MPFR_RNDN);
    mpfr_mul(x->c, x->beta_j, rs->oma[p], MPFR_RNDN);
    mpfr_div(x->c, x->c, rs->oma[t], MPFR_RNDN);
    mpfr_sqrt(x->c, x->c, MPFR_RNDN);
    mpfr_mul(x->c, x->u, x->c, MPFR_RNDN);
    mpfr_div(x->a, rs->sqrt_abar[p], rs->sqrt_abar[t], MPFR_RNDN);
    mpfr_mul(x->b, x->a, rs->oma[t], MPFR_RNDN);
    mpfr_sqr(x->u, x->c, MPFR_RNDN);
    mpfr_sub(x->u, rs->oma[p], x->u, MPFR_RNDN);
    mpfr_sqrt(x->u, x->u, MPFR_RNDN);
    mpfr_mul(x->u, x->u, rs->sqrt_oma[t], MPFR_RNDN);
    mpfr_sub(x->b, x->b, x->u, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: /* a = 1 + h r/2, b = h r, c = sqrt(h r) */
    hr(x->a, x, x->r_t, 2, 1);
    hr(x->b, x, x->r_t, 1, 0);
    if (noise) mpfr_sqrt(x->c, x->b, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_PF_EULER:
  case DDPM_SAMPLER_PF_HEUN: /* a = 1 + h r/2, b = h r/2; corrector a2 = 1 + h r_t/4, ... */
    hr(x->a, x, x->r_t, 2, 1);
    hr(x->b, x, x->r_t, 2, 0);
    hr(x->a2, x, x->r_t, 4, 1);
    hr(x->b2, x, x->r_t, 4, 0);
    hr(x->q, x, x->r_p, 4, 0);
    break;
  }
}

/* ---- the score, its Jacobian and its a-priori error, in double ---------- */

typedef struct {
  long long K, d;
  double *logpi, *mean, *var;
  double bias, rel; /* --score-error */
  int perturb;
} test_mix;

static void mix_init(const ddpm_run *run, test_mix *m)
{
  ddpm_mixture mx;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_mixture_from_spec(&run->target, &mx, &e), DDPM_OK);
  m->K = mx.K;
  m->d = mx.d;
  ck_assert_int_le(m->d, D_MAX);
  m->logpi = malloc((size_t)m->K * sizeof *m->logpi);
  m->mean = malloc((size_t)(m->K * m->d) * sizeof *m->mean);
  m->var = malloc((size_t)(m->K * m->d) * sizeof *m->var);
  for (long long k = 0; k < m->K; k++) m->logpi[k] = log(mx.weight[k] / mx.weight_sum);
  memcpy(m->mean, mx.mean, (size_t)(m->K * m->d) * sizeof *m->mean);
  memcpy(m->var, mx.var, (size_t)(m->K * m->d) * sizeof *m->var);
  ddpm_mixture_free(&mx);
  m->perturb = run->score_error;
  m->bias = run->score_error == DDPM_SCORE_BIAS ? run->score_error_value : 0.0;
  m->rel = run->score_error == DDPM_SCORE_REL ? run->score_error_value : 0.0;
}

static void mix_free(test_mix *m)
{
  free(m->logpi);
  free(m->mean);
  free(m->var);
}

/* The schedule at t, exact (from the oracle) with the fast path's relative
 * errors. */
typedef struct {
  double abar, oma, sab;    /* exact values, rounded */
  double r_ab, r_oma, r_sab; /* relative errors of the fast path's */
} time_info;

static void time_info_at(const ddpm_ref_schedule *rs, const ddpm_fp_time *fp, long long t,
                         time_info *ti)
{
  ti->abar = mpfr_get_d(rs->abar[t], MPFR_RNDN);
  ti->oma = mpfr_get_d(rs->oma[t], MPFR_RNDN);
  ti->sab = mpfr_get_d(rs->sqrt_abar[t], MPFR_RNDN);
  ti->r_ab = test_rel_error(fp->abar, rs->abar[t]);
  ti->r_oma = test_rel_error(fp->oma, rs->oma[t]);
  ti->r_sab = test_rel_error(fp->sqrt_abar, rs->sqrt_abar[t]);
}

/* At x: the score s, its Jacobian J (d x d, J[j*d+i] = ds_j/dx_i) and a
 * bound ds on the fast path's score error at x (fp_target.c, operation by
 * operation, first order):
 *   m = sa mu:         |dm| <= |m| (r_sab + 2u)            (mu: decimal -> double)
 *   v = ab s2 + oma:   |dv| <= ab s2 (r_ab + 3u) + oma r_oma + u v
 *   g = (m - x)/v:     |dg| <= (|dm| + u|m - x|)/v + |g| (|dv|/v + u)
 *   l_k = log pi_k - 1/2 sum_j (log v + (x - m)^2/v), each term and the sum
 *     rounded, log within LIBM_ULPS; r_k = softmax: rho_r <= 2 (2 Dl +
 *     (LIBM_ULPS + 2) u) + (K + 1) u, Dl the largest error of an l_k;
 *   s_j = sum_k r_k g_kj: |ds_j| <= sum_k r_k (|g| (rho_r + u) + |dg|) + K u sum_k r_k |g|. */
static void score_info(const test_mix *m, const time_info *ti, const double *x, double *s,
                       double *J, double *ds)
{
  const long long K = m->K, d = m->d;
  double r[16], g[16][D_MAX], dg[16][D_MAX], l[16], dl[16], lmax = -INFINITY, Dl = 0;
  ck_assert_int_le(K, 16);
  for (long long k = 0; k < K; k++) {
    double acc = 0, dacc = 0, sum_abs = 0;
    for (long long j = 0; j < d; j++) {
      double mu = m->mean[k * d + j], s2 = m->var[k * d + j];
      double mm = ti->sab * mu, v = ti->abar * s2 + ti->oma;
      double dm = fabs(mm) * (ti->r_sab + 2 * U);
      double dv = ti->abar * s2 * (ti->r_ab + 3 * U) + ti->oma * ti->r_oma + U * v;
      double dx = x[j] - mm, q = dx * dx / v, lv = log(v);
      g[k][j] = -dx / v;
      dg[k][j] = (dm + U * fabs(dx)) / v + fabs(g[k][j]) * (dv / v + U);
      double ddx = dm + U * fabs(dx);
      dacc += dv / v + LIBM_ULPS * U * fabs(lv) + (2 * fabs(dx) * ddx) / v + q * (dv / v + 3 * U);
      acc += lv + q;
      sum_abs += fabs(lv) + q;
    }
    dacc += (double)(d + 1) * U * sum_abs;
    l[k] = m->logpi[k] - 0.5 * acc;
    dl[k] = ((double)K + 2 + LIBM_ULPS * fabs(m->logpi[k])) * U + 0.5 * dacc + U * fabs(l[k]);
    if (l[k] > lmax) lmax = l[k];
    if (dl[k] > Dl) Dl = dl[k];
  }
  double total = 0, spread = 0;
  for (long long k = 0; k < K; k++) {
    r[k] = exp(l[k] - lmax);
    total += r[k];
    spread = fmax(spread, fabs(l[k] - lmax));
  }
  for (long long k = 0; k < K; k++) r[k] /= total;
  double rho_r = K == 1 ? 0 : 2 * (2 * Dl + U * spread + (LIBM_ULPS + 2) * U) + (K + 1) * U;
  for (long long j = 0; j < d; j++) {
    double sj = 0, err = 0, mag = 0;
    for (long long k = 0; k < K; k++) {
      sj += r[k] * g[k][j];
      err += r[k] * (fabs(g[k][j]) * (rho_r + U) + dg[k][j]);
      mag += r[k] * fabs(g[k][j]);
    }
    s[j] = sj;
    ds[j] = 1.01 * (err + (double)K * U * mag);
  }
  /* ds_j/dx_i = -delta_ij sum_k r_k / v_kj + sum_k r_k g_kj g_ki - s_j s_i */
  for (long long j = 0; j < d; j++)
    for (long long i = 0; i < d; i++) {
      double acc = -s[j] * s[i];
      for (long long k = 0; k < K; k++) {
        acc += r[k] * g[k][j] * g[k][i];
        if (i == j) acc -= r[k] / (ti->abar * m->var[k * d + j] + ti->oma);
      }
      J[j * d + i] = acc;
    }
  if (m->perturb == DDPM_SCORE_BIAS) { /* s + B: the decimal B, the sum */
    for (long long j = 0; j < d; j++) {
      s[j] += m->bias;
      ds[j] += U * fabs(m->bias) + U * fabs(s[j]);
    }
  } else if (m->perturb == DDPM_SCORE_REL) { /* s fl(1 + R) */
    double f = 1 + m->rel;
    for (long long j = 0; j < d; j++) {
      ds[j] = fabs(f) * ds[j] + fabs(s[j]) * (U * fabs(m->rel) + U) * 1.01 + U * fabs(f * s[j]);
      s[j] *= f;
      for (long long i = 0; i < d; i++) J[j * d + i] *= f;
    }
  }
}

/* ---- the running bound ---------------------------------------------------- */

/* E' = |a I + b J| E (1 + 2^-20) + 1.01 L for y' = a y + b s(y) + c z, with the local
 * error L of the affine update from an exact input: coefficient errors
 * (rho), score error (ds), draw error (dz) and four roundings. */
typedef struct {
  double a, b, c;          /* exact */
  double ra, rb, rc;       /* the fast path's relative errors */
} affine_info;

static void propagate(const affine_info *k, long long d, const double *y, const double *E,
                      const double *s, const double *J, const double *ds, const double *z,
                      const double *dz, double *Eout)
{
  for (long long j = 0; j < d; j++) {
    double carried = 0, sdrift = 0;
    for (long long i = 0; i < d; i++) {
      double Jji = k->b * J[j * d + i] + (i == j ? k->a : 0.0);
      carried += fabs(Jji) * E[i];
      sdrift += fabs(J[j * d + i]) * E[i]; /* |s(y_fp)| <= |s(y)| + |J| E */
    }
    double ya = fabs(y[j]) + E[j], sa = fabs(s[j]) + sdrift;
    double za = z ? fabs(z[j]) + dz[j] : 0.0;
    double ay = fabs(k->a) * ya, bs = fabs(k->b) * sa, cz = fabs(k->c) * za;
    double local = ay * k->ra + bs * k->rb + fabs(k->b) * ds[j] + cz * k->rc +
                   (z ? fabs(k->c) * dz[j] : 0.0) + 2 * U * (ay + bs + cz);
    /* J is evaluated at the oracle's state, not along the segment to the fast
     * path's: a second-order difference, covered by the 2^-20 */
    Eout[j] = carried * (1 + 0x1p-20) + 1.01 * local;
  }
}

static void affine_set(affine_info *ai, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c, double fa,
                       double fb, double fc)
{
  ai->a = mpfr_get_d(a, MPFR_RNDN);
  ai->b = mpfr_get_d(b, MPFR_RNDN);
  ai->c = mpfr_get_d(c, MPFR_RNDN);
  ai->ra = test_rel_error(fa, a);
  ai->rb = test_rel_error(fb, b);
  ai->rc = test_rel_error(fc, c);
}

typedef struct {
  double worst;       /* largest |fp - ref| / bound */
  double worst_steps; /* the same over rows 1..K (row 0 is the draw alone) */
  double max_err;     /* largest |fp - ref| */
  double final_bound;
  double worst_coeff; /* largest rho(coefficient) / allowed */
} family_result;

/* Coefficients within 4 max(rho of the inputs) + 16u of the exact ones. */
static double check_coeff(const family_case *c, long long k, const char *name, double rho,
                          double inputs)
{
  double allowed = 4 * inputs + 16 * U;
  ck_assert_msg(rho <= allowed, "%s %s: step %lld: coefficient %s off by %g (allowed %g)",
                c->sampler, c->schedule, k, name, rho, allowed);
  return rho / allowed;
}

static void run_case_bound(const family_case *c, family_result *res)
{
  ddpm_run run;
  make_case(c, &run);
  const long long n = run.n, d = run.d, K = run.steps, rowlen = n * d;
  double *ref = test_oracle_trajectory(&run, PREC);
  double *fp = malloc((size_t)(K + 1) * (size_t)rowlen * sizeof *fp);
  double *final = malloc((size_t)rowlen * sizeof *final);
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_fp_run(&run, 1, fp, final, &e), DDPM_OK);
  ck_assert_int_eq(memcmp(final, fp + K * rowlen, (size_t)rowlen * sizeof *final), 0);

  ddpm_fp_schedule fs;
  ddpm_ref_schedule rs;
  ck_assert_int_eq(ddpm_fp_schedule_build(&run.schedule, &fs, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_ref_schedule_build(&run.schedule, PREC, &rs, &e), DDPM_OK);
  ddpm_fp_grid fg = {0};
  ddpm_ref_grid rg;
  int continuous = ddpm_ref_grid_init(&run.schedule, PREC, &rg);
  ddpm_fp_grid_init(&run.schedule, &fg);
  test_mix mix;
  mix_init(&run, &mix);
  exact_step x;
  exact_init(&x);

  double *E = malloc((size_t)rowlen * sizeof *E);
  for (long long q = 0; q < rowlen; q++) { /* row 0: the initial draw */
    uint64_t w1, w2;
    ddpm_noise_words(run.seed, (uint64_t)(q / d), 0, (uint32_t)(q % d), &w1, &w2);
    E[q] = fp_draw_vs_oracle_bound(w1, w2, (int)(q % d) & 1, fp[q]); /* fp row 0: its draws */
  }
  long long *ts = malloc((size_t)K * sizeof *ts), *ps = malloc((size_t)K * sizeof *ps);
  ck_assert_int_eq(ddpm_run_timesteps(&run, ts, ps, &e), DDPM_OK);
  res->worst = res->worst_steps = res->worst_coeff = res->max_err = 0;
  for (long long k = 0; k <= K; k++) {
    if (k > 0) {
      const long long t = ts[k - 1], p = ps[k - 1];
      ddpm_fp_step_plan plan;
      ck_assert_int_eq(ddpm_fp_plan_step(&run, &fs, &fg, t, p, &plan, &e), DDPM_OK);
      exact_coeffs(&run, &rs, &rg, continuous, t, p, &x);
      /* the inputs' relative errors: jump, 1 - abar, abar, grid */
      double fb, fa;
      ddpm_fp_jump(&fs, t, p, &fb, &fa);
      double inputs = fmax(test_rel_error(fb, x.beta_j), test_rel_error(fa, x.alpha_j));
      inputs = fmax(inputs, fmax(test_rel_error(fs.oma[t], rs.oma[t]),
                                 p > 0 ? test_rel_error(fs.oma[p], rs.oma[p]) : 0.0));
      inputs = fmax(inputs, fmax(test_rel_error(fs.abar[t], rs.abar[t]),
                                 test_rel_error(fs.abar[p], rs.abar[p])));
      if (continuous) {
        double h = ddpm_fp_grid_width(&fg, t, p);
        double rt = ddpm_fp_grid_rate(&fg, ddpm_fp_grid_tau(&fg, t));
        double rp = ddpm_fp_grid_rate(&fg, ddpm_fp_grid_tau(&fg, p));
        inputs = fmax(inputs, test_rel_error(h, x.h));
        inputs = fmax(inputs, fmax(test_rel_error(rt, x.r_t), test_rel_error(rp, x.r_p)));
      }
      affine_info k1, k2 = {0}, kq = {0};
      affine_set(&k1, x.a, x.b, x.c, plan.k.a, plan.k.b, plan.k.c);
      double w = 0;
      w = fmax(w, check_coeff(c, k, "a", k1.ra, inputs));
      w = fmax(w, check_coeff(c, k, "b", k1.rb, inputs));
      w = fmax(w, check_coeff(c, k, "c", k1.rc, inputs));
      if (plan.heun) {
        affine_set(&k2, x.a2, x.b2, x.a2, plan.k2.a, plan.k2.b, plan.k2.a);
        k2.c = 1, k2.rc = 0; /* c = 1 exactly: the corrector adds w as it is */
        affine_set(&kq, x.q, x.q, x.c, plan.q, plan.q, 0.0);
        kq.c = 0, kq.rc = 0;
        w = fmax(w, check_coeff(c, k, "a2", k2.ra, inputs));
        w = fmax(w, check_coeff(c, k, "b2", k2.rb, inputs));
        w = fmax(w, check_coeff(c, k, "q", kq.ra, inputs));
      }
      res->worst_coeff = fmax(res->worst_coeff, w);
      time_info ti, tp;
      time_info_at(&rs, &plan.at, t, &ti);
      if (plan.heun) time_info_at(&rs, &plan.ap, p, &tp);

      for (long long i = 0; i < n; i++) {
        double y[D_MAX], s[D_MAX], J[D_MAX * D_MAX], ds[D_MAX], z[D_MAX], dz[D_MAX];
        double *Ei = E + i * d, Enew[D_MAX];
        for (long long j = 0; j < d; j++) y[j] = ref[(k - 1) * rowlen + i * d + j];
        score_info(&mix, &ti, y, s, J, ds);
        if (!plan.heun) {
          int drawn = plan.k.c != 0.0;
          if (drawn) {
            ddpm_fp_gaussians(run.seed, (uint64_t)i, (uint32_t)k, d, z);
            for (long long j = 0; j < d; j++) {
              uint64_t w1, w2;
              ddpm_noise_words(run.seed, (uint64_t)i, (uint32_t)k, (uint32_t)j, &w1, &w2);
              dz[j] = fp_draw_vs_oracle_bound(w1, w2, (int)(j & 1), z[j]);
            }
          }
          propagate(&k1, d, y, Ei, s, J, ds, drawn ? z : NULL, dz, Enew);
        } else {
          /* predictor Ytilde, then w = q (Ytilde + s_p(Ytilde)), then
           * Y_p = a2 Y + b2 s_t(Y) + w */
          double yt[D_MAX], Et[D_MAX], s2[D_MAX], J2[D_MAX * D_MAX], ds2[D_MAX], Ew[D_MAX];
          double wv[D_MAX], zero[D_MAX] = {0};
          propagate(&k1, d, y, Ei, s, J, ds, NULL, NULL, Et);
          for (long long j = 0; j < d; j++) yt[j] = k1.a * y[j] + k1.b * s[j];
          score_info(&mix, &tp, yt, s2, J2, ds2);
          /* q (y + s) is the affine update with a = b = q */
          kq.b = kq.a, kq.rb = kq.ra;
          propagate(&kq, d, yt, Et, s2, J2, ds2, NULL, NULL, Ew);
          for (long long j = 0; j < d; j++) wv[j] = kq.a * (yt[j] + s2[j]);
          propagate(&k2, d, y, Ei, s, J, ds, wv, Ew, Enew);
          (void)zero;
        }
        memcpy(Ei, Enew, (size_t)d * sizeof *Ei);
      }
    }
    for (long long q = 0; q < rowlen; q++) {
      double xr = ref[k * rowlen + q], err = fabs(fp[k * rowlen + q] - xr);
      double bound = E[q] + U * fabs(xr) + 0x1p-300; /* the oracle rounded to double */
      ck_assert_msg(err <= bound,
                    "%s %s %s: row %lld value %lld: |fp - ref| = %g > bound %g (fp %.17g, "
                    "ref %.17g)", c->sampler, c->schedule, c->target, k, q, err, bound,
                    fp[k * rowlen + q], xr);
      res->worst = fmax(res->worst, err / bound);
      if (k > 0) res->worst_steps = fmax(res->worst_steps, err / bound);
      res->max_err = fmax(res->max_err, err);
    }
  }
  res->final_bound = 0;
  for (long long q = 0; q < rowlen; q++) res->final_bound = fmax(res->final_bound, E[q]);
  exact_clear(&x);
  mix_free(&mix);
  if (continuous) ddpm_ref_grid_clear(&rg);
  free(ts);
  free(ps);
  ddpm_fp_schedule_free(&fs);
  ddpm_ref_schedule_free(&rs);
  free(E);
  free(ref);
  free(fp);
  free(final);
}

START_TEST(fast_path_within_running_bound)
{
  family_result r;
  run_case_bound(&cases[_i], &r);
  printf("family %2d %-28s %-27s %-5s: max |fp - ref| %.3g, final bound %.3g; error / bound "
         "<= %.3f (steps %.3f); coefficients <= %.3f of allowed\n", _i, cases[_i].sampler,
         cases[_i].schedule, strstr(cases[_i].target, "gmm") ? "gmm" : "gauss", r.max_err,
         r.final_bound, r.worst, r.worst_steps, r.worst_coeff);
}
END_TEST

START_TEST(fast_path_independent_of_threads)
{
  ddpm_run run;
  make_case(&cases[_i], &run);
  run.n = 37; /* not a multiple of the thread count */
  size_t rowlen = (size_t)(run.n * run.d), len = (size_t)(run.steps + 1) * rowlen;
  double *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b);
  double *fa = malloc(rowlen * sizeof *fa), *fb = malloc(rowlen * sizeof *fb);
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_fp_run(&run, 1, a, fa, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_fp_run(&run, 2, b, fb, &e), DDPM_OK);
  ck_assert_int_eq(memcmp(a, b, len * sizeof *a), 0);
  ck_assert_int_eq(ddpm_fp_run(&run, 3, NULL, fb, &e), DDPM_OK);
  ck_assert_int_eq(memcmp(fa, fb, rowlen * sizeof *fa), 0);
  free(a);
  free(b);
  free(fa);
  free(fb);
}
END_TEST

/* The independent oracle's own consistency checks (tests/oracle/samplers.py:
 * scores against numerical derivatives, Heun's order, ddim eta=1 = ddpm
 * posterior, the affine table against the literal formulas, ...). */
START_TEST(mpmath_oracle_selftest)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "%s tests/oracle/samplers.py --selftest > /dev/null", test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "failed: %s", cmd);
}
END_TEST

Suite *family_suite(void)
{
  Suite *s = suite_create("family");
  TCase *tc = tcase_create("samplers");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, fast_path_within_running_bound, 0, NCASES);
  tcase_add_loop_test(tc, fast_path_independent_of_threads, 0, NCASES);
  suite_add_tcase(s, tc);
  TCase *tm = tcase_create("mpmath");
  tcase_set_timeout(tm, 900);
  tcase_add_loop_test(tm, oracle_equals_mpmath, 0, NCASES);
  tcase_add_test(tm, mpmath_oracle_selftest);
  suite_add_tcase(s, tm);
  return s;
}
