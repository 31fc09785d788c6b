/* draws.c: replayed draws from the user's .npy files (spec/ddpm_draws.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_draws.h"

static int shape_is(const ddpm_npy_reader *r, int ndim, const long long *shape)
{
  if (r->ndim != ndim) return 0;
  for (int q = 0; q < ndim; q++)
    if (r->shape[q] != shape[q]) return 0;
  return 1;
}

static int check_noise_shape(ddpm_draw_files *f, ddpm_err *e)
{
  const ddpm_run *run = f->run;
  long long all[3] = {run->steps + 1, run->n, run->d}, steps_only[3] = {run->steps, run->n, run->d};
  char got[96];
  ddpm_npy_shape_text(&f->noise, got, sizeof got);
  if (shape_is(&f->noise, 3, all)) f->noise_first = 0;
  else if (f->have_x_init && shape_is(&f->noise, 3, steps_only)) f->noise_first = 1;
  else
    return ddpm_fail(e, DDPM_EINPUT,
                     "--noise %s: shape %s, but this run needs (steps+1, n, d) = (%lld, %lld, "
                     "%lld)%s", f->noise.path, got, run->steps + 1, run->n, run->d,
                     f->have_x_init ? " or, with --x-init, (steps, n, d)" : "");
  return DDPM_OK;
}

int ddpm_draw_files_open(ddpm_draw_files *f, const ddpm_run *run, ddpm_err *e)
{
  memset(f, 0, sizeof *f);
  f->run = run;
  int rc = DDPM_OK;
  if (run->x_init_path) {
    if ((rc = ddpm_npy_open(&f->x_init, run->x_init_path, "--x-init", e)) != DDPM_OK) return rc;
    f->have_x_init = 1;
    long long shape[2] = {run->n, run->d};
    char got[96];
    if (!shape_is(&f->x_init, 2, shape)) {
      ddpm_npy_shape_text(&f->x_init, got, sizeof got);
      rc = ddpm_fail(e, DDPM_EINPUT, "--x-init %s: shape %s, but this run needs (n, d) = "
                     "(%lld, %lld)", run->x_init_path, got, run->n, run->d);
    }
  }
  if (rc == DDPM_OK && run->noise_path) {
    rc = ddpm_npy_open(&f->noise, run->noise_path, "--noise", e);
    if (rc == DDPM_OK) {
      f->have_noise = 1;
      rc = check_noise_shape(f, e);
    }
  }
  if (rc != DDPM_OK) ddpm_draw_files_close(f);
  return rc;
}

static int check_finite(ddpm_npy_reader *r, const char *what, long long draw, const double *row,
                        long long n, long long d, ddpm_err *e)
{
  for (long long q = 0; q < n * d; q++)
    if (!isfinite(row[q]))
      return ddpm_fail(e, DDPM_EINPUT, "%s %s: %s%lld, sample %lld, coordinate %lld is %g: "
                       "every value must be finite", what, r->path, draw >= 0 ? "draw " : "",
                       draw >= 0 ? draw : 0, q / d, q % d, row[q]);
  return DDPM_OK;
}

int ddpm_draw_files_validate(ddpm_draw_files *f, ddpm_err *e)
{
  const long long n = f->run->n, d = f->run->d;
  double *row = malloc((size_t)(n * d) * sizeof *row);
  if (!row) return ddpm_fail(e, DDPM_EINTERNAL, "replay: out of memory for one row of n d values");
  int rc = DDPM_OK;
  if (f->have_x_init) {
    rc = ddpm_npy_read(&f->x_init, 0, n * d, row, e);
    if (rc == DDPM_OK) rc = check_finite(&f->x_init, "--x-init", -1, row, n, d, e);
  }
  for (long long q = 0; f->have_noise && q < f->noise.shape[0] && rc == DDPM_OK; q++) {
    rc = ddpm_npy_read(&f->noise, q * n * d, n * d, row, e);
    if (rc == DDPM_OK) rc = check_finite(&f->noise, "--noise", q + f->noise_first, row, n, d, e);
  }
  free(row);
  return rc;
}

int ddpm_draw_files_row(ddpm_draw_files *f, long long r, double *row, int *from_file,
                        ddpm_err *e)
{
  const long long nd = f->run->n * f->run->d;
  *from_file = 0;
  if (r == 0 && f->have_x_init) {
    *from_file = 1;
    return ddpm_npy_read(&f->x_init, 0, nd, row, e);
  }
  if (f->have_noise && r >= f->noise_first) {
    *from_file = 1;
    return ddpm_npy_read(&f->noise, (r - f->noise_first) * nd, nd, row, e);
  }
  return DDPM_OK;
}

void ddpm_draw_files_close(ddpm_draw_files *f)
{
  if (f->have_noise) ddpm_npy_close(&f->noise);
  if (f->have_x_init) ddpm_npy_close(&f->x_init);
  f->have_noise = f->have_x_init = 0;
}
