/* rates_report.c: what `ddpmref rates` prints and writes (rates_job.h):
 * the table on stdout; rates.csv, rates.json, rates.md, the plot's data
 * and script, the plot, and meta.json in the output directory. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ddpmref.h"
#include "meta.h"
#include "rates_job.h"

enum { FILE_DIGITS = 40, SCREEN_DIGITS = 16 };

static const char *const labels[RATES_NQ] = {"KL(out||ref)", "KL(ref||out)", "W2", "H2", "TV"};

static const char *compare_text(const rates_job *job)
{
  return job->compare == DDPM_RATES_X1
             ? "x1: Y_1 against X_1 ~ N(sqrt(abar_1) mu, abar_1 var + 1 - abar_1)"
             : "x0: the output against the target N(mu, diag(var))";
}

static const rates_row *row_at(const rates_job *job, int i, int q)
{
  return &job->rows[i * job->nT + q];
}

/* TV as text: the value, or [lower, upper] when only bounds are known. */
static void tv_text(char *buf, size_t size, const ddpm_rates_dist *d, int digits)
{
  if (d->tv_exact) mpfr_snprintf(buf, size, "%.*Re", digits - 1, d->tv);
  else mpfr_snprintf(buf, size, "[%.*Re, %.*Re]", digits / 3, d->tv_lo, digits / 3, d->tv_hi);
}

/* A slope to 4 decimals, or "n/a" when a distance is not computed (W2 of a
 * mixture), where printf would write "nan". */
static const char *slope_text(char buf[32], double slope)
{
  if (isnan(slope)) return "n/a";
  snprintf(buf, 32, "%.4f", slope);
  return buf;
}

static void print_slopes(const rates_job *job, FILE *f)
{
  double s[RATES_NQ];
  char buf[32];
  for (int i = 0; job->nT > 1 && i < job->nd; i++) {
    rates_slopes_in_T(job, i, s);
    fprintf(f, "  slope in T (log-log least squares, d = %lld):", job->d[i]);
    for (int k = 0; k < RATES_NQ; k++) fprintf(f, " %s %s", labels[k], slope_text(buf, s[k]));
    fputc('\n', f);
  }
  for (int q = 0; job->nd > 1 && q < job->nT; q++) {
    rates_slopes_in_d(job, q, s);
    fprintf(f, "  slope in d (T = %lld):", job->T[q]);
    for (int k = 0; k < RATES_NQ; k++) fprintf(f, " %s %s", labels[k], slope_text(buf, s[k]));
    fputc('\n', f);
  }
}

/* x to digits significant digits, or "n/a" for NaN (W2 of a mixture). */
static void value_text(char *buf, size_t size, mpfr_srcptr x, int digits)
{
  if (mpfr_nan_p(x)) snprintf(buf, size, "n/a");
  else mpfr_snprintf(buf, size, "%.*Re", digits - 1, x);
}

/* The digits shown for a row: all 16 for the exact law; for quadrature
 * those the two grids agree on (at least 3). */
static int shown_digits(const rates_job *job, const rates_row *r)
{
  if (!job->quadrature) return SCREEN_DIGITS;
  int d = (int)floor(r->digits);
  return d < 3 ? 3 : d > SCREEN_DIGITS ? SCREEN_DIGITS : d;
}

static void print_method(const rates_job *job, FILE *f)
{
  if (!job->quadrature) {
    fprintf(f, "; exact law at %ld bits, digits: agreement with %ld bits\n", job->prec,
            job->check_prec);
    return;
  }
  fprintf(f, "\n  density propagated on a grid in long double (spec/ddpm_rates_gmm.h), "
             "reported at spacing h;\n  digits: agreement with the run at 2h on a narrower "
             "domain (the error estimate); W2 not computed\n");
}

static void print_quadrature(const rates_job *job, FILE *f)
{
  for (int q = 0; job->quadrature && q < job->nT * job->nd; q++) {
    const rates_row *r = &job->rows[q];
    fprintf(f, "  T = %lld: h = %.4Lg, %lld nodes, 1 - mass = %.2Lg, narrowest noise kernel "
               "%.3Lg h, largest relative difference h vs 2h %.2g\n", r->T, r->h, r->nodes,
            1 - r->mass, r->kernel, r->rel_diff);
  }
}

