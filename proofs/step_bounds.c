/* proofs/step_bounds.c: the integrator bounds of the fast path's reverse
 * step, one wrapper per sampler (proofs/run, steps 9-12; proofs/README.md).
 * Not part of the build. Each wrapper calls the real coefficient function of
 * fp/fp_coeffs.c and the real affine kernel of spec/ddpm_fp_step.h, as
 * fp/fp_sampler.c does, and its contract bounds the new coordinate by
 * (A R + B S + C Z)(1 + 2^-49) + 2^-1069 when |y| <= R, |s| <= S, |z| <= Z,
 * with A, B, C the exact coefficients of spec/maths.md section 4 (real
 * numbers, functions of the schedule values) and R, S, Z <= 2^400. The
 * assertions are the steps of the proof (lemmas of
 * proofs/step_lemmas.c). */
#include "ddpm_fp_step.h"

/*@ requires finite:     \is_finite(beta_j) && \is_finite(alpha_j) && \is_finite(btilde_j);
    requires beta_rng:   0x1p-900 <= beta_j <= 1.0;
    requires alpha_rng:  0x1p-54 <= alpha_j <= 1.0;
    requires btilde_rng: btilde_j == 0.0 || 0x1p-1074 <= btilde_j <= 1.0;
    requires io_fin:     \is_finite(y) && \is_finite(s) && \is_finite(z);
    requires io_rng:     \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400 &&
                         \abs(z) <= Z <= 0x1p400;
    assigns \nothing;
    behavior no_noise:
      assumes noise == 0;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S,
                                                 0.0, Z) * (1.0 + 0x1p-49) + 0x1p-1069;
    behavior posterior:
      assumes noise != 0 && var == 1;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S,
                                                 \sqrt(btilde_j), Z) * (1.0 + 0x1p-49) + 0x1p-1069;
    behavior liyan:
      assumes noise != 0 && var == 2;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S,
                                                 sqrt_ratio(beta_j, alpha_j), Z) * (1.0 + 0x1p-49)
                                      + 0x1p-1069;
    behavior beta:
      assumes noise != 0 && var != 1 && var != 2;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S,
                                                 \sqrt(beta_j), Z) * (1.0 + 0x1p-49) + 0x1p-1069;
    complete behaviors;
    disjoint behaviors;
*/
double step_bound_ddpm(double beta_j, double alpha_j, double btilde_j, int var, int noise,
                       double y, double s, double z, double R, double S, double Z)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_ddpm(beta_j, alpha_j, btilde_j, var, noise, &k);
  /*@ assert a_le: 0.0 <= k.a <= inv_sqrt(alpha_j) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= ddpm_b(beta_j, alpha_j) * (1.0 + 0x1p-50); */
  /*@ for no_noise: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S, 0.0, Z) * (1.0 + 0x1p-50); */
  /*@ for posterior: assert c_le: 0.0 <= k.c <= \sqrt(btilde_j) * (1.0 + 0x1p-50); */
  /*@ for posterior: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S, \sqrt(btilde_j), Z)
        * (1.0 + 0x1p-50); */
  /*@ for liyan: assert c_le: 0.0 <= k.c <= sqrt_ratio(beta_j, alpha_j) * (1.0 + 0x1p-50); */
  /*@ for liyan: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S, sqrt_ratio(beta_j, alpha_j), Z)
        * (1.0 + 0x1p-50); */
  /*@ for beta: assert c_le: 0.0 <= k.c <= \sqrt(beta_j) * (1.0 + 0x1p-50); */
  /*@ for beta: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddpm_b(beta_j, alpha_j), S, \sqrt(beta_j), Z)
        * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, k.c, z);
}

/* ddim: B = ddim_b_max(beta_j, alpha_j, 1 - abar_t, 1) = (beta_j/alpha_j + 1)
 * sqrt(alpha_j) in real numbers (sigma^2 <= 1), C = 1; when sigma = 0
 * (eta = 0 or p = 0), B = ddim_b_max(..., 0) = beta_j/sqrt(alpha_j), C = 0. */
