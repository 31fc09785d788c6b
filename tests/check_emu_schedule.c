/* check_emu_schedule.c: the fast path's schedule in emulated formats
 * (ref/emu_schedule.c, spec/ddpm_emu.h):
 *  - binary64 with every source is the fast path: bit for bit where the fast
 *    path uses only + - * / and sqrt, within glibc's libm elsewhere;
 *  - the empty mask at P = 256 is the exact schedule (the oracle's columns);
 *  - binary16 and bfloat16 report abar rounding to 1, 1 - abar to 0 and the
 *    arithmetic's events; binary32 is C's float arithmetic bit for bit;
 *  - the jump, the sources kept apart, a file that vanished. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "ddpm_emu.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"
#include "ddpm_ulps.h"
#include "fp_error_bound.h"
#include "schedule_bound.h"

/* Columns in schedule_bound.h's order (SB_*). */
static const char *col_names[SB_NCOL] = {"beta", "alpha", "abar", "1-abar", "btilde",
                                         "snr", "log_abar", "sqrt_abar", "sqrt_1-abar"};

static double *fp_col(const ddpm_fp_schedule *f, int q)
{
  double *cols[SB_NCOL] = {f->beta, f->alpha, f->abar, f->oma, f->btilde, f->snr, f->log_abar,
                           f->sqrt_abar, f->sqrt_oma};
  return cols[q];
}

static mpfr_t *ref_col(const ddpm_ref_schedule *r, int q)
{
  mpfr_t *cols[SB_NCOL] = {r->beta, r->alpha, r->abar, r->oma, r->btilde, r->snr, r->log_abar,
                           r->sqrt_abar, r->sqrt_oma};
  return cols[q];
}

static void parse(const char *text, ddpm_spec *spec)
{
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, text, spec, &e) == DDPM_OK, "%s: %s",
                text, e.msg);
}

/* The schedule text in format fmt with mask, at P = prec; events in ev. */
static void build_emu(const char *text, const char *fmt, unsigned mask, mpfr_prec_t prec,
                      ddpm_emu_events *ev, ddpm_ref_schedule *s)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ddpm_emu c;
  parse(text, &spec);
  ddpm_emu_events_init(ev);
  ddpm_emu_init(&c, ddpm_fmt_by_name(fmt), mask, prec, ev);
  c.step = 7; /* the schedule's events go to step 0 whatever the caller's step */
  ck_assert_msg(ddpm_emu_schedule_build(&spec, &c, s, &e) == DDPM_OK, "%s in %s: %s", text,
                fmt, e.msg);
  ck_assert_int_eq(c.step, 7);
  ck_assert_int_eq(s->T, ddpm_schedule_T(&spec));
  ck_assert_int_eq(s->prec, prec);
  for (int k = 0; k < DDPM_EV_COUNT; k++)
    ck_assert(ev->count[k] == 0 ? ev->first_step[k] == -1 : ev->first_step[k] == 0);
  ddpm_emu_clear(&c);
}

/* x holds a number of the format (or +-inf, NaN) */
static int representable(mpfr_srcptr x, const ddpm_fmt *fmt)
{
  if (!mpfr_number_p(x) || mpfr_zero_p(x)) return 1;
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  mpfr_t y;
  mpfr_init2(y, fmt->prec);
  mpfr_set_emin(fmt->emin);
  mpfr_set_emax(fmt->emax);
  int tern = mpfr_set(y, x, MPFR_RNDN);
  tern = mpfr_check_range(y, tern, MPFR_RNDN);
  tern = mpfr_subnormalize(y, tern, MPFR_RNDN);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  int ok = tern == 0 && mpfr_equal_p(x, y);
  mpfr_clear(y);
  return ok;
}

/* ---- (1) binary64 with every source against ddpm_fp_schedule_build */

/* Schedules whose builder uses only + - * / sqrt: every column bit for bit
 * except log abar (log1p or log of bit-identical inputs: glibc within
 * LIBM_ULPS = 2 ulps of the exact value, ours within 1/2, so at most 2
 * binary64 numbers apart). */
