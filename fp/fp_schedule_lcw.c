/* fp_schedule_lcw.c: Li, Cai & Wei (2025), eq. 14, defined through abar,
 * k = c1 log T / T:
 *   abar_T = T^-c0,   abar_{t-1} = abar_t + k abar_t (1 - abar_t).
 * 1 - abar_1 is tiny (about 1e-20 for T = 100, c0 = 2, c1 = 10), far below
 * binary64's resolution near 1, so 1 - abar is carried by its own product,
 *   1 - abar_{t-1} = (1 - abar_t)(1 - k abar_t),
 * and beta_t = 1 - abar_t/abar_{t-1} = k abar_t (1 - abar_t)/abar_{t-1}: no
 * subtraction of nearly equal numbers anywhere (k abar_t <= k < 1).
 *
 * abar_{t-1} is capped at 1 (lcw_cap1), which binary64 rounding could
 * otherwise exceed.
 *
 * Proved (proofs/ run 14, contract in spec/ddpm_fp.h): eva_lcw_dbl by Eva
 * over its whole precondition domain (int -> double), the rest by WP in the
 * binary64 float model, under the libm assumptions of
 * proofs/libm_assumptions.h. Helpers split the computation so that each
 * property has one prover (the prefix of its name, proofs/README.md); the
 * operations and their order are those of the formula. */
#include <math.h>

#include "ddpm_fp.h"

/* (double)n */
/*@ requires 100 <= n <= DDPM_SCHED_PROVED_TMAX;
    assigns \nothing;
    ensures eva_lcw_dbl: \is_finite(\result) && 100.0 <= \result <= 10000.0;
*/
static double lcw_dbl(long long n)
{
  return (double)n;
}

/* k = c1 log T / T */
/*@ requires \is_finite(c1) && \is_finite(logT) && \is_finite(dT);
    requires 0x1p-4 <= c1 <= 10.0 && 0x1.6p-1 <= logT <= 0x1.28p3 && 100.0 <= dT <= 10000.0;
    assigns \nothing;
    ensures fl_k_rng: \is_finite(\result) && 0x1p-18 <= \result <= 0x1.dcp-1;
*/
static double lcw_k(double c1, double logT, double dT)
{
  return c1 * logT / dT;
}

/* -c0 log T */
/*@ requires \is_finite(c0) && \is_finite(logT);
    requires 0x1p-4 <= c0 <= 64.0 && 0x1.6p-1 <= logT <= 0x1.28p3;
    assigns \nothing;
    ensures fl_x_rng: \is_finite(\result) && -600.0 <= \result <= -0x1p-5;
*/
static double lcw_x(double c0, double logT)
{
  double neg_c0 = -c0; /* a separate step: Frama-C 25's WP mistypes -c0 inside a product */
  return neg_c0 * logT;
}

/* Proof helpers (ghost code: comments to the compiler). lcw_fl: the facts
 * about the rounded operations of one step (Gappa, on ranges only); the
 * others are instances of Why3's IEEE-754 axioms (rounding is monotonic and
 * leaves a double unchanged; cvc5 on that axiomatisation), and lcw_step
 * combines them (cvc5, rounding uninterpreted). rnd64 and the exact
 * operations: spec/step.acsl. */