/*@ requires finite:    \is_finite(eta) && \is_finite(beta_j) && \is_finite(alpha_j) &&
                        \is_finite(oma_t) && \is_finite(oma_p);
    requires eta_rng:   0.0 <= eta <= 1.0;
    requires beta_rng:  0x1p-300 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    requires oma_rng:   0x1p-600 <= oma_t <= 1.0 && 0.0 <= oma_p <= oma_t;
    requires io_fin:    \is_finite(y) && \is_finite(s) && \is_finite(z);
    requires io_rng:    \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400 &&
                        \abs(z) <= Z <= 0x1p400;
    assigns \nothing;
    ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R,
                                               ddim_b_max(beta_j, alpha_j, oma_t, 1.0), S,
                                               1.0, Z) * (1.0 + 0x1p-49) + 0x1p-1069;
    behavior no_noise:
      assumes eta == 0.0 || oma_p == 0.0;
      ensures bound0: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R,
                                                  ddim_b_max(beta_j, alpha_j, oma_t, 0.0), S,
                                                  0.0, Z) * (1.0 + 0x1p-49) + 0x1p-1069;
*/
double step_bound_ddim(double eta, double beta_j, double alpha_j, double oma_t, double oma_p,
                       double y, double s, double z, double R, double S, double Z)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_ddim(eta, beta_j, alpha_j, oma_t, oma_p, &k);
  /*@ assert a_le: 0.0 <= k.a <= inv_sqrt(alpha_j) * (1.0 + 0x1p-50); */
  /*@ assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddim_b_max(beta_j, alpha_j, oma_t, 1.0), S, 1.0, Z)
        * (1.0 + 0x1p-50); */
  /*@ for no_noise: assert mag0: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ddim_b_max(beta_j, alpha_j, oma_t, 0.0), S, 0.0, Z)
        * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, k.c, z);
}

/*@ requires finite:    \is_finite(beta_j) && \is_finite(alpha_j);
    requires beta_rng:  0x1p-900 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    requires io_fin:    \is_finite(y) && \is_finite(s) && \is_finite(z);
    requires io_rng:    \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400 &&
                        \abs(z) <= Z <= 0x1p400;
    assigns \nothing;
    ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, liyan_ode_b(beta_j, alpha_j),
                                               S, 0.0, Z) * (1.0 + 0x1p-49) + 0x1p-1069;
*/
double step_bound_liyan_ode(double beta_j, double alpha_j, double y, double s, double z,
                            double R, double S, double Z)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_liyan_ode(beta_j, alpha_j, &k);
  /*@ assert a_le: 0.0 <= k.a <= inv_sqrt(alpha_j) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= liyan_ode_b(beta_j, alpha_j) * (1.0 + 0x1p-50); */
  /*@ assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, liyan_ode_b(beta_j, alpha_j), S, 0.0, Z)
        * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, k.c, z);
}

/* vp-em, ou-em */
/*@ requires finite: \is_finite(h) && \is_finite(r);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r <= 0x1.42p4;
    requires io_fin: \is_finite(y) && \is_finite(s) && \is_finite(z);
    requires io_rng: \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400 &&
                     \abs(z) <= Z <= 0x1p400;
    assigns \nothing;
    behavior no_noise:
      assumes noise == 0;
      ensures bound: \abs(\result) <= affine_bnd(euler_a(h, r), R, em_b(h, r), S, 0.0, Z)
                                      * (1.0 + 0x1p-49) + 0x1p-1069;
    behavior noise:
      assumes noise != 0;
      ensures bound: \abs(\result) <= affine_bnd(euler_a(h, r), R, em_b(h, r), S, em_c(h, r), Z)
                                      * (1.0 + 0x1p-49) + 0x1p-1069;
    complete behaviors;
    disjoint behaviors;
*/
double step_bound_em(double h, double r, int noise, double y, double s, double z, double R,
                     double S, double Z)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_em(h, r, noise, &k);
  /*@ assert a_le: 0.0 <= k.a <= euler_a(h, r) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= em_b(h, r) * (1.0 + 0x1p-50); */
  /*@ for no_noise: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(euler_a(h, r), R, em_b(h, r), S, 0.0, Z) * (1.0 + 0x1p-50); */
  /*@ for noise: assert c_le: 0.0 <= k.c <= em_c(h, r) * (1.0 + 0x1p-50); */
  /*@ for noise: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(euler_a(h, r), R, em_b(h, r), S, em_c(h, r), Z) * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, k.c, z);
}

/* vp-ei */
/*@ requires finite:    \is_finite(beta_j) && \is_finite(alpha_j);
    requires beta_rng:  0x1p-900 <= beta_j <= 1.0;
    requires alpha_rng: 0x1p-54 <= alpha_j <= 1.0;
    requires io_fin:    \is_finite(y) && \is_finite(s) && \is_finite(z);
    requires io_rng:    \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400 &&
                        \abs(z) <= Z <= 0x1p400;
    assigns \nothing;
    behavior no_noise:
      assumes noise == 0;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ei_b(beta_j, alpha_j), S,
                                                 0.0, Z) * (1.0 + 0x1p-49) + 0x1p-1069;
    behavior noise:
      assumes noise != 0;
      ensures bound: \abs(\result) <= affine_bnd(inv_sqrt(alpha_j), R, ei_b(beta_j, alpha_j), S,
                                                 sqrt_ratio(beta_j, alpha_j), Z)
                                      * (1.0 + 0x1p-49) + 0x1p-1069;
    complete behaviors;
    disjoint behaviors;
*/
double step_bound_ei(double beta_j, double alpha_j, int noise, double y, double s, double z,
                     double R, double S, double Z)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_ei(beta_j, alpha_j, noise, &k);
  /*@ assert a_le: 0.0 <= k.a <= inv_sqrt(alpha_j) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= ei_b(beta_j, alpha_j) * (1.0 + 0x1p-50); */
  /*@ for no_noise: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ei_b(beta_j, alpha_j), S, 0.0, Z) * (1.0 + 0x1p-50); */
  /*@ for noise: assert c_le: 0.0 <= k.c <= sqrt_ratio(beta_j, alpha_j) * (1.0 + 0x1p-50); */
  /*@ for noise: assert mag: affine_mag(k.a, y, k.b, s, k.c, z) <=
        affine_bnd(inv_sqrt(alpha_j), R, ei_b(beta_j, alpha_j), S, sqrt_ratio(beta_j, alpha_j), Z)
        * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, k.c, z);
}

/* pf-euler (also pf-heun's predictor and its last step) */
/*@ requires finite: \is_finite(h) && \is_finite(r);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r <= 0x1.42p4;
    requires io_fin: \is_finite(y) && \is_finite(s);
    requires io_rng: \abs(y) <= R <= 0x1p400 && \abs(s) <= S <= 0x1p400;
    assigns \nothing;
    ensures bound: \abs(\result) <= affine_bnd(euler_a(h, r), R, euler_b(h, r), S, 0.0, 0.0)
                                    * (1.0 + 0x1p-49) + 0x1p-1069;
*/
double step_bound_pf_euler(double h, double r, double y, double s, double R, double S)
{
  ddpm_fp_affine k;
  ddpm_fp_coeffs_pf_euler(h, r, &k);
  /*@ assert a_le: 0.0 <= k.a <= euler_a(h, r) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= euler_b(h, r) * (1.0 + 0x1p-50); */
  /*@ assert mag: affine_mag(k.a, y, k.b, s, 0.0, 0.0) <=
        affine_bnd(euler_a(h, r), R, euler_b(h, r), S, 0.0, 0.0) * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k.a, y, k.b, s, 0.0, 0.0);
}

/* pf-heun, a step with p > 0, as fp/fp_sampler.c runs it: the Euler
 * predictor Ytilde = a1 Y + b1 s, the score s2 = s_p(Ytilde) (|s2| <= S2),
 * w = q Ytilde + q s2, Y_p = a2 Y + b2 s + 1 w. The bound is nested:
 * |Ytilde| <= YT = (A1 R + B1 S)(1 + 2^-49) + 2^-1069,
 * |w| <= W = Q (YT + S2)(1 + 2^-49) + 2^-1069,
 * |Y_p| <= (A2 R + B2 S + W)(1 + 2^-49) + 2^-1069,
 * with A1 = 1 + h r_t/2, B1 = h r_t/2, Q = h r_p/4, A2 = 1 + h r_t/4,
 * B2 = h r_t/4. */
/*@ logic real heun_yt(real h, real r_t, real R, real S) =
      affine_bnd(euler_a(h, r_t), R, euler_b(h, r_t), S, 0.0, 0.0) * (1.0 + 0x1p-49) + 0x1p-1069;
    logic real heun_w(real h, real r_t, real r_p, real R, real S, real S2) =
      affine_bnd(heun_b(h, r_p), heun_yt(h, r_t, R, S), heun_b(h, r_p), S2, 0.0, 0.0)
      * (1.0 + 0x1p-49) + 0x1p-1069;
*/
/*@ requires finite: \is_finite(h) && \is_finite(r_t) && \is_finite(r_p);
    requires h_rng:  0x1p-60 <= h <= 16.0;
    requires r_rng:  0x1p-60 <= r_t <= 0x1.42p4 && 0x1p-60 <= r_p <= 0x1.42p4;
    requires io_fin: \is_finite(y) && \is_finite(s) && \is_finite(s2);
    requires io_rng: \abs(y) <= R <= 0x1p380 && \abs(s) <= S <= 0x1p380 &&
                     \abs(s2) <= S2 <= 0x1p380;
    assigns \nothing;
    ensures bound: \abs(\result) <= affine_bnd(heun_a(h, r_t), R, heun_b(h, r_t), S, 1.0,
                                               heun_w(h, r_t, r_p, R, S, S2))
                                    * (1.0 + 0x1p-49) + 0x1p-1069;
*/
double step_bound_pf_heun(double h, double r_t, double r_p, double y, double s, double s2,
                          double R, double S, double S2)
{
  ddpm_fp_affine k, k2;
  double q;
  ddpm_fp_coeffs_pf_euler(h, r_t, &k);
  /*@ assert a_le: 0.0 <= k.a <= euler_a(h, r_t) * (1.0 + 0x1p-50); */
  /*@ assert b_le: 0.0 <= k.b <= euler_b(h, r_t) * (1.0 + 0x1p-50); */
  /*@ assert mag: affine_mag(k.a, y, k.b, s, 0.0, 0.0) <=
        affine_bnd(euler_a(h, r_t), R, euler_b(h, r_t), S, 0.0, 0.0) * (1.0 + 0x1p-50); */
  /*@ assert mag_c: affine_mag(k.a, y, k.b, s, 0.0, 0.0) <=
        affine_bnd(162.0, R, 161.0, S, 0.0, 0.0) * (1.0 + 0x1p-50); */
  double ytil = ddpm_fp_affine_apply(k.a, y, k.b, s, 0.0, 0.0);
  /*@ assert ytil_bnd: \abs(ytil) <= heun_yt(h, r_t, R, S); */
  /*@ assert ytil_rng: \abs(ytil) <= 0x1p390; */
  ddpm_fp_coeffs_heun(h, r_t, r_p, &k2, &q);
  /*@ assert q_le: 0.0 <= q <= heun_b(h, r_p) * (1.0 + 0x1p-50); */
  /*@ assert a2_le: 0.0 <= k2.a <= heun_a(h, r_t) * (1.0 + 0x1p-50); */
  /*@ assert b2_le: 0.0 <= k2.b <= heun_b(h, r_t) * (1.0 + 0x1p-50); */
  /*@ assert magw: affine_mag(q, ytil, q, s2, 0.0, 0.0) <=
        affine_bnd(heun_b(h, r_p), heun_yt(h, r_t, R, S), heun_b(h, r_p), S2, 0.0, 0.0)
        * (1.0 + 0x1p-50); */
  /*@ assert magw_c: affine_mag(q, ytil, q, s2, 0.0, 0.0) <=
        affine_bnd(80.5, 0x1p390, 80.5, S2, 0.0, 0.0) * (1.0 + 0x1p-50); */
  double corr = ddpm_fp_affine_apply(q, ytil, q, s2, 0.0, 0.0);
  /*@ assert corr_bnd: \abs(corr) <= heun_w(h, r_t, r_p, R, S, S2); */
  /*@ assert corr_rng: \abs(corr) <= 0x1p398; */
  /*@ assert mag2: affine_mag(k2.a, y, k2.b, s, k2.c, corr) <=
        affine_bnd(heun_a(h, r_t), R, heun_b(h, r_t), S, 1.0, heun_w(h, r_t, r_p, R, S, S2))
        * (1.0 + 0x1p-50); */
  return ddpm_fp_affine_apply(k2.a, y, k2.b, s, k2.c, corr);
}
