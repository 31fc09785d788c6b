/* fp_schedule.c: binary64 schedules: dispatch to the builders, then the
 * derived columns every schedule shares (spec/maths.md sections 1-2). */
#include <math.h>
#include <stdlib.h>

#include "ddpm_fp.h"
#include "ddpm_schedule_file.h"

#define NCOLS 9

static double **column(ddpm_fp_schedule *s, int c)
{
  double **cols[NCOLS] = {&s->beta, &s->alpha, &s->abar, &s->oma,
                          &s->log_abar, &s->btilde, &s->snr, &s->sqrt_abar, &s->sqrt_oma};
  return cols[c];
}

void ddpm_fp_schedule_free(ddpm_fp_schedule *s)
{
  for (int c = 0; c < NCOLS; c++) {
    free(*column(s, c));
    *column(s, c) = NULL;
  }
}

/* From beta: abar by its product and 1 - abar without cancellation: while
 * abar >= 1/2 by the recurrence 1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t
 * (positive terms only), below 1/2 as 1 - abar_t directly (no cancellation
 * there, and it cannot creep past 1 as the sum could). abar is left alone
 * when the builder already made it (linear, proved). */
static void accumulate(ddpm_fp_schedule *s, int have_abar)
{
  s->abar[0] = 1.0;
  s->oma[0] = 0.0;
  for (long long t = 1; t <= s->T; t++) {
    if (!have_abar) s->abar[t] = s->abar[t - 1] * (1.0 - s->beta[t]);
    s->oma[t] = s->abar[t] >= 0.5 ? s->oma[t - 1] + s->abar[t - 1] * s->beta[t]
                                  : 1.0 - s->abar[t];
  }
}

/* alpha, log abar, betatilde, SNR and the square roots from beta, abar and
 * 1 - abar. */
static void derive(ddpm_fp_schedule *s)
{
  s->alpha[0] = 1.0;
  s->log_abar[0] = 0.0;
  s->btilde[0] = 0.0;
  s->snr[0] = INFINITY;
  s->sqrt_abar[0] = 1.0;
  s->sqrt_oma[0] = 0.0;
  for (long long t = 1; t <= s->T; t++) {
    s->sqrt_abar[t] = sqrt(s->abar[t]);
    s->sqrt_oma[t] = sqrt(s->oma[t]);
    s->alpha[t] = 1.0 - s->beta[t];
    /* log1p(-oma) is accurate where abar is near 1, log(abar) elsewhere */
    s->log_abar[t] = s->oma[t] < 0.5 ? log1p(-s->oma[t]) : log(s->abar[t]);
    /* oma_{t-1}/oma_t rounds to at most 1, so btilde <= beta in binary64 too */
    s->btilde[t] = s->beta[t] * (s->oma[t - 1] / s->oma[t]);
    s->snr[t] = s->abar[t] / s->oma[t];
  }
}

/* What binary64 can hold, checked for every schedule (the proofs cover the
 * linear builder on its domain; see proofs/report.md). */
static int check_invariants(const ddpm_fp_schedule *s, ddpm_err *e)
{
  for (long long t = 1; t <= s->T; t++) {
    if (!(s->beta[t] > 0.0 && s->beta[t] < 1.0))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: beta_%lld = %.17g is not in (0, 1)",
                       t, s->beta[t]);
    if (!(s->abar[t] > 0.0))
      return ddpm_fail(e, DDPM_EINPUT,
                       "--schedule: abar_%lld underflows binary64 (schedule too long or "
                       "betas too large)", t);
    if (!(s->abar[t] <= s->abar[t - 1] && s->abar[t] <= 1.0))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: abar_%lld increases in binary64", t);
    /* strictly increasing in the reals; in binary64 it may saturate at 1 */
    if (!(s->oma[t] >= s->oma[t - 1] && s->oma[t] > 0.0 && s->oma[t] <= 1.0))
      return ddpm_fail(e, DDPM_EINPUT,
                       "--schedule: 1 - abar_%lld decreases or leaves (0, 1] in binary64", t);
    if (!(s->btilde[t] >= 0.0 && s->btilde[t] <= s->beta[t]))
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: betatilde_%lld out of [0, beta]", t);
  }
  return DDPM_OK;
}

