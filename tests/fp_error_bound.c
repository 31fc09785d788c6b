/* fp_error_bound.c: see fp_error_bound.h; each line mirrors one rounded
 * operation of fp/fp_boxmuller.c (or of the audit's emulation,
 * ref/emu_sampler.c). Bounds are computed in long double (64-bit significand)
 * and padded by 1% for the second-order terms left out. */
#include <math.h>

#include "fp_error_bound.h"

#define U 0x1p-53L                     /* unit roundoff of binary64 */
#define TWO_PI_ERR 2.4492935982947064e-16L /* |2 pi - fl(2 pi)| */

#define PI_L 3.14159265358979323846264338327950288L

/* |cos 2 pi U| or |sin 2 pi U| (use_sine), reduced by quarter periods exactly
 * as the fast path does (U has 54 bits, long double 64), so accurate near the
 * zeros too */
static long double trig_2pi(long double x, int use_sine)
{
  long double q = nearbyintl(4 * x), t = x - q / 4; /* exact */
  int odd = ((long)q & 1) != 0;
  long double a = 2 * PI_L * t;
  return use_sine != odd ? fabsl(sinl(a)) : fabsl(cosl(a));
}

/* r = sqrt(-2 ln U1) from a log within rel_log |ln U1| + abs_log, then
 * sqrt rounded: dr */
static long double radius_error(long double U1, long double e1, long double rel_log, long double *r)
{
  long double L = fabsl(logl(U1));
  long double dL = e1 / (U1 - e1) + rel_log * U * (L + e1 / (U1 - e1)); /* input + log */
  long double x = 2 * L, dx = 2 * dL;                                     /* -2 ln U1: exact */
  *r = sqrtl(x);
  long double dr_in = fminl(dx / *r, sqrtl(dx)); /* |sqrt(x') - sqrt(x)| */
  return dr_in + U * (*r + dr_in);               /* + sqrt's rounding */
}

double fp_gaussian_error_bound(uint64_t w1, uint64_t w2, int use_sine)
{
  long double U1 = ((long double)w1 + 0.5L) * 0x1p-53L; /* exact: 54 bits */
  long double U2 = ((long double)w2 + 0.5L) * 0x1p-53L;
  /* U = u 2^-53 + 2^-54 is exact below 1/2, rounded (by <= 2^-54) above */
  long double e1 = w1 >= (1ULL << 52) ? 0x1p-54L : 0.0L;
  long double e2 = w2 >= (1ULL << 52) ? 0x1p-54L : 0.0L;

  long double r, dr = radius_error(U1, e1, FP_LOG_REL, &r);
  /* cos, sin of 2 pi fl(U2) (2 pi-Lipschitz in U2), then within FP_SINCOS_REL
   * relative (fp/fp_boxmuller.c: the reduction is exact) */
  long double c = trig_2pi(U2, use_sine);
  long double dc = 2 * PI_L * e2 + FP_SINCOS_REL * U * (c + 2 * PI_L * e2);

  long double dz = dr * c + (r + dr) * dc + U * (r + dr) * (c + dc); /* product + rounding */
  return (double)(1.01L * dz);
}

double emu_gaussian_error_bound(uint64_t w1, uint64_t w2, int use_sine)
{
  long double U1 = ((long double)w1 + 0.5L) * 0x1p-53L;
  long double U2 = ((long double)w2 + 0.5L) * 0x1p-53L;
  long double e1 = w1 >= (1ULL << 52) ? 0x1p-54L : 0.0L;
  long double e2 = w2 >= (1ULL << 52) ? 0x1p-54L : 0.0L;

  long double r, dr = radius_error(U1, e1, 1.0L, &r); /* log correctly rounded: u relative */
  long double theta = 2 * PI_L * U2;
  long double dtheta = 2 * 3.1416L * e2 + TWO_PI_ERR * U2 + U * 1.0001L * theta;
  long double c = trig_2pi(U2, use_sine);
  long double dc = dtheta + U; /* cos/sin are 1-Lipschitz, then correctly rounded, |c| <= 1 */

  long double dz = dr * c + (r + dr) * dc + U * (r + dr) * (c + dc);
  return (double)(1.01L * dz);
}

double fp_draw_vs_oracle_bound(uint64_t w1, uint64_t w2, int use_sine, double z_fp)
{
  double b = fp_gaussian_error_bound(w1, w2, use_sine);
  return b + ldexp(fabs(z_fp) + b, -53);
}
