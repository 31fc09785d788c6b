/* fp_schedule.c: binary64 schedules and their derived quantities. */
#include <math.h>
#include <stdlib.h>

#include "ddpm_fp.h"

void ddpm_fp_schedule_free(ddpm_fp_schedule *s)
{
  free(s->beta);
  free(s->alpha);
  free(s->abar);
  free(s->oma);
  s->beta = s->alpha = s->abar = s->oma = NULL;
}

/* The invariants the proofs establish on their domain, checked here for
 * every schedule so that parameters outside it fail loudly, not silently. */
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
    if (!(s->abar[t] < s->abar[t - 1]))
      return ddpm_fail(e, DDPM_EINPUT,
                       "--schedule: abar_%lld is not below abar_%lld in binary64", t, t - 1);
  }
  return DDPM_OK;
}

int ddpm_fp_schedule_build(const ddpm_spec *spec, ddpm_fp_schedule *s, ddpm_err *e)
{
  long long T = ddpm_schedule_T(spec);
  size_t len = (size_t)T + 1;
  s->T = T;
  s->beta = malloc(len * sizeof(double));
  s->alpha = malloc(len * sizeof(double));
  s->abar = malloc(len * sizeof(double));
  s->oma = malloc(len * sizeof(double));
  if (!s->beta || !s->alpha || !s->abar || !s->oma) {
    ddpm_fp_schedule_free(s);
    return ddpm_fail(e, DDPM_EINTERNAL, "schedule: out of memory for T=%lld", T);
  }
  switch (spec->kind) {
  case DDPM_SCHEDULE_LINEAR: {
    double bmin = spec->real[DDPM_LINEAR_BETA_MIN], bmax = spec->real[DDPM_LINEAR_BETA_MAX];
    if (T > 2147483646LL) {
      ddpm_fp_schedule_free(s);
      return ddpm_fail(e, DDPM_EINPUT, "--schedule: linear: T=%lld too large", T);
    }
    ddpm_fp_linear_fill((int)T, bmin, bmax, s->beta, s->abar);
    break;
  }
  }
  /* 1 - abar_t = (1 - abar_{t-1}) + abar_{t-1} beta_t: a sum of positive
   * terms, so 1 - abar keeps full relative accuracy where abar is near 1. */
  s->alpha[0] = 1.0;
  s->oma[0] = 0.0;
  for (long long t = 1; t <= T; t++) {
    s->alpha[t] = 1.0 - s->beta[t];
    s->oma[t] = s->oma[t - 1] + s->abar[t - 1] * s->beta[t];
  }
  int rc = check_invariants(s, e);
  if (rc != DDPM_OK) ddpm_fp_schedule_free(s);
  return rc;
}
