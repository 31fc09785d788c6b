/* ddpm_rates_gmm.h: the output law of a sampler on a 1-D Gaussian mixture,
 * by propagating its density through the steps with quadrature of
 * controlled error, and its distances to the reference law (issue 7).
 *
 * The steps. With the exact score, step k from t to p is
 *
 *     Y_p = F(Y_t) + c Z,   F(y) = a y + b s_t(y) [+ e s_p(a' y + b' s_t(y))]
 *
 * with a, b, c (and pf-heun's e, a', b') read off the oracle's own step
 * (ddpm_ref_sampler_linear), so the coefficients and the last-step
 * convention are the oracle's. The density is carried on a uniform base
 * grid y_j = lo + j h as mass per unit y, w_j, at positions u_j (u_j = y_j
 * at the start and after every stochastic step) with u'(y_j) = J_j:
 *
 * A run without any noise (DDIM eta=0, the ODE samplers) is pulled back
 * instead: at each point u of the uniform grid, the steps are inverted in
 * turn (safeguarded Newton on the increasing F), and
 * p_out(u) = phi(y) / prod_k F_k'(x_k), exact up to rounding; moving nodes
 * forward would squeeze the target's low-density valleys into spikes in y.
 * Otherwise:
 *   deterministic step (c = 0): change of variables, exact: u_j <- F(u_j),
 *     J_j <- J_j F'(u_j), w_j unchanged; F' from the exact score derivative
 *     s' = sum_k r_k (g_k - s)^2 - sum_k r_k / v_k. F must be increasing
 *     on the grid (F' > 0 at every node): otherwise the step is refused.
 *   stochastic step (c > 0): the Gaussian transition kernel, by the
 *     trapezoid rule in y, onto the uniform grid:
 *         w'(x_i) = h sum_j w_j phi((x_i - F(u_j)) / c) / c,
 *     then u = y, J = 1. The kernel is cut at DDPM_RATES_GMM_CUT widths.
 *
 * Error. The trapezoid rule on the whole line is spectrally accurate for
 * smooth decaying integrands: for a Gaussian of width sigma in y its error
 * is about 2 exp(-2 pi^2 sigma^2 / h^2). The kernel's width in y is
 * c / |J F'|; every stochastic step checks that it is at least
 * DDPM_RATES_GMM_KAPPA h (error below 2 exp(-2 pi^2 KAPPA^2) = 1.5e-19 of
 * the mass moved) at every node carrying more than DDPM_RATES_GMM_NEGLIGIBLE
 * of the mass in total, and refuses the grid otherwise. The densities
 * themselves have widths of at least the mixture's smallest standard
 * deviation, resolved by the automatic h (at most a tenth of it). The
 * domain is [min(0, mu) - W, max(0, mu) + W], W = margin max(1, sd): mass
 * beyond it (Gaussian tails, about erfc(margin/sqrt 2)) is lost, and
 * reported (mass). Distances: KL both ways and H2 by the trapezoid rule of
 * non-negative smooth integrands (spectral); TV = 1/2 int |f| with f the
 * densities' difference, cell by cell with the interpolant of degree 7
 * through the 8 nearest nodes (eighth order), the cells where f changes
 * sign split at the interpolant's root.
 * These are a priori statements; the CLI measures the actual error by a
 * second run at h/2 on a wider domain and reports the difference.
 *
 * Precision: long double (64-bit significand). The quadrature errors above
 * are far above the roundoff (unit 5.4e-20, summed over a few hundred terms
 * per node and step), so MPFR would buy nothing; binary64 would leave about
 * 1e-13 after a thousand steps, long double about 1e-16.
 *
 * Reference: the target mixture (compare x0) or the forward marginal at
 * t = 1 (compare x1, after the step ending at t = 1), pulled back to the
 * base grid: ref_j = p_ref(u_j) J_j, so every integral is over y. */
#ifndef DDPM_RATES_GMM_H
#define DDPM_RATES_GMM_H

#include "ddpm_rates.h"

#define DDPM_RATES_GMM_KAPPA 1.5L
#define DDPM_RATES_GMM_CUT 9.0L         /* kernel widths: mass beyond 2e-19 */
#define DDPM_RATES_GMM_NEGLIGIBLE 1e-18L /* mass that may sit in unresolved kernels */
#define DDPM_RATES_GMM_MARGIN 10.0L     /* default domain margin, in max(1, sd) */

typedef struct {
  long long n;          /* base grid: y_j = lo + j h, j < n */
  long double lo, h;
  long double *w;       /* the output's density in y */
  long double *ref;     /* the reference density pulled back to y */
  long double *u;       /* the nodes' positions */
  long double mass;     /* h sum w: 1 up to what left the domain */
  long double kernel;   /* smallest kernel width / h met (+inf without noise) */
  long long stochastic, deterministic; /* steps of each kind */
} ddpm_rates_gmm_law;

/* The law of run's output (run: a checked run on a 1-D target, Gaussian or
 * mixture; n, seed and replay files are ignored) on a grid of spacing h
 * (h <= 0: automatic, min(0.01, sd/10, c_min / (1.2 KAPPA)) with c_min the
 * smallest noise scale of the steps) and the given domain margin; the
 * steps' coefficients at prec bits. Exit code 2 for d > 1, a non-monotone
 * deterministic step, an unresolved kernel (naming --quad-h) or compare x1
 * without a step ending at t = 1. */
int ddpm_rates_gmm_law_compute(const ddpm_run *run, ddpm_rates_compare cmp, mpfr_prec_t prec,
                               long double h, long double margin, ddpm_rates_gmm_law *law,
                               ddpm_err *e);
void ddpm_rates_gmm_law_clear(ddpm_rates_gmm_law *law);

/* KL(out || ref), KL(ref || out), H2 and TV (tv_exact = 1, tv = tv_lo =
 * tv_hi) of the law as described above; W2 is NaN (not computed). Nodes
 * where one density is 0 (beyond every kernel's reach, or underflow) are
 * left out of the KL that divides by it, unless the other law has more
 * than DDPM_RATES_GMM_NEGLIGIBLE of its mass on them (KL = +inf). */
void ddpm_rates_gmm_distances(const ddpm_rates_gmm_law *law, ddpm_rates_dist *r);

#endif
