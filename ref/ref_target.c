/* ref_target.c: targets with exact scores, in MPFR. */
#include "ddpm_ref.h"

int ddpm_ref_target_init(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_target *tg,
                         ddpm_err *e)
{
  (void)e;
  tg->kind = spec->kind;
  switch (spec->kind) {
  case DDPM_TARGET_GAUSS:
    tg->d = spec->integer[DDPM_GAUSS_D];
    mpfr_inits2(prec, tg->mean, tg->var, (mpfr_ptr)0);
    mpfr_set_str(tg->mean, spec->text[DDPM_GAUSS_MEAN], 10, MPFR_RNDN);
    mpfr_set_str(tg->var, spec->text[DDPM_GAUSS_VAR], 10, MPFR_RNDN);
    break;
  }
  return DDPM_OK;
}

void ddpm_ref_target_clear(ddpm_ref_target *tg)
{
  switch (tg->kind) {
  case DDPM_TARGET_GAUSS: mpfr_clears(tg->mean, tg->var, (mpfr_ptr)0); break;
  }
}

void ddpm_ref_target_score(const ddpm_ref_target *tg, mpfr_srcptr abar, mpfr_srcptr oma,
                           mpfr_t *x, mpfr_t *s)
{
  switch (tg->kind) {
  case DDPM_TARGET_GAUSS: {
    /* X_t ~ N(m_t, v_t), m_t = sqrt(abar) m, v_t = abar v + (1 - abar);
     * s_t(x) = (m_t - x) / v_t */
    mpfr_t m_t, v_t;
    mpfr_inits2(mpfr_get_prec(tg->mean), m_t, v_t, (mpfr_ptr)0);
    mpfr_sqrt(m_t, abar, MPFR_RNDN);
    mpfr_mul(m_t, m_t, tg->mean, MPFR_RNDN);
    mpfr_mul(v_t, abar, tg->var, MPFR_RNDN);
    mpfr_add(v_t, v_t, oma, MPFR_RNDN);
    for (long long j = 0; j < tg->d; j++) {
      mpfr_sub(s[j], m_t, x[j], MPFR_RNDN);
      mpfr_div(s[j], s[j], v_t, MPFR_RNDN);
    }
    mpfr_clears(m_t, v_t, (mpfr_ptr)0);
    break;
  }
  }
}
