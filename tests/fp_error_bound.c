/* fp_error_bound.c: see fp_error_bound.h; each line mirrors one rounded
 * operation of fp/fp_noise.c. Bounds are computed in long double (64-bit
 * significand) and padded by 1% for the second-order terms left out. */
#include <math.h>

#include "fp_error_bound.h"

#define U 0x1p-53L                     /* unit roundoff of binary64 */
#define TWO_PI_ERR 2.4492935982947064e-16L /* |2 pi - fl(2 pi)| */

double fp_gaussian_error_bound(uint64_t w1, uint64_t w2, int use_sine)
{
  long double U1 = ((long double)w1 + 0.5L) * 0x1p-53L; /* exact: 54 bits */
  long double U2 = ((long double)w2 + 0.5L) * 0x1p-53L;
  /* U = u 2^-53 + 2^-54 is exact below 1/2, rounded (by <= 2^-54) above */
  long double e1 = w1 >= (1ULL << 52) ? 0x1p-54L : 0.0L;
  long double e2 = w2 >= (1ULL << 52) ? 0x1p-54L : 0.0L;

  long double L = fabsl(logl(U1));
  long double dL = e1 / (U1 - e1) + LIBM_ULPS * 2 * U * L; /* input shift + log's ulps */
  long double x = 2 * L, dx = 2 * dL;                        /* -2 ln U1: exact scaling */
  long double r = sqrtl(x);
  long double dr_in = fminl(dx / r, sqrtl(dx));              /* |sqrt(x') - sqrt(x)| */
  long double dr = dr_in + U * (r + dr_in);                  /* + sqrt's rounding */

  long double theta = 2 * 3.14159265358979323846264338327950288L * U2;
  long double dtheta = 2 * 3.1416L * e2 + TWO_PI_ERR * U2 + U * 1.0001L * theta;
  long double c = use_sine ? fabsl(sinl(theta)) : fabsl(cosl(theta));
  long double dc = dtheta + LIBM_ULPS * 2 * U; /* cos/sin are 1-Lipschitz, |c| <= 1 */

  long double dz = dr * c + (r + dr) * dc + U * (r + dr) * (c + dc); /* product + rounding */
  return (double)(1.01L * dz);
}

double fp_draw_vs_oracle_bound(uint64_t w1, uint64_t w2, int use_sine, double z_fp)
{
  double b = fp_gaussian_error_bound(w1, w2, use_sine);
  return b + ldexp(fabs(z_fp) + b, -53);
}
