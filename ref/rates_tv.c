/* rates_tv.c: the exact total variation between two 1-D Gaussians,
 * out = N(e, s1) and ref = N(0, s) with s1 = s + D (spec/ddpm_rates.h),
 * from the points where their densities cross.
 *
 * 2 s s1 (log p_out(u) - log p_ref(u)) = a u^2 + 2 b u + c with
 *   a = D,   b = s e,   c = -s (e^2 + s1 log1p(D/s)),
 * every coefficient formed from the defects (no cancellation), and the
 * quarter discriminant b^2 - a c = s s1 (e^2 + D log1p(D/s)) >= 0 (D and
 * log1p(D/s) have the same sign). With D != 0 the roots u1 < u2 bound the
 * interval I where the difference keeps one sign, and the sign is the
 * opposite outside; both laws have mass 1, so
 *   TV = |P_out(I) - P_ref(I)|.
 * With D = 0 the one crossing is e/2 and TV = erf(|e|/(2 sqrt(2 s))).
 * The roots come from the stable pair u = q/a, u = c/q,
 * q = -(b + sign(b) sqrt(b^2 - a c)). An error in the roots changes TV only
 * at second order (p_out = p_ref there). The difference of the two masses
 * loses up to -log2 TV bits; TV >= H2 = 1 - BC, so the work is done with
 * -log2 H2 extra bits. */
#include "ddpm_rates.h"

/* out <- Phi(hi) - Phi(lo) for lo <= hi, from the tail that keeps it
 * accurate: Phi(x) = erfc(-x/sqrt 2)/2. */
static void normal_mass(mpfr_t out, mpfr_srcptr lo, mpfr_srcptr hi)
{
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(out), a, b, (mpfr_ptr)0);
  mpfr_sqrt_ui(a, 2, MPFR_RNDN);
  mpfr_div(b, hi, a, MPFR_RNDN);
  mpfr_div(a, lo, a, MPFR_RNDN);
  if (mpfr_sgn(a) >= 0) { /* both in the upper tail */
    mpfr_erfc(a, a, MPFR_RNDN);
    mpfr_erfc(b, b, MPFR_RNDN);
    mpfr_sub(out, a, b, MPFR_RNDN);
  } else if (mpfr_sgn(b) <= 0) { /* both in the lower tail */
    mpfr_neg(a, a, MPFR_RNDN), mpfr_neg(b, b, MPFR_RNDN);
    mpfr_erfc(a, a, MPFR_RNDN);
    mpfr_erfc(b, b, MPFR_RNDN);
    mpfr_sub(out, b, a, MPFR_RNDN);
  } else {
    mpfr_erf(a, a, MPFR_RNDN);
    mpfr_erf(b, b, MPFR_RNDN);
    mpfr_sub(out, b, a, MPFR_RNDN);
  }
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
}

/* A lower bound's exponent for TV: H2 = 1 - BC of the pair, at 64 bits
 * (its h term with extra bits, as in rates_dist.c). */
static mpfr_exp_t h2_exponent(mpfr_srcptr e, mpfr_srcptr s, mpfr_srcptr D)
{
  mpfr_exp_t x = mpfr_zero_p(D) ? 0 : mpfr_get_exp(D) - mpfr_get_exp(s);
  mpfr_t r, t, u;
  mpfr_inits2(64 + 8 + (x < 0 ? -x : 0), r, t, u, (mpfr_ptr)0);
  mpfr_div(r, D, s, MPFR_RNDN);
  mpfr_log1p(t, r, MPFR_RNDN); /* log BC = log1p(r)/4 - log1p(r/2)/2 - e^2/(4 (2 s + D)) */
  mpfr_div_2ui(t, t, 2, MPFR_RNDN);
  mpfr_div_2ui(u, r, 1, MPFR_RNDN);
  mpfr_log1p(u, u, MPFR_RNDN);
  mpfr_div_2ui(u, u, 1, MPFR_RNDN);
  mpfr_sub(t, t, u, MPFR_RNDN);
  mpfr_mul_2ui(u, s, 1, MPFR_RNDN);
  mpfr_add(u, u, D, MPFR_RNDN);
  mpfr_mul_2ui(u, u, 2, MPFR_RNDN);
  mpfr_sqr(r, e, MPFR_RNDN);
  mpfr_div(u, r, u, MPFR_RNDN);
  mpfr_sub(t, t, u, MPFR_RNDN);
  mpfr_expm1(t, t, MPFR_RNDN);
  mpfr_exp_t ex = mpfr_zero_p(t) ? mpfr_get_emin() : mpfr_get_exp(t);
  mpfr_clears(r, t, u, (mpfr_ptr)0);
  return ex;
}

