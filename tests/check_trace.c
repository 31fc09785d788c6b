/* check_trace.c: `ddpmref trace` as ground truth and replay (issue 5).
 *   - verified digits: >= 70 at 256 bits, per value (digits.npy) and in
 *     meta.json; a trace below its floor is refused with exit 1, unwritten;
 *   - the trace equals the independent mpmath oracle (tests/oracle/samplers.py,
 *     400 bits) bit for bit, for Philox draws and for replayed float32 draws;
 *   - replay: a trace made with --noise of its own noise.npy is byte-identical,
 *     and so is one with --x-init plus a (steps, n, d) --noise;
 *   - sample equals the last row of trace; reruns and thread counts are
 *     byte-identical; progress goes to stderr only when asked;
 *   - a long trace stays in O(n d) memory (peak RSS of the child). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "test_npy.h"
#include "test_shell.h"

static char dir[64];

static void setup(void) { test_scratch_dir(dir, sizeof dir); }

static const char *root(void)
{
  static char buf[1024];
  if (!buf[0]) ck_assert_ptr_nonnull(getcwd(buf, sizeof buf));
  return buf;
}

#define sh(...) test_sh(dir, __VA_ARGS__)
#define slurp(name, buf, size) test_slurp(dir, name, buf, size)
#define exists(name) test_exists(dir, name)

static int same_file(const char *a, const char *b)
{
  return sh("cmp -s %s %s", a, b) == 0;
}

static double *load(const char *name, size_t *count)
{
  char path[256], shape[64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return test_npy_read(path, count, shape, sizeof shape);
}

#define RUN "--target gauss:d=2,mean=1,var=4 --schedule linear:T=60,beta_max=0.2 --n 3 --seed 9"

START_TEST(trace_verified_digits)
{
  ck_assert_int_eq(sh("$PROG trace " RUN " --engine ref -o tr"), 0);
  size_t count;
  double *digits = load("tr/digits.npy", &count);
  double least = INFINITY;
  for (size_t q = 0; q < count; q++) least = fmin(least, digits[q]);
  ck_assert_msg(least >= 70, "least verified digits %g < 70 at 256 bits", least);
  ck_assert_msg(least <= 256 * 0.30103 + 1e-9, "verified digits above the precision: %g", least);
  char meta[16384];
  slurp("tr/meta.json", meta, sizeof meta);
  const char *m = strstr(meta, "\"min_digits\": ");
  ck_assert_ptr_nonnull(m);
  ck_assert_double_eq_tol(strtod(m + 14, NULL), least, 1e-4);
  ck_assert_ptr_nonnull(strstr(meta, "\"binary64_rounding_established\": true"));
  ck_assert_ptr_nonnull(strstr(meta, "\"check_precision_bits\": 512"));
  free(digits);
  /* the check precision is the user's to choose, and shows in the digits */
  ck_assert_int_eq(sh("$PROG trace " RUN " --engine ref --prec 128 --check-prec 160 -o tr2"), 0);
  digits = load("tr2/digits.npy", &count);
  least = INFINITY;
  for (size_t q = 0; q < count; q++) least = fmin(least, digits[q]);
  ck_assert_msg(least >= 30 && least <= 128 * 0.30103 + 1e-9, "128 bits: least digits %g", least);
  free(digits);
}
END_TEST

/* The trace against tests/oracle/samplers.py at 400 bits, value by value. */
static void assert_equals_mpmath(const char *cli_args, const char *py_args, const char *tag)
{
  ck_assert_int_eq(sh("$PROG trace %s --engine ref -o %s", cli_args, tag), 0);
  ck_assert_int_eq(sh("$PY $ROOT/tests/oracle/samplers.py %s --prec 400 --out %s.mp.npy",
                      py_args, tag), 0);
  char a[64], b[64];
  snprintf(a, sizeof a, "%s/x_ref.npy", tag);
  snprintf(b, sizeof b, "%s.mp.npy", tag);
  size_t na, nb;
  double *x = load(a, &na), *y = load(b, &nb);
  ck_assert_uint_eq(na, nb);
  for (size_t q = 0; q < na; q++)
    ck_assert_msg(x[q] == y[q], "%s: value %zu: trace %.17g, mpmath %.17g", tag, q, x[q], y[q]);
  free(x);
  free(y);
}

