/* proofs/real_model.c: 0 < abar_t < 1, strictly decreasing, in the
 * real-number model of the schedules (proofs/run step 15; WP, z3 and cvc5 on
 * real arithmetic; no rounding anywhere). Not part of the build.
 *
 * The exact abar of every beta-defined schedule (linear, scaled-linear,
 * cosine, li-yan, file) is the product of 1 - beta_s over the betas the
 * builder computed, taken as real numbers; the builders' proofs give those
 * betas in (0, 1) (file: the parser checks it): abar_real_lemma. lcw is
 * defined through abar: abar_T in (0, 1) and abar_{t-1} = abar_t (1 + k (1 -
 * abar_t)) with 0 < k < 1; the step lemma lcw_step gives abar_t < abar_{t-1}
 * < 1, and induction on T - t (by hand: the provers did not manage the
 * recursive definition of that sequence) the whole sequence. (vp and ou, abar = exp(-B) with B increasing and positive,
 * are not covered: WP's theory of \exp is too weak for these provers.) The
 * binary64 columns differ from these by their rounding errors
 * (tests/schedule_bound.c) and may round to 1 or underflow to 0. */

/*@ // abar_t = prod_{s <= t} (1 - beta_s), the betas as real numbers
    logic real abar_real{L}(double *beta, integer t) =
      t <= 0 ? 1.0 : abar_real(beta, t - 1) * (1.0 - beta[t]);

    lemma prod_step: \forall real a, b; 0.0 < a <= 1.0 ==> 0.0 < b < 1.0 ==>
      0.0 < a * (1.0 - b) < a;
    lemma lcw_step: \forall real a, k; 0.0 < a < 1.0 ==> 0.0 < k < 1.0 ==>
      a < a * (1.0 + k * (1.0 - a)) < 1.0;
*/

/* For betas in (0, 1): 0 < abar_t < abar_{t-1} <= 1 for t = 1..T (induction
   on t, as a loop). */
/*@ requires 1 <= T <= 10000 && \valid_read(beta + (0 .. T));
    requires b_rng: \forall integer t; 1 <= t <= T ==> 0.0 < beta[t] < 1.0;
    assigns \nothing;
    ensures abar_real_decr: \forall integer t; 1 <= t <= T ==>
      0.0 < abar_real(beta, t) < abar_real(beta, t - 1) <= 1.0;
*/
void abar_real_lemma(const double *beta, int T)
{
  /*@ loop invariant 1 <= t <= T + 1;
      loop invariant 0.0 < abar_real(beta, t - 1) <= 1.0;
      loop invariant \forall integer j; 1 <= j < t ==>
        0.0 < abar_real(beta, j) < abar_real(beta, j - 1) <= 1.0;
      loop assigns t;
      loop variant T + 1 - t;
  */
  for (int t = 1; t <= T; t++) {
    /*@ assert unfold: abar_real(beta, t) == abar_real(beta, t - 1) * (1.0 - beta[t]); */
    /*@ assert b_t: 0.0 < beta[t] < 1.0; */
    /*@ assert step_t: 0.0 < abar_real(beta, t) < abar_real(beta, t - 1); */
  }
}
