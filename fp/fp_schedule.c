/* fp_schedule.c: binary64 schedules: dispatch to the builders, then the
 * derived columns every schedule shares (spec/maths.md sections 1-2). */
#include <math.h>
#include <stdlib.h>

#include "ddpm_fp.h"
#include "ddpm_schedule_file.h"

#define NCOLS 9

static double **column(ddpm_fp_schedule *s, int c)
{
  double **cols[NCOLS] = {&s->beta, &s->alpha, &s->abar, &s->oma,
                          &s->log_abar, &s->btilde, &s->snr, &s->sqrt_abar, &s->sqrt_oma};
  return cols[c];
}

void ddpm_fp_schedule_free(ddpm_fp_schedule *s)
{
  for (int c = 0; c < NCOLS; c++) {
    free(*column(s, c));
    *column(s, c) = NULL;
  }
}

/* Proof helpers (ghost code: comments to the compiler). Rounding facts, each
 * an instance of an axiom of Why3's IEEE-754 theory (ieee_float, the theory
 * WP's float model is built on): rounding to nearest is monotonic
 * (Round_monotonic) and leaves a double unchanged (Round_to_real). Proved by
 * cvc5 on that axiomatisation (proofs/why3/cvc5_axfp.drv); rnd64 is Why3's
 * Float64.round RNE (spec/step.acsl, proofs/step_fp.driver). */
/*@ ghost
  /@ requires 0.0 <= y;
     assigns \nothing;
     ensures ax_add_ge: rnd64(radd(x, y)) >= rnd64(x);
  @/
  static void rnd_add_ge(double x, double y)
  {
    /@ assert add_ge: x <= radd(x, y); @/
  }

  /@ requires 0.0 <= x && 0.0 <= y <= 1.0;
     assigns \nothing;
     ensures ax_mul_le: rnd64(rmul(x, y)) <= rnd64(x);
  @/
  static void rnd_mul_le(double x, double y)
  {
    /@ assert mul_le: rmul(x, y) <= x; @/
  }

  /@ requires \is_finite(x);
     assigns \nothing;
     ensures ax_fix: rnd64(x) == x;
  @/
  static void rnd_fix(double x) { }

  // the constants 0 and 1 the C code stores, as reals (native floating point)
  /@ assigns \nothing;
     ensures fp_consts: (double)1.0 == 1.0 && (double)0.0 == 0.0;
  @/
  static void consts(void) { }

  // the binary64 comparison with 1/2 (as the C code makes it) and the real one
  /@ requires \is_finite(x);
     assigns \nothing;
     ensures ax_half_le: \le_double((double)0.5, x) <==> 0.5 <= x;
     ensures ax_half_lt: \lt_double(x, (double)0.5) <==> x < 0.5;
  @/
  static void half_cmp(double x) { }

  // the binary64 comparison of two doubles (as the C code makes it) and the real one
  /@ requires \is_finite(x) && \is_finite(y);
     assigns \nothing;
     ensures ax_lt: \lt_double(x, y) <==> x < y;
  @/
  static void lt_cmp(double x, double y) { }

  // A double q <= 1 is 1 or at most its predecessor 1 - 2^-53: the
  // binary64 comparison (cvc5, native floating point) and the links between
  // the binary64 and real orders (cvc5 on Why3's axioms lt_finite, le_finite).
  /@ requires \is_finite(x) && x <= 1.0;
     assigns \nothing;
     ensures ax_one_or_below: x == 1.0 || x <= 0x1.fffffffffffffp-1;
  @/
  static void one_or_below(double x)
  {
    if (x < 1.0) {
      /@ assert fp_below1: \le_double(x, (double)0x1.fffffffffffffp-1); @/
    }
  }
*/

/* Proof helpers (ghost) for accumulate. acc_fl: the facts about the rounded
 * operations of one step (Gappa, on ranges only); acc_step: one step on the
 * computed values f = rnd(1 - b), A = rnd(a f) (abar_t), p = rnd(a b),
 * d = rnd(1 - A) and O (1 - abar_t), with the drift |(1 - abar) + abar - 1|
 * of the recurrence bounded by 2^-50 per step while abar >= 1/2. */
