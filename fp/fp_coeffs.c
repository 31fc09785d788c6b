/* fp_coeffs.c: the per-step coefficients of every sampler in binary64
 * (spec/maths.md section 4, table), each formed from positive terms only so
 * that no subtraction cancels.
 *
 * Contracts (ranges, finiteness, relative errors) in ddpm_fp_step.h, proved
 * by proofs/run (proofs/README.md, "Integrator bounds"). The ACSL lines here
 * are proof steps only (comments to the compiler; the machine code is the
 * same without them): assertions restate a contract's clauses where the
 * values are computed, before a branch, and name intermediate results. */
#include <math.h>

#include "ddpm_fp_step.h"

void ddpm_fp_coeffs_ddpm(double beta_j, double alpha_j, double btilde_j, int var, int noise,
                         ddpm_fp_affine *k)
{
  double a = 1.0 / sqrt(alpha_j);
  k->a = a;
  k->b = beta_j * a;
  /*@ assert a_ok: \is_finite(k->a) && 1.0 <= k->a <= 0x1p27 &&
                   rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52); */
  /*@ assert b_ok: \is_finite(k->b) && 0.0 <= k->b <= 0x1p27; */
  /*@ assert b_err: beta_j >= 0x1p-900 ==> rel_le(k->b, ddpm_b(beta_j, alpha_j), 0x1.81p-52); */
  if (!noise) k->c = 0.0;
  else if (var == 1) k->c = sqrt(btilde_j);
  else if (var == 2) k->c = sqrt(beta_j / alpha_j);
  else k->c = sqrt(beta_j);
}

/* Proof helper (ghost, not compiled): the last step of ddim's b_bnd, as a
 * lemma on the computed values, proved by WP apart from the float operations
 * of ddpm_fp_coeffs_ddim (proofs/README.md). */
/*@ ghost
  /@ requires beta_rng:  0x1p-300 <= beta <= 1.0;
     requires alpha_rng: 0x1p-54 <= alpha <= 1.0;
     requires oma_rng:   0x1p-600 <= oma_t <= 1.0;
     requires s2_rng:    0.0 <= s2 <= 1.0;
     requires q_rng:     0.0 <= q;
     requires b_of:      rel_le(b, ddim_b_of(beta, alpha, oma_t, s2, q), 0x1p-50);
     assigns \nothing;
     ensures lem_b_bnd:  b <= ddim_b_max(beta, alpha, oma_t, 1.0) * (1.0 + 0x1p-50);
     ensures lem_b_bnd0: s2 == 0.0 ==> b <= ddim_b_max(beta, alpha, oma_t, 0.0) * (1.0 + 0x1p-50);
  @/
  static void ddim_b_lemma(double b, double beta, double alpha, double oma_t, double s2,
                           double q) { }
*/

void ddpm_fp_coeffs_ddim(double eta, double beta_j, double alpha_j, double oma_t, double oma_p,
                         ddpm_fp_affine *k)
{
  /* sigma^2 = eta^2 betatilde_j; 1 - abar_p - sigma^2 as a sum of
   * non-negative terms, (1 - abar_p)((1 - abar_p) alpha_j + (1 - eta^2) beta_j)
   * / (1 - abar_t), with 1 - eta^2 = (1 - eta)(1 + eta) exact-ish */
  /*@ assert ratio: 0.0 <= oma_p / oma_t <= 1.0; */
  double sigma2 = (eta * eta) * (beta_j * (oma_p / oma_t));
  /*@ assert sigma2_rng: \is_finite(sigma2) && 0.0 <= sigma2 <= 1.0; */
  /*@ assert sigma2_eta0: eta == 0.0 ==> sigma2 == 0.0; */
  /*@ assert sigma2_p0: oma_p == 0.0 ==> sigma2 == 0.0; */
  double q2 = oma_p * ((oma_p * alpha_j + ((1.0 - eta) * (1.0 + eta)) * beta_j) / oma_t);
  /*@ assert q2_rng: \is_finite(q2) && 0.0 <= q2; */
  /* A^2 = abar_p (1 - abar_t)/abar_t = (1 - abar_t)/alpha_j, and
   * A^2 - Q^2 = beta_j/alpha_j + sigma^2 */
  double A = sqrt(oma_t / alpha_j), Q = sqrt(q2);
  /*@ assert Q_rng: \is_finite(Q) && 0.0 <= Q; */
  k->a = 1.0 / sqrt(alpha_j);
  k->b = sqrt(oma_t) * ((beta_j / alpha_j + sigma2) / (A + Q));
  /*@ assert b_of: beta_j >= 0x1p-300 && oma_t >= 0x1p-600 ==>
        rel_le(k->b, ddim_b_of(beta_j, alpha_j, oma_t, sigma2, Q), 0x1p-50); */
  /*@ ghost if (beta_j >= 0x1p-300 && oma_t >= 0x1p-600)
                ddim_b_lemma(k->b, beta_j, alpha_j, oma_t, sigma2, Q); */
  k->c = sqrt(sigma2);
}

