/* rates_options.c: the options of `ddpmref rates` and the runs they
 * describe, one per (d, T), every one checked before any work. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpmref.h"
#include "rates_job.h"
#include "run_options.h"

static void print_help(void)
{
  printf("usage: ddpmref rates --target gauss:...|gmm:FILE.json [--schedule SPEC]\n"
         "       [--sampler SPEC] [--T LIST] [--d LIST] [--compare x0|x1]\n"
         "       [--score-error bias=B|rel=R] [--method exact|quadrature]\n"
         "       [--quad-h H] [--quad-tol R]\n"
         "       [--steps K [--spacing leading|trailing|linspace] [--steps-offset O]]\n"
         "       [--prec BITS] [--check-prec BITS] [-o DIR [--force] [--no-plot]]\n\n"
         "The exact law of the sampler's output on a diagonal Gaussian target (every\n"
         "step is affine in the state for the exact score, so the law stays Gaussian:\n"
         "its mean and variance are carried step by step in MPFR, as defects against\n"
         "the forward marginal), and its distances to the reference law: KL in both\n"
         "directions, W2, squared Hellinger H2 = 1 - BC, and TV (exact in 1-D, for\n"
         "isotropic laws and where the variances agree; otherwise bounds, shown as\n"
         "[lower, upper]).\n"
         "No sampling: no Monte Carlo error. Prints one row per (T, d) and the\n"
         "least-squares log-log slopes in T (and in d).\n"
         "1-D mixtures (gmm:FILE.json, d = 1): the density is propagated through the\n"
         "steps on a grid (change of variables for steps without noise, the Gaussian\n"
         "kernel by the trapezoid rule for the others), in long double; KL both ways,\n"
         "H2 and TV by quadrature (no W2). Each row is computed twice, at h and at\n"
         "h/2 on a wider domain: the second is reported, their difference is the\n"
         "error estimate (digits column), refused above --quad-tol.\n\n"
         "  --target SPEC    gauss:d=D,mean=M,var=V, gauss:FILE.json (one component),\n"
         "                   gmm:FILE.json (one component: exact; more: quadrature, d = 1)\n"
         "  --schedule SPEC  any schedule (ddpmref schedule --help); default li-yan\n"
         "  --sampler SPEC   any sampler (ddpmref sample --help); default ddpm:var=beta\n"
         "  --T LIST         comma-separated T values replacing the schedule's T\n"
         "                   (each >= 2; default: the schedule's own T)\n"
         "  --d LIST         comma-separated dimensions replacing gauss:d=.. (isotropic\n"
         "                   targets only; default: the target's own d)\n"
         "  --compare W      x0: against the target (the output after every step;\n"
         "                   default); x1: Y_1 against X_1 ~ N(sqrt(abar_1) mu,\n"
         "                   abar_1 var + 1 - abar_1), as Li and Yan state their theorem\n"
         "  --score-error E  perturbed score (still affine): bias=B or rel=R\n"
         "  --method M       exact (Gaussian targets, default) or quadrature (1-D;\n"
         "                   the default for mixtures of two or more components)\n"
         "  --quad-h H       the coarser grid spacing (default: min(0.01, sd/10, the\n"
         "                   smallest noise scale / 1.8)); the reported run uses H/2\n"
         "  --quad-tol R     largest relative difference between the runs at H and\n"
         "                   H/2 (default 1e-6)\n"
         "  --steps K        reverse steps for every T (default T), with --spacing and\n"
         "                   --steps-offset as in ddpmref sample\n"
         "  --prec BITS      working precision, %d..%d (default %d; the recursion adds\n"
         "                   %d + log2(steps) guard bits)\n"
         "  --check-prec B   a second run's precision (default 2 x --prec): the digits\n"
         "                   column is their agreement\n"
         "  -o DIR           rates.csv, rates.json, rates.md, rates.dat, rates.gp,\n"
         "                   rates.png, rates.svg and meta.json\n"
         "  --force          replace DIR if it holds an earlier ddpmref output\n"
         "  --no-plot        skip rates.png and rates.svg (no gnuplot needed)\n"
         "Exit: 0 ok, 2 bad input, 1 failure.\n",
         DDPM_REF_PREC_MIN, DDPM_REF_PREC_MAX, DDPM_REF_PREC_DEFAULT, DDPM_RATES_GUARD);
}

/* "a,b,c": distinct integers in [min, max], at most RATES_LIST_MAX. */
static int parse_list(const char *text, const char *option, long long min, long long max,
                      long long *out, int *n, ddpm_err *e)
{
  char buf[4096];
  if (!*text || strlen(text) >= sizeof buf)
    return ddpm_fail(e, DDPM_EINPUT, "%s: a comma-separated list of integers", option);
  strcpy(buf, text);
  *n = 0;
  for (char *p = buf;;) {
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    if (!*p) return ddpm_fail(e, DDPM_EINPUT, "%s %s: empty item", option, text);
    if (*n == RATES_LIST_MAX)
      return ddpm_fail(e, DDPM_EINPUT, "%s: more than %d values", option, RATES_LIST_MAX);
    int rc = parse_option_ll(p, option, min, max, &out[*n], e); /* whole item: no cut */
    if (rc != DDPM_OK) return rc;
    for (int q = 0; q < *n; q++) /* a repeated value leaves the slope undefined */
      if (out[q] == out[*n])
        return ddpm_fail(e, DDPM_EINPUT, "%s %s: %lld appears twice", option, text, out[q]);
    (*n)++;
    if (!comma) return DDPM_OK;
    p = comma + 1;
  }
}