/*@ ghost
  /@ requires \is_finite(a) && \is_finite(b) && \is_finite(o);
     requires 0.0 <= a <= 1.0 && 0.0 <= b <= 1.0 && 0.0 <= o <= 1.0;
     assigns \nothing;
     ensures fl_f:     0.0 <= rnd64(rsub(1.0, b)) <= 1.0 &&
                       \abs(rnd_err(rnd64(rsub(1.0, b)), rsub(1.0, b))) <= 0x1p-53;
     ensures fl_af:    \abs(rmul(a, rnd_err(rnd64(rsub(1.0, b)), rsub(1.0, b)))) <= 0x1p-53;
     ensures fl_A:     0.0 <= rnd64(rmul(a, rnd64(rsub(1.0, b)))) <= 1.0 &&
                       \abs(rnd_err(rnd64(rmul(a, rnd64(rsub(1.0, b)))),
                                   rmul(a, rnd64(rsub(1.0, b))))) <= 0x1p-53;
     ensures fl_p:     0.0 <= rnd64(rmul(a, b)) <= 1.0 &&
                       \abs(rnd_err(rnd64(rmul(a, b)), rmul(a, b))) <= 0x1p-53;
     ensures fl_O:     \abs(rnd_err(rnd64(radd(o, rnd64(rmul(a, b)))), radd(o, rnd64(rmul(a, b)))))
                         <= 0x1p-52;
  @/
  static void acc_fl(double a, double b, double o) { }

  /@ requires \is_finite(x) && 0.0 <= x <= 0.5;
     assigns \nothing;
     ensures fl_O2: 0.5 <= rnd64(rsub(1.0, x)) <= 1.0;
  @/
  static void acc_fl2(double x) { }

  /@ requires t_rng:   1 <= t <= DDPM_SCHED_PROVED_TMAX;
     requires fin:     \is_finite(a) && \is_finite(o) && \is_finite(b) && \is_finite(f) &&
                       \is_finite(A) && \is_finite(p) && \is_finite(d) && \is_finite(O);
     requires rng:     0.0 <= a <= 1.0 && 0.0 <= o <= 1.0 && 0.0 < b <= 1.0;
     requires start:   t == 1 ==> a == 1.0 && o == 0.0;
     requires pos:     t > 1 ==> 0.0 < o;
     requires drift:   0.5 <= a ==> \abs(rsub(radd(o, a), 1.0)) <= (t - 1) * 0x1p-50;
     requires f_is:    same(f, rnd64(rsub(1.0, b)));
     requires A_is:    same(A, rnd64(rmul(a, f)));
     requires p_is:    same(p, rnd64(rmul(a, b)));
     requires O1_is:   0.5 <= A ==> same(O, rnd64(radd(o, p)));
     requires d_is:    A < 0.5 ==> same(d, rnd64(rsub(1.0, A)));
     requires O2_is:   A < 0.5 ==> (d < o ==> O == o) && (o <= d ==> O == d);
     assigns \nothing;
     ensures lem_A:     0.0 <= A <= a;
     ensures lem_O:     0.0 < O <= 1.0 && o <= O;
     ensures lem_first: t == 1 ==> O == b || 0.5 <= O;
     ensures lem_drift: 0.5 <= A ==> \abs(rsub(radd(O, A), 1.0)) <= t * 0x1p-50;
  @/
  static void acc_step(long long t, double a, double o, double b, double f, double A,
                       double p, double d, double O)
  {
    acc_fl(a, b, o);
    half_cmp(A);
    half_cmp(a);
    rnd_mul_le(a, f);
    rnd_fix(a);
    rnd_fix(b);
    /@ assert A_le: A <= a; @/
    if (0.5 <= A) {
      rnd_add_ge(o, p);
      rnd_fix(o);
    } else {
      acc_fl2(A);
    }
  }
*/

/* From beta: abar by its product and 1 - abar without cancellation: while
 * abar >= 1/2 by the recurrence 1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t
 * (positive terms only), below 1/2 as 1 - abar_t directly (no cancellation
 * there, and it cannot creep past 1 as the sum could). abar is left alone
 * when the builder already made it (linear, proved). */
/* Proved (proofs/, step 13; WP float model): under the preconditions below,
 * abar_t stays in [0, 1] and never increases and 1 - abar_t stays in (0, 1]
 * and never decreases, in binary64, for any betas in (0, 1). abar_t > 0 is
 * not claimed (it can underflow; check_invariants). */
