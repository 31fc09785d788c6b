/* fuzz_spec.c: libFuzzer harness for the spec string grammar
 * (common/spec_parse.c, common/model_tables.c): every family, --score-error,
 * and a whole run's cross-checks with its timestep spacing.
 *
 * Input: a mode digit, then text. '0' schedule, '1' target, '2' sampler,
 * '3' --score-error; '4' a run, one line each: schedule, target, sampler,
 * steps (an integer, or T), spacing (leading|trailing|linspace), offset.
 * Other first bytes map to a mode by (byte + 2) mod 5.
 *
 * Path kinds (file:PATH, gauss:FILE, gmm:FILE) read real files: the harness
 * runs in a scratch directory holding a few valid ones (betas, one.json,
 * two.json) and skips inputs containing '/', so nothing else is opened. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddpm_model.h"
#include "ddpm_spacing.h"
#include "fuzz_file.h"

static void put(const char *name, const char *text)
{
  FILE *f = fopen(name, "w");
  FUZZ_ASSERT(f != NULL);
  fputs(text, f);
  FUZZ_ASSERT(fclose(f) == 0);
}

static char scratch[] = "/tmp/ddpm-fuzz-spec-XXXXXX";
static const char *const files[] = {"betas", "one.json", "two.json"};

static void remove_scratch(void)
{
  for (size_t q = 0; q < sizeof files / sizeof files[0]; q++) unlink(files[q]);
  rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  FUZZ_ASSERT(mkdtemp(scratch) != NULL && chdir(scratch) == 0);
  atexit(remove_scratch);
  put(files[0], "# three betas\n0.0001\n0.02\n 0.5 \r\n");
  put(files[1], "{\"components\": [{\"weight\": 1, \"mean\": [0, 1.5], \"var\": [1, 0.25]}]}\n");
  put(files[2], "{\"components\": [{\"weight\": 0.3, \"mean\": [-2], \"var\": [0.5]},\n"
               "                {\"weight\": \"0.7\", \"mean\": [2], \"var\": [\"1e-3\"]}]}\n");
  return 0;
}

/* Parses; on success the canonical form parses back to itself. */
static int parse(ddpm_family family, const char *text, ddpm_spec *s)
{
  ddpm_err e = {{0}};
  int rc = ddpm_spec_parse(family, text, s, &e);
  if (rc != DDPM_OK) {
    FUZZ_ASSERT(rc == DDPM_EINPUT || rc == DDPM_EINTERNAL);
    FUZZ_ASSERT(e.msg[0] != '\0');
    return rc;
  }
  FUZZ_ASSERT(s->desc != NULL && s->family == family);
  FUZZ_ASSERT(strlen(s->canonical) < sizeof s->canonical - 1);
  ddpm_spec again;
  rc = ddpm_spec_parse(family, s->canonical, &again, &e);
  FUZZ_ASSERT(rc == DDPM_OK);
  FUZZ_ASSERT(again.kind == s->kind && strcmp(again.canonical, s->canonical) == 0);
  return DDPM_OK;
}

/* An option's integer as the CLI takes it: decimal, in [min, max]. */
static int integer(const char *text, long long min, long long max, long long *out)
{
  if (*text == '\0' || strspn(text + (*text == '+' || *text == '-'), "0123456789") !=
                           strlen(text + (*text == '+' || *text == '-')))
    return 0;
  errno = 0;
  long long v = strtoll(text, NULL, 10);
  if (errno == ERANGE || v < min || v > max) return 0;
  *out = v;
  return 1;
}

/* The timesteps of a checked run keep the spacing's proved contracts. */
static void check_timesteps(const ddpm_run *run)
{
  long long T = ddpm_schedule_T(&run->schedule), K = run->steps;
  long long *t = malloc((size_t)K * sizeof *t), *p = malloc((size_t)K * sizeof *p);
  FUZZ_ASSERT(t && p);
  ddpm_err e;
  FUZZ_ASSERT(ddpm_run_timesteps(run, t, p, &e) == DDPM_OK);
  for (long long k = 0; k < K; k++) {
    FUZZ_ASSERT(t[k] >= 1 && t[k] <= T);
    FUZZ_ASSERT(p[k] == (k + 1 < K ? t[k + 1] : 0) && p[k] < t[k]);
  }
  if (run->spacing != DDPM_SPACING_LEADING) FUZZ_ASSERT(t[0] == T);
  if (run->spacing == DDPM_SPACING_LINSPACE) FUZZ_ASSERT(t[K - 1] == 1);
  if (run->spacing == DDPM_SPACING_LEADING) FUZZ_ASSERT(t[K - 1] == run->steps_offset + 1);
  if (K == T) FUZZ_ASSERT(t[K - 1] == 1 && t[0] == T);
  free(t);
  free(p);
}

static void run_mode(char *text)
{
  const char *field[6] = {"linear:T=10", "gauss:d=1,mean=0,var=1", "ddpm", "T", "leading",
                          "0"};
  char *line = text;
  for (int i = 0; i < 6 && line; i++) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    field[i] = line;
    line = nl ? nl + 1 : NULL;
  }
  ddpm_run run;
  memset(&run, 0, sizeof run);
  if (parse(DDPM_FAMILY_SCHEDULE, field[0], &run.schedule) != DDPM_OK) return;
  if (parse(DDPM_FAMILY_TARGET, field[1], &run.target) != DDPM_OK) return;
  if (parse(DDPM_FAMILY_SAMPLER, field[2], &run.sampler) != DDPM_OK) return;
  long long T = ddpm_schedule_T(&run.schedule);
  if (strcmp(field[3], "T") == 0) run.steps = T;
  else if (!integer(field[3], 1, DDPM_T_MAX, &run.steps)) return;
  if (strcmp(field[4], "leading") == 0) run.spacing = DDPM_SPACING_LEADING;
  else if (strcmp(field[4], "trailing") == 0) run.spacing = DDPM_SPACING_TRAILING;
  else if (strcmp(field[4], "linspace") == 0) run.spacing = DDPM_SPACING_LINSPACE;
  else return;
  if (!integer(field[5], 0, DDPM_T_MAX, &run.steps_offset)) return;
  run.n = 1;
  run.seed = 1;
  run.d = ddpm_target_dim(&run.target);
  ddpm_err e = {{0}};
  int rc = ddpm_run_check(&run, &e);
  if (rc != DDPM_OK) {
    FUZZ_ASSERT(rc == DDPM_EINPUT && e.msg[0] != '\0');
    return;
  }
  if (run.steps <= 100000) check_timesteps(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > 4096 || memchr(data, '/', size)) return 0;
  char text[4096];
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  ddpm_spec s;
  switch ((data[0] + 2) % 5) {
  case 0: parse(DDPM_FAMILY_SCHEDULE, text, &s); break;
  case 1: parse(DDPM_FAMILY_TARGET, text, &s); break;
  case 2: parse(DDPM_FAMILY_SAMPLER, text, &s); break;
  case 3: {
    ddpm_run run;
    memset(&run, 0, sizeof run);
    ddpm_err e = {{0}};
    int rc = ddpm_score_error_parse(text, &run, &e);
    FUZZ_ASSERT(rc == DDPM_OK ? ddpm_decimal_text_ok(run.score_error_text)
                              : rc == DDPM_EINPUT && e.msg[0] != '\0');
    break;
  }
  default: run_mode(text); break;
  }
  return 0;
}
