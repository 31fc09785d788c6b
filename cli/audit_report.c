/* audit_report.c: the audit's files (audit_report.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "audit_report.h"
#include "meta.h"

enum { NSRC = DDPM_SRC_COUNT };

static double max_of(const double *v, long long len)
{
  double m = 0;
  for (long long k = 0; k < len; k++) m = fmax(m, v[k]);
  return m;
}

static double mean_of(const double *v, long long len)
{
  double s = 0;
  for (long long k = 0; k < len; k++) s += v[k];
  return len ? s / (double)len : 0;
}

static int dominant_source(const ddpm_audit *a)
{
  int best = 0;
  for (int s = 1; s < NSRC; s++)
    if (a->size_share[s] > a->size_share[best]) best = s;
  return best;
}

/* The source with the largest local error at step k. */
static int step_leader(const ddpm_audit *a, long long k)
{
  int best = 0;
  for (int s = 1; s < NSRC; s++)
    if (a->local[s][k] > a->local[best][k]) best = s;
  return best;
}

static int closed(FILE *f, const char *path, ddpm_err *e)
{
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: write failed: %s", path, strerror(errno));
  return DDPM_OK;
}

/* JSON has no NaN or infinity: null stands for them (see null_means). */
static void json_g(FILE *f, const char *before, double v)
{
  if (isfinite(v)) fprintf(f, "%s%.6g", before, v);
  else fprintf(f, "%snull", before);
}

static void json_array(FILE *f, const char *key, const double *v, long long len, int last)
{
  fprintf(f, "    \"%s\": [", key);
  for (long long k = 0; k < len; k++) json_g(f, k ? ", " : "", v[k]);
  fprintf(f, "]%s\n", last ? "" : ",");
}

static int write_json(const char *path, const run_options *o, const ddpm_audit *a, ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  const ddpm_run *r = &o->run;
  const long long n = a->rows;
  fprintf(f, "{\n  \"format\": \"%s\",\n  \"precision_bits\": %ld,\n  \"schedule\": ",
          a->fmt->name, (long)a->fmt->prec);
  json_string(f, r->schedule.canonical);
  fprintf(f, ",\n  \"target\": ");
  json_string(f, r->target.canonical);
  fprintf(f, ",\n  \"sampler\": ");
  json_string(f, r->sampler.canonical);
  fprintf(f, ",\n  \"units\": \"max over the row of |error| in ulps of %s at the row's largest "
             "|exact value| (scaled ulps); *_rel: mean |error|/|exact| over the row\",\n",
          a->fmt->name);
  fprintf(f, "  \"null_means\": \"infinite or undefined: an overflow, NaN or infinity in "
             "%s\",\n", a->fmt->name);
  json_g(f, "  \"final\": {\"norm\": ", a->final_norm);
  json_g(f, ", \"global_scaled_ulps\": ", a->global[n - 1]);
  fprintf(f, ", \"share\": {");
  for (int s = 0; s < NSRC; s++) {
    fprintf(f, "\"%s\": ", ddpm_source_name(s));
    json_g(f, "", a->share[s]);
    fprintf(f, ", ");
  }
  json_g(f, "\"residual\": ", a->residual_share);
  fprintf(f, "}, \"size_share\": {");
  for (int s = 0; s < NSRC; s++) {
    fprintf(f, "%s\"%s\": ", s ? ", " : "", ddpm_source_name(s));
    json_g(f, "", a->size_share[s]);
  }
  fprintf(f, "}, \"dominant_source\": \"%s\"},\n  \"sources_in_format\": [",
          ddpm_source_name(dominant_source(a)));
  for (int s = 0, any = 0; s < NSRC; s++)
    if (a->sources & (1u << s)) fprintf(f, "%s\"%s\"", any++ ? ", " : "", ddpm_source_name(s));
  fprintf(f, "],\n");
  fprintf(f, "  \"events\": [");
  int first = 1;
  for (int q = 0; q < DDPM_EV_COUNT; q++) {
    if (!a->events.count[q]) continue;
    fprintf(f, "%s\n    {\"event\": \"%s\", \"count\": %lld, \"first_step\": %lld, "
               "\"first_quantity\": ", first ? "" : ",", ddpm_event_name(q),
            a->events.count[q], a->events.first_step[q]);
    json_string(f, a->events.first_what[q]);
    fputc('}', f);
    first = 0;
  }
  fprintf(f, "%s],\n  \"per_step\": {\n", first ? "" : "\n  ");
  char key[64];
  for (int s = 0; s < NSRC; s++) {
    snprintf(key, sizeof key, "local_%s", ddpm_source_name(s));
    json_array(f, key, a->local[s], n, 0);
    snprintf(key, sizeof key, "local_%s_rel", ddpm_source_name(s));
    json_array(f, key, a->local_rel[s], n, 0);
    snprintf(key, sizeof key, "carried_%s", ddpm_source_name(s));
    json_array(f, key, a->carried[s], n, 0);
  }
  json_array(f, "propagated", a->propagated, n, 0);
  json_array(f, "residual", a->residual, n, 0);
  json_array(f, "global_rel", a->global_rel, n, 0);
  if (a->fastpath) json_array(f, "fast_path", a->fastpath, n, 0);
  json_array(f, "row_scale", a->scale, n, 0);
  json_array(f, "global", a->global, n, 1);
  fprintf(f, "  }\n}\n");
  return closed(f, path, e);
}