/* spec with its key 0 (T for schedules, d for gauss:d=..) set to value. */
static int respec(ddpm_family fam, const ddpm_spec *spec, long long value, ddpm_spec *out,
                  ddpm_err *e)
{
  char text[DDPM_CANON_MAX];
  int len = snprintf(text, sizeof text, "%s:%s=%lld", spec->desc->name,
                     spec->desc->params[0].key, value);
  for (int k = 1; k < spec->desc->nparams && len > 0 && (size_t)len < sizeof text; k++)
    len += snprintf(text + len, sizeof text - (size_t)len, ",%s=%s", spec->desc->params[k].key,
                    spec->text[k]);
  return ddpm_spec_parse(fam, text, out, e);
}

/* --compare x1 needs a step that ends at t = 1 (Y_1 is its state). */
static int check_ends_at_1(const ddpm_run *run, ddpm_err *e)
{
  const size_t K = (size_t)run->steps;
  long long *t = malloc(K * sizeof *t), *p = malloc(K * sizeof *p);
  int rc = t && p ? ddpm_run_timesteps(run, t, p, e)
                  : ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory");
  if (rc == DDPM_OK && (run->steps < 2 || p[run->steps - 2] != 1))
    rc = ddpm_fail(e, DDPM_EINPUT, "--compare x1: no step ends at t = 1 for T = %lld, %lld "
                   "steps (the last goes %lld -> 0): use --compare x0 or full steps",
                   ddpm_schedule_T(&run->schedule), run->steps, t[run->steps - 1]);
  free(t), free(p);
  return rc;
}

static int build_row(const rates_job *job, const ddpm_run *base, rates_row *row, ddpm_err *e)
{
  ddpm_run *run = &row->run;
  *run = *base;
  int rc = respec(DDPM_FAMILY_SCHEDULE, &base->schedule, row->T, &run->schedule, e);
  if (rc == DDPM_OK && base->target.kind == DDPM_TARGET_GAUSS)
    rc = respec(DDPM_FAMILY_TARGET, &base->target, row->d, &run->target, e);
  if (rc != DDPM_OK) return rc;
  run->d = ddpm_target_dim(&run->target);
  run->steps = row->T;
  if (job->steps_text &&
      (rc = parse_option_ll(job->steps_text, "--steps", 1, DDPM_T_MAX, &run->steps, e)))
    return rc;
  if ((rc = ddpm_run_check(run, e)) != DDPM_OK) return rc;
  return job->compare == DDPM_RATES_X1 ? check_ends_at_1(run, e) : DDPM_OK;
}