/*@ requires T_rng:    1 <= s->T <= DDPM_SCHED_PROVED_TMAX;
    requires valid:    \valid(s) && \valid(s->beta + (0 .. s->T)) &&
                       \valid(s->abar + (0 .. s->T)) && \valid(s->oma + (0 .. s->T));
    requires sep:      \separated(s, s->beta + (0 .. s->T), s->abar + (0 .. s->T),
                                   s->oma + (0 .. s->T));
    requires blocks:   \base_addr(s->beta) != \base_addr(s->abar) &&
                       \base_addr(s->beta) != \base_addr(s->oma) &&
                       \base_addr(s->abar) != \base_addr(s->oma);
    requires have:     have_abar == 0 || have_abar == 1;
    requires beta_rng: \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->beta[t]) && 0.0 < s->beta[t] < 1.0;
    requires given:    have_abar == 1 ==> abar_given(s->abar, s->beta, s->T);
    assigns s->abar[0 .. s->T], s->oma[0 .. s->T];
    ensures ends:      s->abar[0] == 1.0 && s->oma[0] == 0.0;
    ensures abar_rng:  abar_nonincr(s->abar, s->T);
    ensures oma_rng:   oma_nondecr(s->oma, s->T);
    ensures oma_1:     s->oma[1] == s->beta[1] || 0.5 <= s->oma[1];
    ensures given:     have_abar == 1 ==> abar_given(s->abar, s->beta, s->T);
*/
static void accumulate(ddpm_fp_schedule *s, int have_abar)
{
  s->abar[0] = 1.0;
  s->oma[0] = 0.0;
  /*@ ghost consts(); */
  /*@ loop invariant t_rng:   1 <= t <= s->T + 1;
      loop invariant ends:    s->abar[0] == 1.0 && s->oma[0] == 0.0;
      loop invariant in_b:    \forall integer j; 1 <= j <= s->T ==>
                                \is_finite(s->beta[j]) && 0.0 < s->beta[j] < 1.0;
      loop invariant abar_i:  \forall integer j; 1 <= j < t ==>
                                \is_finite(s->abar[j]) && 0.0 <= s->abar[j] <= 1.0;
      loop invariant abar_d:  \forall integer j; 1 <= j < t ==> s->abar[j] <= s->abar[j-1];
      loop invariant oma_i:   \forall integer j; 1 <= j < t ==>
                                \is_finite(s->oma[j]) && 0.0 < s->oma[j] <= 1.0;
      loop invariant oma_d:   \forall integer j; 1 <= j < t ==> s->oma[j-1] <= s->oma[j];
      loop invariant oma_1:   t > 1 ==> s->oma[1] == s->beta[1] || 0.5 <= s->oma[1];
      loop invariant drift:   0.5 <= s->abar[t-1] ==>
                                \abs(rsub(radd(s->oma[t-1], s->abar[t-1]), 1.0)) <= (t - 1) * 0x1p-50;
      loop invariant given:   have_abar == 1 ==> abar_given(s->abar, s->beta, s->T);
      loop assigns t, s->abar[1 .. s->T], s->oma[1 .. s->T];
      loop variant s->T + 1 - t;
  */
  for (long long t = 1; t <= s->T; t++) {
    /*@ ghost double b_g = s->beta[t], a_g = s->abar[t - 1], o_g = s->oma[t - 1]; */
    /*@ assert idx: s->abar[(long long)(t - 1)] == a_g && s->oma[(long long)(t - 1)] == o_g; */
    /*@ assert cur_rng: \is_finite(b_g) && 0.0 < b_g <= 1.0 &&
                        \is_finite(a_g) && 0.0 <= a_g <= 1.0 &&
                        \is_finite(o_g) && 0.0 <= o_g <= 1.0 &&
                        (t == 1 ==> a_g == 1.0 && o_g == 0.0) && (t > 1 ==> 0.0 < o_g); */
    /*@ assert cur_c:   \is_finite(s->abar[(long long)(t - 1)]) &&
                        0.0 <= s->abar[(long long)(t - 1)] <= 1.0; */
    /*@ ghost double f_g = 1.0 - s->beta[t]; */
    /*@ assert fl_f_is: same(f_g, rnd64(rsub(1.0, b_g))); */
    if (!have_abar) s->abar[t] = s->abar[t - 1] * (1.0 - s->beta[t]);
    /*@ assert fl_A_is: have_abar == 0 ==> same(s->abar[t], rnd64(rmul(a_g, f_g))); */
    /*@ ghost double A_g = s->abar[t], a2_g = s->abar[t - 1], b2_g = s->beta[t],
                     o2_g = s->oma[t - 1]; */
    /*@ assert reads: a2_g == a_g && b2_g == b_g && o2_g == o_g; */
    /*@ assert cur_rng2: \is_finite(b2_g) && 0.0 <= b2_g <= 1.0 &&
                         \is_finite(a2_g) && 0.0 <= a2_g <= 1.0 &&
                         \is_finite(o2_g) && 0.0 <= o2_g <= 1.0; */
    /*@ assert giv_t: have_abar == 1 ==> \is_finite(s->abar[t]) &&
                        same(s->abar[t], abar_next(s->abar[t-1], s->beta[t])); */
    /*@ assert A_is: \is_finite(A_g) && same(A_g, rnd64(rmul(a_g, f_g))); */
    /*@ ghost acc_fl(a_g, b_g, o_g); */
    /*@ assert cur_c2:  \is_finite(s->abar[(long long)(t - 1)]) &&
                        0.0 <= s->abar[(long long)(t - 1)] <= 1.0 &&
                        \is_finite(s->oma[(long long)(t - 1)]) &&
                        0.0 <= s->oma[(long long)(t - 1)] <= 1.0 &&
                        \is_finite(s->abar[t]) && 0.0 <= s->abar[t] <= 1.0; */
    /*@ ghost double p_g = s->abar[t - 1] * s->beta[t]; */
    /*@ assert fl_p_is: same(p_g, rnd64(rmul(a2_g, b2_g))); */
    /*@ ghost double d_g = 1.0 - A_g; */
    /*@ assert fl_d_is: \is_finite(d_g) && same(d_g, rnd64(rsub(1.0, A_g))); */
    if (s->abar[t] >= 0.5) {
      s->oma[t] = s->oma[t - 1] + s->abar[t - 1] * s->beta[t];
    } else {
      /* Where abar crosses 1/2 this direct value can fall below the
       * recurrence's 1 - abar_{t-1} (whose rounding errors add up, a few
       * 2^-53 per step), though the exact 1 - abar increases: keep the
       * larger. The exact 1 - abar_t exceeds the exact 1 - abar_{t-1}, so the
       * larger is within the error of one of the two. Below, 1 - abar_t
       * computed directly never decreases (rounding is monotonic). */
      double d = 1.0 - s->abar[t];
      s->oma[t] = d < s->oma[t - 1] ? s->oma[t - 1] : d;
    }
    /*@ assert fl_O1_is: \le_double((double)0.5, A_g) ==> same(s->oma[t], rnd64(radd(o2_g, p_g))); */
    /*@ assert O2_is: !\le_double((double)0.5, A_g) ==>
                        (\lt_double(d_g, o2_g) ==> s->oma[t] == o2_g) &&
                        (!\lt_double(d_g, o2_g) ==> s->oma[t] == d_g); */
    /*@ assert O_fin: \is_finite(s->oma[t]); */
    /*@ ghost double O_g = s->oma[t];
              half_cmp(A_g);
              lt_cmp(d_g, o2_g);
              acc_step(t, a_g, o_g, b_g, f_g, A_g, p_g, d_g, O_g); */
    /*@ assert new_t: \is_finite(s->abar[t]) && 0.0 <= s->abar[t] <= s->abar[t-1] &&
                      s->abar[t] <= 1.0 && \is_finite(s->oma[t]) &&
                      0.0 < s->oma[t] <= 1.0 && s->oma[t-1] <= s->oma[t]; */
  }
}

