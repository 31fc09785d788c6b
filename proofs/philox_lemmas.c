/* philox_lemmas.c: proof aid for the Philox round (WP, integer model).
 * Not part of the build; given to Frama-C next to common/philox.c.
 *
 * WP's Qed simplifier knows that ^ is associative and commutative, but the
 * SMT solvers (z3, cvc5) see lxor as an uninterpreted function: after they
 * remove the (uint32_t) conversions that C puts around each ^, the code's
 *   (c1 ^ k0) ^ hi
 * must still be matched with the contract's hi ^ (c1 ^ k0). This lemma gives
 * them commutativity. It is stated through equalities so that Qed does not
 * normalise it to `true` before it reaches the solvers. It is a proved lemma,
 * not an axiom: WP proves it in the same run (at once: once the equalities
 * are used, both sides are equal up to commutativity, which WP's simplifier
 * knows). */

/*@ lemma xor_comm:
      \forall integer a, b, c, d; a == d && b == c ==> (a ^ b) == (c ^ d);
*/
