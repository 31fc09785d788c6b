/* check_cli.c: the ddpmref program as a user meets it: exit codes, one-line
 * errors that name the parameter, no partial output, the worked examples,
 * byte-identical reruns, files NumPy loads. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "test_npy.h"

static char scratch[64];

/* The repository root: the tests run from there (make check). */
static const char *repo_root(void)
{
  static char root[1024];
  if (!root[0]) ck_assert_ptr_nonnull(getcwd(root, sizeof root));
  return root;
}

/* Runs `ddpmref ARGS` in the scratch directory; returns its exit code and
 * its stderr (first 4 KiB). */
static int run_cli(const char *args, char *err, size_t errsize)
{
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "cd %s && %s/%s %s >stdout.txt 2>stderr.txt", scratch,
           repo_root(), test_program(), args);
  int rc = system(cmd);
  ck_assert_int_ne(rc, -1);
  char path[128];
  snprintf(path, sizeof path, "%s/stderr.txt", scratch);
  FILE *f = fopen(path, "r");
  size_t got = f ? fread(err, 1, errsize - 1, f) : 0;
  err[got] = '\0';
  if (f) fclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static int exists(const char *name)
{
  char path[256];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  return stat(path, &st) == 0;
}

/* Nothing but our stdout/stderr captures in the scratch directory. */
static void assert_no_output_left(const char *args)
{
  DIR *dp = opendir(scratch);
  struct dirent *ent;
  while ((ent = readdir(dp)) != NULL) {
    const char *nm = ent->d_name;
    if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, "stdout.txt") ||
        !strcmp(nm, "stderr.txt") || !strcmp(nm, "keep") || strstr(nm, ".json"))
      continue;
    ck_abort_msg("'%s' left '%s' behind", args, nm);
  }
  closedir(dp);
}

/* Target files the bad-input cases name, written into the scratch dir. */
static const char *const target_files[][2] = {
  {"zero_var.json", "{\"components\": [{\"mean\": [0, 1], \"var\": [1, 0]}]}"},
  {"neg_weight.json", "{\"components\": [{\"weight\": -0.5, \"mean\": [0], \"var\": [1]},"
                      " {\"weight\": 1.5, \"mean\": [1], \"var\": [1]}]}"},
  {"dims.json", "{\"components\": [{\"mean\": [0, 0], \"var\": [1, 1]},"
                " {\"mean\": [1], \"var\": [1]}]}"},
  {"empty.json", "{\"components\": []}"},
  {"two.json", "{\"components\": [{\"mean\": [0], \"var\": [1]}, {\"mean\": [1], \"var\": [1]}]}"},
  {"truncated.json", "{\"components\": [{\"mean\": [0], \"var\": [1"},
  {"ok.json", "{\"components\": [{\"mean\": [0, 1], \"var\": [1, 2]}]}"},
};

static void setup(void)
{
  test_scratch_dir(scratch, sizeof scratch);
  for (size_t q = 0; q < sizeof target_files / sizeof target_files[0]; q++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch, target_files[q][0]);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(target_files[q][1], f);
    fclose(f);
  }
}

