/* cmd_schedule.c: `ddpmref schedule`: the table of a schedule (t, beta,
 * alpha, abar, 1-abar, betatilde, SNR, log abar) from the oracle, the fast
 * path, or both with the fast path's error in ulps; CSV or .npy. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddpmref.h"
#include "outfile.h"
#include "run_options.h"
#include "schedule_table.h"

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
  table_out o = {17, 0, stdout, 0};
  int engines = ENGINE_BOTH;
  long prec = DDPM_REF_PREC_DEFAULT;
  int force = 0, opt, rc;
  long long v;
  ddpm_err e = {{0}};
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_SCHEDULE: spec_text = optarg; break;
    case OPT_ENGINE:
      if (!strcmp(optarg, "fp")) engines = ENGINE_FP;
      else if (!strcmp(optarg, "ref")) engines = ENGINE_REF;
      else if (!strcmp(optarg, "both")) engines = ENGINE_BOTH;
      else return report_error(ddpm_fail(&e, DDPM_EINPUT, "--engine %s: must be fp, ref or both",
                                         optarg), &e);
      break;
    case OPT_PREC:
      if ((rc = parse_option_ll(optarg, "--prec", DDPM_REF_PREC_MIN, DDPM_REF_PREC_MAX, &v, &e)))
        return report_error(rc, &e);
      prec = (long)v;
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
  if (engines & ENGINE_FP) {
    if ((rc = ddpm_fp_schedule_build(&spec, &fs, &e))) {
      if (out_path) outfile_abort(&of);
      return report_error(rc, &e);
    }
    have_fp = 1;
  }
  if (engines & ENGINE_REF) {
    if ((rc = ddpm_ref_schedule_build(&spec, (mpfr_prec_t)prec, &rs, &e))) {
      if (have_fp) ddpm_fp_schedule_free(&fs);
      if (out_path) outfile_abort(&of);
      return report_error(rc, &e);
    }
    have_ref = 1;
  }
  double max_ulps[NCOL] = {0};
  if (rc == DDPM_OK) {
    if (!o.npy && have_ref)
      fprintf(o.f, "# ddpmref schedule %s; oracle: MPFR at %ld bits\n", spec.canonical, prec);
    else if (!o.npy)
      fprintf(o.f, "# ddpmref schedule %s; fast path: binary64\n", spec.canonical);
    if (write_table(&o, have_fp ? &fs : NULL, have_ref ? &rs : NULL, ddpm_schedule_T(&spec),
                    max_ulps) != 0)
      rc = ddpm_fail(&e, DDPM_EINTERNAL, "%s%s: write failed: %s", out_path ? "-o " : "",
                     out_path ? out_path : "standard output", strerror(errno));
  }
  if (out_path) {
    if (rc == DDPM_OK) rc = outfile_commit(&of, &e);
    else outfile_abort(&of);
  }
  if (rc == DDPM_OK && have_fp && have_ref) {
    printf("%smax ulps of the fast path against the oracle:", out_path ? "" : "# ");
    for (int c = 0; c < NCOL; c++)
      printf(" %s %.0f%s", schedule_col_names[c], max_ulps[c], c + 1 < NCOL ? "," : "\n");
  }
  if (rc == DDPM_OK && out_path) printf("wrote %s\n", out_path);
  if (have_fp) ddpm_fp_schedule_free(&fs);
  if (have_ref) ddpm_ref_schedule_free(&rs);
  mpfr_free_cache();
  return rc == DDPM_OK ? 0 : report_error(rc, &e);
}
