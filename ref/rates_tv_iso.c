/* rates_tv_iso.c: the exact total variation between two isotropic Gaussians
 * in R^d, out = N(e 1, s1 I) and ref = N(0, s I), s1 = s + D, D != 0,
 * through the noncentral chi-square law (spec/ddpm_rates.h).
 *
 * Summing the 1-D quadratic of rates_tv.c over the coordinates,
 * 2 s s1 log(p_out/p_ref)(u) = D ||u + (s e/D) 1||^2 - d s s1 (e^2 + D L)/D
 * with L = log1p(D/s): the densities cross on the sphere around
 * c0 = -(s e/D) 1 of radius r, r^2 = d s s1 (e^2 + D L)/D^2 (e^2 + D L > 0:
 * D and L have the same sign), and the difference keeps one sign inside
 * the ball B and the other outside, so TV = |P_out(B) - P_ref(B)|. Under
 * out, ||Y - c0||^2/s1 is noncentral chi-square with d degrees of freedom
 * and noncentrality l1 = ||e 1 - c0||^2/s1 = d e^2 s1/D^2; under ref,
 * ||Y - c0||^2/s has l2 = d e^2 s/D^2. Hence
 *   TV = |F(r^2/s1; d, l1) - F(r^2/s; d, l2)|,
 *   F(x; k, l) = sum_j e^{-l/2} (l/2)^j/j! P(k/2 + j, x/2),
 * P the regularised lower incomplete gamma. Every term is positive. The
 * Poisson sum is cut where its tail is below 2^-(bits) (Chernoff:
 * P(N >= m + y) <= exp(-y^2/(2 (m + y/3)))), P is summed downwards from its
 * series at the top index (P(a, x) = P(a + 1, x) + x^a e^{-x}/Gamma(a + 1):
 * positive terms again). The cost grows with l/2 = d e^2 s/(2 D^2), so a
 * case with l/2 above DDPM_RATES_ISO_TERMS is left to the bounds. */
#include <math.h>

#include "ddpm_rates.h"

/* The last Poisson index needed for a tail below 2^-bits around mean m. */
static long long poisson_last(double m, mpfr_prec_t bits)
{
  double z = (double)bits * log(2.0);
  return (long long)(m + 1.1 * sqrt(2 * m * z) + z + 16);
}

/* P(a0 + J, x) by its series, x^a e^{-x}/Gamma(a + 1) sum_n x^n/((a+1)..(a+n)),
 * and g = x^a e^{-x}/Gamma(a + 1) at a = a0 + J. */
static void gamma_top(mpfr_t P, mpfr_t g, mpfr_srcptr a, mpfr_srcptr x)
{
  const mpfr_prec_t p = mpfr_get_prec(P);
  mpfr_t term, sum, t, eps;
  mpfr_inits2(p, term, sum, t, eps, (mpfr_ptr)0);
  mpfr_log(t, x, MPFR_RNDN); /* g = exp(a log x - x - lgamma(a + 1)) */
  mpfr_mul(g, a, t, MPFR_RNDN);
  mpfr_sub(g, g, x, MPFR_RNDN);
  mpfr_add_ui(t, a, 1, MPFR_RNDN);
  mpfr_lngamma(t, t, MPFR_RNDN);
  mpfr_sub(g, g, t, MPFR_RNDN);
  mpfr_exp(g, g, MPFR_RNDN);
  mpfr_set_ui(term, 1, MPFR_RNDN), mpfr_set_ui(sum, 1, MPFR_RNDN);
  for (unsigned long n = 1;; n++) { /* terms fall once a + n > x */
    mpfr_add_ui(t, a, n, MPFR_RNDN);
    mpfr_div(t, x, t, MPFR_RNDN);
    mpfr_mul(term, term, t, MPFR_RNDN);
    mpfr_add(sum, sum, term, MPFR_RNDN);
    if (mpfr_cmp_ui(t, 1) >= 0) continue;
    /* the ratios keep falling, so the tail is below term t/(1 - t): stop
     * when that is below 2^-(p + 8) of the sum (>= 1) */
    mpfr_ui_sub(eps, 1, t, MPFR_RNDN);
    mpfr_mul_2si(eps, eps, -(long)p - 8, MPFR_RNDN);
    mpfr_mul(t, term, t, MPFR_RNDN);
    if (mpfr_less_p(t, eps)) break;
  }
  mpfr_mul(P, g, sum, MPFR_RNDN);
  mpfr_clears(term, sum, t, eps, (mpfr_ptr)0);
}

/* w <- e^{-m} m^J/J! = exp(J log m - m - lgamma(J + 1)); 1 for m = 0 */
static void poisson_weight(mpfr_t w, mpfr_srcptr m, long long J)
{
  if (mpfr_zero_p(m)) {
    mpfr_set_ui(w, 1, MPFR_RNDN);
    return;
  }
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(w));
  mpfr_log(w, m, MPFR_RNDN);
  mpfr_mul_si(w, w, J, MPFR_RNDN);
  mpfr_sub(w, w, m, MPFR_RNDN);
  mpfr_set_si(t, J + 1, MPFR_RNDN);
  mpfr_lngamma(t, t, MPFR_RNDN);
  mpfr_sub(w, w, t, MPFR_RNDN);
  mpfr_exp(w, w, MPFR_RNDN);
  mpfr_clear(t);
}

/* F(x; k, l) for 2 m = l, summed over j = J..0 with P and the Poisson
 * weights by their recurrences (w_{j-1} = w_j j/m, g_{a-1} = g_a a/x). */
