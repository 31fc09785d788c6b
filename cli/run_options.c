/* run_options.c: parsing and checking of the sample/trace options. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpmref.h"
#include "ddpm_spacing.h"
#include "progress.h"
#include "run_options.h"

int parse_option_ll(const char *text, const char *option, long long min, long long max,
                    long long *out, ddpm_err *e)
{
  const char *p = text;
  if (*p == '+' || *p == '-') p++;
  if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
    return ddpm_fail(e, DDPM_EINPUT, "%s %s: not an integer", option, text);
  errno = 0;
  long long v = strtoll(text, NULL, 10);
  if (errno == ERANGE || v < min || v > max)
    return ddpm_fail(e, DDPM_EINPUT, "%s %s: must be an integer in [%lld, %lld]", option,
                     text, min, max);
  *out = v;
  return DDPM_OK;
}

static int parse_seed(const char *text, unsigned long long *out, ddpm_err *e)
{
  if (*text == '\0' || strspn(text, "0123456789") != strlen(text))
    return ddpm_fail(e, DDPM_EINPUT, "--seed %s: must be an integer in [0, 2^64 - 1]", text);
  errno = 0;
  unsigned long long v = strtoull(text, NULL, 10);
  if (errno == ERANGE)
    return ddpm_fail(e, DDPM_EINPUT, "--seed %s: larger than 2^64 - 1", text);
  *out = v;
  return DDPM_OK;
}

/* --sources input,schedule,...: the audit's sources computed in the format. */
static int parse_sources(const char *text, unsigned *mask, ddpm_err *e)
{
  char buf[256];
  if (strlen(text) >= sizeof buf || !*text)
    return ddpm_fail(e, DDPM_EINPUT, "--sources: a comma-separated list of input, schedule, "
                     "noise, score, update");
  strcpy(buf, text);
  *mask = 0;
  for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
    int found = 0;
    for (int s = 0; s < DDPM_SRC_COUNT; s++)
      if (strcmp(w, ddpm_source_name(s)) == 0) *mask |= 1u << s, found = 1;
    if (!found)
      return ddpm_fail(e, DDPM_EINPUT, "--sources %s: '%s' is not one of input, schedule, noise, "
                       "score, update", text, w);
  }
  return DDPM_OK;
}

