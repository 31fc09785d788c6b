/* check_emu_sampler.c: the fast path's sampler in an emulated format
 * (ref/emu_sampler.c, spec/ddpm_emu.h).
 *  - binary64 with every source rounded and replayed draws: the emulated
 *    trajectory is the fast path's bit for bit (samplers whose operations
 *    are + - * / sqrt on the linear schedule), within a few ulps where libm
 *    enters (the vp schedule's grid, the mixture's log-sum-exp);
 *  - binary64 with Philox draws: the initial states within the sum of two
 *    a-priori bounds of the fast path's (the emulation's Box-Muller, angle
 *    fl(2 pi) U2 and correctly rounded log, cos, sin, against the fast path's
 *    exactly reduced sincos and log of fp/fp_boxmuller.c);
 *  - the empty mask at P = 256 on replayed draws: the oracle's trajectory
 *    to ~1e-60 relative (the same mathematics, arranged otherwise);
 *  - binary16 runs finish, with finite values or reported events. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_emu.h"
#include "ddpm_fp.h"
#include "ddpm_philox.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"
#include "ddpm_ulps.h"
#include "fp_error_bound.h"
#include "run_util.h"

/* A replay file of standard normal draws shaped (steps+1, n, d), by NumPy. */
static void noise_file(const ddpm_run *run, char *path, size_t size, unsigned seed)
{
  char dir[64], cmd[1024];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, size, "%s/noise.npy", dir);
  snprintf(cmd, sizeof cmd,
           "%s -c \"import numpy as np; r = np.random.default_rng(%u);"
           " np.save('%s', r.standard_normal((%lld, %lld, %lld)))\"",
           test_python(), seed, path, run->steps + 1, run->n, run->d);
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WEXITSTATUS(rc) == 0, "numpy failed: %s", cmd);
}

static size_t traj_len(const ddpm_run *run)
{
  return (size_t)(run->steps + 1) * (size_t)(run->n * run->d);
}

/* The emulated trajectory at full precision: (steps+1) n d values at P,
 * sample by sample. */
static mpfr_t *emu_trajectory(const ddpm_run *run, ddpm_emu *c)
{
  const long long d = run->d, n = run->n, K = run->steps;
  mpfr_t *x = ddpm_ref_vector_new(traj_len(run), c->prec);
  ck_assert_ptr_nonnull(x);
  ddpm_emu_sampler *s;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_emu_sampler_new(run, c, &s, &e) == DDPM_OK, "%s", e.msg);
  for (long long i = 0; i < n; i++) {
    ck_assert_msg(ddpm_emu_initial(s, i, x + i * d, &e) == DDPM_OK, "%s", e.msg);
    for (long long k = 1; k <= K; k++)
      ck_assert_msg(ddpm_emu_step(s, k, i, x + ((k - 1) * n + i) * d, x + (k * n + i) * d, &e) ==
                        DDPM_OK, "%s", e.msg);
  }
  ddpm_emu_sampler_free(s);
  return x;
}

static double *fp_trajectory(const ddpm_run *run)
{
  double *x = malloc(traj_len(run) * sizeof *x);
  double *fin = malloc((size_t)(run->n * run->d) * sizeof *fin);
  ck_assert(x && fin);
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_fp_run(run, 1, x, fin, &e) == DDPM_OK, "%s", e.msg);
  free(fin);
  return x;
}

/* Largest distance in ulps of the row's largest |value|, over every row,
 * between the emulated (binary64) and the fast path's trajectory; *eq counts
 * bit-identical values. */
static double max_scaled_ulps(const ddpm_run *run, mpfr_t *emu, const double *fp, size_t *eq,
                              long long *worst_row)
{
  const size_t row = (size_t)(run->n * run->d);
  double worst = 0.0;
  *eq = 0;
  *worst_row = -1;
  for (long long k = 0; k <= run->steps; k++) {
    double scale = 0.0;
    for (size_t q = 0; q < row; q++) scale = fmax(scale, fabs(fp[k * row + q]));
    double ulp = scale > 0 ? ldexp(1.0, ilogb(scale) - 52) : 0x1p-1074;
    for (size_t q = 0; q < row; q++) {
      double v = mpfr_get_d(emu[k * row + q], MPFR_RNDN);
      ck_assert_msg(mpfr_get_d(emu[k * row + q], MPFR_RNDN) == v, "not binary64");
      if (v == fp[k * row + q]) (*eq)++;
      double u = fabs(v - fp[k * row + q]) / ulp;
      if (!(u <= worst)) worst = u, *worst_row = k;
    }
  }
  return worst;
}

