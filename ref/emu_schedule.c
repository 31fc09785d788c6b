/* emu_schedule.c: the fast path's schedule (fp/fp_schedule*.c) in an
 * emulated format (ddpm_emu.h, spec/maths.md section 8).
 *
 * Each function below mirrors one fp/ function, operation by operation and
 * in the same order: every rounded binary64 operation of the fast path is one
 * ddpm_emu_* call here, including the int -> double conversions (exact in
 * binary64, rounded in a narrow format) and the libm calls (correctly
 * rounded here). Decimal parameters are read under DDPM_SRC_INPUT, all the
 * rest is DDPM_SRC_SCHEDULE. The operations that are exact in any format
 * (negation, copies, fmin, the constants 0, 1/2, 1 and 2) stay exact here;
 * products by 2 and 1/2 are formed exactly, then rounded once (overflow,
 * underflow). cosine's binary64 constant HALF_PI is pi/2 rounded to the
 * format (an operation of the schedule source). Comparisons branch on the
 * emulated values, as C compares doubles (false on NaN).
 *
 * The fast path's run-time invariant checks (check_invariants) are not
 * made and nothing is refused: breaking them is what a narrow format does,
 * and what the audit reports through the events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_emu.h"
#include "ddpm_schedule_file.h"

#define NCOLS 9
#define SCHED DDPM_SRC_SCHEDULE

static mpfr_t **column(ddpm_ref_schedule *s, int q)
{
  mpfr_t **cols[NCOLS] = {&s->beta, &s->alpha, &s->abar, &s->oma,
                          &s->log_abar, &s->btilde, &s->snr, &s->sqrt_abar, &s->sqrt_oma};
  return cols[q];
}

/* An event label, "name[t]" (t < 0: the name alone), formatted by hand:
 * one per operation, so printf's cost would show. */
typedef struct {
  char buf[64];
} label;

static const char *lab(label *l, const char *name, long long t)
{
  size_t n = strlen(name);
  if (n > 40) n = 40;
  memcpy(l->buf, name, n);
  if (t >= 0) {
    char d[24];
    int k = 0;
    do {
      d[k++] = (char)('0' + t % 10);
      t /= 10;
    } while (t > 0);
    l->buf[n++] = '[';
    while (k > 0) l->buf[n++] = d[--k];
    l->buf[n++] = ']';
  }
  l->buf[n] = '\0';
  return l->buf;
}

/* r <- (double)n: an integer converted to the format (exact in binary64). */
static void conv(ddpm_emu *c, const char *what, mpfr_t r, long long n)
{
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_si(x, (long)n, MPFR_RNDN); /* exact: |n| <= 2 DDPM_T_MAX + 1 */
  ddpm_emu_set(c, SCHED, what, r, x);
  mpfr_clear(x);
}

/* r <- a parameter's decimal text, read into the format (strtod in fp/). */
static void param(ddpm_emu *c, const ddpm_spec *spec, int idx, mpfr_t r)
{
  ddpm_emu_set_str(c, DDPM_SRC_INPUT, spec->desc->params[idx].key, r, spec->text[idx]);
}

/* r <- 1.0 - a, one rounded subtraction (a may alias r). */
static void one_minus(ddpm_emu *c, const char *what, mpfr_t r, mpfr_srcptr a)
{
  mpfr_t one;
  mpfr_init2(one, 2);
  mpfr_set_ui(one, 1, MPFR_RNDN);
  ddpm_emu_sub(c, SCHED, what, r, one, a);
  mpfr_clear(one);
}

/* x >= 1/2, x < 1/2, x == 1 as C compares doubles (false on NaN) */
static int ge_half(mpfr_srcptr x) { return !mpfr_nan_p(x) && mpfr_cmp_d(x, 0.5) >= 0; }
static int lt_half(mpfr_srcptr x) { return !mpfr_nan_p(x) && mpfr_cmp_d(x, 0.5) < 0; }
static int is_one(mpfr_srcptr x) { return !mpfr_nan_p(x) && mpfr_cmp_ui(x, 1) == 0; }

/* Scratch numbers at P. */
#define NTMP 12
typedef struct {
  mpfr_t v[NTMP];
} scratch;

static void scratch_init(scratch *w, mpfr_prec_t prec)
{
  for (int q = 0; q < NTMP; q++) mpfr_init2(w->v[q], prec);
}

