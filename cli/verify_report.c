/* verify_report.c: the reports of `ddpmref verify` (see verify.h): Markdown
 * for people (a short summary on stdout, every step in verify.md) and JSON
 * for machines. JSON has no infinity: null stands for it, and says so. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpmref.h"
#include "meta.h"
#include "verify.h"

#define SUMMARY_STEPS 12

/* The measure the tolerance applies to, for ranking and messages. */
static double measure(const verify_result *r, long long k)
{
  return r->opt->tol_rel ? r->steps[k].max_rel : r->steps[k].scaled_ulps;
}

static const char *measure_name(const verify_result *r)
{
  return r->opt->tol_rel ? "max relative error" : "scaled ulps";
}

static const char *num(char *buf, size_t size, double v, int digits)
{
  if (isinf(v)) snprintf(buf, size, "inf");
  else snprintf(buf, size, "%.*g", digits, v);
  return buf;
}

static void step_line(FILE *f, const verify_result *r, const char *label, long long k)
{
  char m[32];
  fprintf(f, "- %s: %lld (row %lld, t = %lld): %s %s", label, k, k, r->timesteps[k],
          measure_name(r), num(m, sizeof m, measure(r, k), r->opt->tol_rel ? 3 : 5));
  if (r->steps[k].nonfinite) fprintf(f, " (%lld NaN or inf)", r->steps[k].nonfinite);
  fprintf(f, "%s\n", r->steps[k].fails ? ", over the tolerance" : "");
}

static void print_header(FILE *f, const verify_result *r)
{
  const verify_options *o = r->opt;
  if (r->first_fail < 0) fprintf(f, "## ddpmref verify: PASS\n\n");
  else fprintf(f, "## ddpmref verify: FAIL at step %lld (t = %lld)\n\n", r->first_fail,
               r->timesteps[r->first_fail]);
  fprintf(f, "- trajectory: `%s`, shape %s, dtype '%s': errors in ulps of %s\n", o->trajectory,
          r->shape, r->dtype, r->format->name);
  fprintf(f, "- truth: `%s/x_ref.txt`, the oracle at %ld bits (%d digits): %s\n", o->against,
          r->truth_bits, r->truth_digits, r->run_text);
  if (o->tol_rel)
    fprintf(f, "- tolerance: `--tol %s`: every value within a relative error of %g\n",
            o->tol_text, o->tol);
  else
    fprintf(f, "- tolerance: `--tol %s`: per step, max |error| <= %g %s ulps of the step's "
               "largest |true value| (scaled ulps)\n", o->tol_text, o->tol, r->format->name);
  if (r->first_fail >= 0) step_line(f, r, "first failing step", r->first_fail);
  else fprintf(f, "- first failing step: none, all %lld steps within tolerance\n", r->rows);
  step_line(f, r, "worst step", r->worst);
  fprintf(f, "- NaN or inf in the trajectory: %lld value%s\n\n", r->nonfinite,
          r->nonfinite == 1 ? "" : "s");
  fprintf(f, "Step k is row k, the state after k reverse steps, at timestep t. ulps: |error| / "
             "ulp(true value) in %s; rel: |error| / |true value|; scaled ulps: the step's max "
             "|error| / ulp(its largest |true value|).\n\n", r->format->name);
}

static void table_head(FILE *f)
{
  fprintf(f, "| step | t | max ulps | median ulps | max rel | median rel | scaled ulps | "
             "NaN/inf | within tol |\n|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n");
}

static void table_row(FILE *f, const verify_result *r, long long k)
{
  const verify_step *s = &r->steps[k];
  char a[32], b[32], c[32], d[32], g[32];
  fprintf(f, "| %lld | %lld | %s | %s | %s | %s | %s | %lld | %s |\n", k, r->timesteps[k],
          num(a, sizeof a, s->max_ulps, 4), num(b, sizeof b, s->median_ulps, 4),
          num(c, sizeof c, s->max_rel, 3), num(d, sizeof d, s->median_rel, 3),
          num(g, sizeof g, s->scaled_ulps, 4), s->nonfinite, s->fails ? "**no**" : "yes");
}

static int chosen(const long long *sel, int n, long long k)
{
  for (int q = 0; q < n; q++)
    if (sel[q] == k) return 1;
  return 0;
}

static void choose(long long *sel, int *n, long long k, const verify_result *r)
{
  if (k >= 0 && k < r->rows && *n < SUMMARY_STEPS && !chosen(sel, *n, k)) sel[(*n)++] = k;
}

