/* ddpm_spacing.h: timestep subsequences for K < T reverse steps, as
 * diffusers defines them (0-based timesteps tau in [0, T), tau = t - 1),
 * on exact integers: "round" is round-half-to-even of the exact rational
 * (numpy rounds a float arange, which differs in a few cases: spec/maths.md).
 * Integer-only, shared by both engines; contracts proved by `make proofs`. */
#ifndef DDPM_SPACING_H
#define DDPM_SPACING_H

#define DDPM_SPACING_TMAX 10000000

typedef enum { DDPM_SPACING_LEADING, DDPM_SPACING_TRAILING, DDPM_SPACING_LINSPACE } ddpm_spacing;

/*@ // round-half-to-even of n/d, n >= 0, d > 0
    logic integer round_half_even(integer n, integer d) =
      (2 * (n % d) > d) ? n / d + 1 :
      (2 * (n % d) < d) ? n / d :
      ((n / d) % 2 == 0 ? n / d : n / d + 1);
*/

/* round_half_even(n/d) for 0 <= n, 0 < d */
/*@ requires 0 <= n <= 200000000000000 && 0 < d <= 200000000000000;
    assigns \nothing;
    ensures \result == round_half_even(n, d);
*/
long long ddpm_round_half_even(long long n, long long d);

/* leading: tau_i = (K - 1 - i) floor(T/K) + offset */
/*@ requires 1 <= K <= T <= DDPM_SPACING_TMAX;
    requires 0 <= offset && (K - 1) * (T / K) + offset <= T - 1;
    requires \valid(ts + (0 .. K-1));
    assigns ts[0 .. K-1];
    ensures range: \forall integer i; 0 <= i < K ==> 0 <= ts[i] <= T - 1;
    ensures decreasing: \forall integer i; 0 < i < K ==> ts[i] < ts[i-1];
    ensures last: ts[K-1] == offset;
*/
void ddpm_spacing_leading(int T, int K, int offset, int *ts);

/* trailing: tau_i = round(T - i T/K) - 1 = round(T (K - i)/K) - 1 */
/*@ requires 1 <= K <= T <= DDPM_SPACING_TMAX;
    requires \valid(ts + (0 .. K-1));
    assigns ts[0 .. K-1];
    ensures range: \forall integer i; 0 <= i < K ==> 0 <= ts[i] <= T - 1;
    ensures decreasing: \forall integer i; 0 < i < K ==> ts[i] < ts[i-1];
    ensures first: ts[0] == T - 1;
*/
void ddpm_spacing_trailing(int T, int K, int *ts);

/* linspace: tau_i = round((K - 1 - i)(T - 1)/(K - 1)), K >= 2 */
/*@ requires 2 <= K <= T <= DDPM_SPACING_TMAX;
    requires \valid(ts + (0 .. K-1));
    assigns ts[0 .. K-1];
    ensures range: \forall integer i; 0 <= i < K ==> 0 <= ts[i] <= T - 1;
    ensures decreasing: \forall integer i; 0 < i < K ==> ts[i] < ts[i-1];
    ensures first: ts[0] == T - 1;
    ensures last: ts[K-1] == 0;
*/
void ddpm_spacing_linspace(int T, int K, int *ts);

#endif