/* ---- (1) binary64, every source, replayed draws: the fast path -------- */

typedef struct {
  const char *schedule, *target, *sampler, *score_error;
  long long n, steps;
  int spacing;
  double tol; /* scaled ulps; 0: bit for bit */
} fp_case;

static const fp_case fp_cases[] = {
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=beta", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=posterior", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=liyan", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=beta,last_noise=yes", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=2,mean=-0.5,var=0.3", "ddim:eta=0", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=2,mean=-0.5,var=0.3", "ddim:eta=0.5", NULL, 3, 0, 0, 0},
  {"linear:T=60", "gauss:d=2,mean=2,var=0.1", "liyan-ode", NULL, 3, 0, 0, 0},
  /* jumps over several steps; --score-error */
  {"linear:T=100", "gauss:d=3,mean=1,var=4", "ddpm:var=posterior", NULL, 2, 13,
   DDPM_SPACING_TRAILING, 0},
  {"linear:T=100", "gauss:d=3,mean=0.7,var=2", "ddim:eta=0.5", "bias=0.1", 2, 17,
   DDPM_SPACING_LINSPACE, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=beta", "rel=-0.03", 2, 0, 0, 0},
  /* libm in the grid and the schedule (expm1, exp): a few ulps */
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "vp-em", NULL, 3, 0, 0, 8},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "pf-heun", NULL, 3, 0, 0, 8},
  {"vp:T=40", "gauss:d=2,mean=-1,var=0.5", "vp-ei", NULL, 3, 0, 0, 8},
  {"vp:T=40", "gauss:d=2,mean=-1,var=0.5", "pf-euler", NULL, 3, 0, 0, 8},
  {"ou:T=40", "gauss:d=2,mean=-1,var=0.5", "ou-em", NULL, 3, 0, 0, 8},
  /* (4) the mixture: exp and log in log-sum-exp */
  {"linear:T=60", "gmm:tests/data/mixtures/design_example.json", "ddpm:var=beta", NULL, 4, 0,
   0, 8},
  {"vp:T=40", "gmm:tests/data/mixtures/design_example.json", "pf-heun", NULL, 4, 0, 0, 8},
  {"linear:T=100", "gmm:tests/data/mixtures/design_example.json", "ddim:eta=0.5", "rel=0.02",
   4, 20, DDPM_SPACING_TRAILING, 8},
};
#define N_FP_CASES ((int)(sizeof fp_cases / sizeof fp_cases[0]))

static void make_case(const fp_case *c, ddpm_run *run, unsigned long long seed)
{
  test_make_run(run, c->schedule, c->target, c->sampler, c->n, seed, c->steps, c->spacing, 0);
  if (c->score_error) {
    ddpm_err e = {{0}};
    ck_assert_msg(ddpm_score_error_parse(c->score_error, run, &e) == DDPM_OK, "%s", e.msg);
  }
}

START_TEST(binary64_all_equals_fast_path)
{
  const fp_case *fc = &fp_cases[_i];
  ddpm_run run;
  make_case(fc, &run, 5);
  char path[128];
  noise_file(&run, path, sizeof path, 100 + (unsigned)_i);
  run.noise_path = path;
  ddpm_emu_events ev;
  ddpm_emu_events_init(&ev);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary64"), DDPM_SRC_ALL, 256, &ev);
  mpfr_t *emu = emu_trajectory(&run, &c);
  double *fp = fp_trajectory(&run);
  size_t eq;
  long long row;
  double u = max_scaled_ulps(&run, emu, fp, &eq, &row);
  ck_assert_msg(u <= fc->tol, "case %d (%s, %s, %s): %.3g scaled ulps at row %lld (%zu of %zu "
                "values equal)", _i, fc->schedule, fc->target, fc->sampler, u, row, eq,
                traj_len(&run));
  if (fc->tol == 0) ck_assert_uint_eq(eq, traj_len(&run));
  for (int q = 0; q < DDPM_EV_COUNT; q++)
    if (q != DDPM_EV_UNDERFLOW)
      ck_assert_msg(ev.count[q] == 0, "case %d: event %s at step %lld (%s)", _i,
                    ddpm_event_name(q), ev.first_step[q], ev.first_what[q]);
  ddpm_emu_clear(&c);
  ddpm_ref_vector_free(emu, traj_len(&run));
  free(fp);
}
END_TEST