static int file_betas(const ddpm_spec *spec, double *beta, ddpm_err *e)
{
  char **lines;
  long long T;
  int rc = ddpm_schedule_file_read(spec->text[DDPM_FILE_PATH], &lines, &T, e);
  if (rc != DDPM_OK) return rc;
  if (T != spec->integer[DDPM_FILE_T]) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s changed while being read",
                     spec->text[DDPM_FILE_PATH]);
  }
  beta[0] = 0.0;
  for (long long t = 1; t <= T; t++) beta[t] = strtod(lines[t - 1], NULL);
  ddpm_schedule_file_free(lines, T);
  return DDPM_OK;
}

void ddpm_fp_jump(const ddpm_fp_schedule *s, long long t, long long p, double *beta_jump,
                  double *alpha_jump)
{
  double q = 0.0;
  for (long long r = p + 1; r <= t; r++) q = q + (1.0 - q) * s->beta[r];
  *beta_jump = q;
  *alpha_jump = 1.0 - q;
}

int ddpm_fp_schedule_build(const ddpm_spec *spec, ddpm_fp_schedule *s, ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  size_t len = (size_t)T + 1;
  s->T = T;
  int ok = 1;
  for (int c = 0; c < NCOLS; c++) {
    *column(s, c) = malloc(len * sizeof(double));
    ok = ok && *column(s, c) != NULL;
  }
  if (!ok) {
    ddpm_fp_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  const double *p = spec->real;
  int rc = DDPM_OK, have_abar = 0;
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR:
    /* proved for T <= DDPM_LINEAR_PROVED_TMAX; beyond, check_invariants decides */
    ddpm_fp_linear_fill((int)T, p[DDPM_LINEAR_BETA_MIN], p[DDPM_LINEAR_BETA_MAX], s->beta,
                        s->abar);
    have_abar = 1;
    break;
  case DDPM_SCHEDULE_SCALED_LINEAR:
    ddpm_fp_scaled_linear_betas(T, p[DDPM_LINEAR_BETA_MIN], p[DDPM_LINEAR_BETA_MAX], s->beta);
    break;
  case DDPM_SCHEDULE_COSINE:
    ddpm_fp_cosine_betas(T, p[DDPM_COSINE_S], p[DDPM_COSINE_MAX_BETA], s->beta);
    break;
  case DDPM_SCHEDULE_LI_YAN:
    ddpm_fp_li_yan_betas(T, p[DDPM_LY_C0], p[DDPM_LY_C1], s->beta);
    break;
  case DDPM_SCHEDULE_LCW:
    ddpm_fp_lcw_fill(T, p[DDPM_LY_C0], p[DDPM_LY_C1], s->beta, s->abar, s->oma);
    have_abar = 2; /* abar and 1 - abar both made */
    break;
  case DDPM_SCHEDULE_FILE:
    rc = file_betas(spec, s->beta, e);
    break;
  case DDPM_SCHEDULE_VP:
  case DDPM_SCHEDULE_OU: {
    double *B = malloc(len * sizeof *B), *dB = malloc(len * sizeof *dB);
    if (!B || !dB)
      rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
    else if (spec->kind == DDPM_SCHEDULE_VP)
      ddpm_fp_vp_fill(T, p[DDPM_VP_BETA_MIN], p[DDPM_VP_BETA_MAX], p[DDPM_VP_EPS], s->beta,
                      s->abar, s->oma, B, dB);
    else
      ddpm_fp_ou_fill(T, p[DDPM_OU_HORIZON], p[DDPM_OU_EPS], s->beta, s->abar, s->oma, B, dB);
    free(B);
    free(dB);
    have_abar = 2;
    break;
  }
  default:
    rc = ddpm_fail(e, DDPM_EINTERNAL, "schedule: kind %d has no binary64 builder", spec->kind);
  }
  if (rc == DDPM_OK) {
    if (have_abar < 2) accumulate(s, have_abar);
    derive(s);
    rc = check_invariants(s, e);
  }
  if (rc != DDPM_OK) ddpm_fp_schedule_free(s);
  return rc;
}
