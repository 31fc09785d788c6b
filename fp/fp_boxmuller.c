/* fp_boxmuller.c: Box-Muller on DDPM_FP_PHILOX_LANES pairs at once, with a log
 * and a sincos(2 pi U) of stated accuracy written as straight-line binary64
 * arithmetic (no table, no branch per lane), so that GCC turns the lane loop
 * into SIMD (an AVX2 clone beside the baseline SSE2 one, DDPM_FP_SIMD_CLONES).
 * glibc's scalar log and sincos were 54% of the fast path's instructions.
 *
 * Same values in every clone: only + - * / sqrt, each IEEE-rounded
 * (-ffp-contract=off, no fma()), in the written order, and integer bit
 * manipulation (SSE2, AVX2 and AVX-512 builds of this file compared once,
 * outside the tests, on 3.2e7 pairs of words: bit-equal).
 *
 * Inputs. U = u 2^-53 + 2^-54 from a 53-bit word u (as before): U in
 * [2^-54, 1], a multiple of 2^-54. The word -> double conversion uses the
 * 2^52 / 2^84 bias trick (exact for u < 2^53): SSE2 and AVX2 have no
 * int64 -> double instruction.
 *
 * Error bounds (u = 2^-53; first order, every rounding within u relative, and
 * within half an ulp, i.e. u |v|, for a result v):
 *
 * log U, U in [2^-54, 1], within 3 u |ln U|. U = 2^k z, z in [sqrt(1/2),
 * sqrt 2) from the bits (k in [-54, 0]), f = z - 1 exact (Sterbenz),
 * s = f/(2 + f), and ln z = 2 atanh s = f - (f^2/2 - s (f^2/2 + R)),
 * R = sum_{j=1..10} 2 s^2j/(2j+1) (the fdlibm arrangement, which keeps f
 * exact; Taylor coefficients: truncation below 0.006 u |ln z| as |s| <= 0.1716),
 * then log U = k ln2_hi - ((f^2/2 - (s (f^2/2 + R) + k ln2_lo)) - f) with
 * ln2_hi of 32 bits, so k ln2_hi is exact. With k = 0 (U >= sqrt(1/2)): the
 * last rounding u |ln U|; f^2/2 <= 0.25 |ln z| within u; s within 2.2u, R
 * within 7u, s (f^2/2 + R) <= 0.052 |ln z| within 6.7u; their difference
 * rounded: (1 + 0.25 + 0.35 + 0.25) u = 1.85u. With k < 0 (|ln U| >= 0.3466):
 * the last two roundings within half an ulp of |ln U| each (|ln z| <=
 * |ln U|), 2u |ln U|, and the inner ones 0.27u absolute, 0.78u |ln U|: 2.8u.
 * Stated: 3u. Measured (tests/check_noise.c, 2^21 inputs against MPFR, with
 * U = 2^-54, U near 1 and near every 2^-e): 1.33u |ln U|, 0.81 ulp.
 *
 * sin 2 pi U and cos 2 pi U, U in [0, 1], each within 2.25u of its value
 * (relative, also near the zeros: the reduction is exact). q = nearest
 * integer to 4U (0..4), t = U - q/4, both exact (U and q/4 are multiples of
 * 2^-54 and |t| <= 1/8); by q mod 4 the results are +-sin 2 pi t and
 * +-cos 2 pi t. Taylor polynomials in t with the coefficients (2 pi)^n / n!
 * rounded (to t^17 and t^18: truncation below 0.002u relative).
 * sin 2 pi t = th S0hi + ((tl S0hi + t S0lo) + t^3 P(t^2)), t = th + tl
 * (Veltkamp split, th of 26 bits) and 2 pi = S0hi + S0lo (S0hi of 25 bits):
 * th S0hi is exact; t^3 P (<= 0.111 |sin|) within 5.5u, 0.61u; its sum with
 * the tiny terms, 0.11u; the last rounding u: 1.72u. cos 2 pi t = 1 + t^2 Q(t^2)
 * (Horner, leading coefficient last): |t^2 Q| <= 0.293 within t^2 (u), Q
 * (1.6u with its coefficients) and the product (u), 1.06u absolute; the sum
 * rounded, 0.5u absolute (cos in [0.707, 1]): 1.56u / 0.707 = 2.21u.
 * Stated: 2.25u. Measured (same test, with U near every multiple of 1/8):
 * 1.83u relative, 1.31 ulps.
 *
 * The Gaussian draw's bound built from these is tests/fp_error_bound.c
 * (spec/maths.md section 7). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ddpm_fp.h"

#define L DDPM_FP_PHILOX_LANES

static inline uint64_t bits_of(double x)
{
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static inline double double_of(uint64_t b)
{
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* (u + 1/2) 2^-53 as u 2^-53 + 2^-54 (exact below 1/2, rounded above), u < 2^53 */
static inline double uniform_of(uint64_t u)
{
  double hi = double_of(0x4530000000000000ULL | (u >> 32)) - 0x1p84;          /* (u >> 32) 2^32 */
  double lo = double_of(0x4330000000000000ULL | (u & 0xffffffffULL)) - 0x1p52; /* u mod 2^32 */
  return (hi + lo) * 0x1p-53 + 0x1p-54; /* hi + lo = u exactly (< 2^53) */
}