/*@ ghost
  /@ requires \is_finite(k) && \is_finite(a) && \is_finite(o);
     requires 0x1p-18 <= k <= 0x1.dcp-1 && 0x1p-866 <= a <= 1.0 && 0.0 <= o <= 1.0;
     assigns \nothing;
     ensures fl_m:   0.0 <= rnd64(rmul(k, a)) <= 0x1.dcp-1 &&
                     \abs(rel_err(rnd64(rmul(k, a)), rmul(k, a))) <= 0x1p-53;
     ensures fl_ka:  0.0 < rmul(k, a);
     ensures fl_g:   0.0 <= rnd64(rmul(rnd64(rmul(k, a)), o)) <= 1.0;
     ensures fl_n:   0.0 <= rnd64(radd(a, rnd64(rmul(rnd64(rmul(k, a)), o)))) <= 2.0;
     ensures fl_f:   0x1p-4 <= rnd64(rsub(1.0, rnd64(rmul(k, a)))) <= 1.0;
     ensures fl_o:   0.0 <= rnd64(rmul(o, rnd64(rsub(1.0, rnd64(rmul(k, a)))))) <= 1.0;
  @/
  static void lcw_fl(double k, double a, double o) { }

  /@ requires \is_finite(g) && \is_finite(A) && 0.0 <= g <= 1.0 && 0x1p-866 <= A <= 1.0;
     assigns \nothing;
     ensures fl_b:   0.0 <= rnd64(rdiv(g, A));
     ensures fl_one: rnd64(1.0) == 1.0;
  @/
  static void lcw_beta_fl(double g, double A) { }

  /@ requires 0.0 <= y;
     assigns \nothing;
     ensures ax_add_ge: rnd64(radd(x, y)) >= rnd64(x);
  @/
  static void lcw_add_ge(double x, double y)
  {
    /@ assert add_ge: x <= radd(x, y); @/
  }

  /@ requires 0.0 <= x && 0.0 <= y <= 1.0;
     assigns \nothing;
     ensures ax_mul_le: rnd64(rmul(x, y)) <= rnd64(x);
  @/
  static void lcw_mul_le(double x, double y)
  {
    /@ assert mul_le: rmul(x, y) <= x; @/
  }

  /@ requires \is_finite(x);
     assigns \nothing;
     ensures ax_fix: rnd64(x) == x;
  @/
  static void lcw_fix(double x) { }

  /@ requires \is_finite(x) && \is_finite(y);
     assigns \nothing;
     ensures ax_lt: \lt_double(x, y) <==> x < y;
  @/
  static void lcw_lt(double x, double y) { }

  /@ assigns \nothing;
     ensures fp_one: (double)1.0 == 1.0 && (double)0.0 == 0.0 && \is_finite((double)1.0) &&
                     \is_finite((double)0.0);
  @/
  static void lcw_consts(void) { }

  // x <= y: x / y rounds to at most 1
  /@ requires 0.0 <= x <= y && 0.0 < y;
     assigns \nothing;
     ensures ax_div_le1: rnd64(rdiv(x, y)) <= rnd64(1.0);
  @/
  static void lcw_div_le1(double x, double y)
  {
    /@ assert div_le1: rdiv(x, y) <= 1.0; @/
  }

  // One step, on the computed m = rnd(k a), g = rnd(m o), n = rnd(a + g),
  // A = min(n, 1), f = rnd(1 - m), O = rnd(o f): abar_{t-1} = A and
  // 1 - abar_{t-1} = O; g <= A bounds beta_t = rnd(g / A) by 1.
  /@ requires fin:   \is_finite(k) && \is_finite(a) && \is_finite(o) && \is_finite(m) &&
                     \is_finite(g) && \is_finite(n) && \is_finite(A) && \is_finite(f) &&
                     \is_finite(O);
     requires rng:   0x1p-18 <= k <= 0x1.dcp-1 && 0x1p-866 <= a <= 1.0 && 0.0 <= o <= 1.0;
     requires m_is:  same(m, rnd64(rmul(k, a)));
     requires g_is:  same(g, rnd64(rmul(m, o)));
     requires n_is:  same(n, rnd64(radd(a, g)));
     requires A_is:  (n < 1.0 ==> A == n) && (1.0 <= n ==> A == 1.0);
     requires f_is:  same(f, rnd64(rsub(1.0, m)));
     requires O_is:  same(O, rnd64(rmul(o, f)));
     assigns \nothing;
     ensures lem_A:  a <= A <= 1.0 && 0x1p-866 <= A;
     ensures lem_O:  0.0 <= O <= o;
     ensures lem_g:  0.0 <= g <= 1.0;
     ensures lem_r:  g <= A;
  @/
  static void lcw_step(double k, double a, double o, double m, double g, double n, double A,
                       double f, double O)
  {
    lcw_fl(k, a, o);
    lcw_fix(a);
    lcw_fix(o);
    lcw_fix(m);
    lcw_mul_le(m, o);
    lcw_add_ge(a, g);
    lcw_mul_le(o, f);
    lcw_mul_le(a, k);
    /@ assert m_le: m <= a; @/
    /@ assert g_le: g <= m; @/
    /@ assert A_ge: a <= A; @/
  }
*/

/* min(x, 1): the exact abar_{t-1} = abar_t (1 + k (1 - abar_t)) is below 1
 * (k < 1), and the rounding errors of abar and 1 - abar must not take the
 * computed one past 1 */
