/* fp_schedule_li_yan.c: Li & Yan (2024), eq. 2.3, with k = c1 log T / T:
 *   beta_1 = T^-c0,  beta_{t+1} = k min(beta_1 (1 + k)^t, 1).
 * The power is exp(log beta_1 + t log1p(k)): no overflow for any t, and
 * log1p keeps k's digits when k is small.
 *
 * Proved (proofs/, contract in spec/ddpm_fp.h): eva_ly_dbl by Eva over its
 * whole precondition domain (int -> double), the rest by WP in the binary64
 * float model, under the libm assumptions of proofs/libm_assumptions.h. The
 * helpers split the computation so that each rounded operation gets its own
 * goal; operations and order are those of the formula. */
#include <math.h>

#include "ddpm_fp.h"

/* (double)n */
/*@ requires 1 <= n <= DDPM_SCHED_PROVED_TMAX;
    assigns \nothing;
    ensures eva_ly_dbl:    \is_finite(\result) && 1.0 <= \result <= 10000.0;
    ensures eva_ly_dbl_64: n >= 64 ==> \result >= 64.0;
*/
static double ly_dbl(long long n)
{
  return (double)n;
}

/* k = c1 log T / T */
/*@ requires \is_finite(c1) && \is_finite(logT) && \is_finite(dT);
    requires 0x1p-4 <= c1 <= 6.0 && 0x1.6p-1 <= logT <= 0x1.28p3 && 64.0 <= dT <= 10000.0;
    assigns \nothing;
    ensures k_rng: \is_finite(\result) && 0x1p-20 <= \result <= 0x1.cp-1;
*/
static double ly_k(double c1, double logT, double dT)
{
  return c1 * logT / dT;
}

/* log beta_1 = -c0 log T */
/*@ requires \is_finite(c0) && \is_finite(logT);
    requires 0x1p-4 <= c0 <= 64.0 && 0x1.6p-1 <= logT <= 0x1.28p3;
    assigns \nothing;
    ensures lb1_rng: \is_finite(\result) && -600.0 <= \result <= -0x1p-5;
*/
static double ly_log_beta1(double c0, double logT)
{
  double neg_c0 = -c0; /* a separate step: Frama-C 25's WP mistypes -c0 inside a product */
  return neg_c0 * logT;
}

/* beta_1 = exp(log beta_1) */
/*@ requires \is_finite(log_beta1) && -600.0 <= log_beta1 <= -0x1p-5;
    assigns \nothing;
    ensures beta1_rng: \is_finite(\result) && 0x1p-1011 <= \result <= 0x1.fffffffffffffp-1;
*/
static double ly_beta1(double log_beta1)
{
  double b = exp(log_beta1);
  /*@ assert b_fin: \is_finite(b) && 0x1p-1011 <= b; */
  return b;
}

/* beta_{t+1} = k min(exp(log beta_1 + t log1p(k)), 1) */
/*@ requires \is_finite(k) && \is_finite(log_beta1) && \is_finite(log_growth) && \is_finite(dt);
    requires 0x1p-20 <= k <= 0x1.cp-1 && -600.0 <= log_beta1 <= -0x1p-5;
    requires 0x1p-21 <= log_growth <= 0x1.8p-1 && 1.0 <= dt <= 10000.0;
    assigns \nothing;
    ensures ly_beta_rng: \is_finite(\result) && 0x1p-1031 <= \result <= 0x1.cp-1;
*/
static double ly_beta(double k, double log_beta1, double log_growth, double dt)
{
  double x = log_beta1 + dt * log_growth;
  /*@ assert x_rng: \is_finite(x) && -600.0 <= x <= 8000.0; */
  double e = exp(x);
  double m = fmin(e, 1.0);
  /*@ assert m_rng: \is_finite(m) && 0x1p-1011 <= m <= 1.0; */
  return k * m;
}

void ddpm_fp_li_yan_betas(long long T, double c0, double c1, double *beta)
{
  double dT = ly_dbl(T);
  double logT = log(dT), k = ly_k(c1, logT, dT);
  double log_beta1 = ly_log_beta1(c0, logT), log_growth = log1p(k);
  beta[0] = 0.0;
  beta[1] = ly_beta1(log_beta1);
  /*@ loop invariant t_rng: 1 <= t <= T;
      loop invariant inv_beta: \forall integer u; 1 <= u <= t ==>
                       \is_finite(beta[u]) && 0.0 < beta[u] < 1.0;
      loop assigns t, beta[0 .. T]; // 0 .. T: small WP memory terms (as in linear)
      loop variant T - t;
  */
  for (long long t = 1; t < T; t++)
    beta[t + 1] = ly_beta(k, log_beta1, log_growth, ly_dbl(t));
}
