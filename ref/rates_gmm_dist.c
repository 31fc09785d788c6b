/* rates_gmm_dist.c: distances between a propagated 1-D law and its
 * reference on the base grid (spec/ddpm_rates_gmm.h): KL both ways and H2
 * by the trapezoid rule of non-negative integrands, TV by an eighth-order
 * cell rule with the sign changes located on the interpolant. */
#include <math.h>

#include "ddpm_rates_gmm.h"

/* f = w - ref at node i */
static long double diff(const ddpm_rates_gmm_law *law, long long i)
{
  return law->w[i] - law->ref[i];
}

/* p log(p/q) - p + q >= 0. Near p = q as q ((1 + x) log1p(x) - x),
 * x = (p - q)/q, so that nothing cancels; elsewhere from the logs (x
 * would round to -1 when p << q). */
static long double kl_term(long double p, long double q)
{
  if (p == 0) return q;
  if (q == 0) return INFINITY;
  const long double x = (p - q) / q;
  if (fabsl(x) > 0.5L) return p * (logl(p) - logl(q)) - p + q;
  return q * ((1 + x) * log1pl(x) - x);
}

/* Cells are integrated with the degree-7 interpolant through the 8 nodes
 * j-3 .. j+4 (eighth order); in local units the cell is [0, 1], the nodes
 * -3 .. 4. basis[m][k]: coefficient of x^k in the Lagrange polynomial of
 * node m - 3. */
enum { ORDER = 8, BEFORE = 3 };
static long double basis[ORDER][ORDER];
static int have_basis;

static void make_basis(void)
{
  for (int m = 0; m < ORDER; m++) {
    long double c[ORDER] = {1}; /* the product, built factor by factor */
    int deg = 0;
    for (int l = 0; l < ORDER; l++) {
      if (l == m) continue;
      const long double den = (long double)(m - l), root = (long double)(l - BEFORE);
      for (int k = ++deg; k >= 0; k--) c[k] = ((k ? c[k - 1] : 0) - root * c[k]) / den;
    }
    for (int k = 0; k < ORDER; k++) basis[m][k] = c[k];
  }
  have_basis = 1;
}

/* The interpolant of f on the cell, in monomial form. */
static void interpolant(const ddpm_rates_gmm_law *law, long long j, long double c[ORDER])
{
  for (int k = 0; k < ORDER; k++) c[k] = 0;
  for (int m = 0; m < ORDER; m++) {
    const long double f = diff(law, j - BEFORE + m);
    for (int k = 0; k < ORDER; k++) c[k] += f * basis[m][k];
  }
}

static long double poly_at(const long double c[ORDER], long double x)
{
  long double v = 0;
  for (int k = ORDER - 1; k >= 0; k--) v = v * x + c[k];
  return v;
}

/* int_lo^hi of the polynomial. */
static long double poly_int(const long double c[ORDER], long double lo, long double hi)
{
  long double s = 0, plo = lo, phi = hi;
  for (int k = 0; k < ORDER; k++, plo *= lo, phi *= hi) s += c[k] * (phi - plo) / (k + 1);
  return s;
}

/* int |f| over the cell [j, j + 1] in units of h: the interpolant (the
 * trapezoid within 3 nodes of the grid's ends, where f is negligible),
 * split at its root (by bisection) where f[j] and f[j+1] differ in sign.
 * Two roots inside one cell (a tangency) count as none: the area between
 * them is of the order of h |f|, with f near 0 there. */
static long double cell_abs(const ddpm_rates_gmm_law *law, long long j)
{
  const long double f0 = diff(law, j), f1 = diff(law, j + 1);
  if (j < BEFORE || j + ORDER - BEFORE > law->n) return fabsl(f0 + f1) / 2;
  long double c[ORDER];
  interpolant(law, j, c);
  if ((f0 < 0) == (f1 < 0) || f0 == 0 || f1 == 0) return fabsl(poly_int(c, 0, 1));
  long double lo = 0, hi = 1;
  for (int it = 0; it < 70; it++) {
    const long double mid = (lo + hi) / 2;
    if ((poly_at(c, mid) < 0) == (f0 < 0)) lo = mid;
    else hi = mid;
  }
  const long double r = (lo + hi) / 2;
  return fabsl(poly_int(c, 0, r)) + fabsl(poly_int(c, r, 1));
}

void ddpm_rates_gmm_distances(const ddpm_rates_gmm_law *law, ddpm_rates_dist *r)
{
  long double kl_out = 0, kl_ref = 0, h2 = 0, tv = 0, lone_out = 0, lone_ref = 0;
  for (long long j = 0; j < law->n; j++) {
    const long double p = law->w[j], q = law->ref[j], dr = sqrtl(p) - sqrtl(q);
    h2 += dr * dr;
    /* a density 0 at a node: beyond every kernel's reach or underflowed;
     * such nodes are left out of KL unless the other law has mass there */
    if (q == 0) lone_out += law->h * p;
    else kl_out += kl_term(p, q);
    if (p == 0) lone_ref += law->h * q;
    else kl_ref += kl_term(q, p);
  }
  if (lone_out > DDPM_RATES_GMM_NEGLIGIBLE) kl_out = INFINITY;
  if (lone_ref > DDPM_RATES_GMM_NEGLIGIBLE) kl_ref = INFINITY;
  if (!have_basis) make_basis();
  for (long long j = 0; j + 1 < law->n; j++) tv += cell_abs(law, j);
  mpfr_set_ld(r->kl_out_ref, law->h * kl_out, MPFR_RNDN);
  mpfr_set_ld(r->kl_ref_out, law->h * kl_ref, MPFR_RNDN);
  mpfr_set_ld(r->h2, law->h * h2 / 2, MPFR_RNDN);
  mpfr_set_ld(r->tv, law->h * tv / 2, MPFR_RNDN);
  mpfr_set(r->tv_lo, r->tv, MPFR_RNDN);
  mpfr_set(r->tv_hi, r->tv, MPFR_RNDN);
  mpfr_set_nan(r->w2);
  r->tv_exact = 1;
}
