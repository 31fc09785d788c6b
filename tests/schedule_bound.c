/* schedule_bound.c: see schedule_bound.h. Each line mirrors one rounded
 * operation of the builder it bounds (fp/fp_schedule_*.c); first-order
 * terms, padded by 1% at the end for the rest. */
#include <math.h>

#include "fp_error_bound.h"
#include "schedule_bound.h"

#define U 0x1p-53
#define LIB (LIBM_ULPS * 2 * U) /* a libm result's relative error */

/* beta_t of linear: decimal inputs, width, frac, product, sum (six roundings) */
static double linear_beta(const ddpm_spec *s, long long t, long long T, double beta)
{
  double bmin = s->real[DDPM_LINEAR_BETA_MIN], bmax = s->real[DDPM_LINEAR_BETA_MAX];
  double frac = (double)(t - 1) / (double)(T - 1);
  return U * (bmin + frac * (bmax + bmin) + 3 * frac * (bmax - bmin) + beta) / beta;
}

/* scaled-linear: lo, hi = sqrt of rounded decimals (1.5u each), width, frac,
 * product and sum give root's absolute error; squaring doubles it, plus u */
static double scaled_linear_beta(const ddpm_spec *s, long long t, long long T, double beta)
{
  double lo = sqrt(s->real[DDPM_LINEAR_BETA_MIN]), hi = sqrt(s->real[DDPM_LINEAR_BETA_MAX]);
  double width = hi - lo, frac = (double)(t - 1) / (double)(T - 1), root = sqrt(beta);
  double d_width = 1.5 * U * (lo + hi) + U * width;
  double d_root = 1.5 * U * lo + frac * d_width + 2 * U * width * frac + U * root;
  return 2 * d_root / root + U;
}

/* cosine (fp/fp_schedule_cosine.c): c = fl(pi/2)/(1 + s) is within 3.35u;
 * each angle within 6.35u; every sine or cosine has a relative condition
 * number <= 1 (<= pi/4 for the cosine), plus LIB; two products and a
 * division. Clipping to max_beta costs at most the rounding of max_beta. */
static double cosine_beta(void)
{
  double sin_diff = 4.35 * U + LIB, cos_a = 6.35 * U + LIB, sin_sum = 6.35 * U + LIB;
  return sin_sum + sin_diff + 2 * cos_a + 3 * U;
}

/* li-yan: log T, k, log beta_1 and the exponent log beta_1 + (t-1) log1p(k)
 * carry absolute errors that exp turns into relative ones. */
static double li_yan_beta(const ddpm_spec *s, long long t, long long T)
{
  double logT = log((double)T), c0 = s->real[DDPM_LY_C0], c1 = s->real[DDPM_LY_C1];
  double k = c1 * logT / (double)T, rho_k = 2 * U + LIB + U;
  double log_beta1 = c0 * logT, d_log_beta1 = log_beta1 * (U + LIB + U);
  if (t == 1) return d_log_beta1 + LIB;
  double lg = log1p(k), rho_lg = rho_k + LIB, m = (double)(t - 1);
  double d_arg = d_log_beta1 + m * lg * (rho_lg + U) + U * (log_beta1 + m * lg);
  return rho_k + d_arg + LIB + U;
}

