/* verify.h: what `ddpmref verify` measures, shared by the comparison
 * (cmd_verify.c) and its reports (verify_report.c). */
#ifndef DDPM_VERIFY_H
#define DDPM_VERIFY_H

#include <stdio.h>

#include "ddpm_error.h"

#define VERIFY_EXIT_FAIL 3 /* the trajectory is outside the tolerance */

/* An IEEE binary format, in MPFR's exponent convention: a normal value v
 * has |v| in [2^(e-1), 2^e) with e >= emin, and ulp(v) = 2^(e - p). */
typedef struct {
  const char *name; /* "binary64" */
  int p;            /* significand bits, hidden bit included */
  long emin;        /* exponent of the smallest normal, 2^(emin-1) */
} verify_format;

typedef struct {
  const char *trajectory, *against, *outdir;
  const char *tol_text; /* as given, for the reports */
  int tol_rel;          /* 0: --tol N (scaled ulps per step); 1: --tol rel=R */
  double tol;
  int force;
} verify_options;

/* One step (row) of the trajectory. Infinite values stand for NaN or inf
 * in the trajectory, or an error past binary64's range. */
typedef struct {
  double max_ulps, median_ulps; /* elementwise, in ulps of the format at the truth */
  double max_rel, median_rel;   /* |theirs - truth| / |truth| */
  double scaled_ulps;           /* max error in ulps of the row's largest |truth| */
  long long nonfinite;          /* NaN and inf in the trajectory's row */
  int fails;                    /* outside the tolerance */
} verify_step;

typedef struct {
  const verify_options *opt;
  const verify_format *format;
  char dtype[8];                /* their descr, e.g. "<f4" */
  char shape[96];               /* "(51, 4, 2)" */
  long long rows, n, d;
  const long long *timesteps;   /* rows entries: row k is at timesteps[k] */
  char run_text[1024];          /* the trace's schedule | target | sampler */
  long truth_bits;              /* the oracle's precision */
  int truth_digits;             /* digits in x_ref.txt */
  verify_step *steps;           /* rows entries */
  long long first_fail, worst;  /* -1: none */
  long long nonfinite;          /* over the whole trajectory */
} verify_result;

/* The short summary for stdout: verdict, tolerance, first failing and
 * worst step, and a table of at most about a dozen steps. */
void verify_print_summary(FILE *f, const verify_result *r);
/* verify.md: the summary's header and the table of every step. */
int verify_write_markdown(const char *path, const verify_result *r, ddpm_err *e);
/* verify.json: the same for machines, per-step arrays included. */
int verify_write_json(const char *path, const verify_result *r, ddpm_err *e);
/* meta.json of the output directory: what was compared. */
int verify_write_meta(const char *path, const verify_result *r, ddpm_err *e);

#endif
