/* rates.c: the exact output law of a sampler on a diagonal Gaussian target
 * (spec/ddpm_rates.h): per step the affine coefficients read off the
 * oracle's own step, then mean and variance carried as defects against the
 * forward marginal. */
#include <stdio.h>
#include <stdlib.h>

#include "ddpm_rates.h"
#include "ddpm_ref.h"

/* Everything the recursion needs for one run. */
typedef struct {
  ddpm_run run;           /* the run as stepped: n = 1, isotropic targets at d = 1 */
  ddpm_ref_sampler *smp;  /* the oracle, for its steps */
  ddpm_ref_schedule sch;  /* the forward marginals */
  ddpm_ref_target tg;     /* mu and s2 */
  long long *ts, *ps;     /* step k goes from ts[k-1] to ps[k-1] */
  long long nc;           /* coordinates stepped (the law's classes) */
  mpfr_t *y, *A, *B, *C;  /* per coordinate */
  double *zero, *one;     /* the draws z = 0 and z = 1 */
  mpfr_t m, v, u;         /* scratch */
} rates_ctx;

static long long bits_of(long long n)
{
  long long b = 0;
  while (n > 0) b++, n >>= 1;
  return b;
}

/* The run as stepped: one sample, no replay, and an isotropic gauss:d=D
 * target at d = 1 (its D coordinates are independent and identical: the
 * samplers act coordinate by coordinate on a diagonal Gaussian). */
static int stepped_run(const ddpm_run *run, ddpm_run *out, long long *mult, ddpm_err *e)
{
  const ddpm_spec *tg = &run->target;
  *out = *run;
  out->n = 1, out->seed = 0, out->noise_path = NULL, out->x_init_path = NULL;
  *mult = 1;
  if (tg->kind == DDPM_TARGET_GMM && tg->integer[DDPM_MIXFILE_K] != 1)
    return ddpm_fail(e, DDPM_EINPUT, "--target: %s: rates needs a Gaussian target (one "
                     "component), not a %lld-component mixture", tg->canonical,
                     tg->integer[DDPM_MIXFILE_K]);
  if (tg->kind != DDPM_TARGET_GAUSS) return DDPM_OK;
  char text[DDPM_CANON_MAX];
  snprintf(text, sizeof text, "gauss:d=1,mean=%s,var=%s", tg->text[DDPM_GAUSS_MEAN],
           tg->text[DDPM_GAUSS_VAR]);
  int rc = ddpm_spec_parse(DDPM_FAMILY_TARGET, text, &out->target, e);
  if (rc != DDPM_OK) return rc;
  *mult = tg->integer[DDPM_GAUSS_D];
  out->d = 1;
  return ddpm_run_check(out, e);
}

static void ctx_free(rates_ctx *c)
{
  free(c->ts), free(c->ps), free(c->zero), free(c->one);
  ddpm_ref_vector_free(c->y, (size_t)c->nc);
  ddpm_ref_vector_free(c->A, (size_t)c->nc);
  ddpm_ref_vector_free(c->B, (size_t)c->nc);
  ddpm_ref_vector_free(c->C, (size_t)c->nc);
  mpfr_clears(c->m, c->v, c->u, (mpfr_ptr)0);
  if (c->sch.abar) ddpm_ref_schedule_free(&c->sch);
  ddpm_ref_target_clear(&c->tg);
  ddpm_ref_sampler_free(c->smp);
}