#define RUN "--target gauss:d=3,mean=1,var=4 --n 2 --seed 42"
static const struct {
  const char *args, *must_mention;
} bad[] = {
  {"", "COMMAND"},
  {"frobnicate", "frobnicate"},
  {"sample --bogus " RUN " -o out", "--bogus"},
  {"sample --schedule linear:T=-3 " RUN " -o out", "T=-3"},
  {"sample --schedule linear:T=1 " RUN " -o out", "T=1"},
  {"trace --schedule linear:T=abc " RUN " -o out", "T=abc"},
  {"sample --schedule cosine:s=0 " RUN " -o out", "s=0"},
  {"sample --schedule cosinus " RUN " -o out", "cosinus"},
  {"sample --target gauss:d=0 --n 2 --seed 1 -o out", "d=0"},
  {"sample --target gauss:d=-4 --n 2 --seed 1 -o out", "d=-4"},
  {"sample --target gauss:var=-1 --n 2 --seed 1 -o out", "var=-1"},
  {"sample --target gauss:mean=nan --n 2 --seed 1 -o out", "mean=nan"},
  {"sample --target gauss:d=3 --n 0 --seed 1 -o out", "--n"},
  {"sample --target gauss:d=3 --n -5 --seed 1 -o out", "--n"},
  {"sample --target gauss:d=3 --n 2x --seed 1 -o out", "--n"},
  {"sample --target gauss:d=3 --n 2 --seed -1 -o out", "--seed"},
  {"sample --target gauss:d=3 --n 2 --seed 18446744073709551616 -o out", "--seed"},
  {"sample " RUN " --prec 10 -o out", "--prec"},
  {"sample " RUN " --threads 0 -o out", "--threads"},
  {"sample " RUN " --engine gpu -o out", "--engine"},
  {"sample " RUN " --engine both -o out", "--engine"},
  {"sample " RUN " --sampler ddpm:var=x -o out", "var=x"},
  {"sample " RUN " --steps 0 -o out", "--steps"},
  {"sample " RUN " --steps 1001 -o out", "--steps"},
  {"sample " RUN " --steps 10 --spacing middle -o out", "--spacing middle"},
  {"sample " RUN " --steps 1 --spacing linspace -o out", "linspace"},
  {"sample " RUN " --steps 10 --steps-offset 200 -o out", "--steps-offset"},
  {"sample " RUN " --steps 10 --steps-offset -1 -o out", "--steps-offset"},
  {"sample --n 2 --seed 1 -o out", "--target"},
  {"sample --target gauss:d=3 --seed 1 -o out", "--n"},
  {"sample --target gauss:d=3 --n 2 -o out", "--seed"},
  {"sample " RUN, "-o"},
  {"sample " RUN " -o", "needs a value"},
  {"sample " RUN " -o out extra", "extra"},
  {"sample " RUN " -o /proc/ddpmref-no/out", "-o"},
  {"sample " RUN " -o /etc/passwd/out", "-o"},
  {"sample " RUN " -o keep", "already exists"},
  {"sample " RUN " -o keep --force", "not ddpmref output"},
  {"trace --target gauss:d=1000000 --n 1000000000 --seed 1 -o out", "--n"},
  {"sample --target gmm:zero_var.json --n 2 --seed 1 -o out", "var[1]"},
  {"sample --target gmm:neg_weight.json --n 2 --seed 1 -o out", "weight"},
  {"sample --target gmm:dims.json --n 2 --seed 1 -o out", "components[1]"},
  {"sample --target gmm:empty.json --n 2 --seed 1 -o out", "components"},
  {"sample --target gauss:two.json --n 2 --seed 1 -o out", "component"},
  {"sample --target gmm:truncated.json --n 2 --seed 1 -o out", "truncated.json"},
  {"sample --target gmm:missing.json --n 2 --seed 1 -o out", "cannot open"},
  {"sample --target gmm --n 2 --seed 1 -o out", "file name"},
  {"sample --target gmm:ok.json --sampler vp-em --n 2 --seed 1 -o out", "vp or ou"},
  {"sample --target gmm:ok.json --schedule vp --sampler ou-em --n 2 --seed 1 -o out", "ou"},
  {"sample " RUN " --sampler ddim:eta=2 -o out", "eta=2"},
  {"sample " RUN " --sampler pf-heun:eta=1 -o out", "eta"},
  {"sample " RUN " --score-error bias -o out", "--score-error"},
  {"sample " RUN " --score-error rel=inf -o out", "--score-error"},
  {"sample " RUN " --score-error scale=2 -o out", "--score-error"},
  {"sample --target gauss:d=2 --schedule ou:T=30,horizon=66.7,eps=0.01 --steps 1 "
   "--spacing trailing --n 2 --seed 1 -o out", "alpha"},
  {"trace --target gauss:d=2 --schedule ou:T=30,horizon=66.7,eps=0.01 --sampler ddim --steps 1 "
   "--spacing trailing --n 2 --seed 1 -o out", "alpha"},
};

START_TEST(bad_input_exit_2)
{
  char err[4096];
  char keep[128];
  snprintf(keep, sizeof keep, "%s/keep", scratch); /* an existing, foreign folder */
  mkdir(keep, 0700);
  int rc = run_cli(bad[_i].args, err, sizeof err);
  ck_assert_msg(rc == 2, "'%s': exit %d (want 2), stderr: %s", bad[_i].args, rc, err);
  char *nl = strchr(err, '\n');
  ck_assert_msg(nl != NULL && nl[1] == '\0', "'%s': stderr is not one line: %s", bad[_i].args, err);
  ck_assert_msg(strstr(err, bad[_i].must_mention) != NULL, "'%s': '%s' not named in: %s",
                bad[_i].args, bad[_i].must_mention, err);
  assert_no_output_left(bad[_i].args);
}
END_TEST

START_TEST(must_show_trace_example)
{
  char err[4096], path[256], shape[64];
  int rc = run_cli("trace --schedule linear:T=50 --target gauss:d=3,mean=1,var=4 "
                   "--sampler ddpm:var=beta --n 2 --seed 42 --engine ref -o out", err, sizeof err);
  ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
  snprintf(path, sizeof path, "%s/out/x_ref.npy", scratch);
  size_t count;
  double *x = test_npy_read(path, &count, shape, sizeof shape);
  ck_assert_str_eq(shape, "(51, 2, 3)");
  ck_assert_uint_eq(count, 51 * 2 * 3);
  free(x);
  ck_assert(exists("out/x_ref.txt") && exists("out/meta.json") && !exists("out/x_fp.npy"));
}
END_TEST

