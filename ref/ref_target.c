/* ref_target.c: Gaussian-mixture targets and their exact score in MPFR
 * (spec/maths.md section 3), every number read from its decimal text. */
#include <stdlib.h>

#include "ddpm_mixture.h"
#include "ddpm_ref.h"

int ddpm_ref_target_init(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_target *tg,
                         ddpm_err *e)
{
  ddpm_mixture m;
  int rc = ddpm_mixture_from_spec(spec, &m, e);
  tg->log_pi = tg->mean = tg->var = tg->l = tg->mt = tg->vt = tg->log_vt = NULL;
  tg->K = tg->d = tg->have_cached = 0;
  if (rc != DDPM_OK) return rc;
  const long long K = m.K, d = m.d;
  tg->log_pi = ddpm_ref_vector_new((size_t)K, prec);
  tg->l = ddpm_ref_vector_new((size_t)K, prec);
  tg->mean = ddpm_ref_vector_new((size_t)(K * d), prec);
  tg->var = ddpm_ref_vector_new((size_t)(K * d), prec);
  tg->mt = ddpm_ref_vector_new((size_t)(K * d), prec);
  tg->vt = ddpm_ref_vector_new((size_t)(K * d), prec);
  tg->log_vt = ddpm_ref_vector_new((size_t)(K * d), prec);
  mpfr_inits2(prec, tg->m, tg->v, tg->dx, tg->acc, tg->total, tg->cached_at[0],
              tg->cached_at[1], tg->cached_at[2], (mpfr_ptr)0);
  tg->K = K;
  tg->d = d;
  if (!tg->log_pi || !tg->l || !tg->mean || !tg->var || !tg->mt || !tg->vt || !tg->log_vt) {
    ddpm_mixture_free(&m);
    ddpm_ref_target_clear(tg);
    return ddpm_fail(e, DDPM_EINTERNAL, "--target: out of memory for %lld x %lld values", K, d);
  }
  /* pi_k = w_k / sum_l w_l, exactly from the texts at precision prec */
  mpfr_set_zero(tg->total, 1);
  for (long long k = 0; k < K; k++) {
    mpfr_set_str(tg->log_pi[k], m.weight_text[k], 10, MPFR_RNDN);
    mpfr_add(tg->total, tg->total, tg->log_pi[k], MPFR_RNDN);
  }
  for (long long k = 0; k < K; k++) {
    mpfr_div(tg->log_pi[k], tg->log_pi[k], tg->total, MPFR_RNDN);
    mpfr_log(tg->log_pi[k], tg->log_pi[k], MPFR_RNDN);
  }
  for (long long q = 0; q < K * d; q++) {
    mpfr_set_str(tg->mean[q], m.mean_text[q], 10, MPFR_RNDN);
    mpfr_set_str(tg->var[q], m.var_text[q], 10, MPFR_RNDN);
  }
  ddpm_mixture_free(&m);
  return DDPM_OK;
}

void ddpm_ref_target_clear(ddpm_ref_target *tg)
{
  if (tg->K == 0) return;
  ddpm_ref_vector_free(tg->log_pi, (size_t)tg->K);
  ddpm_ref_vector_free(tg->l, (size_t)tg->K);
  ddpm_ref_vector_free(tg->mean, (size_t)(tg->K * tg->d));
  ddpm_ref_vector_free(tg->var, (size_t)(tg->K * tg->d));
  ddpm_ref_vector_free(tg->mt, (size_t)(tg->K * tg->d));
  ddpm_ref_vector_free(tg->vt, (size_t)(tg->K * tg->d));
  ddpm_ref_vector_free(tg->log_vt, (size_t)(tg->K * tg->d));
  mpfr_clears(tg->m, tg->v, tg->dx, tg->acc, tg->total, tg->cached_at[0], tg->cached_at[1],
              tg->cached_at[2], (mpfr_ptr)0);
  tg->K = 0;
}

/* The marginal at time at, once per time: m = sqrt(abar_t) mu, v = abar_t s2
 * + (1 - abar_t) and (K > 1) log v, the very operations the score did per
 * sample before issue 8, so every value is bit for bit as it was. */
