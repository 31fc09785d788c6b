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
  return (double)u * 0x1p-53 + 0x1p-54;
}

#define TWO_PI 0x1.921fb54442d18p+2 /* 2 pi rounded to nearest */

void ddpm_fp_gaussians(uint64_t seed, uint64_t i, uint32_t r, long long d, double *z)
{
  for (long long j = 0; j < d; j += 2) {
    uint64_t w1, w2;
    ddpm_noise_words(seed, i, r, (uint32_t)j, &w1, &w2);
    double radius = sqrt(-2.0 * log(uniform_from_word(w1)));
    double angle = TWO_PI * uniform_from_word(w2);
    z[j] = radius * cos(angle);
    if (j + 1 < d) z[j + 1] = radius * sin(angle); /* odd d drops the last sine */
  }
}