void rates_print(const rates_job *job, FILE *f)
{
  const rates_row *r0 = &job->rows[0];
  char tv[128], v[4][128];
  fprintf(f, "ddpmref rates: %s | %s | %s\n  compare %s", job->schedule_text,
          r0->run.target.canonical, r0->run.sampler.canonical, compare_text(job));
  print_method(job, f);
  fprintf(f, "  %8s %7s %7s  %-23s %-23s %-23s %-23s %-23s %6s\n", "T", "d", "steps", labels[0],
          labels[1], labels[2], labels[3], labels[4], "digits");
  for (int q = 0; q < job->nT * job->nd; q++) {
    const rates_row *r = &job->rows[q];
    const ddpm_rates_dist *d = &r->dist;
    const int digits = shown_digits(job, r);
    mpfr_srcptr x[4] = {d->kl_out_ref, d->kl_ref_out, d->w2, d->h2};
    for (int k = 0; k < 4; k++) value_text(v[k], sizeof v[k], x[k], digits);
    tv_text(tv, sizeof tv, d, digits);
    fprintf(f, "  %8lld %7lld %7lld  %-23s %-23s %-23s %-23s %-23s %6.1f\n", r->T, r->d,
            r->run.steps, v[0], v[1], v[2], v[3], tv, r->digits);
  }
  print_quadrature(job, f);
  fprintf(f, "  normalised: KL T^2/log^2 T (out||ref, ref||out), TV T/(d log^3 T)%s\n",
          r0->dist.tv_exact ? "" : " (TV's upper bound where TV is a bracket)");
  for (int q = 0; q < job->nT * job->nd; q++) {
    const rates_row *r = &job->rows[q];
    fprintf(f, "  %8lld %7lld  %.6g  %.6g  %.6g\n", r->T, r->d, rates_kl_norm(r, 0),
            rates_kl_norm(r, 1), rates_tv_norm(r));
  }
  print_slopes(job, f);
}

static int closed(FILE *f, const char *path, ddpm_err *e)
{
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: write failed: %s", path, strerror(errno));
  return DDPM_OK;
}

static FILE *create(const outdir *od, const char *name, char *path, size_t size, ddpm_err *e)
{
  FILE *f = fopen(outdir_path(od, name, path, size), "w");
  if (!f) ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  return f;
}

/* A number for CSV/JSON: FILE_DIGITS digits, fewer when x's precision
 * has fewer (a quadrature result's 64 bits: 21), or the missing marker. */
static void number(FILE *f, mpfr_srcptr x, const char *missing)
{
  if (mpfr_nan_p(x)) fputs(missing, f);
  else {
    const int digits = (int)ceil((double)mpfr_get_prec(x) * log10(2.0)) + 1;
    mpfr_fprintf(f, "%.*Re", (digits < FILE_DIGITS ? digits : FILE_DIGITS) - 1, x);
  }
}

static void dnumber(FILE *f, double x, const char *missing)
{
  if (isfinite(x)) fprintf(f, "%.10g", x);
  else fputs(missing, f);
}

static int write_csv(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800];
  FILE *f = create(od, "rates.csv", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  fprintf(f, "T,d,steps,kl_out_ref,kl_ref_out,w2,h2,tv,tv_lo,tv_hi,tv_exact,"
             "kl_out_ref_T2_log2T,kl_ref_out_T2_log2T,tv_T_d_log3T,digits\n");
  for (int q = 0; q < job->nT * job->nd; q++) {
    const rates_row *r = &job->rows[q];
    const ddpm_rates_dist *d = &r->dist;
    fprintf(f, "%lld,%lld,%lld", r->T, r->d, r->run.steps);
    mpfr_srcptr v[] = {d->kl_out_ref, d->kl_ref_out, d->w2, d->h2, d->tv, d->tv_lo, d->tv_hi};
    for (int k = 0; k < 7; k++) fputc(',', f), number(f, v[k], "nan");
    fprintf(f, ",%d,", d->tv_exact);
    dnumber(f, rates_kl_norm(r, 0), "nan"), fputc(',', f);
    dnumber(f, rates_kl_norm(r, 1), "nan"), fputc(',', f);
    dnumber(f, rates_tv_norm(r), "nan");
    fprintf(f, ",%.1f\n", r->digits);
  }
  return closed(f, path, e);
}

