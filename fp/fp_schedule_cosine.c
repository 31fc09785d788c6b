/* fp_schedule_cosine.c: Nichol & Dhariwal's cosine schedule in binary64,
 * free of cancellation and of ill-conditioned angles.
 *
 * With f(u) = cos^2(theta(u)), theta(u) = (u + s)/(1 + s) pi/2 = c (u + s),
 * c = (pi/2)/(1 + s), a = theta((t-1)/T) and b = theta(t/T):
 *   cos^2 a - cos^2 b = sin(b + a) sin(b - a),
 *   beta_t = sin(b + a) sin(b - a) / cos^2 a.
 * Near t = T, a and b + a approach pi/2 and pi, where cos and sin of a
 * rounded angle lose up to log2(T) digits. So each factor is the sine of
 * whichever of the two complementary angles is at most pi/2, formed
 * directly from integers (never as pi/2 - a):
 *   b - a = c / T,
 *   b + a = c ((2t - 1)/T + 2s),       pi - (b + a) = c (2T - 2t + 1)/T,
 *   a     = c ((t - 1)/T + s),          pi/2 - a    = c (T - t + 1)/T.
 * Every sine then has a relative condition number x cot x <= 1. */
#include <math.h>

#include "ddpm_fp.h"

#define HALF_PI 0x1.921fb54442d18p+0

/* sin of the angle c x or, when that exceeds pi/2, of its supplement c y
 * (x + y = pi/c exactly in the reals) */
static double sin_small(double c, double x, double y)
{
  return x <= y ? sin(c * x) : sin(c * y);
}

void ddpm_fp_cosine_betas(long long T, double s, double max_beta, double *beta)
{
  const double c = HALF_PI / (1.0 + s), dT = (double)T;
  const double sin_diff = sin(c / dT);
  beta[0] = 0.0;
  for (long long t = 1; t <= T; t++) {
    /* cos a = sin(pi/2 - a): compare a with its complement in units of c */
    double a_units = (double)(t - 1) / dT + s, comp_units = (double)(T - t + 1) / dT;
    double cos_a = a_units <= comp_units ? cos(c * a_units) : sin(c * comp_units);
    double sin_sum = sin_small(c, (double)(2 * t - 1) / dT + 2.0 * s,
                               (double)(2 * T - 2 * t + 1) / dT);
    double b = sin_sum * sin_diff / (cos_a * cos_a);
    beta[t] = fmin(b, max_beta);
  }
}
