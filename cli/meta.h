/* meta.h: meta.json, everything needed to reproduce a run. Byte-identical
 * for identical inputs: no time stamps, no host names, fixed key order. */
#ifndef DDPM_META_H
#define DDPM_META_H

#include <stdio.h>

#include "ddpm_error.h"
#include "run_options.h"
#include "trace_oracle.h"

#include "ddpmref.h" /* DDPM_VERSION */

typedef struct {
  const char *name;  /* file name in the output directory */
  const char *what;  /* one-line description */
  int ndim;
  long long shape[4];
} meta_file;

typedef struct {
  int have;               /* fp and ref both ran */
  double max_abs;         /* max |x_fp - x_ref| over the trajectory */
  long long max_abs_row;  /* row k where it is reached */
  double max_scaled_ulps; /* max over rows: error in ulps of the row's largest |x| */
  double max_ulps;        /* max elementwise distance in binary64 ulps */
  double final_max_ulps;  /* the same in the last row */
} meta_comparison;

/* s as a JSON string literal, escaped. */
void json_string(FILE *f, const char *s);

/* cert: a trace's certificate, or NULL. */
int meta_write(const char *path, const run_options *o, const meta_file *files, int nfiles,
               const meta_comparison *cmp, const trace_certificate *cert, ddpm_err *e);

#endif
