/* fp_noise.c: Gaussian draws in binary64 (DESIGN.md section 4).
 *
 * U = (u + 1/2) 2^-53 is computed as u 2^-53 + 2^-54: the first two steps are
 * exact (u < 2^53), the sum is exact for U < 1/2 and rounds to nearest (ties to
 * even) above, an error of at most 2^-54 that the oracle does not make. */
#include <math.h>

#include "ddpm_fp.h"
#include "ddpm_philox.h"

static double uniform_from_word(uint64_t u)
{
  /* u < 2^53 converts exactly either way; through int64_t it is one
   * instruction (cvtsi2sd), where uint64_t -> double needs a branch */
  return (double)(int64_t)u * 0x1p-53 + 0x1p-54;
}

#define TWO_PI 0x1.921fb54442d18p+2 /* 2 pi rounded to nearest */

void ddpm_fp_gaussians(uint64_t seed, uint64_t i, uint32_t r, long long d, double *z)
{
  enum { PAIRS = DDPM_FP_PHILOX_LANES };
  uint64_t w1[PAIRS], w2[PAIRS];
  for (long long j = 0; j < d; j += 2) {
    int lane = (int)((j / 2) % PAIRS);
    if (lane == 0) /* the words of the next PAIRS pairs (the proved ones, faster) */
      ddpm_fp_noise_words_lanes(seed, i, r, (uint32_t)(j / 2), w1, w2);
    double radius = sqrt(-2.0 * log(uniform_from_word(w1[lane])));
    double angle = TWO_PI * uniform_from_word(w2[lane]);
    z[j] = radius * cos(angle);
    if (j + 1 < d) z[j + 1] = radius * sin(angle); /* odd d drops the last sine */
  }
}
