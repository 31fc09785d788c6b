/* ddpm_fp_step.h: one reverse step of the fast path, per coordinate.
 *
 * Every sampler of spec/maths.md section 4 is, in binary64, the affine update
 * y' = a y + b s + c z of one coordinate (pf-heun: two of them), with a, b, c
 * computed once per step from the schedule by the coefficient functions
 * below, each written without cancellation (maths.md section 4, table).
 * proofs/ proves the contracts (integrator bounds) in the float model. */
#ifndef DDPM_FP_STEP_H
#define DDPM_FP_STEP_H

#include "step.acsl"

#include "ddpm_fp_affine.h"

/* Proof helper (ghost, not compiled): the last, purely real step of the
 * kernel's res_bnd and res_err below, from the per-operation facts, proved
 * apart from the float operations (proofs/README.md). */
/*@ ghost
  /@ requires p1_err: \abs(rnd_err(p1, rmul(a, y))) - 0x1p-53 * \abs(rmul(a, y)) <= 0x1p-1074;
     requires p2_err: \abs(rnd_err(p2, rmul(b, s))) - 0x1p-53 * \abs(rmul(b, s)) <= 0x1p-1074;
     requires s1_err: \abs(rnd_err(s1, radd(p1, p2))) - 0x1p-53 * \abs(radd(p1, p2)) <= 0x1p-1074;
     requires p3_err: \abs(rnd_err(p3, rmul(c, z))) - 0x1p-53 * \abs(rmul(c, z)) <= 0x1p-1074;
     requires r_err:  \abs(rnd_err(r, radd(s1, p3))) - 0x1p-53 * \abs(radd(s1, p3)) <= 0x1p-1074;
     assigns \nothing;
     ensures lem_res_bnd: \abs(r) <= affine_mag(a, y, b, s, c, z) * (1.0 + 0x1p-51) + 0x1p-1070;
     ensures lem_res_err: \abs(r - affine(a, y, b, s, c, z))
                            <= affine_mag(a, y, b, s, c, z) * 0x1.8000001p-52 + 0x1p-1070;
  @/
  static void ddpm_fp_affine_lemma(double a, double y, double b, double s, double c, double z,
                                   double p1, double p2, double s1, double p3, double r) { }
*/

/* y' = (a y + b s) + c z, each operation rounded to nearest (no FMA).
 * Proved (proofs/, WP float model): finite; |y'| <= (|a y| + |b s| + |c z|)
 * (1 + 2^-51) + 2^-1070; rounding error |y' - (a y + b s + c z)| <=
 * (3 + 2^-27) u (|a y| + |b s| + |c z|) + 2^-1070, u = 2^-53 (the absolute
 * terms cover underflow). The ghost lines name the rounded intermediate
 * results for the proof (one assertion per rounded operation); to the
 * compiler they are comments. */
