/* ddpm_error.h: how every ddpmref function reports failure.
 *
 * Functions that can fail return one of the status codes below and, when
 * they fail, fill a ddpm_err with one line naming the bad parameter and why.
 * The codes are the program's exit codes (DESIGN.md section 5). */
#ifndef DDPM_ERROR_H
#define DDPM_ERROR_H

enum ddpm_status {
  DDPM_OK = 0,        /* success */
  DDPM_EINTERNAL = 1, /* environment or internal failure (I/O, memory) */
  DDPM_EINPUT = 2     /* bad input: the message names the parameter */
};

typedef struct {
  char msg[512];
} ddpm_err;

/* Formats msg into e (if e is not NULL) and returns code. */
int ddpm_fail(ddpm_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
