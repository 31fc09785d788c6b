/* rates_dist.c: KL both ways, W2, squared Hellinger and TV between the
 * output law of ref/rates.c and its reference, all closed forms in the
 * defects (spec/ddpm_rates.h). Per coordinate, out = N(m + e, s + D) and
 * ref = N(m, s), r = D/s:
 *
 *   KL(out || ref) = (g(r) + e^2/s)/2,             g(x) = x - log1p(x),
 *   KL(ref || out) = (g(-D/(s + D)) + e^2/(s + D))/2,
 *   W2^2 term      = e^2 + (D/(sqrt(s + D) + sqrt(s)))^2,
 *   log BC term    = h(r)/2 - e^2/(4 (2 s + D)),    h(x) = log1p(x)/2 - log1p(x/2),
 *
 * summed over coordinates (the laws are products), H2 = -expm1(sum log BC).
 * g and h are differences of nearly equal terms (about x^2/2 and -x^2/8):
 * they are evaluated with -log2|x| extra bits, so that they keep full
 * relative accuracy however small the defects are. */
#include "ddpm_rates.h"

/* Extra bits for a cancellation of order x^2 against x. */
static mpfr_prec_t boost(mpfr_prec_t p, mpfr_srcptr x)
{
  if (mpfr_zero_p(x) || mpfr_get_exp(x) > 0) return p + 8;
  return p + 8 + (mpfr_prec_t)(-mpfr_get_exp(x));
}