static void md_events(FILE *f, const ddpm_audit *a)
{
  int any = 0;
  for (int q = 0; q < DDPM_EV_COUNT; q++) any |= a->events.count[q] != 0;
  if (!any) {
    fprintf(f, "No events: no overflow, underflow, abar = 1, 1 - abar = 0, division by zero "
               "or NaN in %s.\n\n", a->fmt->name);
    return;
  }
  fprintf(f, "| event | count | first step | first quantity |\n|---|---:|---:|---|\n");
  for (int q = 0; q < DDPM_EV_COUNT; q++)
    if (a->events.count[q])
      fprintf(f, "| %s | %lld | %lld | `%s` |\n", ddpm_event_name(q), a->events.count[q],
              a->events.first_step[q], a->events.first_what[q]);
  fprintf(f, "\n(step 0: the schedule and the initial draw.)\n\n");
}

/* The steps with the largest total local error, and who made it. */
static void md_top_steps(FILE *f, const ddpm_audit *a, int count)
{
  const long long n = a->rows;
  char *taken = calloc((size_t)n, 1);
  if (!taken) return;
  fprintf(f, "| step | largest local source | its local ulps | carried total (global) ulps |\n"
             "|---:|---|---:|---:|\n");
  for (int q = 0; q < count && q < n; q++) {
    long long best = -1;
    double bv = -1;
    for (long long k = 0; k < n; k++) {
      double v = a->local[step_leader(a, k)][k];
      if (!taken[k] && v > bv) bv = v, best = k;
    }
    taken[best] = 1;
    int s = step_leader(a, best);
    fprintf(f, "| %lld | %s | %.3g | %.3g |\n", best, ddpm_source_name(s), a->local[s][best],
            a->global[best]);
  }
  free(taken);
  fprintf(f, "\n");
}

