/* ref_noise.c: Gaussian draws correctly rounded at the oracle's precision.
 *
 * z = sqrt(-2 ln U1) cos(2 pi U2) (sin for odd j), with U = (2u + 1) 2^-54
 * exact. Ziv's strategy: enclose z in an MPFI interval at a working
 * precision above p; when both ends round to the same p-bit number, that is
 * the correctly rounded z. z is never a p-bit number or a midpoint (it is
 * transcendental: cos(2 pi U2) != 0 for these U2), so the loop ends. */
#include <mpfi.h>

#include "ddpm_philox.h"
#include "ddpm_ref.h"

static void exact_uniform(mpfi_t U, uint64_t u, mpfr_prec_t w)
{
  mpfr_t v;
  mpfr_init2(v, w); /* w >= 64 > 54 bits: both steps exact */
  mpfr_set_uj(v, 2 * (uintmax_t)u + 1, MPFR_RNDN);
  mpfr_mul_2si(v, v, -54, MPFR_RNDN);
  mpfi_set_fr(U, v);
  mpfr_clear(v);
}

/* Encloses z at working precision w; returns 1 when the enclosure decides
 * the rounding to nearest at z's precision, and sets z. */
static int try_precision(mpfr_t z, uint64_t u1, uint64_t u2, int use_sine, mpfr_prec_t w)
{
  mpfi_t U1, U2, radius, wave;
  mpfr_t lo, hi;
  mpfi_init2(U1, w); mpfi_init2(U2, w); mpfi_init2(radius, w); mpfi_init2(wave, w);
  mpfr_init2(lo, mpfr_get_prec(z)); mpfr_init2(hi, mpfr_get_prec(z));

  exact_uniform(U1, u1, w);
  exact_uniform(U2, u2, w);
  mpfi_log(radius, U1);               /* ln U1 < 0 */
  mpfi_mul_si(radius, radius, -2);
  mpfi_sqrt(radius, radius);
  mpfi_const_pi(wave);
  mpfi_mul_2ui(wave, wave, 1);
  mpfi_mul(wave, wave, U2);           /* 2 pi U2 */
  if (use_sine) mpfi_sin(wave, wave); else mpfi_cos(wave, wave);
  mpfi_mul(radius, radius, wave);

  mpfr_t end;
  mpfr_init2(end, w);
  mpfi_get_left(end, radius);
  mpfr_set(lo, end, MPFR_RNDN);
  mpfi_get_right(end, radius);
  mpfr_set(hi, end, MPFR_RNDN);
  int decided = mpfr_equal_p(lo, hi);
  if (decided) mpfr_set(z, lo, MPFR_RNDN);

  mpfr_clear(end);
  mpfr_clear(lo); mpfr_clear(hi);
  mpfi_clear(U1); mpfi_clear(U2); mpfi_clear(radius); mpfi_clear(wave);
  return decided;
}

void ddpm_ref_gaussian(mpfr_t z, uint64_t seed, uint64_t i, uint32_t r, uint32_t j)
{
  uint64_t u1, u2;
  ddpm_noise_words(seed, i, r, j, &u1, &u2);
  mpfr_prec_t w = mpfr_get_prec(z) + 64;
  while (!try_precision(z, u1, u2, (int)(j & 1u), w)) w += w / 2;
}

int ddpm_ref_draws(ddpm_draw_files *f, long long r, double *row, ddpm_err *e)
{
  int from_file;
  int rc = ddpm_draw_files_row(f, r, row, &from_file, e);
  if (rc != DDPM_OK || from_file) return rc;
  const ddpm_run *run = f->run;
  mpfr_t z;
  mpfr_init2(z, 53); /* binary64's precision; the exponent range cannot matter: |z| < 40 */
  for (long long i = 0; i < run->n; i++)
    for (long long j = 0; j < run->d; j++) {
      ddpm_ref_gaussian(z, run->seed, (uint64_t)i, (uint32_t)r, (uint32_t)j);
      row[i * run->d + j] = mpfr_get_d(z, MPFR_RNDN); /* exact */
    }
  mpfr_clear(z);
  return DDPM_OK;
}