static int ctx_init(rates_ctx *c, mpfr_prec_t prec, ddpm_err *e)
{
  const size_t K = (size_t)c->run.steps, nc = (size_t)c->run.d;
  c->nc = (long long)nc;
  mpfr_inits2(prec, c->m, c->v, c->u, (mpfr_ptr)0);
  c->y = ddpm_ref_vector_new(nc, prec), c->A = ddpm_ref_vector_new(nc, prec);
  c->B = ddpm_ref_vector_new(nc, prec), c->C = ddpm_ref_vector_new(nc, prec);
  c->ts = malloc(K * sizeof *c->ts), c->ps = malloc(K * sizeof *c->ps);
  c->zero = calloc(nc, sizeof *c->zero), c->one = malloc(nc * sizeof *c->one);
  if (!c->y || !c->A || !c->B || !c->C || !c->ts || !c->ps || !c->zero || !c->one)
    return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory for %zu coordinates", nc);
  for (size_t j = 0; j < nc; j++) c->one[j] = 1.0;
  int rc = ddpm_run_timesteps(&c->run, c->ts, c->ps, e);
  if (rc == DDPM_OK) rc = ddpm_ref_sampler_new(&c->run, prec, &c->smp, e);
  if (rc == DDPM_OK) rc = ddpm_ref_schedule_build(&c->run.schedule, prec, &c->sch, e);
  if (rc == DDPM_OK) rc = ddpm_ref_target_init(&c->run.target, prec, &c->tg, e);
  return rc;
}

/* m <- m_t = sqrt(abar_t) mu_j and v <- v_t = abar_t s2_j + (1 - abar_t) */
static void marginal(rates_ctx *c, long long t, long long j)
{
  mpfr_mul(c->m, c->sch.sqrt_abar[t], c->tg.mean[j], MPFR_RNDN);
  mpfr_mul(c->v, c->sch.abar[t], c->tg.var[j], MPFR_RNDN);
  mpfr_add(c->v, c->v, c->sch.oma[t], MPFR_RNDN);
}

/* A, B, C of step k from three evaluations of the oracle's step:
 * B = step(0, 0), A = step(1, 0) - B, C = step(0, 1) - B (0 without noise). */
static void step_coefficients(rates_ctx *c, long long k)
{
  for (long long j = 0; j < c->nc; j++) mpfr_set_zero(c->B[j], 1);
  ddpm_ref_sampler_apply(c->smp, k, c->B, c->zero);
  for (long long j = 0; j < c->nc; j++) mpfr_set_ui(c->A[j], 1, MPFR_RNDN);
  ddpm_ref_sampler_apply(c->smp, k, c->A, c->zero);
  for (long long j = 0; j < c->nc; j++) mpfr_set_zero(c->C[j], 1);
  int noise = ddpm_ref_sampler_apply(c->smp, k, c->C, c->one);
  for (long long j = 0; j < c->nc; j++) {
    mpfr_sub(c->A[j], c->A[j], c->B[j], MPFR_RNDN);
    if (noise) mpfr_sub(c->C[j], c->C[j], c->B[j], MPFR_RNDN);
    else mpfr_set_zero(c->C[j], 1);
  }
}

/* One step from t to p on coordinate j's defects (e, D):
 * e <- A e + (A m_t + B - m_p), D <- A^2 D + (A^2 v_t + C^2 - v_p). */
static void carry(rates_ctx *c, long long j, long long t, long long p, mpfr_t e, mpfr_t D)
{
  mpfr_srcptr A = c->A[j], B = c->B[j], C = c->C[j];
  marginal(c, t, j);
  mpfr_mul(e, A, e, MPFR_RNDN);
  mpfr_fma(c->m, A, c->m, B, MPFR_RNDN); /* A m_t + B */
  mpfr_add(e, e, c->m, MPFR_RNDN);
  mpfr_sqr(c->u, A, MPFR_RNDN);
  mpfr_mul(D, c->u, D, MPFR_RNDN);
  mpfr_fma(c->v, c->u, c->v, D, MPFR_RNDN); /* A^2 v_t + A^2 D */
  mpfr_sqr(c->u, C, MPFR_RNDN);
  mpfr_add(D, c->v, c->u, MPFR_RNDN);
  marginal(c, p, j);
  mpfr_sub(e, e, c->m, MPFR_RNDN);
  mpfr_sub(D, D, c->v, MPFR_RNDN);
}

