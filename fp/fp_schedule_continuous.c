/* fp_schedule_continuous.c: vp and ou on their time grid, binary64.
 *
 * Grid: tau_0 = 0 (the data), tau_k = eps + (end - eps)(k - 1)/(T - 1) for
 * k = 1..T. With B(tau) = int_0^tau beta(s) ds the marginal is abar(tau) =
 * exp(-B(tau)), so abar_k = exp(-B_k), 1 - abar_k = -expm1(-B_k) and
 * beta_k = 1 - abar_k/abar_{k-1} = -expm1(-(B_k - B_{k-1})), where the
 * increment is formed directly (width times mean rate), never as a
 * difference of two B's: no cancellation anywhere.
 *
 * Proved (proofs/, contracts in spec/ddpm_fp.h): the eva_* properties of
 * grid by Eva over its whole precondition domain (int -> double), the rest
 * by WP in the binary64 float model, under the libm assumptions of
 * proofs/libm_assumptions.h. The helpers split the computation so that each
 * rounded operation gets its own goal; operations and order are unchanged. */
#include <math.h>

#include "ddpm_fp.h"

/* tau_k and the width tau_k - tau_{k-1}, both formed directly */
/*@ requires 2 <= T <= DDPM_SCHED_PROVED_TMAX && 0 <= k <= T;
    requires \is_finite(eps) && \is_finite(end);
    requires 0x1p-30 <= eps <= 0x1p-2 && 0.5 <= end <= 16.0;
    requires \valid(tau) && \valid(width) && \separated(tau, width);
    assigns *tau, *width;
    ensures eva_grid_tau:   \is_finite(*tau) && 0.0 <= *tau <= 16.5;
    ensures eva_grid_tau1:  k >= 1 ==> *tau >= 0x1p-30;
    ensures eva_grid_width: \is_finite(*width) && 0x1p-30 <= *width <= 16.0;
    ensures eva_grid_vp:    end <= 1.0 ==> *tau <= 1.5 && *width <= 1.0;
*/
static void grid(long long k, long long T, double eps, double end, double *tau, double *width)
{
  double step = (end - eps) / (double)(T - 1);
  *tau = k == 0 ? 0.0 : eps + step * (double)(k - 1);
  *width = k == 1 ? eps : step;
}

/* abar = exp(-b) */
/*@ requires \is_finite(b) && 0x1p-41 <= b <= 36.0;
    assigns \nothing;
    ensures exp_neg_rng: \is_finite(\result) && 0x1p-1011 <= \result <= 1.0;
*/
static double exp_neg(double b)
{
  double x = -b;
  /*@ assert x_rng: \is_finite(x) && -36.0 <= x <= -0x1p-41; */
  return exp(x);
}

/* 1 - exp(-b) = -expm1(-b) */
/*@ requires \is_finite(b) && 0x1p-41 <= b <= 36.0;
    assigns \nothing;
    ensures one_minus_exp_neg_rng: \is_finite(\result) && 0x1p-1001 <= \result <= 0x1.ffffffffffffep-1;
*/
static double one_minus_exp_neg(double b)
{
  double x = -b;
  /*@ assert x_rng: \is_finite(x) && -36.0 <= x <= -0x1p-41; */
  return -expm1(x);
}

/* t = 0 (the data): beta_0 = 0, abar_0 = 1, 1 - abar_0 = 0 */
/*@ requires \valid(beta) && \valid(abar) && \valid(oma) && \separated(beta, abar, oma);
    assigns *beta, *abar, *oma;
    ensures end0: *beta == 0.0 && *abar == 1.0 && *oma == 0.0;
*/
static void data_end(double *beta, double *abar, double *oma)
{
  *beta = 0.0;
  *abar = 1.0;
  *oma = 0.0;
}

/* abar, 1 - abar and beta from B and its increments; t = 0 written after the
 * loop, which does not read it (a smaller proof: the loop need not carry it) */
/*@ requires 2 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires \valid(beta + (0 .. T)) && \valid(abar + (0 .. T)) && \valid(oma + (0 .. T));
    requires \valid_read(B + (0 .. T)) && \valid_read(dB + (0 .. T));
    requires \separated(beta + (0 .. T), abar + (0 .. T), oma + (0 .. T), B + (0 .. T),
                        dB + (0 .. T));
    requires B_rng:  \forall integer j; 1 <= j <= T ==> \is_finite(B[j]) && 0x1p-41 <= B[j] <= 36.0;
    requires dB_rng: \forall integer j; 1 <= j <= T ==> \is_finite(dB[j]) && 0x1p-41 <= dB[j] <= 36.0;
    assigns beta[0 .. T], abar[0 .. T], oma[0 .. T];
    ensures beta_finite(beta, T);
    ensures abar_oma_finite(abar, oma, T);
*/
static void fill_from_integral(long long T, double *beta, double *abar, double *oma,
                               const double *B, const double *dB)
{
  /*@ loop invariant k_rng: 1 <= k <= T + 1;
      loop invariant inv_beta: \forall integer j; 1 <= j < k ==>
                       \is_finite(beta[j]) && 0.0 < beta[j] < 1.0;
      loop invariant inv_abar: \forall integer j; 1 <= j < k ==>
                       \is_finite(abar[j]) && 0.0 < abar[j] <= 1.0;
      loop invariant inv_oma: \forall integer j; 1 <= j < k ==>
                       \is_finite(oma[j]) && 0.0 < oma[j] <= 1.0;
      loop assigns k, beta[1 .. T], abar[1 .. T], oma[1 .. T];
      loop variant T + 1 - k;
  */
  for (long long k = 1; k <= T; k++) {
    abar[k] = exp_neg(B[k]);
    oma[k] = one_minus_exp_neg(B[k]);
    beta[k] = one_minus_exp_neg(dB[k]);
  }
  data_end(beta, abar, oma);
}

