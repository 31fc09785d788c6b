/* check_rates_gmm.c: the 1-D mixture laws of ref/rates_gmm.c: a one-
 * component mixture must give the exact Gaussian law's distances, a
 * two-component case must match an independent numpy computation, and a
 * large Monte Carlo run of the fast path must follow the propagated density
 * (a chi-square test that a wrong law fails). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_rates_gmm.h"
#include "run_util.h"
#include "test_npy.h"

static char scratch[64];
static char bimodal[160]; /* gmm:PATH of 0.3 N(-2, 0.25) + 0.7 N(2, 0.25) */

static void setup_once(void)
{
  char path[128];
  test_scratch_dir(scratch, sizeof scratch);
  snprintf(path, sizeof path, "%s/bimodal.json", scratch);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("{\"components\": [{\"weight\": 0.3, \"mean\": [-2], \"var\": [0.25]}, "
        "{\"weight\": 0.7, \"mean\": [2], \"var\": [0.25]}]}", f);
  fclose(f);
  snprintf(bimodal, sizeof bimodal, "gmm:%s", path);
}

static void gmm_law(ddpm_rates_gmm_law *law, const char *schedule, const char *target,
                    const char *sampler, long double h)
{
  ddpm_run run;
  ddpm_err e = {{0}};
  test_make_run(&run, schedule, target, sampler, 1, 0, 0, 0, 0);
  ck_assert_msg(ddpm_rates_gmm_law_compute(&run, DDPM_RATES_X0, 128, h, DDPM_RATES_GMM_MARGIN,
                                           law, &e) == DDPM_OK, "%s", e.msg);
}

static void gmm_dist(ddpm_rates_dist *r, const char *schedule, const char *target,
                     const char *sampler)
{
  ddpm_rates_gmm_law law;
  gmm_law(&law, schedule, target, sampler, 0);
  ddpm_rates_dist_init(r, 64);
  ddpm_rates_gmm_distances(&law, r);
  ddpm_rates_gmm_law_clear(&law);
}

static void assert_rel(mpfr_srcptr got, double want, double tol, const char *what)
{
  const double g = mpfr_get_d(got, MPFR_RNDN);
  ck_assert_msg(fabs(g - want) <= tol * fabs(want), "%s: %.17g, want %.17g (tolerance %g)", what,
                g, want, tol);
}

/* (i) One component: the quadrature must reproduce the exact law's
 * distances (ref/rates.c, MPFR) to the quadrature's accuracy. Samplers with
 * noise, without (pulled back), and pf-heun's two stages. */
static const char *const one_component[][2] = {
  {"linear:T=60", "ddpm:var=beta"},   {"linear:T=60", "ddpm:var=posterior"},
  {"cosine:T=40", "ddim:eta=0"},      {"linear:T=40", "ddim:eta=0.5"},
  {"vp:T=40", "pf-heun"},             {"vp:T=40", "vp-em"},
};

START_TEST(one_component_is_exact)
{
  const char *schedule = one_component[_i][0], *sampler = one_component[_i][1];
  const char *target = "gauss:d=1,mean=1.5,var=0.3";
  ddpm_run run;
  ddpm_rates_law law;
  ddpm_rates_dist exact, quad;
  ddpm_err e = {{0}};
  test_make_run(&run, schedule, target, sampler, 1, 0, 0, 0, 0);
  ck_assert_msg(ddpm_rates_law_compute(&run, DDPM_RATES_X0, 128, &law, &e) == DDPM_OK, "%s",
                e.msg);
  ddpm_rates_dist_init(&exact, 128);
  ddpm_rates_distances(&law, &exact);
  ddpm_rates_law_clear(&law);
  gmm_dist(&quad, schedule, target, sampler);
  mpfr_srcptr q[] = {quad.kl_out_ref, quad.kl_ref_out, quad.h2, quad.tv};
  mpfr_srcptr x[] = {exact.kl_out_ref, exact.kl_ref_out, exact.h2, exact.tv};
  const char *names[] = {"KL(out||ref)", "KL(ref||out)", "H2", "TV"};
  for (int k = 0; k < 4; k++) {
    char what[256];
    snprintf(what, sizeof what, "%s %s %s", schedule, sampler, names[k]);
    assert_rel(q[k], mpfr_get_d(x[k], MPFR_RNDN), 1e-12, what);
  }
  ck_assert(mpfr_nan_p(quad.w2));
  ddpm_rates_dist_clear(&exact);
  ddpm_rates_dist_clear(&quad);
}
END_TEST

/* (ii) Two components against tests/oracle/rates_gmm.py (numpy: its own
 * coefficients from spec/maths.md, kernel sums evaluated at any point, TV
 * split at refined roots with Gauss-Legendre panels). */
static const char *const numpy_cases[][2] = {
  {"linear:T=30", "ddpm:var=beta"},
  {"linear:T=30", "ddim:eta=0"},
};

