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

int ddpm_fp_marginal_alloc(const ddpm_fp_target *tg, ddpm_fp_marginal *mg)
{
  const size_t len = (size_t)(tg->K * tg->d);
  mg->m = malloc(len * sizeof *mg->m);
  mg->v = malloc(len * sizeof *mg->v);
  mg->log_v = malloc(len * sizeof *mg->log_v);
  if (mg->m && mg->v && mg->log_v) return DDPM_OK;
  ddpm_fp_marginal_free(mg);
  return DDPM_EINTERNAL;
}

void ddpm_fp_marginal_free(ddpm_fp_marginal *mg)
{
  free(mg->m);
  free(mg->v);
  free(mg->log_v);
  mg->m = mg->v = mg->log_v = NULL;
}

/* The same operations, in the same order, as the score once did per sample
 * and coordinate (ref/emu_sampler.c mirrors them): hoisting them out of the
 * sample loop leaves every value bit for bit as it was. */
void ddpm_fp_marginal_at(const ddpm_fp_target *tg, const ddpm_fp_time *at,
                         ddpm_fp_marginal *mg)
{
  for (long long q = 0; q < tg->K * tg->d; q++) {
    mg->m[q] = at->sqrt_abar * tg->mean[q];
    mg->v[q] = at->abar * tg->var[q] + at->oma;
    if (tg->K > 1) mg->log_v[q] = log(mg->v[q]);
  }
}

void ddpm_fp_target_score(const ddpm_fp_target *tg, const ddpm_fp_marginal *mg,
                          const double *x, double *s, double *resp)
{
  const long long K = tg->K, d = tg->d;
  if (K == 1) { /* r_1 = 1: no log-sum-exp needed */
    const double *m = mg->m, *v = mg->v;
    #pragma omp simd /* elementwise: SIMD gives the scalar loop's values */
    for (long long j = 0; j < d; j++) s[j] = (m[j] - x[j]) / v[j];
    return;
  }
  /* l_k = log pi_k - 1/2 sum_j (log v + (x - m)^2 / v), then softmax */
  double lmax = -INFINITY;
  for (long long k = 0; k < K; k++) {
    const double *m = mg->m + k * d, *v = mg->v + k * d, *log_v = mg->log_v + k * d;
    double acc = 0.0;
    for (long long j = 0; j < d; j++) { /* a sum in this order: not reassociated */
      double dx = x[j] - m[j];
      acc += log_v[j] + dx * dx / v[j];
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
    const double *m = mg->m + k * d, *v = mg->v + k * d;
    double r = resp[k] / total;
    #pragma omp simd /* elementwise across j: the same values as the scalar loop */
    for (long long j = 0; j < d; j++) s[j] += r * ((m[j] - x[j]) / v[j]);
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