START_TEST(trace_equals_independent_oracle)
{
  assert_equals_mpmath(RUN, "--target gauss:d=2,mean=1,var=4 --schedule linear:T=60,beta_max=0.2 "
                       "--n 3 --seed 9", "gauss");
  char gmm[1200];
  snprintf(gmm, sizeof gmm, "--target gmm:%s/tests/data/mixtures/design_example.json "
           "--schedule cosine:T=40 --sampler ddim:eta=0.5 --n 2 --seed 3", root());
  char py[1200];
  snprintf(py, sizeof py, "--target-json %s/tests/data/mixtures/design_example.json "
           "--schedule cosine:T=40 --sampler ddim:eta=0.5 --n 2 --seed 3", root());
  assert_equals_mpmath(gmm, py, "gmm");
}
END_TEST

START_TEST(trace_refused_below_floor)
{
  /* 53 bits cannot establish binary64 rounding after 60 steps */
  ck_assert_int_eq(sh("$PROG trace " RUN " --engine ref --prec 53 -o low"), 1);
  char err[4096];
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(strstr(err, "not established") && strstr(err, "--prec"), "%s", err);
  ck_assert(!exists("low"));
  ck_assert_int_eq(sh("$PROG trace " RUN " --engine ref --prec 64 --min-digits 25 -o low"), 1);
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(strstr(err, "below --min-digits 25"), "%s", err);
  ck_assert(!exists("low"));
  ck_assert_int_eq(sh("ls -A | grep -c partial"), 1); /* grep finds nothing: exit 1 */
  ck_assert_int_eq(sh("$PROG trace " RUN " --engine ref --prec 64 --min-digits 10 -o ok"), 0);
  ck_assert_int_eq(sh("$PROG sample " RUN " --min-digits 10 -o s"), 2);
  ck_assert_int_eq(sh("$PROG trace " RUN " --prec 256 --check-prec 200 -o s"), 2);
}
END_TEST

static const char *const trace_files[] = {"x_ref.npy", "x_ref.txt", "digits.npy", "noise.npy",
                                          "schedule.csv"};

START_TEST(replay_own_noise_is_byte_identical)
{
  ck_assert_int_eq(sh("$PROG trace " RUN " -o a"), 0);
  ck_assert_int_eq(sh("$PROG trace " RUN " --noise a/noise.npy -o b"), 0);
  /* draws 1..steps as a file, the initial state as another */
  ck_assert_int_eq(sh("$PY -c \"import numpy as np; z = np.load('a/noise.npy'); "
                      "np.save('x0.npy', z[0]); np.save('rest.npy', z[1:])\""), 0);
  ck_assert_int_eq(sh("$PROG trace " RUN " --x-init x0.npy --noise rest.npy -o c"), 0);
  for (size_t q = 0; q < sizeof trace_files / sizeof *trace_files; q++) {
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "a/%s", trace_files[q]);
    snprintf(b, sizeof b, "b/%s", trace_files[q]);
    snprintf(c, sizeof c, "c/%s", trace_files[q]);
    ck_assert_msg(same_file(a, b), "--noise: %s differs", trace_files[q]);
    ck_assert_msg(same_file(a, c), "--x-init + --noise: %s differs", trace_files[q]);
  }
  char meta[16384];
  slurp("b/meta.json", meta, sizeof meta);
  ck_assert_ptr_nonnull(strstr(meta, "\"replay\": {"));
  ck_assert_ptr_nonnull(strstr(meta, "\"fnv1a_64\": \""));
}
END_TEST

