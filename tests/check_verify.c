/* check_verify.c: `ddpmref verify` as a user meets it. A trace is made once
 * with the program; tests/oracle/verify_ulps.py derives trajectories from
 * its x_ref.npy (itself as float64, as big-endian float32 and as float16 in
 * format 3.0, one value 5000 ulps off at step 7, a NaN at step 3, malformed
 * ones) and a hand-made trace of edge values (zeros, subnormals, binary16
 * overflow), then recomputes every per-step number of verify.json with exact
 * rational arithmetic. Bad input of every kind exits 2 with one line and
 * leaves no output directory behind. */
#include <dirent.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"

static char scratch[64];
static char setup_error[1024];

/* The repository root: the tests run from there (make check). */
static const char *repo_root(void)
{
  static char root[1024];
  if (!root[0] && !getcwd(root, sizeof root)) snprintf(root, sizeof root, ".");
  return root;
}

static int shell(const char *cmd)
{
  int rc = system(cmd);
  return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* Damaged copies of the trace, each for one refusal. */
static const char damage[] =
  "cp -r tr tr_notxt && rm tr_notxt/x_ref.txt"
  " && cp -r tr tr_cut && head -c 20000 tr/x_ref.txt > tr_cut/x_ref.txt"
  " && cp -r tr tr_lines && head -n 200 tr/x_ref.txt > tr_lines/x_ref.txt"
  " && cp -r tr tr_garbled && sed -i '100s/^\\([0-9]*\\) 0 /\\1 1 /' tr_garbled/x_ref.txt"
  " && cp -r tr tr_extra && echo '51 0 0 1.5' >> tr_extra/x_ref.txt"
  " && cp -r tr tr_value && sed -i '50s/ [^ ]*$/ abc/' tr_value/x_ref.txt"
  " && cp -r tr tr_nohead && grep -v '^#' tr/x_ref.txt > tr_nohead/x_ref.txt"
  " && cp -r tr tr_nometa && rm tr_nometa/meta.json"
  " && cp -r tr tr_sample && sed -i 's/\"command\": \"trace\"/\"command\": \"sample\"/' tr_sample/meta.json"
  " && cp -r tr tr_badjson && echo '{\"command\": ' > tr_badjson/meta.json"
  " && cp -r tr tr_npy && cp gen/shape.npy tr_npy/x_ref.npy"
  " && mkdir keep";

/* Once for all the tests (an unchecked fixture, in the parent process): the
 * trace, the derived files and the damaged copies. Failures are recorded
 * for the tests to report, since Check cannot fail a test from here. */
static void setup_once(void)
{
  char cmd[8192];
  snprintf(scratch, sizeof scratch, "%s/verify-XXXXXX", test_scratch_root());
  if (!mkdtemp(scratch)) {
    snprintf(setup_error, sizeof setup_error, "mkdtemp failed");
    return;
  }
  snprintf(cmd, sizeof cmd,
           "cd %s && %s/%s trace --target gauss:d=2,mean=1,var=4 --schedule linear:T=50 --n 4 "
           "--seed 42 --engine ref -o tr >/dev/null && mkdir gen && %s %s/tests/oracle/"
           "verify_ulps.py make tr gen && %s",
           scratch, repo_root(), test_program(), test_python(), repo_root(), damage);
  if (shell(cmd) != 0) snprintf(setup_error, sizeof setup_error, "setup failed: %.900s", cmd);
}

static void need_setup(void) { ck_assert_msg(setup_error[0] == '\0', "%s", setup_error); }

static void slurp(const char *name, char *buf, size_t size)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  FILE *f = fopen(path, "r");
  size_t got = f ? fread(buf, 1, size - 1, f) : 0;
  buf[got] = '\0';
  if (f) fclose(f);
}

/* Runs `ddpmref verify ARGS` in the scratch directory: its exit code, its
 * stdout and its stderr. */
