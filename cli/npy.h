/* npy.h: streaming writer of NumPy .npy files (format 1.0, '<f8', C order). */
#ifndef DDPM_NPY_H
#define DDPM_NPY_H

#include <stddef.h>
#include <stdio.h>

#include "ddpm_error.h"

#define NPY_MAX_DIMS 4

typedef struct {
  FILE *f;
  char path[4096];
  unsigned long long expected, written; /* values */
} npy_writer;

/* Writes the header of an array of the given shape to f; *count gets the
 * number of values. Returns 0, or -1 on a write error. */
int npy_header(FILE *f, const long long *shape, int ndim, unsigned long long *count);
/* Appends count values to f as '<f8' whatever the host's byte order;
 * returns 0, or -1 on a write error. */
int npy_put(FILE *f, const double *v, size_t count);
/* Opens path and writes the header for an array of the given shape. */
int npy_open(npy_writer *w, const char *path, const long long *shape, int ndim, ddpm_err *e);
/* Appends count values in C order. */
int npy_write(npy_writer *w, const double *v, size_t count, ddpm_err *e);
/* Closes the file; fails if fewer values than the shape holds were written
 * or if the data did not reach the disk. */
int npy_close(npy_writer *w, ddpm_err *e);
/* Whole array in one call. */
int npy_save(const char *path, const long long *shape, int ndim, const double *v, ddpm_err *e);

#endif
