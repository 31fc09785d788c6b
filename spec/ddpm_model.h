/* ddpm_model.h: the parsed, validated description of a run.
 *
 * Schedules, targets and samplers are given as spec strings
 * NAME[:key=value,...] (DESIGN.md section 5). Each family (schedule, target,
 * sampler) has a table of kinds; each kind lists its keys, their types and
 * defaults, and a range check. Adding a kind is adding a table row plus its
 * builder in ref/ and fp/. Numbers keep their decimal text, so the oracle
 * reads them correctly rounded at its own precision while the fast path uses
 * the nearest binary64. */
#ifndef DDPM_MODEL_H
#define DDPM_MODEL_H

#include "ddpm_error.h"

#define DDPM_MAX_PARAMS 8
#define DDPM_TEXT_MAX 96
#define DDPM_CANON_MAX 1024

typedef enum {
  DDPM_PARAM_REAL, /* decimal number, finite */
  DDPM_PARAM_INT,  /* decimal integer */
  DDPM_PARAM_WORD, /* one of a '|'-separated list of choices */
  DDPM_PARAM_PATH  /* a file name: the whole text after "NAME:" */
} ddpm_param_type;

typedef struct {
  const char *key;
  ddpm_param_type type;
  const char *def;     /* default, as text */
  const char *choices; /* DDPM_PARAM_WORD only */
  const char *help;
} ddpm_param_desc;

struct ddpm_spec;
typedef struct {
  const char *name;
  const char *help;
  int nparams;
  ddpm_param_desc params[DDPM_MAX_PARAMS];
  /* range checks beyond the types; NULL when none */
  int (*check)(const struct ddpm_spec *s, const char *family, ddpm_err *e);
  /* checks that also fill derived values (file: T); NULL when none */
  int (*load)(struct ddpm_spec *s, const char *family, ddpm_err *e);
} ddpm_kind_desc;

typedef enum { DDPM_FAMILY_SCHEDULE, DDPM_FAMILY_TARGET, DDPM_FAMILY_SAMPLER } ddpm_family;

typedef struct ddpm_spec {
  ddpm_family family;
  int kind;                                   /* row in the family's table */
  const ddpm_kind_desc *desc;
  char text[DDPM_MAX_PARAMS][DDPM_TEXT_MAX];  /* decimal text, as given */
  double real[DDPM_MAX_PARAMS];               /* REAL: nearest binary64 */
  long long integer[DDPM_MAX_PARAMS];         /* INT */
  int word[DDPM_MAX_PARAMS];                  /* WORD: index of the choice */
  char canonical[DDPM_CANON_MAX];             /* every key, table order */
} ddpm_spec;

/* Kinds, in table order, and their parameter indices. Every schedule but
 * file has T as key 0; file's T is the number of betas in the file. */
enum {
  DDPM_SCHEDULE_LINEAR = 0,
  DDPM_SCHEDULE_SCALED_LINEAR,
  DDPM_SCHEDULE_COSINE,
  DDPM_SCHEDULE_LI_YAN,
  DDPM_SCHEDULE_LCW,
  DDPM_SCHEDULE_FILE,
  DDPM_SCHEDULE_VP,
  DDPM_SCHEDULE_OU
};
enum { DDPM_LINEAR_T = 0, DDPM_LINEAR_BETA_MIN, DDPM_LINEAR_BETA_MAX }; /* and scaled-linear */
enum { DDPM_COSINE_T = 0, DDPM_COSINE_S, DDPM_COSINE_MAX_BETA };
enum { DDPM_LY_T = 0, DDPM_LY_C0, DDPM_LY_C1 };                          /* li-yan and lcw */
enum { DDPM_FILE_PATH = 0, DDPM_FILE_T /* derived: the number of lines */ };
/* continuous schedules on T grid points tau_1 = eps < ... < tau_T = end, tau_0 = 0 */
enum { DDPM_VP_T = 0, DDPM_VP_BETA_MIN, DDPM_VP_BETA_MAX, DDPM_VP_EPS };
enum { DDPM_OU_T = 0, DDPM_OU_HORIZON, DDPM_OU_EPS };

/* li-yan must end near N(0, I) and lcw must start near the data: these
 * bound abar_T (li-yan) and 1 - abar_1 (lcw). */
#define DDPM_SCHEDULE_END_TOL 0.01

/* Targets: gauss:d=..,mean=..,var=.. and the JSON forms gauss:FILE (one
 * component) and gmm:FILE, whose load hook reads the file (ddpm_mixture.h)
 * and stores d and K in integer[DDPM_MIXFILE_D], integer[DDPM_MIXFILE_K]. */
