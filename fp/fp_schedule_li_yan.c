/* fp_schedule_li_yan.c: Li & Yan (2024), eq. 2.3, with k = c1 log T / T:
 *   beta_1 = T^-c0,  beta_{t+1} = k min(beta_1 (1 + k)^t, 1).
 * The power is exp(log beta_1 + t log1p(k)): no overflow for any t, and
 * log1p keeps k's digits when k is small. */
#include <math.h>

#include "ddpm_fp.h"

void ddpm_fp_li_yan_betas(long long T, double c0, double c1, double *beta)
{
  double logT = log((double)T), k = c1 * logT / (double)T;
  double log_beta1 = -c0 * logT, log_growth = log1p(k);
  beta[0] = 0.0;
  beta[1] = exp(log_beta1);
  for (long long t = 1; t < T; t++)
    beta[t + 1] = k * fmin(exp(log_beta1 + (double)t * log_growth), 1.0);
}
