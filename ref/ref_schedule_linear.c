/* ref_schedule_linear.c: linear and scaled-linear schedules in MPFR. */
#include "ddpm_ref.h"

/* beta_t = beta_min + (beta_max - beta_min) (t - 1)/(T - 1) */
void ddpm_ref_linear_betas(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  mpfr_t bmin, bmax, width;
  mpfr_inits2(s->prec, bmin, bmax, width, (mpfr_ptr)0);
  mpfr_set_str(bmin, spec->text[DDPM_LINEAR_BETA_MIN], 10, MPFR_RNDN);
  mpfr_set_str(bmax, spec->text[DDPM_LINEAR_BETA_MAX], 10, MPFR_RNDN);
  mpfr_sub(width, bmax, bmin, MPFR_RNDN);
  for (long long t = 1; t <= s->T; t++) {
    mpfr_mul_ui(s->beta[t], width, (unsigned long)(t - 1), MPFR_RNDN);
    mpfr_div_ui(s->beta[t], s->beta[t], (unsigned long)(s->T - 1), MPFR_RNDN);
    mpfr_add(s->beta[t], s->beta[t], bmin, MPFR_RNDN);
  }
  mpfr_clears(bmin, bmax, width, (mpfr_ptr)0);
}

/* beta_t = (sqrt(beta_min) + (sqrt(beta_max) - sqrt(beta_min)) (t - 1)/(T - 1))^2 */
void ddpm_ref_scaled_linear_betas(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  mpfr_t lo, hi, width;
  mpfr_inits2(s->prec, lo, hi, width, (mpfr_ptr)0);
  mpfr_set_str(lo, spec->text[DDPM_LINEAR_BETA_MIN], 10, MPFR_RNDN);
  mpfr_set_str(hi, spec->text[DDPM_LINEAR_BETA_MAX], 10, MPFR_RNDN);
  mpfr_sqrt(lo, lo, MPFR_RNDN);
  mpfr_sqrt(hi, hi, MPFR_RNDN);
  mpfr_sub(width, hi, lo, MPFR_RNDN);
  for (long long t = 1; t <= s->T; t++) {
    mpfr_mul_ui(s->beta[t], width, (unsigned long)(t - 1), MPFR_RNDN);
    mpfr_div_ui(s->beta[t], s->beta[t], (unsigned long)(s->T - 1), MPFR_RNDN);
    mpfr_add(s->beta[t], s->beta[t], lo, MPFR_RNDN);
    mpfr_sqr(s->beta[t], s->beta[t], MPFR_RNDN);
  }
  mpfr_clears(lo, hi, width, (mpfr_ptr)0);
}