/* B(tau) = beta_min tau + (beta_max - beta_min) tau^2/2 */
/*@ requires \is_finite(tau) && \is_finite(bmin) && \is_finite(slope);
    requires 0x1p-30 <= tau <= 1.5 && 0x1p-10 <= bmin <= 1.0 && 0.0 <= slope <= 20.0;
    assigns \nothing;
    ensures vp_B_rng: \is_finite(\result) && 0x1p-41 <= \result <= 36.0;
*/
static double vp_B(double tau, double bmin, double slope)
{
  double half = 0.5 * slope * tau;
  /*@ assert half_rng: \is_finite(half) && 0.0 <= half <= 15.0; */
  return tau * (bmin + half);
}

/* the increment over [prev, tau]: width (beta_min + (beta_max - beta_min)(prev + tau)/2) */
/*@ requires \is_finite(width) && \is_finite(bmin) && \is_finite(slope);
    requires \is_finite(tau) && \is_finite(prev);
    requires 0x1p-30 <= width <= 1.0 && 0x1p-10 <= bmin <= 1.0 && 0.0 <= slope <= 20.0;
    requires 0.0 <= tau <= 1.5 && 0.0 <= prev <= 1.5;
    assigns \nothing;
    ensures vp_dB_rng: \is_finite(\result) && 0x1p-41 <= \result <= 36.0;
*/
static double vp_dB(double width, double bmin, double slope, double tau, double prev)
{
  double half = 0.5 * slope * (tau + prev);
  /*@ assert half_rng: \is_finite(half) && 0.0 <= half <= 30.0; */
  return width * (bmin + half);
}

/* B(tau) = beta_min tau + (beta_max - beta_min) tau^2/2; the increment over
 * [a, b] is (b - a)(beta_min + (beta_max - beta_min)(a + b)/2). */
void ddpm_fp_vp_fill(long long T, double bmin, double bmax, double eps, double *beta,
                     double *abar, double *oma, double *B, double *dB)
{
  double slope = bmax - bmin, prev = 0.0;
  /*@ assert slope_rng: \is_finite(slope) && 0.0 <= slope <= 20.0; */
  /*@ loop invariant k_rng: 1 <= k <= T + 1;
      loop invariant prev_rng: \is_finite(prev) && 0.0 <= prev <= 1.5;
      loop invariant inv_B: \forall integer j; 1 <= j < k ==>
                       \is_finite(B[j]) && 0x1p-41 <= B[j] <= 36.0;
      loop invariant inv_dB: \forall integer j; 1 <= j < k ==>
                       \is_finite(dB[j]) && 0x1p-41 <= dB[j] <= 36.0;
      loop assigns k, prev, B[1 .. T], dB[1 .. T];
      loop variant T + 1 - k;
  */
  for (long long k = 1; k <= T; k++) {
    double tau, width;
    grid(k, T, eps, 1.0, &tau, &width);
    B[k] = vp_B(tau, bmin, slope);
    dB[k] = vp_dB(width, bmin, slope, tau, prev);
    prev = tau;
  }
  fill_from_integral(T, beta, abar, oma, B, dB);
}

/* 2 x (B and its increments for dX = -X dt + sqrt(2) dB) */
/*@ requires \is_finite(x) && 0x1p-30 <= x <= 16.5;
    assigns \nothing;
    ensures twice_rng: \is_finite(\result) && 0x1p-29 <= \result <= 33.0;
*/
static double twice(double x)
{
  return 2.0 * x;
}

/* dX = -X dt + sqrt(2) dB: B(tau) = 2 tau */
void ddpm_fp_ou_fill(long long T, double horizon, double eps, double *beta, double *abar,
                     double *oma, double *B, double *dB)
{
  /*@ loop invariant k_rng: 1 <= k <= T + 1;
      loop invariant inv_B: \forall integer j; 1 <= j < k ==>
                       \is_finite(B[j]) && 0x1p-41 <= B[j] <= 36.0;
      loop invariant inv_dB: \forall integer j; 1 <= j < k ==>
                       \is_finite(dB[j]) && 0x1p-41 <= dB[j] <= 36.0;
      loop assigns k, B[1 .. T], dB[1 .. T];
      loop variant T + 1 - k;
  */
  for (long long k = 1; k <= T; k++) {
    double tau, width;
    grid(k, T, eps, horizon, &tau, &width);
    B[k] = twice(tau);
    dB[k] = twice(width);
  }
  fill_from_integral(T, beta, abar, oma, B, dB);
}