static int cmp_ll(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

/* The first failing step with two neighbours each side, the last step
 * (the samples), then the worst remaining steps. */
static int select_steps(const verify_result *r, long long *sel)
{
  int n = 0;
  if (r->first_fail >= 0)
    for (long long k = r->first_fail - 2; k <= r->first_fail + 2; k++) choose(sel, &n, k, r);
  choose(sel, &n, r->rows - 1, r);
  while (n < SUMMARY_STEPS && n < r->rows) {
    long long best = -1;
    for (long long k = 0; k < r->rows; k++)
      if (!chosen(sel, n, k) && (best < 0 || measure(r, k) > measure(r, best))) best = k;
    choose(sel, &n, best, r);
  }
  qsort(sel, (size_t)n, sizeof *sel, cmp_ll);
  return n;
}

void verify_print_summary(FILE *f, const verify_result *r)
{
  long long sel[SUMMARY_STEPS];
  int n = select_steps(r, sel);
  print_header(f, r);
  table_head(f);
  for (int q = 0; q < n; q++) table_row(f, r, sel[q]);
  if (n < r->rows)
    fprintf(f, "\n%d of %lld steps: the first failing one and its neighbours, the last, the "
               "worst; -o DIR writes every step to DIR/verify.md\n", n, r->rows);
}

static int closed(FILE *f, const char *path, ddpm_err *e)
{
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: write failed: %s", path, strerror(errno));
  return DDPM_OK;
}

int verify_write_markdown(const char *path, const verify_result *r, ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  print_header(f, r);
  table_head(f);
  for (long long k = 0; k < r->rows; k++) table_row(f, r, k);
  return closed(f, path, e);
}

static void json_number(FILE *f, double v)
{
  if (isfinite(v)) fprintf(f, "%.17g", v);
  else fputs("null", f);
}

static void json_step_array(FILE *f, const verify_result *r, const char *key, size_t offset)
{
  fprintf(f, ",\n    \"%s\": [", key);
  for (long long k = 0; k < r->rows; k++) {
    if (k) fputs(", ", f);
    json_number(f, *(const double *)((const char *)&r->steps[k] + offset));
  }
  fputc(']', f);
}

static void json_per_step(FILE *f, const verify_result *r)
{
  fprintf(f, "  \"per_step\": {\n    \"timestep\": [");
  for (long long k = 0; k < r->rows; k++) fprintf(f, "%s%lld", k ? ", " : "", r->timesteps[k]);
  fputc(']', f);
  json_step_array(f, r, "max_ulps", offsetof(verify_step, max_ulps));
  json_step_array(f, r, "median_ulps", offsetof(verify_step, median_ulps));
  json_step_array(f, r, "max_rel", offsetof(verify_step, max_rel));
  json_step_array(f, r, "median_rel", offsetof(verify_step, median_rel));
  json_step_array(f, r, "scaled_ulps", offsetof(verify_step, scaled_ulps));
  fprintf(f, ",\n    \"non_finite\": [");
  for (long long k = 0; k < r->rows; k++) fprintf(f, "%s%lld", k ? ", " : "", r->steps[k].nonfinite);
  fprintf(f, "],\n    \"within_tolerance\": [");
  for (long long k = 0; k < r->rows; k++)
    fprintf(f, "%s%s", k ? ", " : "", r->steps[k].fails ? "false" : "true");
  fprintf(f, "]\n  }\n");
}

static void json_inputs(FILE *f, const verify_result *r)
{
  fprintf(f, "  \"trajectory\": ");
  json_string(f, r->opt->trajectory);
  fprintf(f, ",\n  \"dtype\": \"%s\",\n  \"format\": \"%s\",\n  \"shape\": [%lld, %lld, %lld],\n"
             "  \"against\": ", r->dtype, r->format->name, r->rows, r->n, r->d);
  json_string(f, r->opt->against);
  fprintf(f, ",\n  \"tolerance\": {\"kind\": \"%s\", \"value\": %.17g, \"text\": ",
          r->opt->tol_rel ? "max_rel" : "scaled_ulps", r->opt->tol);
  json_string(f, r->opt->tol_text);
  fprintf(f, "},\n");
}

int verify_write_json(const char *path, const verify_result *r, ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  fprintf(f, "{\n  \"ddpmref_version\": \"%s\",\n  \"command\": \"verify\",\n  \"verdict\": "
             "\"%s\",\n", DDPM_VERSION, r->first_fail < 0 ? "PASS" : "FAIL");
  json_inputs(f, r);
  if (r->first_fail < 0) fprintf(f, "  \"first_failing_step\": null,\n");
  else fprintf(f, "  \"first_failing_step\": %lld,\n", r->first_fail);
  fprintf(f, "  \"worst_step\": %lld,\n  \"non_finite_values\": %lld,\n", r->worst, r->nonfinite);
  fprintf(f, "  \"null_means\": \"infinite: a NaN or inf in the trajectory (or an error past "
             "binary64's range)\",\n  \"about_per_step\": \"step k is row k, the state after k reverse "
             "steps, at timestep[k]; ulps are the format's at the true value; scaled_ulps: the "
             "step's max |error| in ulps of its largest |true value|\",\n");
  json_per_step(f, r);
  fprintf(f, "}\n");
  return closed(f, path, e);
}

int verify_write_meta(const char *path, const verify_result *r, ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  fprintf(f, "{\n  \"ddpmref_version\": \"%s\",\n  \"command\": \"verify\",\n", DDPM_VERSION);
  json_inputs(f, r);
  fprintf(f, "  \"files\": [\n    {\"name\": \"verify.json\", \"what\": \"verdict and per-step "
             "errors, for machines\"},\n    {\"name\": \"verify.md\", \"what\": \"summary and "
             "every step's errors, for people\"}\n  ]\n}\n");
  return closed(f, path, e);
}