static void print_help(const char *command)
{
  int trace = strcmp(command, "trace") == 0, audit = strcmp(command, "audit") == 0;
  printf("usage: ddpmref %s --target SPEC [--schedule SPEC] [--sampler SPEC] --n N --seed S\n"
         "       [--steps K [--spacing leading|trailing|linspace] [--steps-offset O]]\n"
         "       [--score-error bias=B|rel=R] [--noise FILE.npy] [--x-init FILE.npy]\n"
         "       %s [--prec BITS]%s\n"
         "       [--threads K] [--quiet|--progress] -o DIR [--force]\n\n",
         command, audit ? "[--format binary64|binary32|binary16|bfloat16] [--sources LIST]\n"
                          "       [--no-plot]"
                        : trace ? "[--engine fp|ref|both]" : "[--engine fp|ref]",
         trace ? " [--check-prec BITS] [--min-digits N]" : "");
  if (audit)
    printf("Where the floating-point error comes from. The fast path's algorithm runs in the\n"
           "format (MPFR-emulated: its precision, exponent range and subnormals; binary64\n"
           "also the real fast path) exactly, with one error source at a time in the format\n"
           "(input, schedule, noise, score, update), and wholly in the format. Each source's\n"
           "local errors are carried through the exact later steps; their sum is compared\n"
           "with the observed error and the residual reported. Files: audit.json, audit.md,\n"
           "audit.dat + audit.gp (gnuplot) and audit.png, audit.svg (unless --no-plot).\n"
           "--prec is the precision of the exact computations (default 256). --sources\n"
           "input,schedule,noise,score,update (default all) picks the sources the format\n"
           "implementation rounds: the others stay exact (what-ifs).\n\n");
  else if (trace)
    printf("Certified ground truth, every step recorded. The oracle (MPFR) runs at --prec\n"
           "and again at --check-prec; their agreement gives each value's verified digits\n"
           "(digits.npy, minimum in meta.json). A trace below the --min-digits floor is\n"
           "refused (exit 1), not written. Files, shaped (steps+1, n, d), row k the state\n"
           "after k reverse steps (row 0 the initial draw; meta.json lists the timesteps):\n"
           "x_ref.npy (correctly rounded to binary64), x_ref.txt (full precision), noise.npy\n"
           "(the draws the oracle used: replay them with --noise), schedule.csv, and with\n"
           "--engine both (the default) x_fp.npy and the fast path's error.\n\n");
  else
    printf("Draws n samples and writes samples_fp.npy or samples_ref.npy, shaped (n, d)\n"
           "(the oracle also writes samples_ref.txt at full precision).\n\n");
  printf("  --target SPEC    gauss:d=D,mean=M,var=V (isotropic Gaussian), gauss:FILE.json or\n"
         "                   gmm:FILE.json (diagonal Gaussian mixture); exact score\n"
         "  --schedule SPEC  linear:T=1000,beta_min=0.0001,beta_max=0.02 (the default);\n"
         "                   see ddpmref schedule --help for every schedule\n"
         "  --sampler SPEC   ddpm:var=beta|posterior|liyan,last_noise=no|yes (default\n"
         "                   ddpm:var=beta), ddim:eta=E, liyan-ode; on vp and ou\n"
         "                   schedules also vp-em, vp-ei, pf-euler, pf-heun, ou-em (ou only)\n"
         "  --score-error E  perturbed score: bias=B (s + B) or rel=R (s (1 + R))\n"
         "  --n N            number of samples (>= 1)\n"
         "  --seed S         noise seed, 0 .. 2^64-1 (Philox4x32-10 stream)\n"
         "  --steps K        reverse steps, 1..T (default T); with K < T the timesteps\n"
         "                   are a subsequence, each step jumping to its predecessor\n"
         "  --spacing S      leading (default), trailing or linspace, as diffusers\n"
         "  --steps-offset O leading's offset (diffusers' steps_offset), default 0\n"
         "  --engine E       fp (binary64 fast path), ref (MPFR oracle)%s; default %s\n"
         "  --prec BITS      oracle precision in bits, %d..%d (default %d)\n"
         "  --threads K      fast-path threads (output does not depend on K)\n"
         "  --noise FILE.npy replay these draws (float64/32/16, (steps+1, n, d): draw 0 the\n"
         "                   initial state, draw k step k's noise) in both engines, exactly\n"
         "  --x-init FILE.npy the initial states, (n, d); --noise may then be (steps, n, d)\n"
         "%s"
         "  --quiet          no progress report (shown on stderr when it is a terminal)\n"
         "  --progress       show the progress report even when stderr is not a terminal\n"
         "  -o, --output DIR output directory; must not exist\n"
         "  --force          replace DIR if it holds an earlier ddpmref output\n"
         "Spec numbers are read exactly by the oracle (correctly rounded at BITS) and\n"
         "rounded to nearest binary64 by the fast path. Exit: 0 ok, 2 bad input, 1 failure.\n",
         trace ? ", both" : "", trace ? "both" : "fp", DDPM_REF_PREC_MIN, DDPM_REF_PREC_MAX,
         DDPM_REF_PREC_DEFAULT,
         trace ? "  --check-prec BITS the verifying precision, > --prec (default 2 x --prec)\n"
                 "  --min-digits N   least verified significant digits per value (default:\n"
                 "                   every value's binary64 rounding must be established)\n"
               : "");
}