static void json_row(FILE *f, const rates_row *r)
{
  const ddpm_rates_dist *d = &r->dist;
  fprintf(f, "    {\"T\": %lld, \"d\": %lld, \"steps\": %lld, \"schedule\": ", r->T, r->d,
          r->run.steps);
  json_string(f, r->run.schedule.canonical);
  fprintf(f, ", \"target\": ");
  json_string(f, r->run.target.canonical);
  const char *keys[] = {"kl_out_ref", "kl_ref_out", "w2", "h2", "tv", "tv_lo", "tv_hi"};
  mpfr_srcptr v[] = {d->kl_out_ref, d->kl_ref_out, d->w2, d->h2, d->tv, d->tv_lo, d->tv_hi};
  for (int k = 0; k < 7; k++) fprintf(f, ",\n     \"%s\": ", keys[k]), number(f, v[k], "null");
  fprintf(f, ",\n     \"tv_exact\": %s, \"kl_out_ref_T2_log2T\": ", d->tv_exact ? "true" : "false");
  dnumber(f, rates_kl_norm(r, 0), "null");
  fprintf(f, ", \"kl_ref_out_T2_log2T\": ");
  dnumber(f, rates_kl_norm(r, 1), "null");
  fprintf(f, ", \"tv_T_d_log3T\": ");
  dnumber(f, rates_tv_norm(r), "null");
  fprintf(f, ", \"digits\": %.1f}", r->digits);
}

static void json_slopes(FILE *f, const char *key, const char *var, const long long *at, int n,
                        const rates_job *job, int in_T)
{
  double s[RATES_NQ];
  fprintf(f, "  \"%s\": [", key);
  for (int i = 0; i < n; i++) {
    if (in_T) rates_slopes_in_T(job, i, s);
    else rates_slopes_in_d(job, i, s);
    fprintf(f, "%s\n    {\"%s\": %lld", i ? "," : "", var, at[i]);
    for (int k = 0; k < RATES_NQ; k++)
      fprintf(f, ", \"%s\": ", rates_quantity_names[k]), dnumber(f, s[k], "null");
    fputc('}', f);
  }
  fprintf(f, "%s]", n ? "\n  " : "");
}

static int write_json(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800];
  FILE *f = create(od, "rates.json", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  const ddpm_run *r0 = &job->rows[0].run;
  fprintf(f, "{\n  \"sampler\": ");
  json_string(f, r0->sampler.canonical);
  fprintf(f, ",\n  \"compare\": \"%s\",\n  \"precision_bits\": %ld,\n  \"check_precision_bits\": "
             "%ld,\n  \"tv\": \"exact where tv_exact; otherwise null, with bounds tv_lo <= TV <= "
             "tv_hi\",\n  \"h2\": \"1 - Bhattacharyya coefficient\",\n  \"rows\": [\n",
          job->compare == DDPM_RATES_X1 ? "x1" : "x0", job->prec, job->check_prec);
  for (int q = 0; q < job->nT * job->nd; q++) {
    json_row(f, &job->rows[q]);
    fprintf(f, "%s\n", q + 1 < job->nT * job->nd ? "," : "");
  }
  fprintf(f, "  ],\n");
  json_slopes(f, "slopes_in_T", "d", job->d, job->nT > 1 ? job->nd : 0, job, 1);
  fprintf(f, ",\n");
  json_slopes(f, "slopes_in_d", "T", job->T, job->nd > 1 ? job->nT : 0, job, 0);
  fprintf(f, "\n}\n");
  return closed(f, path, e);
}

