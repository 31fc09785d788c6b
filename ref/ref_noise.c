/* ref_noise.c: Gaussian draws correctly rounded at the oracle's precision.
 *
 * The pair of draws j = 2m (cos) and 2m + 1 (sin) is
 *   (z_c, z_s) = sqrt(-2 ln U1) (cos, sin)(2 pi U2),  U = (2u + 1) 2^-54 exact,
 * computed together: one logarithm, one square root, one mpfr_sin_cos.
 *
 * Ziv's strategy. At a working precision w > p (p = z's precision, w >= 64
 * so that U is exact), each operation below is done once, rounded to nearest
 * (relative error <= u = 2^-w), and the absolute error of the result is
 * bounded a priori:
 *   2 pi:    P = 2 RN(pi),            |P - 2 pi| <= 2 pi u
 *   angle:   a = RN(P U2),            |a - 2 pi U2| <= 2 pi (2u + u^2) < 13u
 *   c, s:    RN(cos a), RN(sin a),    |c - cos(2 pi U2)| <= u + 13u = 14u (|cos'| <= 1)
 *   radius:  r = RN(sqrt(-2 RN(ln U1))) = r* (1 + eta), |eta| <= (1 + u/2)(1 + u) - 1
 *            < 1.6u (the square root halves ln's relative error; -2 L is exact)
 *   z = RN(r c): |r c - r* c*| <= |r - r*| |c| + r* |c - c*| <= 15.7u r*, and the
 *            rounding adds <= 1.01u r*: |z - z*| <= 17u r* < 18u r
 * so E = 2^(5-w) r (32u r) bounds |z - z*|. When z - E (rounded down) and
 * z + E (rounded up) round to the same p-bit number, so does z*, by
 * monotonicity of rounding. The first try is at w = max(p + 11, 64), where one
 * MPFR limb holds binary64's draws: it decides about nine pairs in ten (the
 * others are within about 2^-5 ulp of a rounding boundary); the second at
 * p + 64; then w grows by half until decided. z* is never a p-bit number or
 * a midpoint (it is transcendental: cos(2 pi U2) != 0 for these U2), so the
 * loop ends. Before issue 8 the same draws were enclosed in MPFI intervals,
 * two to four MPFR calls per function and every variable allocated per draw;
 * the values are the same (the correctly rounded ones), five to six times
 * faster. */
#include "ddpm_philox.h"
#include "ddpm_ref.h"

/* The working variables of one working precision, allocated once per row. */
typedef struct {
  mpfr_prec_t w;
  mpfr_t two_pi, u, radius, angle, c, s, z, err, lo, hi;
  mpfr_t hi_p; /* z + E rounded to the output precision p */
} draw_ctx;

static void ctx_init(draw_ctx *x, mpfr_prec_t p, mpfr_prec_t w)
{
  x->w = w;
  mpfr_inits2(w, x->two_pi, x->u, x->radius, x->angle, x->c, x->s, x->z, x->err, x->lo, x->hi,
              (mpfr_ptr)0);
  mpfr_init2(x->hi_p, p);
  mpfr_const_pi(x->two_pi, MPFR_RNDN);
  mpfr_mul_2ui(x->two_pi, x->two_pi, 1, MPFR_RNDN); /* exact */
}

static void ctx_clear(draw_ctx *x)
{
  mpfr_clears(x->two_pi, x->u, x->radius, x->angle, x->c, x->s, x->z, x->err, x->lo, x->hi,
              x->hi_p, (mpfr_ptr)0);
}

static void exact_uniform(mpfr_t U, uint64_t u)
{
  mpfr_set_uj(U, 2 * (uintmax_t)u + 1, MPFR_RNDN); /* 54 bits < w: exact */
  mpfr_mul_2si(U, U, -54, MPFR_RNDN);
}

/* Sets out to z* correctly rounded when [wave r - E, wave r + E] decides it;
 * returns whether it did. */
static int decide(draw_ctx *x, mpfr_srcptr wave, mpfr_t out)
{
  mpfr_mul(x->z, x->radius, wave, MPFR_RNDN);
  mpfr_sub(x->lo, x->z, x->err, MPFR_RNDD);
  mpfr_add(x->hi, x->z, x->err, MPFR_RNDU);
  mpfr_set(out, x->lo, MPFR_RNDN);
  mpfr_set(x->hi_p, x->hi, MPFR_RNDN);
  return mpfr_equal_p(out, x->hi_p);
}

