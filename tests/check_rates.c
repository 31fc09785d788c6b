/* check_rates.c: the exact output laws and distances of ref/rates.c and
 * `ddpmref rates`: a closed form the samplers must reproduce, additivity in
 * the dimension, an independent mpmath computation, the command and
 * its files, and bad input. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "ddpm_rates.h"
#include "ddpm_ref.h"
#include "ddpm_spacing.h"
#include "run_util.h"

#define PREC 256

static char scratch[64];

static void setup_once(void)
{
  test_scratch_dir(scratch, sizeof scratch);
  const char *files[][2] = {
    {"diag3.json", "{\"components\": [{\"mean\": [1, -2, 0.5], \"var\": [4, 0.25, 1]}]}"},
    {"same3.json", "{\"components\": [{\"mean\": [1, 1, 1], \"var\": [4, 4, 4]}]}"},
    {"unit3.json", "{\"components\": [{\"mean\": [3, -1, 0.25], \"var\": [1, 1, 1]}]}"},
    {"gmm2.json", "{\"components\": [{\"mean\": [0], \"var\": [1]}, {\"mean\": [2], "
                  "\"var\": [1]}]}"},
    {"gmm2d.json", "{\"components\": [{\"mean\": [0, 1], \"var\": [1, 1]}, {\"mean\": "
                   "[2, 0], \"var\": [1, 2]}]}"}};
  for (size_t q = 0; q < sizeof files / sizeof files[0]; q++) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", scratch, files[q][0]);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(files[q][1], f);
    fclose(f);
  }
}

/* A target spec naming a file of the scratch directory. */
static const char *scratch_target(const char *kind, const char *name)
{
  static char buf[256];
  snprintf(buf, sizeof buf, "%s:%s/%s", kind, scratch, name);
  return buf;
}

static void law_of(ddpm_rates_law *law, const ddpm_run *run, ddpm_rates_compare cmp)
{
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_rates_law_compute(run, cmp, PREC, law, &e) == DDPM_OK, "%s", e.msg);
}

static void dist_of(ddpm_rates_dist *r, const char *schedule, const char *target,
                    const char *sampler, ddpm_rates_compare cmp)
{
  ddpm_run run;
  ddpm_rates_law law;
  test_make_run(&run, schedule, target, sampler, 1, 0, 0, 0, 0);
  law_of(&law, &run, cmp);
  ddpm_rates_dist_init(r, PREC);
  ddpm_rates_distances(&law, r);
  ddpm_rates_law_clear(&law);
}

