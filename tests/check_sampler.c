/* check_sampler.c: DDPM (var=beta) on the Gaussian target in both engines.
 *  - the oracle against an independent mpmath program (tests/oracle/
 *    ddpm_gauss.py): every value of the trajectory rounded to the same double;
 *  - the fast path against the oracle within the per-step running bound of
 *    spec/maths.md ("Error of the fast path"), computed below;
 *  - the fast path's output does not depend on the thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_philox.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"
#include "fp_error_bound.h"
#include "run_util.h"
#include "test_npy.h"

#define U 0x1p-53

typedef struct {
  const char *schedule, *target;
  long long n;
  unsigned long long seed;
  long long steps; /* 0: T */
  int spacing;
  long long offset;
  const char *d, *mean, *var; /* for the Python oracle */
} run_case;

static const run_case cases[] = {
  {"linear:T=50", "gauss:d=3,mean=1,var=4", 2, 42, 0, 0, 0, "3", "1", "4"},
  {"linear:T=200,beta_min=0.0005,beta_max=0.05", "gauss:d=5,mean=-0.5,var=0.25", 3,
   18446744073709551615ULL, 0, 0, 0, "5", "-0.5", "0.25"},
  {"linear:T=20,beta_min=0.001,beta_max=0.2", "gauss:d=1,mean=3,var=0.001", 4, 7, 0, 0, 0,
   "1", "3", "0.001"},
  {"linear", "gauss:d=2,mean=1,var=4", 3, 4294967301ULL, 0, 0, 0, "2", "1", "4"},
  {"cosine", "gauss:d=2,mean=2,var=0.5", 3, 11, 50, DDPM_SPACING_TRAILING, 0, "2", "2", "0.5"},
  {"lcw", "gauss:d=3,mean=-1,var=2", 2, 12, 10, DDPM_SPACING_LINSPACE, 0, "3", "-1", "2"},
  {"li-yan", "gauss:d=1,mean=0.5,var=9", 5, 13, 20, DDPM_SPACING_LEADING, 1, "1", "0.5", "9"},
  {"scaled-linear:T=500", "gauss:d=2,mean=1,var=1", 2, 14, 37, DDPM_SPACING_TRAILING, 0, "2",
   "1", "1"},
  {"file:tests/data/betas_small.txt", "gauss:d=4,mean=1,var=0.1", 2, 15, 0, 0, 0, "4", "1",
   "0.1"},
};

static void make_run(const run_case *c, ddpm_run *run)
{
  test_make_run(run, c->schedule, c->target, "ddpm:var=beta", c->n, c->seed, c->steps,
                c->spacing, c->offset);
}

START_TEST(oracle_equals_mpmath)
{
  const run_case *c = &cases[_i];
  ddpm_run run;
  make_run(c, &run);
  char dir[64], cmd[1024], path[128], shape[64];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/mp.npy", dir);
  char steps[128] = "";
  if (c->steps)
    snprintf(steps, sizeof steps, "--steps %lld --spacing %s --offset %lld", c->steps,
             ddpm_spacing_name(c->spacing), c->offset);
  snprintf(cmd, sizeof cmd,
           "%s tests/oracle/ddpm_gauss.py --T %lld --schedule %s %s --d %s --mean %s --var %s "
           "--n %lld --seed %llu --prec 400 --out %s",
           test_python(), ddpm_schedule_T(&run.schedule), c->schedule, steps, c->d, c->mean,
           c->var, c->n, c->seed, path);
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "oracle script failed: %s", cmd);
  size_t count;
  double *mp = test_npy_read(path, &count, shape, sizeof shape);
  double *ref = test_oracle_trajectory(&run, 256);
  ck_assert_uint_eq(count, (size_t)(run.steps + 1) * (size_t)(run.n * run.d));
  for (size_t q = 0; q < count; q++)
    ck_assert_msg(ref[q] == mp[q], "case %d value %zu: oracle %.17g, mpmath %.17g", _i, q,
                  ref[q], mp[q]);
  free(mp);
  free(ref);
}
END_TEST

