/* ddpm_npy_read.h: a strict reader of NumPy .npy files (format versions 1.0,
 * 2.0 and 3.0), for the arrays users hand to ddpmref: replayed noise, initial
 * states and trajectories to verify.
 *
 * Accepted: C order, dtype float64, float32 or float16 in either byte order
 * ('<f8', '>f8', '<f4', '>f4', '<f2', '>f2'); values are converted to binary64
 * exactly (every float32 and float16 is a binary64). Everything else is
 * refused with a message naming the option, the file and the reason: bad
 * magic, a header that is not the dict NumPy writes, another dtype,
 * fortran_order True, more than DDPM_NPY_MAX_DIMS dimensions, a shape whose
 * byte count overflows, a file shorter (truncated) or longer (trailing
 * bytes) than its header says. Values are returned as stored: NaN and inf
 * are the caller's business. Reads are random-access by value offset, so a
 * caller holds one row at a time. */
#ifndef DDPM_NPY_READ_H
#define DDPM_NPY_READ_H

#include <stdio.h>

#include "ddpm_error.h"

#define DDPM_NPY_MAX_DIMS 4

typedef struct {
  FILE *f;
  char path[4096];
  char what[64];        /* the option the file came from, for messages */
  char descr[8];        /* as in the header, e.g. "<f8" */
  int ndim;
  long long shape[DDPM_NPY_MAX_DIMS];
  long long count;      /* product of the shape */
  int item_bytes;       /* 8, 4 or 2 */
  int big_endian;       /* the file's byte order */
  long long data_offset; /* bytes before the first value */
  int version;          /* format major version: 1, 2 or 3 */
  long long next;       /* value the file is positioned at (-1: unknown), to skip seeks */
} ddpm_npy_reader;

/* Opens and validates path; what names its option ("--noise"). Returns
 * DDPM_OK, DDPM_EINPUT for a missing, unreadable or malformed file (the
 * reader is then closed). Only regular files are accepted. */
int ddpm_npy_open(ddpm_npy_reader *r, const char *path, const char *what, ddpm_err *e);

/* out[0..count-1] <- values first .. first+count-1 (C order), as binary64.
 * DDPM_EINPUT if the range is outside the array or the read comes short
 * (the file changed), DDPM_EINTERNAL on an I/O error. */
int ddpm_npy_read(ddpm_npy_reader *r, long long first, long long count, double *out,
                  ddpm_err *e);

/* "(1001, 8, 2)": the shape as NumPy prints it. */
const char *ddpm_npy_shape_text(const ddpm_npy_reader *r, char *buf, unsigned long size);

void ddpm_npy_close(ddpm_npy_reader *r);

#endif