/* The base run from the spec strings, then the T and d lists. */
static int build_rows(rates_job *job, ddpm_err *e)
{
  ddpm_run base = {0};
  int rc;
  if ((rc = ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, job->schedule_text, &base.schedule, e)) ||
      (rc = ddpm_spec_parse(DDPM_FAMILY_TARGET, job->target_text, &base.target, e)) ||
      (rc = ddpm_spec_parse(DDPM_FAMILY_SAMPLER, job->sampler_text, &base.sampler, e)))
    return rc;
  if (base.target.kind == DDPM_TARGET_GMM && base.target.integer[DDPM_MIXFILE_K] != 1) {
    if (job->method == METHOD_EXACT)
      return ddpm_fail(e, DDPM_EINPUT, "--method exact: %s is a %lld-component mixture: "
                       "use --method quadrature (1-D)", base.target.canonical,
                       base.target.integer[DDPM_MIXFILE_K]);
    job->quadrature = 1;
  }
  if (job->method == METHOD_QUADRATURE) job->quadrature = 1;
  if (job->quadrature && ddpm_target_dim(&base.target) != 1)
    return ddpm_fail(e, DDPM_EINPUT, "--target: %s: mixtures are propagated by quadrature in "
                     "1-D only, not d = %lld", base.target.canonical,
                     ddpm_target_dim(&base.target));
  if (job->quadrature && job->nd)
    return ddpm_fail(e, DDPM_EINPUT, "--d: quadrature is 1-D only");
  if (base.schedule.kind == DDPM_SCHEDULE_FILE && job->nT)
    return ddpm_fail(e, DDPM_EINPUT, "--T: %s has the T of its file; drop --T",
                     base.schedule.canonical);
  if (base.target.kind != DDPM_TARGET_GAUSS && job->nd)
    return ddpm_fail(e, DDPM_EINPUT, "--d: only for gauss:d=..,mean=..,var=.. (isotropic), "
                     "not %s", base.target.canonical);
  if (job->score_error && (rc = ddpm_score_error_parse(job->score_error, &base, e))) return rc;
  base.n = 1, base.spacing = job->spacing, base.steps_offset = job->offset;
  if (!job->nT) job->T[job->nT++] = ddpm_schedule_T(&base.schedule);
  if (!job->nd) job->d[job->nd++] = ddpm_target_dim(&base.target);
  job->rows = calloc((size_t)(job->nT * job->nd), sizeof *job->rows);
  if (!job->rows) return ddpm_fail(e, DDPM_EINTERNAL, "rates: out of memory");
  for (int i = 0; i < job->nd; i++)
    for (int q = 0; q < job->nT; q++) {
      rates_row *row = &job->rows[i * job->nT + q];
      row->T = job->T[q], row->d = job->d[i];
      if ((rc = build_row(job, &base, row, e))) return rc;
    }
  return DDPM_OK;
}

static int parse_spacing(const char *text, int *spacing, ddpm_err *e)
{
  if (!strcmp(text, "leading")) *spacing = DDPM_SPACING_LEADING;
  else if (!strcmp(text, "trailing")) *spacing = DDPM_SPACING_TRAILING;
  else if (!strcmp(text, "linspace")) *spacing = DDPM_SPACING_LINSPACE;
  else return ddpm_fail(e, DDPM_EINPUT, "--spacing %s: must be leading, trailing or linspace",
                        text);
  return DDPM_OK;
}

static int parse_method(const char *text, int *method, ddpm_err *e)
{
  if (!strcmp(text, "exact")) *method = METHOD_EXACT;
  else if (!strcmp(text, "quadrature")) *method = METHOD_QUADRATURE;
  else return ddpm_fail(e, DDPM_EINPUT, "--method %s: must be exact or quadrature", text);
  return DDPM_OK;
}

/* A positive finite number below max. */
static int parse_positive(const char *text, const char *option, double max, double *out,
                          ddpm_err *e)
{
  char *end;
  *out = strtod(text, &end);
  if (!*text || *end || !(*out > 0) || !(*out <= max))
    return ddpm_fail(e, DDPM_EINPUT, "%s %s: must be a number in (0, %g]", option, text, max);
  return DDPM_OK;
}

static int parse_compare(const char *text, ddpm_rates_compare *cmp, ddpm_err *e)
{
  if (!strcmp(text, "x0")) *cmp = DDPM_RATES_X0;
  else if (!strcmp(text, "x1")) *cmp = DDPM_RATES_X1;
  else return ddpm_fail(e, DDPM_EINPUT, "--compare %s: must be x0 (the target) or x1 (X_1)",
                        text);
  return DDPM_OK;
}

enum { OPT_TARGET = 256, OPT_SCHEDULE, OPT_SAMPLER, OPT_T, OPT_D, OPT_COMPARE, OPT_SCORE_ERROR,
       OPT_STEPS, OPT_SPACING, OPT_OFFSET, OPT_PREC, OPT_CHECK_PREC, OPT_FORCE, OPT_NO_PLOT,
       OPT_METHOD, OPT_QUAD_H, OPT_QUAD_TOL, OPT_HELP, OPT_VERSION };