static void scratch_clear(scratch *w)
{
  for (int q = 0; q < NTMP; q++) mpfr_clear(w->v[q]);
}

/* ---- fp_schedule_linear.c: ddpm_fp_linear_fill (beta and abar) */
static void linear_fill(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr bmin = w.v[0], bmax = w.v[1], num = w.v[2], den = w.v[3], frac = w.v[4],
           width = w.v[5], oneminus = w.v[6], prod = w.v[7];
  param(c, spec, DDPM_LINEAR_BETA_MIN, bmin);
  param(c, spec, DDPM_LINEAR_BETA_MAX, bmax);
  mpfr_set_ui(prod, 1, MPFR_RNDN);
  mpfr_set_zero(s->beta[0], 1);
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  for (long long t = 1; t <= T; t++) {
    /* linear_frac: (double)(t - 1) / (double)(T - 1) */
    conv(c, lab(&l, "t-1", t), num, t - 1);
    conv(c, lab(&l, "T-1", -1), den, T - 1);
    ddpm_emu_div(c, SCHED, lab(&l, "frac", t), frac, num, den);
    /* linear_beta: bmin + (bmax - bmin) frac */
    ddpm_emu_sub(c, SCHED, lab(&l, "beta_max-beta_min", -1), width, bmax, bmin);
    ddpm_emu_mul(c, SCHED, lab(&l, "beta", t), width, width, frac);
    ddpm_emu_add(c, SCHED, lab(&l, "beta", t), s->beta[t], bmin, width);
    /* abar_step: prod (1 - b) */
    one_minus(c, lab(&l, "1-beta", t), oneminus, s->beta[t]);
    ddpm_emu_mul(c, SCHED, lab(&l, "abar", t), prod, prod, oneminus);
    mpfr_set(s->abar[t], prod, MPFR_RNDN);
  }
  scratch_clear(&w);
}

/* ---- fp_schedule_scaled_linear.c: ddpm_fp_scaled_linear_betas */
static void scaled_linear_betas(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr bmin = w.v[0], bmax = w.v[1], lo = w.v[2], width = w.v[3], num = w.v[4],
           den = w.v[5], frac = w.v[6], root = w.v[7];
  param(c, spec, DDPM_LINEAR_BETA_MIN, bmin);
  param(c, spec, DDPM_LINEAR_BETA_MAX, bmax);
  ddpm_emu_sqrt(c, SCHED, "sqrt(beta_min)", lo, bmin);
  ddpm_emu_sqrt(c, SCHED, "sqrt(beta_max)", width, bmax);
  ddpm_emu_sub(c, SCHED, "sqrt(beta_max)-sqrt(beta_min)", width, width, lo);
  mpfr_set_zero(s->beta[0], 1);
  for (long long t = 1; t <= T; t++) {
    /* sl_frac */
    conv(c, lab(&l, "t-1", t), num, t - 1);
    conv(c, lab(&l, "T-1", -1), den, T - 1);
    ddpm_emu_div(c, SCHED, lab(&l, "frac", t), frac, num, den);
    /* sl_beta: (lo + width frac)^2 */
    ddpm_emu_mul(c, SCHED, lab(&l, "root", t), root, width, frac);
    ddpm_emu_add(c, SCHED, lab(&l, "root", t), root, lo, root);
    ddpm_emu_mul(c, SCHED, lab(&l, "beta", t), s->beta[t], root, root);
  }
  scratch_clear(&w);
}

/* ---- fp_schedule_cosine.c: ddpm_fp_cosine_betas */

/* cos_units: (double)n / (double)T */
static void cos_units(ddpm_emu *c, mpfr_t r, mpfr_t tmp, long long n, long long T, long long t)
{
  label l;
  conv(c, lab(&l, "n", t), r, n);
  conv(c, lab(&l, "T", -1), tmp, T);
  ddpm_emu_div(c, SCHED, lab(&l, "n/T", t), r, r, tmp);
}

