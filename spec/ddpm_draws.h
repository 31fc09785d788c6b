/* ddpm_draws.h: replayed draws. A run's Gaussian draws normally come from
 * the Philox stream (DESIGN.md section 4); with --noise and --x-init they
 * come from a user's .npy files instead, and both engines use those binary64
 * values exactly.
 *
 * Draw r = 0 is the initial state Y_T, draw r = k the noise of reverse step
 * k. --noise holds draws 0..steps, shaped (steps+1, n, d); with --x-init,
 * which holds draw 0 shaped (n, d), --noise may instead hold draws 1..steps
 * only, shaped (steps, n, d) (a (steps+1, n, d) file's draw 0 is then
 * ignored). Values may be float64, float32 or float16 (converted exactly)
 * and must be finite. */
#ifndef DDPM_DRAWS_H
#define DDPM_DRAWS_H

#include "ddpm_model.h"
#include "ddpm_npy_read.h"

typedef struct {
  const ddpm_run *run;
  ddpm_npy_reader noise, x_init;
  int have_noise, have_x_init;
  long long noise_first; /* the draw the noise file's first row holds: 0 or 1 */
} ddpm_draw_files;

/* Opens the run's replay files (if any) and checks their shapes. */
int ddpm_draw_files_open(ddpm_draw_files *f, const ddpm_run *run, ddpm_err *e);

/* Reads every value once: refuses NaN and inf, naming draw, sample and
 * coordinate. */
int ddpm_draw_files_validate(ddpm_draw_files *f, ddpm_err *e);

/* row[0 .. n d - 1] <- draw r from the files, *from_file = 1; or, when the
 * files do not hold draw r, *from_file = 0 and row is untouched (the engine
 * draws from Philox). */
int ddpm_draw_files_row(ddpm_draw_files *f, long long r, double *row, int *from_file,
                        ddpm_err *e);

void ddpm_draw_files_close(ddpm_draw_files *f);

#endif
