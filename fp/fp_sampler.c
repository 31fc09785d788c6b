/* fp_sampler.c: the reverse samplers in binary64.
 *
 * Each sample runs all its steps alone (draws are addressed, so samples are
 * independent and may be split over threads in any way); per-step
 * coefficients are computed once, before the sample loop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_fp.h"

/* Coefficients of one reverse step of DDPM with var=beta, from t to its
 * predecessor p in the run's subsequence (p = t - 1 for full steps):
 * y' = (y + beta_j s_t(y)) / sqrt(alpha_j) + sigma z, with the jump's
 * beta_j = 1 - abar_t/abar_p, alpha_j = 1 - beta_j, sigma = sqrt(beta_j). */
typedef struct {
  long long t;
  double beta, inv_sqrt_alpha, sigma; /* sigma = 0: no noise (last step) */
  double abar, oma;                   /* where the score is evaluated */
} step_coeffs;

static step_coeffs *plan_steps(const ddpm_run *run, const ddpm_fp_schedule *sch, ddpm_err *e)
{
  long long K = run->steps;
  step_coeffs *plan = malloc((size_t)K * sizeof *plan);
  long long *ts = malloc((size_t)K * sizeof *ts), *ps = malloc((size_t)K * sizeof *ps);
  if (!plan || !ts || !ps || ddpm_run_timesteps(run, ts, ps, e) != DDPM_OK) {
    free(plan);
    plan = NULL;
  } else {
    for (long long k = 0; k < K; k++) {
      step_coeffs *c = &plan[k];
      double beta_j, alpha_j;
      ddpm_fp_jump(sch, ts[k], ps[k], &beta_j, &alpha_j);
      c->t = ts[k];
      c->beta = beta_j;
      c->inv_sqrt_alpha = 1.0 / sqrt(alpha_j);
      c->sigma = ps[k] > 0 ? sqrt(beta_j) : 0.0; /* no noise on the last step */
      c->abar = sch->abar[ts[k]];
      c->oma = sch->oma[ts[k]];
    }
  }
  free(ts);
  free(ps);
  return plan;
}

static void run_sample(const ddpm_run *run, const ddpm_fp_target *tg,
                       const step_coeffs *plan, long long i, double *y, double *s,
                       double *z, double *traj, double *final)
{
  const long long d = run->d, n = run->n, rowlen = n * d;
  ddpm_fp_gaussians(run->seed, (uint64_t)i, 0, d, y);
  if (traj) memcpy(traj + i * d, y, (size_t)d * sizeof *y);
  for (long long k = 1; k <= run->steps; k++) {
    const step_coeffs *c = &plan[k - 1];
    ddpm_fp_target_score(tg, c->abar, c->oma, y, s);
    for (long long j = 0; j < d; j++) y[j] = (y[j] + c->beta * s[j]) * c->inv_sqrt_alpha;
    if (c->sigma != 0.0) {
      ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)k, d, z);
      for (long long j = 0; j < d; j++) y[j] += c->sigma * z[j];
    }
    if (traj) memcpy(traj + k * rowlen + i * d, y, (size_t)d * sizeof *y);
  }
  memcpy(final + i * d, y, (size_t)d * sizeof *y);
}

int ddpm_fp_run(const ddpm_run *run, int threads, double *traj, double *final,
                ddpm_err *e)
{
  ddpm_fp_schedule sch;
  ddpm_fp_target tg;
  int rc = ddpm_fp_schedule_build(&run->schedule, &sch, e);
  if (rc != DDPM_OK) return rc;
  rc = ddpm_fp_target_init(&run->target, &tg, e);
  if (rc != DDPM_OK) { ddpm_fp_schedule_free(&sch); return rc; }
  if (run->steps > (long long)UINT32_MAX) {
    ddpm_fp_schedule_free(&sch);
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  }
  step_coeffs *plan = plan_steps(run, &sch, e);
  ddpm_fp_schedule_free(&sch);
  if (!plan) return ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for the step plan");

  int failed = 0;
  (void)threads; /* used by OpenMP only */
  #pragma omp parallel num_threads(threads) reduction(|: failed)
  {
    double *buf = malloc(3 * (size_t)run->d * sizeof *buf);
    /* every thread must reach the worksharing loop, even without a buffer */
    #pragma omp for schedule(static)
    for (long long i = 0; i < run->n; i++) {
      if (buf)
        run_sample(run, &tg, plan, i, buf, buf + run->d, buf + 2 * run->d, traj, final);
      else
        failed = 1;
    }
    free(buf);
  }
  free(plan);
  if (failed) return ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for work buffers");
  return DDPM_OK;
}