static const char *exact_kinds[] = {
  "linear",
  "linear:T=2",
  "linear:T=50,beta_min=0.001,beta_max=0.2",
  "linear:T=100,beta_min=0.1,beta_max=0.9",
  "linear:T=10000,beta_min=0.00001,beta_max=0.001",
  "linear:T=300,beta_min=0.02,beta_max=0.02",
  "scaled-linear",
  "scaled-linear:T=4000,beta_min=0.0001,beta_max=0.02",
  "file:tests/data/betas_small.txt",
  "file:tests/data/betas_switch.txt", /* 1 - abar kept from t-1 where abar crosses 1/2 */
};
#define NEXACT ((int)(sizeof exact_kinds / sizeof exact_kinds[0]))

/* Builders with libm calls, and the largest difference in binary64 ulps the
 * test allows in any column (0: not checked in ulps, only against the
 * a-priori bounds). Rationale: glibc's sin, cos, exp, expm1 (1 ulp or less
 * on x86-64 by its manual, LIBM_ULPS = 2 assumed) and ours (correctly
 * rounded) are at most 2 binary64 numbers apart on the same argument, and
 * the arguments agree bit for bit until the first such difference.
 * - vp, ou: abar, 1 - abar and beta are each one libm result of a
 *   bit-identical argument (<= 2 ulps); every derived column is one or two
 *   products or quotients of those (relative 4u each, plus a rounding that
 *   may go the other way): <= 2 (4 + 4) + 1 < 16 ulps.
 * - cosine: beta_t is three libm results (sin(b - a), cos a or its sine
 *   form, sin(b + a)) through a product, a square and a quotient:
 *   (2 + 2 + 2 x 2) x 2 ulps relative plus three reroundings < 20 ulps;
 *   abar's product and the derived columns take a fraction of that per
 *   differing beta (glibc's sines differ from ours rarely): 32 ulps.
 * - li-yan: a difference of log1p(k) or log T is multiplied by t inside
 *   exp(log beta_1 + t log1p(k)) (li-yan:T=100: one ulp of log1p(k) becomes
 *   up to 20 ulps); lcw carries it through its recursion. Both are held to
 *   the a-priori bound only. */
static const struct {
  const char *spec;
  double max_ulps;
} libm_kinds[] = {
  {"cosine", 32},
  {"cosine:T=100", 32},
  {"cosine:T=1000,s=0.1,max_beta=0.5", 32},
  {"cosine:T=20000", 32},
  {"vp", 16},
  {"vp:T=50,beta_min=0.1,beta_max=20,eps=0.00001", 16},
  {"ou", 16},
  {"ou:T=100,horizon=10,eps=0.01", 16},
  {"li-yan", 0},
  {"li-yan:T=100", 0},
  {"li-yan:T=1000,c0=1,c1=6", 0},
  {"lcw", 0},
  {"lcw:T=1000,c0=2,c1=10", 0},
  {"lcw:T=100,c0=1,c1=5", 0},
};
#define NLIBM ((int)(sizeof libm_kinds / sizeof libm_kinds[0]))

static double emu_d(mpfr_srcptr x) { return mpfr_get_d(x, MPFR_RNDN); } /* exact in binary64 */

