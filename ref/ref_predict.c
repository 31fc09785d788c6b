/* ref_predict.c: conversions between the score and the epsilon-, x0- and
 * v-predictions at time t (spec/maths.md section 3), in MPFR, as written
 * there: eps = -b s, x0 = (x + (1 - abar) s)/a, v = a eps - b x0, with
 * a = sqrt(abar), b = sqrt(1 - abar). out may not alias the inputs. */
#include "ddpm_ref.h"

void ddpm_ref_score_to_eps(mpfr_t eps, const ddpm_ref_time *at, mpfr_srcptr s)
{
  mpfr_mul(eps, at->sqrt_oma, s, MPFR_RNDN);
  mpfr_neg(eps, eps, MPFR_RNDN);
}

void ddpm_ref_eps_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr eps)
{
  mpfr_div(s, eps, at->sqrt_oma, MPFR_RNDN);
  mpfr_neg(s, s, MPFR_RNDN);
}

void ddpm_ref_score_to_x0(mpfr_t x0, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr s)
{
  mpfr_mul(x0, at->oma, s, MPFR_RNDN);
  mpfr_add(x0, x0, x, MPFR_RNDN);
  mpfr_div(x0, x0, at->sqrt_abar, MPFR_RNDN);
}

void ddpm_ref_x0_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr x0)
{
  /* s = (a x0 - x) / (1 - abar) */
  mpfr_mul(s, at->sqrt_abar, x0, MPFR_RNDN);
  mpfr_sub(s, s, x, MPFR_RNDN);
  mpfr_div(s, s, at->oma, MPFR_RNDN);
}

void ddpm_ref_score_to_v(mpfr_t v, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr s,
                         mpfr_t tmp)
{
  ddpm_ref_score_to_x0(tmp, at, x, s); /* v = a eps - b x0 */
  mpfr_mul(tmp, at->sqrt_oma, tmp, MPFR_RNDN);
  ddpm_ref_score_to_eps(v, at, s);
  mpfr_mul(v, at->sqrt_abar, v, MPFR_RNDN);
  mpfr_sub(v, v, tmp, MPFR_RNDN);
}

void ddpm_ref_v_to_score(mpfr_t s, const ddpm_ref_time *at, mpfr_srcptr x, mpfr_srcptr v,
                         mpfr_t tmp)
{
  mpfr_mul(tmp, at->sqrt_oma, x, MPFR_RNDN); /* eps = b x + a v */
  mpfr_mul(s, at->sqrt_abar, v, MPFR_RNDN);
  mpfr_add(tmp, tmp, s, MPFR_RNDN);
  ddpm_ref_eps_to_score(s, at, tmp);
}
