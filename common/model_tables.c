/* model_tables.c: the kinds of schedule, target and sampler ddpmref knows,
 * their keys with defaults, and the range checks every engine relies on. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_draws.h"
#include "ddpm_mixture.h"
#include "ddpm_model.h"
#include "ddpm_schedule_file.h"
#include "ddpm_spacing.h"

/* ---- schedules ---------------------------------------------------------- */

static int check_T(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  long long T = s->integer[0];
  if (T < 2)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: T=%lld: must be >= 2", fam, s->desc->name, T);
  if (T > DDPM_T_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: T=%lld: larger than %lld", fam,
                     s->desc->name, T, DDPM_T_MAX);
  return DDPM_OK;
}

/* linear and scaled-linear: 0 < beta_min <= beta_max < 1 */
static int check_linear(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  double bmin = s->real[DDPM_LINEAR_BETA_MIN], bmax = s->real[DDPM_LINEAR_BETA_MAX];
  const char *name = s->desc->name;
  int rc = check_T(s, fam, e);
  if (rc != DDPM_OK) return rc;
  if (!(bmin > 0.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: beta_min=%s: must be > 0", fam, name,
                     s->text[DDPM_LINEAR_BETA_MIN]);
  if (!(bmax < 1.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: beta_max=%s: must be < 1", fam, name,
                     s->text[DDPM_LINEAR_BETA_MAX]);
  if (!(bmin <= bmax))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: beta_min=%s > beta_max=%s", fam, name,
                     s->text[DDPM_LINEAR_BETA_MIN], s->text[DDPM_LINEAR_BETA_MAX]);
  return DDPM_OK;
}

static int check_cosine(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  int rc = check_T(s, fam, e);
  if (rc != DDPM_OK) return rc;
  /* s >= 0 keeps every angle in [0, pi/2]; s > 0 keeps beta_1 > 0 */
  if (!(s->real[DDPM_COSINE_S] > 0.0 && s->real[DDPM_COSINE_S] <= 1e6))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: cosine: s=%s: must be in (0, 1e6]", fam,
                     s->text[DDPM_COSINE_S]);
  double mb = s->real[DDPM_COSINE_MAX_BETA];
  if (!(mb > 0.0 && mb < 1.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: cosine: max_beta=%s: must be in (0, 1)", fam,
                     s->text[DDPM_COSINE_MAX_BETA]);
  return DDPM_OK;
}

/* li-yan and lcw share their parameters: T^-c0 must not underflow, and
 * k = c1 log T / T must lie in (0, 1) (li-yan's cap; lcw's recursion stays
 * below 1 only then). */
static int check_c0_c1(const ddpm_spec *s, const char *fam, ddpm_err *e, double *k)
{
  int rc = check_T(s, fam, e);
  if (rc != DDPM_OK) return rc;
  double logT = log((double)s->integer[DDPM_LY_T]);
  double c0 = s->real[DDPM_LY_C0], c1 = s->real[DDPM_LY_C1];
  if (!(c0 > 0.0 && c0 * logT <= 700.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: c0=%s: must be > 0 with T^-c0 >= 1e-304",
                     fam, s->desc->name, s->text[DDPM_LY_C0]);
  *k = c1 * logT / (double)s->integer[DDPM_LY_T];
  if (!(c1 > 0.0 && *k < 1.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: c1=%s: c1 log T / T = %.3g must be in (0, 1)",
                     fam, s->desc->name, s->text[DDPM_LY_C1], *k);
  return DDPM_OK;
}

/* Says by how much c1 falls short: the end value found, the tolerance, and
 * the c1 that T^-(c1 - c0) <= tolerance suggests. */
static int c1_too_small(const ddpm_spec *s, const char *fam, ddpm_err *e, const char *what,
                        double value)
{
  double logT = log((double)s->integer[DDPM_LY_T]);
  return ddpm_fail(e, DDPM_EINPUT,
                   "--%s: %s: c1=%s too small for c0=%s: %s = %.3g, must be <= %g "
                   "(about T^-(c1-c0): try c1 >= %.3g)", fam, s->desc->name,
                   s->text[DDPM_LY_C1], s->text[DDPM_LY_C0], what, value,
                   DDPM_SCHEDULE_END_TOL,
                   s->real[DDPM_LY_C0] + log(1.0 / DDPM_SCHEDULE_END_TOL) / logT + 0.5);
}

/* li-yan (Li & Yan 2024, eq. 2.3) needs c1 well above c0: abar_T is about
 * T^-(c1 - c0). Decided on binary64 values, accurate enough for that. */
static int check_li_yan(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  double k;
  int rc = check_c0_c1(s, fam, e, &k);
  if (rc != DDPM_OK) return rc;
  long long T = s->integer[DDPM_LY_T];
  double log_beta1 = -s->real[DDPM_LY_C0] * log((double)T), log_abar = 0.0;
  for (long long t = 1; t <= T; t++) {
    double beta = t == 1 ? exp(log_beta1)
                         : k * fmin(exp(log_beta1 + (double)(t - 1) * log1p(k)), 1.0);
    log_abar += log1p(-beta);
  }
  if (!(log_abar <= log(DDPM_SCHEDULE_END_TOL)))
    return c1_too_small(s, fam, e, "abar_T", exp(log_abar));
  return DDPM_OK;
}

/* lcw (Li, Cai & Wei 2025, eq. 14): abar_T = T^-c0 and abar_{t-1} =
 * abar_t (1 + k (1 - abar_t)); 1 - abar_1 must be small for the process to
 * start near the data. */
static int check_lcw(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  double k;
  int rc = check_c0_c1(s, fam, e, &k);
  if (rc != DDPM_OK) return rc;
  long long T = s->integer[DDPM_LY_T];
  double c0_logT = s->real[DDPM_LY_C0] * log((double)T);
  double abar = exp(-c0_logT), oma = -expm1(-c0_logT);
  for (long long t = T; t > 1; t--) {
    double next = abar + k * abar * oma; /* as ddpm_fp_lcw_fill, capped at 1 */
    oma = oma * (1.0 - k * abar);
    abar = next < 1.0 ? next : 1.0;
  }
  if (!(oma <= DDPM_SCHEDULE_END_TOL)) return c1_too_small(s, fam, e, "1 - abar_1", oma);
  return DDPM_OK;
}

static int check_file(ddpm_spec *s, const char *fam, ddpm_err *e)
{
  char **lines;
  long long T;
  (void)fam;
  int rc = ddpm_schedule_file_read(s->text[DDPM_FILE_PATH], &lines, &T, e);
  if (rc != DDPM_OK) return rc;
  ddpm_schedule_file_free(lines, T);
  s->integer[DDPM_FILE_T] = T;
  return DDPM_OK;
}

/* vp (Song et al. 2021, VP SDE): beta(tau) = beta_min + tau (beta_max - beta_min) on [eps, 1] */
static int check_vp(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  int rc = check_T(s, fam, e);
  if (rc != DDPM_OK) return rc;
  double bmin = s->real[DDPM_VP_BETA_MIN], bmax = s->real[DDPM_VP_BETA_MAX];
  double eps = s->real[DDPM_VP_EPS];
  if (!(bmin > 0.0 && bmin <= bmax && bmax <= 1000.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: vp: beta_min=%s, beta_max=%s: need 0 < beta_min "
                     "<= beta_max <= 1000", fam, s->text[DDPM_VP_BETA_MIN], s->text[DDPM_VP_BETA_MAX]);
  if (!(eps > 0.0 && eps < 1.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: vp: eps=%s: must be in (0, 1)", fam,
                     s->text[DDPM_VP_EPS]);
  return DDPM_OK;
}

/* ou (Bruno et al.): dX = -X dt + sqrt(2) dB on [eps, horizon], abar(tau) = exp(-2 tau) */
static int check_ou(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  int rc = check_T(s, fam, e);
  if (rc != DDPM_OK) return rc;
  double h = s->real[DDPM_OU_HORIZON], eps = s->real[DDPM_OU_EPS];
  if (!(eps > 0.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: ou: eps=%s: must be > 0", fam, s->text[DDPM_OU_EPS]);
  if (!(h > eps && h <= 300.0))
    return ddpm_fail(e, DDPM_EINPUT, "--%s: ou: horizon=%s: must be in (eps, 300] (abar = "
                     "exp(-2 horizon) must not underflow)", fam, s->text[DDPM_OU_HORIZON]);
  return DDPM_OK;
}

#define T_KEY(def) {"T", DDPM_PARAM_INT, def, 0, "number of diffusion steps"}

static const ddpm_kind_desc schedule_kinds[] = {
  {"linear", "beta_t = beta_min + (beta_max - beta_min)(t-1)/(T-1) (Ho et al. 2020)", 3,
   {T_KEY("1000"),
    {"beta_min", DDPM_PARAM_REAL, "0.0001", 0, "beta_1"},
    {"beta_max", DDPM_PARAM_REAL, "0.02", 0, "beta_T"}},
   check_linear, 0},
  {"scaled-linear", "beta_t = (sqrt(beta_min) + (sqrt(beta_max) - sqrt(beta_min))(t-1)/(T-1))^2", 3,
   {T_KEY("1000"),
    {"beta_min", DDPM_PARAM_REAL, "0.00085", 0, "beta_1 (Stable Diffusion's default)"},
    {"beta_max", DDPM_PARAM_REAL, "0.012", 0, "beta_T"}},
   check_linear, 0},
  {"cosine", "abar(u) = cos^2((u+s)/(1+s) pi/2), beta_t = min(1 - abar(t/T)/abar((t-1)/T), "
             "max_beta) (Nichol & Dhariwal 2021)", 3,
   {T_KEY("1000"),
    {"s", DDPM_PARAM_REAL, "0.008", 0, "offset"},
    {"max_beta", DDPM_PARAM_REAL, "0.999", 0, "clip"}},
   check_cosine, 0},
  {"li-yan", "beta_1 = T^-c0, beta_{t+1} = (c1 log T/T) min(beta_1 (1 + c1 log T/T)^t, 1) "
             "(Li & Yan 2024, eq. 2.3)", 3,
   {T_KEY("1000"),
    {"c0", DDPM_PARAM_REAL, "2", 0, "beta_1 = T^-c0"},
    {"c1", DDPM_PARAM_REAL, "4", 0, "growth and cap c1 log T / T"}},
   check_li_yan, 0},
  {"lcw", "abar_T = T^-c0, abar_{t-1} = abar_t + (c1 log T/T) abar_t (1 - abar_t) "
          "(Li, Cai & Wei 2025, eq. 14)", 3,
   {T_KEY("100"),
    {"c0", DDPM_PARAM_REAL, "2", 0, "abar_T = T^-c0"},
    {"c1", DDPM_PARAM_REAL, "10", 0, "growth c1 log T / T"}},
   check_lcw, 0},
  {"file", "beta_t read from PATH, one decimal per line", 1,
   {{"path", DDPM_PARAM_PATH, 0, 0, "file of betas"}},
   0, check_file},
  {"vp", "VP SDE (Song et al. 2021), beta(tau) = beta_min + tau (beta_max - beta_min), on T "
         "grid points from eps to 1; abar = exp(-int_0^tau beta)", 4,
   {T_KEY("1000"),
    {"beta_min", DDPM_PARAM_REAL, "0.1", 0, "beta(0)"},
    {"beta_max", DDPM_PARAM_REAL, "20", 0, "beta(1)"},
    {"eps", DDPM_PARAM_REAL, "0.001", 0, "first grid time (early stopping)"}},
   check_vp, 0},
  {"ou", "Ornstein-Uhlenbeck dX = -X dt + sqrt(2) dB (Bruno et al.), on T grid points from "
         "eps to horizon; abar = exp(-2 tau)", 3,
   {T_KEY("1000"),
    {"horizon", DDPM_PARAM_REAL, "5", 0, "last grid time"},
    {"eps", DDPM_PARAM_REAL, "0.001", 0, "first grid time (early stopping)"}},
   check_ou, 0},
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

/* gauss:FILE and gmm:FILE: read and check the whole file now, so that a bad
 * file is refused before anything runs; keep d and K. */
static int load_mixture_file(ddpm_spec *s, const char *fam, ddpm_err *e)
{
  ddpm_mixture m;
  int rc = ddpm_mixture_read(s->text[DDPM_MIXFILE_PATH], fam, s->desc->name, &m, e);
  if (rc != DDPM_OK) return rc;
  s->integer[DDPM_MIXFILE_D] = m.d;
  s->integer[DDPM_MIXFILE_K] = m.K;
  ddpm_mixture_free(&m);
  return DDPM_OK;
}

/* Two rows may share a name when one takes key=value items and the other a
 * PATH: the parser picks by the text after the colon (no '=': a path). */
static const ddpm_kind_desc target_kinds[] = {
  {"gauss", "isotropic Gaussian N(mean 1, var I) in dimension d, exact score", 3,
   {{"d", DDPM_PARAM_INT, "1", 0, "dimension"},
    {"mean", DDPM_PARAM_REAL, "0", 0, "mean of every coordinate"},
    {"var", DDPM_PARAM_REAL, "1", 0, "variance of every coordinate"}},
   check_gauss, 0},
  {"gauss", "Gaussian N(mean, diag(var)) read from a JSON file with one component", 1,
   {{"path", DDPM_PARAM_PATH, 0, 0, "JSON file (DESIGN.md section 5)"}},
   0, load_mixture_file},
  {"gmm", "Gaussian mixture with diagonal covariances read from a JSON file", 1,
   {{"path", DDPM_PARAM_PATH, 0, 0, "JSON file (DESIGN.md section 5)"}},
   0, load_mixture_file},
};

/* ---- samplers ----------------------------------------------------------- */

static int check_ddim(const ddpm_spec *s, const char *fam, ddpm_err *e)
{
  double eta = s->real[DDPM_DDIM_ETA];
  if (!(eta >= 0.0 && eta <= 1.0))
    return ddpm_fail(e, DDPM_EINPUT,
                     "--%s: ddim: eta=%s: must be in [0, 1] (1 - abar_p - sigma^2 < 0 beyond)",
                     fam, s->text[DDPM_DDIM_ETA]);
  return DDPM_OK;
}

#define LAST_NOISE_KEY {"last_noise", DDPM_PARAM_WORD, "no", "no|yes", "noise on the step to the data end"}

static const ddpm_kind_desc sampler_kinds[] = {
  {"ddpm", "ancestral sampler (Ho et al. 2020; var=liyan: Li & Yan 2024 eq. 2.4)", 2,
   {{"var", DDPM_PARAM_WORD, "beta", "beta|posterior|liyan",
     "reverse variance: beta_t, the posterior betatilde_t, or beta_t/alpha_t inside"},
    LAST_NOISE_KEY},
   0, 0},
  {"ddim", "DDIM (Song, Meng & Ermon 2021), sigma = eta sqrt(betatilde)", 1,
   {{"eta", DDPM_PARAM_REAL, "0", 0, "stochasticity in [0, 1]; 0 is deterministic"}},
   check_ddim, 0},
  {"liyan-ode", "probability-flow step of Li & Yan 2024 eq. 2.5", 0, {{0}}, 0, 0},
  {"vp-em", "reverse SDE, Euler-Maruyama (vp or ou schedule)", 1, {LAST_NOISE_KEY}, 0, 0},
  {"vp-ei", "reverse SDE, exponential integrator (vp or ou schedule)", 1, {LAST_NOISE_KEY},
   0, 0},
  {"pf-euler", "probability-flow ODE, Euler (vp or ou schedule)", 0, {{0}}, 0, 0},
  {"pf-heun", "probability-flow ODE, Heun (vp or ou schedule)", 0, {{0}}, 0, 0},
  {"ou-em", "OU reverse SDE, Euler-Maruyama (Bruno et al. 2023; ou schedule)", 1,
   {LAST_NOISE_KEY}, 0, 0},
};

int ddpm_sampler_last_noise(const ddpm_spec *sampler)
{
  switch (sampler->kind) {
  case DDPM_SAMPLER_DDPM: return sampler->word[DDPM_DDPM_LAST_NOISE];
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_VP_EI:
  case DDPM_SAMPLER_OU_EM: return sampler->word[DDPM_SDE_LAST_NOISE];
  }
  return 0;
}

int ddpm_sampler_is_continuous(const ddpm_spec *sampler)
{
  return sampler->kind >= DDPM_SAMPLER_VP_EM;
}

int ddpm_score_error_parse(const char *text, ddpm_run *run, ddpm_err *e)
{
  int kind;
  const char *val;
  if (strncmp(text, "bias=", 5) == 0) kind = DDPM_SCORE_BIAS, val = text + 5;
  else if (strncmp(text, "rel=", 4) == 0) kind = DDPM_SCORE_REL, val = text + 4;
  else
    return ddpm_fail(e, DDPM_EINPUT, "--score-error: '%s': must be bias=B or rel=R", text);
  if (strlen(val) >= DDPM_TEXT_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--score-error: value longer than %d characters",
                     DDPM_TEXT_MAX - 1);
  if (!ddpm_decimal_text_ok(val))
    return ddpm_fail(e, DDPM_EINPUT, "--score-error: '%s': not a decimal number", val);
  double x = strtod(val, NULL);
  if (!(fabs(x) <= 1e6))
    return ddpm_fail(e, DDPM_EINPUT, "--score-error: %s: |value| must be <= 1e6", val);
  run->score_error = kind;
  strcpy(run->score_error_text, val);
  run->score_error_value = x;
  return DDPM_OK;
}

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
  if (schedule->kind == DDPM_SCHEDULE_FILE) return schedule->integer[DDPM_FILE_T];
  return schedule->integer[0]; /* every other schedule's T is key 0 */
}

long long ddpm_target_dim(const ddpm_spec *target)
{
  switch (target->kind) {
  case DDPM_TARGET_GAUSS: return target->integer[DDPM_GAUSS_D];
  case DDPM_TARGET_GAUSS_FILE:
  case DDPM_TARGET_GMM: return target->integer[DDPM_MIXFILE_D];
  }
  return 0;
}

/* Replay files: shapes that fit the run, every value finite. */
static int check_draw_files(const ddpm_run *run, ddpm_err *e)
{
  if (!run->noise_path && !run->x_init_path) return DDPM_OK;
  ddpm_draw_files f;
  int rc = ddpm_draw_files_open(&f, run, e);
  if (rc != DDPM_OK) return rc;
  rc = ddpm_draw_files_validate(&f, e);
  ddpm_draw_files_close(&f);
  return rc;
}

int ddpm_run_check(const ddpm_run *run, ddpm_err *e)
{
  if (run->n < 1)
    return ddpm_fail(e, DDPM_EINPUT, "--n: %lld: must be >= 1", run->n);
  if (run->n > DDPM_N_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--n: %lld: larger than %lld", run->n, DDPM_N_MAX);
  long long T = ddpm_schedule_T(&run->schedule), K = run->steps;
  if (K < 1 || K > T)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: must be in [1, T = %lld]", K, T);
  if (run->spacing == DDPM_SPACING_LINSPACE && K < 2)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: 1: linspace spacing needs at least 2 steps");
  if (run->spacing == DDPM_SPACING_LEADING &&
      (run->steps_offset < 0 || (K - 1) * (T / K) + run->steps_offset > T - 1))
    return ddpm_fail(e, DDPM_EINPUT,
                     "--steps-offset: %lld: leading spacing needs 0 <= offset <= %lld for "
                     "K = %lld of T = %lld", run->steps_offset, T - 1 - (K - 1) * (T / K), K, T);
  if (ddpm_sampler_is_continuous(&run->sampler)) {
    int sk = run->schedule.kind;
    if (run->sampler.kind == DDPM_SAMPLER_OU_EM && sk != DDPM_SCHEDULE_OU)
      return ddpm_fail(e, DDPM_EINPUT, "--sampler: ou-em: needs the ou schedule, not %s",
                       run->schedule.desc->name);
    if (sk != DDPM_SCHEDULE_VP && sk != DDPM_SCHEDULE_OU)
      return ddpm_fail(e, DDPM_EINPUT,
                       "--sampler: %s: a continuous-time sampler needs a vp or ou schedule, "
                       "not the discrete %s", run->sampler.desc->name, run->schedule.desc->name);
  }
  /* Every count below is < 2^63 / 8 by the caps on T, d, n, but their
   * product may not be: check before anything is allocated. */
  unsigned __int128 elems = (unsigned __int128)run->n * (unsigned __int128)run->d;
  if (elems > (unsigned __int128)(SIZE_MAX / 16))
    return ddpm_fail(e, DDPM_EINPUT, "--n: n d = %lld x %lld elements do not fit in memory",
                     run->n, run->d);
  return check_draw_files(run, e);
}
