/* fp_schedule_lcw.c: Li, Cai & Wei (2025), eq. 14, defined through abar,
 * k = c1 log T / T:
 *   abar_T = T^-c0,   abar_{t-1} = abar_t + k abar_t (1 - abar_t).
 * 1 - abar_1 is tiny (about 1e-20 for T = 100, c0 = 2, c1 = 10), far below
 * binary64's resolution near 1, so 1 - abar is carried by its own product,
 *   1 - abar_{t-1} = (1 - abar_t)(1 - k abar_t),
 * and beta_t = 1 - abar_t/abar_{t-1} = k abar_t (1 - abar_t)/abar_{t-1}: no
 * subtraction of nearly equal numbers anywhere (k abar_t <= k < 1). */
#include <math.h>

#include "ddpm_fp.h"

void ddpm_fp_lcw_fill(long long T, double c0, double c1, double *beta, double *abar,
                      double *oma)
{
  double logT = log((double)T), k = c1 * logT / (double)T;
  abar[T] = exp(-c0 * logT);
  oma[T] = -expm1(-c0 * logT);
  for (long long t = T; t > 1; t--) {
    double growth = k * abar[t] * oma[t];
    abar[t - 1] = abar[t] + growth;
    oma[t - 1] = oma[t] * (1.0 - k * abar[t]);
    beta[t] = growth / abar[t - 1];
  }
  abar[0] = 1.0;
  oma[0] = 0.0;
  beta[0] = 0.0;
  beta[1] = oma[1]; /* abar_0 = 1: beta_1 = 1 - abar_1 exactly */
}