/* Issue 4's must-show: every sampler traced on a 2-component GMM in d = 2
 * with both engines; meta.json records the file's mixture, normalised. */
static const char *const gmm_traces[] = {
  "--schedule linear:T=30 --sampler ddpm:var=posterior",
  "--schedule linear:T=30 --sampler ddim:eta=0.5 --steps 7 --spacing trailing",
  "--schedule linear:T=30 --sampler liyan-ode",
  "--schedule vp:T=30 --sampler vp-em",
  "--schedule vp:T=30 --sampler vp-ei",
  "--schedule vp:T=30 --sampler pf-euler",
  "--schedule vp:T=30 --sampler pf-heun --score-error rel=0.1",
  "--schedule ou:T=30 --sampler ou-em --score-error bias=-0.25",
};

START_TEST(gmm_trace_both_engines)
{
  char err[4096], cmd[2048];
  snprintf(cmd, sizeof cmd,
           "trace --target gmm:%s/tests/data/mixtures/unnormalised.json %s --n 2 --seed 5 -o g",
           repo_root(), gmm_traces[_i]);
  int rc = run_cli(cmd, err, sizeof err);
  ck_assert_msg(rc == 0, "%s: exit %d: %s", cmd, rc, err);
  snprintf(cmd, sizeof cmd,
           "cd %s && grep -q '\"weights_normalised\": true' g/meta.json && "
           "grep -q '\"weight\": \"2\"' g/meta.json && %s -c \"import numpy as np;"
           " r=np.load('g/x_ref.npy'); f=np.load('g/x_fp.npy'); assert r.shape==f.shape;"
           " assert r.shape[1:]==(2,1); assert np.isfinite(r).all()\"",
           scratch, test_python());
  rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "%s", cmd);
}
END_TEST