/* Proof helpers (ghost) for derive: the facts about its rounded operations
 * (Gappa, on ranges only; sqrt through assumption L9). */
/*@ ghost
  /@ requires \is_finite(x) && 0.0 <= x <= 1.0;
     assigns \nothing;
     ensures fl_sqrt: 0.0 <= rnd64(\sqrt(x)) <= 1.0;
  @/
  static void sqrt_fl(double x) { }

  /@ requires \is_finite(b) && 0.0 <= b <= 0x1.fffffffffffffp-1;
     assigns \nothing;
     ensures fl_alpha: 0x1p-53 <= rnd64(rsub(1.0, b)) <= 1.0;
  @/
  static void der_alpha_fl(double b) { }

  /@ requires \is_finite(op) && \is_finite(o) && 0.0 <= op <= 1.0 && 0x1p-1022 <= o <= 1.0;
     requires \is_finite(b) && 0.0 <= b <= 1.0 && \is_finite(a) && 0.0 <= a <= 1.0;
     assigns \nothing;
     ensures fl_r:    0.0 <= rnd64(rdiv(op, o));
     ensures fl_one:  rnd64(1.0) == 1.0;
  @/
  static void btilde_fl(double op, double o, double b, double a) { }

  /@ requires \is_finite(a) && \is_finite(o) && 0.0 <= a <= 1.0 && 0x1p-1022 <= o <= 1.0;
     assigns \nothing;
     ensures fl_snr:  0.0 <= rnd64(rdiv(a, o)) <= 0x1p1022;
  @/
  static void snr_fl(double a, double o) { }

  /@ requires \is_finite(b) && \is_finite(r) && 0.0 <= b <= 1.0 && 0.0 <= r <= 1.0;
     assigns \nothing;
     ensures fl_bt_pos: 0.0 <= rnd64(rmul(b, r));
  @/
  static void bt_fl(double b, double r) { }

  /@ requires 0.0 <= x <= y && 0.0 < y;
     assigns \nothing;
     ensures ax_div_le1: rnd64(rdiv(x, y)) <= rnd64(1.0);
  @/
  static void rnd_div_le1(double x, double y)
  {
    /@ assert div_le1: rdiv(x, y) <= 1.0; @/
  }
*/

/*@ // the nine columns of s are separate blocks (each its own malloc)
    predicate columns_apart(ddpm_fp_schedule *s) =
      \base_addr(s->beta) != \base_addr(s->alpha) && \base_addr(s->beta) != \base_addr(s->abar) &&
      \base_addr(s->beta) != \base_addr(s->oma) && \base_addr(s->beta) != \base_addr(s->log_abar) &&
      \base_addr(s->beta) != \base_addr(s->btilde) && \base_addr(s->beta) != \base_addr(s->snr) &&
      \base_addr(s->beta) != \base_addr(s->sqrt_abar) && \base_addr(s->beta) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->alpha) != \base_addr(s->abar) && \base_addr(s->alpha) != \base_addr(s->oma) &&
      \base_addr(s->alpha) != \base_addr(s->log_abar) && \base_addr(s->alpha) != \base_addr(s->btilde) &&
      \base_addr(s->alpha) != \base_addr(s->snr) && \base_addr(s->alpha) != \base_addr(s->sqrt_abar) &&
      \base_addr(s->alpha) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->abar) != \base_addr(s->oma) && \base_addr(s->abar) != \base_addr(s->log_abar) &&
      \base_addr(s->abar) != \base_addr(s->btilde) && \base_addr(s->abar) != \base_addr(s->snr) &&
      \base_addr(s->abar) != \base_addr(s->sqrt_abar) && \base_addr(s->abar) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->oma) != \base_addr(s->log_abar) && \base_addr(s->oma) != \base_addr(s->btilde) &&
      \base_addr(s->oma) != \base_addr(s->snr) && \base_addr(s->oma) != \base_addr(s->sqrt_abar) &&
      \base_addr(s->oma) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->log_abar) != \base_addr(s->btilde) && \base_addr(s->log_abar) != \base_addr(s->snr) &&
      \base_addr(s->log_abar) != \base_addr(s->sqrt_abar) &&
      \base_addr(s->log_abar) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->btilde) != \base_addr(s->snr) && \base_addr(s->btilde) != \base_addr(s->sqrt_abar) &&
      \base_addr(s->btilde) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->snr) != \base_addr(s->sqrt_abar) && \base_addr(s->snr) != \base_addr(s->sqrt_oma) &&
      \base_addr(s->sqrt_abar) != \base_addr(s->sqrt_oma);

    // every column of s valid on 0 .. T
    predicate columns_valid(ddpm_fp_schedule *s) =
      \valid(s) && \valid(s->beta + (0 .. s->T)) && \valid(s->alpha + (0 .. s->T)) &&
      \valid(s->abar + (0 .. s->T)) && \valid(s->oma + (0 .. s->T)) &&
      \valid(s->log_abar + (0 .. s->T)) && \valid(s->btilde + (0 .. s->T)) &&
      \valid(s->snr + (0 .. s->T)) && \valid(s->sqrt_abar + (0 .. s->T)) &&
      \valid(s->sqrt_oma + (0 .. s->T));
*/

