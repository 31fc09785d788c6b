/* schedule_bound.h: a-priori relative error bounds of the binary64 schedule
 * builders against the exact schedule, per t and per column (spec/maths.md
 * section 7, "Schedules"). u = 2^-53; glibc's log/exp/log1p/expm1/sin/cos
 * within LIBM_ULPS ulps (fp_error_bound.h). */
#ifndef DDPM_SCHEDULE_BOUND_H
#define DDPM_SCHEDULE_BOUND_H

#include "ddpm_model.h"

enum { SB_BETA, SB_ALPHA, SB_ABAR, SB_OMA, SB_BTILDE, SB_SNR, SB_LOG_ABAR, SB_SQRT_ABAR,
       SB_SQRT_OMA, SB_NCOL };

/* bound[c][t] for t = 1..T (arrays of T+1 doubles, allocated by the caller),
 * computed from the exact values ex[c][t] (the oracle's, rounded to double).
 * Bounds are relative, except SB_LOG_ABAR, which is absolute. */
void schedule_error_bounds(const ddpm_spec *spec, double *const ex[SB_NCOL],
                           double *bound[SB_NCOL]);

#endif