static void ncx2_cdf(mpfr_t F, mpfr_srcptr x2, long long k, mpfr_srcptr m, long long J)
{
  const mpfr_prec_t p = mpfr_get_prec(F);
  mpfr_t x, a, P, g, w, t;
  mpfr_inits2(p, x, a, P, g, w, t, (mpfr_ptr)0);
  mpfr_div_2ui(x, x2, 1, MPFR_RNDN);
  if (mpfr_zero_p(m)) J = 0; /* central: the one weight w_0 = 1 */
  mpfr_set_si(a, k, MPFR_RNDN); /* a = k/2 + J */
  mpfr_div_2ui(a, a, 1, MPFR_RNDN);
  mpfr_add_si(a, a, J, MPFR_RNDN);
  gamma_top(P, g, a, x);
  poisson_weight(w, m, J);
  mpfr_set_zero(F, 1);
  for (long long j = J;; j--) {
    mpfr_mul(t, w, P, MPFR_RNDN);
    mpfr_add(F, F, t, MPFR_RNDN);
    if (j == 0) break;
    mpfr_mul_si(w, w, j, MPFR_RNDN); /* w_{j-1} */
    mpfr_div(w, w, m, MPFR_RNDN);
    mpfr_sub_ui(a, a, 1, MPFR_RNDN); /* a <- a - 1: g_a = g_{a+1} (a + 1)/x, P_a = P_{a+1} + g_a */
    mpfr_add_ui(t, a, 1, MPFR_RNDN);
    mpfr_mul(g, g, t, MPFR_RNDN);
    mpfr_div(g, g, x, MPFR_RNDN);
    mpfr_add(P, P, g, MPFR_RNDN);
  }
  mpfr_clears(x, a, P, g, w, t, (mpfr_ptr)0);
}

/* The common factor d (e^2 + D L)/D^2 of both thresholds, L = log1p(D/s). */
static void threshold_factor(mpfr_t f, mpfr_srcptr e, mpfr_srcptr s, mpfr_srcptr D, long long d)
{
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(f));
  mpfr_div(t, D, s, MPFR_RNDN);
  mpfr_log1p(t, t, MPFR_RNDN);
  mpfr_mul(t, t, D, MPFR_RNDN);
  mpfr_sqr(f, e, MPFR_RNDN);
  mpfr_add(f, f, t, MPFR_RNDN);
  mpfr_mul_si(f, f, d, MPFR_RNDN);
  mpfr_sqr(t, D, MPFR_RNDN);
  mpfr_div(f, f, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* m <- l/2 = d e^2 v/(2 D^2) */
static void half_noncentrality(mpfr_t m, mpfr_srcptr e, mpfr_srcptr v, mpfr_srcptr D, long long d)
{
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(m));
  mpfr_div(t, e, D, MPFR_RNDN);
  mpfr_sqr(t, t, MPFR_RNDN);
  mpfr_mul(t, t, v, MPFR_RNDN);
  mpfr_mul_si(t, t, d, MPFR_RNDN);
  mpfr_div_2ui(m, t, 1, MPFR_RNDN);
  mpfr_clear(t);
}

int ddpm_rates_tv_isotropic(mpfr_t tv, mpfr_srcptr e, mpfr_srcptr s, mpfr_srcptr D, long long d)
{
  mpfr_t m1, m2, f, x1, x2, F1, F2;
  mpfr_inits2(64, m1, m2, f, (mpfr_ptr)0); /* sizes first, at 64 bits */
  mpfr_add(f, s, D, MPFR_RNDN);
  half_noncentrality(m1, e, f, D, d);
  half_noncentrality(m2, e, s, D, d);
  double big = fmax(mpfr_get_d(m1, MPFR_RNDU), mpfr_get_d(m2, MPFR_RNDU));
  mpfr_clears(m1, m2, f, (mpfr_ptr)0);
  if (!(big <= DDPM_RATES_ISO_TERMS)) return 0;
  /* TV >= the marginal TV of one coordinate: the difference F1 - F2 loses at
   * most -log2 of that many bits */
  mpfr_init2(f, 64);
  ddpm_rates_tv_1d(f, e, s, D);
  mpfr_prec_t p = mpfr_get_prec(tv) + 40 + (mpfr_prec_t)log2(big + 2);
  if (!mpfr_zero_p(f) && mpfr_get_exp(f) < 0) p += (mpfr_prec_t)-mpfr_get_exp(f);
  mpfr_clear(f);
  mpfr_inits2(p, m1, m2, f, x1, x2, F1, F2, (mpfr_ptr)0);
  mpfr_add(F1, s, D, MPFR_RNDN); /* s1 */
  half_noncentrality(m1, e, F1, D, d);
  half_noncentrality(m2, e, s, D, d);
  threshold_factor(f, e, s, D, d);
  mpfr_mul(x1, f, s, MPFR_RNDN); /* r^2/s1 = s f */
  mpfr_mul(x2, f, F1, MPFR_RNDN); /* r^2/s = s1 f */
  ncx2_cdf(F1, x1, d, m1, poisson_last(mpfr_get_d(m1, MPFR_RNDU), p));
  ncx2_cdf(F2, x2, d, m2, poisson_last(mpfr_get_d(m2, MPFR_RNDU), p));
  mpfr_sub(F1, F1, F2, MPFR_RNDN);
  mpfr_abs(tv, F1, MPFR_RNDN);
  mpfr_clears(m1, m2, f, x1, x2, F1, F2, (mpfr_ptr)0);
  return 1;
}
