/* check_schedule.c: the linear schedule. The binary64 builder against the
 * oracle with an a-priori bound per t (spec/maths.md, "Error of the fast
 * path"), and the oracle against closed forms. */
#include <math.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"

#define U 0x1p-53

static const char *cases[] = {
  "linear",
  "linear:T=2",
  "linear:T=50,beta_min=0.001,beta_max=0.2",
  "linear:T=10000,beta_min=0.00001,beta_max=0.001",
  "linear:T=300,beta_min=0.02,beta_max=0.02",
  "linear:T=100,beta_min=0.1,beta_max=0.9", /* outside the proved domain */
};

static double rel_err(double fp, mpfr_srcptr ref)
{
  mpfr_t d;
  mpfr_init2(d, 128);
  mpfr_sub_d(d, ref, fp, MPFR_RNDN);
  mpfr_div(d, d, ref, MPFR_RNDN);
  double r = fabs(mpfr_get_d(d, MPFR_RNDN));
  mpfr_clear(d);
  return r;
}

START_TEST(fast_path_within_bound_of_oracle)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, cases[_i], &spec, &e), DDPM_OK);
  ddpm_fp_schedule f;
  ddpm_ref_schedule r;
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), DDPM_OK);
  long long T = f.T;
  double bmin = spec.real[DDPM_LINEAR_BETA_MIN], bmax = spec.real[DDPM_LINEAR_BETA_MAX];
  double rho_abar = 0, d_oma = 0, worst = 0;
  ck_assert(f.abar[0] == 1.0 && f.oma[0] == 0.0);
  for (long long t = 1; t <= T; t++) {
    double beta = mpfr_get_d(r.beta[t], MPFR_RNDN), frac = (double)(t - 1) / (double)(T - 1);
    /* bmin, bmax, width, frac, product, sum: six roundings (maths.md) */
    double d_beta = 1.01 * U * (bmin + frac * (bmax + bmin) + 3 * frac * (bmax - bmin) + beta);
    double rho_beta = d_beta / beta;
    double rho_alpha = (d_beta + U) / (1 - beta);
    double oma = mpfr_get_d(r.oma[t], MPFR_RNDN), abar_prev = mpfr_get_d(r.abar[t - 1], MPFR_RNDN);
    /* the fast path switches to 1 - abar_t below abar = 1/2: either bound holds */
    double d_rec = d_oma + 1.01 * abar_prev * beta * (rho_abar + rho_beta + U) + U * oma;
    rho_abar = rho_abar + 1.01 * (rho_alpha + U);
    double abar = mpfr_get_d(r.abar[t], MPFR_RNDN);
    d_oma = fmax(d_rec, 1.01 * (rho_abar * abar + U * oma));

    ck_assert_msg(f.beta[t] > 0 && f.beta[t] < 1 && f.abar[t] > 0 && f.abar[t] < 1, "t=%lld", t);
    ck_assert_msg(f.abar[t] < f.abar[t - 1], "abar not decreasing at t=%lld", t);
    double eb = rel_err(f.beta[t], r.beta[t]), ea = rel_err(f.abar[t], r.abar[t]);
    double eo = rel_err(f.oma[t], r.oma[t]), eal = rel_err(f.alpha[t], r.alpha[t]);
    ck_assert_msg(eb <= rho_beta, "%s t=%lld: beta rel err %g > %g", cases[_i], t, eb, rho_beta);
    ck_assert_msg(eal <= rho_alpha, "%s t=%lld: alpha rel err %g > %g", cases[_i], t, eal, rho_alpha);
    ck_assert_msg(ea <= rho_abar, "%s t=%lld: abar rel err %g > %g", cases[_i], t, ea, rho_abar);
    ck_assert_msg(eo * oma <= d_oma, "%s t=%lld: 1-abar err %g > %g", cases[_i], t, eo * oma, d_oma);
    if (ea / rho_abar > worst) worst = ea / rho_abar;
  }
  ck_assert_double_lt(worst, 1.0);
  ddpm_fp_schedule_free(&f);
  ddpm_ref_schedule_free(&r);
}
END_TEST

/* Closed forms the oracle must meet to its precision: sum_t beta_t =
 * T (beta_min + beta_max)/2, and abar_t + (1 - abar_t) = 1 although the two
 * are carried by separate recurrences. */
START_TEST(oracle_closed_forms)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, cases[_i], &spec, &e), DDPM_OK);
  ddpm_ref_schedule r;
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), DDPM_OK);
  mpfr_t sum, expect, x;
  mpfr_inits2(512, sum, expect, x, (mpfr_ptr)0);
  mpfr_set_zero(sum, 1);
  for (long long t = 1; t <= r.T; t++) {
    mpfr_add(sum, sum, r.beta[t], MPFR_RNDN);
    mpfr_add(x, r.abar[t], r.oma[t], MPFR_RNDN);
    mpfr_sub_ui(x, x, 1, MPFR_RNDN);
    ck_assert_msg(mpfr_cmp_d(x, 0x1p-240) <= 0 && mpfr_cmp_d(x, -0x1p-240) >= 0,
                  "abar + (1 - abar) != 1 at t=%lld", t);
  }
  mpfr_set_str(expect, spec.text[DDPM_LINEAR_BETA_MIN], 10, MPFR_RNDN);
  mpfr_set_str(x, spec.text[DDPM_LINEAR_BETA_MAX], 10, MPFR_RNDN);
  mpfr_add(expect, expect, x, MPFR_RNDN);
  mpfr_mul_ui(expect, expect, (unsigned long)r.T, MPFR_RNDN);
  mpfr_div_2ui(expect, expect, 1, MPFR_RNDN);
  mpfr_sub(x, sum, expect, MPFR_RNDN);
  mpfr_div(x, x, expect, MPFR_RNDN);
  ck_assert_msg(mpfr_cmp_d(x, 0x1p-240) <= 0 && mpfr_cmp_d(x, -0x1p-240) >= 0,
                "%s: sum of betas off", cases[_i]);
  mpfr_clears(sum, expect, x, (mpfr_ptr)0);
  ddpm_ref_schedule_free(&r);
}
END_TEST

/* Parameters binary64 cannot hold are refused, not computed wrong. */
START_TEST(underflow_refused)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE,
                                   "linear:T=100000,beta_min=0.5,beta_max=0.99", &spec, &e),
                   DDPM_OK);
  ddpm_fp_schedule f;
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), DDPM_EINPUT);
  ck_assert_ptr_nonnull(strstr(e.msg, "underflows"));
}
END_TEST

Suite *schedule_suite(void)
{
  Suite *s = suite_create("schedule");
  TCase *tc = tcase_create("linear");
  tcase_set_timeout(tc, 120);
  int ncases = (int)(sizeof cases / sizeof cases[0]);
  tcase_add_loop_test(tc, fast_path_within_bound_of_oracle, 0, ncases);
  tcase_add_loop_test(tc, oracle_closed_forms, 0, ncases);
  tcase_add_test(tc, underflow_refused);
  suite_add_tcase(s, tc);
  return s;
}
