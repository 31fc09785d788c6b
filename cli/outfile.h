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

/* The exit status for an output that could not be created, from its errno:
 * the environment's fault (a full disk, a quota, too many open files, an I/O
 * error, memory) is DDPM_EINTERNAL; the path's (missing, not a directory,
 * not writable, read-only) DDPM_EINPUT. */
int output_create_status(int err);

#endif
