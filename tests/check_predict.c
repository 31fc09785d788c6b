/* check_predict.c: conversions between the score and the epsilon-, x0- and
 * v-predictions (spec/maths.md section 3) in both engines.
 *
 * With a = sqrt(abar_t), b = sqrt(1 - abar_t), o = 1 - abar_t:
 *   eps = -b s,  x0 = (x + o s)/a,  v = a eps - b x0 = -(b/a)(x + s),
 * and back s = -eps/b, s = (a x0 - x)/o, s = -(b x + a v)/b.
 *
 * Checked at t = 1, 2, T/2, T - 1 and T of linear (T = 1000, abar_T = 4e-5),
 * cosine (T = 1000, abar_T = 2.4e-9: abar tiny; 1 - abar_1 = 4e-5) and lcw
 * (T = 100, 1 - abar_1 = 1.1e-20: 1 - abar tiny, abar rounds to 1.0 in
 * binary64), on a grid of (x, s) pairs that includes x + s = 0:
 *
 *  - the oracle (MPFR, 256 bits): the round trips s -> eps -> s, s -> x0 -> s,
 *    s -> v -> s, and the identities x = a x0 + b eps, x0 = a x - b v,
 *    eps = b x + a v, to 2^-240 relative to the magnitude of the terms. Each
 *    side is a handful of roundings at 2^-256 (times T 2^-256 for
 *    a^2 + b^2 = abar + o != 1 exactly), so 2^-240 leaves a factor > 1000.
 *    The magnitude is what the round trip's cancellation dictates:
 *    |s| for eps; |s| + |x|/o for x0 (a x0 - x cancels to o s, ill-conditioned
 *    where o is small: at lcw's t = 1 that is |x| 1e20); |s| + |x| for v
 *    (b x + a v cancels to -b s).
 *  - the fast path (binary64, its own schedule's a, b, o): the same round
 *    trips, with bounds derived below by counting roundings (u = 2^-53,
 *    gamma_k = k u/(1 - k u)): |s' - s| <= gamma_2 |s| (eps),
 *    gamma_6 (|s| + |x|/o) (x0), gamma_7 (|s| + |x|) (v).
 *  - the fast path against the oracle: |fp - ref| <= (eps_f + 2^-200) M with
 *    M the magnitude of the formula's terms and eps_f from the roundings and
 *    the input errors ra, rb, ro of a, b, o (derived per function below),
 *    first with a, b, o the oracle's rounded to nearest (ra, rb, ro <= u:
 *    bounds of 2u to 5u), then with the fast path's own schedule (measured
 *    ra, rb, ro). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"

#define PREC 256
#define U 0x1p-53
#define REF_TOL 0x1p-240   /* oracle round trips and identities */
#define REF_SLACK 0x1p-200 /* oracle's own error, in the fp-vs-ref comparisons */

static const char *const schedules[] = {"linear", "cosine", "lcw"};
#define NSCHED ((int)(sizeof schedules / sizeof schedules[0]))

/* x and the second argument (s, eps, x0 or v); 1.75 and -1.75 give x + s = 0 */
static const double xs[] = {-2.5, 0.3, 1.75, 37.0, -1e-3};
static const double ss[] = {-1.2, 0.01, 3.0, -150.0, -1.75};
#define NX ((int)(sizeof xs / sizeof xs[0]))
#define NS ((int)(sizeof ss / sizeof ss[0]))

/* gamma_k with a margin for its own rounding */
static double gam(int k) { return k * U / (1 - k * U) * (1 + 0x1p-40); }

typedef struct {
  ddpm_spec spec;
  ddpm_ref_schedule rs;
  ddpm_fp_schedule fs;
  long long ts[5];
} sched;

static void sched_open(int i, sched *S)
{
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, schedules[i], &S->spec, &e) == 0, "%s",
                e.msg);
  ck_assert_msg(ddpm_ref_schedule_build(&S->spec, PREC, &S->rs, &e) == DDPM_OK, "%s", e.msg);
  ck_assert_msg(ddpm_fp_schedule_build(&S->spec, &S->fs, &e) == DDPM_OK, "%s", e.msg);
  const long long T = S->rs.T;
  const long long ts[5] = {1, 2, T / 2, T - 1, T};
  memcpy(S->ts, ts, sizeof ts);
}

