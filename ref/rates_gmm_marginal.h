/* rates_gmm_marginal.h: the forward marginal of a 1-D Gaussian mixture in
 * long double, p_t(x) = sum_k w_k N(x; sqrt(abar_t) mu_k, abar_t s2_k +
 * 1 - abar_t), with its score and the score's derivative (for
 * ref/rates_gmm.c). */
#ifndef DDPM_RATES_GMM_MARGINAL_H
#define DDPM_RATES_GMM_MARGINAL_H

#include "ddpm_error.h"
#include "ddpm_model.h"

#define GMM_PI 3.141592653589793238462643383279502884L

typedef struct {
  long long K;
  long double *logw, *mu, *s2; /* normalised log-weights, means, variances */
  long double *m, *v, *c;      /* at the current time: means, variances and
                                  log w_k - 1/2 log(2 pi v_k) */
  long double *l;              /* scratch: log-densities, then responsibilities */
  long double sd_min, sd_max, mu_min, mu_max; /* of the target's components */
} gmm_marginal;

/* From a 1-D target spec (gauss or gmm; exit code 2 for d > 1). */
int gmm_marginal_init(gmm_marginal *g, const ddpm_spec *target, ddpm_err *e);
void gmm_marginal_free(gmm_marginal *g);
/* Moves g to the time with abar_t, sqrt(abar_t) and 1 - abar_t. */
void gmm_marginal_at(gmm_marginal *g, long double abar, long double sqrt_abar,
                     long double oma);
/* p_t(x); the score s_t(x) and its derivative into *s and *ds if non-NULL. */
long double gmm_marginal_eval(gmm_marginal *g, long double x, long double *s, long double *ds);

#endif
