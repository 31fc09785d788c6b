/* rates_gmm.c: the output law of a sampler on a 1-D Gaussian mixture by
 * density propagation (spec/ddpm_rates_gmm.h): the steps' coefficients from
 * the oracle, then change of variables for deterministic steps and the
 * Gaussian kernel by the trapezoid rule for stochastic ones. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "ddpm_rates_gmm.h"
#include "ddpm_ref.h"
#include "rates_gmm_marginal.h"

#define GRID_MAX 20000000LL /* nodes */

/* Step k: Y_p = a y + b s_t(y) + e s_p(ap y + bp s_t(y)) + c Z. */
typedef struct {
  long double a, b, e, c, ap, bp;
  int noise, two_stage;
  long long t, p;
} step_coef;

typedef struct {
  const ddpm_run *run;
  ddpm_ref_schedule sch;
  gmm_marginal at_t, at_p; /* the marginal at the step's start and (pf-heun) end */
  long long K;
  step_coef *step;
  long double gain, bias;  /* --score-error: the score used is gain s + bias */
  long double *J, *F, *dF, *q;
} gmm_ctx;

static long double ld(mpfr_srcptr x) { return mpfr_get_ld(x, MPFR_RNDN); }

/* The steps' coefficients, long double, from the oracle at prec bits. */
static int read_steps(gmm_ctx *c, mpfr_prec_t prec, ddpm_err *e)
{
  ddpm_run one = *c->run;
  one.n = 1, one.seed = 0, one.noise_path = NULL, one.x_init_path = NULL;
  const size_t K = (size_t)one.steps;
  long long *ts = malloc(K * sizeof *ts), *ps = malloc(K * sizeof *ps);
  c->step = malloc(K * sizeof *c->step);
  c->K = (long long)K;
  if (!ts || !ps || !c->step) {
    free(ts), free(ps);
    return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory for %zu steps", K);
  }
  ddpm_ref_sampler *smp = NULL;
  ddpm_ref_step_linear L;
  mpfr_inits2(prec, L.a, L.b, L.e, L.c, L.a_pred, L.b_pred, (mpfr_ptr)0);
  int rc = ddpm_run_timesteps(&one, ts, ps, e);
  if (rc == DDPM_OK) rc = ddpm_ref_sampler_new(&one, prec, &smp, e);
  for (size_t k = 0; rc == DDPM_OK && k < K; k++) {
    rc = ddpm_ref_sampler_linear(smp, (long long)k + 1, &L, e);
    step_coef *s = &c->step[k];
    *s = (step_coef){ld(L.a), ld(L.b), ld(L.e), ld(L.c), ld(L.a_pred), ld(L.b_pred),
                     L.noise, L.two_stage, ts[k], ps[k]};
  }
  mpfr_clears(L.a, L.b, L.e, L.c, L.a_pred, L.b_pred, (mpfr_ptr)0);
  ddpm_ref_sampler_free(smp);
  free(ts), free(ps);
  return rc;
}

static void marginal_at(gmm_ctx *c, gmm_marginal *g, long long t)
{
  gmm_marginal_at(g, ld(c->sch.abar[t]), ld(c->sch.sqrt_abar[t]), ld(c->sch.oma[t]));
}

/* The score as the sampler sees it (after --score-error) and its derivative. */
static void score(gmm_ctx *c, gmm_marginal *g, long double x, long double *s, long double *ds)
{
  gmm_marginal_eval(g, x, s, ds);
  *s = c->gain * *s + c->bias;
  *ds *= c->gain;
}

/* F(x) and F'(x) of step st (chain rule through pf-heun's predictor). */
static void map(gmm_ctx *c, const step_coef *st, long double x, long double *F, long double *dF)
{
  long double s, ds;
  score(c, &c->at_t, x, &s, &ds);
  *F = st->a * x + st->b * s;
  *dF = st->a + st->b * ds;
  if (!st->two_stage) return;
  long double s2, ds2;
  const long double yt = st->ap * x + st->bp * s, dyt = st->ap + st->bp * ds;
  score(c, &c->at_p, yt, &s2, &ds2);
  *F += st->e * s2;
  *dF += st->e * ds2 * dyt;
}