START_TEST(help_and_version)
{
  char err[4096];
  ck_assert_int_eq(run_cli("--help", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("--version", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("sample --help", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("trace --help", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("trace --version", err, sizeof err), 0);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "grep -q '^ddpmref 0.1.0$' %s/stdout.txt", scratch);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Identical inputs: byte-identical outputs; sample's output is trace's last
 * row; --force replaces an earlier ddpmref output; NumPy reads every file. */
START_TEST(deterministic_and_loadable)
{
  char err[4096], cmd[2048];
  const char *args = "--target gauss:d=3,mean=-2,var=0.5 --schedule linear:T=100 --n 5 --seed 9";
  snprintf(cmd, sizeof cmd, "trace %s -o a", args);
  ck_assert_int_eq(run_cli(cmd, err, sizeof err), 0);
  snprintf(cmd, sizeof cmd, "trace %s --threads 2 -o b", args);
  ck_assert_int_eq(run_cli(cmd, err, sizeof err), 0);
  snprintf(cmd, sizeof cmd, "sample %s -o s", args);
  ck_assert_int_eq(run_cli(cmd, err, sizeof err), 0);
  snprintf(cmd, sizeof cmd, "sample %s --engine ref -o s --force", args);
  ck_assert_int_eq(run_cli(cmd, err, sizeof err), 0);
  snprintf(cmd, sizeof cmd,
           "cd %s && for f in meta.json x_fp.npy x_ref.npy x_ref.txt; do cmp -s a/$f b/$f || exit 1; done"
           " && test -f s/samples_ref.npy && ! test -e s/samples_fp.npy"
           " && %s -c \"import numpy as np; a=np.load('a/x_ref.npy'); s=np.load('s/samples_ref.npy');"
           " f=np.load('a/x_fp.npy'); assert a.shape==(101,5,3) and f.shape==a.shape;"
           " assert (a[-1]==s).all(); assert abs(a-f).max() < 1e-12\"",
           scratch, test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "%s", cmd);
}
END_TEST

/* The three examples: the oracle's table at 256 bits printed with
 * 40 digits equals the independent mpmath table (tests/oracle/schedules.py)
 * to 35 digits in every column. */
static const char *schedule_examples[] = {
  "cosine:T=1000", "li-yan:T=1000,c0=2,c1=4", "lcw:T=100,c0=2,c1=10"};

START_TEST(schedule_examples_match_mpmath)
{
  char err[4096], cmd[4096];
  snprintf(cmd, sizeof cmd, "schedule --schedule %s --engine ref --prec 256 --digits 40 -o ours.csv",
           schedule_examples[_i]);
  ck_assert_msg(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
  snprintf(cmd, sizeof cmd,
           "cd %s && %s %s/tests/oracle/schedules.py table %s --out theirs.csv >/dev/null && "
           "%s %s/tests/compare_tables.py ours.csv theirs.csv 1e-35",
           scratch, test_python(), repo_root(), schedule_examples[_i], test_python(),
           repo_root());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "%s differs from mpmath", schedule_examples[_i]);
}
END_TEST

/* Both engines to .csv and .npy; the .npy loads in NumPy with the CSV's
 * columns; an existing file is refused without --force. */
START_TEST(schedule_outputs)
{
  char err[4096], cmd[2048];
  ck_assert_int_eq(run_cli("schedule --schedule lcw -o t.csv", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("schedule --schedule lcw -o t.npy", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("schedule --schedule lcw -o t.npy", err, sizeof err), 2);
  ck_assert_ptr_nonnull(strstr(err, "already exists"));
  ck_assert_int_eq(run_cli("schedule --schedule linear:T=20 -o t.npy --force --engine fp", err, sizeof err), 0);
  ck_assert_int_eq(run_cli("schedule --schedule li-yan:c1=2 -o u.csv", err, sizeof err), 2);
  ck_assert_ptr_nonnull(strstr(err, "too small"));
  ck_assert(!exists("u.csv"));
  snprintf(cmd, sizeof cmd,
           "cd %s && %s -c \"import numpy as np, csv; a=np.load('t.npy'); assert a.shape==(20, 10), a.shape;"
           " rows=[r for r in csv.reader(open('t.csv')) if not r[0].startswith('#')];"
           " assert len(rows)==101 and len(rows[0])==28, (len(rows), len(rows[0]));"
           " assert rows[1][0]=='1' and float(rows[1][22]) < 1000\"", scratch, test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "%s", cmd);
}
END_TEST

/* Every command's oracle path once, small, each exiting 0 with nothing on
 * stderr. `make check-valgrind` runs this tcase (tag "oracle") with
 * DDPM_PROGRAM=tests/valgrind_program, so memcheck sees whole runs: specs,
 * ddpm_ref_run, replayed draws, outputs, and the MPFR caches freed at exit. */
static const char *const oracle_runs[] = {
  "sample --engine ref --target gauss:d=2,mean=1,var=4 --schedule linear:T=50 --n 3 --seed 7 "
  "--quiet -o s1",
  "sample --engine ref --target gmm:%s/tests/data/mixtures/design_example.json "
  "--schedule cosine:T=40 --sampler ddim:eta=0.5 --steps 10 --spacing trailing --n 2 --seed 1 "
  "--score-error rel=0.01 --quiet -o s2",
  "trace --target gauss:d=1 --schedule vp:T=30 --sampler vp-ei:last_noise=yes --n 2 --seed 3 "
  "--quiet -o t1",
  "sample --engine ref --target gauss:d=1 --schedule vp:T=30 --sampler vp-ei:last_noise=yes "
  "--n 2 --seed 3 --noise t1/noise.npy --quiet -o s3",
  "verify --trajectory t1/x_fp.npy --against t1 -o v1",
  "schedule --schedule li-yan:T=30 --engine both",
  "audit --target gauss:d=1 --schedule file:%s/tests/data/betas_small.txt --n 1 --seed 1 "
  "--quiet -o a1",
  "rates --target gauss:d=1 --schedule linear:T=20 --T 20,40 --no-plot -o r1",
};

START_TEST(oracle_commands_run_clean)
{
  char args[1024], err[4096];
  for (size_t q = 0; q < sizeof oracle_runs / sizeof oracle_runs[0]; q++) {
    snprintf(args, sizeof args, oracle_runs[q], repo_root());
    int rc = run_cli(args, err, sizeof err);
    ck_assert_msg(rc == 0 && err[0] == '\0', "'%s': exit %d, stderr: %s", args, rc, err);
  }
}
END_TEST

Suite *cli_suite(void)
{
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("program");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, bad_input_exit_2, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_loop_test(tc, gmm_trace_both_engines, 0,
                      (int)(sizeof gmm_traces / sizeof gmm_traces[0]));
  tcase_add_test(tc, must_show_trace_example);
  tcase_add_test(tc, help_and_version);
  tcase_add_test(tc, deterministic_and_loadable);
  tcase_add_loop_test(tc, schedule_examples_match_mpmath, 0, 3);
  tcase_add_test(tc, schedule_outputs);
  suite_add_tcase(s, tc);
  TCase *to = tcase_create("oracle");
  tcase_set_tags(to, "oracle");
  tcase_add_checked_fixture(to, setup, NULL);
  tcase_set_timeout(to, 600);
  tcase_add_test(to, oracle_commands_run_clean);
  suite_add_tcase(s, to);
  return s;
}
