/* fp_target.c: Gaussian-mixture targets and their exact score in binary64
 * (spec/maths.md section 3). */
#include <math.h>
#include <stdlib.h>

#include "ddpm_fp.h"
#include "ddpm_mixture.h"

int ddpm_fp_target_init(const ddpm_spec *spec, ddpm_fp_target *tg, ddpm_err *e)
{
  ddpm_mixture m;
  tg->log_pi = tg->mean = tg->var = NULL;
  int rc = ddpm_mixture_from_spec(spec, &m, e);
  if (rc != DDPM_OK) return rc;
  const long long K = m.K, d = m.d;
  tg->K = K;
  tg->d = d;
  tg->log_pi = malloc((size_t)K * sizeof *tg->log_pi);
  tg->mean = malloc((size_t)(K * d) * sizeof *tg->mean);
  tg->var = malloc((size_t)(K * d) * sizeof *tg->var);
  if (!tg->log_pi || !tg->mean || !tg->var) {
    ddpm_mixture_free(&m);
    ddpm_fp_target_free(tg);
    return ddpm_fail(e, DDPM_EINTERNAL, "--target: out of memory for %lld x %lld values", K, d);
  }
  for (long long k = 0; k < K; k++) tg->log_pi[k] = log(m.weight[k] / m.weight_sum);
  for (long long q = 0; q < K * d; q++) {
    tg->mean[q] = m.mean[q];
    tg->var[q] = m.var[q];
  }
  ddpm_mixture_free(&m);
  return DDPM_OK;
}

void ddpm_fp_target_free(ddpm_fp_target *tg)
{
  free(tg->log_pi);
  free(tg->mean);
  free(tg->var);
  tg->log_pi = tg->mean = tg->var = NULL;
}

/* One component's mean and variance at time t, coordinate j. */
static inline void marginal(const ddpm_fp_time *at, double mu, double s2, double *m, double *v)
{
  *m = at->sqrt_abar * mu;
  *v = at->abar * s2 + at->oma;
}

void ddpm_fp_target_score(const ddpm_fp_target *tg, const ddpm_fp_time *at, const double *x,
                          double *s, double *resp)
{
  const long long K = tg->K, d = tg->d;
  if (K == 1) { /* r_1 = 1: no log-sum-exp needed */
    for (long long j = 0; j < d; j++) {
      double m, v;
      marginal(at, tg->mean[j], tg->var[j], &m, &v);
      s[j] = (m - x[j]) / v;
    }
    return;
  }
  /* l_k = log pi_k - 1/2 sum_j (log v + (x - m)^2 / v), then softmax */
  double lmax = -INFINITY;
  for (long long k = 0; k < K; k++) {
    const double *mu = tg->mean + k * d, *s2 = tg->var + k * d;
    double acc = 0.0;
    for (long long j = 0; j < d; j++) {
      double m, v;
      marginal(at, mu[j], s2[j], &m, &v);
      double dx = x[j] - m;
      acc += log(v) + dx * dx / v;
    }
    resp[k] = tg->log_pi[k] - 0.5 * acc;
    if (resp[k] > lmax) lmax = resp[k];
  }
  double total = 0.0;
  for (long long k = 0; k < K; k++) {
    resp[k] = exp(resp[k] - lmax);
    total += resp[k];
  }
  for (long long j = 0; j < d; j++) s[j] = 0.0;
  for (long long k = 0; k < K; k++) {
    const double *mu = tg->mean + k * d, *s2 = tg->var + k * d;
    double r = resp[k] / total;
    for (long long j = 0; j < d; j++) {
      double m, v;
      marginal(at, mu[j], s2[j], &m, &v);
      s[j] += r * ((m - x[j]) / v);
    }
  }
}

void ddpm_fp_score_perturb(const ddpm_run *run, long long d, double *s)
{
  if (run->score_error == DDPM_SCORE_BIAS)
    for (long long j = 0; j < d; j++) s[j] += run->score_error_value;
  else if (run->score_error == DDPM_SCORE_REL) {
    double f = 1.0 + run->score_error_value;
    for (long long j = 0; j < d; j++) s[j] *= f;
  }
}