#define SQRT_HALF_BITS 0x3fe6a09e667f3bcdULL /* sqrt(1/2) rounded */
#define LN2_HI 0x1.62e42feep-1              /* 32 bits: k LN2_HI exact for |k| < 2^21 */
#define LN2_LO 0x1.a39ef35793c76p-33        /* ln 2 - LN2_HI rounded */

/* ln x for x in [2^-54, 1] (a normal number, so k needs no subnormal case) */
static inline double log_unit(double x)
{
  uint64_t ix = bits_of(x);
  /* k = floor(log2(x / sqrt(1/2))) in [-54, 0], biased by 64 so that a
   * logical shift gives it (SSE2/AVX2 have no 64-bit arithmetic shift) */
  uint64_t kb = (ix - SQRT_HALF_BITS + (64ULL << 52)) >> 52;
  double z = double_of(ix - (kb << 52) + (64ULL << 52)); /* x 2^-k in [sqrt(1/2), sqrt 2) */
  double k = (double_of(0x4330000000000000ULL | kb) - 0x1p52) - 64.0;
  double f = z - 1.0;
  double s = f / (2.0 + f);
  double s2 = s * s, s4 = s2 * s2;
  /* R = sum 2 s^2j / (2j+1), j = 1..10, split even/odd j for a shorter chain */
  double odd = 0x1.5555555555555p-1 +
               s4 * (0x1.2492492492492p-2 +
                     s4 * (0x1.745d1745d1746p-3 +
                           s4 * (0x1.1111111111111p-3 + s4 * 0x1.af286bca1af28p-4)));
  double even = 0x1.999999999999ap-2 +
                s4 * (0x1.c71c71c71c71cp-3 +
                      s4 * (0x1.3b13b13b13b14p-3 +
                            s4 * (0x1.e1e1e1e1e1e1ep-4 + s4 * 0x1.8618618618618p-4)));
  double R = s2 * (odd + s2 * even);
  double hfsq = 0.5 * f * f;
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
}

