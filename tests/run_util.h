/* run_util.h: building runs and collecting the oracle's trajectories, shared
 * by the sampler test suites. */
#ifndef DDPM_RUN_UTIL_H
#define DDPM_RUN_UTIL_H

#include <mpfr.h>

#include "ddpm_model.h"

/* A checked run from spec strings (steps 0: T); fails the test on error. */
void test_make_run(ddpm_run *run, const char *schedule, const char *target,
                   const char *sampler, long long n, unsigned long long seed, long long steps,
                   int spacing, long long offset);

/* The oracle's trajectory at prec bits, each value rounded to double:
 * (steps+1) x n x d, malloc'd. */
double *test_oracle_trajectory(const ddpm_run *run, long prec);

/* |fp - ref| / |ref| (0 when both are 0). */
double test_rel_error(double fp, mpfr_srcptr ref);

#endif
