/* fp_grid.c: the time grid of the continuous schedules in binary64, for the
 * continuous-time samplers (spec/maths.md section 4). */
#include "ddpm_fp.h"

int ddpm_fp_grid_init(const ddpm_spec *schedule, ddpm_fp_grid *g)
{
  switch (schedule->kind) {
  case DDPM_SCHEDULE_VP:
    g->T = schedule->integer[DDPM_VP_T];
    g->eps = schedule->real[DDPM_VP_EPS];
    g->end = 1.0;
    g->rate0 = schedule->real[DDPM_VP_BETA_MIN];
    g->slope = schedule->real[DDPM_VP_BETA_MAX] - schedule->real[DDPM_VP_BETA_MIN];
    return 1;
  case DDPM_SCHEDULE_OU:
    g->T = schedule->integer[DDPM_OU_T];
    g->eps = schedule->real[DDPM_OU_EPS];
    g->end = schedule->real[DDPM_OU_HORIZON];
    g->rate0 = 2.0;
    g->slope = 0.0;
    return 1;
  }
  return 0;
}

double ddpm_fp_grid_tau(const ddpm_fp_grid *g, long long t)
{
  if (t == 0) return 0.0;
  return g->eps + ((g->end - g->eps) / (double)(g->T - 1)) * (double)(t - 1);
}

double ddpm_fp_grid_width(const ddpm_fp_grid *g, long long t, long long p)
{
  if (p == 0) return ddpm_fp_grid_tau(g, t);
  return ((g->end - g->eps) / (double)(g->T - 1)) * (double)(t - p);
}

double ddpm_fp_grid_rate(const ddpm_fp_grid *g, double tau)
{
  return g->rate0 + g->slope * tau;
}
