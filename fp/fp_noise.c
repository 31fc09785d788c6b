/* fp_noise.c: Gaussian draws in binary64 (DESIGN.md section 4): the words of
 * DDPM_FP_PHILOX_LANES pairs at a time (fp_philox_lanes.c), Box-Muller on them
 * in lanes (fp_boxmuller.c: U = u 2^-53 + 2^-54, exact below 1/2 and rounded to
 * nearest above, an error of at most 2^-54 that the oracle does not make; log,
 * sin and cos within the bounds stated there). */
#include "ddpm_fp.h"

void ddpm_fp_gaussians(uint64_t seed, uint64_t i, uint32_t r, long long d, double *z)
{
  enum { PAIRS = DDPM_FP_PHILOX_LANES };
  uint64_t w1[PAIRS], w2[PAIRS];
  double zc[PAIRS], zs[PAIRS];
  for (long long j = 0; j < d; j += 2) {
    int lane = (int)((j / 2) % PAIRS);
    if (lane == 0) { /* the draws of the next PAIRS pairs */
      ddpm_fp_noise_words_lanes(seed, i, r, (uint32_t)(j / 2), w1, w2);
      ddpm_fp_box_muller_lanes(w1, w2, zc, zs);
    }
    z[j] = zc[lane];
    if (j + 1 < d) z[j + 1] = zs[lane]; /* odd d drops the last sine */
  }
}