enum { DDPM_TARGET_GAUSS = 0, DDPM_TARGET_GAUSS_FILE, DDPM_TARGET_GMM };
enum { DDPM_GAUSS_D = 0, DDPM_GAUSS_MEAN, DDPM_GAUSS_VAR };
enum { DDPM_MIXFILE_PATH = 0, DDPM_MIXFILE_D, DDPM_MIXFILE_K };

/* Samplers (spec/maths.md section 4). The continuous-time ones run on the
 * grid of a vp or ou schedule (ou-em on ou only). */
enum {
  DDPM_SAMPLER_DDPM = 0,
  DDPM_SAMPLER_DDIM,
  DDPM_SAMPLER_LIYAN_ODE,
  DDPM_SAMPLER_VP_EM,
  DDPM_SAMPLER_VP_EI,
  DDPM_SAMPLER_PF_EULER,
  DDPM_SAMPLER_PF_HEUN,
  DDPM_SAMPLER_OU_EM
};
enum { DDPM_DDPM_VAR = 0, DDPM_DDPM_LAST_NOISE };
enum { DDPM_DDPM_VAR_BETA = 0, DDPM_DDPM_VAR_POSTERIOR, DDPM_DDPM_VAR_LIYAN };
enum { DDPM_DDIM_ETA = 0 };
enum { DDPM_SDE_LAST_NOISE = 0 }; /* vp-em, vp-ei, ou-em */

/* 1 if the sampler adds noise on the step to the data end (p = 0). */
int ddpm_sampler_last_noise(const ddpm_spec *sampler);
/* 1 for the continuous-time samplers, which need a vp or ou schedule. */
int ddpm_sampler_is_continuous(const ddpm_spec *sampler);

/* Largest T and d accepted, so that sizes stay far from overflow; the
 * trajectory size n (T+1) d is checked separately (ddpm_run_check). */
#define DDPM_T_MAX 10000000LL
#define DDPM_D_MAX 1000000LL
#define DDPM_N_MAX 1000000000LL

/* Plain decimal text (what MPFR and strtod both read the same way). */
int ddpm_decimal_text_ok(const char *s);

/* Parses and validates a spec string of the given family. */
int ddpm_spec_parse(ddpm_family family, const char *text, ddpm_spec *out, ddpm_err *e);

/* The family's name as used in messages and options ("schedule", ...). */
const char *ddpm_family_name(ddpm_family family);

/* The family's kind table, for --help listings. */
const ddpm_kind_desc *ddpm_family_kinds(ddpm_family family, int *nkinds);

/* One run: what the sampler needs besides the three specs. */
typedef struct {
  ddpm_spec schedule, target, sampler;
  long long n;         /* number of samples */
  unsigned long long seed;
  long long steps;     /* reverse steps K, 1 <= K <= T */
  int spacing;         /* ddpm_spacing: which K of the T timesteps */
  long long steps_offset; /* leading spacing's offset */
  long long d;         /* dimension, from the target */
  /* --score-error: perturbed score (spec/maths.md section 3) */
  int score_error;     /* DDPM_SCORE_EXACT, _BIAS or _REL */
  char score_error_text[DDPM_TEXT_MAX]; /* its decimal value */
  double score_error_value;             /* nearest binary64 */
  /* Replay (spec/ddpm_draws.h): NULL, or .npy files whose values both
   * engines use exactly in place of the Philox draws. */
  const char *noise_path;  /* --noise: draws shaped (steps+1, n, d) */
  const char *x_init_path; /* --x-init: the initial states, (n, d) */
} ddpm_run;

enum { DDPM_SCORE_EXACT = 0, DDPM_SCORE_BIAS, DDPM_SCORE_REL };

/* Parses --score-error's "bias=B" or "rel=R" into run (exit 2 on bad text). */
int ddpm_score_error_parse(const char *text, ddpm_run *run, ddpm_err *e);

/* T of a schedule spec (every schedule has T as its first key). */
long long ddpm_schedule_T(const ddpm_spec *schedule);

/* Dimension d of a target spec. */
long long ddpm_target_dim(const ddpm_spec *target);

/* Cross-checks a run (sizes that fit memory, steps and spacing vs T). */
int ddpm_run_check(const ddpm_run *run, ddpm_err *e);

/* The reverse steps of a checked run: step k = 1..K goes from time t[k-1]
 * to its predecessor p[k-1] in the subsequence (1-based times; p = 0 is the
 * data end, abar_0 = 1). With K = T: t = T..1, p = t - 1. Returns
 * DDPM_EINTERNAL if memory runs out. */
int ddpm_run_timesteps(const ddpm_run *run, long long *t, long long *p, ddpm_err *e);

/* Names of the spacings, for options and meta.json. */
const char *ddpm_spacing_name(int spacing);

#endif
