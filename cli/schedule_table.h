/* schedule_table.h: a schedule's table (t, beta, alpha, abar, 1-abar,
 * betatilde, SNR, log abar, sqrt terms) as CSV or .npy, from the oracle, the
 * fast path or both (with the fast path's ulps). Used by `schedule` and by
 * `trace`, which keeps the table beside its trajectory. */
#ifndef DDPM_SCHEDULE_TABLE_H
#define DDPM_SCHEDULE_TABLE_H

#include <stdio.h>

#include "ddpm_fp.h"
#include "ddpm_ref.h"

#define NCOL 9
extern const char *const schedule_col_names[NCOL];

typedef struct {
  int digits, npy; /* significant digits of the oracle's CSV values; .npy output */
  FILE *f;
  unsigned long long values;
} table_out;

/* Writes rows t = 1..T from fs and/or rs (either may be NULL); with both,
 * max_ulps[c] gets the largest ulps of column c. Returns 0 or -1 on a write
 * error. */
int write_table(table_out *o, const ddpm_fp_schedule *fs, const ddpm_ref_schedule *rs,
                long long T, double max_ulps[NCOL]);

#endif
