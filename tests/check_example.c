/* check_example.c: the README's verify-my-sampler example, as a user runs
 * it (examples/numpy_ddpm.py): a correct NumPy DDPM on the draws of a trace
 * passes `ddpmref verify`; each deliberately wrong variant fails, and the
 * report names the step where the mistake first acts. The example script is
 * itself checked against an independent mpmath DDPM
 * (examples/check_numpy_ddpm.py). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "test_shell.h"

static char dir[64];

static void setup(void) { test_scratch_dir(dir, sizeof dir); }

#define sh(...) test_sh(dir, __VA_ARGS__)
#define slurp(name, buf, size) test_slurp(dir, name, buf, size)

#define TARGET "--target gauss:d=2,mean=1,var=4 --schedule linear:T=1000 --n 8 --seed 7"

/* verify's exit code, and its first failing step from verify.json (-1: none) */
static int verify(const char *theirs, const char *trace, long long *first)
{
  char json[1 << 16];
  int rc = sh("$PROG verify --trajectory %s --against %s -o v_%s", theirs, trace, theirs);
  char name[128];
  snprintf(name, sizeof name, "v_%s/verify.json", theirs);
  slurp(name, json, sizeof json);
  const char *p = strstr(json, "\"first_failing_step\": ");
  ck_assert_msg(p != NULL, "no first_failing_step in %s", name);
  p += strlen("\"first_failing_step\": ");
  *first = strncmp(p, "null", 4) == 0 ? -1 : strtoll(p, NULL, 10);
  return rc;
}

START_TEST(numpy_ddpm_passes_and_bugs_are_caught)
{
  long long first;
  char out[1 << 14];
  ck_assert_int_eq(sh("$PROG trace " TARGET " --sampler ddpm:var=beta --engine ref -o gt"), 0);
  ck_assert_int_eq(sh("$PY $EX/numpy_ddpm.py --noise gt/noise.npy --out theirs.npy"), 0);
  ck_assert_int_eq(verify("theirs.npy", "gt", &first), 0);
  ck_assert_int_eq(first, -1);
  slurp("out.txt", out, sizeof out);
  ck_assert_msg(strstr(out, "## ddpmref verify: PASS"), "%s", out);

  /* float32 schedule: wrong from the first step on */
  ck_assert_int_eq(sh("$PY $EX/numpy_ddpm.py --noise gt/noise.npy --out f32.npy "
                      "--bug float32-schedule"), 0);
  ck_assert_int_eq(verify("f32.npy", "gt", &first), 3);
  ck_assert_int_eq(first, 1);
  /* noise on the last step: right until the very last step */
  ck_assert_int_eq(sh("$PY $EX/numpy_ddpm.py --noise gt/noise.npy --out last.npy "
                      "--bug last-noise"), 0);
  ck_assert_int_eq(verify("last.npy", "gt", &first), 3);
  ck_assert_int_eq(first, 1000);
  slurp("out.txt", out, sizeof out);
  ck_assert_msg(strstr(out, "FAIL at step 1000 (t = 0)"), "%s", out);

  /* posterior variance through 1 - abar_t/abar_{t-1} in float32 */
  ck_assert_int_eq(sh("$PROG trace " TARGET " --sampler ddpm:var=posterior --engine ref -o gp"), 0);
  ck_assert_int_eq(sh("$PY $EX/numpy_ddpm.py --noise gp/noise.npy --out post.npy "
                      "--var-kind posterior"), 0);
  ck_assert_int_eq(verify("post.npy", "gp", &first), 0);
  ck_assert_int_eq(sh("$PY $EX/numpy_ddpm.py --noise gp/noise.npy --out post32.npy "
                      "--var-kind posterior --bug posterior-float32"), 0);
  ck_assert_int_eq(verify("post32.npy", "gp", &first), 3);
  ck_assert_int_eq(first, 1);
}
END_TEST

START_TEST(example_script_against_mpmath)
{
  ck_assert_int_eq(sh("$PY $EX/check_numpy_ddpm.py"), 0);
  char out[1 << 14];
  slurp("out.txt", out, sizeof out);
  ck_assert_msg(strstr(out, " passed, 0 failed"), "%s", out);
}
END_TEST

Suite *example_suite(void)
{
  Suite *s = suite_create("example");
  TCase *tc = tcase_create("example");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, numpy_ddpm_passes_and_bugs_are_caught);
  tcase_add_test(tc, example_script_against_mpmath);
  suite_add_tcase(s, tc);
  return s;
}
