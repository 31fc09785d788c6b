/* spacing.c: the timestep subsequences of ddpm_spacing.h. Consecutive exact
 * values differ by T/K >= 1 (trailing) or (T-1)/(K-1) >= 1 (linspace), and
 * by exactly 1 only when they are integers (K = T), so rounding keeps them
 * strictly decreasing. */
#include "ddpm_spacing.h"

/* Proof helpers: ghost "lemma functions" (no effect; WP proves each contract
 * from its requires, and every ghost call site proves the requires). They are
 * used instead of ACSL lemmas because WP adds global lemmas to every goal, and
 * with round_half_even's definition (div/mod) in the context z3 and cvc4 fail
 * even on the leading spacing's goals. Only ddpm_lemma_rhe_bounds looks at the
 * definition; the spacings use nothing but its bounds
 * 2n - d <= 2 d round(n, d) <= 2n + d, and the other helpers are pure integer
 * arithmetic, each nonlinear step spelled out as an assertion. */

/*@ ghost
  /@ requires 0 <= n && 0 < d;
     assigns \nothing;
     ensures bounds: 2 * n - d <= 2 * d * round_half_even(n, d) <= 2 * n + d;
  @/
  static void ddpm_lemma_rhe_bounds(long long n, long long d)
  {
    /@ assert euclid: n == d * (n / d) + n % d && 0 <= n % d < d; @/
    /@ assert cases: round_half_even(n, d) == n / d && 2 * (n % d) <= d ||
                     round_half_even(n, d) == n / d + 1 && d <= 2 * (n % d); @/
    /@ assert prod: d * round_half_even(n, d) == d * (n / d) && 2 * (n % d) <= d ||
                    d * round_half_even(n, d) == d * (n / d) + d && d <= 2 * (n % d); @/
  }
*/

/*@ ghost
  /@ requires 0 <= a <= DDPM_SPACING_TMAX && 0 <= b <= DDPM_SPACING_TMAX;
     assigns \nothing;
     ensures 0 <= a * b <= 100000000000000;
  @/
  static void ddpm_lemma_prod(long long a, long long b) { }
*/

/* r rounds s j / d, 0 <= j <= d <= s: then j <= r <= s, exactly at the ends */
/*@ ghost
  /@ requires 1 <= d <= s <= DDPM_SPACING_TMAX && 0 <= j <= d;
     requires 2 * (s * j) - d <= 2 * d * r <= 2 * (s * j) + d;
     assigns \nothing;
     ensures rng: j <= r <= s;
     ensures top: j == d ==> r == s;
     ensures bot: j == 0 ==> r == 0;
  @/
  static void ddpm_lemma_round_rng(long long s, long long d, long long j, long long r)
  {
    /@ assert sj_lo: d * j <= s * j; @/
    /@ assert sj_hi: s * j <= s * d; @/
    /@ assert lo_f: d * (2 * r - 2 * j + 1) >= 0; @/
    /@ assert lo: 2 * r - 2 * j + 1 >= 0; @/
    /@ assert hi_f: d * (2 * s + 1 - 2 * r) >= 0; @/
    /@ assert hi: 2 * s + 1 - 2 * r >= 0; @/
    /@ assert top_f: j == d ==> d * (2 * r - 2 * s + 1) >= 0; @/
    /@ assert top: j == d ==> 2 * r - 2 * s + 1 >= 0; @/
    /@ assert bot_f: j == 0 ==> d * (1 - 2 * r) >= 0; @/
    /@ assert bot: j == 0 ==> 1 - 2 * r >= 0; @/
  }
*/

/* r0 rounds s j / d and r1 rounds s (j + 1) / d, 1 <= d <= s: r0 < r1 */
/*@ ghost
  /@ requires 1 <= d <= s <= DDPM_SPACING_TMAX && 0 <= j <= d;
     requires 2 * (s * j) - d <= 2 * d * r0 <= 2 * (s * j) + d;
     requires 2 * (s * (j + 1)) - d <= 2 * d * r1 <= 2 * (s * (j + 1)) + d;
     assigns \nothing;
     ensures r0 < r1;
  @/
  static void ddpm_lemma_round_step(long long s, long long d, long long j,
                                    long long r0, long long r1)
  {
    /@ assert dist: s * (j + 1) == s * j + s; @/
    if (d < s) {
      /@ assert gap_f: d * (r1 - r0) >= s - d; @/
      /@ assert gap: r1 - r0 > 0; @/
    } else {
      /@ assert eq: s == d; @/
      /@ assert r0_lo: d * (2 * r0 - 2 * j + 1) >= 0; @/
      /@ assert r0_hi: d * (2 * j + 1 - 2 * r0) >= 0; @/
      /@ assert r0_eq: r0 == j; @/
      /@ assert r1_lo: d * (2 * r1 - 2 * j - 1) >= 0; @/
      /@ assert r1_eq: r1 >= j + 1; @/
    }
  }
*/

