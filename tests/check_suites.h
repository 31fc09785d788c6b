/* check_suites.h: the Check suites of `make check` and their shared helpers. */
#ifndef DDPM_CHECK_SUITES_H
#define DDPM_CHECK_SUITES_H

#include <check.h>

Suite *philox_suite(void);
Suite *noise_suite(void);
Suite *spec_suite(void);
Suite *schedule_suite(void);
Suite *sampler_suite(void);
Suite *family_suite(void);
Suite *mixture_suite(void);
Suite *stats_suite(void);
Suite *predict_suite(void);
Suite *cli_suite(void);
Suite *trace_suite(void);
Suite *proofs_suite(void);
Suite *npy_read_suite(void);
Suite *verify_suite(void);
Suite *example_suite(void);
Suite *emu_schedule_suite(void);
Suite *emu_sampler_suite(void);
Suite *audit_suite(void);
Suite *rates_suite(void);
Suite *bad_input_suite(void);
Suite *determinism_suite(void);
Suite *rates_gmm_suite(void);

/* The Python with mpmath and numpy (Debian's), for the independent oracles. */
const char *test_python(void);
/* The ddpmref program under test. */
const char *test_program(void);
/* A fresh scratch directory for one test, under the run's root (removed at exit). */
void test_scratch_dir(char *buf, size_t size);
/* That root itself (for fixtures that must not fail through Check). */
const char *test_scratch_root(void);

#endif