/* float32 draws of the user's own run are used exactly by both engines. */
START_TEST(replay_float32_noise)
{
  ck_assert_int_eq(sh("$PY -c \"import numpy as np; r = np.random.default_rng(5); "
                      "np.save('z32.npy', r.standard_normal((61, 3, 2)).astype(np.float32))\""), 0);
  ck_assert_int_eq(sh("$PROG trace " RUN " --noise z32.npy -o t"), 0);
  ck_assert_int_eq(sh("$PY $ROOT/tests/oracle/samplers.py --target gauss:d=2,mean=1,var=4 "
                      "--schedule linear:T=60,beta_max=0.2 --n 3 --seed 9 --noise z32.npy "
                      "--prec 400 --out mp.npy"), 0);
  ck_assert_int_eq(sh("$PY -c \"import numpy as np, sys; z = np.load('z32.npy'); "
                      "t = np.load('t/x_ref.npy'); m = np.load('mp.npy'); f = np.load('t/x_fp.npy'); "
                      "u = np.load('t/noise.npy'); "
                      "sys.exit(0 if (t == m).all() and (t[0] == z[0]).all() and (f[0] == z[0]).all() "
                      "and (u == z).all() else 1)\""), 0);
}
END_TEST

static const struct {
  const char *make; /* python making bad.npy */
  const char *opts;
  const char *want;
} bad_replays[] = {
  {"np.save('bad.npy', np.zeros((61, 3, 3)))", "--noise bad.npy", "(steps+1, n, d) = (61, 3, 2)"},
  {"np.save('bad.npy', np.zeros((60, 3, 2)))", "--noise bad.npy", "shape (60, 3, 2)"},
  {"np.save('bad.npy', np.zeros((3, 2), dtype=np.int64))", "--x-init bad.npy", "dtype"},
  {"a = np.zeros((61, 3, 2)); a[7, 2, 1] = np.nan; np.save('bad.npy', a)", "--noise bad.npy",
   "draw 7, sample 2, coordinate 1 is nan"},
  {"a = np.zeros((3, 2)); a[1, 0] = np.inf; np.save('bad.npy', a)", "--x-init bad.npy",
   "sample 1, coordinate 0 is inf"},
  {"np.save('bad.npy', np.asfortranarray(np.zeros((61, 3, 2))))", "--noise bad.npy", "fortran"},
  {"open('bad.npy', 'wb').write(open('ok.npy', 'rb').read()[:-8])", "--noise bad.npy", "truncated"},
  {"pass", "--noise missing.npy", "missing.npy"},
  {"np.save('bad.npy', np.zeros((4, 2)))", "--x-init bad.npy", "(n, d) = (3, 2)"},
};

START_TEST(replay_bad_input)
{
  ck_assert_int_eq(sh("$PY -c \"import numpy as np; np.save('ok.npy', np.zeros((61, 3, 2)))\""), 0);
  const char *cmd = _i % 2 ? "sample" : "trace";
  ck_assert_int_eq(sh("$PY -c \"import numpy as np; %s\"", bad_replays[_i].make), 0);
  ck_assert_int_eq(sh("$PROG %s " RUN " %s -o out", cmd, bad_replays[_i].opts), 2);
  char err[4096];
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(strstr(err, bad_replays[_i].want) && strchr(err, '\n') == strrchr(err, '\n'),
                "case %d: want '%s' in one line, got: %s", _i, bad_replays[_i].want, err);
  ck_assert(!exists("out"));
}
END_TEST

/* sample's output is trace's last row, in each engine; reruns and thread
 * counts change nothing. */
