/* fp_target.c: targets with exact scores, binary64. */
#include <math.h>

#include "ddpm_fp.h"

int ddpm_fp_target_init(const ddpm_spec *spec, ddpm_fp_target *tg, ddpm_err *e)
{
  (void)e;
  tg->kind = spec->kind;
  switch (spec->kind) {
  case DDPM_TARGET_GAUSS:
    tg->d = spec->integer[DDPM_GAUSS_D];
    tg->mean = spec->real[DDPM_GAUSS_MEAN];
    tg->var = spec->real[DDPM_GAUSS_VAR];
    break;
  }
  return DDPM_OK;
}

void ddpm_fp_target_score(const ddpm_fp_target *tg, double abar, double oma,
                          const double *x, double *s)
{
  switch (tg->kind) {
  case DDPM_TARGET_GAUSS: {
    /* X_t ~ N(sqrt(abar) m, abar v + 1 - abar): s = (m_t - x) / v_t. */
    double m_t = sqrt(abar) * tg->mean;
    double v_t = abar * tg->var + oma;
    for (long long j = 0; j < tg->d; j++) s[j] = (m_t - x[j]) / v_t;
    break;
  }
  }
}