/* alpha, log abar, betatilde, SNR and the square roots from beta, abar and
 * 1 - abar. */
/* Proved (proofs/, step 13; WP float model, libm through L9-L11): under the
 * preconditions below every value stored for t >= 1 is finite, with
 * 2^-53 <= alpha_t <= 1, -745 <= log abar_t <= 0, 0 <= betatilde_t <= beta_t,
 * snr_t >= 0 and both square roots in [0, 1]. snr[0] = +infinity is not
 * claimed (WP cannot reason about that constant). */
/*@ requires T_rng:    1 <= s->T <= DDPM_T_MAX;
    requires valid:    columns_valid(s);
    requires blocks:   columns_apart(s);
    requires beta_rng: \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->beta[t]) && 0.0 < s->beta[t] < 1.0;
    requires abar_rng: \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->abar[t]) && 0.0 < s->abar[t] <= 1.0;
    requires oma_rng:  \is_finite(s->oma[0]) && s->oma[0] == 0.0 &&
                       \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->oma[t]) && 0x1p-1022 <= s->oma[t] <= 1.0 &&
                         s->oma[t-1] <= s->oma[t];
    assigns s->alpha[0 .. s->T], s->log_abar[0 .. s->T], s->btilde[0 .. s->T],
            s->snr[0 .. s->T], s->sqrt_abar[0 .. s->T], s->sqrt_oma[0 .. s->T];
    ensures ends:      s->alpha[0] == 1.0 && s->log_abar[0] == 0.0 && s->btilde[0] == 0.0 &&
                       s->sqrt_abar[0] == 1.0 && s->sqrt_oma[0] == 0.0;
    ensures alpha:     \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->alpha[t]) && 0x1p-53 <= s->alpha[t] <= 1.0;
    ensures log_abar:  \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->log_abar[t]) && -745.0 <= s->log_abar[t] <= 0.0;
    ensures btilde:    \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->btilde[t]) && 0.0 <= s->btilde[t] <= s->beta[t];
    ensures snr:       \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->snr[t]) && 0.0 <= s->snr[t];
    ensures roots:     \forall integer t; 1 <= t <= s->T ==>
                         \is_finite(s->sqrt_abar[t]) && 0.0 <= s->sqrt_abar[t] <= 1.0 &&
                         \is_finite(s->sqrt_oma[t]) && 0.0 <= s->sqrt_oma[t] <= 1.0;
*/
static void derive(ddpm_fp_schedule *s)
{
  s->alpha[0] = 1.0;
  s->log_abar[0] = 0.0;
  s->btilde[0] = 0.0;
  s->snr[0] = INFINITY;
  s->sqrt_abar[0] = 1.0;
  s->sqrt_oma[0] = 0.0;
  /*@ ghost consts(); */
  /*@ loop invariant t_rng:  1 <= t <= s->T + 1;
      loop invariant in_b:   \forall integer j; 1 <= j <= s->T ==>
                               \is_finite(s->beta[j]) && 0.0 < s->beta[j] < 1.0;
      loop invariant in_a:   \forall integer j; 1 <= j <= s->T ==>
                               \is_finite(s->abar[j]) && 0.0 < s->abar[j] <= 1.0;
      loop invariant in_o0:  \is_finite(s->oma[0]) && s->oma[0] == 0.0;
      loop invariant in_o:   \forall integer j; 1 <= j <= s->T ==>
                               \is_finite(s->oma[j]) && 0x1p-1022 <= s->oma[j] <= 1.0 &&
                               s->oma[j-1] <= s->oma[j];
      loop invariant ends:   s->alpha[0] == 1.0 && s->log_abar[0] == 0.0 &&
                             s->btilde[0] == 0.0 && s->sqrt_abar[0] == 1.0 &&
                             s->sqrt_oma[0] == 0.0;
      loop invariant rows:   \forall integer j; 1 <= j < t ==>
                               \is_finite(s->alpha[j]) && 0x1p-53 <= s->alpha[j] <= 1.0 &&
                               \is_finite(s->log_abar[j]) && -745.0 <= s->log_abar[j] <= 0.0 &&
                               \is_finite(s->btilde[j]) && 0.0 <= s->btilde[j] <= s->beta[j] &&
                               \is_finite(s->snr[j]) && 0.0 <= s->snr[j] &&
                               \is_finite(s->sqrt_abar[j]) && 0.0 <= s->sqrt_abar[j] <= 1.0 &&
                               \is_finite(s->sqrt_oma[j]) && 0.0 <= s->sqrt_oma[j] <= 1.0;
      loop assigns t, s->alpha[1 .. s->T], s->log_abar[1 .. s->T], s->btilde[1 .. s->T],
                   s->snr[1 .. s->T], s->sqrt_abar[1 .. s->T], s->sqrt_oma[1 .. s->T];
      loop variant s->T + 1 - t;
  */
  for (long long t = 1; t <= s->T; t++) {
    /*@ assert tm1: (long long)(t - 1) == t - 1; */
    /*@ ghost double b_g = s->beta[t], a_g = s->abar[t], o_g = s->oma[t], op_g = s->oma[t - 1]; */
    /*@ assert cur:    \is_finite(b_g) && 0.0 < b_g < 1.0 && \is_finite(a_g) && 0.0 < a_g <= 1.0 &&
                       \is_finite(o_g) && 0x1p-1022 <= o_g <= 1.0 &&
                       \is_finite(op_g) && 0.0 <= op_g <= o_g; */
    /*@ ghost one_or_below(b_g); */
    /*@ assert b_rng:  0.0 <= b_g <= 0x1.fffffffffffffp-1 && 0.0 <= a_g <= 1.0; */
    /*@ ghost double al_g = 1.0 - b_g, no_g = -o_g, r_g = op_g / o_g, bt_g = b_g * r_g,
                     snr_g = a_g / o_g;
              sqrt_fl(a_g); sqrt_fl(o_g); der_alpha_fl(b_g); half_cmp(o_g); snr_fl(a_g, o_g);
              btilde_fl(op_g, o_g, b_g, a_g); rnd_div_le1(op_g, o_g); */
    /*@ assert fl_al:  \is_finite(al_g) && same(al_g, rnd64(rsub(1.0, b_g))); */
    /*@ assert ax_neg: \is_finite(no_g) && same(no_g, -o_g); */
    /*@ assert fl_rg:  \is_finite(r_g) && same(r_g, rnd64(rdiv(op_g, o_g))); */
    /*@ assert fl_snr_g: \is_finite(snr_g) && same(snr_g, rnd64(rdiv(a_g, o_g))); */
    /*@ assert r_rng:  0.0 <= r_g <= 1.0; */
    /*@ assert fl_bt:  \is_finite(bt_g) && same(bt_g, rnd64(rmul(b_g, r_g))); */
    /*@ ghost bt_fl(b_g, r_g); */
    /*@ ghost rnd_mul_le(b_g, r_g); rnd_fix(b_g); */
    /*@ assert new_row: 0x1p-53 <= al_g <= 1.0 && 0.0 <= bt_g <= b_g && 0.0 <= snr_g; */
    s->sqrt_abar[t] = sqrt(s->abar[t]);
    s->sqrt_oma[t] = sqrt(s->oma[t]);
    /*@ assert roots_t: \is_finite(s->sqrt_abar[t]) && 0.0 <= s->sqrt_abar[t] <= 1.0 &&
                        \is_finite(s->sqrt_oma[t]) && 0.0 <= s->sqrt_oma[t] <= 1.0; */
    s->alpha[t] = 1.0 - s->beta[t];
    /*@ assert alpha_t: \is_finite(s->alpha[t]) && s->alpha[t] == al_g; */
    /* log1p(-oma) is accurate where abar is near 1, log(abar) elsewhere */
    s->log_abar[t] = s->oma[t] < 0.5 ? log1p(-s->oma[t]) : log(s->abar[t]);
    /*@ assert log_t:  \is_finite(s->log_abar[t]) && -745.0 <= s->log_abar[t] <= 0.0; */
    /* oma_{t-1}/oma_t rounds to at most 1, so btilde <= beta in binary64 too */
    s->btilde[t] = s->beta[t] * (s->oma[t - 1] / s->oma[t]);
    /*@ assert bt_t:   \is_finite(s->btilde[t]) && s->btilde[t] == bt_g && s->beta[t] == b_g; */
    s->snr[t] = s->abar[t] / s->oma[t];
    /*@ assert snr_t:  \is_finite(s->snr[t]) && s->snr[t] == snr_g; */
  }
}