static int take_option(int opt, const char *arg, rates_job *job, ddpm_err *e)
{
  long long v;
  double x;
  int rc = DDPM_OK;
  switch (opt) {
  case OPT_METHOD: rc = parse_method(arg, &job->method, e); break;
  case OPT_QUAD_H:
    if ((rc = parse_positive(arg, "--quad-h", 1, &x, e)) == DDPM_OK) job->quad_h = x;
    break;
  case OPT_QUAD_TOL: rc = parse_positive(arg, "--quad-tol", 1, &job->quad_tol, e); break;
  case OPT_TARGET: job->target_text = arg; break;
  case OPT_SCHEDULE: job->schedule_text = arg; break;
  case OPT_SAMPLER: job->sampler_text = arg; break;
  case OPT_T: rc = parse_list(arg, "--T", 2, DDPM_T_MAX, job->T, &job->nT, e); break;
  case OPT_D: rc = parse_list(arg, "--d", 1, DDPM_D_MAX, job->d, &job->nd, e); break;
  case OPT_COMPARE: rc = parse_compare(arg, &job->compare, e); break;
  case OPT_SCORE_ERROR: job->score_error = arg; break;
  case OPT_STEPS: job->steps_text = arg; break;
  case OPT_SPACING: rc = parse_spacing(arg, &job->spacing, e); break;
  case OPT_OFFSET:
    rc = parse_option_ll(arg, "--steps-offset", 0, DDPM_T_MAX, &job->offset, e);
    break;
  case OPT_PREC:
  case OPT_CHECK_PREC:
    rc = parse_option_ll(arg, opt == OPT_PREC ? "--prec" : "--check-prec", DDPM_REF_PREC_MIN,
                         DDPM_REF_PREC_MAX, &v, e);
    if (opt == OPT_PREC) job->prec = (long)v;
    else job->check_prec = (long)v;
    break;
  case 'o': job->outdir = arg; break;
  case OPT_FORCE: job->force = 1; break;
  case OPT_NO_PLOT: job->no_plot = 1; break;
  }
  return rc;
}

int rates_parse(int argc, char **argv, rates_job *job, ddpm_err *e)
{
  static const struct option longopts[] = {
    {"target", required_argument, 0, OPT_TARGET}, {"schedule", required_argument, 0, OPT_SCHEDULE},
    {"sampler", required_argument, 0, OPT_SAMPLER}, {"T", required_argument, 0, OPT_T},
    {"d", required_argument, 0, OPT_D}, {"compare", required_argument, 0, OPT_COMPARE},
    {"score-error", required_argument, 0, OPT_SCORE_ERROR},
    {"steps", required_argument, 0, OPT_STEPS}, {"spacing", required_argument, 0, OPT_SPACING},
    {"steps-offset", required_argument, 0, OPT_OFFSET}, {"prec", required_argument, 0, OPT_PREC},
    {"check-prec", required_argument, 0, OPT_CHECK_PREC}, {"output", required_argument, 0, 'o'},
    {"force", no_argument, 0, OPT_FORCE}, {"no-plot", no_argument, 0, OPT_NO_PLOT},
    {"method", required_argument, 0, OPT_METHOD}, {"quad-h", required_argument, 0, OPT_QUAD_H},
    {"quad-tol", required_argument, 0, OPT_QUAD_TOL},
    {"help", no_argument, 0, OPT_HELP}, {"version", no_argument, 0, OPT_VERSION},
    {0, 0, 0, 0}};
  int opt, rc;
  memset(job, 0, sizeof *job);
  job->schedule_text = "li-yan", job->sampler_text = "ddpm";
  job->prec = DDPM_REF_PREC_DEFAULT;
  job->quad_tol = 1e-6;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
    if (opt == OPT_HELP) return print_help(), RATES_HELP_SHOWN;
    if (opt == OPT_VERSION) return printf("ddpmref %s\n", DDPM_VERSION), RATES_HELP_SHOWN;
    if (opt == ':') return ddpm_fail(e, DDPM_EINPUT, "%s: needs a value", argv[optind - 1]);
    if (opt == '?')
      return ddpm_fail(e, DDPM_EINPUT, "%s: unknown option (see ddpmref rates --help)",
                       argv[optind - 1]);
    if ((rc = take_option(opt, optarg, job, e)) != DDPM_OK) return rc;
  }
  if (optind < argc)
    return ddpm_fail(e, DDPM_EINPUT, "%s: unexpected argument (see ddpmref rates --help)",
                     argv[optind]);
  if (!job->target_text)
    return ddpm_fail(e, DDPM_EINPUT, "--target: missing (e.g. gauss:d=1,mean=1,var=4)");
  if (!job->check_prec) job->check_prec = 2 * job->prec;
  if (job->check_prec <= job->prec || job->check_prec > DDPM_REF_PREC_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--check-prec %ld: must be above --prec %ld and at most %d",
                     job->check_prec, job->prec, DDPM_REF_PREC_MAX);
  return build_rows(job, e);
}

void rates_job_free(rates_job *job)
{
  for (int q = 0; job->rows && q < job->nT * job->nd; q++)
    if (job->rows[q].have_dist) ddpm_rates_dist_clear(&job->rows[q].dist);
  free(job->rows);
  job->rows = NULL;
}