static int same(double a, double b)
{
  return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* The binary64 events: abar = 1 and 1 - abar = 0 exactly where the fast path
 * has them, nothing else (these schedules stay normal and finite). */
static void assert_fp_events(const char *text, const ddpm_fp_schedule *f,
                             const ddpm_emu_events *ev)
{
  long long ones = 0, zeros = 0;
  for (long long t = 1; t <= f->T; t++) {
    ones += f->abar[t] == 1.0;
    zeros += f->oma[t] == 0.0;
  }
  ck_assert_msg(ev->count[DDPM_EV_ABAR_ONE] == ones, "%s: %lld abar = 1 events, fast path %lld",
                text, ev->count[DDPM_EV_ABAR_ONE], ones);
  ck_assert_int_eq(ev->count[DDPM_EV_OMA_ZERO], zeros);
  for (int k = 0; k < DDPM_EV_COUNT; k++)
    if (k != DDPM_EV_ABAR_ONE && k != DDPM_EV_OMA_ZERO)
      ck_assert_msg(ev->count[k] == 0, "%s: %s in binary64 (%s)", text, ddpm_event_name(k),
                    ev->first_what[k]);
}

START_TEST(binary64_is_the_fast_path_bit_for_bit)
{
  const char *text = exact_kinds[_i];
  ddpm_spec spec;
  ddpm_fp_schedule f;
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  ddpm_err e = {{0}};
  parse(text, &spec);
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), DDPM_OK);
  build_emu(text, "binary64", DDPM_SRC_ALL, 256, &ev, &s);
  ck_assert_int_eq(s.T, f.T);
  double worst_log = 0;
  for (long long t = 0; t <= f.T; t++)
    for (int q = 0; q < SB_NCOL; q++) {
      double a = fp_col(&f, q)[t], b = emu_d(ref_col(&s, q)[t]);
      ck_assert_msg(mpfr_get_prec(ref_col(&s, q)[t]) == 256, "precision");
      if (q == SB_LOG_ABAR && t > 0) {
        double u = ddpm_ulps_between(a, b);
        ck_assert_msg(u <= 2, "%s t=%lld log abar: %a vs fast path %a", text, t, b, a);
        if (u > worst_log) worst_log = u;
      } else
        ck_assert_msg(same(a, b), "%s t=%lld %s: emulated %a, fast path %a", text, t,
                      col_names[q], b, a);
    }
  assert_fp_events(text, &f, &ev);
  printf("emu binary64 %-48s bit for bit; log abar within %.0f ulp\n", text, worst_log);
  ddpm_fp_schedule_free(&f);
  ddpm_ref_schedule_free(&s);
}
END_TEST

START_TEST(binary64_is_the_fast_path_within_libm)
{
  const char *text = libm_kinds[_i].spec;
  ddpm_spec spec;
  ddpm_fp_schedule f;
  ddpm_ref_schedule s, r;
  ddpm_emu_events ev;
  ddpm_err e = {{0}};
  parse(text, &spec);
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), DDPM_OK);
  build_emu(text, "binary64", DDPM_SRC_ALL, 256, &ev, &s);
  long long T = f.T;
  /* both are within the fast path's a-priori bound of the exact schedule
   * (ours is the same algorithm with a libm error of 1/2 ulp <= LIBM_ULPS) */
  double *ex[SB_NCOL], *bound[SB_NCOL], worst[SB_NCOL] = {0};
  long long ndiff = 0;
  for (int q = 0; q < SB_NCOL; q++) {
    ex[q] = malloc((size_t)(T + 1) * sizeof(double));
    bound[q] = malloc((size_t)(T + 1) * sizeof(double));
    for (long long t = 0; t <= T; t++) ex[q][t] = emu_d(ref_col(&r, q)[t]);
  }
  schedule_error_bounds(&spec, ex, bound);
  for (long long t = 0; t <= T; t++)
    for (int q = 0; q < SB_NCOL; q++) {
      double a = fp_col(&f, q)[t], b = emu_d(ref_col(&s, q)[t]);
      if (t == 0) {
        ck_assert_msg(same(a, b), "%s t=0 %s", text, col_names[q]);
        continue;
      }
      if (same(a, b)) continue;
      ndiff++;
      ck_assert_msg(isfinite(a) && isfinite(b), "%s t=%lld %s: %a vs %a", text, t,
                    col_names[q], b, a);
      double scale = q == SB_LOG_ABAR ? 1.0 : fabs(ex[q][t]);
      ck_assert_msg(fabs(a - b) <= 2 * bound[q][t] * scale,
                    "%s t=%lld %s: |%a - %a| beyond twice the a-priori bound %g", text, t,
                    col_names[q], b, a, bound[q][t]);
      double u = ddpm_ulps_between(a, b);
      if (u > worst[q]) worst[q] = u;
      ck_assert_msg(libm_kinds[_i].max_ulps == 0 || u <= libm_kinds[_i].max_ulps,
                    "%s t=%lld %s: %a vs fast path %a, %.0f ulps", text, t, col_names[q], b, a,
                    u);
    }
  assert_fp_events(text, &f, &ev);
  printf("emu binary64 %-48s %lld values differ; ulps:", text, ndiff);
  for (int q = 0; q < SB_NCOL; q++) printf(" %s %.0f", col_names[q], worst[q]);
  printf("\n");
  for (int q = 0; q < SB_NCOL; q++) {
    free(ex[q]);
    free(bound[q]);
  }
  ddpm_fp_schedule_free(&f);
  ddpm_ref_schedule_free(&s);
  ddpm_ref_schedule_free(&r);
}
END_TEST