static void sched_close(sched *S)
{
  ddpm_ref_schedule_free(&S->rs);
  ddpm_fp_schedule_free(&S->fs);
  mpfr_free_cache();
}

static ddpm_ref_time ref_at(const sched *S, long long t)
{
  ddpm_ref_time at = {S->rs.abar[t], S->rs.oma[t], S->rs.sqrt_abar[t], S->rs.sqrt_oma[t]};
  return at;
}

/* |p - q| as a double (computed at PREC bits) */
static double absdiff(mpfr_srcptr p, mpfr_srcptr q)
{
  mpfr_t d;
  mpfr_init2(d, PREC);
  mpfr_sub(d, p, q, MPFR_RNDN);
  double r = fabs(mpfr_get_d(d, MPFR_RNDU));
  mpfr_clear(d);
  return r;
}

static double absdiff_d(mpfr_srcptr p, double q)
{
  mpfr_t d;
  mpfr_init2(d, PREC);
  mpfr_sub_d(d, p, q, MPFR_RNDN);
  double r = fabs(mpfr_get_d(d, MPFR_RNDU));
  mpfr_clear(d);
  return r;
}

/* relative error of a binary64 column value against the oracle's */
static double rel_d(double fp, mpfr_srcptr ref)
{
  return absdiff_d(ref, fp) / fabs(mpfr_get_d(ref, MPFR_RNDN));
}

#define CHECK_LE(err, bound, what)                                                           \
  do {                                                                                       \
    double err_ = (err), bound_ = (bound);                                                   \
    ck_assert_msg(err_ <= bound_, "%s t=%lld x=%g s=%g: %s: error %.3g > bound %.3g",        \
                  schedules[_i], t, x, s, what, err_, bound_);                               \
    if (bound_ > 0 && err_ / bound_ > worst) worst = err_ / bound_;                          \
  } while (0)

/* The oracle: round trips and identities to 2^-240 of the terms' magnitude. */
START_TEST(ref_round_trips_and_identities)
{
  sched S;
  sched_open(_i, &S);
  mpfr_t X, Sc, eps, x0, v, back, tmp, w;
  mpfr_inits2(PREC, X, Sc, eps, x0, v, back, tmp, w, (mpfr_ptr)0);
  double worst = 0;
  for (int q = 0; q < 5; q++) {
    const long long t = S.ts[q];
    ddpm_ref_time at = ref_at(&S, t);
    const double a = mpfr_get_d(at.sqrt_abar, MPFR_RNDN), b = mpfr_get_d(at.sqrt_oma, MPFR_RNDN);
    const double o = mpfr_get_d(at.oma, MPFR_RNDN);
    for (int ix = 0; ix < NX; ix++)
      for (int is = 0; is < NS; is++) {
        const double x = xs[ix], s = ss[is];
        mpfr_set_d(X, x, MPFR_RNDN);
        mpfr_set_d(Sc, s, MPFR_RNDN);
        ddpm_ref_score_to_eps(eps, &at, Sc);
        ddpm_ref_eps_to_score(back, &at, eps);
        CHECK_LE(absdiff(back, Sc), REF_TOL * fabs(s), "s -> eps -> s");
        ddpm_ref_score_to_x0(x0, &at, X, Sc);
        ddpm_ref_x0_to_score(back, &at, X, x0);
        CHECK_LE(absdiff(back, Sc), REF_TOL * (fabs(s) + fabs(x) / o), "s -> x0 -> s");
        ddpm_ref_score_to_v(v, &at, X, Sc, tmp);
        ddpm_ref_v_to_score(back, &at, X, v, tmp);
        CHECK_LE(absdiff(back, Sc), REF_TOL * (fabs(s) + fabs(x)), "s -> v -> s");
        /* x = a x0 + b eps */
        mpfr_mul(w, at.sqrt_abar, x0, MPFR_RNDN);
        mpfr_mul(tmp, at.sqrt_oma, eps, MPFR_RNDN);
        mpfr_add(w, w, tmp, MPFR_RNDN);
        CHECK_LE(absdiff(w, X), REF_TOL * (fabs(x) + o * fabs(s)), "x = a x0 + b eps");
        /* from v: x0 = a x - b v, eps = b x + a v */
        mpfr_mul(w, at.sqrt_abar, X, MPFR_RNDN);
        mpfr_mul(tmp, at.sqrt_oma, v, MPFR_RNDN);
        mpfr_sub(w, w, tmp, MPFR_RNDN);
        CHECK_LE(absdiff(w, x0), REF_TOL * (fabs(x) + fabs(s)) / a, "x0 = a x - b v");
        mpfr_mul(w, at.sqrt_oma, X, MPFR_RNDN);
        mpfr_mul(tmp, at.sqrt_abar, v, MPFR_RNDN);
        mpfr_add(w, w, tmp, MPFR_RNDN);
        CHECK_LE(absdiff(w, eps), REF_TOL * b * (fabs(x) + fabs(s)), "eps = b x + a v");
      }
  }
  printf("predict %s: oracle round trips and identities, error / (2^-240 magnitude) <= %.3g\n",
         schedules[_i], worst);
  fflush(stdout);
  mpfr_clears(X, Sc, eps, x0, v, back, tmp, w, (mpfr_ptr)0);
  sched_close(&S);
}
END_TEST