/*@ requires \is_finite(x);
    assigns \nothing;
    ensures cap_fin: \is_finite(\result);
    ensures cap_sel: (x < 1.0 ==> \result == x) && (1.0 <= x ==> \result == 1.0);
*/
static double lcw_cap1(double x)
{
  /*@ ghost lcw_lt(x, 1.0); lcw_consts(); */
  return x < 1.0 ? x : 1.0;
}

void ddpm_fp_lcw_fill(long long T, double c0, double c1, double *beta, double *abar,
                      double *oma)
{
  double dT = lcw_dbl(T);
  double logT = log(dT), k = lcw_k(c1, logT, dT), x = lcw_x(c0, logT);
  abar[T] = exp(x);
  /*@ assert end_abar: \is_finite(abar[T]) && 0x1p-866 <= abar[T] <= 1.0; */
  oma[T] = -expm1(x);
  /*@ assert fl_end_oma: \is_finite(oma[T]) && 0.0 <= oma[T] <= 1.0; */
  /*@ ghost lcw_consts(); */
  /*@ loop invariant t_rng:  1 <= t <= T;
      loop invariant abar_i: \forall integer j; t <= j <= T ==>
                               \is_finite(abar[j]) && 0x1p-866 <= abar[j] <= 1.0;
      loop invariant oma_i:  \forall integer j; t <= j <= T ==>
                               \is_finite(oma[j]) && 0.0 <= oma[j] <= 1.0;
      loop invariant abar_d: \forall integer j; t <= j < T ==> abar[j+1] <= abar[j];
      loop invariant oma_d:  \forall integer j; t <= j < T ==> oma[j] <= oma[j+1];
      loop invariant beta_i: \forall integer j; t < j <= T ==>
                               \is_finite(beta[j]) && 0.0 <= beta[j] <= 1.0;
      loop assigns t, beta[0 .. T], abar[0 .. T], oma[0 .. T];
      loop variant t;
  */
  for (long long t = T; t > 1; t--) {
    /*@ ghost double a_g = abar[t], o_g = oma[t]; */
    /*@ assert cur: \is_finite(a_g) && 0x1p-866 <= a_g <= 1.0 &&
                    \is_finite(o_g) && 0.0 <= o_g <= 1.0; */
    /*@ ghost lcw_fl(k, a_g, o_g); */
    /*@ ghost double m_g = k * a_g; */
    /*@ assert fl_m_is: \is_finite(m_g) && same(m_g, rnd64(rmul(k, a_g))); */
    double growth = k * abar[t] * oma[t];
    /*@ assert fl_g_is: \is_finite(growth) && same(growth, rnd64(rmul(m_g, o_g))); */
    double next = abar[t] + growth;
    /*@ assert fl_n_is: \is_finite(next) && same(next, rnd64(radd(a_g, growth))); */
    oma[t - 1] = oma[t] * (1.0 - k * abar[t]);
    /*@ ghost double f_g = 1.0 - m_g; */
    /*@ assert fl_f_is: \is_finite(f_g) && same(f_g, rnd64(rsub(1.0, m_g))); */
    /*@ assert fl_O_is: \is_finite(oma[t - 1]) && same(oma[t - 1], rnd64(rmul(o_g, f_g))); */
    abar[t - 1] = lcw_cap1(next);
    /*@ ghost double A_g = abar[t - 1]; */
    /*@ ghost lcw_step(k, a_g, o_g, m_g, growth, next, A_g, f_g, oma[t - 1]);
              lcw_beta_fl(growth, A_g); lcw_div_le1(growth, A_g); */
    /*@ assert A_rng: \is_finite(abar[(long long)(t - 1)]) &&
                      0x1p-866 <= abar[(long long)(t - 1)] <= 1.0 && 0.0 <= growth <= 1.0; */
    beta[t] = growth / abar[t - 1];
    /*@ assert fl_b_is: \is_finite(beta[t]) && same(beta[t], rnd64(rdiv(growth, A_g))); */
    /*@ assert new_t: \is_finite(abar[t - 1]) && abar[t] <= abar[t - 1] <= 1.0 &&
                      \is_finite(oma[t - 1]) && 0.0 <= oma[t - 1] <= oma[t] &&
                      \is_finite(beta[t]) && 0.0 <= beta[t] <= 1.0; */
  }
  abar[0] = 1.0;
  oma[0] = 0.0;
  beta[0] = 0.0;
  beta[1] = oma[1]; /* abar_0 = 1: beta_1 = 1 - abar_1 exactly */
}