/*@ requires finite:  \is_finite(a) && \is_finite(y) && \is_finite(b) &&
                      \is_finite(s) && \is_finite(c) && \is_finite(z);
    requires coef_rng: \abs(a) <= 0x1p600 && \abs(b) <= 0x1p600 && \abs(c) <= 0x1p600;
    requires arg_rng:  \abs(y) <= 0x1p400 && \abs(s) <= 0x1p400 && \abs(z) <= 0x1p400;
    assigns \nothing;
    ensures res_fin:  \is_finite(\result);
    ensures res_bnd:  \abs(\result) <= affine_mag(a, y, b, s, c, z) * (1.0 + 0x1p-51)
                                        + 0x1p-1070;
    ensures res_err:  \abs(\result - affine(a, y, b, s, c, z))
                        <= affine_mag(a, y, b, s, c, z) * 0x1.8000001p-52 + 0x1p-1070;
*/
static inline double ddpm_fp_affine_apply(double a, double y, double b, double s, double c,
                                          double z)
{
  /*@ ghost double p1 = a * y; */
  /*@ assert p1_rng: \is_finite(p1) && \abs(p1) <= 0x1p1000; */
  /*@ assert p1_err: \abs(rnd_err(p1, rmul(a, y))) - 0x1p-53 * \abs(rmul(a, y)) <= 0x1p-1074; */
  /*@ ghost double p2 = b * s; */
  /*@ assert p2_rng: \is_finite(p2) && \abs(p2) <= 0x1p1000; */
  /*@ assert p2_err: \abs(rnd_err(p2, rmul(b, s))) - 0x1p-53 * \abs(rmul(b, s)) <= 0x1p-1074; */
  /*@ ghost double s1 = p1 + p2; */
  /*@ assert s1_rng: \is_finite(s1) && \abs(s1) <= 0x1p1001; */
  /*@ assert s1_err: \abs(rnd_err(s1, radd(p1, p2))) - 0x1p-53 * \abs(radd(p1, p2)) <= 0x1p-1074; */
  /*@ ghost double p3 = c * z; */
  /*@ assert p3_rng: \is_finite(p3) && \abs(p3) <= 0x1p1000; */
  /*@ assert p3_err: \abs(rnd_err(p3, rmul(c, z))) - 0x1p-53 * \abs(rmul(c, z)) <= 0x1p-1074; */
  /*@ ghost double r = s1 + p3; */
  /*@ assert r_err: \abs(rnd_err(r, radd(s1, p3))) - 0x1p-53 * \abs(radd(s1, p3)) <= 0x1p-1074; */
  /*@ ghost ddpm_fp_affine_lemma(a, y, b, s, c, z, p1, p2, s1, p3, r); */
  return (a * y + b * s) + c * z;
}

/* Domain of the coefficient contracts below (proofs/README.md, "Integrator
 * bounds"): the jump's alpha_j = 1 - q (fp_schedule.c, ddpm_fp_jump) is 1 - q
 * for a double q in [0, 1], hence either 0 or at least 2^-53 (Sterbenz); the
 * contracts take alpha_j in [2^-54, 1] (alpha_j = 0 is outside: see
 * proofs/README.md) and beta_j in [0, 1]. Relative-error clauses need
 * beta_j >= 2^-900 (no underflow). The continuous samplers: step width h in
 * [2^-60, 16] (vp: h <= 1; ou: horizon <= 16), rate r in [2^-60, 20.125]
 * (vp: beta_max <= 20, ou: r = 2). u = 2^-53. */

/* ddpm: a = 1/sqrt(alpha_j), b = beta_j a, c = sigma (noise = 0: c = 0).
 * var: 0 beta (sigma^2 = beta_j), 1 posterior (sigma^2 = btilde_j), 2 liyan
 * (sigma^2 = beta_j/alpha_j). */
/*@ requires valid:      \valid(k);
    requires finite:     \is_finite(beta_j) && \is_finite(alpha_j) && \is_finite(btilde_j);
    requires beta_rng:   0.0 <= beta_j <= 1.0;
    requires alpha_rng:  0x1p-54 <= alpha_j <= 1.0;
    requires btilde_rng: 0.0 <= btilde_j <= 1.0;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 0x1p27;
    ensures a_err:  rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 <= k->b <= 0x1p27;
    ensures b_err:  beta_j >= 0x1p-900 ==>
                    rel_le(k->b, ddpm_b(beta_j, alpha_j), 0x1.81p-52);
    behavior no_noise:
      assumes noise == 0;
      ensures c_zero: k->c == 0.0;
    behavior posterior:
      assumes noise != 0 && var == 1;
      ensures c_rng: \is_finite(k->c) && 0.0 <= k->c <= 1.0;
      ensures c_err: btilde_j >= 0x1p-1074 ==> rel_le(k->c, \sqrt(btilde_j), 0x1p-53);
      ensures c_zero: btilde_j == 0.0 ==> k->c == 0.0;
    behavior liyan:
      assumes noise != 0 && var == 2;
      ensures c_rng: \is_finite(k->c) && 0.0 <= k->c <= 0x1p27;
      ensures c_err: beta_j >= 0x1p-900 ==>
                     rel_le(k->c, sqrt_ratio(beta_j, alpha_j), 0x1.81p-53);
    behavior beta:
      assumes noise != 0 && var != 1 && var != 2;
      ensures c_rng: \is_finite(k->c) && 0.0 <= k->c <= 1.0;
      ensures c_err: beta_j >= 0x1p-900 ==> rel_le(k->c, \sqrt(beta_j), 0x1p-53);
    complete behaviors;
    disjoint behaviors;
*/
void ddpm_fp_coeffs_ddpm(double beta_j, double alpha_j, double btilde_j, int var, int noise,
                         ddpm_fp_affine *k);