/* ---- (2) the empty mask: the exact schedule */

static const char *one_of_each[] = {
  "linear", "scaled-linear", "cosine", "li-yan", "lcw", "file:tests/data/betas_small.txt",
  "vp",     "ou",
};
#define NEACH ((int)(sizeof one_of_each / sizeof one_of_each[0]))

START_TEST(empty_mask_is_the_oracle)
{
  const char *text = one_of_each[_i];
  const mpfr_prec_t P = 256;
  ddpm_spec spec;
  ddpm_ref_schedule s, r;
  ddpm_emu_events ev;
  ddpm_err e = {{0}};
  parse(text, &spec);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, P, &r, &e), DDPM_OK);
  /* the format does not matter when nothing is rounded to it */
  build_emu(text, "binary16", 0, P, &ev, &s);
  for (int k = 0; k < DDPM_EV_COUNT; k++) ck_assert_int_eq(ev.count[k], 0);
  /* both engines round each operation at P, in different orders and
   * formulas (cosine's oracle loses up to 20 bits to its cancellation) */
  mpfr_t d;
  mpfr_init2(d, 64);
  double worst = 0;
  for (long long t = 0; t <= r.T; t++)
    for (int q = 0; q < SB_NCOL; q++) {
      mpfr_srcptr a = ref_col(&s, q)[t], b = ref_col(&r, q)[t];
      if (mpfr_inf_p(b) || mpfr_zero_p(b)) {
        ck_assert_msg(mpfr_equal_p(a, b), "%s t=%lld %s", text, t, col_names[q]);
        continue;
      }
      mpfr_sub(d, a, b, MPFR_RNDN);
      mpfr_div(d, d, b, MPFR_RNDN);
      mpfr_abs(d, d, MPFR_RNDN);
      if (q == SB_LOG_ABAR) {
        /* the oracle's log1p(-(1 - abar)) has the condition number
         * (1 - abar)/(abar |log abar|), 2^34 at cosine's clipped t = T where
         * abar ~ 2e-12; the fast path's log(abar) there is better (maths.md
         * section 2), so the difference is the oracle's error */
        double oma = emu_d(r.oma[t]), abar = emu_d(r.abar[t]), la = fabs(emu_d(b));
        mpfr_div_d(d, d, 1.0 + oma / (abar * la), MPFR_RNDN);
      }
      ck_assert_msg(mpfr_cmp_d(d, ldexp(1.0, -(int)(P - 20))) <= 0,
                    "%s t=%lld %s: relative difference %g > 2^-%d", text, t, col_names[q],
                    mpfr_get_d(d, MPFR_RNDN), (int)(P - 20));
      if (mpfr_get_d(d, MPFR_RNDN) > worst) worst = mpfr_get_d(d, MPFR_RNDN);
    }
  printf("emu exact    %-48s largest relative difference from the oracle 2^%.1f\n", text,
         worst > 0 ? log2(worst) : -INFINITY);
  mpfr_clear(d);
  ddpm_ref_schedule_free(&s);
  ddpm_ref_schedule_free(&r);
}
END_TEST

/* ---- (3) events of the narrow formats */

