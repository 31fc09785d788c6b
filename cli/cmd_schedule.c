/* cmd_schedule.c: `ddpmref schedule`: the table of a schedule (t, beta,
 * alpha, abar, 1-abar, betatilde, SNR, log abar) from the oracle, the fast
 * path, or both with the fast path's error in ulps; CSV or .npy. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddpmref.h"
#include "npy.h"
#include "outfile.h"
#include "run_options.h"

#define NCOL 9
static const char *col_names[NCOL] = {"beta", "alpha", "abar", "1-abar", "betatilde",
                                      "snr", "log_abar", "sqrt_abar", "sqrt_1-abar"};

static double fp_col(const ddpm_fp_schedule *s, int c, long long t)
{
  const double *cols[NCOL] = {s->beta, s->alpha, s->abar, s->oma, s->btilde, s->snr,
                              s->log_abar, s->sqrt_abar, s->sqrt_oma};
  return cols[c][t];
}

static mpfr_srcptr ref_col(const ddpm_ref_schedule *s, int c, long long t)
{
  mpfr_t *cols[NCOL] = {s->beta, s->alpha, s->abar, s->oma, s->btilde, s->snr, s->log_abar,
                        s->sqrt_abar, s->sqrt_oma};
  return cols[c][t];
}

static void print_help(void)
{
  printf("usage: ddpmref schedule --schedule SPEC [--engine fp|ref|both] [--prec BITS]\n"
         "       [--digits N] [-o FILE.csv|FILE.npy] [--force]\n\n"
         "Prints (or writes) the table t, beta, alpha, abar, 1-abar, betatilde, SNR,\n"
         "log abar, sqrt(abar), sqrt(1-abar) for t = 1..T. --engine ref: the MPFR oracle at --prec bits, printed\n"
         "with --digits significant digits (default 17); fp: binary64; both (default):\n"
         "the oracle's values, the fast path's, and the fast path's distance to the\n"
         "oracle's correctly rounded value in ulps, per column. -o FILE.npy writes the\n"
         "same columns as a float64 array (oracle values rounded to nearest).\n\n"
         "Schedules:\n");
  int n;
  const ddpm_kind_desc *k = ddpm_family_kinds(DDPM_FAMILY_SCHEDULE, &n);
  for (int q = 0; q < n; q++) {
    printf("  %-14s %s\n                ", k[q].name, k[q].help);
    for (int p = 0; p < k[q].nparams; p++)
      printf(" %s%s%s", k[q].params[p].key, k[q].params[p].def ? "=" : "",
             k[q].params[p].def ? k[q].params[p].def : "");
    printf("\n");
  }
}

typedef struct {
  int engines, digits, npy;
  long prec;
  FILE *f;
  unsigned long long values;
} table_out;

static void put_text(table_out *o, const char *sep, const char *text)
{
  if (!o->npy) fprintf(o->f, "%s%s", sep, text);
}

static void put_value(table_out *o, const char *sep, double v)
{
  if (o->npy) {
    npy_put(o->f, &v, 1); /* errors surface through ferror at the end */
  } else {
    fprintf(o->f, "%s%.17g", sep, v);
  }
}

static void put_ref(table_out *o, const char *sep, mpfr_srcptr v)
{
  if (o->npy) put_value(o, sep, mpfr_get_d(v, MPFR_RNDN));
  else mpfr_fprintf(o->f, "%s%.*Rg", sep, o->digits, v);
}

static int write_table(table_out *o, const ddpm_fp_schedule *fs, const ddpm_ref_schedule *rs,
                       long long T, double max_ulps[NCOL])
{
  int ncols = 1 + (fs ? NCOL : 0) + (rs ? NCOL : 0) + (fs && rs ? NCOL : 0);
  if (o->npy) {
    long long shape[2] = {T, ncols};
    if (npy_header(o->f, shape, 2, &o->values) != 0) return -1;
  } else {
    fprintf(o->f, "t");
    for (int c = 0; c < NCOL && rs; c++) fprintf(o->f, ",%s%s", col_names[c], fs ? "_ref" : "");
    for (int c = 0; c < NCOL && fs; c++) fprintf(o->f, ",%s%s", col_names[c], rs ? "_fp" : "");
    for (int c = 0; c < NCOL && fs && rs; c++) fprintf(o->f, ",%s_ulps", col_names[c]);
    fprintf(o->f, "\n");
  }
  for (long long t = 1; t <= T; t++) {
    put_value(o, "", (double)t);
    for (int c = 0; c < NCOL && rs; c++) put_ref(o, ",", ref_col(rs, c, t));
    for (int c = 0; c < NCOL && fs; c++) put_value(o, ",", fp_col(fs, c, t));
    for (int c = 0; c < NCOL && fs && rs; c++) {
      double u = ddpm_ulps_between(fp_col(fs, c, t), mpfr_get_d(ref_col(rs, c, t), MPFR_RNDN));
      if (u > max_ulps[c]) max_ulps[c] = u;
      put_value(o, ",", u);
    }
    put_text(o, "", "\n");
  }
  return ferror(o->f) ? -1 : 0;
}