/* What binary64 can hold, checked for every schedule (the proofs cover the
 * linear builder on its domain; see proofs/report.md). */
static int check_invariants(const ddpm_fp_schedule *s, ddpm_err *e)
{
  for (long long t = 1; t <= s->T; t++) {
    if (!(s->beta[t] > 0.0 && s->beta[t] < 1.0))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: beta_%lld = %.17g is not in (0, 1)",
                       t, s->beta[t]);
    if (!(s->abar[t] > 0.0))
      return ddpm_fail(e, DDPM_EINPUT,
                       "--schedule: abar_%lld underflows binary64 (schedule too long or "
                       "betas too large)", t);
    if (!(s->abar[t] <= s->abar[t - 1] && s->abar[t] <= 1.0))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: abar_%lld increases in binary64", t);
    /* strictly increasing in the reals; in binary64 it may saturate at 1 */
    if (!(s->oma[t] >= s->oma[t - 1] && s->oma[t] > 0.0 && s->oma[t] <= 1.0))
      return ddpm_fail(e, DDPM_EINPUT,
                       "--schedule: 1 - abar_%lld decreases or leaves (0, 1] in binary64", t);
    if (!(s->btilde[t] >= 0.0 && s->btilde[t] <= s->beta[t]))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: betatilde_%lld out of [0, beta]", t);
  }
  return DDPM_OK;
}