/* ---- (2) binary64, Philox draws ----------------------------------------- */

/* |emulated - fast path| for draw (i, r, j) over the largest difference the
 * two a-priori bounds allow: each within its bound of the exact draw
 * (tests/fp_error_bound.c), so at most 1. The two Box-Mullers are different
 * computations (the emulation mirrors the textbook cos(fl(2 pi) U2) with
 * correctly rounded functions, the fast path reduces by quarter periods
 * exactly, fp/fp_boxmuller.c), so they differ by up to a few ulps where the
 * angle is large, and by more ulps of z near the zeros of cos and sin, where
 * the emulation's angle error is a large relative error: the bound is in
 * absolute terms for that reason, and no looser than the two bounds. */
static double draw_gap(uint64_t seed, long long i, uint32_t r, int j, double emu, double fp)
{
  uint64_t w1, w2;
  ddpm_noise_words(seed, (uint64_t)i, r, (uint32_t)j, &w1, &w2);
  double b = fp_gaussian_error_bound(w1, w2, j & 1) + emu_gaussian_error_bound(w1, w2, j & 1);
  return fabs(emu - fp) / b;
}

START_TEST(binary64_philox_near_fast_path)
{
  static const char *samplers[] = {"ddpm:var=beta", "ddim:eta=0.5"};
  ddpm_run run;
  test_make_run(&run, "linear:T=50", "gauss:d=5,mean=1,var=4", samplers[_i], 6,
                18446744073709551615ULL, 0, 0, 0);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary64"), DDPM_SRC_ALL, 256, NULL);
  mpfr_t *emu = emu_trajectory(&run, &c);
  double *fp = fp_trajectory(&run);
  const size_t row = (size_t)(run.n * run.d);
  size_t eq0 = 0;
  for (size_t q = 0; q < row; q++) { /* the initial draws */
    double v = mpfr_get_d(emu[q], MPFR_RNDN);
    double g = draw_gap(run.seed, (long long)(q / (size_t)run.d), 0, (int)(q % (size_t)run.d), v,
                        fp[q]);
    ck_assert_msg(g <= 1, "draw %zu: emulated %.17g, fast path %.17g (%.3g of the two bounds)", q,
                  v, fp[q], g);
    eq0 += v == fp[q];
  }
  /* every row: the draws' few-ulp differences, carried by contracting steps */
  size_t eq;
  long long worst_row;
  double u = max_scaled_ulps(&run, emu, fp, &eq, &worst_row);
  ck_assert_msg(u <= 16, "%.3g scaled ulps at row %lld", u, worst_row);
  printf("emu_sampler: %zu of %zu initial draws bit-equal\n", eq0, row);
  ddpm_emu_clear(&c);
  ddpm_ref_vector_free(emu, traj_len(&run));
  free(fp);
}
END_TEST

/* The emulated Box-Muller draw in binary64 against the fast path's, many
 * draws: within the sum of their two a-priori bounds (draw_gap); the count
 * of bit-equal draws and the largest distance in ulps are printed (not
 * asserted: the two compute the angle differently). */
