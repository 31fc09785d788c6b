/* check_sampler.c: DDPM (var=beta) on the Gaussian target in both engines.
 *  - the oracle against an independent mpmath program (tests/oracle/
 *    ddpm_gauss.py): every value of the trajectory rounded to the same double;
 *    (the fast path against the oracle on these runs: check_family.c);
 *  - the fast path's output does not depend on the thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_philox.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"
#include "fp_error_bound.h"
#include "run_util.h"
#include "test_npy.h"

#define U 0x1p-53

typedef struct {
  const char *schedule, *target;
  long long n;
  unsigned long long seed;
  long long steps; /* 0: T */
  int spacing;
  long long offset;
  const char *d, *mean, *var; /* for the Python oracle */
} run_case;

static const run_case cases[] = {
  {"linear:T=50", "gauss:d=3,mean=1,var=4", 2, 42, 0, 0, 0, "3", "1", "4"},
  {"linear:T=200,beta_min=0.0005,beta_max=0.05", "gauss:d=5,mean=-0.5,var=0.25", 3,
   18446744073709551615ULL, 0, 0, 0, "5", "-0.5", "0.25"},
  {"linear:T=20,beta_min=0.001,beta_max=0.2", "gauss:d=1,mean=3,var=0.001", 4, 7, 0, 0, 0,
   "1", "3", "0.001"},
  {"linear", "gauss:d=2,mean=1,var=4", 3, 4294967301ULL, 0, 0, 0, "2", "1", "4"},
  {"cosine", "gauss:d=2,mean=2,var=0.5", 3, 11, 50, DDPM_SPACING_TRAILING, 0, "2", "2", "0.5"},
  {"lcw", "gauss:d=3,mean=-1,var=2", 2, 12, 10, DDPM_SPACING_LINSPACE, 0, "3", "-1", "2"},
  {"li-yan", "gauss:d=1,mean=0.5,var=9", 5, 13, 20, DDPM_SPACING_LEADING, 1, "1", "0.5", "9"},
  {"scaled-linear:T=500", "gauss:d=2,mean=1,var=1", 2, 14, 37, DDPM_SPACING_TRAILING, 0, "2",
   "1", "1"},
  {"file:tests/data/betas_small.txt", "gauss:d=4,mean=1,var=0.1", 2, 15, 0, 0, 0, "4", "1",
   "0.1"},
};

static void make_run(const run_case *c, ddpm_run *run)
{
  test_make_run(run, c->schedule, c->target, "ddpm:var=beta", c->n, c->seed, c->steps,
                c->spacing, c->offset);
}

START_TEST(oracle_equals_mpmath)
{
  const run_case *c = &cases[_i];
  ddpm_run run;
  make_run(c, &run);
  char dir[64], cmd[1024], path[128], shape[64];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/mp.npy", dir);
  char steps[128] = "";
  if (c->steps)
    snprintf(steps, sizeof steps, "--steps %lld --spacing %s --offset %lld", c->steps,
             ddpm_spacing_name(c->spacing), c->offset);
  snprintf(cmd, sizeof cmd,
           "%s tests/oracle/ddpm_gauss.py --T %lld --schedule %s %s --d %s --mean %s --var %s "
           "--n %lld --seed %llu --prec 400 --out %s",
           test_python(), ddpm_schedule_T(&run.schedule), c->schedule, steps, c->d, c->mean,
           c->var, c->n, c->seed, path);
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "oracle script failed: %s", cmd);
  size_t count;
  double *mp = test_npy_read(path, &count, shape, sizeof shape);
  double *ref = test_oracle_trajectory(&run, 256);
  ck_assert_uint_eq(count, (size_t)(run.steps + 1) * (size_t)(run.n * run.d));
  for (size_t q = 0; q < count; q++)
    ck_assert_msg(ref[q] == mp[q], "case %d value %zu: oracle %.17g, mpmath %.17g", _i, q,
                  ref[q], mp[q]);
  free(mp);
  free(ref);
}
END_TEST

START_TEST(fast_path_independent_of_threads)
{
  ddpm_run run;
  make_run(&cases[3], &run);
  run.n = 37; /* not a multiple of the thread count */
  size_t len = (size_t)(run.steps + 1) * (size_t)(run.n * run.d);
  double *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b);
  double *fa = malloc((size_t)(run.n * run.d) * sizeof *fa), *fb = malloc((size_t)(run.n * run.d) * sizeof *fb);
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_fp_run(&run, 1, a, fa, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_fp_run(&run, 2, b, fb, &e), DDPM_OK);
  ck_assert_int_eq(memcmp(a, b, len * sizeof *a), 0);
  ck_assert_int_eq(ddpm_fp_run(&run, 3, NULL, fb, &e), DDPM_OK); /* without a trajectory */
  ck_assert_int_eq(memcmp(fa, fb, (size_t)(run.n * run.d) * sizeof *fa), 0);
  free(a); free(b); free(fa); free(fb);
}
END_TEST

Suite *sampler_suite(void)
{
  Suite *s = suite_create("sampler");
  TCase *tc = tcase_create("ddpm-gauss");
  tcase_set_timeout(tc, 300);
  int ncases = (int)(sizeof cases / sizeof cases[0]);
  tcase_add_loop_test(tc, oracle_equals_mpmath, 0, ncases);
  tcase_add_test(tc, fast_path_independent_of_threads);
  suite_add_tcase(s, tc);
  return s;
}