static int write_markdown(const char *path, const run_options *o, const ddpm_audit *a,
                          ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  const long long n = a->rows;
  const ddpm_run *r = &o->run;
  fprintf(f, "# ddpmref audit: %s\n\n`%s` | `%s` | `%s` | n = %lld, d = %lld, seed %llu, "
             "%lld steps\n\n", a->fmt->name, r->schedule.canonical, r->target.canonical,
          r->sampler.canonical, r->n, r->d, r->seed, r->steps);
  fprintf(f, "Errors in **scaled ulps**: a row's largest |error| in ulps of %s at the row's "
             "largest |exact value|. *Local*: the error one step makes from the exact state "
             "rounded to %s, one source at a time. *Carried*: that source's local errors "
             "propagated through the exact later steps. *Size share*: ||D_S|| / sum ||D||, at the "
             "last row. *Projection*: <D_S, E>/<E, E> (with the residual's, they sum to 1); "
             "where errors are systematic the projection is the split of the final error, where "
             "they are random-like roundings it is noisy and the residual large (spec/maths.md "
             "section 8).\n\n", a->fmt->name, a->fmt->name);
  fprintf(f, "| source | max local | mean local relative | max carried | size share | "
             "projection |\n|---|---:|---:|---:|---:|---:|\n");
  for (int s = 0; s < NSRC; s++)
    fprintf(f, "| %s%s | %.3g | %.3g | %.3g | %.3g | %.3g |\n", ddpm_source_name(s),
            a->sources & (1u << s) ? "" : " (exact here)", max_of(a->local[s], n),
            mean_of(a->local_rel[s], n), max_of(a->carried[s], n), a->size_share[s], a->share[s]);
  fprintf(f, "| propagation (earlier steps' errors) | | | %.3g | | |\n", max_of(a->propagated, n));
  fprintf(f, "| **observed** (%s implementation vs exact) | | %.3g | %.3g (final %.3g) | | 1 |\n",
          a->fmt->name, mean_of(a->global_rel, n), max_of(a->global, n), a->global[n - 1]);
  fprintf(f, "| unexplained residual | | | %.3g (final %.3g) | | %.3g |\n",
          max_of(a->residual, n), a->residual[n - 1], a->residual_share);
  if (a->fastpath)
    fprintf(f, "| the real fast path (libm) vs exact | | | %.3g (final %.3g) | | |\n",
            max_of(a->fastpath, n), a->fastpath[n - 1]);
  fprintf(f, "\nDominant source of the final error: **%s** (size share %.3g).\n\n## Events\n\n",
          ddpm_source_name(dominant_source(a)), a->size_share[dominant_source(a)]);
  md_events(f, a);
  fprintf(f, "## Top steps by local error\n\n");
  md_top_steps(f, a, 10);
  fprintf(f, "Per-step numbers: `audit.json`; plot: `audit.png`, `audit.svg` (data `audit.dat`, "
             "script `audit.gp`).\n");
  return closed(f, path, e);
}

/* audit.dat: one row per step; zeros written as NaN so the log scale skips
 * them. */
static void dat_value(FILE *f, double v)
{
  if (v > 0) fprintf(f, " %.6g", v);
  else fprintf(f, " NaN");
}