static void marginal_at(ddpm_ref_target *tg, const ddpm_ref_time *at)
{
  mpfr_srcptr key[3] = {at->abar, at->oma, at->sqrt_abar};
  int same = tg->have_cached;
  for (int q = 0; q < 3 && same; q++) same = mpfr_equal_p(tg->cached_at[q], key[q]);
  if (same) return;
  for (long long q = 0; q < tg->K * tg->d; q++) {
    mpfr_mul(tg->mt[q], at->sqrt_abar, tg->mean[q], MPFR_RNDN);
    mpfr_mul(tg->vt[q], at->abar, tg->var[q], MPFR_RNDN);
    mpfr_add(tg->vt[q], tg->vt[q], at->oma, MPFR_RNDN);
    if (tg->K > 1) mpfr_log(tg->log_vt[q], tg->vt[q], MPFR_RNDN);
  }
  for (int q = 0; q < 3; q++) mpfr_set(tg->cached_at[q], key[q], MPFR_RNDN);
  tg->have_cached = 1;
}

void ddpm_ref_target_score(ddpm_ref_target *tg, const ddpm_ref_time *at, mpfr_t *x, mpfr_t *s)
{
  const long long K = tg->K, d = tg->d;
  marginal_at(tg, at);
  const mpfr_t *m = tg->mt, *v = tg->vt;
  /* responsibilities r_k = softmax(l_k), l_k = log pi_k - 1/2 sum_j (log v +
   * (x - m)^2/v), through log-sum-exp; r_1 = 1 when K = 1 */
  if (K > 1) {
    long long kmax = 0;
    for (long long k = 0; k < K; k++) {
      mpfr_set_zero(tg->acc, 1);
      for (long long q = k * d; q < (k + 1) * d; q++) {
        mpfr_sub(tg->dx, x[q - k * d], m[q], MPFR_RNDN);
        mpfr_sqr(tg->dx, tg->dx, MPFR_RNDN);
        mpfr_div(tg->dx, tg->dx, v[q], MPFR_RNDN);
        mpfr_add(tg->acc, tg->acc, tg->dx, MPFR_RNDN);
        mpfr_add(tg->acc, tg->acc, tg->log_vt[q], MPFR_RNDN);
      }
      mpfr_div_2ui(tg->acc, tg->acc, 1, MPFR_RNDN);
      mpfr_sub(tg->l[k], tg->log_pi[k], tg->acc, MPFR_RNDN);
      if (mpfr_greater_p(tg->l[k], tg->l[kmax])) kmax = k;
    }
    mpfr_set(tg->acc, tg->l[kmax], MPFR_RNDN); /* max_k l_k */
    mpfr_set_zero(tg->total, 1);
    for (long long k = 0; k < K; k++) {
      mpfr_sub(tg->l[k], tg->l[k], tg->acc, MPFR_RNDN);
      mpfr_exp(tg->l[k], tg->l[k], MPFR_RNDN);
      mpfr_add(tg->total, tg->total, tg->l[k], MPFR_RNDN);
    }
    for (long long k = 0; k < K; k++) mpfr_div(tg->l[k], tg->l[k], tg->total, MPFR_RNDN);
  }
  /* s_j = sum_k r_k (m_kj - x_j) / v_kj */
  for (long long j = 0; j < d; j++) mpfr_set_zero(s[j], 1);
  for (long long k = 0; k < K; k++)
    for (long long j = 0; j < d; j++) {
      mpfr_sub(tg->dx, m[k * d + j], x[j], MPFR_RNDN);
      mpfr_div(tg->dx, tg->dx, v[k * d + j], MPFR_RNDN);
      if (K > 1) mpfr_mul(tg->dx, tg->dx, tg->l[k], MPFR_RNDN);
      mpfr_add(s[j], s[j], tg->dx, MPFR_RNDN);
    }
}

void ddpm_ref_score_error_value(const ddpm_run *run, mpfr_t value)
{
  mpfr_set_zero(value, 1);
  if (run->score_error == DDPM_SCORE_EXACT) return;
  mpfr_set_str(value, run->score_error_text, 10, MPFR_RNDN);
  if (run->score_error == DDPM_SCORE_REL) mpfr_add_ui(value, value, 1, MPFR_RNDN); /* 1 + R */
}

void ddpm_ref_score_perturb(const ddpm_run *run, long long d, mpfr_t *s, mpfr_srcptr value)
{
  if (run->score_error == DDPM_SCORE_BIAS) {
    for (long long j = 0; j < d; j++) mpfr_add(s[j], s[j], value, MPFR_RNDN);
  } else if (run->score_error == DDPM_SCORE_REL) { /* s (1 + R) */
    for (long long j = 0; j < d; j++) mpfr_mul(s[j], s[j], value, MPFR_RNDN);
  }
}
