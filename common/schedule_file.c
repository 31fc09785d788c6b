/* schedule_file.c: reading and checking a file:PATH schedule. Both engines
 * read the same validated decimal texts (the oracle exactly, the fast path
 * rounded to nearest). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_model.h"
#include "ddpm_schedule_file.h"



void ddpm_schedule_file_free(char **lines, long long T)
{
  if (!lines) return;
  for (long long t = 0; t < T; t++) free(lines[t]);
  free(lines);
}

static int fail_line(char **lines, long long T, FILE *f, ddpm_err *e, const char *path,
                     long long lineno, const char *why)
{
  ddpm_schedule_file_free(lines, T);
  fclose(f);
  return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s: line %lld: %s", path, lineno, why);
}

int ddpm_schedule_file_read(const char *path, char ***out, long long *outT, ddpm_err *e)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s: cannot open: %s", path,
                     strerror(errno));
  char **lines = NULL;
  long long T = 0, cap = 0, lineno = 0;
  char buf[256];
  while (fgets(buf, sizeof buf, f)) {
    lineno++;
    size_t len = strlen(buf);
    if (len == sizeof buf - 1 && buf[len - 1] != '\n')
      return fail_line(lines, T, f, e, path, lineno, "line longer than 254 characters");
    if (memchr(buf, '\0', len) != NULL || strlen(buf) != len)
      return fail_line(lines, T, f, e, path, lineno, "binary data");
    while (len > 0 && strchr(" \t\r\n", buf[len - 1])) buf[--len] = '\0';
    char *p = buf;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '#') continue;
    if (*p == '\0') return fail_line(lines, T, f, e, path, lineno, "empty line");
    if (!ddpm_decimal_text_ok(p)) {
      char why[320];
      snprintf(why, sizeof why, "'%.60s' is not one decimal number", p);
      return fail_line(lines, T, f, e, path, lineno, why);
    }
    double beta = strtod(p, NULL);
    if (!(beta > 0.0 && beta < 1.0)) {
      char why[320];
      snprintf(why, sizeof why, "beta = %.60s is not in (0, 1)", p);
      return fail_line(lines, T, f, e, path, lineno, why);
    }
    if (T == DDPM_T_MAX)
      return fail_line(lines, T, f, e, path, lineno, "more betas than the largest T");
    if (T == cap) {
      cap = cap ? 2 * cap : 1024;
      char **grown = realloc(lines, (size_t)cap * sizeof *grown);
      if (!grown) {
        ddpm_schedule_file_free(lines, T);
        fclose(f);
        return ddpm_fail(e, DDPM_EINTERNAL, "--schedule: file:%s: out of memory", path);
      }
      lines = grown;
    }
    lines[T] = strdup(p);
    if (!lines[T]) return fail_line(lines, T, f, e, path, lineno, "out of memory");
    T++;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s: read error", path);
  }
  if (T < 2) {
    ddpm_schedule_file_free(lines, T);
    return ddpm_fail(e, DDPM_EINPUT, "--schedule: file:%s: %lld betas; need at least 2",
                     path, T);
  }
  *out = lines;
  *outT = T;
  return DDPM_OK;
}