static void cosine_betas(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr sv = w.v[0], max_beta = w.v[1], cc = w.v[2], dT = w.v[3], sin_diff = w.v[4],
           a_units = w.v[5], comp_units = w.v[6], cos_a = w.v[7], x = w.v[8], y = w.v[9],
           num = w.v[10], tmp = w.v[11];
  param(c, spec, DDPM_COSINE_S, sv);
  param(c, spec, DDPM_COSINE_MAX_BETA, max_beta);
  /* cos_c: HALF_PI / (1.0 + s), HALF_PI the binary64 constant nearest pi/2
   * (here pi/2 rounded to the format) */
  mpfr_const_pi(tmp, MPFR_RNDN);
  mpfr_div_2ui(tmp, tmp, 1, MPFR_RNDN);
  ddpm_emu_set(c, SCHED, "pi/2", tmp, tmp);
  mpfr_set_ui(cc, 1, MPFR_RNDN);
  ddpm_emu_add(c, SCHED, "1+s", cc, cc, sv);
  ddpm_emu_div(c, SCHED, "c", cc, tmp, cc);
  /* cos_dT: (double)T */
  conv(c, "T", dT, T);
  /* cos_sin_diff: sin(c / dT) */
  ddpm_emu_div(c, SCHED, "c/T", sin_diff, cc, dT);
  ddpm_emu_sin(c, SCHED, "sin(b-a)", sin_diff, sin_diff);
  mpfr_set_zero(s->beta[0], 1);
  for (long long t = 1; t <= T; t++) {
    /* cos_beta */
    cos_units(c, a_units, tmp, t - 1, T, t);
    ddpm_emu_add(c, SCHED, lab(&l, "a_units", t), a_units, a_units, sv);
    cos_units(c, comp_units, tmp, T - t + 1, T, t);
    /* cos_of(c, a_units, comp_units) */
    if (mpfr_lessequal_p(a_units, comp_units)) {
      ddpm_emu_mul(c, SCHED, lab(&l, "a", t), cos_a, cc, a_units);
      ddpm_emu_cos(c, SCHED, lab(&l, "cos(a)", t), cos_a, cos_a);
    } else {
      ddpm_emu_mul(c, SCHED, lab(&l, "pi/2-a", t), cos_a, cc, comp_units);
      ddpm_emu_sin(c, SCHED, lab(&l, "cos(a)", t), cos_a, cos_a);
    }
    /* sin_small(c, cos_units(2t - 1, T) + 2.0 s, cos_units(2T - 2t + 1, T)) */
    cos_units(c, x, tmp, 2 * t - 1, T, t);
    mpfr_mul_ui(tmp, sv, 2, MPFR_RNDN);
    ddpm_emu_set(c, SCHED, lab(&l, "2s", -1), tmp, tmp);
    ddpm_emu_add(c, SCHED, lab(&l, "b+a_units", t), x, x, tmp);
    cos_units(c, y, tmp, 2 * T - 2 * t + 1, T, t);
    if (mpfr_lessequal_p(x, y)) {
      ddpm_emu_mul(c, SCHED, lab(&l, "b+a", t), num, cc, x);
      ddpm_emu_sin(c, SCHED, lab(&l, "sin(b+a)", t), num, num);
    } else {
      ddpm_emu_mul(c, SCHED, lab(&l, "pi-(b+a)", t), num, cc, y);
      ddpm_emu_sin(c, SCHED, lab(&l, "sin(b+a)", t), num, num);
    }
    ddpm_emu_mul(c, SCHED, lab(&l, "num", t), num, num, sin_diff);
    ddpm_emu_mul(c, SCHED, lab(&l, "cos^2(a)", t), cos_a, cos_a, cos_a);
    ddpm_emu_div(c, SCHED, lab(&l, "beta", t), num, num, cos_a);
    /* fmin(b, max_beta): exact (NaN gives the other operand, as fmin) */
    mpfr_min(s->beta[t], num, max_beta, MPFR_RNDN);
  }
  scratch_clear(&w);
}

