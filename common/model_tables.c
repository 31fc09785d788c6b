/* model_tables.c: the kinds of schedule, target and sampler ddpmref knows,
 * their keys with defaults, and the range checks every engine relies on. */
#include <math.h>
#include <stdint.h>

#include "ddpm_model.h"

/* ---- schedules ---------------------------------------------------------- */

static int check_linear(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  long long T = s->integer[DDPM_LINEAR_T];
  double bmin = s->real[DDPM_LINEAR_BETA_MIN], bmax = s->real[DDPM_LINEAR_BETA_MAX];
  if (T < 2)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: linear: T=%lld: must be >= 2", fam, T);
  if (T > DDPM_T_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: linear: T=%lld: larger than %lld", fam, T,
                     DDPM_T_MAX);
  if (!(bmin > 0.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: linear: beta_min=%s: must be > 0", fam,
                     s->text[DDPM_LINEAR_BETA_MIN]);
  if (!(bmax < 1.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: linear: beta_max=%s: must be < 1", fam,
                     s->text[DDPM_LINEAR_BETA_MAX]);
  if (!(bmin <= bmax))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: linear: beta_min=%s > beta_max=%s", fam,
                     s->text[DDPM_LINEAR_BETA_MIN], s->text[DDPM_LINEAR_BETA_MAX]);
  return DDPM_OK;
}

static const ddpm_kind_desc schedule_kinds[] = {
  {"linear", "beta_t = beta_min + (beta_max - beta_min)(t-1)/(T-1) (Ho et al. 2020)", 3,
   {{"T", DDPM_PARAM_INT, "1000", 0, "number of diffusion steps"},
    {"beta_min", DDPM_PARAM_REAL, "0.0001", 0, "beta_1"},
    {"beta_max", DDPM_PARAM_REAL, "0.02", 0, "beta_T"}},
   check_linear},
};

/* ---- targets ------------------------------------------------------------ */

static int check_gauss(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  long long d = s->integer[DDPM_GAUSS_D];
  double var = s->real[DDPM_GAUSS_VAR];
  if (d < 1)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: gauss: d=%lld: must be >= 1", fam, d);
  if (d > DDPM_D_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: gauss: d=%lld: larger than %lld", fam, d,
                     DDPM_D_MAX);
  if (!(var > 0.0))
    return ddpm_fail(e, DDPM_EINPUT,
                     "--%s: gauss: var=%s: must be > 0 (and not underflow binary64)", fam,
                     s->text[DDPM_GAUSS_VAR]);
  /* |mean| and var up to 1e150 keep abar var + 1 - abar and its square far
   * from overflow in binary64. */
  if (!(fabs(s->real[DDPM_GAUSS_MEAN]) <= 1e150))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: gauss: mean=%s: |mean| must be <= 1e150",
                     fam, s->text[DDPM_GAUSS_MEAN]);
  if (!(var <= 1e150))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: gauss: var=%s: must be <= 1e150", fam,
                     s->text[DDPM_GAUSS_VAR]);
  return DDPM_OK;
}

static const ddpm_kind_desc target_kinds[] = {
  {"gauss", "isotropic Gaussian N(mean 1, var I) in dimension d, exact score", 3,
   {{"d", DDPM_PARAM_INT, "1", 0, "dimension"},
    {"mean", DDPM_PARAM_REAL, "0", 0, "mean of every coordinate"},
    {"var", DDPM_PARAM_REAL, "1", 0, "variance of every coordinate"}},
   check_gauss},
};

/* ---- samplers ----------------------------------------------------------- */

static const ddpm_kind_desc sampler_kinds[] = {
  {"ddpm", "ancestral sampler (Ho et al. 2020), no noise on the last step", 1,
   {{"var", DDPM_PARAM_WORD, "beta", "beta", "reverse variance: sigma_t^2 = beta_t"}},
   0},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const ddpm_kind_desc *ddpm_family_kinds(ddpm_family family, int *nkinds)
{
  switch (family) {
  case DDPM_FAMILY_SCHEDULE: *nkinds = COUNT(schedule_kinds); return schedule_kinds;
  case DDPM_FAMILY_TARGET: *nkinds = COUNT(target_kinds); return target_kinds;
  case DDPM_FAMILY_SAMPLER: *nkinds = COUNT(sampler_kinds); return sampler_kinds;
  }
  *nkinds = 0;
  return 0;
}

const char *ddpm_family_name(ddpm_family family)
{
  switch (family) {
  case DDPM_FAMILY_SCHEDULE: return "schedule";
  case DDPM_FAMILY_TARGET: return "target";
  case DDPM_FAMILY_SAMPLER: return "sampler";
  }
  return "?";
}

long long ddpm_schedule_T(const ddpm_spec *schedule)
{
  return schedule->integer[DDPM_LINEAR_T]; /* every schedule's T is key 0 */
}

long long ddpm_target_dim(const ddpm_spec *target)
{
  switch (target->kind) {
  case DDPM_TARGET_GAUSS: return target->integer[DDPM_GAUSS_D];
  }
  return 0;
}

int ddpm_run_check(const ddpm_run *run, ddpm_err *e)
{
  if (run->n < 1)
    return ddpm_fail(e, DDPM_EINPUT, "--n: %lld: must be >= 1", run->n);
  if (run->n > DDPM_N_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--n: %lld: larger than %lld", run->n, DDPM_N_MAX);
  long long T = ddpm_schedule_T(&run->schedule);
  if (run->steps != T)
    return ddpm_fail(e, DDPM_EINPUT,
                     "--steps: %lld: only steps = T (%lld) is available in this version",
                     run->steps, T);
  /* Every count below is < 2^63 / 8 by the caps on T, d, n, but their
   * product may not be: check before anything is allocated. */
  unsigned __int128 elems = (unsigned __int128)run->n * (unsigned __int128)run->d;
  if (elems > (unsigned __int128)(SIZE_MAX / 16))
    return ddpm_fail(e, DDPM_EINPUT, "--n: n d = %lld x %lld elements do not fit in memory",
                     run->n, run->d);
  return DDPM_OK;
}
