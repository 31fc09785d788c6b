/* error.c: the one-line error messages of ddpm_error.h. */
#include <stdarg.h>
#include <stdio.h>

#include "ddpm_error.h"

int ddpm_fail(ddpm_err *e, int code, const char *fmt, ...)
{
  if (e != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}
