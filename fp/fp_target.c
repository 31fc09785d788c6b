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
  mg->m = malloc(6 * len * sizeof *mg->m); /* one block for the six tables */
  if (!mg->m) return DDPM_EINTERNAL;
  mg->v = mg->m + len, mg->log_v = mg->m + 2 * len;
  mg->m_jk = mg->m + 3 * len, mg->v_jk = mg->m + 4 * len, mg->log_v_jk = mg->m + 5 * len;
  return DDPM_OK;
}

void ddpm_fp_marginal_free(ddpm_fp_marginal *mg)
{
  free(mg->m);
  mg->m = mg->v = mg->log_v = mg->m_jk = mg->v_jk = mg->log_v_jk = NULL;
}

/* The same operations, in the same order, as the score once did per sample
 * and coordinate (ref/emu_sampler.c mirrors them): hoisting them out of the
 * sample loop leaves every value bit for bit as it was. */
void ddpm_fp_marginal_at(const ddpm_fp_target *tg, const ddpm_fp_time *at,
                         ddpm_fp_marginal *mg)
{
  const long long K = tg->K, d = tg->d;
  for (long long k = 0; k < K; k++)
    for (long long j = 0; j < d; j++) {
      long long q = k * d + j, t = j * K + k;
      mg->m[q] = mg->m_jk[t] = at->sqrt_abar * tg->mean[q];
      mg->v[q] = mg->v_jk[t] = at->abar * tg->var[q] + at->oma;
      if (K > 1) mg->log_v[q] = mg->log_v_jk[t] = log(mg->v[q]);
    }
}

DDPM_FP_SIMD_CLONES
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
  /* l_k = log pi_k - 1/2 sum_j (log v + (x - m)^2 / v), then softmax. Each
   * component's sum runs over j in order (no reassociation); the components
   * advance side by side, in SIMD lanes over the j-major tables. */
  for (long long k = 0; k < K; k++) resp[k] = 0.0;
  for (long long j = 0; j < d; j++) {
    const double xj = x[j];
    const double *m = mg->m_jk + j * K, *v = mg->v_jk + j * K, *log_v = mg->log_v_jk + j * K;
    #pragma omp simd
    for (long long k = 0; k < K; k++) {
      double dx = xj - m[k];
      resp[k] += log_v[k] + dx * dx / v[k];
    }
  }
  double lmax = -INFINITY;
  for (long long k = 0; k < K; k++) {
    resp[k] = tg->log_pi[k] - 0.5 * resp[k];
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