/* ---- fp_schedule_li_yan.c: ddpm_fp_li_yan_betas */
static void li_yan_betas(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr c0 = w.v[0], c1 = w.v[1], dT = w.v[2], logT = w.v[3], k = w.v[4],
           log_beta1 = w.v[5], log_growth = w.v[6], dt = w.v[7], x = w.v[8], one = w.v[9];
  param(c, spec, DDPM_LY_C0, c0);
  param(c, spec, DDPM_LY_C1, c1);
  conv(c, "T", dT, T);
  ddpm_emu_log(c, SCHED, "log(T)", logT, dT);
  /* ly_k: c1 logT / dT */
  ddpm_emu_mul(c, SCHED, "c1 log(T)", k, c1, logT);
  ddpm_emu_div(c, SCHED, "k", k, k, dT);
  /* ly_log_beta1: (-c0) logT */
  mpfr_neg(log_beta1, c0, MPFR_RNDN);
  ddpm_emu_mul(c, SCHED, "log(beta[1])", log_beta1, log_beta1, logT);
  ddpm_emu_log1p(c, SCHED, "log1p(k)", log_growth, k);
  mpfr_set_zero(s->beta[0], 1);
  ddpm_emu_exp(c, SCHED, "beta[1]", s->beta[1], log_beta1);
  mpfr_set_ui(one, 1, MPFR_RNDN);
  for (long long t = 1; t < T; t++) {
    conv(c, lab(&l, "t", t), dt, t);
    /* ly_beta: k fmin(exp(log_beta1 + dt log_growth), 1) */
    ddpm_emu_mul(c, SCHED, lab(&l, "t log1p(k)", t), x, dt, log_growth);
    ddpm_emu_add(c, SCHED, lab(&l, "log(beta)", t + 1), x, log_beta1, x);
    ddpm_emu_exp(c, SCHED, lab(&l, "beta/k", t + 1), x, x);
    mpfr_min(x, x, one, MPFR_RNDN); /* fmin: exact */
    ddpm_emu_mul(c, SCHED, lab(&l, "beta", t + 1), s->beta[t + 1], k, x);
  }
  scratch_clear(&w);
}

/* ---- fp_schedule_lcw.c: ddpm_fp_lcw_fill (beta, abar and 1 - abar) */
static void lcw_fill(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr c0 = w.v[0], c1 = w.v[1], logT = w.v[2], k = w.v[3], x = w.v[4], growth = w.v[5],
           ka = w.v[6];
  param(c, spec, DDPM_LY_C0, c0);
  param(c, spec, DDPM_LY_C1, c1);
  /* logT = log((double)T), k = c1 * logT / (double)T */
  conv(c, "T", logT, T);
  ddpm_emu_log(c, SCHED, "log(T)", logT, logT);
  ddpm_emu_mul(c, SCHED, "c1 log(T)", k, c1, logT);
  conv(c, "T", x, T);
  ddpm_emu_div(c, SCHED, "k", k, k, x);
  /* x = -c0 * logT, abar[T] = exp(x), oma[T] = -expm1(x) */
  mpfr_neg(x, c0, MPFR_RNDN);
  ddpm_emu_mul(c, SCHED, "-c0 log(T)", x, x, logT);
  ddpm_emu_exp(c, SCHED, lab(&l, "abar", T), s->abar[T], x);
  ddpm_emu_expm1(c, SCHED, lab(&l, "1-abar", T), s->oma[T], x);
  mpfr_neg(s->oma[T], s->oma[T], MPFR_RNDN);
  for (long long t = T; t > 1; t--) {
    /* growth = k * abar[t] * oma[t] */
    ddpm_emu_mul(c, SCHED, lab(&l, "k abar", t), growth, k, s->abar[t]);
    ddpm_emu_mul(c, SCHED, lab(&l, "growth", t), growth, growth, s->oma[t]);
    ddpm_emu_add(c, SCHED, lab(&l, "abar", t - 1), s->abar[t - 1], s->abar[t], growth);
    /* abar[t - 1] = next < 1.0 ? next : 1.0 (exact) */
    if (!(mpfr_cmp_ui(s->abar[t - 1], 1) < 0) || mpfr_nan_p(s->abar[t - 1]))
      mpfr_set_ui(s->abar[t - 1], 1, MPFR_RNDN);
    /* oma[t - 1] = oma[t] * (1.0 - k * abar[t]) */
    ddpm_emu_mul(c, SCHED, lab(&l, "k abar", t), ka, k, s->abar[t]);
    one_minus(c, lab(&l, "1-k abar", t), ka, ka);
    ddpm_emu_mul(c, SCHED, lab(&l, "1-abar", t - 1), s->oma[t - 1], s->oma[t], ka);
    ddpm_emu_div(c, SCHED, lab(&l, "beta", t), s->beta[t], growth, s->abar[t - 1]);
  }
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->oma[0], 1);
  mpfr_set_zero(s->beta[0], 1);
  mpfr_set(s->beta[1], s->oma[1], MPFR_RNDN); /* abar_0 = 1: beta_1 = 1 - abar_1 */
  scratch_clear(&w);
}

