/* fp_schedule_scaled_linear.c: beta_t = (sqrt(bmin) + (sqrt(bmax) - sqrt(bmin)) frac)^2,
 * frac = (t-1)/(T-1) (diffusers' "scaled_linear"). */
#include <math.h>

#include "ddpm_fp.h"

void ddpm_fp_scaled_linear_betas(long long T, double bmin, double bmax, double *beta)
{
  double lo = sqrt(bmin), width = sqrt(bmax) - lo;
  beta[0] = 0.0;
  for (long long t = 1; t <= T; t++) {
    double root = lo + width * ((double)(t - 1) / (double)(T - 1));
    beta[t] = root * root;
  }
}