static void md_slopes(FILE *f, const rates_job *job)
{
  double s[RATES_NQ];
  char buf[32];
  if (job->nT < 2 && job->nd < 2) return;
  fprintf(f, "\n## Log-log slopes (least squares)\n\n| fit | KL(out\\|\\|ref) | KL(ref\\|\\|out) "
             "| W2 | H2 | TV |\n|---|---:|---:|---:|---:|---:|\n");
  for (int i = 0; job->nT > 1 && i < job->nd; i++) {
    rates_slopes_in_T(job, i, s);
    fprintf(f, "| in T, d = %lld |", job->d[i]);
    for (int k = 0; k < RATES_NQ; k++) fprintf(f, " %s |", slope_text(buf, s[k]));
    fputc('\n', f);
  }
  for (int q = 0; job->nd > 1 && q < job->nT; q++) {
    rates_slopes_in_d(job, q, s);
    fprintf(f, "| in d, T = %lld |", job->T[q]);
    for (int k = 0; k < RATES_NQ; k++) fprintf(f, " %s |", slope_text(buf, s[k]));
    fputc('\n', f);
  }
}

static int write_markdown(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800], tv[128];
  FILE *f = create(od, "rates.md", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  const ddpm_run *r0 = &job->rows[0].run;
  fprintf(f, "# ddpmref rates\n\n`%s` | `%s` | `%s`; compare %s.\n\n", job->schedule_text,
          r0->target.canonical, r0->sampler.canonical, compare_text(job));
  fprintf(f, "Exact output law (Gaussian: every step is affine in the state for the exact "
             "score), carried in MPFR at %ld bits as defects against the forward marginal; "
             "*digits*: agreement with a run at %ld bits. H2 = 1 - BC. TV in brackets: "
             "bounds (max(H2, max_j TV_j) and min(sqrt(H2 (2 - H2)), Pinsker, sum_j TV_j)).\n\n",
          job->prec, job->check_prec);
  fprintf(f, "| T | d | steps | KL(out\\|\\|ref) | KL(ref\\|\\|out) | W2 | H2 | TV | "
             "KL T^2/log^2 T | TV T/(d log^3 T) | digits |\n"
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int q = 0; q < job->nT * job->nd; q++) {
    const rates_row *r = &job->rows[q];
    tv_text(tv, sizeof tv, &r->dist, 10);
    mpfr_fprintf(f, "| %lld | %lld | %lld | %.9Re | %.9Re | %.9Re | %.9Re | %s | %.6g | %.6g | "
                    "%.1f |\n", r->T, r->d, r->run.steps, r->dist.kl_out_ref, r->dist.kl_ref_out,
                 r->dist.w2, r->dist.h2, tv, rates_kl_norm(r, 0), rates_tv_norm(r), r->digits);
  }
  md_slopes(f, job);
  fprintf(f, "\nFull precision: `rates.csv`, `rates.json`; plot: `rates.png`, `rates.svg` "
             "(data `rates.dat`, script `rates.gp`).\n");
  return closed(f, path, e);
}

static int write_dat(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800];
  FILE *f = create(od, "rates.dat", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  for (int i = 0; i < job->nd; i++) {
    fprintf(f, "%s# d = %lld\n# T kl_out_ref kl_ref_out w2 h2 tv\n", i ? "\n\n" : "", job->d[i]);
    for (int q = 0; q < job->nT; q++) {
      const rates_row *r = row_at(job, i, q);
      fprintf(f, "%lld", r->T);
      for (int k = 0; k < RATES_NQ; k++) { /* NaN where not positive: the log scale skips it */
        mpfr_srcptr v = rates_quantity(r, k);
        if (mpfr_sgn(v) > 0 && !mpfr_nan_p(v)) mpfr_fprintf(f, " %.17Re", v);
        else fprintf(f, " NaN");
      }
      fputc('\n', f);
    }
  }
  return closed(f, path, e);
}