START_TEST(binary16_abar_rounds_to_one)
{
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  /* beta_1 = 1e-4 < half an ulp below 1 (2^-12): 1 - beta_1 and abar_1 are 1 */
  build_emu("linear:T=1000", "binary16", DDPM_SRC_ALL, 256, &ev, &s);
  ck_assert_int_ge(ev.count[DDPM_EV_ABAR_ONE], 1);
  ck_assert_int_eq(ev.first_step[DDPM_EV_ABAR_ONE], 0);
  ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
  ck_assert(mpfr_cmp_ui(s.abar[1], 1) == 0 && mpfr_cmp_ui(s.alpha[1], 1) == 0);
  ck_assert_int_eq(ev.count[DDPM_EV_OMA_ZERO], 0); /* 1 - abar is carried apart */
  ck_assert(mpfr_cmp_d(s.oma[1], 0) > 0);
  for (long long t = 0; t <= s.T; t++)
    for (int q = 0; q < SB_NCOL; q++)
      ck_assert(representable(ref_col(&s, q)[t], ddpm_fmt_by_name("binary16")));
  ddpm_ref_schedule_free(&s);

  /* in binary64 the same schedule has no event at all */
  build_emu("linear:T=1000", "binary64", DDPM_SRC_ALL, 256, &ev, &s);
  for (int k = 0; k < DDPM_EV_COUNT; k++) ck_assert_int_eq(ev.count[k], 0);
  ddpm_ref_schedule_free(&s);

  /* other schedules whose first abar rounds to 1 in binary16 */
  const char *others[] = {"cosine", "vp", "file:tests/data/betas_small.txt"};
  for (int q = 0; q < 3; q++) {
    build_emu(others[q], "binary16", DDPM_SRC_ALL, 256, &ev, &s);
    ck_assert_msg(ev.count[DDPM_EV_ABAR_ONE] >= 1, "%s", others[q]);
    ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
    ddpm_ref_schedule_free(&s);
  }
  /* lcw in binary64: abar_1 = 1 - 1.1e-20 is 1 (maths.md section 2) */
  build_emu("lcw", "binary64", DDPM_SRC_ALL, 256, &ev, &s);
  ck_assert_int_ge(ev.count[DDPM_EV_ABAR_ONE], 1);
  ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
  ck_assert_int_eq(ev.count[DDPM_EV_OMA_ZERO], 0);
  ddpm_ref_schedule_free(&s);
}
END_TEST

START_TEST(binary16_oma_rounds_to_zero)
{
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  /* beta_min = 1e-8 is below half binary16's least subnormal (2^-24): it
   * reads as 0, so beta_1 = 0, abar_1 = 1, 1 - abar_1 = 0, and the
   * derived columns divide by it (snr_1 = 1/0, btilde_1 = 0 (0/0)) */
  build_emu("linear:T=1000,beta_min=0.00000001,beta_max=0.02", "binary16", DDPM_SRC_ALL, 256,
            &ev, &s);
  ck_assert_int_ge(ev.count[DDPM_EV_UNDERFLOW], 1);
  ck_assert_str_eq(ev.first_what[DDPM_EV_UNDERFLOW], "beta_min"); /* the text itself */
  ck_assert_int_eq(ev.count[DDPM_EV_OMA_ZERO], 1);
  ck_assert_str_eq(ev.first_what[DDPM_EV_OMA_ZERO], "1-abar[1]");
  ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
  ck_assert_int_ge(ev.count[DDPM_EV_DIV_ZERO], 1);
  ck_assert_int_ge(ev.count[DDPM_EV_INVALID], 1);
  ck_assert(mpfr_zero_p(s.beta[1]) && mpfr_zero_p(s.oma[1]) && mpfr_inf_p(s.snr[1]));
  ck_assert(mpfr_nan_p(s.btilde[1]));
  ck_assert(mpfr_cmp_d(s.oma[2], 0) > 0); /* beta_2 > 0 again */
  ddpm_ref_schedule_free(&s);
}
END_TEST

/* ---- (4) binary32 and bfloat16 */

/* The linear and scaled-linear schedules in C's float (binary32, every
 * operation rounded once: SSE, -ffp-contract=off), as fp/ writes them. */
static void float_schedule(const ddpm_spec *spec, float *beta, float *alpha, float *abar,
                           float *oma, float *btilde, float *snr, float *sqa, float *sqo)
{
  long long T = ddpm_schedule_T(spec);
  float bmin = strtof(spec->text[DDPM_LINEAR_BETA_MIN], NULL);
  float bmax = strtof(spec->text[DDPM_LINEAR_BETA_MAX], NULL);
  int linear = spec->kind == DDPM_SCHEDULE_LINEAR;
  float lo = sqrtf(bmin), width = sqrtf(bmax) - lo, prod = 1.0f;
  abar[0] = 1.0f;
  oma[0] = 0.0f;
  for (long long t = 1; t <= T; t++) {
    float frac = (float)(t - 1) / (float)(T - 1);
    if (linear) {
      beta[t] = bmin + (bmax - bmin) * frac;
      prod = prod * (1.0f - beta[t]);
      abar[t] = prod;
    } else {
      float root = lo + width * frac;
      beta[t] = root * root;
      abar[t] = abar[t - 1] * (1.0f - beta[t]);
    }
    oma[t] = abar[t] >= 0.5f ? oma[t - 1] + abar[t - 1] * beta[t] : 1.0f - abar[t];
  }
  for (long long t = 1; t <= T; t++) {
    sqa[t] = sqrtf(abar[t]);
    sqo[t] = sqrtf(oma[t]);
    alpha[t] = 1.0f - beta[t];
    btilde[t] = beta[t] * (oma[t - 1] / oma[t]);
    snr[t] = abar[t] / oma[t];
  }
}

