/* test_npy.c: the tests' .npy loader, on top of the library's strict reader
 * (common/npy_read.c), so that there is one reader. It also asserts what our
 * writer and NumPy's np.save promise for these files: format 1.0, '<f8', the
 * data 64-byte aligned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_npy_read.h"
#include "test_npy.h"

double *test_npy_read(const char *path, size_t *count, char *shape, size_t shape_size)
{
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_npy_open(&r, path, "", &e) == DDPM_OK, "%s", e.msg);
  ck_assert_msg(r.version == 1, "%s: not .npy 1.0", path);
  ck_assert_msg(strcmp(r.descr, "<f8") == 0, "%s: dtype '%s', want '<f8'", path, r.descr);
  ck_assert_msg(r.data_offset % 64 == 0, "%s: data not 64-byte aligned", path);
  ddpm_npy_shape_text(&r, shape, shape_size);
  double *v = malloc((size_t)r.count * sizeof *v + 1);
  ck_assert_ptr_nonnull(v);
  ck_assert_msg(ddpm_npy_read(&r, 0, r.count, v, &e) == DDPM_OK, "%s", e.msg);
  *count = (size_t)r.count;
  ddpm_npy_close(&r);
  return v;
}
