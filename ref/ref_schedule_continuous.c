/* ref_schedule_continuous.c: vp and ou on their time grid, in MPFR:
 * tau_0 = 0, tau_k = eps + (end - eps)(k - 1)/(T - 1), abar_k = exp(-B(tau_k)),
 * 1 - abar_k = -expm1(-B(tau_k)), beta_k = -expm1(-(B(tau_k) - B(tau_{k-1}))),
 * with vp's B(tau) = beta_min tau + (beta_max - beta_min) tau^2/2 and ou's
 * B(tau) = 2 tau. */
#include "ddpm_ref.h"

static void set_from_integral(ddpm_ref_schedule *s, long long k, mpfr_srcptr B, mpfr_srcptr B_prev,
                              mpfr_t tmp)
{
  mpfr_neg(tmp, B, MPFR_RNDN);
  mpfr_exp(s->abar[k], tmp, MPFR_RNDN);
  mpfr_expm1(s->oma[k], tmp, MPFR_RNDN);
  mpfr_neg(s->oma[k], s->oma[k], MPFR_RNDN);
  mpfr_sub(tmp, B_prev, B, MPFR_RNDN);
  mpfr_expm1(s->beta[k], tmp, MPFR_RNDN);
  mpfr_neg(s->beta[k], s->beta[k], MPFR_RNDN);
}

void ddpm_ref_continuous_fill(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  int vp = spec->kind == DDPM_SCHEDULE_VP;
  ddpm_ref_grid g;
  mpfr_t tau, B, B_prev, tmp;
  ddpm_ref_grid_init(spec, s->prec, &g);
  mpfr_inits2(s->prec, tau, B, B_prev, tmp, (mpfr_ptr)0);
  mpfr_set_zero(B_prev, 1);
  for (long long k = 1; k <= s->T; k++) {
    ddpm_ref_grid_tau(tau, &g, k);
    if (vp) { /* B = tau (beta_min + slope tau / 2) */
      mpfr_mul(B, g.slope, tau, MPFR_RNDN);
      mpfr_div_2ui(B, B, 1, MPFR_RNDN);
      mpfr_add(B, B, g.rate0, MPFR_RNDN);
      mpfr_mul(B, B, tau, MPFR_RNDN);
    } else {
      mpfr_mul_2ui(B, tau, 1, MPFR_RNDN);
    }
    set_from_integral(s, k, B, B_prev, tmp);
    mpfr_swap(B, B_prev);
  }
  mpfr_clears(tau, B, B_prev, tmp, (mpfr_ptr)0);
  ddpm_ref_grid_clear(&g);
}