/* ddim with 0 <= eta <= 1, from the jump (beta_j, alpha_j) and 1 - abar at
 * both ends (oma_t > 0, oma_p >= 0). */
/*@ requires valid:     \valid(k);
    requires finite:    \is_finite(eta) && \is_finite(beta_j) && \is_finite(alpha_j) &&
                        \is_finite(oma_t) && \is_finite(oma_p);
    requires eta_rng:   0.0 <= eta <= 1.0;
    requires beta_rng:  0.0 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    requires oma_rng:   0x1p-1000 <= oma_t <= 1.0 && 0.0 <= oma_p <= oma_t;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 0x1p27;
    ensures a_err:  rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 <= k->b <= 0x1p560;
    ensures b_bnd:  beta_j >= 0x1p-300 && oma_t >= 0x1p-600 ==>
                    k->b <= ddim_b_max(beta_j, alpha_j, oma_t, 1.0) * (1.0 + 0x1p-50);
    ensures c_rng:  \is_finite(k->c) && 0.0 <= k->c <= 1.0;
    behavior eta_zero:
      assumes eta == 0.0;
      ensures c_zero: k->c == 0.0;
      ensures b_bnd0: beta_j >= 0x1p-300 && oma_t >= 0x1p-600 ==>
                      k->b <= ddim_b_max(beta_j, alpha_j, oma_t, 0.0) * (1.0 + 0x1p-50);
    behavior last_step:
      assumes oma_p == 0.0;
      ensures c_zero: k->c == 0.0;
      ensures b_bnd0: beta_j >= 0x1p-300 && oma_t >= 0x1p-600 ==>
                      k->b <= ddim_b_max(beta_j, alpha_j, oma_t, 0.0) * (1.0 + 0x1p-50);
*/
void ddpm_fp_coeffs_ddim(double eta, double beta_j, double alpha_j, double oma_t, double oma_p,
                         ddpm_fp_affine *k);

/* liyan-ode: a = 1/sqrt(alpha_j), b = beta_j a / 2, c = 0. */
/*@ requires valid:     \valid(k);
    requires finite:    \is_finite(beta_j) && \is_finite(alpha_j);
    requires beta_rng:  0.0 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 0x1p27;
    ensures a_err:  rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 <= k->b <= 0x1p26;
    ensures b_err:  beta_j >= 0x1p-900 ==>
                    rel_le(k->b, liyan_ode_b(beta_j, alpha_j), 0x1.81p-52);
    ensures c_zero: k->c == 0.0;
*/
void ddpm_fp_coeffs_liyan_ode(double beta_j, double alpha_j, ddpm_fp_affine *k);

/* vp-em and ou-em on a step of width h at rate r: a = 1 + h r/2, b = h r,
 * c = sqrt(h r) (noise = 0: c = 0). */
