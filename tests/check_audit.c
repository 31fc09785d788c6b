/* check_audit.c: the error audit (ddpm_audit.h) on cases with known
 * answers:
 *   - parameters exactly representable in the format: no input error;
 *   - a schedule exact in binary64 (tests/data/betas_exact.txt with
 *     liyan-ode): no schedule error;
 *   - binary64 emulation is the real fast path where the operation order is
 *     the same (linear schedule, Gaussian target, replayed draws): equal
 *     errors at every step;
 *   - the carried errors add up to the observed one: residual share within
 *     a stated tolerance per format;
 *   - the command: binary16 DDPM on a GMM meets "abar rounds to 1", writes
 *     its reports and plots; bad input exits 2;
 *   - a state that overflows binary16 (mean 1e10): the observed error is
 *     infinite (NaN counts as infinitely wrong, never as 0) and audit.json
 *     stays valid JSON (null for what JSON cannot hold). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "ddpm_audit.h"
#include "run_util.h"

#define P 160

static void audit_sources(ddpm_audit *a, const char *schedule, const char *target,
                          const char *sampler, long long n, const char *format, const char *noise,
                          unsigned sources)
{
  ddpm_run run;
  test_make_run(&run, schedule, target, sampler, n, 11, 0, 0, 0);
  run.noise_path = noise;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_audit_run(&run, ddpm_fmt_by_name(format), sources, P, NULL, NULL, a, &e) ==
                DDPM_OK, "%s", e.msg);
}

static void audit(ddpm_audit *a, const char *schedule, const char *target, const char *sampler,
                  long long n, const char *format, const char *noise)
{
  audit_sources(a, schedule, target, sampler, n, format, noise, DDPM_SRC_ALL);
}

static double max_of(const double *v, long long len)
{
  double m = 0;
  for (long long k = 0; k < len; k++) m = fmax(m, v[k]);
  return m;
}

START_TEST(exact_inputs_have_no_input_error)
{
  const char *formats[] = {"binary16", "binary32", "bfloat16"};
  ddpm_audit a;
  /* 2^-7, 2^-6, 1, 4: exact in every format */
  audit(&a, "linear:T=50,beta_min=0.0078125,beta_max=0.015625", "gauss:d=2,mean=1,var=4",
        "ddpm:var=beta", 3, formats[_i], NULL);
  ck_assert_msg(max_of(a.local[DDPM_SRC_INPUT], a.rows) == 0.0, "%s: input error %g", formats[_i],
                max_of(a.local[DDPM_SRC_INPUT], a.rows));
  ck_assert(max_of(a.carried[DDPM_SRC_INPUT], a.rows) == 0.0 && a.share[DDPM_SRC_INPUT] == 0.0);
  ck_assert(max_of(a.local[DDPM_SRC_SCHEDULE], a.rows) > 0); /* the test can see errors */
  ddpm_audit_free(&a);
  /* and the same schedule with inexact decimals does show input error */
  audit(&a, "linear:T=50,beta_min=0.0001,beta_max=0.015", "gauss:d=2,mean=0.1,var=4",
        "ddpm:var=beta", 3, formats[_i], NULL);
  ck_assert(max_of(a.local[DDPM_SRC_INPUT], a.rows) > 0);
  ddpm_audit_free(&a);
}
END_TEST

START_TEST(exact_schedule_has_no_schedule_error)
{
  ddpm_audit a;
  audit(&a, "file:tests/data/betas_exact.txt", "gauss:d=2,mean=0,var=1", "liyan-ode", 3,
        "binary64", NULL);
  ck_assert_msg(max_of(a.local[DDPM_SRC_SCHEDULE], a.rows) == 0.0, "schedule error %g",
                max_of(a.local[DDPM_SRC_SCHEDULE], a.rows));
  ck_assert(max_of(a.carried[DDPM_SRC_SCHEDULE], a.rows) == 0.0);
  ck_assert(max_of(a.local[DDPM_SRC_UPDATE], a.rows) > 0);
  ddpm_audit_free(&a);
}
END_TEST

/* Replayed draws written by NumPy: the binary64 emulation and the real fast
 * path then compute the same numbers, so their errors are equal. */
START_TEST(binary64_emulation_is_the_fast_path)
{
  char dir[64], path[128], cmd[512];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/z.npy", dir);
  snprintf(cmd, sizeof cmd, "%s -c \"import numpy as np; np.save('%s', "
           "np.random.default_rng(3).standard_normal((101, 3, 2)))\"", test_python(), path);
  ck_assert_int_eq(system(cmd), 0);
  const char *samplers[] = {"ddpm:var=beta", "ddpm:var=posterior", "ddim:eta=0.5", "liyan-ode"};
  ddpm_audit a;
  audit(&a, "linear:T=100", "gauss:d=2,mean=1,var=4", samplers[_i], 3, "binary64", path);
  for (long long k = 0; k < a.rows; k++)
    ck_assert_msg(a.fastpath[k] == a.global[k], "%s: step %lld: fast path %g, emulation %g",
                  samplers[_i], k, a.fastpath[k], a.global[k]);
  ck_assert(max_of(a.global, a.rows) > 0);
  ddpm_audit_free(&a);
}
END_TEST