START_TEST(binary32_is_float_arithmetic)
{
  const char *texts[] = {"linear", "linear:T=100,beta_min=0.1,beta_max=0.9", "scaled-linear",
                         "scaled-linear:T=4000,beta_min=0.0001,beta_max=0.02"};
  for (int k = 0; k < 4; k++) {
    ddpm_spec spec;
    ddpm_ref_schedule s;
    ddpm_emu_events ev;
    parse(texts[k], &spec);
    long long T = ddpm_schedule_T(&spec);
    float *v[8];
    for (int q = 0; q < 8; q++) v[q] = calloc((size_t)(T + 1), sizeof(float));
    float_schedule(&spec, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    build_emu(texts[k], "binary32", DDPM_SRC_ALL, 256, &ev, &s);
    mpfr_t *cols[8] = {s.beta, s.alpha, s.abar, s.oma, s.btilde, s.snr, s.sqrt_abar,
                       s.sqrt_oma};
    for (long long t = 1; t <= T; t++)
      for (int q = 0; q < 8; q++)
        ck_assert_msg(mpfr_cmp_d(cols[q][t], (double)v[q][t]) == 0,
                      "%s t=%lld column %d: emulated %a, float %a", texts[k], t, q,
                      emu_d(cols[q][t]), (double)v[q][t]);
    for (int q = 0; q < 8; q++) free(v[q]);
    ddpm_ref_schedule_free(&s);
  }
}
END_TEST

/* Every kind builds in binary32 and bfloat16; its values are the format's;
 * binary32 stays close to binary64. */
START_TEST(narrow_formats_smoke)
{
  const char *fmts[2] = {"binary32", "bfloat16"};
  for (int k = 0; k < NEACH; k++)
    for (int q = 0; q < 2; q++) {
      const ddpm_fmt *fmt = ddpm_fmt_by_name(fmts[q]);
      ddpm_ref_schedule s, d;
      ddpm_emu_events ev, ev64;
      build_emu(one_of_each[k], fmts[q], DDPM_SRC_ALL, 128, &ev, &s);
      build_emu(one_of_each[k], "binary64", DDPM_SRC_ALL, 128, &ev64, &d);
      for (long long t = 0; t <= s.T; t++)
        for (int c = 0; c < SB_NCOL; c++)
          ck_assert_msg(representable(ref_col(&s, c)[t], fmt), "%s %s t=%lld %s",
                        one_of_each[k], fmts[q], t, col_names[c]);
      if (q == 0) { /* binary32: beta within 2^-16 relative of binary64's, abar_T too */
        for (long long t = 1; t <= s.T; t++) {
          double a = emu_d(s.beta[t]), b = emu_d(d.beta[t]);
          ck_assert_msg(fabs(a - b) <= 0x1p-16 * b, "%s t=%lld beta %g vs %g", one_of_each[k],
                        t, a, b);
        }
        double a = emu_d(s.abar[s.T]), b = emu_d(d.abar[s.T]);
        ck_assert_msg(fabs(a - b) <= 0x1p-10 * b, "%s abar_T %g vs %g", one_of_each[k], a, b);
        ck_assert_int_eq(ev.count[DDPM_EV_OVERFLOW] + ev.count[DDPM_EV_INVALID], 0);
      }
      printf("emu %-8s %-34s events:", fmts[q], one_of_each[k]);
      for (int c = 0; c < DDPM_EV_COUNT; c++)
        if (ev.count[c])
          printf(" %s x%lld (first %s)", ddpm_event_name(c), ev.count[c], ev.first_what[c]);
      printf("\n");
      ddpm_ref_schedule_free(&s);
      ddpm_ref_schedule_free(&d);
    }
  /* bfloat16 (8 bits): 1 - 1e-4 is 1, as in binary16 */
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  build_emu("linear", "bfloat16", DDPM_SRC_ALL, 128, &ev, &s);
  ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
  ddpm_ref_schedule_free(&s);
}
END_TEST

/* ---- the sources kept apart */

START_TEST(input_source_alone)
{
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  mpfr_t x;
  mpfr_init2(x, 11);
  /* only the parameters are rounded to binary16: beta_1 and beta_T are
   * the rounded texts (frac = 0 and 1 exactly), and abar_1 = 1 - beta_1
   * computed exactly is not 1 */
  build_emu("linear:T=1000", "binary16", 1u << DDPM_SRC_INPUT, 256, &ev, &s);
  mpfr_set_str(x, "0.0001", 10, MPFR_RNDN);
  ck_assert(mpfr_equal_p(s.beta[1], x));
  mpfr_set_str(x, "0.02", 10, MPFR_RNDN);
  ck_assert(mpfr_equal_p(s.beta[1000], x));
  ck_assert(!representable(s.beta[500], ddpm_fmt_by_name("binary16")));
  ck_assert(mpfr_cmp_ui(s.abar[1], 1) < 0);
  ck_assert_int_eq(ev.count[DDPM_EV_ABAR_ONE], 0);
  ddpm_ref_schedule_free(&s);
  /* only the schedule: the parameters are exact, everything after rounded */
  build_emu("linear:T=1000", "binary16", 1u << DDPM_SRC_SCHEDULE, 256, &ev, &s);
  /* beta_1 = bmin + 0 rounds the exact 1e-4 once: binary16's 1e-4 again */
  mpfr_set_str(x, "0.0001", 10, MPFR_RNDN);
  ck_assert(mpfr_equal_p(s.beta[1], x));
  mpfr_set_str(x, "0.02", 10, MPFR_RNDN); /* bmin + fl(bmax - bmin): 0.02 in binary16 too */
  ck_assert(mpfr_equal_p(s.beta[1000], x));
  ck_assert_str_eq(ev.first_what[DDPM_EV_ABAR_ONE], "abar[1]");
  for (long long t = 1; t <= s.T; t++)
    ck_assert(representable(s.abar[t], ddpm_fmt_by_name("binary16")));
  ddpm_ref_schedule_free(&s);
  mpfr_clear(x);
}
END_TEST

/* ---- the jump */

START_TEST(jump_is_the_fast_paths)
{
  const long long pairs[][2] = {{1, 0}, {2, 0}, {10, 9}, {500, 480}, {1000, 0}, {1000, 999}};
  const char *texts[] = {"linear", "scaled-linear", "file:tests/data/betas_small.txt"};
  mpfr_t bj, aj, rb, ra;
  mpfr_inits2(256, bj, aj, rb, ra, (mpfr_ptr)0);
  for (int k = 0; k < 3; k++) {
    ddpm_spec spec;
    ddpm_fp_schedule f;
    ddpm_ref_schedule s, x;
    ddpm_emu_events ev, evx;
    ddpm_err e = {{0}};
    parse(texts[k], &spec);
    ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), DDPM_OK);
    build_emu(texts[k], "binary64", DDPM_SRC_ALL, 256, &ev, &s);
    build_emu(texts[k], "binary64", 0, 256, &evx, &x);
    ddpm_emu c, cx;
    ddpm_emu_init(&c, ddpm_fmt_by_name("binary64"), DDPM_SRC_ALL, 256, &ev);
    ddpm_emu_init(&cx, ddpm_fmt_by_name("binary64"), 0, 256, &evx);
    for (int q = 0; q < 6; q++) {
      long long t = pairs[q][0], p = pairs[q][1];
      if (t > f.T) continue;
      double fb, fa;
      ddpm_fp_jump(&f, t, p, &fb, &fa);
      ddpm_emu_jump(&c, &s, t, p, bj, aj);
      ck_assert_msg(same(emu_d(bj), fb) && same(emu_d(aj), fa), "%s jump %lld -> %lld",
                    texts[k], t, p);
      /* the empty mask: the oracle's jump on the same betas, operation for
       * operation at P */
      ddpm_emu_jump(&cx, &x, t, p, bj, aj);
      ddpm_ref_jump(&x, t, p, rb, ra);
      ck_assert(mpfr_equal_p(bj, rb) && mpfr_equal_p(aj, ra));
    }
    ddpm_emu_clear(&c);
    ddpm_emu_clear(&cx);
    ddpm_fp_schedule_free(&f);
    ddpm_ref_schedule_free(&s);
    ddpm_ref_schedule_free(&x);
  }
  /* in binary16, on a schedule whose beta_1 reads as 0: the jump's values
   * are the format's, and its events (if any) go to the caller's step */
  ddpm_ref_schedule s;
  ddpm_emu_events ev;
  build_emu("linear:T=1000,beta_min=0.00000001,beta_max=0.02", "binary16", DDPM_SRC_ALL, 256,
            &ev, &s);
  ddpm_emu_events_init(&ev);
  ddpm_emu c;
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary16"), DDPM_SRC_ALL, 256, &ev);
  c.step = 42;
  mpfr_set_ui(bj, 5, MPFR_RNDN); /* overwritten */
  ddpm_emu_jump(&c, &s, 1, 0, bj, aj);
  ck_assert(mpfr_zero_p(bj) && mpfr_cmp_ui(aj, 1) == 0); /* beta_1 = 0 in binary16 */
  ddpm_emu_jump(&c, &s, 3, 0, bj, aj);
  ck_assert(representable(bj, ddpm_fmt_by_name("binary16")));
  ck_assert_int_eq(c.step, 42);
  for (int k = 0; k < DDPM_EV_COUNT; k++)
    ck_assert(ev.count[k] == 0 || ev.first_step[k] == 42);
  ddpm_emu_clear(&c);
  ddpm_ref_schedule_free(&s);
  mpfr_clears(bj, aj, rb, ra, (mpfr_ptr)0);
}
END_TEST

