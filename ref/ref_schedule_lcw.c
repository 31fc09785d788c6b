/* ref_schedule_lcw.c: Li, Cai & Wei (2025), eq. 14, k = c1 log T / T:
 *   abar_T = T^-c0,   abar_{t-1} = abar_t + k abar_t (1 - abar_t),
 * with 1 - abar carried by 1 - abar_{t-1} = (1 - abar_t)(1 - k abar_t)
 * (1 - abar_1 is about 1e-20 at the defaults), and
 *   beta_t = 1 - abar_t/abar_{t-1} = k abar_t (1 - abar_t)/abar_{t-1}. */
#include "ddpm_ref.h"

void ddpm_ref_lcw_fill(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  mpfr_t c0, c1, k, growth, shrink;
  mpfr_inits2(s->prec, c0, c1, k, growth, shrink, (mpfr_ptr)0);
  mpfr_set_str(c0, spec->text[DDPM_LY_C0], 10, MPFR_RNDN);
  mpfr_set_str(c1, spec->text[DDPM_LY_C1], 10, MPFR_RNDN);
  mpfr_set_si(k, T, MPFR_RNDN);
  mpfr_log(k, k, MPFR_RNDN);
  mpfr_mul(c0, c0, k, MPFR_RNDN);               /* c0 log T */
  mpfr_mul(k, k, c1, MPFR_RNDN);
  mpfr_div_si(k, k, T, MPFR_RNDN);              /* k = c1 log T / T */
  mpfr_neg(c0, c0, MPFR_RNDN);
  mpfr_exp(s->abar[T], c0, MPFR_RNDN);          /* T^-c0 */
  mpfr_expm1(s->oma[T], c0, MPFR_RNDN);
  mpfr_neg(s->oma[T], s->oma[T], MPFR_RNDN);    /* 1 - T^-c0 */
  for (long long t = T; t > 1; t--) {
    mpfr_mul(growth, k, s->abar[t], MPFR_RNDN);
    mpfr_ui_sub(shrink, 1, growth, MPFR_RNDN);          /* 1 - k abar_t */
    mpfr_mul(growth, growth, s->oma[t], MPFR_RNDN);     /* k abar_t (1 - abar_t) */
    mpfr_add(s->abar[t - 1], s->abar[t], growth, MPFR_RNDN);
    mpfr_mul(s->oma[t - 1], s->oma[t], shrink, MPFR_RNDN);
    mpfr_div(s->beta[t], growth, s->abar[t - 1], MPFR_RNDN);
  }
  mpfr_set(s->beta[1], s->oma[1], MPFR_RNDN);           /* abar_0 = 1 */
  mpfr_clears(c0, c1, k, growth, shrink, (mpfr_ptr)0);
}
