/* check_main.c: runs every Check suite; the last line is Check's summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "test_shell.h"

const char *test_python(void)
{
  const char *p = getenv("DDPM_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

const char *test_program(void)
{
  const char *p = getenv("DDPM_PROGRAM");
  return p && *p ? p : "build/ddpmref";
}

/* Every scratch directory of a run lives under one root that main removes
 * at the end, so a run leaves nothing in /tmp whatever the tests do. */
static char scratch_root[64];

const char *test_scratch_root(void) { return scratch_root; }

void test_scratch_dir(char *buf, size_t size)
{
  snprintf(buf, size, "%s/XXXXXX", scratch_root);
  ck_assert_ptr_nonnull(mkdtemp(buf));
}

int main(void)
{
  snprintf(scratch_root, sizeof scratch_root, "/tmp/ddpmref-test-XXXXXX");
  if (!mkdtemp(scratch_root)) {
    perror("check_ddpmref: cannot create a scratch directory in /tmp");
    return EXIT_FAILURE;
  }
  SRunner *sr = srunner_create(philox_suite());
  srunner_add_suite(sr, noise_suite());
  srunner_add_suite(sr, spec_suite());
  srunner_add_suite(sr, schedule_suite());
  srunner_add_suite(sr, sampler_suite());
  srunner_add_suite(sr, family_suite());
  srunner_add_suite(sr, mixture_suite());
  srunner_add_suite(sr, stats_suite());
  srunner_add_suite(sr, predict_suite());
  srunner_add_suite(sr, cli_suite());
  srunner_add_suite(sr, npy_read_suite());
  srunner_add_suite(sr, verify_suite());
  srunner_add_suite(sr, example_suite());
  srunner_add_suite(sr, emu_schedule_suite());
  srunner_add_suite(sr, emu_sampler_suite());
  srunner_add_suite(sr, audit_suite());
  srunner_add_suite(sr, rates_suite());
  srunner_add_suite(sr, rates_gmm_suite());
  srunner_add_suite(sr, trace_suite());
  srunner_add_suite(sr, bad_input_suite());
  srunner_add_suite(sr, determinism_suite());
  srunner_add_suite(sr, proofs_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  test_remove_dir(scratch_root);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