/*@ requires valid:  \valid(k);
    requires finite: \is_finite(h) && \is_finite(r);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r <= 0x1.42p4;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 162.0;
    ensures a_err:  rel_le(k->a, euler_a(h, r), 0x1p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 < k->b <= 322.0;
    ensures b_err:  rel_le(k->b, em_b(h, r), 0x1p-53);
    behavior no_noise:
      assumes noise == 0;
      ensures c_zero: k->c == 0.0;
    behavior noise:
      assumes noise != 0;
      ensures c_rng: \is_finite(k->c) && 0.0 < k->c <= 18.0;
      ensures c_err: rel_le(k->c, em_c(h, r), 0x1.81p-53);
    complete behaviors;
    disjoint behaviors;
*/
void ddpm_fp_coeffs_em(double h, double r, int noise, ddpm_fp_affine *k);

/* vp-ei: a = 1/sqrt(alpha_j), b = 2 beta_j/(sqrt(alpha_j)(1 + sqrt(alpha_j))),
 * c = sqrt(beta_j/alpha_j) (noise = 0: c = 0). */
/*@ requires valid:     \valid(k);
    requires finite:    \is_finite(beta_j) && \is_finite(alpha_j);
    requires beta_rng:  0.0 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 0x1p27;
    ensures a_err:  rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 <= k->b <= 0x1p28;
    ensures b_err:  beta_j >= 0x1p-900 ==>
                    rel_le(k->b, ei_b(beta_j, alpha_j), 0x1.61p-51);
    behavior no_noise:
      assumes noise == 0;
      ensures c_zero: k->c == 0.0;
    behavior noise:
      assumes noise != 0;
      ensures c_rng: \is_finite(k->c) && 0.0 <= k->c <= 0x1p27;
      ensures c_err: beta_j >= 0x1p-900 ==>
                     rel_le(k->c, sqrt_ratio(beta_j, alpha_j), 0x1.81p-53);
    complete behaviors;
    disjoint behaviors;
*/
void ddpm_fp_coeffs_ei(double beta_j, double alpha_j, int noise, ddpm_fp_affine *k);

/* pf-euler: a = 1 + h r/2, b = h r/2, c = 0. */
/*@ requires valid:  \valid(k);
    requires finite: \is_finite(h) && \is_finite(r);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r <= 0x1.42p4;
    assigns *k;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 162.0;
    ensures a_err:  rel_le(k->a, euler_a(h, r), 0x1p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 < k->b <= 161.0;
    ensures b_err:  rel_le(k->b, euler_b(h, r), 0x1p-53);
    ensures c_zero: k->c == 0.0;
*/
void ddpm_fp_coeffs_pf_euler(double h, double r, ddpm_fp_affine *k);

/* pf-heun's corrector, Y_p = a Y_t + b s_t(Y_t) + c w with
 * w = q (Ytilde + s_p(Ytilde)): a = 1 + h r_t/4, b = h r_t/4, c = 1, q = h r_p/4
 * (the predictor Ytilde is pf-euler's step). */
/*@ requires valid:  \valid(k) && \valid(q) && \separated(k, q);
    requires finite: \is_finite(h) && \is_finite(r_t) && \is_finite(r_p);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r_t <= 0x1.42p4 && 0x1p-60 <= r_p <= 0x1.42p4;
    assigns *k, *q;
    ensures a_rng:  \is_finite(k->a) && 1.0 <= k->a <= 81.5;
    ensures a_err:  rel_le(k->a, heun_a(h, r_t), 0x1p-52);
    ensures b_rng:  \is_finite(k->b) && 0.0 < k->b <= 80.5;
    ensures b_err:  rel_le(k->b, heun_b(h, r_t), 0x1p-53);
    ensures c_one:  \is_finite(k->c) && k->c == 1.0;
    ensures q_rng:  \is_finite(*q) && 0.0 < *q <= 80.5;
    ensures q_err:  rel_le(*q, heun_b(h, r_p), 0x1p-53);
*/
void ddpm_fp_coeffs_heun(double h, double r_t, double r_p, ddpm_fp_affine *k, double *q);

#endif