/* The crossings u1 <= u2 (D != 0). */
static void crossings(mpfr_t u1, mpfr_t u2, mpfr_srcptr e, mpfr_srcptr s, mpfr_srcptr D,
                      mpfr_srcptr s1)
{
  const mpfr_prec_t p = mpfr_get_prec(u1);
  mpfr_t b, c, q;
  mpfr_inits2(p, b, c, q, (mpfr_ptr)0);
  mpfr_div(c, D, s, MPFR_RNDN); /* c = -s (e^2 + s1 log1p(D/s)) */
  mpfr_log1p(c, c, MPFR_RNDN);
  mpfr_mul(q, D, c, MPFR_RNDN); /* D log1p(D/s) >= 0 */
  mpfr_mul(c, s1, c, MPFR_RNDN);
  mpfr_sqr(b, e, MPFR_RNDN);
  mpfr_add(c, c, b, MPFR_RNDN);
  mpfr_mul(c, s, c, MPFR_RNDN);
  mpfr_neg(c, c, MPFR_RNDN);
  mpfr_add(q, q, b, MPFR_RNDN); /* b^2 - a c = s s1 (e^2 + D log1p(D/s)) */
  mpfr_mul(q, q, s, MPFR_RNDN);
  mpfr_mul(q, q, s1, MPFR_RNDN);
  mpfr_sqrt(q, q, MPFR_RNDN);
  mpfr_mul(b, s, e, MPFR_RNDN);
  if (mpfr_sgn(b) < 0) mpfr_neg(q, q, MPFR_RNDN);
  mpfr_add(q, b, q, MPFR_RNDN); /* q = -(b + sign(b) sqrt(.)) */
  mpfr_neg(q, q, MPFR_RNDN);
  mpfr_div(u1, q, D, MPFR_RNDN);
  mpfr_div(u2, c, q, MPFR_RNDN);
  if (mpfr_greater_p(u1, u2)) mpfr_swap(u1, u2);
  mpfr_clears(b, c, q, (mpfr_ptr)0);
}

/* |P_out(I) - P_ref(I)| for I = [u1, u2] */
static void mass_difference(mpfr_t tv, mpfr_srcptr u1, mpfr_srcptr u2, mpfr_srcptr e,
                            mpfr_srcptr s, mpfr_srcptr s1)
{
  mpfr_t sd, lo, hi, m;
  mpfr_inits2(mpfr_get_prec(tv), sd, lo, hi, m, (mpfr_ptr)0);
  mpfr_sqrt(sd, s1, MPFR_RNDN); /* out: (u - e)/sqrt(s1) */
  mpfr_sub(lo, u1, e, MPFR_RNDN);
  mpfr_div(lo, lo, sd, MPFR_RNDN);
  mpfr_sub(hi, u2, e, MPFR_RNDN);
  mpfr_div(hi, hi, sd, MPFR_RNDN);
  normal_mass(m, lo, hi);
  mpfr_sqrt(sd, s, MPFR_RNDN); /* ref: u/sqrt(s) */
  mpfr_div(lo, u1, sd, MPFR_RNDN);
  mpfr_div(hi, u2, sd, MPFR_RNDN);
  normal_mass(tv, lo, hi);
  mpfr_sub(tv, m, tv, MPFR_RNDN);
  mpfr_abs(tv, tv, MPFR_RNDN);
  mpfr_clears(sd, lo, hi, m, (mpfr_ptr)0);
}

void ddpm_rates_tv_1d(mpfr_t tv, mpfr_srcptr dmean, mpfr_srcptr var, mpfr_srcptr dvar)
{
  if (mpfr_zero_p(dmean) && mpfr_zero_p(dvar)) {
    mpfr_set_zero(tv, 1);
    return;
  }
  mpfr_exp_t ex = h2_exponent(dmean, var, dvar);
  const mpfr_prec_t p = mpfr_get_prec(tv) + 32 + (ex < 0 ? (mpfr_prec_t)-ex : 0);
  mpfr_t s1, u1, u2, t;
  mpfr_inits2(p, s1, u1, u2, t, (mpfr_ptr)0);
  mpfr_add(s1, var, dvar, MPFR_RNDN);
  if (mpfr_zero_p(dvar)) { /* erf(|e|/(2 sqrt(2 s))) */
    mpfr_mul_2ui(t, var, 3, MPFR_RNDN);
    mpfr_sqrt(t, t, MPFR_RNDN);
    mpfr_div(t, dmean, t, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_erf(t, t, MPFR_RNDN);
  } else {
    crossings(u1, u2, dmean, var, dvar, s1);
    mass_difference(t, u1, u2, dmean, var, s1);
  }
  mpfr_set(tv, t, MPFR_RNDN);
  mpfr_clears(s1, u1, u2, t, (mpfr_ptr)0);
}