static int law_alloc(ddpm_rates_law *law, long long nc, long long mult, mpfr_prec_t prec,
                     ddpm_err *e)
{
  law->nclass = nc, law->d = nc * mult, law->prec = prec;
  law->mult = malloc((size_t)nc * sizeof *law->mult);
  law->ref_mean = ddpm_ref_vector_new((size_t)nc, prec);
  law->ref_var = ddpm_ref_vector_new((size_t)nc, prec);
  law->dmean = ddpm_ref_vector_new((size_t)nc, prec);
  law->dvar = ddpm_ref_vector_new((size_t)nc, prec);
  if (!law->mult || !law->ref_mean || !law->ref_var || !law->dmean || !law->dvar)
    return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory for %lld coordinates", nc);
  for (long long j = 0; j < nc; j++) law->mult[j] = mult;
  return DDPM_OK;
}

/* The recursion, from Y_T ~ N(0, I): e = -m_T, D = 1 - v_T = abar_T (1 - s2)
 * (written so that s2 = 1 gives D = 0 exactly). Stops after the step that
 * ends at t = 1 for compare x1. */
static int propagate(rates_ctx *c, ddpm_rates_compare cmp, ddpm_rates_law *law, ddpm_err *e)
{
  const long long t0 = c->ts[0], stop = cmp == DDPM_RATES_X1 ? 1 : 0;
  int done = 0;
  for (long long j = 0; j < c->nc; j++) {
    marginal(c, t0, j);
    mpfr_neg(law->dmean[j], c->m, MPFR_RNDN);
    mpfr_ui_sub(law->dvar[j], 1, c->tg.var[j], MPFR_RNDN);
    mpfr_mul(law->dvar[j], law->dvar[j], c->sch.abar[t0], MPFR_RNDN);
  }
  for (long long k = 1; k <= c->run.steps && !done; k++) {
    const long long t = c->ts[k - 1], p = c->ps[k - 1];
    step_coefficients(c, k);
    for (long long j = 0; j < c->nc; j++) carry(c, j, t, p, law->dmean[j], law->dvar[j]);
    done = p == stop;
  }
  if (!done)
    return ddpm_fail(e, DDPM_EINPUT, "--compare x1: no step of this run ends at t = 1 "
                     "(the last step goes %lld -> 0): use --compare x0 or full steps",
                     c->ts[c->run.steps - 1]);
  for (long long j = 0; j < c->nc; j++) {
    marginal(c, stop, j);
    mpfr_set(law->ref_mean[j], c->m, MPFR_RNDN);
    mpfr_set(law->ref_var[j], c->v, MPFR_RNDN);
  }
  return DDPM_OK;
}

int ddpm_rates_law_compute(const ddpm_run *run, ddpm_rates_compare cmp, mpfr_prec_t prec,
                           ddpm_rates_law *law, ddpm_err *e)
{
  rates_ctx c = {0};
  long long mult;
  law->mult = NULL, law->ref_mean = law->ref_var = law->dmean = law->dvar = NULL;
  law->nclass = 0;
  int rc = stepped_run(run, &c.run, &mult, e);
  if (rc != DDPM_OK) return rc;
  const mpfr_prec_t work = prec + DDPM_RATES_GUARD + (mpfr_prec_t)bits_of(run->steps);
  rc = ctx_init(&c, work, e);
  if (rc == DDPM_OK) rc = law_alloc(law, c.nc, mult, work, e);
  if (rc == DDPM_OK) rc = propagate(&c, cmp, law, e);
  ctx_free(&c);
  if (rc != DDPM_OK) ddpm_rates_law_clear(law);
  return rc;
}

void ddpm_rates_law_clear(ddpm_rates_law *law)
{
  free(law->mult);
  ddpm_ref_vector_free(law->ref_mean, (size_t)law->nclass);
  ddpm_ref_vector_free(law->ref_var, (size_t)law->nclass);
  ddpm_ref_vector_free(law->dmean, (size_t)law->nclass);
  ddpm_ref_vector_free(law->dvar, (size_t)law->nclass);
  law->mult = NULL, law->ref_mean = law->ref_var = law->dmean = law->dvar = NULL;
  law->nclass = 0;
}
