/* run_plan.c: which timesteps a run visits (spec/maths.md section 4). */
#include <stdlib.h>

#include "ddpm_model.h"
#include "ddpm_spacing.h"

const char *ddpm_spacing_name(int spacing)
{
  switch (spacing) {
  case DDPM_SPACING_LEADING: return "leading";
  case DDPM_SPACING_TRAILING: return "trailing";
  case DDPM_SPACING_LINSPACE: return "linspace";
  }
  return "?";
}

int ddpm_run_timesteps(const ddpm_run *run, long long *t, long long *p, ddpm_err *e)
{
  const int T = (int)ddpm_schedule_T(&run->schedule), K = (int)run->steps;
  int *tau = malloc((size_t)K * sizeof *tau);
  if (!tau) return ddpm_fail(e, DDPM_EINTERNAL, "out of memory for %d timesteps", K);
  switch (run->spacing) {
  case DDPM_SPACING_TRAILING: ddpm_spacing_trailing(T, K, tau); break;
  case DDPM_SPACING_LINSPACE: ddpm_spacing_linspace(T, K, tau); break;
  default: ddpm_spacing_leading(T, K, (int)run->steps_offset, tau); break;
  }
  /* 0-based tau to 1-based t; the predecessor is the next entry, or the data */
  for (int k = 0; k < K; k++) {
    t[k] = tau[k] + 1;
    p[k] = k + 1 < K ? tau[k + 1] + 1 : 0;
  }
  free(tau);
  return DDPM_OK;
}
