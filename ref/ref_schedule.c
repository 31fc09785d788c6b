/* ref_schedule.c: schedules in MPFR, as spec/maths.md writes them. */
#include <stdlib.h>

#include "ddpm_ref.h"

static mpfr_t *alloc_column(long long T, mpfr_prec_t prec)
{
  mpfr_t *col = malloc((size_t)(T + 1) * sizeof *col);
  if (col)
    for (long long t = 0; t <= T; t++) mpfr_init2(col[t], prec);
  return col;
}

static void free_column(mpfr_t *col, long long T)
{
  if (!col) return;
  for (long long t = 0; t <= T; t++) mpfr_clear(col[t]);
  free(col);
}

void ddpm_ref_schedule_free(ddpm_ref_schedule *s)
{
  free_column(s->beta, s->T);
  free_column(s->alpha, s->T);
  free_column(s->abar, s->T);
  free_column(s->oma, s->T);
  s->beta = s->alpha = s->abar = s->oma = NULL;
}

/* beta_t = beta_min + (beta_max - beta_min) (t - 1)/(T - 1) */
static void linear_betas(const ddpm_spec *spec, ddpm_ref_schedule *s)
{
  mpfr_t bmin, bmax, width;
  mpfr_inits2(s->prec, bmin, bmax, width, (mpfr_ptr)0);
  mpfr_set_str(bmin, spec->text[DDPM_LINEAR_BETA_MIN], 10, MPFR_RNDN);
  mpfr_set_str(bmax, spec->text[DDPM_LINEAR_BETA_MAX], 10, MPFR_RNDN);
  mpfr_sub(width, bmax, bmin, MPFR_RNDN);
  for (long long t = 1; t <= s->T; t++) {
    mpfr_mul_ui(s->beta[t], width, (unsigned long)(t - 1), MPFR_RNDN);
    mpfr_div_ui(s->beta[t], s->beta[t], (unsigned long)(s->T - 1), MPFR_RNDN);
    mpfr_add(s->beta[t], s->beta[t], bmin, MPFR_RNDN);
  }
  mpfr_clears(bmin, bmax, width, (mpfr_ptr)0);
}

int ddpm_ref_schedule_build(const ddpm_spec *spec, mpfr_prec_t prec, ddpm_ref_schedule *s,
                            ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  s->T = T;
  s->prec = prec;
  s->beta = alloc_column(T, prec);
  s->alpha = alloc_column(T, prec);
  s->abar = alloc_column(T, prec);
  s->oma = alloc_column(T, prec);
  if (!s->beta || !s->alpha || !s->abar || !s->oma) {
    ddpm_ref_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR: linear_betas(spec, s); break;
  }
  mpfr_set_zero(s->beta[0], 1);
  mpfr_set_ui(s->alpha[0], 1, MPFR_RNDN);
  mpfr_set_ui(s->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(s->oma[0], 1);
  for (long long t = 1; t <= T; t++) {
    mpfr_ui_sub(s->alpha[t], 1, s->beta[t], MPFR_RNDN);
    mpfr_mul(s->abar[t], s->abar[t - 1], s->alpha[t], MPFR_RNDN);
    /* 1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t, no cancellation */
    mpfr_mul(s->oma[t], s->abar[t - 1], s->beta[t], MPFR_RNDN);
    mpfr_add(s->oma[t], s->oma[t], s->oma[t - 1], MPFR_RNDN);
  }
  return DDPM_OK;
}