/* out <- x - log1p(x), x > -1 */
static void g_of(mpfr_t out, mpfr_srcptr x)
{
  mpfr_t t;
  mpfr_init2(t, boost(mpfr_get_prec(out), x));
  mpfr_log1p(t, x, MPFR_RNDN);
  mpfr_sub(out, x, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* out <- log1p(x)/2 - log1p(x/2), x > -1 */
static void h_of(mpfr_t out, mpfr_srcptr x)
{
  mpfr_t t, u;
  mpfr_inits2(boost(mpfr_get_prec(out), x), t, u, (mpfr_ptr)0);
  mpfr_log1p(t, x, MPFR_RNDN);
  mpfr_div_2ui(t, t, 1, MPFR_RNDN);
  mpfr_div_2ui(u, x, 1, MPFR_RNDN);
  mpfr_log1p(u, u, MPFR_RNDN);
  mpfr_sub(out, t, u, MPFR_RNDN);
  mpfr_clears(t, u, (mpfr_ptr)0);
}

/* Running sums over the coordinate classes, at the law's precision. */
typedef struct {
  mpfr_t kl1, kl2, w2sq, logbc, tvmax, tvsum, mahal; /* mahal: sum e^2/s */
  mpfr_t klvar; /* KL(N(m + e, s) || N(m + e, s + D)), summed */
  mpfr_t s1, x, t, u, lo, hi;
  long long differing; /* coordinates (with multiplicity) where out != ref */
  long long last;      /* the last class that differs */
  int var_equal;       /* every variance defect is exactly 0 */
} sums;

/* acc += w (g(x) + e^2/v)/2, the KL term of one class (x and v as the
 * direction needs); S->t and S->u are scratch. */
static void add_kl(sums *S, mpfr_t acc, mpfr_srcptr x, mpfr_srcptr e, mpfr_srcptr v, long long w)
{
  g_of(S->t, x);
  mpfr_sqr(S->u, e, MPFR_RNDN);
  mpfr_div(S->u, S->u, v, MPFR_RNDN);
  mpfr_add(S->t, S->t, S->u, MPFR_RNDN);
  mpfr_mul_si(S->t, S->t, w, MPFR_RNDN);
  mpfr_div_2ui(S->t, S->t, 1, MPFR_RNDN);
  mpfr_add(acc, acc, S->t, MPFR_RNDN);
}

/* KL both ways, log BC and the Mahalanobis sum of class j, times mult. */
static void add_closed_forms(sums *S, const ddpm_rates_law *law, long long j)
{
  mpfr_srcptr e = law->dmean[j], s = law->ref_var[j], D = law->dvar[j];
  const long long w = law->mult[j];
  mpfr_add(S->s1, s, D, MPFR_RNDN);
  mpfr_div(S->x, D, s, MPFR_RNDN); /* KL(out || ref): x = r = D/s, v = s */
  add_kl(S, S->kl1, S->x, e, s, w);
  h_of(S->t, S->x); /* log BC: h(r)/2 - e^2/(4 (s + s1)) */
  mpfr_div_2ui(S->t, S->t, 1, MPFR_RNDN);
  mpfr_add(S->u, s, S->s1, MPFR_RNDN);
  mpfr_mul_2ui(S->u, S->u, 2, MPFR_RNDN);
  mpfr_sqr(S->x, e, MPFR_RNDN);
  mpfr_div(S->u, S->x, S->u, MPFR_RNDN);
  mpfr_sub(S->t, S->t, S->u, MPFR_RNDN);
  mpfr_mul_si(S->t, S->t, w, MPFR_RNDN);
  mpfr_add(S->logbc, S->logbc, S->t, MPFR_RNDN);
  mpfr_div(S->t, S->x, s, MPFR_RNDN); /* Mahalanobis: e^2/s */
  mpfr_mul_si(S->t, S->t, w, MPFR_RNDN);
  mpfr_add(S->mahal, S->mahal, S->t, MPFR_RNDN);
  mpfr_div(S->x, D, S->s1, MPFR_RNDN); /* KL(ref || out): x = -D/s1, v = s1 */
  mpfr_neg(S->x, S->x, MPFR_RNDN);
  add_kl(S, S->kl2, S->x, e, S->s1, w);
  g_of(S->t, S->x); /* its variance part alone: w g(-D/s1)/2 */
  mpfr_mul_si(S->t, S->t, w, MPFR_RNDN);
  mpfr_div_2ui(S->t, S->t, 1, MPFR_RNDN);
  mpfr_add(S->klvar, S->klvar, S->t, MPFR_RNDN);
}

/* W2^2 term of class j: e^2 + (D/(sqrt(s1) + sqrt(s)))^2, times mult. */
static void add_w2(sums *S, const ddpm_rates_law *law, long long j)
{
  mpfr_srcptr e = law->dmean[j], s = law->ref_var[j], D = law->dvar[j];
  mpfr_add(S->s1, s, D, MPFR_RNDN);
  mpfr_sqrt(S->t, S->s1, MPFR_RNDN);
  mpfr_sqrt(S->u, s, MPFR_RNDN);
  mpfr_add(S->t, S->t, S->u, MPFR_RNDN);
  mpfr_div(S->t, D, S->t, MPFR_RNDN);
  mpfr_sqr(S->t, S->t, MPFR_RNDN);
  mpfr_sqr(S->u, e, MPFR_RNDN);
  mpfr_add(S->t, S->t, S->u, MPFR_RNDN);
  mpfr_mul_si(S->t, S->t, law->mult[j], MPFR_RNDN);
  mpfr_add(S->w2sq, S->w2sq, S->t, MPFR_RNDN);
}

/* The exact TV of class j's marginals, for the bounds. */
static void add_tv_marginal(sums *S, const ddpm_rates_law *law, long long j)
{
  mpfr_srcptr e = law->dmean[j], D = law->dvar[j];
  if (!mpfr_zero_p(D)) S->var_equal = 0;
  if (mpfr_zero_p(e) && mpfr_zero_p(D)) return;
  S->differing += law->mult[j];
  S->last = j;
  ddpm_rates_tv_1d(S->t, e, law->ref_var[j], D);
  if (mpfr_greater_p(S->t, S->tvmax)) mpfr_set(S->tvmax, S->t, MPFR_RNDN);
  mpfr_mul_si(S->t, S->t, law->mult[j], MPFR_RNDN);
  mpfr_add(S->tvsum, S->tvsum, S->t, MPFR_RNDN);
}

/* Equal covariances: {p > q} is a half-space and TV = erf(M/(2 sqrt 2)),
 * M^2 = sum_j e_j^2/s_j the Mahalanobis distance between the means. */
static void tv_half_space(mpfr_t tv, mpfr_srcptr mahal2, mpfr_t tmp)
{
  mpfr_div_2ui(tmp, mahal2, 3, MPFR_RNDN);
  mpfr_sqrt(tmp, tmp, MPFR_RNDN);
  mpfr_erf(tv, tmp, MPFR_RNDN);
}

/* TV bounds: max(H2, max_j TV_j) <= TV <= min(sqrt(H2 (2 - H2)), Pinsker
 * both ways, sum_j TV_j, 1). (With H2 = 1 - BC: 1 - BC <= TV <=
 * sqrt(1 - BC^2); marginals can only lose TV; TV of a product is at most
 * the sum of the factors' TVs.) Into S->lo and S->hi. */
static void generic_bounds(sums *S, mpfr_srcptr h2)
{
  mpfr_max(S->lo, h2, S->tvmax, MPFR_RNDN);
  mpfr_ui_sub(S->t, 2, h2, MPFR_RNDN);
  mpfr_mul(S->t, S->t, h2, MPFR_RNDN);
  mpfr_sqrt(S->hi, S->t, MPFR_RNDN);
  mpfr_min(S->hi, S->hi, S->tvsum, MPFR_RNDN);
  mpfr_div_2ui(S->u, S->kl1, 1, MPFR_RNDN);
  mpfr_sqrt(S->u, S->u, MPFR_RNDN);
  mpfr_min(S->hi, S->hi, S->u, MPFR_RNDN);
  mpfr_div_2ui(S->u, S->kl2, 1, MPFR_RNDN);
  mpfr_sqrt(S->u, S->u, MPFR_RNDN);
  mpfr_min(S->hi, S->hi, S->u, MPFR_RNDN);
  if (mpfr_cmp_ui(S->hi, 1) > 0) mpfr_set_ui(S->hi, 1, MPFR_RNDN);
}

/* The triangle inequality around the equal-variance law out' = N(m + e, s):
 * |TV(out, ref) - TV(out', ref)| <= TV(out, out') <= sqrt(KL(out' || out)/2),
 * and TV(out', ref) is the half-space's. Where the variance defects are
 * rounding-sized (DDPM on N(mu, I)) this pins TV to the working precision:
 * then it is reported as exact. */
static void tv_bounds(sums *S, mpfr_srcptr h2, ddpm_rates_dist *r)
{
  generic_bounds(S, h2);
  tv_half_space(S->x, S->mahal, S->u);
  mpfr_div_2ui(S->u, S->klvar, 1, MPFR_RNDN);
  mpfr_sqrt(S->u, S->u, MPFR_RNDN);
  mpfr_sub(S->t, S->x, S->u, MPFR_RNDN);
  mpfr_max(S->lo, S->lo, S->t, MPFR_RNDN);
  mpfr_add(S->t, S->x, S->u, MPFR_RNDN);
  mpfr_min(S->hi, S->hi, S->t, MPFR_RNDN);
  mpfr_sub(S->t, S->hi, S->lo, MPFR_RNDN);
  mpfr_mul_2si(S->u, S->lo, -(long)mpfr_get_prec(r->tv) - 2, MPFR_RNDN);
  r->tv_exact = mpfr_lessequal_p(S->t, S->u);
  mpfr_set(r->tv_lo, S->lo, MPFR_RNDN);
  mpfr_set(r->tv_hi, S->hi, MPFR_RNDN);
  if (r->tv_exact) {
    mpfr_add(S->t, S->lo, S->hi, MPFR_RNDN);
    mpfr_div_2ui(S->t, S->t, 1, MPFR_RNDN);
    mpfr_set(r->tv, S->t, MPFR_RNDN);
    mpfr_set(r->tv_lo, r->tv, MPFR_RNDN), mpfr_set(r->tv_hi, r->tv, MPFR_RNDN);
  } else {
    mpfr_set_nan(r->tv);
  }
}

/* Every coordinate has the same law pair (an isotropic target, or a
 * diagonal one with equal coordinates). */
static int uniform(const ddpm_rates_law *law)
{
  for (long long j = 1; j < law->nclass; j++)
    if (!mpfr_equal_p(law->dmean[j], law->dmean[0]) ||
        !mpfr_equal_p(law->ref_var[j], law->ref_var[0]) ||
        !mpfr_equal_p(law->dvar[j], law->dvar[0]))
      return 0;
  return 1;
}

static void tv_result(sums *S, const ddpm_rates_law *law, mpfr_srcptr h2, ddpm_rates_dist *r)
{
  r->tv_exact = 1;
  if (S->differing == 0) mpfr_set_zero(S->t, 1);
  else if (S->differing == 1) ddpm_rates_tv_1d(S->t, law->dmean[S->last],
                                               law->ref_var[S->last], law->dvar[S->last]);
  else if (S->var_equal) tv_half_space(S->t, S->mahal, S->u);
  else if (!(uniform(law) && ddpm_rates_tv_isotropic(S->t, law->dmean[0], law->ref_var[0],
                                                      law->dvar[0], law->d))) {
    tv_bounds(S, h2, r);
    return;
  }
  mpfr_set(r->tv, S->t, MPFR_RNDN);
  mpfr_set(r->tv_lo, S->t, MPFR_RNDN);
  mpfr_set(r->tv_hi, S->t, MPFR_RNDN);
}

void ddpm_rates_distances(const ddpm_rates_law *law, ddpm_rates_dist *r)
{
  sums S = {.differing = 0, .last = -1, .var_equal = 1};
  mpfr_inits2(law->prec, S.kl1, S.kl2, S.w2sq, S.logbc, S.tvmax, S.tvsum, S.mahal, S.klvar,
              S.s1, S.x, S.t, S.u, S.lo, S.hi, (mpfr_ptr)0);
  mpfr_set_zero(S.kl1, 1), mpfr_set_zero(S.kl2, 1), mpfr_set_zero(S.w2sq, 1);
  mpfr_set_zero(S.logbc, 1), mpfr_set_zero(S.tvmax, 1), mpfr_set_zero(S.tvsum, 1);
  mpfr_set_zero(S.mahal, 1), mpfr_set_zero(S.klvar, 1);
  for (long long j = 0; j < law->nclass; j++) {
    add_closed_forms(&S, law, j);
    add_w2(&S, law, j);
    add_tv_marginal(&S, law, j);
  }
  mpfr_set(r->kl_out_ref, S.kl1, MPFR_RNDN);
  mpfr_set(r->kl_ref_out, S.kl2, MPFR_RNDN);
  mpfr_sqrt(r->w2, S.w2sq, MPFR_RNDN);
  mpfr_expm1(S.x, S.logbc, MPFR_RNDN); /* H2 = 1 - BC = -expm1(log BC) */
  mpfr_neg(S.x, S.x, MPFR_RNDN);
  mpfr_set(r->h2, S.x, MPFR_RNDN);
  tv_result(&S, law, S.x, r);
  mpfr_clears(S.kl1, S.kl2, S.w2sq, S.logbc, S.tvmax, S.tvsum, S.mahal, S.klvar, S.s1, S.x,
              S.t, S.u, S.lo, S.hi, (mpfr_ptr)0);
}

void ddpm_rates_dist_init(ddpm_rates_dist *r, mpfr_prec_t prec)
{
  mpfr_inits2(prec, r->kl_out_ref, r->kl_ref_out, r->w2, r->h2, r->tv, r->tv_lo, r->tv_hi,
              (mpfr_ptr)0);
  r->tv_exact = 0;
}

void ddpm_rates_dist_clear(ddpm_rates_dist *r)
{
  mpfr_clears(r->kl_out_ref, r->kl_ref_out, r->w2, r->h2, r->tv, r->tv_lo, r->tv_hi,
              (mpfr_ptr)0);
}