void schedule_error_bounds(const ddpm_spec *spec, double *const ex[SB_NCOL],
                           double *bound[SB_NCOL])
{
  long long T = ddpm_schedule_T(spec);
  double *rb = bound[SB_BETA], *ra = bound[SB_ALPHA], *rab = bound[SB_ABAR];
  double *ro = bound[SB_OMA];
  rab[0] = ro[0] = 0;
  if (spec->kind == DDPM_SCHEDULE_LCW) {
    /* lcw runs backwards from abar_T = exp(-c0 log T), 1 - abar_T = -expm1(.) */
    double logT = log((double)T), c0 = spec->real[DDPM_LY_C0];
    double rho_k = 2 * U + LIB + U, arg = c0 * logT, rel_arg = U + LIB + U;
    rab[T] = arg * rel_arg + LIB;
    ro[T] = rel_arg + LIB; /* expm1's condition number is <= 1 for x < 0 */
    for (long long t = T; t > 1; t--) {
      double ka = ex[SB_BETA][t] * ex[SB_ABAR][t - 1] / ex[SB_OMA][t]; /* = k abar_t */
      double rg = rho_k + rab[t] + ro[t] + 2 * U;    /* g = k abar_t (1 - abar_t) */
      double abar = ex[SB_ABAR][t], g = ka * ex[SB_OMA][t];
      rab[t - 1] = (abar * rab[t] + g * rg) / (abar + g) + U; /* abar_t + g */
      double shrink = 1 - ka, rel_shrink = (ka * (rho_k + rab[t] + U) + U * shrink) / shrink;
      ro[t - 1] = ro[t] + rel_shrink + U;
      rb[t] = rg + rab[t - 1] + U;
    }
    rb[1] = ro[1];
  } else if (spec->kind == DDPM_SCHEDULE_VP || spec->kind == DDPM_SCHEDULE_OU) {
    /* grid times within 4u, B(tau) within 12u and its increments within 14u
     * (relative); exp turns B's absolute error into a relative one, expm1's
     * condition number is <= 1 for negative arguments */
    for (long long t = 1; t <= T; t++) {
      double B = -ex[SB_LOG_ABAR][t];
      rb[t] = 14 * U + LIB;
      rab[t] = 12 * U * B + LIB;
      ro[t] = 12 * U + LIB;
    }
  } else {
    for (long long t = 1; t <= T; t++) {
      double beta = ex[SB_BETA][t];
      switch (spec->kind) {
      case DDPM_SCHEDULE_LINEAR: rb[t] = linear_beta(spec, t, T, beta); break;
      case DDPM_SCHEDULE_SCALED_LINEAR: rb[t] = scaled_linear_beta(spec, t, T, beta); break;
      case DDPM_SCHEDULE_COSINE: rb[t] = cosine_beta(); break;
      case DDPM_SCHEDULE_LI_YAN: rb[t] = li_yan_beta(spec, t, T); break;
      default: rb[t] = U; break; /* file: strtod is correctly rounded */
      }
      /* abar_t = abar_{t-1} (1 - beta_t) */
      double alpha = ex[SB_ALPHA][t];
      double rho_1mb = (beta * rb[t] + U * alpha) / alpha;
      rab[t] = rab[t - 1] + rho_1mb + U;
      /* 1 - abar_t: the recurrence above abar = 1/2, 1 - abar_t below: either */
      double oma = ex[SB_OMA][t], abar_prev = ex[SB_ABAR][t - 1], abar = ex[SB_ABAR][t];
      double d_rec = ro[t - 1] * ex[SB_OMA][t - 1] + abar_prev * beta * (rab[t - 1] + rb[t] + U) +
                     U * oma;
      /* directly: 1 - abar_t, or 1 - abar_{t-1} where that is larger; the
       * exact 1 - abar increases, so the larger is within the error of one */
      double d_dir = fmax(rab[t] * abar + U * oma, ro[t - 1] * ex[SB_OMA][t - 1]);
      /* the fast path's branch is decided by its abar, within rab of abar */
      double d = abar * (1 - rab[t]) >= 0.5 ? d_rec
               : abar * (1 + rab[t]) < 0.5  ? d_dir
                                            : fmax(d_rec, d_dir);
      ro[t] = d / oma;
    }
  }
  for (long long t = 1; t <= T; t++) {
    double beta = ex[SB_BETA][t], alpha = ex[SB_ALPHA][t], oma = ex[SB_OMA][t];
    ra[t] = (beta * rb[t] + U * alpha) / alpha;
    bound[SB_BTILDE][t] = t == 1 ? 0 : rb[t] + ro[t - 1] + ro[t] + 2 * U;
    bound[SB_SNR][t] = rab[t] + ro[t] + U;
    bound[SB_SQRT_ABAR][t] = rab[t] / 2 + U; /* sqrt halves a relative error */
    bound[SB_SQRT_OMA][t] = ro[t] / 2 + U;
    double L = fabs(ex[SB_LOG_ABAR][t]);
    double via_log1p = ro[t] * oma / (1 - fmin(oma, 0.5)) + LIB * L; /* log1p(-(1 - abar)) */
    double via_log = rab[t] + LIB * L;                                 /* log(abar) */
    /* the fast path's branch is decided by its 1 - abar, within ro of it */
    bound[SB_LOG_ABAR][t] = oma * (1 + ro[t]) < 0.5   ? via_log1p
                            : oma * (1 - ro[t]) >= 0.5 ? via_log
                                                       : fmax(via_log1p, via_log);
    for (int c = 0; c < SB_NCOL; c++) bound[c][t] *= 1.01;
  }
}
