/* run_options.h: the options shared by the commands that run a sampler. */
#ifndef DDPM_RUN_OPTIONS_H
#define DDPM_RUN_OPTIONS_H

#include "ddpm_emu.h"
#include "ddpm_model.h"

enum { ENGINE_FP = 1, ENGINE_REF = 2, ENGINE_BOTH = 3 };

typedef struct {
  const char *command;  /* "sample" or "trace" */
  ddpm_run run;
  int engines;          /* ENGINE_* bits */
  long prec;            /* oracle precision, bits */
  int threads;
  const char *outdir;
  int force;
  int progress;         /* PROGRESS_AUTO, _QUIET or _ALWAYS */
  /* trace: the second, higher precision and the floor on verified digits */
  long check_prec;      /* bits; default 2 prec */
  double min_digits;    /* 0: the default floor, binary64 correct rounding */
  /* audit: the format, and whether to skip rendering the plots */
  const ddpm_fmt *format;
  unsigned sources;     /* the sources computed in the format (--sources) */
  int no_plot;
} run_options;

#define OPTIONS_HELP_SHOWN (-1)

/* Parses argv (argv[0] is the command name). Returns DDPM_OK,
 * OPTIONS_HELP_SHOWN after printing --help, or DDPM_EINPUT. */
int run_options_parse(int argc, char **argv, const char *command, run_options *o,
                      ddpm_err *e);

/* Strict decimal integer in [min, max], for options; names the option. */
int parse_option_ll(const char *text, const char *option, long long min, long long max,
                    long long *out, ddpm_err *e);

#endif
