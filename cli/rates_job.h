/* rates_job.h: `ddpmref rates`: its options, one row per (d, T), and the
 * files it writes. The numbers come from spec/ddpm_rates.h. */
#ifndef DDPM_RATES_JOB_H
#define DDPM_RATES_JOB_H

#include <stdio.h>

#include "ddpm_rates.h"
#include "ddpm_rates_gmm.h"
#include "outdir.h"

#define RATES_LIST_MAX 64

/* One (d, T): its run and the distances, rounded to --prec bits. */
typedef struct {
  ddpm_run run;
  long long T, d;
  ddpm_rates_dist dist;
  int have_dist;
  double digits; /* significant digits on which --prec and --check-prec agree
                    (quadrature: the runs at h and at h/2 on a wider domain) */
  /* quadrature only: the finer run's grid, lost mass and narrowest kernel
   * (in h), and the largest relative difference between the two runs */
  long double h, mass, kernel;
  long long nodes;
  double rel_diff;
} rates_row;

typedef struct {
  const char *target_text, *schedule_text, *sampler_text, *score_error, *steps_text;
  int spacing;
  long long offset;
  long long T[RATES_LIST_MAX], d[RATES_LIST_MAX];
  int nT, nd;             /* nT, nd >= 1 once parsed (the specs' own T and d by default) */
  ddpm_rates_compare compare;
  long prec, check_prec;  /* bits */
  const char *outdir;
  int force, no_plot;
  int method;             /* METHOD_DEFAULT, _EXACT or _QUADRATURE (--method) */
  int quadrature;         /* 1: the density propagated by quadrature (mixtures) */
  long double quad_h;     /* the coarser run's spacing; 0: automatic */
  double quad_tol;        /* largest relative difference accepted between h and h/2 */
  rates_row *rows;        /* nd x nT, row (i, q) = rows[i nT + q] for d[i], T[q] */
} rates_job;

#define RATES_HELP_SHOWN (-1)
enum { METHOD_DEFAULT = 0, METHOD_EXACT, METHOD_QUADRATURE };

/* Parses argv and builds every row's run (all bad input found here, before
 * any work): DDPM_OK, RATES_HELP_SHOWN or DDPM_EINPUT. */
int rates_parse(int argc, char **argv, rates_job *job, ddpm_err *e);
void rates_job_free(rates_job *job);

/* The quantities fitted and plotted, k = 0..RATES_NQ-1: KL(out || ref),
 * KL(ref || out), W2, H2 and TV (exact, or its upper bound). */
#define RATES_NQ 5
extern const char *const rates_quantity_names[RATES_NQ];
mpfr_srcptr rates_quantity(const rates_row *r, int k);

/* log x as a double, without underflow for tiny x (NaN for x <= 0 or NaN). */
double rates_log(mpfr_srcptr x);
/* Least-squares slope of y against x over the points where both are finite
 * (NaN without two distinct x). */
double rates_slope(const double *x, const double *y, int n);
/* The log-log slopes of the quantities in T at d[i], and in d at T[q]. */
void rates_slopes_in_T(const rates_job *job, int i, double slope[RATES_NQ]);
void rates_slopes_in_d(const rates_job *job, int q, double slope[RATES_NQ]);
/* Normalised constants: KL T^2/log^2 T (reverse: KL(ref || out)) and
 * TV T/(d log^3 T) (TV or its upper bound). */
double rates_kl_norm(const rates_row *r, int reverse);
double rates_tv_norm(const rates_row *r);

/* rates.csv, rates.json, rates.md, rates.dat, rates.gp and meta.json in od's
 * staging directory; then rates.png and rates.svg unless --no-plot. */
int rates_write_files(const rates_job *job, const outdir *od, ddpm_err *e);

/* The table and the slopes on stdout. */
void rates_print(const rates_job *job, FILE *f);

#endif
