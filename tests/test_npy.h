/* test_npy.h: reads the '<f8' .npy files of the tests (ours and NumPy's). */
#ifndef DDPM_TEST_NPY_H
#define DDPM_TEST_NPY_H

#include <stddef.h>

/* Returns the values (malloc'd) and fills the shape string, e.g. "(51, 2, 3)";
 * fails the current test on a malformed file. */
double *test_npy_read(const char *path, size_t *count, char *shape, size_t shape_size);

#endif