/* |got - want| <= 2^log2tol |want| (absolute when want = 0). */
static void assert_close(mpfr_srcptr got, mpfr_srcptr want, long log2tol, const char *what)
{
  mpfr_t d, t;
  mpfr_inits2(PREC, d, t, (mpfr_ptr)0);
  mpfr_sub(d, got, want, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  if (mpfr_zero_p(want)) mpfr_set_ui(t, 1, MPFR_RNDN);
  else mpfr_abs(t, want, MPFR_RNDN);
  mpfr_mul_2si(t, t, log2tol, MPFR_RNDN);
  int ok = mpfr_lessequal_p(d, t);
  if (!ok)
    mpfr_fprintf(stderr, "%s: got %.30Re want %.30Re\n", what, got, want);
  mpfr_clears(d, t, (mpfr_ptr)0);
  ck_assert_msg(ok, "%s: not within 2^%ld", what, log2tol);
}

/* (a) DDPM var=beta on N(mu, I): v_t = abar_t + (1 - abar_t) = 1 at every
 * t, so the score is m_t - y and a step (or jump) t -> p is
 *   Y_p = (Y + beta_j (m_t - Y))/sqrt(alpha_j) + sqrt(beta_j) Z
 *       = sqrt(alpha_j) Y + beta_j sqrt(abar_p) mu + sqrt(beta_j) Z
 * (m_t/sqrt(alpha_j) = sqrt(abar_p) mu). The variance alpha_j P + beta_j
 * stays 1 from P = 1, and without noise on the last step it ends at
 * alpha_last. The mean defect e = mean - sqrt(abar) mu obeys
 *   e_p = sqrt(alpha_j) e_t
 * (sqrt(alpha_j) sqrt(abar_t) + beta_j sqrt(abar_p) - sqrt(abar_p) = 0), so
 * from e = -sqrt(abar_t1) mu it ends at -sqrt(abar_t1) sqrt(abar_t1/abar_p)
 * mu. The output is exactly N((1 - abar_t1) mu, 1) (last_noise=yes) or
 * N((1 - abar_t1) mu, alpha_last) (no), and Y_1 is
 * N(sqrt(abar_1) mu - abar_t1 mu/sqrt(abar_1), 1): only the initialisation
 * error N(0, 1) vs N(sqrt(abar_t1) mu, 1) is left. */
typedef struct {
  const char *schedule, *target, *sampler;
  long long steps;
  int spacing;
  ddpm_rates_compare cmp;
} closed_case;

static const closed_case closed[] = {
  {"li-yan:T=1000", "gauss:d=1,mean=3,var=1", "ddpm:var=beta,last_noise=yes", 0, 0, DDPM_RATES_X0},
  {"li-yan:T=1000", "gauss:d=1,mean=3,var=1", "ddpm:var=beta", 0, 0, DDPM_RATES_X0},
  {"li-yan:T=400", "gauss:d=5,mean=-2,var=1", "ddpm:var=beta", 0, 0, DDPM_RATES_X1},
  {"linear:T=200", "unit3.json", "ddpm:var=beta,last_noise=yes", 20, DDPM_SPACING_TRAILING,
   DDPM_RATES_X0},
  {"cosine:T=100", "unit3.json", "ddpm:var=beta", 7, DDPM_SPACING_LINSPACE, DDPM_RATES_X0},
};

/* abar_t1 (first step's time) and beta of the last jump, from the oracle's
 * schedule. */
static void schedule_facts(const ddpm_run *run, mpfr_t abar_t1, mpfr_t abar_1, mpfr_t beta_last)
{
  ddpm_ref_schedule sch;
  ddpm_err e = {{0}};
  const size_t K = (size_t)run->steps;
  long long *t = malloc(K * sizeof *t), *p = malloc(K * sizeof *p);
  ck_assert(t && p && ddpm_run_timesteps(run, t, p, &e) == DDPM_OK);
  ck_assert(ddpm_ref_schedule_build(&run->schedule, 2 * PREC, &sch, &e) == DDPM_OK);
  mpfr_set(abar_t1, sch.abar[t[0]], MPFR_RNDN);
  mpfr_set(abar_1, sch.abar[1], MPFR_RNDN);
  mpfr_set(beta_last, sch.oma[t[run->steps - 1]], MPFR_RNDN); /* 1 - abar_tK/abar_0 */
  ddpm_ref_schedule_free(&sch);
  free(t), free(p);
}

START_TEST(ddpm_unit_variance_closed_form)
{
  const closed_case *c = &closed[_i];
  const char *target = strstr(c->target, ".json") ? scratch_target("gauss", c->target) : c->target;
  ddpm_run run;
  ddpm_rates_law law;
  test_make_run(&run, c->schedule, target, c->sampler, 1, 0, c->steps, c->spacing, 0);
  law_of(&law, &run, c->cmp);
  mpfr_t a1, a_1, bl, want, mu;
  mpfr_inits2(2 * PREC, a1, a_1, bl, want, mu, (mpfr_ptr)0);
  schedule_facts(&run, a1, a_1, bl);
  ddpm_ref_target tg;
  ddpm_err e = {{0}};
  ck_assert(ddpm_ref_target_init(&run.target, 2 * PREC, &tg, &e) == DDPM_OK);
  const int last_noise = ddpm_sampler_last_noise(&run.sampler) || c->cmp == DDPM_RATES_X1;
  for (long long j = 0; j < law.nclass; j++) {
    mpfr_mul(want, a1, tg.mean[j], MPFR_RNDN); /* e = -abar_t1 mu (/ sqrt(abar_1) for x1) */
    mpfr_neg(want, want, MPFR_RNDN);
    if (c->cmp == DDPM_RATES_X1) mpfr_sqrt(mu, a_1, MPFR_RNDN), mpfr_div(want, want, mu, MPFR_RNDN);
    assert_close(law.dmean[j], want, -200, "mean defect");
    if (last_noise) mpfr_set_zero(want, 1);
    else mpfr_neg(want, bl, MPFR_RNDN); /* variance alpha_last against 1 */
    assert_close(law.dvar[j], want, -200, "variance defect");
    mpfr_set_ui(want, 1, MPFR_RNDN);
    assert_close(law.ref_var[j], want, -200, "reference variance");
  }
  ddpm_ref_target_clear(&tg);
  mpfr_clears(a1, a_1, bl, want, mu, (mpfr_ptr)0);
  ddpm_rates_law_clear(&law);
}
END_TEST

/* The distances of N(mu + delta, 1) from N(mu, 1) in closed form:
 * KL = delta^2/2 both ways, W2 = |delta|, H2 = 1 - exp(-delta^2/8),
 * TV = erf(|delta|/(2 sqrt 2)). */
START_TEST(unit_variance_distances)
{
  ddpm_rates_dist r;
  dist_of(&r, "li-yan:T=1000", "gauss:d=1,mean=3,var=1", "ddpm:var=beta,last_noise=yes",
          DDPM_RATES_X0);
  ddpm_run run;
  test_make_run(&run, "li-yan:T=1000", "gauss:d=1,mean=3,var=1", "ddpm", 1, 0, 0, 0, 0);
  mpfr_t a1, a_1, bl, delta, want;
  mpfr_inits2(2 * PREC, a1, a_1, bl, delta, want, (mpfr_ptr)0);
  schedule_facts(&run, a1, a_1, bl);
  mpfr_mul_ui(delta, a1, 3, MPFR_RNDN);
  mpfr_sqr(want, delta, MPFR_RNDN);
  mpfr_div_2ui(want, want, 1, MPFR_RNDN);
  assert_close(r.kl_out_ref, want, -200, "KL(out || ref)");
  assert_close(r.kl_ref_out, want, -200, "KL(ref || out)");
  assert_close(r.w2, delta, -200, "W2");
  mpfr_sqr(want, delta, MPFR_RNDN);
  mpfr_div_2ui(want, want, 3, MPFR_RNDN);
  mpfr_neg(want, want, MPFR_RNDN);
  mpfr_expm1(want, want, MPFR_RNDN);
  mpfr_neg(want, want, MPFR_RNDN);
  assert_close(r.h2, want, -200, "H2");
  mpfr_sqrt_ui(want, 8, MPFR_RNDN);
  mpfr_div(want, delta, want, MPFR_RNDN);
  mpfr_erf(want, want, MPFR_RNDN);
  ck_assert(r.tv_exact);
  assert_close(r.tv, want, -200, "TV");
  ddpm_rates_dist_clear(&r);
  /* in R^5, TV = erf(sqrt(5) |delta|/(2 sqrt 2)): the variance defects are
   * rounding-sized, and the bounds around the half-space pin it */
  dist_of(&r, "li-yan:T=1000", "gauss:d=5,mean=3,var=1", "ddpm:var=beta,last_noise=yes",
          DDPM_RATES_X0);
  mpfr_mul_ui(delta, delta, 5, MPFR_RNDN);
  mpfr_sqrt_ui(want, 40, MPFR_RNDN);
  mpfr_div(want, delta, want, MPFR_RNDN);
  mpfr_erf(want, want, MPFR_RNDN);
  ck_assert(r.tv_exact);
  assert_close(r.tv, want, -200, "TV in R^5");
  mpfr_clears(a1, a_1, bl, delta, want, (mpfr_ptr)0);
  ddpm_rates_dist_clear(&r);
}
END_TEST

/* The exact 1-D TV against cases known in closed form: equal variances
 * (erf), equal means (the crossings at +-u0, u0^2 = s s1 log(s1/s)/(s1 - s)). */
START_TEST(tv_1d_known_cases)
{
  mpfr_t tv, e, s, D, want, u;
  mpfr_inits2(PREC, tv, e, s, D, want, u, (mpfr_ptr)0);
  mpfr_set_ui(e, 1, MPFR_RNDN), mpfr_set_ui(s, 4, MPFR_RNDN), mpfr_set_zero(D, 1);
  ddpm_rates_tv_1d(tv, e, s, D);
  mpfr_set_ui(want, 32, MPFR_RNDN), mpfr_sqrt(want, want, MPFR_RNDN);
  mpfr_ui_div(want, 1, want, MPFR_RNDN), mpfr_erf(want, want, MPFR_RNDN);
  assert_close(tv, want, -240, "TV, equal variances");
  /* N(0, 2) vs N(0, 1): u0^2 = 2 log 2; TV = 2 (Phi(u0) - Phi(u0/sqrt 2)) =
   * erf(u0/sqrt 2) - erf(u0/2) */
  mpfr_set_zero(e, 1), mpfr_set_ui(s, 1, MPFR_RNDN), mpfr_set_ui(D, 1, MPFR_RNDN);
  ddpm_rates_tv_1d(tv, e, s, D);
  mpfr_const_log2(u, MPFR_RNDN), mpfr_mul_2ui(u, u, 1, MPFR_RNDN), mpfr_sqrt(u, u, MPFR_RNDN);
  mpfr_div_2ui(want, u, 1, MPFR_RNDN), mpfr_erf(want, want, MPFR_RNDN);
  mpfr_sqrt_ui(D, 2, MPFR_RNDN), mpfr_div(u, u, D, MPFR_RNDN), mpfr_erf(u, u, MPFR_RNDN);
  mpfr_sub(want, u, want, MPFR_RNDN);
  assert_close(tv, want, -240, "TV, equal means");
  /* a tiny variance defect: TV of N(0, 1 + 1e-30) vs N(0, 1) is about
   * 1e-30/sqrt(2 pi e) (first order), and still exact */
  mpfr_set_str(D, "1e-30", 10, MPFR_RNDN);
  ddpm_rates_tv_1d(tv, e, s, D);
  mpfr_const_pi(want, MPFR_RNDN), mpfr_mul_2ui(want, want, 1, MPFR_RNDN);
  mpfr_set_ui(u, 1, MPFR_RNDN), mpfr_exp(u, u, MPFR_RNDN), mpfr_mul(want, want, u, MPFR_RNDN);
  mpfr_sqrt(want, want, MPFR_RNDN), mpfr_div(want, D, want, MPFR_RNDN);
  assert_close(tv, want, -90, "TV, tiny variance defect (first order)");
  mpfr_clears(tv, e, s, D, want, u, (mpfr_ptr)0);
}
END_TEST

/* The sphere and noncentral chi-square of the isotropic TV reduce in one
 * dimension to the two crossings of the 1-D TV: the same number by another
 * road. */
START_TEST(tv_isotropic_d1_is_tv_1d)
{
  const char *cases[][3] = {{"1e-3", "4", "2e-3"}, {"-0.3", "0.25", "-0.01"},
                            {"0", "1", "0.5"}, {"2", "1", "-0.9"}};
  mpfr_t e, s, D, a, b;
  mpfr_inits2(PREC, e, s, D, a, b, (mpfr_ptr)0);
  for (int q = 0; q < 4; q++) {
    mpfr_set_str(e, cases[q][0], 10, MPFR_RNDN);
    mpfr_set_str(s, cases[q][1], 10, MPFR_RNDN);
    mpfr_set_str(D, cases[q][2], 10, MPFR_RNDN);
    ddpm_rates_tv_1d(a, e, s, D);
    ck_assert(ddpm_rates_tv_isotropic(b, e, s, D, 1));
    assert_close(b, a, -220, "isotropic TV at d = 1 vs the crossings");
  }
  mpfr_clears(e, s, D, a, b, (mpfr_ptr)0);
}
END_TEST

/* TV bounds hold: a diagonal law whose second coordinate differs from the
 * first by 1e-30 (so only bounds are computed) brackets the exact TV of the
 * isotropic law, and equal coordinates from a file give the isotropic TV. */
START_TEST(tv_bounds_bracket)
{
  ddpm_rates_law law;
  ddpm_run run;
  test_make_run(&run, "li-yan:T=300", "gauss:d=2,mean=1,var=4", "ddpm", 1, 0, 0, 0, 0);
  law_of(&law, &run, DDPM_RATES_X0);
  ck_assert_int_eq(law.nclass, 1);
  ddpm_rates_dist iso, diag, file;
  ddpm_rates_dist_init(&iso, PREC);
  ddpm_rates_distances(&law, &iso);
  ck_assert(iso.tv_exact);
  ddpm_rates_law two = law; /* the same law as two classes, one nudged */
  long long mult[2] = {1, 1};
  mpfr_t mean[2], var[2], dm[2], dv[2];
  for (int q = 0; q < 2; q++) {
    mpfr_inits2(law.prec, mean[q], var[q], dm[q], dv[q], (mpfr_ptr)0);
    mpfr_set(mean[q], law.ref_mean[0], MPFR_RNDN), mpfr_set(var[q], law.ref_var[0], MPFR_RNDN);
    mpfr_set(dm[q], law.dmean[0], MPFR_RNDN), mpfr_set(dv[q], law.dvar[0], MPFR_RNDN);
  }
  mpfr_mul_d(dv[1], dv[1], 1 + 1e-15, MPFR_RNDN);
  two.nclass = 2, two.mult = mult, two.ref_mean = mean, two.ref_var = var;
  two.dmean = dm, two.dvar = dv;
  ddpm_rates_dist_init(&diag, PREC);
  ddpm_rates_distances(&two, &diag);
  ck_assert(!diag.tv_exact);
  ck_assert(mpfr_less_p(diag.tv_lo, iso.tv) && mpfr_less_p(iso.tv, diag.tv_hi));
  for (int q = 0; q < 2; q++) mpfr_clears(mean[q], var[q], dm[q], dv[q], (mpfr_ptr)0);
  dist_of(&file, "li-yan:T=300", scratch_target("gauss", "same3.json"), "ddpm", DDPM_RATES_X0);
  ck_assert(file.tv_exact);
  ddpm_rates_dist_clear(&iso), ddpm_rates_dist_clear(&diag), ddpm_rates_dist_clear(&file);
  ddpm_rates_law_clear(&law);
}
END_TEST

/* (b) The laws are products over coordinates: KL and W2^2 add up. */
static void assert_ratio(mpfr_srcptr a, mpfr_srcptr b, long k, const char *what)
{
  mpfr_t t;
  mpfr_init2(t, PREC);
  mpfr_mul_si(t, b, k, MPFR_RNDN);
  assert_close(a, t, -133, what); /* 2^-133 < 1e-40 */
  mpfr_clear(t);
}

static const char *const linear_samplers[][2] = {
  {"li-yan:T=500", "ddpm:var=beta"}, {"li-yan:T=500", "ddim:eta=0"},
  {"linear:T=100", "ddpm:var=liyan"}, {"vp:T=100", "pf-heun"}};

START_TEST(kl_linear_in_d)
{
  const char *sch = linear_samplers[_i][0], *smp = linear_samplers[_i][1];
  ddpm_rates_dist one, iso, same, w;
  dist_of(&one, sch, "gauss:d=1,mean=1,var=4", smp, DDPM_RATES_X0);
  const long long dims[] = {3, 64, 1000};
  for (int q = 0; q < 3; q++) {
    char target[64];
    snprintf(target, sizeof target, "gauss:d=%lld,mean=1,var=4", dims[q]);
    dist_of(&iso, sch, target, smp, DDPM_RATES_X0);
    assert_ratio(iso.kl_out_ref, one.kl_out_ref, dims[q], "KL(out || ref)/d");
    assert_ratio(iso.kl_ref_out, one.kl_ref_out, dims[q], "KL(ref || out)/d");
    ddpm_rates_dist_clear(&iso);
  }
  /* the same three coordinates, stepped as three by the oracle */
  dist_of(&same, sch, scratch_target("gauss", "same3.json"), smp, DDPM_RATES_X0);
  assert_ratio(same.kl_out_ref, one.kl_out_ref, 3, "KL, three stepped coordinates");
  mpfr_init2(w.w2, PREC);
  mpfr_sqr(w.w2, same.w2, MPFR_RNDN);
  mpfr_sqr(one.w2, one.w2, MPFR_RNDN);
  assert_ratio(w.w2, one.w2, 3, "W2^2, three stepped coordinates");
  mpfr_clear(w.w2);
  ddpm_rates_dist_clear(&same);
  ddpm_rates_dist_clear(&one);
}
END_TEST

/* A diagonal target with distinct coordinates: KL is the sum of the 1-D
 * targets' KLs. */
START_TEST(kl_additive_diagonal)
{
  const char *sch = linear_samplers[_i][0], *smp = linear_samplers[_i][1];
  const char *parts[] = {"gauss:d=1,mean=1,var=4", "gauss:d=1,mean=-2,var=0.25",
                         "gauss:d=1,mean=0.5,var=1"};
  ddpm_rates_dist diag, part;
  mpfr_t sum1, sum2;
  mpfr_inits2(PREC, sum1, sum2, (mpfr_ptr)0);
  mpfr_set_zero(sum1, 1), mpfr_set_zero(sum2, 1);
  for (int q = 0; q < 3; q++) {
    dist_of(&part, sch, parts[q], smp, DDPM_RATES_X0);
    mpfr_add(sum1, sum1, part.kl_out_ref, MPFR_RNDN);
    mpfr_add(sum2, sum2, part.kl_ref_out, MPFR_RNDN);
    ddpm_rates_dist_clear(&part);
  }
  dist_of(&diag, sch, scratch_target("gauss", "diag3.json"), smp, DDPM_RATES_X0);
  assert_ratio(diag.kl_out_ref, sum1, 1, "KL(out || ref), diagonal = sum");
  assert_ratio(diag.kl_ref_out, sum2, 1, "KL(ref || out), diagonal = sum");
  ck_assert(!diag.tv_exact); /* distinct coordinates: bounds only */
  ck_assert(mpfr_lessequal_p(diag.tv_lo, diag.tv_hi));
  mpfr_clears(sum1, sum2, (mpfr_ptr)0);
  ddpm_rates_dist_clear(&diag);
}
END_TEST

/* (b') Li, Cai & Wei's dimension-free claim in its exact form: DDPM var=beta
 * on N(mu, I) has no discretisation error (case (a)), so with last_noise=yes
 * KL = abar_T^2 ||mu||^2/2 = T^-4/2 on lcw:T=100 (abar_T = T^-2) for every d
 * with ||mu|| = 1 (mean = 1/sqrt(d) per coordinate); DDIM on the same
 * targets has a per-coordinate error and is not dimension-free. */
START_TEST(lcw_dimension_free)
{
  const char *targets[] = {"gauss:d=1,mean=1,var=1", "gauss:d=100,mean=0.1,var=1",
                           "gauss:d=10000,mean=0.01,var=1", "gauss:d=1000000,mean=0.001,var=1"};
  mpfr_t want;
  mpfr_init2(want, PREC);
  mpfr_set_ui(want, 100, MPFR_RNDN);
  mpfr_pow_si(want, want, -4, MPFR_RNDN);
  mpfr_div_2ui(want, want, 1, MPFR_RNDN);
  ddpm_rates_dist r, one, big;
  for (int q = 0; q < 4; q++) {
    dist_of(&r, "lcw:T=100", targets[q], "ddpm:var=beta,last_noise=yes", DDPM_RATES_X0);
    assert_close(r.kl_out_ref, want, -200, "KL(out || ref) = T^-4/2 whatever d");
    assert_close(r.kl_ref_out, want, -200, "KL(ref || out) = T^-4/2 whatever d");
    ddpm_rates_dist_clear(&r);
  }
  dist_of(&one, "lcw:T=100", targets[0], "ddim:eta=0", DDPM_RATES_X0);
  dist_of(&big, "lcw:T=100", targets[2], "ddim:eta=0", DDPM_RATES_X0);
  mpfr_mul_ui(want, one.kl_out_ref, 1000, MPFR_RNDN);
  ck_assert_msg(mpfr_greater_p(big.kl_out_ref, want), "DDIM: KL at d = 10^4 above 1000 x d = 1");
  ddpm_rates_dist_clear(&one);
  ddpm_rates_dist_clear(&big);
  mpfr_clear(want);
}
END_TEST

/* (c) Against tests/oracle/rates.py (mpmath, 1200 bits, mean and variance
 * propagated directly, textbook distance formulas), to 1e-30. */
typedef struct {
  const char *schedule, *T, *sampler, *compare, *mean, *var, *d;
} py_case;

static const py_case py_cases[] = {
  {"linear", "10,20,50,100", "ddpm:var=beta", "x0", "1", "4", "1"},
  {"li-yan:c0=2,c1=4", "1000", "ddpm:var=beta", "x0", "1", "4", "1"},
  {"li-yan:c0=2,c1=4", "200", "ddpm:var=beta", "x1", "1", "4", "1"},
  {"linear", "20,100", "ddim:eta=0.5", "x0", "-0.5", "0.25", "1"},
  {"cosine", "50", "ddpm:var=posterior", "x0", "2", "0.5", "1"},
  {"linear", "50", "liyan-ode", "x0", "1", "4", "1"},
  {"linear", "30", "ddpm:var=liyan,last_noise=yes", "x0", "1", "9", "1"},
  /* isotropic in R^d: TV through the noncentral chi-square, against quadrature */
  {"li-yan:c0=2,c1=4", "100,1600", "ddpm:var=beta", "x0", "1", "4", "4"},
  {"li-yan:c0=2,c1=4", "400", "ddim:eta=0", "x0", "-0.5", "2", "30"},
};

static void compare_row(const py_case *c, const char *line)
{
  long long T;
  int used;
  ck_assert_int_eq(sscanf(line, "%lld%n", &T, &used), 1);
  char schedule[256], target[128];
  snprintf(schedule, sizeof schedule, "%s%sT=%lld", c->schedule,
           strchr(c->schedule, ':') ? "," : ":", T);
  snprintf(target, sizeof target, "gauss:d=%s,mean=%s,var=%s", c->d, c->mean, c->var);
  ddpm_rates_dist r;
  dist_of(&r, schedule, target, c->sampler,
          strcmp(c->compare, "x1") == 0 ? DDPM_RATES_X1 : DDPM_RATES_X0);
  mpfr_srcptr mine[] = {r.kl_out_ref, r.kl_ref_out, r.w2, r.h2, r.tv};
  const char *names[] = {"KL(out || ref)", "KL(ref || out)", "W2", "H2", "TV"};
  mpfr_t theirs;
  mpfr_init2(theirs, PREC);
  const char *p = line + used;
  for (int k = 0; k < 5; k++) {
    char num[128];
    int n;
    ck_assert_int_eq(sscanf(p, "%127s%n", num, &n), 1);
    p += n;
    mpfr_set_str(theirs, num, 10, MPFR_RNDN);
    char what[320];
    snprintf(what, sizeof what, "%s T=%lld %s: %s", schedule, T, c->sampler, names[k]);
    assert_close(mine[k], theirs, -100, what); /* 2^-100 < 1e-30 */
  }
  mpfr_clear(theirs);
  ddpm_rates_dist_clear(&r);
}

static int list_len(const char *s)
{
  int n = 1;
  for (; *s; s++) n += *s == ',';
  return n;
}

START_TEST(equals_mpmath)
{
  const py_case *c = &py_cases[_i];
  char cmd[1024], line[2048];
  snprintf(cmd, sizeof cmd, "%s tests/oracle/rates.py --schedule '%s' --T %s --sampler '%s' "
           "--compare %s --mean %s --var %s --d %s", test_python(), c->schedule, c->T,
           c->sampler, c->compare, c->mean, c->var, c->d);
  FILE *f = popen(cmd, "r");
  ck_assert_ptr_nonnull(f);
  int rows = 0;
  while (fgets(line, sizeof line, f)) compare_row(c, line), rows++;
  int rc = pclose(f);
  ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "failed: %s", cmd);
  ck_assert_int_eq(rows, list_len(c->T));
}
END_TEST