/* Local error of one fast-path step at input magnitude ya (maths.md): the
 * coefficients' measured relative errors and one rounding per operation. */
typedef struct {
  double beta, vt, mt, c, sigma;                  /* exact (oracle) values */
  double rb, ra, rab, roma;                        /* relative coefficient errors */
} step_info;

static double local_error(const step_info *s, double ya, double z, double dz)
{
  const double rm = U, rv = U; /* mean and var read from decimal text */
  double rmt = s->rab / 2 + U + rm + U;
  double rvt = fmax(s->rab + rv + U, s->roma) + U;
  double mt = fabs(s->mt), sa = (mt + ya) / s->vt;           /* bound on |score| */
  double dnum = rmt * mt + U * (mt + ya);
  double ds = (dnum + (mt + ya) * (rvt + U)) / s->vt;
  double dbs = s->beta * ds + s->beta * sa * (s->rb + U);
  double dw = dbs + U * (ya + s->beta * sa);
  double rc = s->ra / 2 + 2 * U;
  double dy1 = s->c * dw + s->c * (ya + s->beta * sa) * (rc + U);
  double za = fabs(z) + dz, rs = s->rb / 2 + U;
  double dn = s->sigma * dz + s->sigma * za * (rs + U);
  double y1 = s->c * (ya + s->beta * sa);
  return 1.01 * (dy1 + dn + U * (y1 + s->sigma * za));
}

START_TEST(fast_path_within_running_bound)
{
  const run_case *c = &cases[_i];
  ddpm_run run;
  make_run(c, &run);
  const long long n = run.n, d = run.d, T = run.steps, rowlen = n * d;
  double *ref = test_oracle_trajectory(&run, 256);
  double *fp = malloc((size_t)(T + 1) * (size_t)rowlen * sizeof *fp);
  double *final = malloc((size_t)rowlen * sizeof *final);
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_fp_run(&run, 1, fp, final, &e), DDPM_OK);

  ddpm_fp_schedule fs;
  ddpm_ref_schedule rs;
  ck_assert_int_eq(ddpm_fp_schedule_build(&run.schedule, &fs, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_ref_schedule_build(&run.schedule, 256, &rs, &e), DDPM_OK);
  double mean = run.target.real[DDPM_GAUSS_MEAN], var = run.target.real[DDPM_GAUSS_VAR];

  double *E = malloc((size_t)rowlen * sizeof *E), worst = 0;
  double *zbuf = malloc((size_t)d * sizeof *zbuf);
  for (long long q = 0; q < rowlen; q++) { /* row 0: the initial draw */
    uint64_t w1, w2;
    ddpm_noise_words(run.seed, (uint64_t)(q / d), 0, (uint32_t)(q % d), &w1, &w2);
    E[q] = fp_gaussian_error_bound(w1, w2, (int)(q % d) & 1);
  }
  long long *ts = malloc((size_t)T * sizeof *ts), *ps = malloc((size_t)T * sizeof *ps);
  ck_assert_int_eq(ddpm_run_timesteps(&run, ts, ps, &e), DDPM_OK);
  mpfr_t beta_j, alpha_j;
  mpfr_inits2(256, beta_j, alpha_j, (mpfr_ptr)0);
  for (long long k = 0; k <= T; k++) { /* T here is the number of steps K */
    if (k > 0) {
      long long t = ts[k - 1], p = ps[k - 1];
      double fb, fa;
      ddpm_fp_jump(&fs, t, p, &fb, &fa);
      ddpm_ref_jump(&rs, t, p, beta_j, alpha_j);
      step_info s;
      s.beta = mpfr_get_d(beta_j, MPFR_RNDN);
      double abar = mpfr_get_d(rs.abar[t], MPFR_RNDN), oma = mpfr_get_d(rs.oma[t], MPFR_RNDN);
      s.vt = abar * var + oma;
      s.mt = sqrt(abar) * mean;
      s.c = 1 / sqrt(mpfr_get_d(alpha_j, MPFR_RNDN));
      s.sigma = p > 0 ? sqrt(s.beta) : 0;
      s.rb = test_rel_error(fb, beta_j);
      s.ra = test_rel_error(fa, alpha_j);
      s.rab = test_rel_error(fs.abar[t], rs.abar[t]);
      s.roma = test_rel_error(fs.oma[t], rs.oma[t]);
      double a = fabs(s.c * (1 - s.beta / s.vt)) * (1 + 1e-9); /* d y'/d y, padded */
      for (long long i = 0; i < n; i++) {
        if (p > 0) ddpm_fp_gaussians(run.seed, (uint64_t)i, (uint32_t)k, d, zbuf);
        for (long long j = 0; j < d; j++) {
          long long q = i * d + j;
          double ya = fabs(ref[(k - 1) * rowlen + q]) * (1 + U) + E[q];
          double z = 0, dz = 0;
          if (p > 0) {
            uint64_t w1, w2;
            ddpm_noise_words(run.seed, (uint64_t)i, (uint32_t)k, (uint32_t)j, &w1, &w2);
            dz = fp_gaussian_error_bound(w1, w2, (int)(j & 1));
            z = zbuf[j];
          }
          E[q] = a * E[q] + local_error(&s, ya, z, dz);
        }
      }
    }
    for (long long q = 0; q < rowlen; q++) {
      double x = ref[k * rowlen + q], err = fabs(fp[k * rowlen + q] - x);
      double bound = E[q] + U * fabs(x) + 0x1p-200; /* oracle: rounded to double */
      ck_assert_msg(err <= bound, "case %d row %lld value %lld: |fp - ref| = %g > bound %g",
                    _i, k, q, err, bound);
      if (err / bound > worst) worst = err / bound;
    }
  }
  /* the last row written separately is the trajectory's last row */
  ck_assert_int_eq(memcmp(final, fp + T * rowlen, (size_t)rowlen * sizeof *final), 0);
  printf("sampler case %d (%s, %s): fp error / running bound <= %.3f, final bound %.3g\n", _i,
         c->schedule, c->target, worst, E[0]);
  mpfr_clears(beta_j, alpha_j, (mpfr_ptr)0);
  free(ts);
  free(ps);
  ddpm_fp_schedule_free(&fs);
  ddpm_ref_schedule_free(&rs);
  free(E);
  free(zbuf);
  free(ref);
  free(fp);
  free(final);
}
END_TEST

