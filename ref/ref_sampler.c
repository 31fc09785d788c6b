/* ref_sampler.c: the reverse samplers in MPFR, all samples advancing
 * together one step at a time, exactly as spec/maths.md writes them. */
#include <stdlib.h>

#include "ddpm_ref.h"

static mpfr_t *alloc_vector(size_t len, mpfr_prec_t prec)
{
  mpfr_t *v = malloc(len * sizeof *v);
  if (v)
    for (size_t q = 0; q < len; q++) mpfr_init2(v[q], prec);
  return v;
}

static void free_vector(mpfr_t *v, size_t len)
{
  if (!v) return;
  for (size_t q = 0; q < len; q++) mpfr_clear(v[q]);
  free(v);
}

static int emit_row(const ddpm_run *run, long long k, mpfr_t *y, ddpm_ref_emit emit,
                    void *ctx)
{
  for (long long i = 0; i < run->n; i++)
    for (long long j = 0; j < run->d; j++) {
      int rc = emit(ctx, k, i, j, y[i * run->d + j]);
      if (rc != DDPM_OK) return rc;
    }
  return DDPM_OK;
}

/* DDPM, var=beta, one step from t to its predecessor p for one sample, with
 * the jump's beta_j = 1 - abar_t/abar_p and alpha_j = 1 - beta_j:
 * y <- (y + beta_j s_t(y)) / sqrt(alpha_j) + sqrt(beta_j) z   (z only if p > 0) */
static void ddpm_step(const ddpm_run *run, const ddpm_ref_schedule *sch,
                      const ddpm_ref_target *tg, long long k, long long t, long long p,
                      long long i, mpfr_t *y, mpfr_t *s, mpfr_t beta_j, mpfr_t sqrt_alpha,
                      mpfr_t sigma, mpfr_t z)
{
  ddpm_ref_target_score(tg, sch->abar[t], sch->oma[t], y, s);
  for (long long j = 0; j < run->d; j++) {
    mpfr_mul(s[j], beta_j, s[j], MPFR_RNDN);
    mpfr_add(y[j], y[j], s[j], MPFR_RNDN);
    mpfr_div(y[j], y[j], sqrt_alpha, MPFR_RNDN);
    if (p > 0) {
      ddpm_ref_gaussian(z, run->seed, (uint64_t)i, (uint32_t)k, (uint32_t)j);
      mpfr_mul(z, sigma, z, MPFR_RNDN);
      mpfr_add(y[j], y[j], z, MPFR_RNDN);
    }
  }
}

int ddpm_ref_run(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_emit emit, void *ctx,
                 ddpm_err *e)
{
  if (run->steps > (long long)UINT32_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  ddpm_ref_schedule sch;
  int rc = ddpm_ref_schedule_build(&run->schedule, prec, &sch, e);
  if (rc != DDPM_OK) return rc;
  ddpm_ref_target tg;
  rc = ddpm_ref_target_init(&run->target, prec, &tg, e);
  if (rc != DDPM_OK) { ddpm_ref_schedule_free(&sch); return rc; }

  const size_t nd = (size_t)run->n * (size_t)run->d;
  mpfr_t *y = alloc_vector(nd, prec), *s = alloc_vector((size_t)run->d, prec);
  mpfr_t beta_j, sqrt_alpha, sigma, z;
  mpfr_inits2(prec, beta_j, sqrt_alpha, sigma, z, (mpfr_ptr)0);
  long long *ts = malloc((size_t)run->steps * sizeof *ts);
  long long *ps = malloc((size_t)run->steps * sizeof *ps);
  if (!y || !s || !ts || !ps) {
    rc = ddpm_fail(e, DDPM_EINTERNAL, "oracle: out of memory for %zu values", nd);
    goto done;
  }
  if ((rc = ddpm_run_timesteps(run, ts, ps, e)) != DDPM_OK) goto done;

  for (long long i = 0; i < run->n; i++) /* Y_T ~ N(0, I): draw r = 0 */
    for (long long j = 0; j < run->d; j++)
      ddpm_ref_gaussian(y[i * run->d + j], run->seed, (uint64_t)i, 0, (uint32_t)j);
  rc = emit_row(run, 0, y, emit, ctx);

  for (long long k = 1; k <= run->steps && rc == DDPM_OK; k++) {
    long long t = ts[k - 1], p = ps[k - 1];
    ddpm_ref_jump(&sch, t, p, beta_j, sqrt_alpha);
    mpfr_sqrt(sqrt_alpha, sqrt_alpha, MPFR_RNDN);
    mpfr_sqrt(sigma, beta_j, MPFR_RNDN);
    for (long long i = 0; i < run->n; i++)
      ddpm_step(run, &sch, &tg, k, t, p, i, y + i * run->d, s, beta_j, sqrt_alpha, sigma, z);
    rc = emit_row(run, k, y, emit, ctx);
  }
  if (rc != DDPM_OK && e && e->msg[0] == '\0')
    ddpm_fail(e, rc, "oracle: writing the trajectory failed");

done:
  free(ts);
  free(ps);
  mpfr_clears(beta_j, sqrt_alpha, sigma, z, (mpfr_ptr)0);
  free_vector(y, nd);
  free_vector(s, (size_t)run->d);
  ddpm_ref_target_clear(&tg);
  ddpm_ref_schedule_free(&sch);
  mpfr_free_cache();
  return rc;
}