START_TEST(mpmath_selftest)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "%s tests/oracle/rates.py --selftest >/dev/null", test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "rates.py --selftest failed");
}
END_TEST

/* Runs `ddpmref rates ARGS` in the scratch directory; returns the exit code,
 * with stdout and stderr (first 16 KiB each) in out and err. */
static int run_rates(const char *args, char *out, size_t outsize, char *err, size_t errsize)
{
  char cmd[4096], cwd[1024], path[256];
  ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
  snprintf(cmd, sizeof cmd, "cd %s && %s/%s rates %s >rates_out.txt 2>rates_err.txt", scratch,
           cwd, test_program(), args);
  int rc = system(cmd);
  ck_assert_int_ne(rc, -1);
  char *bufs[] = {out, err};
  size_t sizes[] = {outsize, errsize};
  const char *names[] = {"rates_out.txt", "rates_err.txt"};
  for (int q = 0; q < 2; q++) {
    snprintf(path, sizeof path, "%s/%s", scratch, names[q]);
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(bufs[q], 1, sizes[q] - 1, f) : 0;
    bufs[q][got] = '\0';
    if (f) fclose(f);
  }
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static int exists(const char *dir, const char *name)
{
  char path[512];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s/%s", scratch, dir, name);
  return stat(path, &st) == 0 && st.st_size > 0;
}

/* (d) The command prints the exact KL, W2, H2 and TV (equal to the
 * mpmath values to the 16 digits shown), and -o writes every file. */
START_TEST(must_show_command)
{
  static char out[16384], err[16384];
  const char *args = "--target gauss:d=1,mean=1,var=4 --schedule li-yan:T=1000,c0=2,c1=4 "
                     "--sampler ddpm:var=beta --T 1000";
  ck_assert_int_eq(run_rates(args, out, sizeof out, err, sizeof err), 0);
  const char *want[] = {"KL(out||ref)", "KL(ref||out)", "W2", "H2", "TV",
                        "1.487666595503023e-05", "1.495346832334217e-05",
                        "7.709091049127735e-03", "3.728732025931034e-06",
                        "1.868976357003037e-03"};
  for (size_t q = 0; q < sizeof want / sizeof want[0]; q++)
    ck_assert_msg(strstr(out, want[q]), "'%s' not in the output:\n%s", want[q], out);
  char full[1024];
  snprintf(full, sizeof full, "%s --d 1,2 -o res", args);
  ck_assert_int_eq(run_rates(full, out, sizeof out, err, sizeof err), 0);
  const char *files[] = {"rates.csv", "rates.json", "rates.md", "rates.dat", "rates.gp",
                         "rates.png", "rates.svg", "meta.json"};
  for (size_t q = 0; q < sizeof files / sizeof files[0]; q++)
    ck_assert_msg(exists("res", files[q]), "res/%s missing", files[q]);
  char path[256];
  snprintf(path, sizeof path, "%s/res/rates.json", scratch);
  json_object *j = json_object_from_file(path);
  ck_assert_msg(j != NULL, "rates.json does not parse");
  json_object *rows;
  ck_assert(json_object_object_get_ex(j, "rows", &rows));
  ck_assert_int_eq((int)json_object_array_length(rows), 2);
  json_object_put(j);
  ck_assert_int_ne(run_rates(full, out, sizeof out, err, sizeof err), 0); /* exists */
  snprintf(full, sizeof full, "%s -o res --force --no-plot", args);
  ck_assert_int_eq(run_rates(full, out, sizeof out, err, sizeof err), 0);
  ck_assert(!exists("res", "rates.png"));
}
END_TEST

/* (e) Bad input: exit 2, one line naming the parameter, nothing written. */
static const char *const bad[][2] = {
  {"--schedule li-yan --T 100", "--target"},
  {"--target gmm:gmm2.json --T 100 --method exact", "--method"},
  {"--target gmm:gmm2d.json --T 100", "--target"},
  {"--target gauss:d=2 --T 100 --method quadrature", "--target"},
  {"--target gmm:gmm2.json --T 100 --method simpson", "--method"},
  {"--target gmm:gmm2.json --T 100 --quad-h 0", "--quad-h"},
  {"--target gmm:gmm2.json --T 100 --quad-tol -1", "--quad-tol"},
  {"--target gmm:gmm2.json --schedule linear:T=100 --quad-h 0.5", "--quad-h"},
  {"--target gauss:d=1 --T 1", "--T"},
  {"--target gauss:d=1 --T 100,,200", "--T"},
  {"--target gauss:d=1 --T 100,abc", "--T"},
  /* an item was cut to 63 characters before it was parsed: this read as 100 */
  {"--target gauss:d=1 --T 000000000000000000000000000000000000000000000000000000000000100x",
   "--T"},
  {"--target gauss:d=1 --T ''", "--T"},
  {"--target gauss:d=1 --T 100 --steps 200", "--steps"},
  {"--target gauss:diag3.json --d 2", "--d"},
  {"--target gauss:d=1 --d 0", "--d"},
  {"--target gauss:d=1 --compare x2", "--compare"},
  {"--target gauss:d=1 --schedule linear:T=100 --steps 7 --spacing trailing --compare x1",
   "--compare"},
  {"--target gauss:d=1 --schedule linear --sampler vp-em", "--sampler"},
  {"--target gauss:d=1 --schedule file:nothere.txt", "--schedule"},
  {"--target gauss:d=1 --prec 10", "--prec"},
  {"--target gauss:d=1 --check-prec 100", "--check-prec"},
  {"--target gauss:d=1 --bogus", "--bogus"},
  {"--target gauss:d=1 --T 100 stray", "stray"},
  {"--target gauss:d=1 --score-error bias=x", "--score-error"},
};

START_TEST(bad_input_exit_2)
{
  static char out[16384], err[16384], args[1024];
  snprintf(args, sizeof args, "%s -o bad_out --no-plot", bad[_i][0]);
  ck_assert_int_eq(run_rates(args, out, sizeof out, err, sizeof err), 2);
  ck_assert_msg(strncmp(err, "ddpmref: ", 9) == 0 && strstr(err, bad[_i][1]),
                "'%s': message '%s' does not name %s", bad[_i][0], err, bad[_i][1]);
  ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "more than one line: %s", err);
  char path[256];
  struct stat st;
  snprintf(path, sizeof path, "%s/bad_out", scratch);
  ck_assert_msg(stat(path, &st) != 0, "'%s' left bad_out behind", bad[_i][0]);
}
END_TEST