/* The fast path's round trips, on its own schedule. Counting roundings:
 *  eps: s' = -fl(-fl(b s)/b) = s (1 + d1)(1 + d2): |s' - s| <= gamma_2 |s|.
 *  x0:  x0' = fl(fl(x + fl(o s))/a); fl(a x0') = (x + o s (1 + d1))(1 + d2)(1 + d3)(1 + d4)
 *       (a cancels exactly); s' = fl(fl(fl(a x0') - x)/o) = [x theta_3/o + s (1 + theta_4)]
 *       (1 + theta_2): |s' - s| <= gamma_6 (|s| + |x|/o).
 *  v:   v' = -fl(fl(b/a) fl(x + s)); fl(a v') = -b (x + s)(1 + theta_4) (a fl(b/a) =
 *       b (1 + d1)); s' = -fl(fl(fl(b x) + fl(a v'))/b) = [s (1 + theta_4) +
 *       x (theta_4 - d5)](1 + theta_2): |s' - s| <= gamma_7 (|s| + |x|). */
START_TEST(fp_round_trips)
{
  sched S;
  sched_open(_i, &S);
  double worst = 0, worst_u = 0;
  for (int q = 0; q < 5; q++) {
    const long long t = S.ts[q];
    const ddpm_fp_time at = {S.fs.abar[t], S.fs.oma[t], S.fs.sqrt_abar[t], S.fs.sqrt_oma[t]};
    const double o = at.oma;
    for (int ix = 0; ix < NX; ix++)
      for (int is = 0; is < NS; is++) {
        const double x = xs[ix], s = ss[is];
        double back = ddpm_fp_eps_to_score(&at, ddpm_fp_score_to_eps(&at, s));
        double m = fabs(s);
        CHECK_LE(fabs(back - s), gam(2) * m, "s -> eps -> s");
        worst_u = fmax(worst_u, fabs(back - s) / (U * m));
        back = ddpm_fp_x0_to_score(&at, x, ddpm_fp_score_to_x0(&at, x, s));
        m = fabs(s) + fabs(x) / o;
        CHECK_LE(fabs(back - s), gam(6) * m, "s -> x0 -> s");
        worst_u = fmax(worst_u, fabs(back - s) / (U * m));
        back = ddpm_fp_v_to_score(&at, x, ddpm_fp_score_to_v(&at, x, s));
        m = fabs(s) + fabs(x);
        CHECK_LE(fabs(back - s), gam(7) * m, "s -> v -> s");
        worst_u = fmax(worst_u, fabs(back - s) / (U * m));
      }
  }
  printf("predict %s: fp round trips, error / bound <= %.3g, largest error %.2f u of the "
         "magnitude\n", schedules[_i], worst, worst_u);
  fflush(stdout);
  sched_close(&S);
}
END_TEST