/* ---- a file:PATH schedule whose file is gone: an error, nothing held */

START_TEST(file_gone_is_an_error)
{
  char dir[64], text[160];
  test_scratch_dir(dir, sizeof dir);
  snprintf(text, sizeof text, "file:%s/betas.txt", dir);
  FILE *f = fopen(text + 5, "w");
  ck_assert_ptr_nonnull(f);
  fputs("0.001\n0.002\n0.003\n", f);
  fclose(f);
  ddpm_spec spec;
  parse(text, &spec);
  ck_assert_int_eq(unlink(text + 5), 0);
  ddpm_emu_events ev;
  ddpm_emu c;
  ddpm_ref_schedule s;
  ddpm_err e = {{0}};
  ddpm_emu_events_init(&ev);
  ddpm_emu_init(&c, ddpm_fmt_by_name("binary16"), DDPM_SRC_ALL, 64, &ev);
  ck_assert_int_eq(ddpm_emu_schedule_build(&spec, &c, &s, &e), DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, "cannot open") != NULL, "%s", e.msg);
  ck_assert_ptr_null(s.beta);
  ck_assert_ptr_null(s.sqrt_oma);
  /* a different number of lines than the spec saw */
  f = fopen(text + 5, "w");
  fputs("0.001\n0.002\n", f);
  fclose(f);
  ck_assert_int_eq(ddpm_emu_schedule_build(&spec, &c, &s, &e), DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, "changed") != NULL, "%s", e.msg);
  ddpm_emu_clear(&c);
  unlink(text + 5);
  rmdir(dir);
}
END_TEST

Suite *emu_schedule_suite(void)
{
  Suite *su = suite_create("emu_schedule");
  TCase *tc = tcase_create("emu_schedule");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, binary64_is_the_fast_path_bit_for_bit, 0, NEXACT);
  tcase_add_loop_test(tc, binary64_is_the_fast_path_within_libm, 0, NLIBM);
  tcase_add_loop_test(tc, empty_mask_is_the_oracle, 0, NEACH);
  tcase_add_test(tc, binary16_abar_rounds_to_one);
  tcase_add_test(tc, binary16_oma_rounds_to_zero);
  tcase_add_test(tc, binary32_is_float_arithmetic);
  tcase_add_test(tc, narrow_formats_smoke);
  tcase_add_test(tc, input_source_alone);
  tcase_add_test(tc, jump_is_the_fast_paths);
  tcase_add_test(tc, file_gone_is_an_error);
  suite_add_tcase(su, tc);
  return su;
}