static int write_plot_files(const outdir *od, const ddpm_audit *a, ddpm_err *e)
{
  char path[8800];
  FILE *f = fopen(outdir_path(od, "audit.dat", path, sizeof path), "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  fprintf(f, "# step");
  for (int s = 0; s < NSRC; s++) fprintf(f, " local_%s", ddpm_source_name(s));
  fprintf(f, " propagated global residual%s\n", a->fastpath ? " fast_path" : "");
  for (long long k = 0; k < a->rows; k++) {
    fprintf(f, "%lld", k);
    for (int s = 0; s < NSRC; s++) dat_value(f, a->local[s][k]);
    dat_value(f, a->propagated[k]);
    dat_value(f, a->global[k]);
    dat_value(f, a->residual[k]);
    if (a->fastpath) dat_value(f, a->fastpath[k]);
    fputc('\n', f);
  }
  int rc = closed(f, path, e);
  if (rc != DDPM_OK) return rc;
  if (!(f = fopen(outdir_path(od, "audit.gp", path, sizeof path), "w")))
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  fprintf(f, "# ddpmref audit plot: gnuplot audit.gp (writes audit.png and audit.svg)\n"
             "set datafile missing 'NaN'\nset logscale y\nset format y '10^{%%L}'\n"
             "set xlabel 'step k (row: after k reverse steps)'\n"
             "set ylabel 'max error, ulps of %s at the row scale'\n"
             "set title 'error by source, %s'\nset key outside right\nset grid\n"
             "plot_it = \"plot", a->fmt->name, a->fmt->name);
  for (int s = 0; s < NSRC; s++)
    fprintf(f, " 'audit.dat' using 1:%d with lines title 'local %s',", s + 2,
            ddpm_source_name(s));
  fprintf(f, " 'audit.dat' using 1:%d with lines lw 2 title 'propagated',"
             " 'audit.dat' using 1:%d with lines lw 3 title 'observed',"
             " 'audit.dat' using 1:%d with points pt 7 ps 0.3 title 'residual'%s\"\n",
          NSRC + 2, NSRC + 3, NSRC + 4,
          a->fastpath ? ", 'audit.dat' using 1:10 with lines dt 2 title 'real fast path'" : "");
  fprintf(f, "set terminal pngcairo size 1100,600\nset output 'audit.png'\neval plot_it\n"
             "set terminal svg size 1100,600\nset output 'audit.svg'\neval plot_it\n");
  return closed(f, path, e);
}

int audit_write_reports(const run_options *o, const ddpm_audit *a, const outdir *od,
                        ddpm_err *e)
{
  char path[8800];
  int rc = write_json(outdir_path(od, "audit.json", path, sizeof path), o, a, e);
  if (rc == DDPM_OK) rc = write_markdown(outdir_path(od, "audit.md", path, sizeof path), o, a, e);
  if (rc == DDPM_OK) rc = write_plot_files(od, a, e);
  return rc;
}

int audit_have_gnuplot(void)
{
  int rc = system("gnuplot --version >/dev/null 2>&1");
  return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

int audit_render_plots(const outdir *od, ddpm_err *e)
{
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot audit.gp 2>gnuplot.log", od->staging);
  int rc = system(cmd);
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
    return ddpm_fail(e, DDPM_EINTERNAL, "gnuplot failed on audit.gp (see its log in the "
                     "staging directory; rerun with --no-plot)");
  char path[8800];
  remove(outdir_path(od, "gnuplot.log", path, sizeof path));
  return DDPM_OK;
}

void audit_print_summary(const run_options *o, const ddpm_audit *a, const char *dir)
{
  const long long n = a->rows;
  const ddpm_run *r = &o->run;
  printf("ddpmref audit (%s): %s | %s | %s | n=%lld d=%lld seed=%llu\n", a->fmt->name,
         r->schedule.canonical, r->target.canonical, r->sampler.canonical, r->n, r->d, r->seed);
  printf("  %-9s %12s %14s %12s %12s   (scaled ulps of %s)\n", "source", "max local",
         "max carried", "size share", "projection", a->fmt->name);
  for (int s = 0; s < NSRC; s++)
    printf("  %-9s %12.3g %14.3g %12.3g %12.3g\n", ddpm_source_name(s), max_of(a->local[s], n),
           max_of(a->carried[s], n), a->size_share[s], a->share[s]);
  printf("  observed: max %.3g, final %.3g scaled ulps; residual max %.3g (share %.3g)%s",
         max_of(a->global, n), a->global[n - 1], max_of(a->residual, n), a->residual_share,
         a->fastpath ? "" : "\n");
  if (a->fastpath) printf("; real fast path: max %.3g\n", max_of(a->fastpath, n));
  for (int q = 0; q < DDPM_EV_COUNT; q++)
    if (a->events.count[q])
      printf("  event: %s x %lld, first at step %lld (%s)\n", ddpm_event_name(q),
             a->events.count[q], a->events.first_step[q], a->events.first_what[q]);
  printf("  dominant source of the final error: %s; files in %s/ (audit.md, audit.json, "
         "audit.png, ...)\n", ddpm_source_name(dominant_source(a)), dir);
}
