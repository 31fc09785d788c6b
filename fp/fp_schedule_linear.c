/* fp_schedule_linear.c: the linear schedule in binary64, proved.
 *
 * Every goal below is discharged by `make proofs`: the properties named eva_*
 * by Eva over the whole precondition domain (T in [2, 10000]), all others by
 * WP in the float model (Gappa, cvc5, z3). The helpers are split so that each
 * rounded operation gets its own goal, which is what Gappa can prove. */
#include "ddpm_fp.h"

/* (t-1)/(T-1) as a binary64 in [0, 1]. */
/*@ requires 2 <= T <= DDPM_LINEAR_PROVED_TMAX && 1 <= t <= T;
    assigns \nothing;
    ensures eva_frac: \is_finite(\result) && 0.0 <= \result <= 1.0;
*/
static double linear_frac(int T, int t)
{
  return (double)(t - 1) / (double)(T - 1); /* int -> double: exact, Eva's job */
}

/* beta = bmin + (bmax - bmin) frac: two roundings, stays in [2^-17, 0.11]. */
/*@ requires \is_finite(bmin) && \is_finite(bmax) && \is_finite(frac);
    requires 0x1p-17 <= bmin <= 0x1p-10 && 0x1p-10 <= bmax <= 0x1.999999999999ap-5;
    requires 0.0 <= frac <= 1.0;
    assigns \nothing;
    ensures beta_rng: \is_finite(\result) && 0x1p-17 <= \result <= 0.11;
*/
static double linear_beta(double bmin, double bmax, double frac)
{
  return bmin + (bmax - bmin) * frac;
}

/* abar_t = abar_{t-1} (1 - beta_t): strictly smaller, since 1 - beta_t rounds
 * to at most 1 - 2^-18 and the product loses at most half an ulp. */
/*@ requires \is_finite(prod) && \is_finite(b);
    requires 0x1p-1000 <= prod <= 1.0;
    requires 0x1p-17 <= b <= 0.11;
    assigns \nothing;
    ensures abar_rng:  \is_finite(\result) && 0x1p-1001 <= \result <= 1.0;
    ensures abar_decr: \result < prod;
*/
static double abar_step(double prod, double b)
{
  double next = prod * (1.0 - b);
  /*@ assert ratio: next / prod <= 1.0 - 0x1p-18; */
  return next;
}

void ddpm_fp_linear_fill(int T, double bmin, double bmax, double *beta, double *abar)
{
  double prod = 1.0;
  beta[0] = 0.0; /* t = 0 has no step; kept so that beta[t] is beta_t */
  abar[0] = 1.0;
  /*@ loop unroll DDPM_LINEAR_PROVED_TMAX;
      loop invariant t_rng:    1 <= t <= T + 1;
      loop invariant prod_rng: \is_finite(prod) && 0.0 < prod <= 1.0;
      loop invariant prod_ab:  prod == abar[t-1];
      loop invariant abar0:    abar[0] == 1.0;
#ifndef EVA
      // quantified invariants: WP only (Eva would re-evaluate them over the
      // whole array at every unrolled iteration, i.e. O(T^2) work)
      loop invariant inv_beta: \forall integer s; 1 <= s < t ==> 0.0 < beta[s] < 1.0;
      loop invariant inv_ab:   \forall integer s; 1 <= s < t ==> 0.0 < abar[s] < 1.0;
      loop invariant inv_decr: \forall integer s; 1 <= s < t ==> abar[s] < abar[s-1];
#endif
      // 0 .. T rather than 1 .. T: the loop only writes 1 .. T, but a frame
      // that also covers the two writes above keeps WP's memory terms small
      // (abar[0] is carried by abar0); the function's assigns is unchanged
      loop assigns t, prod, beta[0 .. T], abar[0 .. T];
      loop variant T + 1 - t;
  */
  for (int t = 1; t <= T; t++) {
    double b = linear_beta(bmin, bmax, linear_frac(T, t));
    /*@ assert eva_prod_lb: 0x1p-1000 <= prod; */
    double next = abar_step(prod, b);
    beta[t] = b;
    abar[t] = next;
#ifndef EVA
    /*@ assert dec_t: abar[t] < abar[t-1]; */ /* WP: stepping stone for inv_decr */
#endif
    prod = next;
  }
}
