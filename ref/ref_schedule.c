/* ref_schedule.c: schedules in MPFR: dispatch to the builders, then the
 * derived columns every schedule shares (spec/maths.md sections 1-2). */
#include <stdlib.h>

#include "ddpm_ref.h"
#include "ddpm_schedule_file.h"

#define NCOLS 9

static mpfr_t **column(ddpm_ref_schedule *s, int c)
{
  mpfr_t **cols[NCOLS] = {&s->beta, &s->alpha, &s->abar, &s->oma,
                          &s->log_abar, &s->btilde, &s->snr, &s->sqrt_abar, &s->sqrt_oma};
  return cols[c];
}

void ddpm_ref_schedule_free(ddpm_ref_schedule *s)
{
  for (int c = 0; c < NCOLS; c++) {
    ddpm_ref_vector_free(*column(s, c), (size_t)(s->T + 1));
    *column(s, c) = NULL;
  }
}

static int file_betas(const ddpm_spec *spec, ddpm_ref_schedule *s, ddpm_err *e)
{
  char **lines;
  long long T;
  int rc = ddpm_schedule_file_read(spec->text[DDPM_FILE_PATH], &lines, &T, e);
  if (rc != DDPM_OK) return rc;
  if (T != s->T) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s changed while being read",
                     spec->text[DDPM_FILE_PATH]);
  }
  for (long long t = 1; t <= T; t++) mpfr_set_str(s->beta[t], lines[t - 1], 10, MPFR_RNDN);
  ddpm_schedule_file_free(lines, T);
  return DDPM_OK;
}

/* abar_t = abar_{t-1} (1 - beta_t);  1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t */
static void accumulate(ddpm_ref_schedule *s)
{
  mpfr_t step;
  mpfr_init2(step, s->prec);
  for (long long t = 1; t <= s->T; t++) {
    mpfr_ui_sub(step, 1, s->beta[t], MPFR_RNDN);
    mpfr_mul(s->abar[t], s->abar[t - 1], step, MPFR_RNDN);
    mpfr_mul(step, s->abar[t - 1], s->beta[t], MPFR_RNDN);
    mpfr_add(s->oma[t], s->oma[t - 1], step, MPFR_RNDN);
  }
  mpfr_clear(step);
}

/* alpha_t = 1 - beta_t, log abar_t = log1p(-(1 - abar_t)), sqrt(abar_t), sqrt(1 - abar_t),
 * betatilde_t = beta_t (1 - abar_{t-1})/(1 - abar_t), SNR_t = abar_t/(1 - abar_t) */
void ddpm_ref_schedule_row0(ddpm_ref_schedule *s)
{
  mpfr_set_ui(s->alpha[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->log_abar[0], 1);
  mpfr_set_zero(s->btilde[0], 1);
  mpfr_set_inf(s->snr[0], 1);
  mpfr_set_ui(s->sqrt_abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->sqrt_oma[0], 1);
}

static void derive(ddpm_ref_schedule *s)
{
  ddpm_ref_schedule_row0(s);
  for (long long t = 1; t <= s->T; t++) {
    mpfr_sqrt(s->sqrt_abar[t], s->abar[t], MPFR_RNDN);
    mpfr_sqrt(s->sqrt_oma[t], s->oma[t], MPFR_RNDN);
    mpfr_ui_sub(s->alpha[t], 1, s->beta[t], MPFR_RNDN);
    mpfr_neg(s->log_abar[t], s->oma[t], MPFR_RNDN);
    mpfr_log1p(s->log_abar[t], s->log_abar[t], MPFR_RNDN);
    mpfr_mul(s->btilde[t], s->beta[t], s->oma[t - 1], MPFR_RNDN);
    mpfr_div(s->btilde[t], s->btilde[t], s->oma[t], MPFR_RNDN);
    mpfr_div(s->snr[t], s->abar[t], s->oma[t], MPFR_RNDN);
  }
}

/* 1 - prod (1 - beta_s), one factor at a time: q <- q + (1 - q) beta_s */
void ddpm_ref_jump(const ddpm_ref_schedule *s, long long t, long long p, mpfr_t beta_jump,
                   mpfr_t alpha_jump)
{
  mpfr_t step;
  mpfr_init2(step, mpfr_get_prec(beta_jump));
  mpfr_set_zero(beta_jump, 1);
  for (long long r = p + 1; r <= t; r++) {
    mpfr_ui_sub(step, 1, beta_jump, MPFR_RNDN);
    mpfr_mul(step, step, s->beta[r], MPFR_RNDN);
    mpfr_add(beta_jump, beta_jump, step, MPFR_RNDN);
  }
  mpfr_ui_sub(alpha_jump, 1, beta_jump, MPFR_RNDN);
  mpfr_clear(step);
}

int ddpm_ref_schedule_build(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_schedule *s,
                            ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  s->T = T;
  s->prec = prec;
  int ok = 1;
  for (int c = 0; c < NCOLS; c++) {
    mpfr_t *col = ddpm_ref_vector_new((size_t)(T + 1), prec);
    *column(s, c) = col;
    ok = ok && col != NULL;
  }
  if (!ok) {
    ddpm_ref_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  mpfr_set_zero(s->beta[0], 1);
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->oma[0], 1);
  int rc = DDPM_OK, have_abar = 0;
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR: ddpm_ref_linear_betas(spec, s); break;
  case DDPM_SCHEDULE_SCALED_LINEAR: ddpm_ref_scaled_linear_betas(spec, s); break;
  case DDPM_SCHEDULE_COSINE: ddpm_ref_cosine_betas(spec, s); break;
  case DDPM_SCHEDULE_LI_YAN: ddpm_ref_li_yan_betas(spec, s); break;
  case DDPM_SCHEDULE_LCW: ddpm_ref_lcw_fill(spec, s); have_abar = 1; break;
  case DDPM_SCHEDULE_FILE: rc = file_betas(spec, s, e); break;
  case DDPM_SCHEDULE_VP:
  case DDPM_SCHEDULE_OU: ddpm_ref_continuous_fill(spec, s); have_abar = 1; break;
  default:
    rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: kind %d has no MPFR builder", spec->kind);
  }
  if (rc == DDPM_OK) {
    if (!have_abar) accumulate(s);
    derive(s);
  }
  if (rc != DDPM_OK) ddpm_ref_schedule_free(s);
  return rc;
}
