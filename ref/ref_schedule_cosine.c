/* ref_schedule_cosine.c: Nichol & Dhariwal's cosine schedule, as written:
 *   f(u) = cos^2(((u + s)/(1 + s)) pi/2),
 *   beta_t = min(1 - f(t/T)/f((t-1)/T), max_beta).
 * The subtraction costs the oracle about log2(1/beta_t) < 20 of its bits;
 * the fast path uses a cancellation-free form instead (fp/, maths.md). */
#include "ddpm_ref.h"

/* f(t/T) at the oracle's precision */
static void cosine_f(mpfr_t f, long long t, long long T, mpfr_srcptr s, mpfr_srcptr half_pi)
{
  mpfr_set_si(f, t, MPFR_RNDN);
  mpfr_div_si(f, f, T, MPFR_RNDN);
  mpfr_add(f, f, s, MPFR_RNDN);
  mpfr_mul(f, f, half_pi, MPFR_RNDN);
  mpfr_cos(f, f, MPFR_RNDN);
  mpfr_sqr(f, f, MPFR_RNDN);
}

void ddpm_ref_cosine_betas(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  mpfr_t sv, max_beta, half_pi, f_prev, f_next;
  mpfr_inits2(s->prec, sv, max_beta, half_pi, f_prev, f_next, (mpfr_ptr)0);
  mpfr_set_str(sv, spec->text[DDPM_COSINE_S], 10, MPFR_RNDN);
  mpfr_set_str(max_beta, spec->text[DDPM_COSINE_MAX_BETA], 10, MPFR_RNDN);
  mpfr_const_pi(half_pi, MPFR_RNDN);
  mpfr_div_2ui(half_pi, half_pi, 1, MPFR_RNDN);
  mpfr_add_ui(f_prev, sv, 1, MPFR_RNDN);
  mpfr_div(half_pi, half_pi, f_prev, MPFR_RNDN); /* (pi/2)/(1 + s) */
  cosine_f(f_prev, 0, s->T, sv, half_pi);
  for (long long t = 1; t <= s->T; t++) {
    cosine_f(f_next, t, s->T, sv, half_pi);
    mpfr_div(s->beta[t], f_next, f_prev, MPFR_RNDN);
    mpfr_ui_sub(s->beta[t], 1, s->beta[t], MPFR_RNDN);
    mpfr_min(s->beta[t], s->beta[t], max_beta, MPFR_RNDN);
    mpfr_swap(f_prev, f_next);
  }
  mpfr_clears(sv, max_beta, half_pi, f_prev, f_next, (mpfr_ptr)0);
}