static int run_verify(const char *args, char *out, size_t outsize, char *err, size_t errsize)
{
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "cd %s && %s/%s verify %s >stdout.txt 2>stderr.txt", scratch,
           repo_root(), test_program(), args);
  int rc = system(cmd);
  ck_assert_int_ne(rc, -1);
  slurp("stdout.txt", out, outsize);
  slurp("stderr.txt", err, errsize);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static json_object *load_json(const char *outdir)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s/verify.json", scratch, outdir);
  json_object *j = json_object_from_file(path);
  ck_assert_msg(j != NULL, "%s: not readable JSON", path);
  return j;
}

static json_object *member(json_object *j, const char *key)
{
  json_object *v = NULL;
  ck_assert_msg(json_object_object_get_ex(j, key, &v), "verify.json: no '%s'", key);
  return v;
}

/* per_step[key][k]; null stands for infinity. */
static double per_step(json_object *j, const char *key, long long k)
{
  json_object *v = json_object_array_get_idx(member(member(j, "per_step"), key), (size_t)k);
  return v == NULL ? INFINITY : json_object_get_double(v);
}

/* The exact recomputation (tests/oracle/verify_ulps.py) agrees. */
static void assert_exact(const char *trace, const char *theirs, const char *outdir, const char *tol)
{
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd %s && %s %s/tests/oracle/verify_ulps.py check %s %s "
           "%s/verify.json %s", scratch, test_python(), repo_root(), trace, theirs, outdir, tol);
  ck_assert_msg(shell(cmd) == 0, "exact recomputation disagrees: %s", cmd);
}

/* ---- within tolerance ------------------------------------------------------ */

static const struct {
  const char *file, *format;
} passing[] = {{"f64.npy", "binary64"}, {"f32be.npy", "binary32"}, {"f16v3.npy", "binary16"}};

/* x_ref.npy is the truth correctly rounded to binary64, and its casts are
 * correctly rounded to their formats: at most half an ulp everywhere. */