/* The fast path against the oracle, from a, b, o with relative errors ra, rb,
 * ro (against the oracle's). Each term of each formula is the oracle's term
 * times (1 + e) with, counting roundings d_k (|d_k| <= u) and input errors:
 *  score_to_eps  -fl(b s):                 e <= rb + u,            M = b |s|
 *  eps_to_score  -fl(eps/b):               e <= rb + u,            M = |eps|/b
 *  score_to_x0   fl(fl(x + fl(o s))/a):    e <= ro + ra + 3u,      M = (|x| + o |s|)/a
 *  x0_to_score   fl(fl(fl(a x0) - x)/o):   e <= ra + ro + 3u,      M = (a |x0| + |x|)/o
 *  score_to_v    -fl(fl(b/a) fl(x + s)):   e <= rb + ra + 3u,      M = (b/a)(|x| + |s|)
 *                (the oracle's a eps - b x0 equals -(b/a)(x + s) up to a^2 + b^2 - 1)
 *  v_to_score    -fl(fl(fl(b x) + fl(a v))/b): e <= ra + rb + 3u,  M = |x| + a |v|/b
 *                (b cancels exactly in the x term),
 * to first order; the factor 1.01 covers the products of the small terms (all
 * below 2^-40 here). Bound: |fp - ref| <= (1.01 e + 2^-200) M. */
typedef struct {
  double worst, worst_u; /* largest error/bound, and error in units of u M */
  double ra, rb, ro;     /* largest input errors seen */
} cmp_stats;