static int file_betas(const ddpm_spec *spec, double *beta, ddpm_err *e)
{
  char **lines;
  long long T;
  int rc = ddpm_schedule_file_read(spec->text[DDPM_FILE_PATH], &lines, &T, e);
  if (rc != DDPM_OK) return rc;
  if (T != spec->integer[DDPM_FILE_T]) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s changed while being read",
                     spec->text[DDPM_FILE_PATH]);
  }
  beta[0] = 0.0;
  for (long long t = 1; t <= T; t++) beta[t] = strtod(lines[t - 1], NULL);
  ddpm_schedule_file_free(lines, T);
  return DDPM_OK;
}

/* Proof helpers (ghost) for ddpm_fp_jump. jump_fl: the facts about the
 * rounded operations of one step q' = rnd(q + rnd(rnd(1 - q) b)) and of
 * alpha = rnd(1 - q) (Gappa, on ranges only); jump_lemma: one step, on the
 * computed c = rnd(1 - q) and m = rnd(c b) (their combination with the
 * rounding facts above). */
/*@ ghost
  /@ requires \is_finite(q) && \is_finite(b);
     requires 0.0 <= q <= 1.0 && 0.0 <= b <= 1.0;
     assigns \nothing;
     ensures fl_c_rng:   0.0 <= rnd64(rsub(1.0, q)) <= 1.0;
     ensures fl_c_err:   rnd_err(rnd64(rsub(1.0, q)), rsub(1.0, q)) <= 0x1p-53;
     ensures fl_m_rng:   0.0 <= rnd64(rmul(rnd64(rsub(1.0, q)), b)) <= 1.0;
     ensures fl_n_le1:   q + rnd64(rmul(rnd64(rsub(1.0, q)), b)) <= 1.0 + 0x1p-53 ==>
                           rnd64(radd(q, rnd64(rmul(rnd64(rsub(1.0, q)), b)))) <= 1.0;
     ensures fl_one:     rnd64(1.0) == 1.0;
  @/
  static void jump_fl(double q, double b) { }

  // alpha = rnd(1 - Q) for Q = rnd(qp + mp), the last step's result (so that
  // Gappa knows Q is a double: Sterbenz's lemma for Q >= 1/2)
  /@ requires \is_finite(qp) && \is_finite(mp);
     requires 0.0 <= qp <= 1.0 && 0.0 <= mp <= 1.0 && rnd64(radd(qp, mp)) <= 1.0;
     assigns \nothing;
     ensures fl_a_rng:   0.0 <= rnd64(rsub(1.0, rnd64(radd(qp, mp)))) <= 1.0;
     ensures fl_a_err:   \abs(rnd_err(rnd64(rsub(1.0, rnd64(radd(qp, mp)))),
                                   rsub(1.0, rnd64(radd(qp, mp))))) <= 0x1p-53;
     ensures fl_a_exact: rnd64(radd(qp, mp)) >= 0.5 ==>
                           rnd_err(rnd64(rsub(1.0, rnd64(radd(qp, mp)))),
                                   rsub(1.0, rnd64(radd(qp, mp)))) == 0.0;
     ensures fl_a_big:   rnd64(radd(qp, mp)) <= 0.5 ==>
                           rnd64(rsub(1.0, rnd64(radd(qp, mp)))) >= 0.5;
  @/
  static void alpha_fl(double qp, double mp) { }

  /@ requires \is_finite(q) && \is_finite(b) && \is_finite(c) && \is_finite(m);
     requires 0.0 <= q <= 1.0 && 0.0 <= b <= 1.0;
     requires fl_c_is: same(c, rnd64(rsub(1.0, q)));
     requires fl_m_is: same(m, rnd64(rmul(c, b)));
     assigns \nothing;
     ensures lem_q_le1:   rnd64(radd(q, m)) <= 1.0;
     ensures lem_q_ge:    rnd64(radd(q, m)) >= q;
     ensures lem_q_first: q == 0.0 ==> rnd64(radd(q, m)) == b;
     ensures lem_m_rng:   0.0 <= m <= 1.0;
  @/
  static void jump_lemma(double q, double b, double c, double m)
  {
    jump_fl(q, b);
    rnd_mul_le(c, b);
    rnd_fix(c);
    /@ assert s_le: q + m <= 1.0 + 0x1p-53; @/
    rnd_add_ge(q, m);
    rnd_fix(q);
    rnd_fix(b);
  }
*/

