/* fp_schedule_scaled_linear.c: beta_t = (sqrt(bmin) + (sqrt(bmax) - sqrt(bmin)) frac)^2,
 * frac = (t-1)/(T-1) (diffusers' "scaled_linear").
 *
 * Proved (proofs/, contract in spec/ddpm_fp.h): the property eva_sl_frac by
 * Eva over its whole precondition domain, everything else by WP in the
 * binary64 float model, under the libm assumptions of proofs/libm_assumptions.h.
 * The helpers only split the computation so that each rounded operation gets
 * its own goal; the operations and their order are those of the formula. */
#include <math.h>

#include "ddpm_fp.h"

/* (t-1)/(T-1) as a binary64 in [0, 1] (int -> double conversions: Eva's job) */
/*@ requires 2 <= T <= DDPM_SCHED_PROVED_TMAX && 1 <= t <= T;
    assigns \nothing;
    ensures eva_sl_frac: \is_finite(\result) && 0.0 <= \result <= 1.0;
*/
static double sl_frac(long long T, long long t)
{
  return (double)(t - 1) / (double)(T - 1);
}

/* (lo + width frac)^2 */
/*@ requires \is_finite(lo) && \is_finite(width) && \is_finite(frac);
    requires 0x1p-10 <= lo <= 0x1p-4 && 0.0 <= width <= 0x1.bd70a3d70a3d7p-1;
    requires 0.0 <= frac <= 1.0;
    assigns \nothing;
    ensures sl_beta_rng: \is_finite(\result) && 0x1p-21 <= \result <= 0x1.fp-1;
*/
static double sl_beta(double lo, double width, double frac)
{
  double root = lo + width * frac;
  /*@ assert sl_root: \is_finite(root) && 0x1p-10 <= root <= 0x1.ep-1; */
  return root * root;
}

void ddpm_fp_scaled_linear_betas(long long T, double bmin, double bmax, double *beta)
{
  double lo = sqrt(bmin), width = sqrt(bmax) - lo;
  /*@ assert sl_width: \is_finite(width) && 0.0 <= width <= 0x1.bd70a3d70a3d7p-1; */
  beta[0] = 0.0;
  /*@ loop invariant t_rng: 1 <= t <= T + 1;
      loop invariant inv_beta: \forall integer s; 1 <= s < t ==>
                       \is_finite(beta[s]) && 0.0 < beta[s] < 1.0;
      loop assigns t, beta[0 .. T]; // 0 .. T: small WP memory terms (as in linear)
      loop variant T + 1 - t;
  */
  for (long long t = 1; t <= T; t++)
    beta[t] = sl_beta(lo, width, sl_frac(T, t));
}