static void fp_vs_ref(int _i, const sched *S, int own_schedule, cmp_stats *st)
{
  mpfr_t X, Y, r;
  mpfr_inits2(PREC, X, Y, r, (mpfr_ptr)0);
  double worst = 0;
  for (int q = 0; q < 5; q++) {
    const long long t = S->ts[q];
    ddpm_ref_time rat = ref_at(S, t);
    ddpm_fp_time at;
    if (own_schedule) {
      at = (ddpm_fp_time){S->fs.abar[t], S->fs.oma[t], S->fs.sqrt_abar[t], S->fs.sqrt_oma[t]};
    } else {
      at.abar = mpfr_get_d(rat.abar, MPFR_RNDN);
      at.oma = mpfr_get_d(rat.oma, MPFR_RNDN);
      at.sqrt_abar = mpfr_get_d(rat.sqrt_abar, MPFR_RNDN);
      at.sqrt_oma = mpfr_get_d(rat.sqrt_oma, MPFR_RNDN);
    }
    const double ra = rel_d(at.sqrt_abar, rat.sqrt_abar), rb = rel_d(at.sqrt_oma, rat.sqrt_oma);
    const double ro = rel_d(at.oma, rat.oma);
    st->ra = fmax(st->ra, ra), st->rb = fmax(st->rb, rb), st->ro = fmax(st->ro, ro);
    if (!own_schedule) ck_assert(ra <= U && rb <= U && ro <= U);
    /* the oracle's a, b, o as doubles, for the magnitudes */
    const double a = mpfr_get_d(rat.sqrt_abar, MPFR_RNDN), b = mpfr_get_d(rat.sqrt_oma, MPFR_RNDN);
    const double o = mpfr_get_d(rat.oma, MPFR_RNDN);
    const double e1 = 1.01 * (rb + U), e3ab = 1.01 * (ra + rb + 3 * U);
    const double e3ao = 1.01 * (ra + ro + 3 * U);
    for (int ix = 0; ix < NX; ix++)
      for (int is = 0; is < NS; is++) {
        const double x = xs[ix], s = ss[is]; /* s also serves as eps, x0 and v */
        mpfr_set_d(X, x, MPFR_RNDN);
        mpfr_set_d(Y, s, MPFR_RNDN);
        double f, M, e;
#define CMP(fpval, refcall, eps_f, mag, what)                                                \
  do {                                                                                       \
    f = (fpval);                                                                             \
    refcall;                                                                                 \
    e = absdiff_d(r, f);                                                                     \
    M = (mag);                                                                               \
    CHECK_LE(e, ((eps_f) + REF_SLACK) * M * (1 + 0x1p-40), what);                            \
    st->worst_u = fmax(st->worst_u, e / (U * M));                                            \
  } while (0)
        CMP(ddpm_fp_score_to_eps(&at, s), ddpm_ref_score_to_eps(r, &rat, Y), e1, b * fabs(s),
            "score_to_eps");
        CMP(ddpm_fp_eps_to_score(&at, s), ddpm_ref_eps_to_score(r, &rat, Y), e1, fabs(s) / b,
            "eps_to_score");
        CMP(ddpm_fp_score_to_x0(&at, x, s), ddpm_ref_score_to_x0(r, &rat, X, Y), e3ao,
            (fabs(x) + o * fabs(s)) / a, "score_to_x0");
        CMP(ddpm_fp_x0_to_score(&at, x, s), ddpm_ref_x0_to_score(r, &rat, X, Y), e3ao,
            (a * fabs(s) + fabs(x)) / o, "x0_to_score");
        {
          mpfr_t tmp;
          mpfr_init2(tmp, PREC);
          CMP(ddpm_fp_score_to_v(&at, x, s), ddpm_ref_score_to_v(r, &rat, X, Y, tmp), e3ab,
              b / a * (fabs(x) + fabs(s)), "score_to_v");
          CMP(ddpm_fp_v_to_score(&at, x, s), ddpm_ref_v_to_score(r, &rat, X, Y, tmp), e3ab,
              fabs(x) + a * fabs(s) / b, "v_to_score");
          mpfr_clear(tmp);
        }
#undef CMP
      }
  }
  st->worst = fmax(st->worst, worst);
  mpfr_clears(X, Y, r, (mpfr_ptr)0);
}

START_TEST(fp_equals_ref_same_inputs)
{
  sched S;
  sched_open(_i, &S);
  cmp_stats st = {0, 0, 0, 0, 0};
  fp_vs_ref(_i, &S, 0, &st);
  printf("predict %s: fp vs oracle (oracle's a, b, o rounded), error / bound <= %.3g, "
         "largest error %.2f u of the magnitude (bounds 2u to 5u)\n",
         schedules[_i], st.worst, st.worst_u);
  fflush(stdout);
  sched_close(&S);
}
END_TEST

START_TEST(fp_equals_ref_own_schedule)
{
  sched S;
  sched_open(_i, &S);
  cmp_stats st = {0, 0, 0, 0, 0};
  fp_vs_ref(_i, &S, 1, &st);
  printf("predict %s: fp vs oracle (fp schedule: a, b, o within %.2f, %.2f, %.2f u), "
         "error / bound <= %.3g, largest error %.2f u of the magnitude\n",
         schedules[_i], st.ra / U, st.rb / U, st.ro / U, st.worst, st.worst_u);
  fflush(stdout);
  sched_close(&S);
}
END_TEST

Suite *predict_suite(void)
{
  Suite *s = suite_create("predict");
  TCase *tc = tcase_create("conversions");
  tcase_set_tags(tc, "oracle"); /* make check-valgrind */
  tcase_add_loop_test(tc, ref_round_trips_and_identities, 0, NSCHED);
  tcase_add_loop_test(tc, fp_round_trips, 0, NSCHED);
  tcase_add_loop_test(tc, fp_equals_ref_same_inputs, 0, NSCHED);
  tcase_add_loop_test(tc, fp_equals_ref_own_schedule, 0, NSCHED);
  suite_add_tcase(s, tc);
  return s;
}
