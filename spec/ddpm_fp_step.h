/* ddpm_fp_step.h: one reverse step of the fast path, per coordinate.
 *
 * Every sampler of spec/maths.md section 4 is, in binary64, the affine update
 * y' = a y + b s + c z of one coordinate (pf-heun: two of them), with a, b, c
 * computed once per step from the schedule by the coefficient functions
 * below, each written without cancellation (maths.md section 4, table).
 * proofs/ proves the contracts (integrator bounds) in the float model. */
#ifndef DDPM_FP_STEP_H
#define DDPM_FP_STEP_H

#include "ddpm_fp_affine.h"

/* y' = (a y + b s) + c z, each operation rounded to nearest (no FMA). */
static inline double ddpm_fp_affine_apply(double a, double y, double b, double s, double c,
                                          double z)
{
  return (a * y + b * s) + c * z;
}

/* ddpm: a = 1/sqrt(alpha_j), b = beta_j a, c = sigma (noise = 0: c = 0).
 * var: 0 beta (sigma^2 = beta_j), 1 posterior (sigma^2 = btilde_j), 2 liyan
 * (sigma^2 = beta_j/alpha_j). */
void ddpm_fp_coeffs_ddpm(double beta_j, double alpha_j, double btilde_j, int var, int noise,
                         ddpm_fp_affine *k);

/* ddim with 0 <= eta <= 1, from the jump (beta_j, alpha_j) and 1 - abar at
 * both ends (oma_t > 0, oma_p >= 0). */
void ddpm_fp_coeffs_ddim(double eta, double beta_j, double alpha_j, double oma_t, double oma_p,
                         ddpm_fp_affine *k);

/* liyan-ode: a = 1/sqrt(alpha_j), b = beta_j a / 2, c = 0. */
void ddpm_fp_coeffs_liyan_ode(double beta_j, double alpha_j, ddpm_fp_affine *k);

/* vp-em and ou-em on a step of width h at rate r: a = 1 + h r/2, b = h r,
 * c = sqrt(h r) (noise = 0: c = 0). */
void ddpm_fp_coeffs_em(double h, double r, int noise, ddpm_fp_affine *k);

/* vp-ei: a = 1/sqrt(alpha_j), b = 2 beta_j/(sqrt(alpha_j)(1 + sqrt(alpha_j))),
 * c = sqrt(beta_j/alpha_j) (noise = 0: c = 0). */
void ddpm_fp_coeffs_ei(double beta_j, double alpha_j, int noise, ddpm_fp_affine *k);

/* pf-euler: a = 1 + h r/2, b = h r/2, c = 0. */
void ddpm_fp_coeffs_pf_euler(double h, double r, ddpm_fp_affine *k);

/* pf-heun's corrector, Y_p = a Y_t + b s_t(Y_t) + c w with
 * w = q (Ytilde + s_p(Ytilde)): a = 1 + h r_t/4, b = h r_t/4, c = 1, q = h r_p/4
 * (the predictor Ytilde is pf-euler's step). */
void ddpm_fp_coeffs_heun(double h, double r_t, double r_p, ddpm_fp_affine *k, double *q);

#endif