/* One try at precision x->w for the outputs not yet decided (zc or zs NULL:
 * not wanted); clears *want_c / *want_s as they are decided. */
static void try_pair(draw_ctx *x, uint64_t u1, uint64_t u2, mpfr_t zc, mpfr_t zs, int *want_c,
                     int *want_s)
{
  exact_uniform(x->u, u1);
  mpfr_log(x->radius, x->u, MPFR_RNDN); /* ln U1 < 0 */
  mpfr_mul_si(x->radius, x->radius, -2, MPFR_RNDN);
  mpfr_sqrt(x->radius, x->radius, MPFR_RNDN);
  exact_uniform(x->u, u2);
  mpfr_mul(x->angle, x->two_pi, x->u, MPFR_RNDN);
  if (*want_c && *want_s) mpfr_sin_cos(x->s, x->c, x->angle, MPFR_RNDN);
  else if (*want_c) mpfr_cos(x->c, x->angle, MPFR_RNDN);
  else mpfr_sin(x->s, x->angle, MPFR_RNDN);
  mpfr_mul_2si(x->err, x->radius, 5 - (long)x->w, MPFR_RNDU); /* E = 2^(5-w) r, exact */
  if (*want_c && decide(x, x->c, zc)) *want_c = 0;
  if (*want_s && decide(x, x->s, zs)) *want_s = 0;
}

/* The two first working precisions for output precision p. */
typedef struct {
  draw_ctx quick, sure;
} draw_ctxs;

static void ctxs_init(draw_ctxs *x, mpfr_prec_t p)
{
  ctx_init(&x->quick, p, p + 11 > 64 ? p + 11 : 64);
  ctx_init(&x->sure, p, p + 64);
}

static void ctxs_clear(draw_ctxs *x)
{
  ctx_clear(&x->quick);
  ctx_clear(&x->sure);
}

/* The pair (zc, zs) of draws 2m, 2m + 1 (either may be NULL), both of the
 * precision x was made for. */
static void gaussian_pair(draw_ctxs *x, mpfr_t zc, mpfr_t zs, uint64_t seed, uint64_t i,
                          uint32_t r, uint32_t m)
{
  uint64_t u1, u2;
  ddpm_noise_words(seed, i, r, 2 * m, &u1, &u2);
  int want_c = zc != NULL, want_s = zs != NULL;
  try_pair(&x->quick, u1, u2, zc, zs, &want_c, &want_s);
  if (want_c || want_s) try_pair(&x->sure, u1, u2, zc, zs, &want_c, &want_s);
  for (mpfr_prec_t w = x->sure.w + x->sure.w / 2; want_c || want_s; w += w / 2) { /* rare */
    draw_ctx wider;
    ctx_init(&wider, mpfr_get_prec(x->sure.hi_p), w);
    try_pair(&wider, u1, u2, zc, zs, &want_c, &want_s);
    ctx_clear(&wider);
  }
}

void ddpm_ref_gaussian(mpfr_t z, uint64_t seed, uint64_t i, uint32_t r, uint32_t j)
{
  draw_ctxs x;
  ctxs_init(&x, mpfr_get_prec(z));
  gaussian_pair(&x, j & 1u ? NULL : z, j & 1u ? z : NULL, seed, i, r, j / 2u);
  ctxs_clear(&x);
}

int ddpm_ref_draws(ddpm_draw_files *f, long long r, double *row, ddpm_err *e)
{
  int from_file;
  int rc = ddpm_draw_files_row(f, r, row, &from_file, e);
  if (rc != DDPM_OK || from_file) return rc;
  const ddpm_run *run = f->run;
  const long long d = run->d;
  mpfr_t zc, zs;
  mpfr_inits2(53, zc, zs, (mpfr_ptr)0); /* binary64's precision; |z| < 40: no range issue */
  draw_ctxs x;
  ctxs_init(&x, 53);
  for (long long i = 0; i < run->n; i++)
    for (long long j = 0; j < d; j += 2) { /* odd d: the last pair's sine is not drawn */
      int both = j + 1 < d;
      gaussian_pair(&x, zc, both ? zs : NULL, run->seed, (uint64_t)i, (uint32_t)r,
                    (uint32_t)(j / 2));
      row[i * d + j] = mpfr_get_d(zc, MPFR_RNDN); /* exact */
      if (both) row[i * d + j + 1] = mpfr_get_d(zs, MPFR_RNDN);
    }
  ctxs_clear(&x);
  mpfr_clears(zc, zs, (mpfr_ptr)0);
  return DDPM_OK;
}
