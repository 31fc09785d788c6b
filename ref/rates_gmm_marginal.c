/* rates_gmm_marginal.c: a 1-D mixture's forward marginal, score and score
 * derivative in long double (rates_gmm_marginal.h). With g_k = (m_k - x)/v_k
 * and responsibilities r_k (softmax of the log-densities):
 *   s = sum_k r_k g_k,   s' = sum_k r_k (g_k - s)^2 - sum_k r_k / v_k
 * (s' = p''/p - s^2, written as a variance so that nothing cancels). */
#include <math.h>
#include <stdlib.h>

#include "ddpm_mixture.h"
#include "rates_gmm_marginal.h"

void gmm_marginal_free(gmm_marginal *g)
{
  free(g->logw), free(g->mu), free(g->s2), free(g->m), free(g->v), free(g->c), free(g->l);
  g->logw = g->mu = g->s2 = g->m = g->v = g->c = g->l = NULL;
  g->K = 0;
}

int gmm_marginal_init(gmm_marginal *g, const ddpm_spec *target, ddpm_err *e)
{
  ddpm_mixture mx;
  *g = (gmm_marginal){0};
  int rc = ddpm_mixture_from_spec(target, &mx, e);
  if (rc != DDPM_OK) return rc;
  if (mx.d != 1) {
    ddpm_mixture_free(&mx);
    return ddpm_fail(e, DDPM_EINPUT, "--target: %s: mixtures are propagated in 1-D only, "
                     "not d = %lld", target->canonical, mx.d);
  }
  const size_t K = (size_t)mx.K;
  g->K = mx.K;
  g->logw = malloc(K * sizeof *g->logw), g->mu = malloc(K * sizeof *g->mu);
  g->s2 = malloc(K * sizeof *g->s2), g->m = malloc(K * sizeof *g->m);
  g->v = malloc(K * sizeof *g->v), g->c = malloc(K * sizeof *g->c);
  g->l = malloc(K * sizeof *g->l);
  if (!g->logw || !g->mu || !g->s2 || !g->m || !g->v || !g->c || !g->l) {
    ddpm_mixture_free(&mx);
    gmm_marginal_free(g);
    return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory for %zu components", K);
  }
  long double total = 0;
  for (size_t k = 0; k < K; k++) total += g->logw[k] = strtold(mx.weight_text[k], NULL);
  g->sd_min = INFINITY, g->sd_max = 0, g->mu_min = INFINITY, g->mu_max = -INFINITY;
  for (size_t k = 0; k < K; k++) {
    g->logw[k] = logl(g->logw[k] / total);
    g->mu[k] = strtold(mx.mean_text[k], NULL), g->s2[k] = strtold(mx.var_text[k], NULL);
    g->sd_min = fminl(g->sd_min, sqrtl(g->s2[k])), g->sd_max = fmaxl(g->sd_max, sqrtl(g->s2[k]));
    g->mu_min = fminl(g->mu_min, g->mu[k]), g->mu_max = fmaxl(g->mu_max, g->mu[k]);
  }
  ddpm_mixture_free(&mx);
  gmm_marginal_at(g, 1, 1, 0);
  return DDPM_OK;
}

void gmm_marginal_at(gmm_marginal *g, long double abar, long double sqrt_abar, long double oma)
{
  for (long long k = 0; k < g->K; k++) {
    g->m[k] = sqrt_abar * g->mu[k];
    g->v[k] = abar * g->s2[k] + oma;
    g->c[k] = g->logw[k] - 0.5L * logl(2 * GMM_PI * g->v[k]);
  }
}

long double gmm_marginal_eval(gmm_marginal *g, long double x, long double *s, long double *ds)
{
  long double top = -INFINITY, sum = 0, mean = 0, spread = 0, curv = 0;
  for (long long k = 0; k < g->K; k++) {
    const long double dx = x - g->m[k];
    g->l[k] = g->c[k] - 0.5L * dx * dx / g->v[k];
    top = fmaxl(top, g->l[k]);
  }
  for (long long k = 0; k < g->K; k++) sum += g->l[k] = expl(g->l[k] - top);
  for (long long k = 0; k < g->K; k++) {
    g->l[k] /= sum; /* r_k */
    mean += g->l[k] * (g->m[k] - x) / g->v[k];
    curv += g->l[k] / g->v[k];
  }
  if (ds) {
    for (long long k = 0; k < g->K; k++) {
      const long double dg = (g->m[k] - x) / g->v[k] - mean;
      spread += g->l[k] * dg * dg;
    }
    *ds = spread - curv;
  }
  if (s) *s = mean;
  return expl(top) * sum;
}
