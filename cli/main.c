/* main.c: the ddpmref program: dispatch to a command. */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "interrupt.h"
#include "meta.h"

/* One line, whatever the message quotes (a file's bytes, an argument with
 * a newline in it): control characters are shown as '?'. */
static void put_line(const char *msg)
{
  char line[sizeof(ddpm_err)];
  size_t q = 0;
  for (; msg[q] && q + 1 < sizeof line; q++) {
    unsigned char c = (unsigned char)msg[q];
    line[q] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  line[q] = '\0';
  fprintf(stderr, "ddpmref: %s\n", line);
}

int report_error(int code, const ddpm_err *e)
{
  put_line(e->msg[0] ? e->msg : "failed");
  return code;
}

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *what;
} commands[] = {
  {"schedule", cmd_schedule, "tabulate a schedule in both engines, with the fast path's ulps"},
  {"sample", cmd_sample, "draw samples with the fast path or the oracle"},
  {"trace", cmd_trace, "certified ground truth: every step, verified digits, the draws used"},
  {"audit", cmd_audit, "where the floating-point error comes from, per step and per source"},
  {"rates", cmd_rates, "exact KL, W2, H2, TV of the output law on Gaussian targets; slopes in T, d"},
  {"verify", cmd_verify, "check a trajectory computed elsewhere against a trace's truth, in ulps"},
};

static void usage(FILE *f)
{
  fprintf(f, "usage: ddpmref COMMAND [options]   (ddpmref COMMAND --help for each)\n\n"
             "Reference diffusion samplers: an MPFR oracle and a binary64 fast path.\n\n"
             "commands:\n");
  for (size_t q = 0; q < sizeof commands / sizeof commands[0]; q++)
    fprintf(f, "  %-9s %s\n", commands[q].name, commands[q].what);
  fprintf(f, "\n  --help     this text\n  --version  the version\n");
}

/* GMP (and so MPFR) cannot return an allocation failure: by default it
 * aborts, leaving the staging directory behind. These end the run with the
 * one-line error and exit 1 of any other failure instead. */
static void out_of_memory(size_t size)
{
  char msg[160];
  snprintf(msg, sizeof msg, "ddpmref: out of memory (an MPFR/GMP allocation of %zu bytes "
           "failed)\n", size);
  interrupt_fatal(msg);
}

static void *gmp_alloc(size_t size)
{
  void *p = malloc(size);
  if (!p) out_of_memory(size);
  return p;
}

static void *gmp_realloc(void *p, size_t old, size_t size)
{
  (void)old;
  void *q = realloc(p, size);
  if (!q && size) out_of_memory(size);
  return q;
}

static void gmp_free(void *p, size_t size)
{
  (void)size;
  free(p);
}

int main(int argc, char **argv)
{
  interrupt_install();
  mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free);
  if (argc < 2) {
    fprintf(stderr, "ddpmref: missing COMMAND (schedule, sample, trace, verify, audit, rates; see ddpmref --help)\n");
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("ddpmref %s\n", DDPM_VERSION);
    return 0;
  }
  for (size_t q = 0; q < sizeof commands / sizeof commands[0]; q++)
    if (strcmp(argv[1], commands[q].name) == 0) return commands[q].run(argc - 1, argv + 1);
  ddpm_err e;
  return report_error(ddpm_fail(&e, DDPM_EINPUT, "%.200s: unknown command (schedule, sample, "
                                "trace, verify, audit, rates; see ddpmref --help)", argv[1]), &e);
}