void ddpm_fp_jump(const ddpm_fp_schedule *s, long long t, long long p, double *beta_jump,
                  double *alpha_jump)
{
  double q = 0.0;
  /*@ ghost double q_prev = 0.0, c_g = 1.0, m_g = 0.0; */
  /*@ loop invariant r_rng:     p + 1 <= r <= t + 1;
      loop invariant prev_rng:  \is_finite(q_prev) && 0.0 <= q_prev <= 1.0 &&
                                \is_finite(m_g) && 0.0 <= m_g <= 1.0;
      loop invariant prev_zero: r <= p + 2 ==> q_prev == 0.0;
      loop invariant q_start:   r == p + 1 ==> q == 0.0;
      loop invariant fl_q_rec:  r >= p + 2 ==> same(q, rnd64(radd(q_prev, m_g)));
      loop invariant q_rng:     \is_finite(q) && 0.0 <= q <= 1.0;
      loop invariant q_first:   r == p + 2 ==> q == s->beta[p + 1];
      loop invariant q_pos:     r >= p + 2 ==> q > 0.0;
      loop assigns r, q, q_prev, c_g, m_g;
      loop variant t - r;
  */
  for (long long r = p + 1; r <= t; r++) /*@ ghost /@ assert b_rng: \is_finite(s->beta[r]) && 0.0 <= s->beta[r] <= 1.0; @/
                                                q_prev = q; c_g = 1.0 - q; m_g = c_g * s->beta[r];
                                                jump_lemma(q, s->beta[r], c_g, m_g); */ q = q + (1.0 - q) * s->beta[r];
  *beta_jump = q;
  *alpha_jump = 1.0 - q;
  /*@ ghost alpha_fl(q_prev, m_g); */
  /*@ assert fl_alpha_is: same(*alpha_jump, rnd64(rsub(1.0, q))); */
  /*@ ghost one_or_below(q); */
}

int ddpm_fp_schedule_build(const ddpm_spec *spec, ddpm_fp_schedule *s, ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  size_t len = (size_t)T + 1;
  s->T = T;
  int ok = 1;
  for (int c = 0; c < NCOLS; c++) {
    *column(s, c) = malloc(len * sizeof(double));
    ok = ok && *column(s, c) != NULL;
  }
  if (!ok) {
    ddpm_fp_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  const double *p = spec->real;
  int rc = DDPM_OK, have_abar = 0;
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR:
    /* proved for T <= DDPM_LINEAR_PROVED_TMAX; beyond, check_invariants decides */
    ddpm_fp_linear_fill((int)T, p[DDPM_LINEAR_BETA_MIN], p[DDPM_LINEAR_BETA_MAX], s->beta,
                        s->abar);
    have_abar = 1;
    break;
  case DDPM_SCHEDULE_SCALED_LINEAR:
    ddpm_fp_scaled_linear_betas(T, p[DDPM_LINEAR_BETA_MIN], p[DDPM_LINEAR_BETA_MAX], s->beta);
    break;
  case DDPM_SCHEDULE_COSINE:
    ddpm_fp_cosine_betas(T, p[DDPM_COSINE_S], p[DDPM_COSINE_MAX_BETA], s->beta);
    break;
  case DDPM_SCHEDULE_LI_YAN:
    ddpm_fp_li_yan_betas(T, p[DDPM_LY_C0], p[DDPM_LY_C1], s->beta);
    break;
  case DDPM_SCHEDULE_LCW:
    ddpm_fp_lcw_fill(T, p[DDPM_LY_C0], p[DDPM_LY_C1], s->beta, s->abar, s->oma);
    have_abar = 2; /* abar and 1 - abar both made */
    break;
  case DDPM_SCHEDULE_FILE:
    rc = file_betas(spec, s->beta, e);
    break;
  case DDPM_SCHEDULE_VP:
  case DDPM_SCHEDULE_OU: {
    double *B = malloc(len * sizeof *B), *dB = malloc(len * sizeof *dB);
    if (!B || !dB)
      rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
    else if (spec->kind == DDPM_SCHEDULE_VP)
      ddpm_fp_vp_fill(T, p[DDPM_VP_BETA_MIN], p[DDPM_VP_BETA_MAX], p[DDPM_VP_EPS], s->beta,
                      s->abar, s->oma, B, dB);
    else
      ddpm_fp_ou_fill(T, p[DDPM_OU_HORIZON], p[DDPM_OU_EPS], s->beta, s->abar, s->oma, B, dB);
    free(B);
    free(dB);
    have_abar = 2;
    break;
  }
  default:
    rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: kind %d has no binary64 builder", spec->kind);
  }
  if (rc == DDPM_OK) {
    if (have_abar < 2) accumulate(s, have_abar);
    derive(s);
    rc = check_invariants(s, e);
  }
  if (rc != DDPM_OK) ddpm_fp_schedule_free(s);
  return rc;
}
