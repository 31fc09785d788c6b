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

/* ---- the fast path's log and sincos (fp/fp_boxmuller.c) against MPFR ---- */

static uint64_t splitmix(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* U as the fast path forms it from a 53-bit word (exactly: MPFR at 64 bits,
 * then rounded to nearest binary64) */
static double uniform_exact(uint64_t w)
{
  mpfr_t v;
  mpfr_init2(v, 64);
  mpfr_set_ui_2exp(v, (unsigned long)w, -53, MPFR_RNDN);
  mpfr_add_d(v, v, 0x1p-54, MPFR_RNDN);
  double d = mpfr_get_d(v, MPFR_RNDN);
  mpfr_clear(v);
  return d;
}

/* The test inputs: words uniform on [0, 2^53) and with a random number of
 * leading zeros (small U), then the extremes: the smallest words, the largest
 * (U rounds to 1), and U within 2^-40 of every multiple of 1/8 (the quadrant
 * boundaries of sincos and the points where log's k changes near 1/2 and
 * sqrt(1/2) are among or near them: every power of 2 down to 2^-54 too). */
static long long unit_inputs(double *x, long long max)
{
  long long n = 0;
  for (uint64_t w = 0; w < 4096; w++) x[n++] = uniform_exact(w);
  for (uint64_t w = 0; w < 4096; w++) x[n++] = uniform_exact((1ULL << 53) - 1 - w);
  for (int q = 1; q <= 8; q++)
    for (int64_t k = -2048; k < 2048; k++) {
      int64_t w = (int64_t)q * (1LL << 50) + k; /* U = q/8 + (k + 1/2) 2^-53 */
      if (w >= 0 && w < (1LL << 53)) x[n++] = uniform_exact((uint64_t)w);
    }
  for (int e = 1; e <= 53; e++)
    for (int64_t k = -64; k < 64; k++) {
      int64_t w = (1LL << (53 - e)) + k; /* U near 2^-e */
      if (w >= 0) x[n++] = uniform_exact((uint64_t)w);
    }
  x[n++] = 0.70710678118654752; /* sqrt(1/2) rounded: log's reduction boundary */
  x[n++] = nextafter(0.70710678118654752, 0);
  x[n++] = nextafter(0.70710678118654752, 1);
  uint64_t state = 20261122;
  while (n < max) {
    uint64_t w = splitmix(&state) >> 11;
    if (n & 1) w >>= splitmix(&state) % 53;
    x[n++] = (double)(int64_t)w * 0x1p-53 + 0x1p-54; /* exact as the fast path's */
  }
  return n;
}

/* |y - exact| / (2^-53 |exact|), exact the MPFR value at 160 bits; and ulps */
static double rel_err_u(double y, mpfr_srcptr exact, double *ulps)
{
  mpfr_t d;
  mpfr_init2(d, 160);
  mpfr_sub_d(d, exact, y, MPFR_RNDN);
  double abs_err = fabs(mpfr_get_d(d, MPFR_RNDN));
  double ex = fabs(mpfr_get_d(exact, MPFR_RNDN));
  mpfr_clear(d);
  if (ex == 0) {
    *ulps = abs_err == 0 ? 0 : INFINITY;
    return abs_err == 0 ? 0 : INFINITY;
  }
  *ulps = abs_err / ldexp(1.0, ilogb(ex) - 52);
  return abs_err / (ex * 0x1p-53);
}

#define N_UNIT (1LL << 21)

/* log within FP_LOG_REL u |ln U|, sin and cos of 2 pi U within FP_SINCOS_REL u
 * relative, on 2^21 inputs (the largest errors are printed). */
START_TEST(fast_path_log_sincos_within_stated_bounds)
{
  enum { LN = DDPM_FP_PHILOX_LANES };
  double *x = malloc(N_UNIT * sizeof *x);
  ck_assert(x != NULL);
  long long n = unit_inputs(x, N_UNIT);
  ck_assert_int_ge(n, 1000000);
  mpfr_t v, twopi;
  mpfr_init2(v, 160);
  mpfr_init2(twopi, 160);
  mpfr_const_pi(twopi, MPFR_RNDN);
  mpfr_mul_2ui(twopi, twopi, 1, MPFR_RNDN);
  double worst[3] = {0}, worst_ulps[3] = {0}, at[3] = {0};
  for (long long b = 0; b + LN <= n; b += LN) {
    double y[LN], s[LN], c[LN];
    ddpm_fp_log_unit_lanes(x + b, y);
    ddpm_fp_sincos_2pi_lanes(x + b, s, c);
    for (int l = 0; l < LN; l++) {
      double xv = x[b + l], e[3], ul[3];
      mpfr_set_d(v, xv, MPFR_RNDN);
      mpfr_log(v, v, MPFR_RNDN);
      e[0] = rel_err_u(y[l], v, &ul[0]);
      mpfr_mul_d(v, twopi, xv, MPFR_RNDN); /* 2 pi x to 160 bits: x is a double */
      mpfr_sin(v, v, MPFR_RNDN);
      if (2 * xv == floor(2 * xv)) mpfr_set_zero(v, 1); /* sin k pi = 0, not MPFR's 1e-48 */
      e[1] = rel_err_u(s[l], v, &ul[1]);
      mpfr_mul_d(v, twopi, xv, MPFR_RNDN);
      mpfr_cos(v, v, MPFR_RNDN);
      if (4 * xv == floor(4 * xv) && 2 * xv != floor(2 * xv)) mpfr_set_zero(v, 1);
      e[2] = rel_err_u(c[l], v, &ul[2]);
      ck_assert_msg(e[0] <= FP_LOG_REL, "log(%a) = %a: %g u relative", xv, y[l], e[0]);
      ck_assert_msg(e[1] <= FP_SINCOS_REL, "sin(2 pi %a) = %a: %g u relative", xv, s[l], e[1]);
      ck_assert_msg(e[2] <= FP_SINCOS_REL, "cos(2 pi %a) = %a: %g u relative", xv, c[l], e[2]);
      for (int k = 0; k < 3; k++) {
        if (e[k] > worst[k]) { worst[k] = e[k]; at[k] = xv; }
        worst_ulps[k] = fmax(worst_ulps[k], ul[k]);
      }
    }
  }
  printf("noise: %lld inputs; largest errors in u = 2^-53 relative (ulps): log %.3f (%.3f) "
         "at %a, sin(2 pi x) %.3f (%.3f) at %a, cos(2 pi x) %.3f (%.3f) at %a\n",
         n, worst[0], worst_ulps[0], at[0], worst[1], worst_ulps[1], at[1], worst[2],
         worst_ulps[2], at[2]);
  mpfr_clears(v, twopi, (mpfr_ptr)0);
  free(x);
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
  tcase_add_test(tc, fast_path_within_bound_of_oracle_many);
  tcase_add_test(tc, mpmath_data_reproducible);
  suite_add_tcase(s, tc);
  /* The fast path's draws against MPFR values: no oracle code, and the two
   * million MPFR evaluations would take many minutes under valgrind. */
  TCase *fast = tcase_create("fast_path");
  tcase_set_timeout(fast, 300);
  tcase_add_test(fast, fast_path_within_bound_of_mpmath);
  tcase_add_test(fast, fast_path_log_sincos_within_stated_bounds);
  suite_add_tcase(s, fast);
  return s;
}
