/* trace_oracle.h: the certified oracle trajectory of `ddpmref trace`. */
#ifndef DDPM_TRACE_ORACLE_H
#define DDPM_TRACE_ORACLE_H

#include "outdir.h"
#include "progress.h"
#include "run_options.h"

/* What the agreement of the two precisions established. */
typedef struct {
  double min_digits;             /* least verified significant digits of any value */
  long long min_row, min_i, min_j; /* where */
  long long uncertain;           /* values whose binary64 rounding is not established */
  long long unc_row, unc_i, unc_j; /* the first of them */
  double floor_digits;           /* --min-digits, 0 for the binary64 floor */
  int passed;                    /* the floor holds */
} trace_certificate;

/* Runs the oracle at o->prec and o->check_prec in step and writes, into the
 * staging directory: x_ref.npy (binary64, correctly rounded where the
 * certificate says so), x_ref.txt (full precision), digits.npy (verified
 * digits per value) and noise.npy (the draws used). Fills cert; a run below
 * the floor still returns DDPM_OK with cert->passed = 0. */
int trace_oracle(const run_options *o, const outdir *od, progress *pg, trace_certificate *cert,
                 ddpm_err *e);

/* One line saying why a certificate failed its floor. */
void trace_certificate_reason(const trace_certificate *c, const run_options *o, char *buf,
                              unsigned long size);

#endif
