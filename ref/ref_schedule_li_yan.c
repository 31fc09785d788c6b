/* ref_schedule_li_yan.c: Li & Yan (2024), eq. 2.3, k = c1 log T / T:
 *   beta_1 = T^-c0,   beta_{t+1} = k min(beta_1 (1 + k)^t, 1). */
#include "ddpm_ref.h"

void ddpm_ref_li_yan_betas(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  mpfr_t c0, c1, k, beta1, grown, one_plus_k;
  mpfr_inits2(s->prec, c0, c1, k, beta1, grown, one_plus_k, (mpfr_ptr)0);
  mpfr_set_str(c0, spec->text[DDPM_LY_C0], 10, MPFR_RNDN);
  mpfr_set_str(c1, spec->text[DDPM_LY_C1], 10, MPFR_RNDN);
  mpfr_set_si(k, s->T, MPFR_RNDN);
  mpfr_log(k, k, MPFR_RNDN);
  mpfr_mul(k, k, c1, MPFR_RNDN);
  mpfr_div_si(k, k, s->T, MPFR_RNDN);           /* k = c1 log T / T */
  mpfr_set_si(beta1, s->T, MPFR_RNDN);
  mpfr_neg(c0, c0, MPFR_RNDN);
  mpfr_pow(beta1, beta1, c0, MPFR_RNDN);        /* T^-c0 */
  mpfr_add_ui(one_plus_k, k, 1, MPFR_RNDN);
  mpfr_set(s->beta[1], beta1, MPFR_RNDN);
  for (long long t = 1; t < s->T; t++) {
    mpfr_pow_ui(grown, one_plus_k, (unsigned long)t, MPFR_RNDN);
    mpfr_mul(grown, grown, beta1, MPFR_RNDN);
    if (mpfr_cmp_ui(grown, 1) > 0) mpfr_set_ui(grown, 1, MPFR_RNDN);
    mpfr_mul(s->beta[t + 1], k, grown, MPFR_RNDN);
  }
  mpfr_clears(c0, c1, k, beta1, grown, one_plus_k, (mpfr_ptr)0);
}