/* The Gaussian kernel of width c around each F_j onto the uniform grid:
 * exp(-u^2/2) at u = delta + i rho by the ratio recurrence (two products a
 * term), restarted from expl every ANCHOR terms: the recurrence's rounding
 * errors grow like i^2 ulp, which would bias the mass after a few hundred. */
enum { ANCHOR = 64 };
static void spread(const ddpm_rates_gmm_law *law, const long double *F, long double c,
                   long double *q)
{
  const long long n = law->n;
  const long double h = law->h, rho = h / c, step2 = expl(-rho * rho);
  const long double norm = h / (c * sqrtl(2 * GMM_PI)), reach = DDPM_RATES_GMM_CUT * c;
  for (long long i = 0; i < n; i++) q[i] = 0;
  for (long long j = 0; j < n; j++) {
    long long i0 = (long long)ceill((F[j] - reach - law->lo) / h);
    long long i1 = (long long)floorl((F[j] + reach - law->lo) / h);
    if (i0 < 0) i0 = 0;
    if (i1 > n - 1) i1 = n - 1;
    if (law->w[j] == 0) continue;
    const long double amp = norm * law->w[j];
    for (long long start = i0; start <= i1; start += ANCHOR) {
      const long double u = (law->lo + (long double)start * h - F[j]) / c;
      long double term = amp * expl(-u * u / 2), ratio = expl(-u * rho - rho * rho / 2);
      const long long end = start + ANCHOR - 1 < i1 ? start + ANCHOR - 1 : i1;
      for (long long i = start; i <= end; i++) q[i] += term, term *= ratio, ratio *= step2;
    }
  }
}

/* Kernel widths c/|J F'| in units of h: the smallest where the mass is not
 * negligible, and refusal when more than NEGLIGIBLE of the mass sits where
 * the width is below KAPPA h. */
static int check_kernel(gmm_ctx *c, ddpm_rates_gmm_law *law, const step_coef *st, long long k,
                        ddpm_err *e)
{
  long double unresolved = 0, narrowest = INFINITY, at = 0;
  for (long long j = 0; j < law->n; j++) {
    const long double width = st->c / fabsl(c->J[j] * c->dF[j]) / law->h;
    if (law->h * law->w[j] <= DDPM_RATES_GMM_NEGLIGIBLE / (long double)law->n) continue;
    if (width < narrowest) narrowest = width, at = law->lo + (long double)j * law->h;
    if (width < DDPM_RATES_GMM_KAPPA) unresolved += law->h * law->w[j];
  }
  if (narrowest < law->kernel) law->kernel = narrowest;
  if (unresolved > DDPM_RATES_GMM_NEGLIGIBLE)
    return ddpm_fail(e, DDPM_EINPUT, "--quad-h: %Lg is too coarse for step %lld (t = %lld -> "
                     "%lld): its noise kernel is %.3Lg h wide at y = %.4Lg (needs %.2Lg h); "
                     "use --quad-h %.3Lg or less", law->h, k, st->t, st->p, narrowest, at,
                     DDPM_RATES_GMM_KAPPA, law->h * narrowest / DDPM_RATES_GMM_KAPPA);
  return DDPM_OK;
}

static int step_once(gmm_ctx *c, ddpm_rates_gmm_law *law, long long k, ddpm_err *e)
{
  const step_coef *st = &c->step[k - 1];
  marginal_at(c, &c->at_t, st->t);
  if (st->two_stage) marginal_at(c, &c->at_p, st->p);
  for (long long j = 0; j < law->n; j++) map(c, st, law->u[j], &c->F[j], &c->dF[j]);
  if (st->noise) {
    int rc = check_kernel(c, law, st, k, e);
    if (rc != DDPM_OK) return rc;
    spread(law, c->F, st->c, c->q);
    for (long long j = 0; j < law->n; j++)
      law->w[j] = c->q[j], law->u[j] = law->lo + (long double)j * law->h, c->J[j] = 1;
    law->stochastic++;
    return DDPM_OK;
  }
  for (long long j = 0; j < law->n; j++) {
    if (!(c->dF[j] > 0) && law->w[j] > 0)
      return ddpm_fail(e, DDPM_EINPUT, "--sampler: %s: step %lld (t = %lld -> %lld) is not "
                       "increasing at y = %.6Lg (dy'/dy = %.3Lg): the change of variables "
                       "needs a monotone map", c->run->sampler.canonical, k, st->t, st->p,
                       law->u[j], c->dF[j]);
    law->u[j] = c->F[j], c->J[j] *= c->dF[j];
  }
  law->deterministic++;
  return DDPM_OK;
}