void ddpm_fp_coeffs_liyan_ode(double beta_j, double alpha_j, ddpm_fp_affine *k)
{
  double a = 1.0 / sqrt(alpha_j);
  k->a = a;
  k->b = 0.5 * (beta_j * a);
  k->c = 0.0;
}

void ddpm_fp_coeffs_em(double h, double r, int noise, ddpm_fp_affine *k)
{
  double hr = h * r;
  k->a = 1.0 + 0.5 * hr;
  k->b = hr;
  /*@ assert a_ok: \is_finite(k->a) && 1.0 <= k->a <= 162.0 &&
                   rel_le(k->a, euler_a(h, r), 0x1p-52); */
  /*@ assert b_ok: \is_finite(k->b) && 0.0 < k->b <= 322.0 &&
                   rel_le(k->b, em_b(h, r), 0x1p-53); */
  k->c = noise ? sqrt(hr) : 0.0;
}

void ddpm_fp_coeffs_ei(double beta_j, double alpha_j, int noise, ddpm_fp_affine *k)
{
  double sa = sqrt(alpha_j);
  k->a = 1.0 / sa;
  /* 2 (1/sqrt(alpha) - 1) = 2 (1 - sqrt(alpha))/sqrt(alpha), and
   * 1 - sqrt(alpha) = beta/(1 + sqrt(alpha)) */
  k->b = (2.0 * beta_j) / (sa * (1.0 + sa));
  /*@ assert a_ok: \is_finite(k->a) && 1.0 <= k->a <= 0x1p27 &&
                   rel_le(k->a, inv_sqrt(alpha_j), 0x1.01p-52); */
  /*@ assert b_ok: \is_finite(k->b) && 0.0 <= k->b <= 0x1p28 &&
                   (beta_j >= 0x1p-900 ==>
                    rel_le(k->b, ei_b(beta_j, alpha_j), 0x1.61p-51)); */
  k->c = noise ? sqrt(beta_j / alpha_j) : 0.0;
}

void ddpm_fp_coeffs_pf_euler(double h, double r, ddpm_fp_affine *k)
{
  double half = 0.5 * (h * r);
  k->a = 1.0 + half;
  k->b = half;
  k->c = 0.0;
}

void ddpm_fp_coeffs_heun(double h, double r_t, double r_p, ddpm_fp_affine *k, double *q)
{
  double quarter = 0.25 * (h * r_t);
  k->a = 1.0 + quarter;
  k->b = quarter;
  k->c = 1.0;
  /*@ assert a_ok: \is_finite(k->a) && 1.0 <= k->a <= 81.5 &&
                   rel_le(k->a, heun_a(h, r_t), 0x1p-52); */
  /*@ assert b_ok: \is_finite(k->b) && 0.0 < k->b <= 80.5 &&
                   rel_le(k->b, heun_b(h, r_t), 0x1p-53); */
  *q = 0.25 * (h * r_p);
}
