/* meta.c: writes meta.json (see meta.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_mixture.h"
#include "meta.h"

void json_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void json_text_array(FILE *f, char **texts, long long len)
{
  fputc('[', f);
  for (long long q = 0; q < len; q++) {
    if (q) fputs(", ", f);
    json_string(f, texts[q]);
  }
  fputc(']', f);
}

/* A file target's content as read (the file may change later), with the
 * weights' normalisation: every number's decimal text. */
static int write_mixture(FILE *f, const ddpm_spec *target, ddpm_err *e)
{
  if (target->kind == DDPM_TARGET_GAUSS) return DDPM_OK;
  ddpm_mixture m;
  int rc = ddpm_mixture_from_spec(target, &m, e);
  if (rc != DDPM_OK) return rc;
  fprintf(f, "  \"target_mixture\": {\"K\": %lld, \"d\": %lld, \"weights_sum\": %.17g, "
             "\"weights_normalised\": %s,\n    \"components\": [",
          m.K, m.d, m.weight_sum, m.normalised ? "true" : "false");
  for (long long k = 0; k < m.K; k++) {
    fprintf(f, "%s\n      {\"weight\": ", k ? "," : "");
    json_string(f, m.weight_text[k]);
    fprintf(f, ", \"mean\": ");
    json_text_array(f, m.mean_text + k * m.d, m.d);
    fprintf(f, ", \"var\": ");
    json_text_array(f, m.var_text + k * m.d, m.d);
    fputc('}', f);
  }
  fprintf(f, "]},\n");
  ddpm_mixture_free(&m);
  return DDPM_OK;
}

/* FNV-1a, 64 bits, of a file's bytes: enough to tell replay files apart. */
static int file_hash(const char *path, unsigned long long *h)
{
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  unsigned char buf[65536];
  size_t got;
  *h = 14695981039346656037ULL;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0)
    for (size_t q = 0; q < got; q++) *h = (*h ^ buf[q]) * 1099511628211ULL;
  int bad = ferror(f);
  fclose(f);
  return bad ? -1 : 0;
}

static int write_replay_file(FILE *f, const char *key, const char *path, ddpm_err *e)
{
  unsigned long long h;
  if (file_hash(path, &h) != 0)
    return ddpm_fail(e, DDPM_EINPUT, "--%s %s: cannot read it again", key, path);
  fprintf(f, "    \"%s\": {\"path\": ", key);
  json_string(f, path);
  fprintf(f, ", \"fnv1a_64\": \"%016llx\"}", h);
  return DDPM_OK;
}

/* Where the draws came from: Philox, or the user's replay files. */
static int write_noise(FILE *f, const run_options *o, ddpm_err *e)
{
  const ddpm_run *r = &o->run;
  fprintf(f, "  \"noise\": \"philox4x32-10, Box-Muller, DESIGN.md section 4: the oracle uses "
             "each draw correctly rounded to binary64, the fast path its libm value%s\",\n",
          r->noise_path || r->x_init_path ? "; replaced by the replay files' values where they "
                                           "hold the draw" : "");
  if (!r->noise_path && !r->x_init_path) return DDPM_OK;
  fprintf(f, "  \"replay\": {\n");
  int rc = DDPM_OK;
  if (r->noise_path) rc = write_replay_file(f, "noise", r->noise_path, e);
  if (rc == DDPM_OK && r->x_init_path) {
    if (r->noise_path) fprintf(f, ",\n");
    rc = write_replay_file(f, "x-init", r->x_init_path, e);
  }
  fprintf(f, "\n  },\n");
  return rc;
}

static void write_certificate(FILE *f, const run_options *o, const trace_certificate *c)
{
  fprintf(f, "  \"verified\": {\"check_precision_bits\": %ld, \"min_digits\": %.4f, "
             "\"min_digits_at\": [%lld, %lld, %lld], \"binary64_rounding_established\": %s, "
             "\"values_not_established\": %lld, \"floor\": ",
          o->check_prec, c->min_digits, c->min_row, c->min_i, c->min_j,
          c->uncertain ? "false" : "true", c->uncertain);
  if (c->floor_digits > 0) fprintf(f, "\"%.0f digits\"},\n", c->floor_digits);
  else fprintf(f, "\"binary64 correct rounding of every value\"},\n");
}