/* The grid: spacing h (automatic when h <= 0) over [min(0, mu) - W,
 * max(0, mu) + W], W = margin max(1, sd); the start N(0, 1). */
static int grid_init(gmm_ctx *c, long double h, long double margin, ddpm_rates_gmm_law *law,
                     ddpm_err *e)
{
  const gmm_marginal *g = &c->at_t;
  if (h <= 0) {
    long double cmin = INFINITY;
    for (long long k = 0; k < c->K; k++)
      if (c->step[k].noise && c->step[k].c > 0) cmin = fminl(cmin, c->step[k].c);
    h = fminl(0.01L, fminl(fminl(1, g->sd_min) / 10, cmin / (1.2L * DDPM_RATES_GMM_KAPPA)));
  }
  const long double W = margin * fmaxl(1, g->sd_max);
  law->lo = fminl(0, g->mu_min) - W;
  const long double span = fmaxl(0, g->mu_max) + W - law->lo;
  if (span / h > (long double)GRID_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--quad-h: %Lg gives more than %lld nodes on [%Lg, %Lg]",
                     h, GRID_MAX, law->lo, law->lo + span);
  law->h = h, law->n = (long long)ceill(span / h) + 1;
  const size_t n = (size_t)law->n;
  law->w = malloc(n * sizeof *law->w), law->u = malloc(n * sizeof *law->u);
  law->ref = malloc(n * sizeof *law->ref);
  c->J = malloc(n * sizeof *c->J), c->F = malloc(n * sizeof *c->F);
  c->dF = malloc(n * sizeof *c->dF), c->q = malloc(n * sizeof *c->q);
  if (!law->w || !law->u || !law->ref || !c->J || !c->F || !c->dF || !c->q)
    return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory for %zu nodes", n);
  for (size_t j = 0; j < n; j++) {
    const long double y = law->lo + (long double)j * h;
    law->u[j] = y, c->J[j] = 1, law->w[j] = expl(-y * y / 2) / sqrtl(2 * GMM_PI);
  }
  law->kernel = INFINITY;
  return DDPM_OK;
}

/* x with F(x) = target for the increasing map of step st (safeguarded
 * Newton inside a bracket grown from the guess); the log of F'(x) added
 * to *logJ. Exit code 2 if F' <= 0 is met. */
static int invert(gmm_ctx *c, const step_coef *st, long long k, long double target,
                  long double *x, long double *logJ, ddpm_err *e)
{
  long double lo = *x - 1, hi = *x + 1, F, dF, width = 1;
  map(c, st, lo, &F, &dF);
  while (F > target) lo -= (width *= 2), map(c, st, lo, &F, &dF);
  width = 1;
  map(c, st, hi, &F, &dF);
  while (F < target) hi += (width *= 2), map(c, st, hi, &F, &dF);
  long double y = fminl(fmaxl(*x, lo), hi);
  for (int it = 0; it < 200; it++) {
    map(c, st, y, &F, &dF);
    if (!(dF > 0))
      return ddpm_fail(e, DDPM_EINPUT, "--sampler: %s: step %lld (t = %lld -> %lld) is not "
                       "increasing at y = %.6Lg (dy'/dy = %.3Lg): the change of variables "
                       "needs a monotone map", c->run->sampler.canonical, k, st->t, st->p, y,
                       dF);
    if (F < target) lo = y;
    else hi = y;
    long double next = y - (F - target) / dF;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2; /* Newton left the bracket */
    const long double tiny = 4 * LDBL_EPSILON * (1 + fabsl(y));
    const int done = fabsl(next - y) <= tiny || hi - lo <= tiny;
    y = next;
    if (done) break;
  }
  map(c, st, y, &F, &dF);
  *x = y, *logJ += logl(dF);
  return DDPM_OK;
}

/* A run without noise: the output density at the uniform grid's points u
 * exactly, p_out(u) = phi(y) / (F_K o .. o F_1)'(y) at the y the steps map
 * to u (each step inverted in turn, last first): no quadrature in the
 * propagation, and smooth integrands in u for the distances, where moving
 * the nodes forward would squeeze the target's valleys into spikes. */
