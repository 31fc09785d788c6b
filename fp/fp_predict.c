/* fp_predict.c: conversions between the score and the epsilon-, x0- and
 * v-predictions at time t (spec/maths.md section 3), binary64. */
#include "ddpm_fp.h"

double ddpm_fp_score_to_eps(const ddpm_fp_time *at, double s) { return -at->sqrt_oma * s; }

double ddpm_fp_eps_to_score(const ddpm_fp_time *at, double eps) { return -eps / at->sqrt_oma; }

double ddpm_fp_score_to_x0(const ddpm_fp_time *at, double x, double s)
{
  return (x + at->oma * s) / at->sqrt_abar;
}

double ddpm_fp_x0_to_score(const ddpm_fp_time *at, double x, double x0)
{
  return (at->sqrt_abar * x0 - x) / at->oma;
}

double ddpm_fp_score_to_v(const ddpm_fp_time *at, double x, double s)
{
  /* v = a eps - b x0 with eps = -b s, x0 = (x + b^2 s)/a:
   * v = -(a b s) - (b/a)(x + b^2 s) = -(b/a)(x + s) since a^2 + b^2 = 1 */
  return -(at->sqrt_oma / at->sqrt_abar) * (x + s);
}

double ddpm_fp_v_to_score(const ddpm_fp_time *at, double x, double v)
{
  /* eps = b x + a v, s = -eps/b */
  return -(at->sqrt_oma * x + at->sqrt_abar * v) / at->sqrt_oma;
}
