/* run_util.c: see run_util.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_ref.h"
#include "run_util.h"

void test_make_run(ddpm_run *run, const char *schedule, const char *target,
                   const char *sampler, long long n, unsigned long long seed, long long steps,
                   int spacing, long long offset)
{
  ddpm_err e = {{0}};
  memset(run, 0, sizeof *run);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, schedule, &run->schedule, &e) == 0,
                "%s", e.msg);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_TARGET, target, &run->target, &e) == 0, "%s",
                e.msg);
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SAMPLER, sampler, &run->sampler, &e) == 0, "%s",
                e.msg);
  run->n = n;
  run->seed = seed;
  run->d = ddpm_target_dim(&run->target);
  run->steps = steps ? steps : ddpm_schedule_T(&run->schedule);
  run->spacing = spacing;
  run->steps_offset = offset;
  ck_assert_msg(ddpm_run_check(run, &e) == DDPM_OK, "%s", e.msg);
}

typedef struct {
  const ddpm_run *run;
  double *x;
} collect;

static int collect_emit(void *ctx, long long k, long long i, long long j, mpfr_srcptr v)
{
  collect *c = ctx;
  c->x[(k * c->run->n + i) * c->run->d + j] = mpfr_get_d(v, MPFR_RNDN);
  return DDPM_OK;
}

double *test_oracle_trajectory(const ddpm_run *run, long prec)
{
  size_t len = (size_t)(run->steps + 1) * (size_t)(run->n * run->d);
  double *x = malloc(len * sizeof *x);
  collect c = {run, x};
  ddpm_err e = {{0}};
  ck_assert_ptr_nonnull(x);
  ck_assert_msg(ddpm_ref_run(run, prec, collect_emit, &c, &e) == DDPM_OK, "%s", e.msg);
  return x;
}

double test_rel_error(double fp, mpfr_srcptr ref)
{
  if (mpfr_zero_p(ref)) return fp == 0.0 ? 0.0 : INFINITY;
  mpfr_t d;
  mpfr_init2(d, 64);
  mpfr_sub_d(d, ref, fp, MPFR_RNDN);
  mpfr_div(d, d, ref, MPFR_RNDN);
  double r = fabs(mpfr_get_d(d, MPFR_RNDU));
  mpfr_clear(d);
  return r;
}