/* ---- fp_schedule_continuous.c: ddpm_fp_vp_fill and ddpm_fp_ou_fill */

/* grid: step = (end - eps)/(double)(T - 1); tau = k == 0 ? 0 : eps + step (double)(k - 1);
 * width = k == 1 ? eps : step */
static void grid(ddpm_emu *c, long long k, long long T, mpfr_srcptr eps, mpfr_srcptr end,
                 mpfr_t tau, mpfr_t width, mpfr_t tmp)
{
  label l;
  ddpm_emu_sub(c, SCHED, "end-eps", width, end, eps); /* width holds step */
  conv(c, "T-1", tmp, T - 1);
  ddpm_emu_div(c, SCHED, "step", width, width, tmp);
  if (k == 0) mpfr_set_zero(tau, 1);
  else {
    conv(c, lab(&l, "k-1", k), tmp, k - 1);
    ddpm_emu_mul(c, SCHED, lab(&l, "tau", k), tmp, width, tmp);
    ddpm_emu_add(c, SCHED, lab(&l, "tau", k), tau, eps, tmp);
  }
  if (k == 1) mpfr_set(width, eps, MPFR_RNDN);
}

/* fill_from_integral: abar = exp(-B), 1 - abar = -expm1(-B), beta = -expm1(-dB) */
static void fill_from_integral(ddpm_emu *c, ddpm_ref_schedule *s, mpfr_t *B, mpfr_t *dB,
                               mpfr_t x)
{
  label l;
  for (long long k = 1; k <= s->T; k++) {
    mpfr_neg(x, B[k], MPFR_RNDN);
    ddpm_emu_exp(c, SCHED, lab(&l, "abar", k), s->abar[k], x);
    mpfr_neg(x, B[k], MPFR_RNDN);
    ddpm_emu_expm1(c, SCHED, lab(&l, "1-abar", k), s->oma[k], x);
    mpfr_neg(s->oma[k], s->oma[k], MPFR_RNDN);
    mpfr_neg(x, dB[k], MPFR_RNDN);
    ddpm_emu_expm1(c, SCHED, lab(&l, "beta", k), s->beta[k], x);
    mpfr_neg(s->beta[k], s->beta[k], MPFR_RNDN);
  }
  mpfr_set_zero(s->beta[0], 1);
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->oma[0], 1);
}

static void continuous_fill(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s,
                            mpfr_t *B, mpfr_t *dB)
{
  const long long T = s->T;
  label l;
  scratch w;
  scratch_init(&w, c->prec);
  mpfr_ptr bmin = w.v[0], bmax = w.v[1], eps = w.v[2], end = w.v[3], slope = w.v[4],
           prev = w.v[5], tau = w.v[6], width = w.v[7], half = w.v[8], tmp = w.v[9];
  if (spec->kind == DDPM_SCHEDULE_VP) {
    param(c, spec, DDPM_VP_BETA_MIN, bmin);
    param(c, spec, DDPM_VP_BETA_MAX, bmax);
    param(c, spec, DDPM_VP_EPS, eps);
    mpfr_set_ui(end, 1, MPFR_RNDN);
    /* ddpm_fp_vp_fill */
    ddpm_emu_sub(c, SCHED, "beta_max-beta_min", slope, bmax, bmin);
    mpfr_set_zero(prev, 1);
    for (long long k = 1; k <= T; k++) {
      grid(c, k, T, eps, end, tau, width, tmp);
      /* vp_B: half = 0.5 slope tau; tau (bmin + half) */
      mpfr_div_2ui(half, slope, 1, MPFR_RNDN);
      ddpm_emu_set(c, SCHED, "slope/2", half, half);
      ddpm_emu_mul(c, SCHED, lab(&l, "B/tau", k), half, half, tau);
      ddpm_emu_add(c, SCHED, lab(&l, "B/tau", k), half, bmin, half);
      ddpm_emu_mul(c, SCHED, lab(&l, "B", k), B[k], tau, half);
      /* vp_dB: half = 0.5 slope (tau + prev); width (bmin + half) */
      mpfr_div_2ui(half, slope, 1, MPFR_RNDN);
      ddpm_emu_set(c, SCHED, "slope/2", half, half);
      ddpm_emu_add(c, SCHED, lab(&l, "tau+prev", k), tmp, tau, prev);
      ddpm_emu_mul(c, SCHED, lab(&l, "dB/width", k), half, half, tmp);
      ddpm_emu_add(c, SCHED, lab(&l, "dB/width", k), half, bmin, half);
      ddpm_emu_mul(c, SCHED, lab(&l, "dB", k), dB[k], width, half);
      mpfr_set(prev, tau, MPFR_RNDN);
    }
  } else {
    param(c, spec, DDPM_OU_HORIZON, end);
    param(c, spec, DDPM_OU_EPS, eps);
    /* ddpm_fp_ou_fill: B = 2 tau, dB = 2 width */
    for (long long k = 1; k <= T; k++) {
      grid(c, k, T, eps, end, tau, width, tmp);
      mpfr_mul_2ui(B[k], tau, 1, MPFR_RNDN);
      ddpm_emu_set(c, SCHED, lab(&l, "B", k), B[k], B[k]);
      mpfr_mul_2ui(dB[k], width, 1, MPFR_RNDN);
      ddpm_emu_set(c, SCHED, lab(&l, "dB", k), dB[k], dB[k]);
    }
  }
  fill_from_integral(c, s, B, dB, tmp);
  scratch_clear(&w);
}

