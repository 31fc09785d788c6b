/* commands.h: the subcommands of the ddpmref program. */
#ifndef DDPM_COMMANDS_H
#define DDPM_COMMANDS_H

#include "ddpm_error.h"

int cmd_sample(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_rates(int argc, char **argv);

/* Prints "ddpmref: <message>" on stderr and returns code. */
int report_error(int code, const ddpm_err *e);

#endif
