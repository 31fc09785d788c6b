/* spacing.c: the timestep subsequences of ddpm_spacing.h. Consecutive exact
 * values differ by T/K >= 1 (trailing) or (T-1)/(K-1) >= 1 (linspace), and
 * by exactly 1 only when they are integers (K = T), so rounding keeps them
 * strictly decreasing. */
#include "ddpm_spacing.h"

long long ddpm_round_half_even(long long n, long long d)
{
  long long q = n / d, r = n % d;
  if (2 * r > d) return q + 1;
  if (2 * r < d) return q;
  return q % 2 == 0 ? q : q + 1; /* a tie: to the even neighbour */
}

void ddpm_spacing_leading(int T, int K, int offset, int *ts)
{
  int ratio = T / K;
  for (int i = 0; i < K; i++) ts[i] = (K - 1 - i) * ratio + offset;
}

void ddpm_spacing_trailing(int T, int K, int *ts)
{
  for (int i = 0; i < K; i++)
    ts[i] = (int)ddpm_round_half_even((long long)T * (K - i), K) - 1;
}

void ddpm_spacing_linspace(int T, int K, int *ts)
{
  for (int i = 0; i < K; i++)
    ts[i] = (int)ddpm_round_half_even((long long)(K - 1 - i) * (T - 1), K - 1);
}
