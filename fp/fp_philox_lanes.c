/* fp_philox_lanes.c: the noise words of DDPM_FP_PHILOX_LANES consecutive draw
 * pairs at once, for the fast path.
 *
 * The same words as ddpm_noise_words (common/philox.c, proved there and
 * checked against Random123's vectors), computed differently for speed: the
 * proved version is one call per pair with the key schedule in a loop and
 * every round out of line (about 380 instructions a pair). Here the counters
 * of consecutive pairs differ only in their first word, so the lanes run the
 * ten rounds side by side over struct-of-arrays counters; the inner loops have
 * no dependence between lanes and the compiler turns them into SIMD (32x32 ->
 * 64-bit products are pmuludq / vpmuludq). On x86-64 an AVX2 clone is built
 * beside the baseline one and picked at load time (DDPM_FP_SIMD_CLONES);
 * elsewhere the portable loop is all there is. Integer arithmetic only: every clone
 * gives the same words, which tests/check_philox.c compares with the proved
 * ddpm_noise_words. */
#include "ddpm_fp.h"
#include "ddpm_philox.h"

#define L DDPM_FP_PHILOX_LANES

DDPM_FP_SIMD_CLONES
void ddpm_fp_noise_words_lanes(uint64_t seed, uint64_t i, uint32_t r, uint32_t first,
                               uint64_t *u1, uint64_t *u2)
{
  uint32_t c0[L], c1[L], c2[L], c3[L];
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int l = 0; l < L; l++) { /* counter (j/2, r, i_lo, i_hi), key = seed */
    c0[l] = first + (uint32_t)l;
    c1[l] = r;
    c2[l] = (uint32_t)i;
    c3[l] = (uint32_t)(i >> 32);
  }
  for (int n = 0; n < 10; n++) {
    if (n > 0) { /* the key schedule bumps the key before every later round */
      k0 += DDPM_PHILOX_W0;
      k1 += DDPM_PHILOX_W1;
    }
    #pragma omp simd
    for (int l = 0; l < L; l++) {
      uint64_t p0 = (uint64_t)DDPM_PHILOX_M0 * c0[l];
      uint64_t p1 = (uint64_t)DDPM_PHILOX_M1 * c2[l];
      uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0;
      uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
      c0[l] = n0;
      c1[l] = (uint32_t)p1;
      c2[l] = n2;
      c3[l] = (uint32_t)p0;
    }
  }
  #pragma omp simd
  for (int l = 0; l < L; l++) { /* ((x1 << 32) | x0) >> 11 and ((x3 << 32) | x2) >> 11 */
    u1[l] = (((uint64_t)c1[l] << 32) | c0[l]) >> 11;
    u2[l] = (((uint64_t)c3[l] << 32) | c2[l]) >> 11;
  }
}
