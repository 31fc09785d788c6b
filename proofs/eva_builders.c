/* Eva entry point for the int -> double helpers of the binary64 schedule
 * builders (no prover available here proves (double)n == n, so these
 * contracts are Eva's; WP takes their eva_* postconditions as hypotheses).
 *
 * Includes the builder files (for their static helpers) and calls every
 * helper over its WHOLE precondition domain:
 *   sl_frac(T, t)         every T in [2, 10000], t in [1, T]
 *   cos_dT(T)             every T in [2, 10000]
 *   cos_units(n, T)       every T in [2, 10000], n in [0, 2T] (as n = 0,
 *                         n in [1, T], n in [T+1, 2T], so that Eva decides
 *                         the premises of eva_units_pos / eva_units_le1)
 *   ly_dbl(n)             n in [1, 63] and n in [64, 10000]
 *   lcw_dbl(n)            n in [100, 10000]
 *   grid(k, T, eps, end)  every T in [2, 10000], k = 0 and k in [1, T],
 *                         eps every binary64 in [2^-30, 2^-2], end every
 *                         binary64 in [0.5, 1] and in (1, 16]
 * The loop over T is fully unrolled, so that T is a single value in each
 * call and Eva's intervals relate n or k to T exactly. Analysed with
 * -cpp-extra-args=-DEVA. Not part of the build. */
#include "__fc_builtin.h"

#include "../fp/fp_schedule_scaled_linear.c"
#include "../fp/fp_schedule_cosine.c"
#include "../fp/fp_schedule_li_yan.c"
#include "../fp/fp_schedule_continuous.c"
#include "../fp/fp_schedule_lcw.c"

void eva_main(void)
{
  (void)ly_dbl(Frama_C_interval(1, 63));
  (void)ly_dbl(Frama_C_interval(64, DDPM_SCHED_PROVED_TMAX));
  (void)lcw_dbl(Frama_C_interval(100, DDPM_SCHED_PROVED_TMAX));
  double eps = Frama_C_double_interval(0x1p-30, 0x1p-2);
  double end_lo = Frama_C_double_interval(0.5, 1.0);
  double end_hi = Frama_C_double_interval(0x1.0000000000001p0, 16.0);
  /*@ loop unroll DDPM_SCHED_PROVED_TMAX; */
  for (int T = 2; T <= DDPM_SCHED_PROVED_TMAX; T++) {
    double tau, width;
    (void)sl_frac(T, Frama_C_interval(1, T));
    (void)cos_dT(T);
    (void)cos_units(0, T);
    (void)cos_units(Frama_C_interval(1, T), T);
    (void)cos_units(Frama_C_interval(T + 1, 2 * T), T);
    grid(0, T, eps, end_lo, &tau, &width);
    grid(Frama_C_interval(1, T), T, eps, end_lo, &tau, &width);
    grid(0, T, eps, end_hi, &tau, &width);
    grid(Frama_C_interval(1, T), T, eps, end_hi, &tau, &width);
  }
}