START_TEST(equals_numpy)
{
  const char *schedule = numpy_cases[_i][0], *sampler = numpy_cases[_i][1];
  char cmd[1024];
  double want[4];
  snprintf(cmd, sizeof cmd, "%s tests/oracle/rates_gmm.py --schedule %s --sampler %s "
           "--target %s", test_python(), schedule, sampler, bimodal + 4);
  FILE *f = popen(cmd, "r");
  ck_assert_ptr_nonnull(f);
  int got = fscanf(f, "%lf %lf %lf %lf", &want[0], &want[1], &want[2], &want[3]);
  int rc = pclose(f);
  ck_assert_msg(got == 4 && rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "failed: %s",
                cmd);
  ddpm_rates_dist r;
  gmm_dist(&r, schedule, bimodal, sampler);
  mpfr_srcptr mine[] = {r.kl_out_ref, r.kl_ref_out, r.h2, r.tv};
  const char *names[] = {"KL(out||ref)", "KL(ref||out)", "H2", "TV"};
  for (int k = 0; k < 4; k++) {
    char what[256];
    snprintf(what, sizeof what, "%s %s %s", schedule, sampler, names[k]);
    assert_rel(mine[k], want[k], 1e-9, what);
  }
  ddpm_rates_dist_clear(&r);
}
END_TEST

/* P(a < Y_out <= b) from the law: the trapezoid CDF over the base grid at
 * the nodes' positions, interpolated linearly in position (the positions
 * increase: the maps are monotone). */
static double law_cdf(const ddpm_rates_gmm_law *law, const double *cum, double x)
{
  if (x <= (double)law->u[0]) return 0;
  if (x >= (double)law->u[law->n - 1]) return cum[law->n - 1];
  long long lo = 0, hi = law->n - 1;
  while (hi - lo > 1) {
    long long mid = (lo + hi) / 2;
    if ((double)law->u[mid] < x) lo = mid;
    else hi = mid;
  }
  const double t = (x - (double)law->u[lo]) / (double)(law->u[hi] - law->u[lo]);
  return cum[lo] + t * (cum[hi] - cum[lo]);
}

enum { BINS = 100 };
#define BIN_LO (-4.0)
#define BIN_HI 5.0

/* Pearson's chi-square of the samples against the law, on BINS equal bins
 * of [BIN_LO, BIN_HI] and the two tails. */
static double chi_square(const double *x, size_t n, const ddpm_rates_gmm_law *law)
{
  double *cum = malloc((size_t)law->n * sizeof *cum);
  ck_assert_ptr_nonnull(cum);
  cum[0] = 0;
  for (long long j = 1; j < law->n; j++)
    cum[j] = cum[j - 1] + (double)(law->h * (law->w[j - 1] + law->w[j]) / 2);
  long counts[BINS + 2] = {0};
  const double width = (BIN_HI - BIN_LO) / BINS;
  for (size_t i = 0; i < n; i++) {
    int b = x[i] < BIN_LO ? 0 : x[i] >= BIN_HI ? BINS + 1 : 1 + (int)((x[i] - BIN_LO) / width);
    counts[b]++;
  }
  double chi = 0;
  for (int b = 0; b < BINS + 2; b++) {
    const double lo = b == 0 ? -INFINITY : BIN_LO + (b - 1) * width;
    const double hi = b == BINS + 1 ? INFINITY : BIN_LO + b * width;
    const double p = (isinf(hi) ? cum[law->n - 1] : law_cdf(law, cum, hi)) -
                     (isinf(lo) ? 0 : law_cdf(law, cum, lo));
    const double expect = p * (double)n;
    if (expect > 0) chi += (counts[b] - expect) * (counts[b] - expect) / expect;
  }
  free(cum);
  return chi;
}

/* (iii) 200000 samples of the fast path (fixed seed) against the propagated
 * density: Pearson's chi-square on 102 cells (101 degrees of freedom) below
 * 184, its 1 - 1e-6 quantile (Wilson-Hilferty). The same samples against
 * the law of a different step (var=posterior for var=beta) must fail it. */
START_TEST(monte_carlo_agrees)
{
  char cmd[1024], path[256], shape[64];
  snprintf(cmd, sizeof cmd, "%s sample --target %s --schedule linear:T=50 --sampler "
           "ddpm:var=beta --n 200000 --seed 7 --quiet -o %s/mc --force >/dev/null",
           test_program(), bimodal, scratch);
  ck_assert_int_eq(system(cmd), 0);
  snprintf(path, sizeof path, "%s/mc/samples_fp.npy", scratch);
  size_t n;
  double *x = test_npy_read(path, &n, shape, sizeof shape);
  ck_assert_uint_eq(n, 200000);
  ddpm_rates_gmm_law law;
  gmm_law(&law, "linear:T=50", bimodal, "ddpm:var=beta", 0.005L);
  const double chi = chi_square(x, n, &law);
  ddpm_rates_gmm_law_clear(&law);
  ck_assert_msg(chi < 184, "chi-square %.1f on 101 degrees of freedom", chi);
  gmm_law(&law, "linear:T=50", bimodal, "ddpm:var=posterior", 0.005L);
  const double wrong = chi_square(x, n, &law);
  ddpm_rates_gmm_law_clear(&law);
  ck_assert_msg(wrong > 184, "the wrong law passes: chi-square %.1f", wrong);
  fprintf(stderr, "rates_gmm Monte Carlo: chi-square %.1f (101 dof), wrong step %.1f\n", chi,
          wrong);
  free(x);
}
END_TEST

Suite *rates_gmm_suite(void)
{
  Suite *s = suite_create("rates_gmm");
  TCase *tc = tcase_create("quadrature");
  tcase_add_unchecked_fixture(tc, setup_once, NULL);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, one_component_is_exact, 0,
                      (int)(sizeof one_component / sizeof one_component[0]));
  tcase_add_loop_test(tc, equals_numpy, 0, (int)(sizeof numpy_cases / sizeof numpy_cases[0]));
  tcase_add_test(tc, monte_carlo_agrees);
  suite_add_tcase(s, tc);
  return s;
}
