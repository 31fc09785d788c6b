/* check_main.c: runs every Check suite; the last line is Check's summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

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

void test_scratch_dir(char *buf, size_t size)
{
  snprintf(buf, size, "/tmp/ddpmref-test-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(buf));
}

int main(void)
{
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
  srunner_add_suite(sr, proofs_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