int run_options_parse(int argc, char **argv, const char *command, run_options *o,
                      ddpm_err *e)
{
  enum { OPT_TARGET = 256, OPT_SCHEDULE, OPT_SAMPLER, OPT_N, OPT_SEED, OPT_STEPS,
         OPT_SPACING, OPT_ENGINE, OPT_PREC, OPT_THREADS, OPT_FORCE, OPT_HELP,
         OPT_VERSION, OPT_OFFSET, OPT_SCORE_ERROR, OPT_NOISE, OPT_X_INIT, OPT_QUIET,
         OPT_PROGRESS, OPT_CHECK_PREC, OPT_MIN_DIGITS, OPT_FORMAT, OPT_NO_PLOT, OPT_SOURCES };
  static const struct option longopts[] = {
    {"target", required_argument, 0, OPT_TARGET},
    {"schedule", required_argument, 0, OPT_SCHEDULE},
    {"sampler", required_argument, 0, OPT_SAMPLER},
    {"n", required_argument, 0, OPT_N},
    {"seed", required_argument, 0, OPT_SEED},
    {"steps", required_argument, 0, OPT_STEPS},
    {"spacing", required_argument, 0, OPT_SPACING},
    {"steps-offset", required_argument, 0, OPT_OFFSET},
    {"score-error", required_argument, 0, OPT_SCORE_ERROR},
    {"engine", required_argument, 0, OPT_ENGINE},
    {"prec", required_argument, 0, OPT_PREC},
    {"threads", required_argument, 0, OPT_THREADS},
    {"output", required_argument, 0, 'o'},
    {"force", no_argument, 0, OPT_FORCE},
    {"noise", required_argument, 0, OPT_NOISE},
    {"x-init", required_argument, 0, OPT_X_INIT},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"progress", no_argument, 0, OPT_PROGRESS},
    {"check-prec", required_argument, 0, OPT_CHECK_PREC},
    {"min-digits", required_argument, 0, OPT_MIN_DIGITS},
    {"format", required_argument, 0, OPT_FORMAT},
    {"no-plot", no_argument, 0, OPT_NO_PLOT},
    {"sources", required_argument, 0, OPT_SOURCES},
    {"help", no_argument, 0, OPT_HELP},
    {"version", no_argument, 0, OPT_VERSION},
    {0, 0, 0, 0}};
  const char *target = NULL, *schedule = "linear", *sampler = "ddpm";
  const char *steps = NULL, *n = NULL, *seed = NULL, *score_error = NULL;
  int trace = strcmp(command, "trace") == 0;
  long long v;
  int rc, opt;

  memset(o, 0, sizeof *o);
  o->command = command;
  o->engines = trace ? ENGINE_BOTH : ENGINE_FP;
  o->prec = DDPM_REF_PREC_DEFAULT;
  o->threads = 1;
  o->format = ddpm_fmt_by_name("binary64");
  o->sources = DDPM_SRC_ALL;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_TARGET: target = optarg; break;
    case OPT_SCHEDULE: schedule = optarg; break;
    case OPT_SAMPLER: sampler = optarg; break;
    case OPT_N: n = optarg; break;
    case OPT_SEED: seed = optarg; break;
    case OPT_STEPS: steps = optarg; break;
    case OPT_SCORE_ERROR: score_error = optarg; break;
    case OPT_SPACING:
      if (!strcmp(optarg, "leading")) o->run.spacing = DDPM_SPACING_LEADING;
      else if (!strcmp(optarg, "trailing")) o->run.spacing = DDPM_SPACING_TRAILING;
      else if (!strcmp(optarg, "linspace")) o->run.spacing = DDPM_SPACING_LINSPACE;
      else return ddpm_fail(e, DDPM_EINPUT, "--spacing %s: must be leading, trailing or "
                            "linspace", optarg);
      break;
    case OPT_OFFSET:
      rc = parse_option_ll(optarg, "--steps-offset", 0, DDPM_T_MAX, &v, e);
      if (rc != DDPM_OK) return rc;
      o->run.steps_offset = v;
      break;
    case OPT_ENGINE:
      if (strcmp(command, "audit") == 0)
        return ddpm_fail(e, DDPM_EINPUT, "--engine: audit runs its own engines (see --format)");
      if (strcmp(optarg, "fp") == 0) o->engines = ENGINE_FP;
      else if (strcmp(optarg, "ref") == 0) o->engines = ENGINE_REF;
      else if (trace && strcmp(optarg, "both") == 0) o->engines = ENGINE_BOTH;
      else return ddpm_fail(e, DDPM_EINPUT, "--engine %s: must be fp or ref%s", optarg,
                            trace ? " or both" : "");
      break;
    case OPT_PREC:
      rc = parse_option_ll(optarg, "--prec", DDPM_REF_PREC_MIN, DDPM_REF_PREC_MAX, &v, e);
      if (rc != DDPM_OK) return rc;
      o->prec = (long)v;
      break;
    case OPT_THREADS:
      rc = parse_option_ll(optarg, "--threads", 1, 1024, &v, e);
      if (rc != DDPM_OK) return rc;
      o->threads = (int)v;
      break;
    case 'o': o->outdir = optarg; break;
    case OPT_FORCE: o->force = 1; break;
    case OPT_NOISE: o->run.noise_path = optarg; break;
    case OPT_X_INIT: o->run.x_init_path = optarg; break;
    case OPT_QUIET: o->progress = PROGRESS_QUIET; break;
    case OPT_FORMAT:
    case OPT_NO_PLOT:
    case OPT_SOURCES:
      if (strcmp(command, "audit") != 0)
        return ddpm_fail(e, DDPM_EINPUT, "%s: only audit takes it", argv[optind - 1]);
      if (opt == OPT_NO_PLOT) o->no_plot = 1;
      else if (opt == OPT_SOURCES) {
        if ((rc = parse_sources(optarg, &o->sources, e)) != DDPM_OK) return rc;
      }
      else if (!(o->format = ddpm_fmt_by_name(optarg)))
        return ddpm_fail(e, DDPM_EINPUT, "--format %s: must be binary64, binary32, binary16 or "
                         "bfloat16", optarg);
      break;
    case OPT_PROGRESS: o->progress = PROGRESS_ALWAYS; break;
    case OPT_CHECK_PREC:
    case OPT_MIN_DIGITS:
      if (!trace)
        return ddpm_fail(e, DDPM_EINPUT, "%s: only trace verifies digits", argv[optind - 1]);
      if (opt == OPT_CHECK_PREC) {
        rc = parse_option_ll(optarg, "--check-prec", DDPM_REF_PREC_MIN + 1, DDPM_REF_PREC_MAX,
                             &v, e);
        if (rc != DDPM_OK) return rc;
        o->check_prec = (long)v;
      } else {
        rc = parse_option_ll(optarg, "--min-digits", 1, 20000, &v, e);
        if (rc != DDPM_OK) return rc;
        o->min_digits = (double)v;
      }
      break;
    case OPT_HELP: print_help(command); return OPTIONS_HELP_SHOWN;
    case OPT_VERSION: printf("ddpmref %s\n", DDPM_VERSION); return OPTIONS_HELP_SHOWN;
    case ':':
      return ddpm_fail(e, DDPM_EINPUT, "%s: needs a value", argv[optind - 1]);
    default:
      return ddpm_fail(e, DDPM_EINPUT, "%s: unknown option (see ddpmref %s --help)",
                       argv[optind - 1], command);
    }
  }
  if (optind < argc)
    return ddpm_fail(e, DDPM_EINPUT, "%s: unexpected argument (see ddpmref %s --help)",
                     argv[optind], command);
  if (!target) return ddpm_fail(e, DDPM_EINPUT, "--target: missing (e.g. gauss:d=2)");
  if (!n) return ddpm_fail(e, DDPM_EINPUT, "--n: missing (number of samples)");
  if (!seed) return ddpm_fail(e, DDPM_EINPUT, "--seed: missing (noise seed)");
  if (!o->outdir) return ddpm_fail(e, DDPM_EINPUT, "-o: missing (output directory)");

  if (!o->check_prec) o->check_prec = 2 * o->prec;
  if (o->check_prec <= o->prec)
    return ddpm_fail(e, DDPM_EINPUT, "--check-prec %ld: must be above --prec %ld, so that the "
                     "two runs' agreement says something", o->check_prec, o->prec);
  if (trace && o->check_prec > DDPM_REF_PREC_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--prec %ld: the check runs at 2 x --prec = %ld bits, above "
                     "%d; give --check-prec", o->prec, o->check_prec, DDPM_REF_PREC_MAX);
  ddpm_run *run = &o->run;
  if ((rc = ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, schedule, &run->schedule, e))) return rc;
  if ((rc = ddpm_spec_parse(DDPM_FAMILY_TARGET, target, &run->target, e))) return rc;
  if ((rc = ddpm_spec_parse(DDPM_FAMILY_SAMPLER, sampler, &run->sampler, e))) return rc;
  if ((rc = parse_option_ll(n, "--n", 1, DDPM_N_MAX, &v, e))) return rc;
  run->n = v;
  if ((rc = parse_seed(seed, &run->seed, e))) return rc;
  if (score_error && (rc = ddpm_score_error_parse(score_error, run, e))) return rc;
  run->d = ddpm_target_dim(&run->target);
  run->steps = ddpm_schedule_T(&run->schedule);
  if (steps) {
    if ((rc = parse_option_ll(steps, "--steps", 1, DDPM_T_MAX, &v, e))) return rc;
    run->steps = v;
  }
  return ddpm_run_check(run, e);
}
