/* outfile.h: single output files written to a temporary name beside the
 * target and renamed into place when complete (never a partial file). */
#ifndef DDPM_OUTFILE_H
#define DDPM_OUTFILE_H

#include <stdio.h>

#include "ddpm_error.h"

typedef struct {
  char target[4096];
  char temp[4200];
  FILE *f;
} outfile;

/* Refuses an existing target unless force; opens the temporary file. */
int outfile_begin(outfile *o, const char *target, int force, ddpm_err *e);
/* Closes and renames into place; on failure removes the temporary file. */
int outfile_commit(outfile *o, ddpm_err *e);
void outfile_abort(outfile *o);

#endif