START_TEST(correctly_rounded_pass)
{
  need_setup();
  char out[65536], err[4096], args[512], outdir[64], want[128];
  snprintf(outdir, sizeof outdir, "o_pass%d", _i);
  snprintf(args, sizeof args, "--trajectory gen/%s --against tr -o %s", passing[_i].file, outdir);
  int rc = run_verify(args, out, sizeof out, err, sizeof err);
  ck_assert_msg(rc == 0, "%s: exit %d: %s", args, rc, err);
  ck_assert_msg(strstr(out, "## ddpmref verify: PASS\n") == out, "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "first failing step: none, all 51 steps within tolerance"));
  snprintf(want, sizeof want, "errors in ulps of %s", passing[_i].format);
  ck_assert_msg(strstr(out, want) != NULL, "'%s' not in %s", want, out);
  json_object *j = load_json(outdir);
  ck_assert_str_eq(json_object_get_string(member(j, "verdict")), "PASS");
  ck_assert_str_eq(json_object_get_string(member(j, "format")), passing[_i].format);
  ck_assert(json_object_is_type(member(j, "first_failing_step"), json_type_null));
  for (long long k = 0; k < 51; k++) {
    ck_assert_msg(per_step(j, "max_ulps", k) <= 0.5, "%s step %lld: %g ulps", passing[_i].file,
                  k, per_step(j, "max_ulps", k));
    ck_assert(per_step(j, "scaled_ulps", k) <= 0.5);
  }
  json_object_put(j);
  snprintf(want, sizeof want, "gen/%s", passing[_i].file);
  assert_exact("tr", want, outdir, "1024");
}
END_TEST

/* ---- outside it ---------------------------------------------------------- */

START_TEST(perturbed_step_7_fails)
{
  need_setup();
  char out[65536], err[4096];
  int rc = run_verify("--trajectory gen/pert7.npy --against tr -o o_pert", out, sizeof out, err,
                      sizeof err);
  ck_assert_msg(rc == 3, "exit %d: %s", rc, err);
  ck_assert_msg(strstr(out, "## ddpmref verify: FAIL at step 7 (t = 43)\n") == out, "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "- first failing step: 7 (row 7, t = 43): scaled ulps 5000"));
  ck_assert_ptr_nonnull(strstr(out, "| 7 | 43 | 5000 |"));
  json_object *j = load_json("o_pert");
  ck_assert_str_eq(json_object_get_string(member(j, "verdict")), "FAIL");
  ck_assert_int_eq(json_object_get_int64(member(j, "first_failing_step")), 7);
  ck_assert_int_eq(json_object_get_int64(member(j, "worst_step")), 7);
  double s7 = per_step(j, "scaled_ulps", 7);
  ck_assert_msg(s7 > 4999.4 && s7 < 5000.6, "scaled ulps %g", s7); /* 5000 +- the truth's rounding */
  for (long long k = 0; k < 51; k++)
    if (k != 7) ck_assert(per_step(j, "max_ulps", k) <= 0.5);
  json_object_put(j);
  assert_exact("tr", "gen/pert7.npy", "o_pert", "1024");
}
END_TEST

START_TEST(nan_at_step_3_fails)
{
  need_setup();
  char out[65536], err[4096];
  int rc = run_verify("--trajectory gen/nan3.npy --against tr -o o_nan", out, sizeof out, err,
                      sizeof err);
  ck_assert_msg(rc == 3, "exit %d: %s", rc, err);
  ck_assert_msg(strstr(out, "## ddpmref verify: FAIL at step 3 (t = 47)\n") == out, "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "- NaN or inf in the trajectory: 1 value\n"));
  json_object *j = load_json("o_nan");
  ck_assert_int_eq(json_object_get_int64(member(j, "first_failing_step")), 3);
  ck_assert_int_eq(json_object_get_int64(member(j, "non_finite_values")), 1);
  ck_assert(isinf(per_step(j, "scaled_ulps", 3)) && isinf(per_step(j, "max_rel", 3)));
  ck_assert_int_eq(json_object_get_int64(json_object_array_get_idx(
                       member(member(j, "per_step"), "non_finite"), 3)), 1);
  json_object_put(j);
  assert_exact("tr", "gen/nan3.npy", "o_nan", "1024");
}
END_TEST

/* binary32's relative rounding error is below 2^-24 = 5.96e-8. */
START_TEST(relative_tolerance)
{
  need_setup();
  char out[65536], err[4096];
  int rc = run_verify("--trajectory gen/f32be.npy --against tr --tol rel=6e-8 -o o_rel", out,
                      sizeof out, err, sizeof err);
  ck_assert_msg(rc == 0, "exit %d: %s %s", rc, err, out);
  assert_exact("tr", "gen/f32be.npy", "o_rel", "rel=6e-8");
  rc = run_verify("--trajectory gen/f32be.npy --against tr --tol rel=1e-9 -o o_rel2", out,
                  sizeof out, err, sizeof err);
  ck_assert_msg(rc == 3, "exit %d: %s", rc, err);
  ck_assert_ptr_nonnull(strstr(out, "max relative error"));
  assert_exact("tr", "gen/f32be.npy", "o_rel2", "rel=1e-9");
  rc = run_verify("--trajectory gen/pert7.npy --against tr --tol 5001", out, sizeof out, err,
                  sizeof err);
  ck_assert_msg(rc == 0, "5000 ulps within --tol 5001: exit %d", rc);
}
END_TEST

/* The hand-made trace: zeros (their value the smallest subnormal: relative
 * error infinite, 1 ulp), binary64 subnormals, values past binary16's range
 * (inf in the float16 file). */
static const struct {
  const char *file, *tol;
  int exit;
  long long first_fail;
} synthetic[] = {
  {"synth_f16.npy", "1024", 3, 1}, {"synth_f32.npy", "1024", 0, -1},
  {"synth_f64.npy", "1024", 0, -1}, {"synth_f16.npy", "rel=1e-3", 3, 0},
  {"synth_f32.npy", "rel=1e-3", 3, 0}, {"synth_f64.npy", "rel=1e-3", 3, 0},
};

START_TEST(edge_values_exact)
{
  need_setup();
  char out[65536], err[4096], args[512], outdir[64], theirs[128];
  snprintf(outdir, sizeof outdir, "o_synth%d", _i);
  snprintf(theirs, sizeof theirs, "gen/%s", synthetic[_i].file);
  snprintf(args, sizeof args, "--trajectory %s --against gen/synth --tol %s -o %s", theirs,
           synthetic[_i].tol, outdir);
  int rc = run_verify(args, out, sizeof out, err, sizeof err);
  ck_assert_msg(rc == synthetic[_i].exit, "%s: exit %d: %s", args, rc, err);
  json_object *j = load_json(outdir);
  json_object *ff = member(j, "first_failing_step");
  long long first = json_object_is_type(ff, json_type_null) ? -1 : json_object_get_int64(ff);
  ck_assert_int_eq(first, synthetic[_i].first_fail);
  json_object_put(j);
  assert_exact("gen/synth", theirs, outdir, synthetic[_i].tol);
}
END_TEST

/* ---- bad input --------------------------------------------------------------- */

#define OUT " -o o_bad"
static const struct {
  const char *args, *must_mention;
} bad[] = {
  {"--trajectory gen/shape.npy --against tr" OUT,
   "--trajectory gen/shape.npy: shape (51, 4, 3), but the trace has (51, 4, 2) (steps+1, n, d)"},
  {"--trajectory gen/int64.npy --against tr" OUT, "--trajectory gen/int64.npy: dtype '<i8': must be"},
  {"--trajectory gen/fortran.npy --against tr" OUT, "fortran_order is True"},
  {"--trajectory gen/trunc.npy --against tr" OUT, "--trajectory gen/trunc.npy: truncated"},
  {"--trajectory gen/missing.npy --against tr" OUT, "cannot open"},
  {"--trajectory gen --against tr" OUT, "is a directory"},
  {"--trajectory gen/f64.npy --against nowhere" OUT, "--against nowhere"},
  {"--trajectory gen/f64.npy --against gen/f64.npy" OUT, "not a directory"},
  {"--trajectory gen/f64.npy --against tr_notxt" OUT, "tr_notxt/x_ref.txt"},
  {"--trajectory gen/f64.npy --against tr_cut" OUT, "truncated"},
  {"--trajectory gen/f64.npy --against tr_lines" OUT, "ends at line 200 after 198 of the 408 values"},
  {"--trajectory gen/f64.npy --against tr_garbled" OUT, "line 100"},
  {"--trajectory gen/f64.npy --against tr_extra" OUT, "more values than the shape"},
  {"--trajectory gen/f64.npy --against tr_value" OUT, "value 'abc' is not a decimal number"},
  {"--trajectory gen/f64.npy --against tr_nohead" OUT, "oracle values at N bits"},
  {"--trajectory gen/f64.npy --against tr_nometa" OUT, "no meta.json"},
  {"--trajectory gen/f64.npy --against tr_sample" OUT, "command is \"sample\", not \"trace\""},
  {"--trajectory gen/f64.npy --against tr_badjson" OUT, "meta.json is not valid JSON"},
  {"--trajectory gen/f64.npy --against tr_npy" OUT, "x_ref.npy has shape (51, 4, 3)"},
  {"--trajectory gen/f64.npy --against tr --tol -1" OUT, "--tol -1"},
  {"--trajectory gen/f64.npy --against tr --tol rel=" OUT, "--tol rel="},
  {"--trajectory gen/f64.npy --against tr --tol 1e999" OUT, "too large"},
  {"--trajectory gen/f64.npy --against tr --tol ulps=3" OUT, "--tol ulps=3"},
  {"--trajectory gen/f64.npy --against tr --bogus" OUT, "--bogus"},
  {"--against tr" OUT, "--trajectory: missing"},
  {"--trajectory gen/f64.npy" OUT, "--against: missing"},
  {"--trajectory gen/f64.npy --against tr --force", "--force: needs -o"},
  {"--trajectory gen/f64.npy --against tr extra" OUT, "extra"},
  {"--trajectory gen/f64.npy --against tr -o", "needs a value"},
  {"--trajectory gen/f64.npy --against tr -o keep", "already exists"},
  {"--trajectory gen/f64.npy --against tr -o keep --force", "not ddpmref output"},
  {"--trajectory gen/f64.npy --against tr -o tr --force", "refusing to replace it"},
};

/* Nothing named o_bad, and no staging directory, in the scratch dir. */
static void assert_no_output_left(const char *args)
{
  DIR *dp = opendir(scratch);
  ck_assert_ptr_nonnull(dp);
  struct dirent *ent;
  while ((ent = readdir(dp)) != NULL)
    ck_assert_msg(strncmp(ent->d_name, "o_bad", 5) != 0 && strncmp(ent->d_name, ".o_bad", 6) != 0
                  && strstr(ent->d_name, ".partial-") == NULL,
                  "'%s' left '%s' behind", args, ent->d_name);
  closedir(dp);
}

START_TEST(bad_input_exit_2)
{
  need_setup();
  char out[65536], err[4096];
  int rc = run_verify(bad[_i].args, out, sizeof out, err, sizeof err);
  ck_assert_msg(rc == 2, "'%s': exit %d (want 2), stderr: %s", bad[_i].args, rc, err);
  char *nl = strchr(err, '\n');
  ck_assert_msg(nl != NULL && nl[1] == '\0', "'%s': stderr is not one line: %s", bad[_i].args, err);
  ck_assert_msg(strncmp(err, "ddpmref: ", 9) == 0, "'%s': %s", bad[_i].args, err);
  ck_assert_msg(strstr(err, bad[_i].must_mention) != NULL, "'%s': '%s' not in: %s", bad[_i].args,
                bad[_i].must_mention, err);
  ck_assert_msg(out[0] == '\0', "'%s': stdout not empty: %s", bad[_i].args, out);
  assert_no_output_left(bad[_i].args);
}
END_TEST

/* ---- the rest ------------------------------------------------------------------- */

START_TEST(help_version_force_and_determinism)
{
  need_setup();
  char out[65536], err[4096], cmd[1024];
  ck_assert_int_eq(run_verify("--help", out, sizeof out, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(out, "usage: ddpmref verify --trajectory"));
  ck_assert_int_eq(run_verify("--version", out, sizeof out, err, sizeof err), 0);
  ck_assert_str_eq(out, "ddpmref 0.1.0\n");
  const char *args = "--trajectory gen/f16v3.npy --against tr -o o_a";
  ck_assert_int_eq(run_verify(args, out, sizeof out, err, sizeof err), 0);
  ck_assert_int_eq(run_verify(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_ptr_nonnull(strstr(err, "already exists"));
  ck_assert_int_eq(run_verify("--trajectory gen/f16v3.npy --against tr -o o_a --force", out,
                              sizeof out, err, sizeof err), 0);
  ck_assert_int_eq(run_verify("--trajectory gen/f16v3.npy --against tr -o o_b", out, sizeof out,
                              err, sizeof err), 0);
  snprintf(cmd, sizeof cmd, "cd %s && for f in verify.json verify.md meta.json; do "
           "cmp -s o_a/$f o_b/$f || exit 1; done && grep -c '^| [0-9]' o_a/verify.md | "
           "grep -qx 51 && grep -q '\"command\": \"verify\"' o_a/meta.json", scratch);
  ck_assert_msg(shell(cmd) == 0, "%s", cmd);
}
END_TEST

Suite *verify_suite(void)
{
  Suite *s = suite_create("verify");
  TCase *tc = tcase_create("program");
  tcase_add_unchecked_fixture(tc, setup_once, NULL);
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, correctly_rounded_pass, 0, (int)(sizeof passing / sizeof passing[0]));
  tcase_add_test(tc, perturbed_step_7_fails);
  tcase_add_test(tc, nan_at_step_3_fails);
  tcase_add_test(tc, relative_tolerance);
  tcase_add_loop_test(tc, edge_values_exact, 0, (int)(sizeof synthetic / sizeof synthetic[0]));
  tcase_add_loop_test(tc, bad_input_exit_2, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, help_version_force_and_determinism);
  suite_add_tcase(s, tc);
  return s;
}
