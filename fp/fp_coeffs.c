/* fp_coeffs.c: the per-step coefficients of every sampler in binary64
 * (spec/maths.md section 4, table), each formed from positive terms only so
 * that no subtraction cancels. */
#include <math.h>

#include "ddpm_fp_step.h"

void ddpm_fp_coeffs_ddpm(double beta_j, double alpha_j, double btilde_j, int var, int noise,
                         ddpm_fp_affine *k)
{
  double a = 1.0 / sqrt(alpha_j);
  k->a = a;
  k->b = beta_j * a;
  if (!noise) k->c = 0.0;
  else if (var == 1) k->c = sqrt(btilde_j);
  else if (var == 2) k->c = sqrt(beta_j / alpha_j);
  else k->c = sqrt(beta_j);
}

void ddpm_fp_coeffs_ddim(double eta, double beta_j, double alpha_j, double oma_t, double oma_p,
                         ddpm_fp_affine *k)
{
  /* sigma^2 = eta^2 betatilde_j; 1 - abar_p - sigma^2 as a sum of
   * non-negative terms, (1 - abar_p)((1 - abar_p) alpha_j + (1 - eta^2) beta_j)
   * / (1 - abar_t), with 1 - eta^2 = (1 - eta)(1 + eta) exact-ish */
  double sigma2 = (eta * eta) * (beta_j * (oma_p / oma_t));
  double q2 = oma_p * ((oma_p * alpha_j + ((1.0 - eta) * (1.0 + eta)) * beta_j) / oma_t);
  /* A^2 = abar_p (1 - abar_t)/abar_t = (1 - abar_t)/alpha_j, and
   * A^2 - Q^2 = beta_j/alpha_j + sigma^2 */
  double A = sqrt(oma_t / alpha_j), Q = sqrt(q2);
  k->a = 1.0 / sqrt(alpha_j);
  k->b = sqrt(oma_t) * ((beta_j / alpha_j + sigma2) / (A + Q));
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
  k->c = noise ? sqrt(hr) : 0.0;
}

void ddpm_fp_coeffs_ei(double beta_j, double alpha_j, int noise, ddpm_fp_affine *k)
{
  double sa = sqrt(alpha_j);
  k->a = 1.0 / sa;
  /* 2 (1/sqrt(alpha) - 1) = 2 (1 - sqrt(alpha))/sqrt(alpha), and
   * 1 - sqrt(alpha) = beta/(1 + sqrt(alpha)) */
  k->b = (2.0 * beta_j) / (sa * (1.0 + sa));
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
  *q = 0.25 * (h * r_p);
}