/* Where the errors are systematic, the carried errors add up to the observed
 * one up to second-order terms: the schedule's coefficients alone in the
 * format (|residual share| <= 1e-6 in binary64 and binary32, 0.05 in
 * binary16), and the whole binary16 implementation, whose error the
 * schedule dominates (<= 0.1). Shares and residual always sum to 1. */
START_TEST(carried_errors_add_up)
{
  const char *formats[] = {"binary64", "binary32", "binary16", "binary16"};
  const unsigned sources[] = {1u << DDPM_SRC_SCHEDULE, 1u << DDPM_SRC_SCHEDULE,
                              1u << DDPM_SRC_SCHEDULE, DDPM_SRC_ALL};
  const double tol[] = {1e-6, 1e-6, 0.05, 0.1};
  ddpm_audit a;
  audit_sources(&a, "linear:T=200", "gmm:tests/data/mixtures/design_example.json",
                "ddpm:var=beta", 4, formats[_i], NULL, sources[_i]);
  printf("audit %s: final error %.3g scaled ulps, residual share %.3g, shares input %.3g "
         "schedule %.3g noise %.3g score %.3g update %.3g\n", formats[_i], a.global[a.rows - 1],
         a.residual_share, a.share[0], a.share[1], a.share[2], a.share[3], a.share[4]);
  ck_assert_msg(fabs(a.residual_share) <= tol[_i], "%s: residual share %g", formats[_i],
                a.residual_share);
  double sum = a.residual_share;
  for (int s = 0; s < DDPM_SRC_COUNT; s++) sum += a.share[s];
  ck_assert_double_eq_tol(sum, 1.0, 1e-9);
  ddpm_audit_free(&a);
}
END_TEST

static int run_audit(const char *dir, const char *args)
{
  char cmd[2048], root[1024];
  ck_assert_ptr_nonnull(getcwd(root, sizeof root));
  snprintf(cmd, sizeof cmd, "cd %s && %s/%s audit %s >out.txt 2>err.txt", dir, root,
           test_program(), args);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static long file_size(const char *dir, const char *name)
{
  char path[256];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

START_TEST(binary16_command)
{
  char dir[64], root[1024], args[2048];
  test_scratch_dir(dir, sizeof dir);
  ck_assert_ptr_nonnull(getcwd(root, sizeof root));
  snprintf(args, sizeof args, "--format binary16 --schedule linear:T=1000 --target "
           "gmm:%s/tests/data/mixtures/design_example.json --n 2 --seed 1 -o a", root);
  ck_assert_int_eq(run_audit(dir, args), 0);
  const char *files[] = {"a/audit.json", "a/audit.md", "a/audit.dat", "a/audit.gp",
                         "a/audit.png", "a/audit.svg", "a/meta.json"};
  for (size_t q = 0; q < sizeof files / sizeof *files; q++)
    ck_assert_msg(file_size(dir, files[q]) > 100, "%s missing or empty", files[q]);
  char path[256], md[1 << 16];
  snprintf(path, sizeof path, "%s/a/audit.md", dir);
  FILE *f = fopen(path, "r");
  size_t got = fread(md, 1, sizeof md - 1, f);
  md[got] = '\0';
  fclose(f);
  ck_assert_msg(strstr(md, "| abar rounds to 1 |") && strstr(md, "`abar[1]`"), "%s", md);
  ck_assert_ptr_nonnull(strstr(md, "Dominant source of the final error"));
  /* --no-plot, and bad input */
  snprintf(args, sizeof args, "--format binary32 --schedule linear:T=20 --target gauss:d=1 --n 1 "
           "--seed 1 --no-plot -o b");
  ck_assert_int_eq(run_audit(dir, args), 0);
  ck_assert(file_size(dir, "b/audit.png") < 0 && file_size(dir, "b/audit.gp") > 0);
  ck_assert_int_eq(run_audit(dir, "--format binary8 --target gauss:d=1 --n 1 --seed 1 -o c"), 2);
  ck_assert_int_eq(run_audit(dir, "--engine fp --target gauss:d=1 --n 1 --seed 1 -o c"), 2);
  ck_assert(file_size(dir, "c") < 0);
}
END_TEST

START_TEST(overflow_is_infinite_error_and_valid_json)
{
  char dir[64], cmd[4096];
  test_scratch_dir(dir, sizeof dir);
  ck_assert_int_eq(run_audit(dir, "--format binary16 --schedule linear:T=10 --target "
                                  "gauss:d=2,mean=1e10 --n 2 --seed 1 --no-plot -o a"), 0);
  snprintf(cmd, sizeof cmd,
           "cd %s && %s -c \"import json; j = json.load(open('a/audit.json')); "
           "assert j['final']['global_scaled_ulps'] is None, j['final']; "
           "assert j['per_step']['global'][-1] is None\"", dir, test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "%s", cmd);
}
END_TEST

Suite *audit_suite(void)
{
  Suite *s = suite_create("audit");
  TCase *tc = tcase_create("audit");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, exact_inputs_have_no_input_error, 0, 3);
  tcase_add_test(tc, exact_schedule_has_no_schedule_error);
  tcase_add_loop_test(tc, binary64_emulation_is_the_fast_path, 0, 4);
  tcase_add_loop_test(tc, carried_errors_add_up, 0, 4);
  tcase_add_test(tc, binary16_command);
  tcase_add_test(tc, overflow_is_infinite_error_and_valid_json);
  suite_add_tcase(s, tc);
  return s;
}
