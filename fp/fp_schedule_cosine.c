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
 * Every sine then has a relative condition number x cot x <= 1.
 *
 * Proved (proofs/, contract in spec/ddpm_fp.h): the eva_* properties by Eva
 * over their whole precondition domains (int -> double conversions), all
 * the rest by WP in the binary64 float model, under the libm assumptions of
 * proofs/libm_assumptions.h. The helpers split the computation so that each
 * rounded operation gets its own goal; operations and order are unchanged. */
#include <math.h>

#include "ddpm_fp.h"

#define HALF_PI 0x1.921fb54442d18p+0

/* (double)T */
/*@ requires 2 <= T <= DDPM_SCHED_PROVED_TMAX;
    assigns \nothing;
    ensures eva_cos_dT: \is_finite(\result) && 2.0 <= \result <= 10000.0;
*/
static double cos_dT(long long T)
{
  return (double)T;
}

/* n/T in units of c: (double)n / (double)T */
/*@ requires 2 <= T <= DDPM_SCHED_PROVED_TMAX && 0 <= n <= 2 * T;
    assigns \nothing;
    ensures eva_units:     \is_finite(\result) && 0.0 <= \result <= 2.0;
    ensures eva_units_pos: n >= 1 ==> \result >= 0x1p-14;
    ensures eva_units_le1: n <= T ==> \result <= 1.0;
*/
static double cos_units(long long n, long long T)
{
  return (double)n / (double)T;
}

/* sin of the angle c x or, when that exceeds pi/2, of its supplement c y
 * (x + y = pi/c exactly in the reals) */
/*@ requires \is_finite(c) && \is_finite(x) && \is_finite(y);
    requires 0x1p-10 <= c <= 0x1.91cp0;
    requires 0x1p-14 <= x <= 0x1.004p11 && 0x1p-14 <= y <= 2.0;
    assigns \nothing;
    ensures sin_small_rng: \is_finite(\result) && 0x1p-31 <= \result <= 1.0;
*/
static double sin_small(double c, double x, double y)
{
  if (x <= y) {
    /*@ assert x_le2: x <= 2.0; */
    return sin(c * x);
  }
  return sin(c * y);
}

/* cos(c a) = sin(c comp) (a + comp = pi/(2c) in the reals), taking the
 * smaller of the two angles */
/*@ requires \is_finite(c) && \is_finite(a) && \is_finite(comp);
    requires 0x1p-10 <= c <= 0x1.91cp0;
    requires 0x1p-10 <= a <= 0x1.004p10 && 0x1p-14 <= comp <= 1.0;
    assigns \nothing;
    ensures cos_of_rng: \is_finite(\result) && 0x1p-31 <= \result <= 1.0;
*/
static double cos_of(double c, double a, double comp)
{
  if (a <= comp) {
    /*@ assert a_le1: a <= 1.0; */
    return cos(c * a);
  }
  return sin(c * comp);
}

/* beta_t = min(sin(b + a) sin(b - a) / cos^2 a, max_beta) */
/*@ requires \is_finite(c) && \is_finite(sin_diff) && \is_finite(s) && \is_finite(max_beta);
    requires 0x1p-10 <= c <= 0x1.91cp0 && 0x1p-31 <= sin_diff <= 1.0;
    requires 0x1p-10 <= s <= 0x1p10 && 0x1p-1022 <= max_beta <= 0x1.fffffffffffffp-1;
    requires 2 <= T <= DDPM_SCHED_PROVED_TMAX && 1 <= t <= T;
    assigns \nothing;
    ensures cos_beta_rng: \is_finite(\result) && 0.0 < \result < 1.0;
*/
static double cos_beta(double c, double sin_diff, double s, double max_beta, long long T,
                       long long t)
{
  /* cos a = sin(pi/2 - a): compare a with its complement in units of c */
  double a_units = cos_units(t - 1, T) + s, comp_units = cos_units(T - t + 1, T);
  double cos_a = cos_of(c, a_units, comp_units);
  double sin_sum = sin_small(c, cos_units(2 * t - 1, T) + 2.0 * s,
                             cos_units(2 * T - 2 * t + 1, T));
  double num = sin_sum * sin_diff;
  /*@ assert num_rng: \is_finite(num) && 0x1p-63 <= num <= 1.0; */
  double den = cos_a * cos_a;
  /*@ assert den_rng: \is_finite(den) && 0x1p-63 <= den <= 1.0; */
  double b = num / den;
  /*@ assert b_rng: \is_finite(b) && 0x1p-63 <= b <= 0x1p63; */
  double r = fmin(b, max_beta);
  /*@ assert r_pos: 0x1p-1022 <= r; */
  return r;
}

/* c = (pi/2)/(1 + s) */
/*@ requires \is_finite(s) && 0x1p-10 <= s <= 0x1p10;
    assigns \nothing;
    ensures c_rng: \is_finite(\result) && 0x1p-10 <= \result <= 0x1.91cp0;
*/
static double cos_c(double s)
{
  return HALF_PI / (1.0 + s);
}

/* sin(b - a) = sin(c/T) */
/*@ requires \is_finite(c) && \is_finite(dT);
    requires 0x1p-10 <= c <= 0x1.91cp0 && 2.0 <= dT <= 10000.0;
    assigns \nothing;
    ensures sin_diff_rng: \is_finite(\result) && 0x1p-31 <= \result <= 1.0;
*/
static double cos_sin_diff(double c, double dT)
{
  return sin(c / dT);
}

void ddpm_fp_cosine_betas(long long T, double s, double max_beta, double *beta)
{
  const double c = cos_c(s), dT = cos_dT(T);
  const double sin_diff = cos_sin_diff(c, dT);
  beta[0] = 0.0;
  /*@ loop invariant t_rng: 1 <= t <= T + 1;
      loop invariant inv_beta: \forall integer u; 1 <= u < t ==>
                       \is_finite(beta[u]) && 0.0 < beta[u] < 1.0;
      loop assigns t, beta[0 .. T]; // 0 .. T: small WP memory terms (as in linear)
      loop variant T + 1 - t;
  */
  for (long long t = 1; t <= T; t++)
    beta[t] = cos_beta(c, sin_diff, s, max_beta, T, t);
}