/* ---- fp_schedule.c: file_betas, accumulate, derive */
static int file_betas(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s, ddpm_err *e)
{
  char **lines;
  long long T;
  label l;
  int rc = ddpm_schedule_file_read(spec->text[DDPM_FILE_PATH], &lines, &T, e);
  if (rc != DDPM_OK) return rc;
  if (T != spec->integer[DDPM_FILE_T] || T != s->T) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s changed while being read",
                     spec->text[DDPM_FILE_PATH]);
  }
  mpfr_set_zero(s->beta[0], 1);
  for (long long t = 1; t <= T; t++)
    ddpm_emu_set_str(c, DDPM_SRC_INPUT, lab(&l, "beta", t), s->beta[t], lines[t - 1]);
  ddpm_schedule_file_free(lines, T);
  return DDPM_OK;
}

/* abar by its product (unless the builder made it) and 1 - abar by the
 * recurrence while abar >= 1/2, directly below (never below 1 - abar_{t-1}) */
static void accumulate(ddpm_emu *c, ddpm_ref_schedule *s, int have_abar)
{
  label l;
  mpfr_t x;
  mpfr_init2(x, c->prec);
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->oma[0], 1);
  for (long long t = 1; t <= s->T; t++) {
    if (!have_abar) {
      one_minus(c, lab(&l, "1-beta", t), x, s->beta[t]);
      ddpm_emu_mul(c, SCHED, lab(&l, "abar", t), s->abar[t], s->abar[t - 1], x);
    }
    if (ge_half(s->abar[t])) {
      ddpm_emu_mul(c, SCHED, lab(&l, "abar beta", t), x, s->abar[t - 1], s->beta[t]);
      ddpm_emu_add(c, SCHED, lab(&l, "1-abar", t), s->oma[t], s->oma[t - 1], x);
    } else {
      /* d = 1 - abar_t, then the larger of d and 1 - abar_{t-1} (exact) */
      one_minus(c, lab(&l, "1-abar", t), x, s->abar[t]);
      mpfr_set(s->oma[t], mpfr_less_p(x, s->oma[t - 1]) ? s->oma[t - 1] : x, MPFR_RNDN);
    }
  }
  mpfr_clear(x);
}

