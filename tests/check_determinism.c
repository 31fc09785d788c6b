/* check_determinism.c: identical inputs give byte-identical outputs (issue 9),
 * for every sampler family:
 *   - trace run twice with one thread and once with two: every file equal
 *     byte for byte (x_ref.npy, x_ref.txt, digits.npy, noise.npy,
 *     schedule.csv, x_fp.npy, meta.json);
 *   - sample equals the matching row of trace, per engine: samples_fp.npy's
 *     values are the last row of x_fp.npy and samples_ref.npy's the last row
 *     of x_ref.npy, bit for bit, and samples_ref.txt's digits those of
 *     x_ref.txt's last row; a fast-path sample of 64 samples is the same
 *     with 1, 2 and 3 threads;
 * and for the reports: audit (1 and 2 threads), rates, verify and schedule
 * rerun give the same files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "test_npy.h"
#include "test_shell.h"

static char dir[64];

static void setup(void) { test_scratch_dir(dir, sizeof dir); }

static void teardown(void) { test_remove_dir(dir); }

#define sh(...) test_sh(dir, __VA_ARGS__)

/* Every file of a and b (directories in dir) is byte-identical, and they
 * hold the same names. */
static void assert_same_dirs(const char *a, const char *b, const char *what)
{
  int rc = sh("test \"$(ls -A %s)\" = \"$(ls -A %s)\" && test -n \"$(ls -A %s)\" && "
              "for f in $(ls -A %s); do cmp %s/$f %s/$f || exit 1; done", a, b, a, a, a, b);
  char out[4096];
  test_slurp(dir, "out.txt", out, sizeof out);
  ck_assert_msg(rc == 0, "%s: %s and %s differ: %s", what, a, b, out);
}

static double *load(const char *name, size_t *count, char *shape, size_t size)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return test_npy_read(path, count, shape, size);
}

/* The last (n, d) row of the trajectory traj equals the samples, bit for bit. */
static void assert_last_row(const char *traj, const char *samples, const char *what)
{
  size_t nt, ns;
  char st[64], ss[64];
  double *t = load(traj, &nt, st, sizeof st), *s = load(samples, &ns, ss, sizeof ss);
  ck_assert_msg(ns > 0 && nt >= ns && nt % ns == 0, "%s: %s %s, %s %s", what, traj, st, samples, ss);
  ck_assert_msg(memcmp(t + (nt - ns), s, ns * sizeof *s) == 0,
                "%s: %s is not the last row of %s", what, samples, traj);
  free(t);
  free(s);
}

/* One case per sampler family, on the schedules it runs on; targets
 * alternate between an isotropic Gaussian and the 2-component mixture. */
static const char *const families[] = {
  "--schedule linear:T=30 --sampler ddpm:var=beta --target gauss:d=2,mean=1,var=4",
  "--schedule cosine:T=30 --sampler ddpm:var=posterior,last_noise=yes --target gmm:$ROOT/tests/data/mixtures/design_example.json",
  "--schedule linear:T=30 --sampler ddpm:var=liyan --target gauss:d=2,mean=-1,var=0.5",
  "--schedule li-yan:T=40 --sampler ddim:eta=0.5 --steps 9 --spacing trailing --target gmm:$ROOT/tests/data/mixtures/design_example.json",
  "--schedule lcw:T=100 --sampler liyan-ode --steps 12 --target gauss:d=2,mean=1,var=4",
  "--schedule vp:T=30 --sampler vp-em --target gmm:$ROOT/tests/data/mixtures/design_example.json",
  "--schedule vp:T=30 --sampler vp-ei --target gauss:d=2,mean=1,var=4 --score-error rel=0.1",
  "--schedule vp:T=30 --sampler pf-euler --target gmm:$ROOT/tests/data/mixtures/design_example.json",
  "--schedule ou:T=30 --sampler pf-heun --target gauss:d=2,mean=1,var=4 --steps 10 --spacing linspace",
  "--schedule ou:T=30 --sampler ou-em --target gmm:$ROOT/tests/data/mixtures/design_example.json --score-error bias=0.25",
};

