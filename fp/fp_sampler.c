/* fp_sampler.c: the reverse samplers in binary64 (spec/maths.md section 4).
 *
 * Every step is planned once, before any sample moves: where the score is
 * evaluated and the affine coefficients y' = a y + b s + c z (fp_coeffs.c).
 * Each sample then runs all its steps alone (draws are addressed, so samples
 * are independent and may be split over threads in any way). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_fp.h"
#include "ddpm_fp_step.h"

static ddpm_fp_time time_at(const ddpm_fp_schedule *sch, long long t)
{
  ddpm_fp_time at = {sch->abar[t], sch->oma[t], sch->sqrt_abar[t], sch->sqrt_oma[t]};
  return at;
}

int ddpm_fp_plan_step(const ddpm_run *run, const ddpm_fp_schedule *sch, const ddpm_fp_grid *g,
                      long long t, long long p, ddpm_fp_step_plan *c, ddpm_err *e)
{
  const ddpm_spec *sp = &run->sampler;
  const int noise = p > 0 || ddpm_sampler_last_noise(sp);
  double beta_j, alpha_j;
  ddpm_fp_jump(sch, t, p, &beta_j, &alpha_j);
  memset(c, 0, sizeof *c);
  c->at = time_at(sch, t);
  double h = 0.0, r = 0.0;
  if (ddpm_sampler_is_continuous(sp)) {
    h = ddpm_fp_grid_width(g, t, p);
    r = ddpm_fp_grid_rate(g, ddpm_fp_grid_tau(g, t));
  }
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM:
    ddpm_fp_coeffs_ddpm(beta_j, alpha_j, beta_j * (sch->oma[p] / sch->oma[t]),
                        sp->word[DDPM_DDPM_VAR], noise, &c->k);
    break;
  case DDPM_SAMPLER_DDIM:
    ddpm_fp_coeffs_ddim(sp->real[DDPM_DDIM_ETA], beta_j, alpha_j, sch->oma[t], sch->oma[p],
                        &c->k);
    break;
  case DDPM_SAMPLER_LIYAN_ODE: ddpm_fp_coeffs_liyan_ode(beta_j, alpha_j, &c->k); break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: ddpm_fp_coeffs_em(h, r, noise, &c->k); break;
  case DDPM_SAMPLER_VP_EI: ddpm_fp_coeffs_ei(beta_j, alpha_j, noise, &c->k); break;
  case DDPM_SAMPLER_PF_EULER: ddpm_fp_coeffs_pf_euler(h, r, &c->k); break;
  case DDPM_SAMPLER_PF_HEUN:
    ddpm_fp_coeffs_pf_euler(h, r, &c->k);
    if (p > 0) { /* the last step is Euler alone: no score at the data end */
      c->heun = 1;
      c->ap = time_at(sch, p);
      ddpm_fp_coeffs_heun(h, r, ddpm_fp_grid_rate(g, ddpm_fp_grid_tau(g, p)), &c->k2, &c->q);
    }
    break;
  }
  /* A jump so long that 1 - beta_j rounds to 0 (alpha_j < 2^-54) has no
   * binary64 coefficients: refuse it rather than return inf or NaN. */
  if (!(isfinite(c->k.a) && isfinite(c->k.b) && isfinite(c->k.c) && isfinite(c->k2.a) &&
        isfinite(c->k2.b) && isfinite(c->q)))
    return ddpm_fail(e, DDPM_EINPUT,
                     "--steps: the step from t = %lld to %lld has alpha = abar_t/abar_p = %g "
                     "in binary64: its coefficients overflow (use more steps, or --engine ref)",
                     t, p, alpha_j);
  return DDPM_OK;
}

static int plan_run(const ddpm_run *run, const ddpm_fp_schedule *sch, ddpm_fp_step_plan **out,
                    ddpm_err *e)
{
  const long long K = run->steps;
  ddpm_fp_grid g = {0};
  ddpm_fp_grid_init(&run->schedule, &g);
  ddpm_fp_step_plan *plan = malloc((size_t)K * sizeof *plan);
  long long *ts = malloc((size_t)K * sizeof *ts), *ps = malloc((size_t)K * sizeof *ps);
  int rc = !plan || !ts || !ps ? ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for the "
                                           "step plan")
                                : ddpm_run_timesteps(run, ts, ps, e);
  for (long long k = 0; k < K && rc == DDPM_OK; k++)
    rc = ddpm_fp_plan_step(run, sch, &g, ts[k], ps[k], &plan[k], e);
  free(ts);
  free(ps);
  if (rc != DDPM_OK) {
    free(plan);
    plan = NULL;
  }
  *out = plan;
  return rc;
}