START_TEST(binary64_draws_within_bounds)
{
  ddpm_run run;
  test_make_run(&run, "linear:T=2", "gauss:d=9,mean=0,var=1", "ddpm", 400, 12345, 0, 0, 0);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary64"), DDPM_SRC_ALL, 128, NULL);
  ddpm_emu_sampler *s;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_emu_sampler_new(&run, &c, &s, &e) == DDPM_OK, "%s", e.msg);
  mpfr_t *y = ddpm_ref_vector_new(9, 128);
  double z[9];
  long long equal = 0, total = 0;
  double worst = 0, worst_gap = 0;
  for (long long i = 0; i < run.n; i++) {
    ck_assert(ddpm_emu_initial(s, i, y, &e) == DDPM_OK);
    ddpm_fp_gaussians(run.seed, (uint64_t)i, 0, 9, z);
    for (int j = 0; j < 9; j++) {
      double v = mpfr_get_d(y[j], MPFR_RNDN);
      double u = ddpm_ulps_between(v, z[j]);
      double g = draw_gap(run.seed, i, 0, j, v, z[j]);
      ck_assert_msg(g <= 1, "sample %lld coordinate %d: %.17g vs %.17g (%.3g of the two bounds)",
                    i, j, v, z[j], g);
      worst = fmax(worst, u);
      worst_gap = fmax(worst_gap, g);
      equal += u == 0;
      total++;
    }
  }
  printf("emu_sampler: %lld of %lld draws equal, worst %g ulps, %.3f of the two bounds\n", equal,
         total, worst, worst_gap);
  ddpm_ref_vector_free(y, 9);
  ddpm_emu_sampler_free(s);
  ddpm_emu_clear(&c);
}
END_TEST

/* ---- (3) the empty mask at P = 256: the oracle ------------------------- */

typedef struct {
  const char *schedule, *target, *sampler;
  long long steps;
  int spacing;
} exact_case;

static const exact_case exact_cases[] = {
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=beta", 0, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=posterior", 0, 0},
  {"linear:T=60", "gauss:d=3,mean=1,var=4", "ddpm:var=liyan", 0, 0},
  {"linear:T=100", "gauss:d=2,mean=-0.5,var=0.3", "ddim:eta=0.5", 13, DDPM_SPACING_TRAILING},
  {"linear:T=60", "gauss:d=2,mean=-0.5,var=0.3", "ddim:eta=0", 0, 0},
  {"linear:T=60", "gauss:d=2,mean=2,var=0.1", "liyan-ode", 0, 0},
  {"cosine:T=80", "gauss:d=2,mean=2,var=0.5", "ddpm:var=beta", 20, DDPM_SPACING_LEADING},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "vp-em", 0, 0},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "vp-ei", 0, 0},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "pf-euler", 0, 0},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "pf-heun", 0, 0},
  {"ou:T=40", "gauss:d=2,mean=-1,var=0.5", "ou-em", 0, 0},
  {"linear:T=60", "gmm:tests/data/mixtures/design_example.json", "ddpm:var=beta", 0, 0},
  {"vp:T=40", "gmm:tests/data/mixtures/design_example.json", "pf-heun", 0, 0},
};
#define N_EXACT_CASES ((int)(sizeof exact_cases / sizeof exact_cases[0]))

START_TEST(exact_equals_oracle)
{
  const exact_case *xc = &exact_cases[_i];
  ddpm_run run;
  test_make_run(&run, xc->schedule, xc->target, xc->sampler, 3, 9, xc->steps, xc->spacing, 0);
  char path[128];
  noise_file(&run, path, sizeof path, 200 + (unsigned)_i);
  run.noise_path = path;
  ddpm_emu_events ev;
  ddpm_emu_events_init(&ev);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary64"), 0, 256, &ev);
  mpfr_t *emu = emu_trajectory(&run, &c);
  ddpm_ref_sampler *o;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_ref_sampler_new(&run, 256, &o, &e) == DDPM_OK, "%s", e.msg);
  const size_t row = (size_t)(run.n * run.d);
  mpfr_t diff, scale;
  mpfr_inits2(256, diff, scale, (mpfr_ptr)0);
  double worst = 0;
  for (long long k = 0; k <= run.steps; k++) {
    if (k > 0) ck_assert_msg(ddpm_ref_sampler_step(o, &e) == DDPM_OK, "%s", e.msg);
    mpfr_t *x = ddpm_ref_sampler_state(o);
    mpfr_set_zero(scale, 1);
    for (size_t q = 0; q < row; q++)
      if (mpfr_cmpabs(x[q], scale) > 0) mpfr_abs(scale, x[q], MPFR_RNDN);
    for (size_t q = 0; q < row; q++) {
      mpfr_sub(diff, emu[k * row + q], x[q], MPFR_RNDN);
      mpfr_div(diff, diff, scale, MPFR_RNDN);
      double r = fabs(mpfr_get_d(diff, MPFR_RNDN));
      ck_assert_msg(r <= 1e-60, "case %d (%s, %s): row %lld value %zu: relative %g", _i,
                    xc->schedule, xc->sampler, k, q, r);
      worst = fmax(worst, r);
    }
  }
  for (int q = 0; q < DDPM_EV_COUNT; q++) ck_assert_int_eq(ev.count[q], 0); /* nothing rounded */
  mpfr_clears(diff, scale, (mpfr_ptr)0);
  ddpm_ref_sampler_free(o);
  ddpm_emu_clear(&c);
  ddpm_ref_vector_free(emu, traj_len(&run));
}
END_TEST