START_TEST(sample_is_last_row_of_trace)
{
  ck_assert_int_eq(sh("$PROG trace " RUN " -o t"), 0);
  ck_assert_int_eq(sh("$PROG trace " RUN " --threads 2 -o t2"), 0);
  ck_assert_int_eq(sh("$PROG sample " RUN " --engine ref -o r"), 0);
  ck_assert_int_eq(sh("$PROG sample " RUN " --engine fp --threads 3 -o f"), 0);
  const char *all[] = {"x_ref.npy", "x_ref.txt", "digits.npy", "noise.npy", "schedule.csv",
                       "x_fp.npy", "meta.json"};
  for (size_t q = 0; q < sizeof all / sizeof *all; q++) {
    char a[64], b[64];
    snprintf(a, sizeof a, "t/%s", all[q]);
    snprintf(b, sizeof b, "t2/%s", all[q]);
    ck_assert_msg(same_file(a, b), "rerun with 2 threads: %s differs", all[q]);
  }
  ck_assert_int_eq(sh("$PY -c \"import numpy as np, sys; t = np.load('t/x_ref.npy'); "
                      "f = np.load('t/x_fp.npy'); r = np.load('r/samples_ref.npy'); "
                      "p = np.load('f/samples_fp.npy'); "
                      "sys.exit(0 if (t[-1] == r).all() and (f[-1] == p).all() else 1)\""), 0);
  ck_assert_int_eq(sh("tail -n 6 t/x_ref.txt | cut -d' ' -f4 > a.txt && "
                      "tail -n 6 r/samples_ref.txt | cut -d' ' -f4 > b.txt && cmp -s a.txt b.txt"), 0);
}
END_TEST

START_TEST(progress_only_when_asked)
{
  char err[4096];
  ck_assert_int_eq(sh("$PROG trace " RUN " -o a"), 0);
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(err[0] == '\0', "stderr not a terminal, yet: %s", err);
  ck_assert_int_eq(sh("$PROG trace " RUN " --progress -o b"), 0);
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(strstr(err, "oracle (two precisions) 60/60 steps") &&
                strstr(err, "fast path 60/60 steps") && strstr(err, "steps/s") &&
                strstr(err, "ETA"), "%s", err);
  ck_assert_int_eq(sh("$PROG sample " RUN " --engine ref --progress --quiet -o c"), 0);
  slurp("err.txt", err, sizeof err);
  ck_assert_msg(err[0] == '\0', "--quiet last, yet: %s", err);
  ck_assert(same_file("a/x_ref.npy", "b/x_ref.npy"));
}
END_TEST

/* Peak memory of a trace whose trajectory is 64 MiB stays far below it. */
START_TEST(trace_streams_in_o_nd_memory)
{
  char prog[1200];
  snprintf(prog, sizeof prog, "%s/%s", root(), test_program());
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (chdir(dir) != 0) _exit(127);
    freopen("/dev/null", "w", stdout);
    execl(prog, prog, "trace", "--target", "gauss:d=8", "--schedule", "linear:T=4000", "--n",
          "256", "--seed", "1", "--engine", "fp", "-o", "big", (char *)NULL);
    _exit(127);
  }
  int status;
  struct rusage ru;
  ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  double trajectory = 4001.0 * 256 * 8 * 8, peak = (double)ru.ru_maxrss * 1024;
  printf("trace streams: peak RSS %.1f MiB for a %.1f MiB trajectory\n", peak / 1048576,
         trajectory / 1048576);
  /* make check-asan: ASan's shadow and quarantine are not the program's */
  if (!getenv("DDPM_SANITIZED"))
    ck_assert_msg(peak < trajectory / 4, "peak RSS %.0f bytes, trajectory %.0f", peak,
                  trajectory);
  ck_assert_int_eq(sh("rm -rf big"), 0);
}
END_TEST

Suite *trace_suite(void)
{
  Suite *s = suite_create("trace");
  TCase *tc = tcase_create("trace");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, trace_verified_digits);
  tcase_add_test(tc, trace_equals_independent_oracle);
  tcase_add_test(tc, trace_refused_below_floor);
  tcase_add_test(tc, replay_own_noise_is_byte_identical);
  tcase_add_test(tc, replay_float32_noise);
  tcase_add_loop_test(tc, replay_bad_input, 0, (int)(sizeof bad_replays / sizeof *bad_replays));
  tcase_add_test(tc, sample_is_last_row_of_trace);
  tcase_add_test(tc, progress_only_when_asked);
  tcase_add_test(tc, trace_streams_in_o_nd_memory);
  suite_add_tcase(s, tc);
  return s;
}