int meta_write(const char *path, const run_options *o, const meta_file *files, int nfiles,
               const meta_comparison *cmp, const trace_certificate *cert, ddpm_err *e)
{
  FILE *f = fopen(path, "w");
  if (!f) return ddpm_fail(e, DDPM_EINTERNAL, "%s: cannot create: %s", path, strerror(errno));
  const ddpm_run *r = &o->run;
  fprintf(f, "{\n  \"ddpmref_version\": \"%s\",\n  \"command\": ", DDPM_VERSION);
  json_string(f, o->command);
  fprintf(f, ",\n  \"schedule\": ");
  json_string(f, r->schedule.canonical);
  fprintf(f, ",\n  \"target\": ");
  json_string(f, r->target.canonical);
  fprintf(f, ",\n  \"sampler\": ");
  json_string(f, r->sampler.canonical);
  fprintf(f, ",\n  \"n\": %lld,\n  \"d\": %lld,\n  \"steps\": %lld,\n  \"spacing\": \"%s\",\n"
             "  \"steps_offset\": %lld,\n  \"seed\": %llu,\n",
          r->n, r->d, r->steps, ddpm_spacing_name(r->spacing), r->steps_offset, r->seed);
  if (write_mixture(f, &r->target, e) != DDPM_OK) {
    fclose(f);
    return DDPM_EINPUT;
  }
  fprintf(f, "  \"score_error\": ");
  if (r->score_error == DDPM_SCORE_EXACT) fprintf(f, "\"none\",\n");
  else {
    char buf[DDPM_TEXT_MAX + 8];
    snprintf(buf, sizeof buf, "%s=%s", r->score_error == DDPM_SCORE_BIAS ? "bias" : "rel",
             r->score_error_text);
    json_string(f, buf);
    fprintf(f, ",\n");
  }
  if (write_noise(f, o, e) != DDPM_OK) {
    fclose(f);
    return DDPM_EINPUT;
  }
  if (strcmp(o->command, "audit") == 0)
    fprintf(f, "  \"audit_format\": \"%s\",\n  \"exact_precision_bits\": %ld,\n",
            o->format->name, o->prec);
  else
    fprintf(f, "  \"engines\": [%s%s%s],\n", (o->engines & ENGINE_REF) ? "\"ref\"" : "",
            o->engines == ENGINE_BOTH ? ", " : "", (o->engines & ENGINE_FP) ? "\"fp\"" : "");
  if ((o->engines & ENGINE_REF) && strcmp(o->command, "audit") != 0)
    fprintf(f, "  \"ref_precision_bits\": %ld,\n", o->prec);
  if (cert) write_certificate(f, o, cert);
  fprintf(f, "  \"rows\": \"row 0 holds the initial draw Y_T; row k the state after reverse "
             "step k, which goes from timesteps[k-1] to timesteps[k] (0: the data end); row "
             "steps the output\",\n  \"timesteps\": [");
  long long *ts = malloc((size_t)r->steps * sizeof *ts), *ps = malloc((size_t)r->steps * sizeof *ps);
  if (ts && ps && ddpm_run_timesteps(r, ts, ps, NULL) == DDPM_OK)
    for (long long k = 0; k < r->steps; k++) fprintf(f, "%s%lld", k ? ", " : "", ts[k]);
  free(ts);
  free(ps);
  fprintf(f, ", 0],\n  \"files\": [");
  for (int q = 0; q < nfiles; q++) {
    fprintf(f, "%s\n    {\"name\": ", q ? "," : "");
    json_string(f, files[q].name);
    fprintf(f, ", \"what\": ");
    json_string(f, files[q].what);
    if (files[q].ndim > 0) {
      fprintf(f, ", \"dtype\": \"<f8\", \"shape\": [");
      for (int k = 0; k < files[q].ndim; k++)
        fprintf(f, "%s%lld", k ? ", " : "", files[q].shape[k]);
      fprintf(f, "]");
    }
    fprintf(f, "}");
  }
  fprintf(f, "\n  ]");
  if (cmp && cmp->have)
    fprintf(f, ",\n  \"fp_vs_ref\": {\"max_abs_error\": %.17g, \"max_abs_error_row\": %lld, "
               "\"max_ulps_of_row_scale\": %.17g, \"max_ulps_elementwise\": %.17g, "
               "\"last_row_max_ulps_elementwise\": %.17g}",
            cmp->max_abs, cmp->max_abs_row, cmp->max_scaled_ulps, cmp->max_ulps,
            cmp->final_max_ulps);
  fprintf(f, "\n}\n");
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: write failed: %s", path, strerror(errno));
  return DDPM_OK;
}