static void derive(ddpm_emu *c, ddpm_ref_schedule *s)
{
  label l;
  mpfr_t x;
  mpfr_init2(x, c->prec);
  ddpm_ref_schedule_row0(s);
  for (long long t = 1; t <= s->T; t++) {
    ddpm_emu_sqrt(c, SCHED, lab(&l, "sqrt(abar)", t), s->sqrt_abar[t], s->abar[t]);
    ddpm_emu_sqrt(c, SCHED, lab(&l, "sqrt(1-abar)", t), s->sqrt_oma[t], s->oma[t]);
    one_minus(c, lab(&l, "alpha", t), s->alpha[t], s->beta[t]);
    if (lt_half(s->oma[t])) {
      mpfr_neg(x, s->oma[t], MPFR_RNDN);
      ddpm_emu_log1p(c, SCHED, lab(&l, "log(abar)", t), s->log_abar[t], x);
    } else {
      ddpm_emu_log(c, SCHED, lab(&l, "log(abar)", t), s->log_abar[t], s->abar[t]);
    }
    ddpm_emu_div(c, SCHED, lab(&l, "(1-abar[t-1])/(1-abar[t])", t), x, s->oma[t - 1],
                 s->oma[t]);
    ddpm_emu_mul(c, SCHED, lab(&l, "btilde", t), s->btilde[t], s->beta[t], x);
    ddpm_emu_div(c, SCHED, lab(&l, "snr", t), s->snr[t], s->abar[t], s->oma[t]);
  }
  mpfr_clear(x);
}

/* abar_t rounded to 1 and 1 - abar_t to 0 (t >= 1) */
static void schedule_events(ddpm_emu *c, const ddpm_ref_schedule *s)
{
  label l;
  for (long long t = 1; t <= s->T; t++) {
    if (is_one(s->abar[t])) ddpm_emu_event(c, DDPM_EV_ABAR_ONE, lab(&l, "abar", t));
    if (mpfr_zero_p(s->oma[t])) ddpm_emu_event(c, DDPM_EV_OMA_ZERO, lab(&l, "1-abar", t));
  }
}

void ddpm_emu_jump(ddpm_emu *c, const ddpm_ref_schedule *s, long long t, long long p,
                   mpfr_t beta_jump, mpfr_t alpha_jump)
{
  label l;
  mpfr_t x;
  mpfr_init2(x, c->prec);
  /* q = q + (1.0 - q) beta[r] */
  mpfr_set_zero(beta_jump, 1);
  for (long long r = p + 1; r <= t; r++) {
    one_minus(c, lab(&l, "1-beta_jump", r), x, beta_jump);
    ddpm_emu_mul(c, SCHED, lab(&l, "beta_jump", r), x, x, s->beta[r]);
    ddpm_emu_add(c, SCHED, lab(&l, "beta_jump", r), beta_jump, beta_jump, x);
  }
  one_minus(c, lab(&l, "alpha_jump", t), alpha_jump, beta_jump);
  mpfr_clear(x);
}

int ddpm_emu_schedule_build(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s,
                            ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  size_t len = (size_t)T + 1;
  s->T = T;
  s->prec = c->prec;
  int ok = 1;
  for (int q = 0; q < NCOLS; q++) {
    mpfr_t *col = ddpm_ref_vector_new(len, c->prec);
    *column(s, q) = col;
    ok = ok && col != NULL;
  }
  if (!ok) {
    ddpm_ref_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  long long step = c->step;
  c->step = 0; /* the schedule's events are charged to step 0 */
  int rc = DDPM_OK, have_abar = 0;
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR:
    linear_fill(spec, c, s);
    have_abar = 1;
    break;
  case DDPM_SCHEDULE_SCALED_LINEAR: scaled_linear_betas(spec, c, s); break;
  case DDPM_SCHEDULE_COSINE: cosine_betas(spec, c, s); break;
  case DDPM_SCHEDULE_LI_YAN: li_yan_betas(spec, c, s); break;
  case DDPM_SCHEDULE_LCW:
    lcw_fill(spec, c, s);
    have_abar = 2;
    break;
  case DDPM_SCHEDULE_FILE: rc = file_betas(spec, c, s, e); break;
  case DDPM_SCHEDULE_VP:
  case DDPM_SCHEDULE_OU: {
    mpfr_t *B = ddpm_ref_vector_new(len, c->prec), *dB = ddpm_ref_vector_new(len, c->prec);
    if (!B || !dB)
      rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
    else
      continuous_fill(spec, c, s, B, dB);
    ddpm_ref_vector_free(B, len);
    ddpm_ref_vector_free(dB, len);
    have_abar = 2;
    break;
  }
  default:
    rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: kind %d has no emulated builder", spec->kind);
  }
  if (rc == DDPM_OK) {
    if (have_abar < 2) accumulate(c, s, have_abar);
    derive(c, s);
    schedule_events(c, s);
  }
  c->step = step;
  if (rc != DDPM_OK) ddpm_ref_schedule_free(s);
  return rc;
}