Suite *rates_suite(void)
{
  Suite *s = suite_create("rates");
  TCase *tc = tcase_create("exact");
  tcase_add_unchecked_fixture(tc, setup_once, NULL);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, ddpm_unit_variance_closed_form, 0,
                      (int)(sizeof closed / sizeof closed[0]));
  tcase_add_test(tc, unit_variance_distances);
  tcase_add_test(tc, tv_1d_known_cases);
  tcase_add_test(tc, tv_isotropic_d1_is_tv_1d);
  tcase_add_test(tc, tv_bounds_bracket);
  tcase_add_loop_test(tc, kl_linear_in_d, 0,
                      (int)(sizeof linear_samplers / sizeof linear_samplers[0]));
  tcase_add_loop_test(tc, kl_additive_diagonal, 0,
                      (int)(sizeof linear_samplers / sizeof linear_samplers[0]));
  tcase_add_test(tc, lcw_dimension_free);
  suite_add_tcase(s, tc);
  TCase *tm = tcase_create("mpmath");
  tcase_set_timeout(tm, 300);
  tcase_add_loop_test(tm, equals_mpmath, 0, (int)(sizeof py_cases / sizeof py_cases[0]));
  tcase_add_test(tm, mpmath_selftest);
  suite_add_tcase(s, tm);
  TCase *tp = tcase_create("program");
  tcase_add_unchecked_fixture(tp, setup_once, NULL);
  tcase_set_timeout(tp, 300);
  tcase_add_test(tp, must_show_command);
  tcase_add_loop_test(tp, bad_input_exit_2, 0, (int)(sizeof bad / sizeof bad[0]));
  suite_add_tcase(s, tp);
  return s;
}
