/* proofs/step_lemmas.c: real-number lemmas for the integrator-bound proofs
 * (proofs/run, steps 9-12; proofs/README.md). Not part of the build.
 *
 * WP proves each lemma in the same run, from the definitions of
 * spec/step.acsl (with proofs/step_fp.driver) and Why3's real square root,
 * with the lemmas above it as hypotheses; the other goals use them as
 * hypotheses. They carry the few nonlinear steps (a product of two bounds, a
 * quotient) that the SMT solvers do not find by themselves next to float
 * terms. Every variable of a lemma occurs in a term that the solvers can
 * match (a function of spec/step.acsl), so that they can instantiate it; the
 * order matters (each proof sees the lemmas above it). */
#include "step.acsl"

/*@ // Square roots and the opaque operations: signs, monotonicity.
    lemma sqrt_pos: \forall real x; 0.0 < x ==> 0.0 < \sqrt(x);
    lemma pos_div: \forall real x, y; 0.0 < x ==> 0.0 < y ==> 0.0 < rdiv(x, y);
    lemma pos_mul: \forall real x, y; 0.0 < x ==> 0.0 < y ==> 0.0 < rmul(x, y);
    lemma frac_mono: \forall real s, n1, n2, d1, d2;
      0.0 <= s ==> 0.0 <= n1 <= n2 ==> 0.0 < d2 <= d1 ==>
      rmul(s, rdiv(n1, d1)) <= rmul(s, rdiv(n2, d2));

    // ddim's b: positive for beta > 0; dropping Q >= 0 and raising sigma^2
    // to 1 (or keeping it at 0) only increase it.
    lemma ddim_b_pos: \forall real beta, alpha, oma_t, s2, q;
      0.0 < beta ==> 0.0 < alpha ==> 0.0 < oma_t ==> 0.0 <= s2 ==> 0.0 <= q ==>
      0.0 < ddim_b_of(beta, alpha, oma_t, s2, q);
    lemma ddim_b_mono: \forall real beta, alpha, oma_t, s2, q, S;
      0.0 < beta ==> 0.0 < alpha ==> 0.0 < oma_t ==> 0.0 <= s2 <= S ==> 0.0 <= q ==>
      ddim_b_of(beta, alpha, oma_t, s2, q) <= ddim_b_max(beta, alpha, oma_t, S);
    lemma ddim_b_mono1: \forall real beta, alpha, oma_t, s2, q;
      0.0 < beta ==> 0.0 < alpha ==> 0.0 < oma_t ==> 0.0 <= s2 <= 1.0 ==> 0.0 <= q ==>
      ddim_b_of(beta, alpha, oma_t, s2, q) <= ddim_b_max(beta, alpha, oma_t, 1.0);
    lemma ddim_b_mono0: \forall real beta, alpha, oma_t, q;
      0.0 < beta ==> 0.0 < alpha ==> 0.0 < oma_t ==> 0.0 <= q ==>
      ddim_b_of(beta, alpha, oma_t, 0.0, q) <= ddim_b_max(beta, alpha, oma_t, 0.0);

    // |a y| <= A (1 + 2^-50) R for 0 <= a <= A (1 + 2^-50), |y| <= R.
    lemma prod_le_E: \forall real a, y, A, R;
      0.0 <= a <= A * (1.0 + 0x1p-50) ==> \abs(y) <= R ==>
      \abs(a * y) <= (A * R) * (1.0 + 0x1p-50);

    // Composition: with every coefficient at most 1 + 2^-50 times its bound,
    // the size of the update is at most 1 + 2^-50 times the bound.
    lemma mag_le: \forall real a, y, b, s, c, z, A, R, B, S, C, Z;
      0.0 <= a <= A * (1.0 + 0x1p-50) ==> 0.0 <= b <= B * (1.0 + 0x1p-50) ==>
      0.0 <= c <= C * (1.0 + 0x1p-50) ==>
      \abs(y) <= R ==> \abs(s) <= S ==> \abs(z) <= Z ==>
      affine_mag(a, y, b, s, c, z) <= affine_bnd(A, R, B, S, C, Z) * (1.0 + 0x1p-50);
    lemma bnd_nonneg: \forall real A, R, B, S, C, Z;
      0.0 <= A ==> 0.0 <= R ==> 0.0 <= B ==> 0.0 <= S ==> 0.0 <= C ==> 0.0 <= Z ==>
      0.0 <= affine_bnd(A, R, B, S, C, Z);

    // Relative error to an upper bound (m > 0).
    lemma rel_upper: \forall real c, m, e;
      0.0 < m ==> rel_le(c, m, e) ==> c <= m * (1.0 + e);

    // Signs of the exact coefficients.
    lemma sqrt_nonneg: \forall real x; 0.0 <= x ==> 0.0 <= \sqrt(x);
    lemma inv_sqrt_pos: \forall real x; 0.0 < x ==> 0.0 < inv_sqrt(x);
    lemma ddpm_b_pos: \forall real b, x; 0.0 < b ==> 0.0 < x ==> 0.0 < ddpm_b(b, x);
    lemma sqrt_ratio_pos: \forall real b, x; 0.0 < b ==> 0.0 < x ==> 0.0 < sqrt_ratio(b, x);
    lemma liyan_ode_b_pos: \forall real b, x; 0.0 < b ==> 0.0 < x ==> 0.0 < liyan_ode_b(b, x);
    lemma ei_b_pos: \forall real b, x; 0.0 < b ==> 0.0 < x ==> 0.0 < ei_b(b, x);
    lemma em_b_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < em_b(h, r);
    lemma em_c_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < em_c(h, r);
    lemma euler_b_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < euler_b(h, r);
    lemma euler_a_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < euler_a(h, r);
    lemma heun_b_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < heun_b(h, r);
    lemma heun_a_pos: \forall real h, r; 0.0 < h ==> 0.0 < r ==> 0.0 < heun_a(h, r);
*/
