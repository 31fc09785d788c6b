/* ref_grid.c: the time grid of the continuous schedules vp and ou in MPFR
 * (spec/maths.md sections 2 and 4): tau_0 = 0, tau_k = eps + (end - eps)(k - 1)/(T - 1),
 * rate r(tau) = rate0 + slope tau. */
#include "ddpm_ref.h"

int ddpm_ref_grid_init(const ddpm_spec *schedule, mpfr_prec_t prec, ddpm_ref_grid *g)
{
  int vp = schedule->kind == DDPM_SCHEDULE_VP;
  if (!vp && schedule->kind != DDPM_SCHEDULE_OU) return 0;
  mpfr_inits2(prec, g->eps, g->end, g->rate0, g->slope, (mpfr_ptr)0);
  g->T = schedule->integer[0];
  if (vp) { /* beta(tau) = beta_min + (beta_max - beta_min) tau on [eps, 1] */
    mpfr_set_str(g->eps, schedule->text[DDPM_VP_EPS], 10, MPFR_RNDN);
    mpfr_set_ui(g->end, 1, MPFR_RNDN);
    mpfr_set_str(g->rate0, schedule->text[DDPM_VP_BETA_MIN], 10, MPFR_RNDN);
    mpfr_set_str(g->slope, schedule->text[DDPM_VP_BETA_MAX], 10, MPFR_RNDN);
    mpfr_sub(g->slope, g->slope, g->rate0, MPFR_RNDN);
  } else { /* dX = -X dt + sqrt(2) dB: rate 2 on [eps, horizon] */
    mpfr_set_str(g->eps, schedule->text[DDPM_OU_EPS], 10, MPFR_RNDN);
    mpfr_set_str(g->end, schedule->text[DDPM_OU_HORIZON], 10, MPFR_RNDN);
    mpfr_set_ui(g->rate0, 2, MPFR_RNDN);
    mpfr_set_zero(g->slope, 1);
  }
  return 1;
}

void ddpm_ref_grid_clear(ddpm_ref_grid *g)
{
  mpfr_clears(g->eps, g->end, g->rate0, g->slope, (mpfr_ptr)0);
}

void ddpm_ref_grid_tau(mpfr_t tau, const ddpm_ref_grid *g, long long t)
{
  if (t == 0) {
    mpfr_set_zero(tau, 1);
    return;
  }
  mpfr_sub(tau, g->end, g->eps, MPFR_RNDN);
  mpfr_mul_si(tau, tau, t - 1, MPFR_RNDN);
  mpfr_div_si(tau, tau, g->T - 1, MPFR_RNDN);
  mpfr_add(tau, tau, g->eps, MPFR_RNDN);
}

void ddpm_ref_grid_width(mpfr_t h, const ddpm_ref_grid *g, long long t, long long p)
{
  if (p == 0) { /* the early-stopping gap: tau_t down to the data */
    ddpm_ref_grid_tau(h, g, t);
    return;
  }
  mpfr_sub(h, g->end, g->eps, MPFR_RNDN);
  mpfr_mul_si(h, h, t - p, MPFR_RNDN);
  mpfr_div_si(h, h, g->T - 1, MPFR_RNDN);
}

void ddpm_ref_grid_rate(mpfr_t r, const ddpm_ref_grid *g, mpfr_srcptr tau)
{
  mpfr_mul(r, g->slope, tau, MPFR_RNDN);
  mpfr_add(r, r, g->rate0, MPFR_RNDN);
}