/* One source alone: the others stay exact, so with noise replayed and only
 * the noise source rounded in binary64 the draws are exact binary64 values
 * and the run is the exact run (nothing else rounds). */
START_TEST(noise_only_on_binary64_replay_is_exact)
{
  ddpm_run run;
  test_make_run(&run, "linear:T=30", "gauss:d=2,mean=1,var=4", "ddpm", 2, 3, 0, 0, 0);
  char path[128];
  noise_file(&run, path, sizeof path, 7);
  run.noise_path = path;
  ddpm_emu a, b;
  ddpm_emu_init(&a, ddpm_fmt_by_name("binary64"), 1u << DDPM_SRC_NOISE, 192, NULL);
  ddpm_emu_init(&b, ddpm_fmt_by_name("binary64"), 0, 192, NULL);
  mpfr_t *x = emu_trajectory(&run, &a), *y = emu_trajectory(&run, &b);
  for (size_t q = 0; q < traj_len(&run); q++) ck_assert(mpfr_equal_p(x[q], y[q]));
  /* the update source alone: every state after row 0 a binary64 number */
  ddpm_emu u;
  ddpm_emu_init(&u, ddpm_fmt_by_name("binary64"), 1u << DDPM_SRC_UPDATE, 192, NULL);
  mpfr_t *z = emu_trajectory(&run, &u);
  for (size_t q = 0; q < traj_len(&run); q++) ck_assert(mpfr_min_prec(z[q]) <= 53);
  ddpm_ref_vector_free(x, traj_len(&run));
  ddpm_ref_vector_free(y, traj_len(&run));
  ddpm_ref_vector_free(z, traj_len(&run));
  ddpm_emu_clear(&a);
  ddpm_emu_clear(&b);
  ddpm_emu_clear(&u);
}
END_TEST

/* ---- (5) binary16 ------------------------------------------------------ */

typedef struct {
  const char *schedule, *target, *sampler;
  int replay;
} half_case;

static const half_case half_cases[] = {
  {"linear:T=50", "gauss:d=3,mean=1,var=4", "ddpm:var=beta", 0},
  {"linear:T=50", "gauss:d=3,mean=1,var=4", "ddpm:var=posterior", 1},
  {"linear", "gauss:d=2,mean=1,var=4", "ddim:eta=0.5", 0},
  {"vp:T=40", "gmm:tests/data/mixtures/design_example.json", "pf-heun", 0},
  {"vp:T=40", "gauss:d=3,mean=1,var=4", "vp-em", 1},
  {"cosine:T=100", "gmm:tests/data/mixtures/design_example.json", "ddpm:var=liyan", 0},
};
#define N_HALF_CASES ((int)(sizeof half_cases / sizeof half_cases[0]))

