/* check_noise.c: the Gaussian transform of both engines against values an
 * independent program computed (tests/oracle/gen_gauss_values.py: Philox in
 * pure Python, Box-Muller in mpmath at 400 bits). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_philox.h"
#include "ddpm_ref.h"
#include "fp_error_bound.h"

typedef struct {
  uint64_t seed, i;
  uint32_t r, j;
  double nearest;        /* correctly rounded binary64 */
  char decimal[128];     /* 80 significant digits */
} gauss_line;

static int read_lines(gauss_line *out, int max)
{
  FILE *f = fopen("tests/data/gauss_mpmath.txt", "r");
  ck_assert_msg(f != NULL, "tests/data/gauss_mpmath.txt missing");
  char line[512], hex[64];
  int n = 0;
  while (fgets(line, sizeof line, f) && n < max) {
    if (line[0] == '#') continue;
    gauss_line *g = &out[n];
    unsigned long long seed, i;
    unsigned r, j;
    ck_assert_int_eq(sscanf(line, "%llu %llu %u %u %63s %127s", &seed, &i, &r, &j, hex,
                            g->decimal), 6);
    g->seed = seed; g->i = i; g->r = r; g->j = j;
    g->nearest = strtod(hex, NULL);
    n++;
  }
  fclose(f);
  return n;
}

/* |x| compared with m 2^e. */
static int cmpabs_2exp(mpfr_srcptr x, unsigned long m, long e)
{
  mpfr_t b;
  mpfr_init2(b, 64);
  mpfr_set_ui_2exp(b, m, e, MPFR_RNDN);
  int c = mpfr_cmpabs(x, b);
  mpfr_clear(b);
  return c;
}

/* The oracle at 256 bits agrees with mpmath's 80 digits to 2^-250, and its
 * value rounded to binary64 is mpmath's nearest double. */
START_TEST(oracle_matches_mpmath)
{
  static gauss_line lines[400];
  int n = read_lines(lines, 400);
  ck_assert_int_ge(n, 200);
  mpfr_t z, exact, diff;
  mpfr_inits2(256, z, diff, (mpfr_ptr)0);
  mpfr_init2(exact, 300);
  for (int q = 0; q < n; q++) {
    gauss_line *g = &lines[q];
    ddpm_ref_gaussian(z, g->seed, g->i, g->r, g->j);
    mpfr_set_str(exact, g->decimal, 10, MPFR_RNDN);
    mpfr_sub(diff, z, exact, MPFR_RNDN);
    mpfr_div(diff, diff, exact, MPFR_RNDN);
    ck_assert_msg(cmpabs_2exp(diff, 1, -250) <= 0, "line %d: oracle off", q);
    ck_assert_msg(mpfr_get_d(z, MPFR_RNDN) == g->nearest, "line %d: rounding differs", q);
  }
  mpfr_clears(z, diff, exact, (mpfr_ptr)0);
}
END_TEST

/* Correct rounding straight to 53 bits (the Ziv loop at p = 53, where a
 * double rounding through 256 bits could differ): equal to mpmath's nearest. */
START_TEST(oracle_correctly_rounded_at_53_bits)
{
  static gauss_line lines[400];
  int n = read_lines(lines, 400);
  mpfr_t z;
  mpfr_init2(z, 53);
  for (int q = 0; q < n; q++) {
    ddpm_ref_gaussian(z, lines[q].seed, lines[q].i, lines[q].r, lines[q].j);
    ck_assert_msg(mpfr_get_d(z, MPFR_RNDN) == lines[q].nearest, "line %d", q);
  }
  mpfr_clear(z);
}
END_TEST

/* Fast path within its stated a-priori bound of mpmath's value. */
START_TEST(fast_path_within_bound_of_mpmath)
{
  static gauss_line lines[400];
  int n = read_lines(lines, 400);
  mpfr_t exact;
  mpfr_init2(exact, 300);
  for (int q = 0; q < n; q++) {
    gauss_line *g = &lines[q];
    double z[8];
    ddpm_fp_gaussians(g->seed, g->i, g->r, g->j + 1, z);
    uint64_t w1, w2;
    ddpm_noise_words(g->seed, g->i, g->r, g->j, &w1, &w2);
    mpfr_set_str(exact, g->decimal, 10, MPFR_RNDN);
    mpfr_sub_d(exact, exact, z[g->j], MPFR_RNDN);
    double err = fabs(mpfr_get_d(exact, MPFR_RNDN));
    double bound = fp_gaussian_error_bound(w1, w2, (int)(g->j & 1));
    ck_assert_msg(err <= bound, "line %d: |fp - exact| = %g > bound %g", q, err, bound);
  }
  mpfr_clear(exact);
}
END_TEST

/* Many draws: fast path within the bound of the oracle; the bound is not
 * vacuous (it stays below 2^-40 for every one of these draws). */
START_TEST(fast_path_within_bound_of_oracle_many)
{
  mpfr_t z;
  mpfr_init2(z, 128);
  double worst_ratio = 0, worst_bound = 0;
  for (uint64_t i = 0; i < 2000; i++)
    for (uint32_t j = 0; j < 4; j++) {
      double zf[4];
      ddpm_fp_gaussians(12345, i, 3, 4, zf);
      ddpm_ref_gaussian(z, 12345, i, 3, j);
      mpfr_sub_d(z, z, zf[j], MPFR_RNDN);
      uint64_t w1, w2;
      ddpm_noise_words(12345, i, 3, j, &w1, &w2);
      double err = fabs(mpfr_get_d(z, MPFR_RNDN));
      double bound = fp_gaussian_error_bound(w1, w2, (int)(j & 1));
      ck_assert_msg(err <= bound, "i=%llu j=%u: %g > %g", (unsigned long long)i, j, err, bound);
      if (err / bound > worst_ratio) worst_ratio = err / bound;
      if (bound > worst_bound) worst_bound = bound;
    }
  ck_assert_double_lt(worst_bound, 0x1p-40);
  printf("noise: fast path error / bound <= %.3f; largest bound %.3g\n", worst_ratio,
         worst_bound);
  mpfr_clear(z);
}
END_TEST

static int run_quiet(const char *cmd)
{
  int rc = system(cmd);
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* The checked-in values are what the script produces, byte for byte, and
 * the Python Philox passes the KAT too (so the oracle is trustworthy). */
START_TEST(mpmath_data_reproducible)
{
  char dir[64], cmd[512];
  test_scratch_dir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "%s tests/oracle/philox.py tests/data/philox4x32_kat.txt >/dev/null && "
           "%s tests/oracle/gen_gauss_values.py %s/g.txt >/dev/null && "
           "cmp -s %s/g.txt tests/data/gauss_mpmath.txt",
           test_python(), test_python(), dir, dir);
  ck_assert_msg(run_quiet(cmd) == 0, "regenerating tests/data/gauss_mpmath.txt differs: %s", cmd);
}
END_TEST

Suite *noise_suite(void)
{
  Suite *s = suite_create("noise");
  TCase *tc = tcase_create("gaussian");
  tcase_set_tags(tc, "oracle"); /* make check-valgrind */
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, oracle_matches_mpmath);
  tcase_add_test(tc, oracle_correctly_rounded_at_53_bits);
  tcase_add_test(tc, fast_path_within_bound_of_mpmath);
  tcase_add_test(tc, fast_path_within_bound_of_oracle_many);
  tcase_add_test(tc, mpmath_data_reproducible);
  suite_add_tcase(s, tc);
  return s;
}