/* Work buffers of one thread. */
typedef struct {
  double *y, *s, *z, *ytil, *s2, *resp;
} work;

static void score(const ddpm_run *run, const ddpm_fp_target *tg, const ddpm_fp_time *at,
                  const double *x, double *s, double *resp)
{
  ddpm_fp_target_score(tg, at, x, s, resp);
  ddpm_fp_score_perturb(run, tg->d, s);
}

static void step(const ddpm_run *run, const ddpm_fp_target *tg, const ddpm_fp_step_plan *c,
                 long long i, long long k, const work *w)
{
  const long long d = run->d;
  double *y = w->y, *s = w->s;
  score(run, tg, &c->at, y, s, w->resp);
  if (c->heun) {
    /* Ytilde = Euler predictor; Y_p = a Y + b s_t + (q Ytilde + q s_p(Ytilde)) */
    for (long long j = 0; j < d; j++)
      w->ytil[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], 0.0, 0.0);
    score(run, tg, &c->ap, w->ytil, w->s2, w->resp);
    for (long long j = 0; j < d; j++) {
      double corr = ddpm_fp_affine_apply(c->q, w->ytil[j], c->q, w->s2[j], 0.0, 0.0);
      y[j] = ddpm_fp_affine_apply(c->k2.a, y[j], c->k2.b, s[j], c->k2.c, corr);
    }
    return;
  }
  if (c->k.c != 0.0) {
    ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)k, d, w->z);
    for (long long j = 0; j < d; j++)
      y[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], c->k.c, w->z[j]);
  } else {
    for (long long j = 0; j < d; j++)
      y[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], 0.0, 0.0);
  }
}

static void run_sample(const ddpm_run *run, const ddpm_fp_target *tg, const ddpm_fp_step_plan *plan,
                       long long i, const work *w, double *traj, double *final)
{
  const long long d = run->d, rowlen = run->n * d;
  ddpm_fp_gaussians(run->seed, (uint64_t)i, 0, d, w->y);
  if (traj) memcpy(traj + i * d, w->y, (size_t)d * sizeof *w->y);
  for (long long k = 1; k <= run->steps; k++) {
    step(run, tg, &plan[k - 1], i, k, w);
    if (traj) memcpy(traj + k * rowlen + i * d, w->y, (size_t)d * sizeof *w->y);
  }
  memcpy(final + i * d, w->y, (size_t)d * sizeof *w->y);
}

int ddpm_fp_run(const ddpm_run *run, int threads, double *traj, double *final,
                ddpm_err *e)
{
  if (run->steps > (long long)UINT32_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  ddpm_fp_schedule sch;
  ddpm_fp_target tg;
  int rc = ddpm_fp_schedule_build(&run->schedule, &sch, e);
  if (rc != DDPM_OK) return rc;
  ddpm_fp_step_plan *plan;
  rc = plan_run(run, &sch, &plan, e);
  ddpm_fp_schedule_free(&sch);
  if (rc != DDPM_OK) return rc;
  rc = ddpm_fp_target_init(&run->target, &tg, e);
  if (rc != DDPM_OK) { free(plan); return rc; }

  int failed = 0;
  const size_t d = (size_t)run->d, K = (size_t)tg.K;
  (void)threads; /* used by OpenMP only */
  #pragma omp parallel num_threads(threads) reduction(|: failed)
  {
    double *buf = malloc((5 * d + K) * sizeof *buf);
    work w = {0};
    if (buf) w = (work){buf, buf + d, buf + 2 * d, buf + 3 * d, buf + 4 * d, buf + 5 * d};
    /* every thread must reach the worksharing loop, even without a buffer */
    #pragma omp for schedule(static)
    for (long long i = 0; i < run->n; i++) {
      if (buf) run_sample(run, &tg, plan, i, &w, traj, final);
      else failed = 1;
    }
    free(buf);
  }
  free(plan);
  ddpm_fp_target_free(&tg);
  if (failed) return ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for work buffers");
  return DDPM_OK;
}