/* sin and cos of 2 pi t for |t| <= 1/8 */
static inline void sincos_2pi_small(double t, double *s, double *c)
{
  double t2 = t * t, t4 = t2 * t2;
  double ps = (-0x1.4abbce625be53p+5 +
               t4 * (-0x1.32d2cce62bd86p+6 +
                     t4 * (-0x1.e3074fde8871fp+3 + t4 * -0x1.6fadb9f155744p-1))) +
              t2 * (0x1.466bc6775aae2p+6 +
                    t4 * (0x1.50783487ee782p+5 +
                          t4 * (0x1.e8f434d018d63p+1 + t4 * 0x1.aaec32af93359p-4)));
  /* t 2 pi with t = th + tl (Veltkamp: th the leading 26 bits) and 2 pi = S0hi +
   * S0lo (S0hi 25 bits): th S0hi is exact, the rest is small, so the one large
   * rounding is the last one */
  double p = t * 0x1.0000002p+27;
  double th = p - (p - t), tl = t - th;
  double small = (tl * 0x1.921fb5p+2 + t * 0x1.110b4611a6263p-24) + (t * t2) * ps;
  *s = th * 0x1.921fb5p+2 + small;
  /* Horner in t^2, so that the leading coefficient is added last (the
   * partial sums of an even/odd split cost about 0.3 u more) */
  double pc = -0x1.3bd3cc9be45dep+4 +
              t2 * (0x1.03c1f081b5ac4p+6 +
                    t2 * (-0x1.55d3c7e3cbffap+6 +
                          t2 * (0x1.e1f506891babbp+5 +
                                t2 * (-0x1.a6d1f2a204a8cp+4 +
                                      t2 * (0x1.f9d38a3763cc3p+2 +
                                            t2 * (-0x1.b6e24f44b128fp+0 +
                                                  t2 * (0x1.20c62c2f2d7f5p-2 +
                                                        t2 * -0x1.2a0c591af8314p-5)))))));
  *c = 1.0 + t2 * pc;
}

/* sin 2 pi x and cos 2 pi x for x in [0, 1] */
static inline void sincos_2pi(double x, double *sine, double *cosine)
{
  double m = 4.0 * x + 0x1.8p52;       /* its last bits: the nearest integer q to 4x (0..4) */
  double t = x - 0.25 * (m - 0x1.8p52); /* exact, |t| <= 1/8 */
  double s, c;
  sincos_2pi_small(t, &s, &c);
  /* 2 pi x = q pi/2 + 2 pi t: by q mod 4, (cos, sin) = (c, s), (-s, c), (-c, -s),
   * (s, -c); selected with bit masks (no branch, no blend on a compare) */
  uint64_t q = bits_of(m) & 3;
  uint64_t swap = 0 - (q & 1);
  uint64_t bs = bits_of(s), bc = bits_of(c);
  uint64_t bcos = (bs & swap) | (bc & ~swap), bsin = (bc & swap) | (bs & ~swap);
  *cosine = double_of(bcos ^ ((((q + 1) >> 1) & 1) << 63)); /* negative for q = 1, 2 */
  *sine = double_of(bsin ^ ((q >> 1) << 63));              /* negative for q = 2, 3 */
}

DDPM_FP_SIMD_CLONES
void ddpm_fp_log_unit_lanes(const double *restrict x, double *restrict y)
{
  #pragma omp simd
  for (int l = 0; l < L; l++) y[l] = log_unit(x[l]);
}

DDPM_FP_SIMD_CLONES
void ddpm_fp_sincos_2pi_lanes(const double *restrict x, double *restrict sine,
                              double *restrict cosine)
{
  #pragma omp simd
  for (int l = 0; l < L; l++) sincos_2pi(x[l], &sine[l], &cosine[l]);
}

/* GNUmakefile builds this file with -fno-math-errno: sqrt never sees a
 * negative number here (-2 log U >= 0), so errno is never set, and without
 * math-errno GCC emits a bare sqrtpd instead of a branch to the library for
 * the errno case, which would block vectorisation. Same values. */
DDPM_FP_SIMD_CLONES
void ddpm_fp_box_muller_lanes(const uint64_t *restrict u1, const uint64_t *restrict u2,
                              double *restrict zc, double *restrict zs)
{
  #pragma omp simd
  for (int l = 0; l < L; l++) {
    double radius = sqrt(-2.0 * log_unit(uniform_of(u1[l])));
    double s, c;
    sincos_2pi(uniform_of(u2[l]), &s, &c);
    zc[l] = radius * c;
    zs[l] = radius * s;
  }
}