START_TEST(binary16_runs_finish)
{
  const half_case *hc = &half_cases[_i];
  ddpm_run run;
  test_make_run(&run, hc->schedule, hc->target, hc->sampler, 3, 21, 0, 0, 0);
  char path[128];
  if (hc->replay) {
    noise_file(&run, path, sizeof path, 300 + (unsigned)_i);
    run.noise_path = path;
  }
  ddpm_emu_events ev;
  ddpm_emu_events_init(&ev);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary16"), DDPM_SRC_ALL, 128, &ev);
  mpfr_t *x = emu_trajectory(&run, &c);
  long long nonfinite = 0;
  for (size_t q = 0; q < traj_len(&run); q++) {
    if (!mpfr_number_p(x[q])) nonfinite++;
    else {
      ck_assert_msg(mpfr_zero_p(x[q]) || mpfr_min_prec(x[q]) <= 11, "value %zu not binary16", q);
      ck_assert(fabs(mpfr_get_d(x[q], MPFR_RNDN)) <= 65504.0);
    }
  }
  if (nonfinite)
    ck_assert_msg(ev.count[DDPM_EV_OVERFLOW] + ev.count[DDPM_EV_INVALID] +
                      ev.count[DDPM_EV_DIV_ZERO] > 0,
                  "case %d: %lld non-finite values and no event", _i, nonfinite);
  for (int q = 0; q < DDPM_EV_COUNT; q++)
    if (ev.count[q])
      ck_assert(ev.first_step[q] >= 0 && ev.first_step[q] <= run.steps && ev.first_what[q][0]);
  /* Box-Muller's 2^-54 underflows binary16, but a replayed run never meets it */
  if (hc->replay) ck_assert_str_ne(ev.first_what[DDPM_EV_UNDERFLOW], "2^-54");
  else ck_assert_int_gt(ev.count[DDPM_EV_UNDERFLOW], 0);
  ddpm_emu_clear(&c);
  ddpm_ref_vector_free(x, traj_len(&run));
}
END_TEST

/* A run the fast path refuses (a jump whose binary64 alpha_j is 0) is
 * refused, with its message; one it takes is taken, and in binary16 its
 * coefficients' overflow is an event, not a refusal. */
START_TEST(refuses_what_the_fast_path_refuses)
{
  static const char *schedules[] = {"cosine:T=1000,max_beta=0.9999999999999998",
                                    "cosine:T=1000"};
  ddpm_run run;
  test_make_run(&run, schedules[_i], "gauss:d=1,mean=0,var=1", "ddpm", 1, 1, 2,
                DDPM_SPACING_TRAILING, 0);
  ddpm_err e = {{0}}, ef = {{0}};
  double fin[1];
  int rf = ddpm_fp_run(&run, 1, NULL, fin, &ef);
  ck_assert_int_eq(rf, _i == 0 ? DDPM_EINPUT : DDPM_OK);
  ddpm_emu_events ev;
  ddpm_emu_events_init(&ev);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary16"), DDPM_SRC_ALL, 128, &ev);
  ddpm_emu_sampler *s = NULL;
  int rc = ddpm_emu_sampler_new(&run, &c, &s, &e);
  ck_assert_int_eq(rc, rf);
  if (rc == DDPM_OK) {
    ck_assert_int_gt(ev.count[DDPM_EV_OVERFLOW] + ev.count[DDPM_EV_DIV_ZERO], 0);
    ddpm_emu_sampler_free(s);
  } else ck_assert_str_eq(e.msg, ef.msg);
  ddpm_emu_clear(&c);
}
END_TEST

Suite *emu_sampler_suite(void)
{
  Suite *s = suite_create("emu_sampler");
  TCase *tc = tcase_create("emu-sampler");
  tcase_set_tags(tc, "oracle"); /* make check-valgrind */
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, binary64_all_equals_fast_path, 0, N_FP_CASES);
  tcase_add_loop_test(tc, binary64_philox_near_fast_path, 0, 2);
  tcase_add_test(tc, binary64_draws_within_bounds);
  tcase_add_loop_test(tc, exact_equals_oracle, 0, N_EXACT_CASES);
  tcase_add_test(tc, noise_only_on_binary64_replay_is_exact);
  tcase_add_loop_test(tc, binary16_runs_finish, 0, N_HALF_CASES);
  tcase_add_loop_test(tc, refuses_what_the_fast_path_refuses, 0, 2);
  suite_add_tcase(s, tc);
  return s;
}
