/* philox.c: Philox4x32 counter-based generator and the noise addressing of
 * DESIGN.md section 4. Checked against Random123's known-answer vectors
 * (tests/check_philox.c) and proved free of runtime errors (proofs/). */
#include "ddpm_philox.h"

/* The 2^32 splits are written as unsigned division and remainder by 2^32
 * rather than `>> 32` and a truncating cast (GCC emits the same code): in
 * WP's integer model / and % by a constant are plain arithmetic, which the
 * provers relate to philox_hi/philox_lo, while shifts and truncating casts
 * are barely axiomatised. The xor is grouped as hi ^ (c ^ k) for the same
 * reason (proofs/README.md). */
void ddpm_philox4x32_round(uint32_t ctr[4], const uint32_t key[2])
{
  /* 32x32 -> 64-bit products cannot overflow uint64_t. */
  uint64_t p0 = (uint64_t)DDPM_PHILOX_M0 * ctr[0];
  uint64_t p1 = (uint64_t)DDPM_PHILOX_M1 * ctr[2];
  uint32_t hi0 = (uint32_t)(p0 / 4294967296u), lo0 = (uint32_t)(p0 % 4294967296u);
  uint32_t hi1 = (uint32_t)(p1 / 4294967296u), lo1 = (uint32_t)(p1 % 4294967296u);
  uint32_t c1 = ctr[1], c3 = ctr[3];
  ctr[0] = hi1 ^ (c1 ^ key[0]);
  ctr[1] = lo1;
  ctr[2] = hi0 ^ (c3 ^ key[1]);
  ctr[3] = lo0;
}

void ddpm_philox4x32(int rounds, const uint32_t in[4], const uint32_t key[2],
                     uint32_t out[4])
{
  uint32_t k[2] = {key[0], key[1]};
  out[0] = in[0]; out[1] = in[1]; out[2] = in[2]; out[3] = in[3];
  /*@ loop invariant 0 <= n <= rounds;
      loop assigns n, k[0 .. 1], out[0 .. 3];
      loop variant rounds - n;
  */
  for (int n = 0; n < rounds; n++) {
    if (n > 0) { /* the key schedule bumps the key before every later round */
      k[0] += DDPM_PHILOX_W0;
      k[1] += DDPM_PHILOX_W1;
    }
    ddpm_philox4x32_round(out, k);
  }
}

void ddpm_noise_words(uint64_t seed, uint64_t i, uint32_t r, uint32_t j,
                      uint64_t *u1, uint64_t *u2)
{
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  const uint32_t ctr[4] = {j / 2u, r, (uint32_t)i, (uint32_t)(i >> 32)};
  uint32_t x[4];
  ddpm_philox4x32(10, ctr, key, x);
  /* ((x1 << 32) | x0) >> 11 and ((x3 << 32) | x2) >> 11, written
   * arithmetically for the same reason as above (same values) */
  *u1 = ((uint64_t)x[1] * 4294967296u + x[0]) / 2048u;
  *u2 = ((uint64_t)x[3] * 4294967296u + x[2]) / 2048u;
}