static int pull_back(gmm_ctx *c, ddpm_rates_gmm_law *law, long long last, ddpm_err *e)
{
  long double *x = c->F, *logJ = c->dF;
  for (long long j = 0; j < law->n; j++) x[j] = law->u[j], logJ[j] = 0;
  for (long long k = last; k >= 1; k--) {
    const step_coef *st = &c->step[k - 1];
    marginal_at(c, &c->at_t, st->t);
    if (st->two_stage) marginal_at(c, &c->at_p, st->p);
    for (long long j = 0; j < law->n; j++) {
      int rc = invert(c, st, k, x[j], &x[j], &logJ[j], e);
      if (rc != DDPM_OK) return rc;
    }
  }
  for (long long j = 0; j < law->n; j++)
    law->w[j] = expl(-x[j] * x[j] / 2 - logJ[j]) / sqrtl(2 * GMM_PI);
  law->deterministic = last;
  return DDPM_OK;
}

/* Steps until the one that ends at stop (0, or 1 for compare x1), then the
 * reference pulled back and the mass. */
static int propagate(gmm_ctx *c, ddpm_rates_compare cmp, ddpm_rates_gmm_law *law, ddpm_err *e)
{
  const long long stop = cmp == DDPM_RATES_X1 ? 1 : 0;
  long long last = 0, noisy = 0;
  for (long long k = 1; k <= c->K && !last; k++) {
    noisy += c->step[k - 1].noise;
    if (c->step[k - 1].p == stop) last = k;
  }
  if (!last)
    return ddpm_fail(e, DDPM_EINPUT, "--compare x1: no step of this run ends at t = 1 "
                     "(the last step goes %lld -> 0): use --compare x0 or full steps",
                     c->step[c->K - 1].t);
  int rc = DDPM_OK;
  if (!noisy) rc = pull_back(c, law, last, e);
  for (long long k = 1; noisy && rc == DDPM_OK && k <= last; k++) rc = step_once(c, law, k, e);
  if (rc != DDPM_OK) return rc;
  marginal_at(c, &c->at_t, stop);
  law->mass = 0;
  for (long long j = 0; j < law->n; j++) {
    law->ref[j] = gmm_marginal_eval(&c->at_t, law->u[j], NULL, NULL) * c->J[j];
    law->mass += law->h * law->w[j];
  }
  return DDPM_OK;
}

static int ctx_init(gmm_ctx *c, const ddpm_run *run, mpfr_prec_t prec, ddpm_err *e)
{
  c->run = run;
  c->gain = 1, c->bias = 0;
  if (run->score_error == DDPM_SCORE_BIAS) c->bias = strtold(run->score_error_text, NULL);
  if (run->score_error == DDPM_SCORE_REL) c->gain = 1 + strtold(run->score_error_text, NULL);
  int rc = gmm_marginal_init(&c->at_t, &run->target, e);
  if (rc == DDPM_OK) rc = gmm_marginal_init(&c->at_p, &run->target, e);
  if (rc == DDPM_OK) rc = ddpm_ref_schedule_build(&run->schedule, prec, &c->sch, e);
  if (rc == DDPM_OK) rc = read_steps(c, prec, e);
  return rc;
}

static void ctx_free(gmm_ctx *c)
{
  gmm_marginal_free(&c->at_t), gmm_marginal_free(&c->at_p);
  if (c->sch.abar) ddpm_ref_schedule_free(&c->sch);
  free(c->step), free(c->J), free(c->F), free(c->dF), free(c->q);
}

int ddpm_rates_gmm_law_compute(const ddpm_run *run, ddpm_rates_compare cmp, mpfr_prec_t prec,
                               long double h, long double margin, ddpm_rates_gmm_law *law,
                               ddpm_err *e)
{
  gmm_ctx c = {0};
  *law = (ddpm_rates_gmm_law){0};
  int rc = ctx_init(&c, run, prec, e);
  if (rc == DDPM_OK) rc = grid_init(&c, h, margin, law, e);
  if (rc == DDPM_OK) rc = propagate(&c, cmp, law, e);
  ctx_free(&c);
  if (rc != DDPM_OK) ddpm_rates_gmm_law_clear(law);
  return rc;
}

void ddpm_rates_gmm_law_clear(ddpm_rates_gmm_law *law)
{
  free(law->w), free(law->ref), free(law->u);
  law->w = law->ref = law->u = NULL;
  law->n = 0;
}