long long ddpm_round_half_even(long long n, long long d)
{
  long long q = n / d, r = n % d;
  /*@ assert r_rng: 0 <= r < d && 0 <= q <= n; */
  if (2 * r > d) return q + 1;
  if (2 * r < d) return q;
  return q % 2 == 0 ? q : q + 1; /* a tie: to the even neighbour */
}

void ddpm_spacing_leading(int T, int K, int offset, int *ts)
{
  int ratio = T / K;
  /*@ assert ratio_pos: 1 <= ratio <= T; */
  /*@ loop invariant i_rng: 0 <= i <= K;
      loop invariant val: \forall integer k; 0 <= k < i ==> ts[k] == (K - 1 - k) * ratio + offset;
      loop assigns i, ts[0 .. K-1];
      loop variant K - i;
  */
  for (int i = 0; i < K; i++) {
    /*@ assert prod_le: 0 <= (K - 1 - i) * ratio <= (K - 1) * ratio; */
    ts[i] = (K - 1 - i) * ratio + offset;
  }
}

void ddpm_spacing_trailing(int T, int K, int *ts)
{
  /*@ loop invariant i_rng: 0 <= i <= K;
      loop invariant rng: \forall integer k; 0 <= k < i ==> 0 <= ts[k] <= T - 1;
      loop invariant dec: \forall integer k; 0 < k < i ==> ts[k] < ts[k-1];
      loop invariant first: 0 < i ==> ts[0] == T - 1;
      loop invariant prev: 0 < i ==>
        2 * (T * (K - i + 1)) - K <= 2 * K * (ts[i-1] + 1) <= 2 * (T * (K - i + 1)) + K;
      loop assigns i, ts[0 .. K-1];
      loop variant K - i;
  */
  for (int i = 0; i < K; i++) {
    //@ ghost ddpm_lemma_prod(T, K - i);
    long long r = ddpm_round_half_even((long long)T * (K - i), K);
    //@ ghost ddpm_lemma_rhe_bounds((long long)T * (K - i), K);
    //@ ghost ddpm_lemma_round_rng(T, K, K - i, r);
    //@ ghost if (0 < i) ddpm_lemma_round_step(T, K, K - i, r, ts[i-1] + 1);
    /*@ assert r_dec: 0 < i ==> r - 1 < ts[i-1]; */
    ts[i] = (int)r - 1;
  }
}

void ddpm_spacing_linspace(int T, int K, int *ts)
{
  /*@ loop invariant i_rng: 0 <= i <= K;
      loop invariant rng: \forall integer k; 0 <= k < i ==> 0 <= ts[k] <= T - 1;
      loop invariant dec: \forall integer k; 0 < k < i ==> ts[k] < ts[k-1];
      loop invariant first: 0 < i ==> ts[0] == T - 1;
      loop invariant last: i == K ==> ts[K-1] == 0;
      loop invariant prev: 0 < i ==>
        2 * ((T - 1) * (K - i)) - (K - 1) <= 2 * (K - 1) * ts[i-1] <= 2 * ((T - 1) * (K - i)) + (K - 1);
      loop assigns i, ts[0 .. K-1];
      loop variant K - i;
  */
  for (int i = 0; i < K; i++) {
    //@ ghost ddpm_lemma_prod(T - 1, K - 1 - i);
    long long r = ddpm_round_half_even((long long)(K - 1 - i) * (T - 1), K - 1);
    //@ ghost ddpm_lemma_rhe_bounds((long long)(K - 1 - i) * (T - 1), K - 1);
    //@ ghost ddpm_lemma_round_rng(T - 1, K - 1, K - 1 - i, r);
    //@ ghost if (0 < i) ddpm_lemma_round_step(T - 1, K - 1, K - 1 - i, r, ts[i-1]);
    /*@ assert r_dec: 0 < i ==> r < ts[i-1]; */
    ts[i] = (int)r;
  }
}
