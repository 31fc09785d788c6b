/* outdir.h: results are written to a staging directory beside the target
 * and renamed into place only when complete: never a partial output. */
#ifndef DDPM_OUTDIR_H
#define DDPM_OUTDIR_H

#include "ddpm_error.h"

typedef struct {
  char target[4096];  /* the directory the user asked for */
  char staging[8448]; /* where files are written meanwhile */
  int force;          /* replace an existing target */
} outdir;

/* Checks the target and creates the staging directory. */
int outdir_begin(outdir *o, const char *target, int force, ddpm_err *e);
/* Path of a file inside the staging directory. */
const char *outdir_path(const outdir *o, const char *name, char *buf, unsigned long size);
/* Renames the staging directory to the target. */
int outdir_commit(outdir *o, ddpm_err *e);
/* Removes the staging directory and everything in it. If e is not NULL,
 * its message names the target instead of the staging directory (which is
 * gone): "out/meta.json: write failed", not "./.out.partial-x1Y2z3/...". */
void outdir_abort(outdir *o, ddpm_err *e);

#endif
