/* fp_schedule_continuous.c: vp and ou on their time grid, binary64.
 *
 * Grid: tau_0 = 0 (the data), tau_k = eps + (end - eps)(k - 1)/(T - 1) for
 * k = 1..T. With B(tau) = int_0^tau beta(s) ds the marginal is abar(tau) =
 * exp(-B(tau)), so abar_k = exp(-B_k), 1 - abar_k = -expm1(-B_k) and
 * beta_k = 1 - abar_k/abar_{k-1} = -expm1(-(B_k - B_{k-1})), where the
 * increment is formed directly (width times mean rate), never as a
 * difference of two B's: no cancellation anywhere. */
#include <math.h>

#include "ddpm_fp.h"

/* tau_k and the width tau_k - tau_{k-1}, both formed directly */
static void grid(long long k, long long T, double eps, double end, double *tau, double *width)
{
  double step = (end - eps) / (double)(T - 1);
  *tau = k == 0 ? 0.0 : eps + step * (double)(k - 1);
  *width = k == 1 ? eps : step;
}

static void fill_from_integral(long long T, double *beta, double *abar, double *oma,
                               const double *B, const double *dB)
{
  beta[0] = 0.0;
  abar[0] = 1.0;
  oma[0] = 0.0;
  for (long long k = 1; k <= T; k++) {
    abar[k] = exp(-B[k]);
    oma[k] = -expm1(-B[k]);
    beta[k] = -expm1(-dB[k]);
  }
}

/* B(tau) = beta_min tau + (beta_max - beta_min) tau^2/2; the increment over
 * [a, b] is (b - a)(beta_min + (beta_max - beta_min)(a + b)/2). */
void ddpm_fp_vp_fill(long long T, double bmin, double bmax, double eps, double *beta,
                     double *abar, double *oma, double *B, double *dB)
{
  double slope = bmax - bmin, prev = 0.0;
  for (long long k = 1; k <= T; k++) {
    double tau, width;
    grid(k, T, eps, 1.0, &tau, &width);
    B[k] = tau * (bmin + 0.5 * slope * tau);
    dB[k] = width * (bmin + 0.5 * slope * (tau + prev));
    prev = tau;
  }
  fill_from_integral(T, beta, abar, oma, B, dB);
}

/* dX = -X dt + sqrt(2) dB: B(tau) = 2 tau */
void ddpm_fp_ou_fill(long long T, double horizon, double eps, double *beta, double *abar,
                     double *oma, double *B, double *dB)
{
  for (long long k = 1; k <= T; k++) {
    double tau, width;
    grid(k, T, eps, horizon, &tau, &width);
    B[k] = 2.0 * tau;
    dB[k] = 2.0 * width;
  }
  fill_from_integral(T, beta, abar, oma, B, dB);
}
