/* ddpm_rates.h: the exact output law of a sampler on a diagonal Gaussian
 * target, and its distances to a reference law (issue 7).
 *
 * Why it is exact. With the exact score of N(mu, diag(s2)), per coordinate
 * s_t(y)_j = (m_j - y_j)/v_j (spec/maths.md section 3) is affine in y. Every
 * sampler of section 4 combines y, s and the draw z linearly, with
 * coefficients that depend on the step only (pf-heun: an affine map of an
 * affine map; the Euler last step included), so one step is, coordinate by
 * coordinate,
 *
 *     Y_p = A Y_t + B + C Z,   Z ~ N(0, 1) independent of Y_t.
 *
 * ref/rates.c reads A, B and C off the oracle's own step
 * (ddpm_ref_sampler_apply): B = step(0, z = 0), A = step(1, 0) - B,
 * C = step(0, 1) - B; in the reals these identities are exact because the
 * step is affine, and the oracle evaluates them to its precision. From
 * Y_T ~ N(0, I) the law stays N(mean, diag(P)) with
 *
 *     mean <- A mean + B,   P <- A^2 P + C^2,
 *
 * carried as defects against the forward marginal N(m_t, v_t) at the step's
 * time (m_t = sqrt(abar_t) mu, v_t = abar_t s2 + 1 - abar_t):
 *
 *     e <- A e + (A m_t + B - m_p),   D <- A^2 D + (A^2 v_t + C^2 - v_p),
 *
 * starting from e = -m_T, D = 1 - v_T = abar_T (1 - s2). The distances depend
 * on the law only through (e, D) and the reference, so they never form a
 * small number as the difference of two large ones. The recursion runs at
 * the requested precision plus guard bits (DDPM_RATES_GUARD + log2 steps).
 *
 * Reference laws: the target N(mu, diag(s2)) (compare x0: the state after
 * every step), or X_1 ~ N(sqrt(abar_1) mu, abar_1 s2 + 1 - abar_1) as Li and
 * Yan state their theorem (compare x1: the state Y_1 after the step that
 * ends at t = 1, i.e. every step but the last; a run with no such step is
 * refused). */
#ifndef DDPM_RATES_H
#define DDPM_RATES_H

#include <mpfr.h>

#include "ddpm_error.h"
#include "ddpm_model.h"

#define DDPM_RATES_GUARD 64

typedef enum { DDPM_RATES_X0 = 0, DDPM_RATES_X1 = 1 } ddpm_rates_compare;

/* The output law as coordinate classes: class c has multiplicity mult[c]
 * (an isotropic gauss:d=D target is one class of multiplicity D, a
 * gauss:FILE.json target D classes of 1); d = sum of the multiplicities.
 * Output law of class c: N(ref_mean[c] + dmean[c], ref_var[c] + dvar[c]). */
typedef struct {
  long long d, nclass;
  long long *mult;
  mpfr_prec_t prec;            /* of the values below (with guard bits) */
  mpfr_t *ref_mean, *ref_var;  /* the reference law */
  mpfr_t *dmean, *dvar;        /* the defects: output minus reference */
} ddpm_rates_law;

/* The exact law of run's output (run: a checked run whose target is one
 * diagonal Gaussian; n, seed and replay files are ignored), with prec bits
 * of working precision plus guard bits. Exit code 2 for a target that is not
 * Gaussian or compare x1 without a step ending at t = 1. */
int ddpm_rates_law_compute(const ddpm_run *run, ddpm_rates_compare cmp, mpfr_prec_t prec,
                           ddpm_rates_law *law, ddpm_err *e);
void ddpm_rates_law_clear(ddpm_rates_law *law);

/* Distances from the output law P_out to the reference P_ref:
 *   KL(out || ref) and KL(ref || out), closed form per coordinate, summed;
 *   W2, with W2^2 = sum_j (dmean_j^2 + (sqrt(P_j) - sqrt(v_j))^2);
 *   squared Hellinger H2 = 1 - BC, BC = int sqrt(p q) (so 0 <= H2 <= 1);
 *   TV = sup_A |P_out(A) - P_ref(A)|: exact (tv_exact = 1, tv = tv_lo =
 *   tv_hi) when at most one coordinate differs (the 1-D crossing points),
 *   when every variance defect is exactly 0 (a half-space), or when every
 *   coordinate has the same law (isotropic: a sphere, noncentral
 *   chi-square, within DDPM_RATES_ISO_TERMS); otherwise the
 *   bounds tv_lo = max(H2, max_j TV_j) <= TV <= tv_hi = min(sqrt(H2 (2 - H2)),
 *   sqrt(KL/2) both ways (Pinsker), sum_j TV_j, 1), TV_j the exact TV of
 *   coordinate j's marginals, narrowed by TV_hs -+ sqrt(KL(out' || out)/2)
 *   (out' = out with the reference's variances, TV_hs its half-space TV),
 *   and tv is NaN; where those bounds agree to the precision (variance
 *   defects of rounding size), TV is their midpoint and tv_exact = 1. */
typedef struct {
  mpfr_t kl_out_ref, kl_ref_out, w2, h2, tv, tv_lo, tv_hi;
  int tv_exact;
} ddpm_rates_dist;

void ddpm_rates_dist_init(ddpm_rates_dist *r, mpfr_prec_t prec);
void ddpm_rates_dist_clear(ddpm_rates_dist *r);
/* r's values, each rounded to nearest at r's precision. */
void ddpm_rates_distances(const ddpm_rates_law *law, ddpm_rates_dist *r);

/* TV between N(mean + dmean, var + dvar) and N(mean, var) in one dimension,
 * from the points where the densities cross (the roots of a quadratic): the
 * densities' difference keeps one sign between the roots, so TV is
 * |P_out(I) - P_ref(I)| for the interval I between them (equal variances:
 * the half-line beyond the one crossing). Exact to tv's precision. */
void ddpm_rates_tv_1d(mpfr_t tv, mpfr_srcptr dmean, mpfr_srcptr var, mpfr_srcptr dvar);

/* TV between N(mean + dmean 1, (var + dvar) I) and N(mean 1, var I) in R^d,
 * dvar != 0: the densities cross on a sphere, and TV is the difference of
 * two noncentral chi-square probabilities (ref/rates_tv_iso.c), exact to
 * tv's precision. The Poisson sums have about l/2 = d dmean^2 var/(2 dvar^2)
 * terms: above DDPM_RATES_ISO_TERMS the function returns 0 (tv untouched),
 * else 1. */
#define DDPM_RATES_ISO_TERMS 100000.0
int ddpm_rates_tv_isotropic(mpfr_t tv, mpfr_srcptr dmean, mpfr_srcptr var, mpfr_srcptr dvar,
                            long long d);

#endif