int cmd_schedule(int argc, char **argv)
{
  enum { OPT_SCHEDULE = 256, OPT_ENGINE, OPT_PREC, OPT_DIGITS, OPT_FORCE, OPT_HELP, OPT_VERSION };
  static const struct option longopts[] = {
    {"schedule", required_argument, 0, OPT_SCHEDULE}, {"engine", required_argument, 0, OPT_ENGINE},
    {"prec", required_argument, 0, OPT_PREC},         {"digits", required_argument, 0, OPT_DIGITS},
    {"output", required_argument, 0, 'o'},            {"force", no_argument, 0, OPT_FORCE},
    {"help", no_argument, 0, OPT_HELP},               {"version", no_argument, 0, OPT_VERSION},
    {0, 0, 0, 0}};
  const char *spec_text = NULL, *out_path = NULL;
  table_out o = {ENGINE_BOTH, 17, 0, DDPM_REF_PREC_DEFAULT, stdout, 0};
  int force = 0, opt, rc;
  long long v;
  ddpm_err e = {{0}};
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_SCHEDULE: spec_text = optarg; break;
    case OPT_ENGINE:
      if (!strcmp(optarg, "fp")) o.engines = ENGINE_FP;
      else if (!strcmp(optarg, "ref")) o.engines = ENGINE_REF;
      else if (!strcmp(optarg, "both")) o.engines = ENGINE_BOTH;
      else return report_error(ddpm_fail(&e, DDPM_EINPUT, "--engine %s: must be fp, ref or both",
                                         optarg), &e);
      break;
    case OPT_PREC:
      if ((rc = parse_option_ll(optarg, "--prec", DDPM_REF_PREC_MIN, DDPM_REF_PREC_MAX, &v, &e)))
        return report_error(rc, &e);
      o.prec = (long)v;
      break;
    case OPT_DIGITS:
      if ((rc = parse_option_ll(optarg, "--digits", 1, 20000, &v, &e))) return report_error(rc, &e);
      o.digits = (int)v;
      break;
    case 'o': out_path = optarg; break;
    case OPT_FORCE: force = 1; break;
    case OPT_HELP: print_help(); return 0;
    case OPT_VERSION: printf("ddpmref %s\n", DDPM_VERSION); return 0;
    case ':':
      return report_error(ddpm_fail(&e, DDPM_EINPUT, "%s: needs a value", argv[optind - 1]), &e);
    default:
      return report_error(ddpm_fail(&e, DDPM_EINPUT, "%s: unknown option (see ddpmref schedule "
                                    "--help)", argv[optind - 1]), &e);
    }
  }
  if (optind < argc)
    return report_error(ddpm_fail(&e, DDPM_EINPUT, "%s: unexpected argument", argv[optind]), &e);
  if (!spec_text)
    return report_error(ddpm_fail(&e, DDPM_EINPUT, "--schedule: missing (e.g. cosine:T=1000)"), &e);
  ddpm_spec spec;
  if ((rc = ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, spec_text, &spec, &e))) return report_error(rc, &e);

  /* refuse a bad output path before any work */
  outfile of = {{0}, {0}, NULL};
  if (out_path) {
    size_t len = strlen(out_path);
    o.npy = len > 4 && strcmp(out_path + len - 4, ".npy") == 0;
    if ((rc = outfile_begin(&of, out_path, force, &e))) return report_error(rc, &e);
    o.f = of.f;
  }
  ddpm_fp_schedule fs = {0};
  ddpm_ref_schedule rs = {0};
  int have_fp = 0, have_ref = 0;
  if (o.engines & ENGINE_FP) {
    if ((rc = ddpm_fp_schedule_build(&spec, &fs, &e))) {
      if (out_path) outfile_abort(&of);
      return report_error(rc, &e);
    }
    have_fp = 1;
  }
  if (o.engines & ENGINE_REF) {
    if ((rc = ddpm_ref_schedule_build(&spec, (mpfr_prec_t)o.prec, &rs, &e))) {
      if (have_fp) ddpm_fp_schedule_free(&fs);
      if (out_path) outfile_abort(&of);
      return report_error(rc, &e);
    }
    have_ref = 1;
  }
  double max_ulps[NCOL] = {0};
  if (rc == DDPM_OK) {
    if (!o.npy && have_ref)
      fprintf(o.f, "# ddpmref schedule %s; oracle: MPFR at %ld bits\n", spec.canonical, o.prec);
    else if (!o.npy)
      fprintf(o.f, "# ddpmref schedule %s; fast path: binary64\n", spec.canonical);
    if (write_table(&o, have_fp ? &fs : NULL, have_ref ? &rs : NULL, ddpm_schedule_T(&spec),
                    max_ulps) != 0)
      rc = ddpm_fail(&e, DDPM_EINTERNAL, "writing the table failed");
  }
  if (out_path) {
    if (rc == DDPM_OK) rc = outfile_commit(&of, &e);
    else outfile_abort(&of);
  }
  if (rc == DDPM_OK && have_fp && have_ref) {
    printf("%smax ulps of the fast path against the oracle:", out_path ? "" : "# ");
    for (int c = 0; c < NCOL; c++)
      printf(" %s %.0f%s", col_names[c], max_ulps[c], c + 1 < NCOL ? "," : "\n");
  }
  if (rc == DDPM_OK && out_path) printf("wrote %s\n", out_path);
  if (have_fp) ddpm_fp_schedule_free(&fs);
  if (have_ref) ddpm_ref_schedule_free(&rs);
  mpfr_free_cache();
  return rc == DDPM_OK ? 0 : report_error(rc, &e);
}
