/* rates_fit.c: what a rate claim is compared with: least-squares log-log
 * slopes in T and in d, and the normalised constants (rates_job.h). */
#include <math.h>

#include "rates_job.h"

const char *const rates_quantity_names[RATES_NQ] = {"kl_out_ref", "kl_ref_out", "w2", "h2",
                                                    "tv"};

mpfr_srcptr rates_quantity(const rates_row *r, int k)
{
  switch (k) {
  case 0: return r->dist.kl_out_ref;
  case 1: return r->dist.kl_ref_out;
  case 2: return r->dist.w2;
  case 3: return r->dist.h2;
  default: return r->dist.tv_exact ? r->dist.tv : r->dist.tv_hi;
  }
}

double rates_log(mpfr_srcptr x)
{
  if (mpfr_nan_p(x) || mpfr_sgn(x) <= 0) return NAN;
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_log(t, x, MPFR_RNDN);
  double v = mpfr_get_d(t, MPFR_RNDN);
  mpfr_clear(t);
  return v;
}

double rates_slope(const double *x, const double *y, int n)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int m = 0;
  for (int q = 0; q < n; q++)
    if (isfinite(x[q]) && isfinite(y[q])) sx += x[q], sy += y[q], m++;
  if (m < 2) return NAN;
  sx /= m, sy /= m;
  for (int q = 0; q < n; q++)
    if (isfinite(x[q]) && isfinite(y[q]))
      sxx += (x[q] - sx) * (x[q] - sx), sxy += (x[q] - sx) * (y[q] - sy);
  return sxx > 0 ? sxy / sxx : NAN;
}

void rates_slopes_in_T(const rates_job *job, int i, double slope[RATES_NQ])
{
  double x[RATES_LIST_MAX], y[RATES_LIST_MAX];
  for (int k = 0; k < RATES_NQ; k++) {
    for (int q = 0; q < job->nT; q++) {
      const rates_row *r = &job->rows[i * job->nT + q];
      x[q] = log((double)r->T), y[q] = rates_log(rates_quantity(r, k));
    }
    slope[k] = rates_slope(x, y, job->nT);
  }
}

void rates_slopes_in_d(const rates_job *job, int q, double slope[RATES_NQ])
{
  double x[RATES_LIST_MAX], y[RATES_LIST_MAX];
  for (int k = 0; k < RATES_NQ; k++) {
    for (int i = 0; i < job->nd; i++) {
      const rates_row *r = &job->rows[i * job->nT + q];
      x[i] = log((double)r->d), y[i] = rates_log(rates_quantity(r, k));
    }
    slope[k] = rates_slope(x, y, job->nd);
  }
}

/* exp(log v + a log T - b log log T - log d), formed in logs so that tiny
 * values do not underflow on the way. */
static double normalised(mpfr_srcptr v, const rates_row *r, double a, double b, int per_d)
{
  if (mpfr_zero_p(v)) return 0;
  double lT = log((double)r->T);
  return exp(rates_log(v) + a * lT - b * log(lT) - (per_d ? log((double)r->d) : 0));
}

double rates_kl_norm(const rates_row *r, int reverse)
{
  return normalised(reverse ? r->dist.kl_ref_out : r->dist.kl_out_ref, r, 2, 2, 0);
}

double rates_tv_norm(const rates_row *r) { return normalised(rates_quantity(r, 4), r, 1, 3, 1); }
