/* ddpm_philox.h: Philox4x32 (Salmon, Moraes, Dror, Shaw, SC'11) and the
 * addressed noise stream of DESIGN.md section 4.
 *
 * Integer-only and shared by both engines, so the oracle and the fast path
 * start every Gaussian draw from the same two 53-bit integers. The contracts
 * are proved by `make proofs` (WP, integer model: see proofs/README.md). */
#ifndef DDPM_PHILOX_H
#define DDPM_PHILOX_H

#include <stdint.h>

#define DDPM_PHILOX_M0 0xD2511F53u
#define DDPM_PHILOX_M1 0xCD9E8D57u
#define DDPM_PHILOX_W0 0x9E3779B9u
#define DDPM_PHILOX_W1 0xBB67AE85u

/*@ // The Philox round as integer maths: mathematical definitions the C code
    // is proved equal to (multiplication and the 2^32 split, no wrap-around).
    logic integer philox_hi(integer m, integer c) = (m * c) / 4294967296;
    logic integer philox_lo(integer m, integer c) = (m * c) % 4294967296;
*/

/*@ requires valid_ctr: \valid(ctr + (0 .. 3));
    requires valid_key: \valid_read(key + (0 .. 1));
    requires sep: \separated(ctr + (0 .. 3), key + (0 .. 1));
    assigns ctr[0 .. 3];
    ensures r0: ctr[0] == (philox_hi(DDPM_PHILOX_M1, \old(ctr[2])) ^ \old(ctr[1]) ^ key[0]);
    ensures r1: ctr[1] == philox_lo(DDPM_PHILOX_M1, \old(ctr[2]));
    ensures r2: ctr[2] == (philox_hi(DDPM_PHILOX_M0, \old(ctr[0])) ^ \old(ctr[3]) ^ key[1]);
    ensures r3: ctr[3] == philox_lo(DDPM_PHILOX_M0, \old(ctr[0]));
*/
void ddpm_philox4x32_round(uint32_t ctr[4], const uint32_t key[2]);

/*@ requires rounds_rng: 1 <= rounds <= 16;
    requires valid_in: \valid_read(in + (0 .. 3)) && \valid_read(key + (0 .. 1));
    requires valid_out: \valid(out + (0 .. 3));
    requires sep: \separated(out + (0 .. 3), key + (0 .. 1)) &&
                  \separated(out + (0 .. 3), in + (0 .. 3));
    assigns out[0 .. 3];
*/
void ddpm_philox4x32(int rounds, const uint32_t in[4], const uint32_t key[2],
                     uint32_t out[4]);

/* The two 53-bit integers behind Gaussian draws 2p and 2p+1 (p = j/2) of
 * sample i, draw r, under seed: key = (seed mod 2^32, seed >> 32), counter =
 * (p mod 2^32, r, i mod 2^32, i >> 32), Philox4x32-10 words x0..x3,
 * u1 = ((x1 << 32) | x0) >> 11, u2 = ((x3 << 32) | x2) >> 11.
 * The uniforms are U = (u + 1/2) 2^-53, in (0, 1). */
/*@ requires \valid(u1) && \valid(u2) && \separated(u1, u2);
    assigns *u1, *u2;
    ensures u1_rng: *u1 < 9007199254740992;  // 2^53
    ensures u2_rng: *u2 < 9007199254740992;
*/
void ddpm_noise_words(uint64_t seed, uint64_t i, uint32_t r, uint32_t j,
                      uint64_t *u1, uint64_t *u2);

#endif