START_TEST(trace_and_sample_are_deterministic)
{
  const char *run = families[_i];
  ck_assert_int_eq(sh("$PROG trace %s --n 3 --seed 77 --threads 1 -o a", run), 0);
  ck_assert_int_eq(sh("$PROG trace %s --n 3 --seed 77 --threads 1 -o b", run), 0);
  ck_assert_int_eq(sh("$PROG trace %s --n 3 --seed 77 --threads 2 -o c", run), 0);
  assert_same_dirs("a", "b", run);
  assert_same_dirs("a", "c", run);
  ck_assert_int_eq(sh("$PROG sample %s --n 3 --seed 77 --engine fp --threads 2 -o f", run), 0);
  ck_assert_int_eq(sh("$PROG sample %s --n 3 --seed 77 --engine ref -o r", run), 0);
  assert_last_row("a/x_fp.npy", "f/samples_fp.npy", run);
  assert_last_row("a/x_ref.npy", "r/samples_ref.npy", run);
  /* the full-precision text: the last n d lines of x_ref.txt, row number aside */
  ck_assert_msg(sh("tail -n 6 a/x_ref.txt | cut -d' ' -f2- > t.txt && "
                   "grep -v '^#' r/samples_ref.txt | cut -d' ' -f2- > s.txt && cmp t.txt s.txt") == 0,
                "%s: samples_ref.txt is not the last row of x_ref.txt", run);
}
END_TEST

/* A fast-path sample large enough that threads split it: 1, 2, 3 threads. */
START_TEST(fast_path_threads)
{
  const char *run = "--schedule linear:T=200 --target gauss:d=5,mean=1,var=4 --n 64 --seed 5";
  ck_assert_int_eq(sh("$PROG sample %s --threads 1 -o t1", run), 0);
  ck_assert_int_eq(sh("$PROG sample %s --threads 2 -o t2", run), 0);
  ck_assert_int_eq(sh("$PROG sample %s --threads 3 -o t3", run), 0);
  assert_same_dirs("t1", "t2", "sample --threads 1 vs 2");
  assert_same_dirs("t1", "t3", "sample --threads 1 vs 3");
}
END_TEST

/* The reports: rerun (and, for audit, another thread count), same bytes. */
START_TEST(reports_are_deterministic)
{
  const char *a = "--format binary32 --schedule linear:T=20 --target gauss:d=2,mean=1,var=4 "
                  "--n 2 --seed 3 --no-plot";
  ck_assert_int_eq(sh("$PROG audit %s --threads 1 -o a1", a), 0);
  ck_assert_int_eq(sh("$PROG audit %s --threads 2 -o a2", a), 0);
  assert_same_dirs("a1", "a2", "audit");
  const char *r = "--target gauss:d=1,mean=1,var=4 --schedule li-yan --T 20,40 --no-plot";
  ck_assert_int_eq(sh("$PROG rates %s -o r1", r), 0);
  ck_assert_int_eq(sh("$PROG rates %s -o r2", r), 0);
  assert_same_dirs("r1", "r2", "rates");
  ck_assert_int_eq(sh("$PROG trace --schedule linear:T=20 --target gauss:d=2 --n 2 --seed 1 "
                      "--engine ref -o gt"), 0);
  ck_assert_int_eq(sh("$PY -c \"import numpy as np; "
                      "np.save('f32.npy', np.load('gt/x_ref.npy').astype(np.float32))\""), 0);
  ck_assert_int_eq(sh("$PROG verify --trajectory f32.npy --against gt -o v1"), 0);
  ck_assert_int_eq(sh("$PROG verify --trajectory f32.npy --against gt -o v2"), 0);
  assert_same_dirs("v1", "v2", "verify");
  ck_assert_int_eq(sh("{ $PROG schedule --schedule cosine:T=50 -o s1.csv && "
                      "$PROG schedule --schedule cosine:T=50 -o s2.csv && cmp s1.csv s2.csv; }"), 0);
}
END_TEST

Suite *determinism_suite(void)
{
  Suite *s = suite_create("determinism");
  TCase *tc = tcase_create("determinism");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, trace_and_sample_are_deterministic, 0,
                      (int)(sizeof families / sizeof families[0]));
  tcase_add_test(tc, fast_path_threads);
  tcase_add_test(tc, reports_are_deterministic);
  suite_add_tcase(s, tc);
  return s;
}