START_TEST(fast_path_independent_of_threads)
{
  ddpm_run run;
  make_run(&cases[3], &run);
  run.n = 37; /* not a multiple of the thread count */
  size_t len = (size_t)(run.steps + 1) * (size_t)(run.n * run.d);
  double *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b);
  double *fa = malloc((size_t)(run.n * run.d) * sizeof *fa), *fb = malloc((size_t)(run.n * run.d) * sizeof *fb);
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_fp_run(&run, 1, a, fa, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_fp_run(&run, 2, b, fb, &e), DDPM_OK);
  ck_assert_int_eq(memcmp(a, b, len * sizeof *a), 0);
  ck_assert_int_eq(ddpm_fp_run(&run, 3, NULL, fb, &e), DDPM_OK); /* without a trajectory */
  ck_assert_int_eq(memcmp(fa, fb, (size_t)(run.n * run.d) * sizeof *fa), 0);
  free(a); free(b); free(fa); free(fb);
}
END_TEST

Suite *sampler_suite(void)
{
  Suite *s = suite_create("sampler");
  TCase *tc = tcase_create("ddpm-gauss");
  tcase_set_timeout(tc, 300);
  int ncases = (int)(sizeof cases / sizeof cases[0]);
  tcase_add_loop_test(tc, oracle_equals_mpmath, 0, ncases);
  tcase_add_loop_test(tc, fast_path_within_running_bound, 0, ncases);
  tcase_add_test(tc, fast_path_independent_of_threads);
  suite_add_tcase(s, tc);
  return s;
}