static int write_gp(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800];
  FILE *f = create(od, "rates.gp", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  fprintf(f, "# ddpmref rates plot: gnuplot rates.gp (writes rates.png and rates.svg)\n"
             "set datafile missing 'NaN'\nset logscale xy\nset format y '10^{%%L}'\n"
             "set xlabel 'T'\nset ylabel 'distance to the reference law'\n"
             "set autoscale xfixmin\nset autoscale xfixmax\n"
             "set title \"%s, %s\" noenhanced\nset key outside right noenhanced\nset grid\n"
             "plot_it = \"plot", job->rows[0].run.sampler.canonical, job->schedule_text);
  for (int i = 0, first = 1; i < job->nd; i++)
    for (int k = 0; k < RATES_NQ; k++, first = 0)
      fprintf(f, "%s 'rates.dat' index %d using 1:%d with linespoints lc %d dt %d "
              "title '%s%s, d = %lld'", first ? "" : ",", i, k + 2, k + 1, i % 5 + 1, labels[k],
              k == 4 && !job->rows[i * job->nT].dist.tv_exact ? " (upper bound)" : "",
              job->d[i]);
  fprintf(f, "\"\nset terminal pngcairo size 1100,600\nset output 'rates.png'\neval plot_it\n"
             "set terminal svg size 1100,600\nset output 'rates.svg'\neval plot_it\n");
  return closed(f, path, e);
}

static void json_ll_array(FILE *f, const long long *v, int n)
{
  fputc('[', f);
  for (int q = 0; q < n; q++) fprintf(f, "%s%lld", q ? ", " : "", v[q]);
  fputc(']', f);
}

static int write_meta(const rates_job *job, const outdir *od, ddpm_err *e)
{
  char path[8800];
  FILE *f = create(od, "meta.json", path, sizeof path, e);
  if (!f) return DDPM_EINTERNAL;
  const ddpm_run *r0 = &job->rows[0].run;
  fprintf(f, "{\n  \"ddpmref_version\": \"%s\",\n  \"command\": \"rates\",\n  \"schedule\": ",
          DDPM_VERSION);
  json_string(f, job->schedule_text);
  fprintf(f, ",\n  \"target\": ");
  json_string(f, job->target_text);
  fprintf(f, ",\n  \"sampler\": ");
  json_string(f, r0->sampler.canonical);
  fprintf(f, ",\n  \"T\": ");
  json_ll_array(f, job->T, job->nT);
  fprintf(f, ",\n  \"d\": ");
  json_ll_array(f, job->d, job->nd);
  fprintf(f, ",\n  \"compare\": \"%s\",\n  \"score_error\": ",
          job->compare == DDPM_RATES_X1 ? "x1" : "x0");
  json_string(f, job->score_error ? job->score_error : "exact");
  fprintf(f, ",\n  \"steps\": ");
  json_string(f, job->steps_text ? job->steps_text : "T");
  fprintf(f, ",\n  \"spacing\": \"%s\",\n  \"steps_offset\": %lld,\n  \"precision_bits\": %ld,"
             "\n  \"check_precision_bits\": %ld,\n  \"files\": [\"rates.csv\", \"rates.json\", "
             "\"rates.md\", \"rates.dat\", \"rates.gp\"%s]\n}\n",
          ddpm_spacing_name(job->spacing), job->offset, job->prec, job->check_prec,
          job->no_plot ? "" : ", \"rates.png\", \"rates.svg\"");
  return closed(f, path, e);
}

static int render_plot(const outdir *od, ddpm_err *e)
{
  char cmd[9000], path[8800];
  snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot rates.gp 2>gnuplot.log", od->staging);
  int rc = system(cmd);
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
    return ddpm_fail(e, DDPM_EINTERNAL, "gnuplot failed on rates.gp (rerun with --no-plot)");
  remove(outdir_path(od, "gnuplot.log", path, sizeof path));
  return DDPM_OK;
}

int rates_write_files(const rates_job *job, const outdir *od, ddpm_err *e)
{
  int rc = write_csv(job, od, e);
  if (rc == DDPM_OK) rc = write_json(job, od, e);
  if (rc == DDPM_OK) rc = write_markdown(job, od, e);
  if (rc == DDPM_OK) rc = write_dat(job, od, e);
  if (rc == DDPM_OK) rc = write_gp(job, od, e);
  if (rc == DDPM_OK) rc = write_meta(job, od, e);
  if (rc == DDPM_OK && !job->no_plot) rc = render_plot(od, e);
  return rc;
}
