/* fuzz_npy.c: libFuzzer harness for the strict .npy reader
 * (common/npy_read.c): open, then reads in chunks, at the end and past it. */
#include <math.h>
#include <string.h>

#include "ddpm_npy_read.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = fuzz_file(data, size);
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  int rc = ddpm_npy_open(&r, path, "--noise", &e);
  if (rc != DDPM_OK) {
    FUZZ_ASSERT(rc == DDPM_EINPUT);
    FUZZ_ASSERT(e.msg[0] != '\0');
    return 0;
  }
  /* a valid header: the shape's product is the count, and the data are
   * exactly the rest of the file */
  FUZZ_ASSERT(r.ndim >= 0 && r.ndim <= DDPM_NPY_MAX_DIMS);
  long long count = 1;
  for (int i = 0; i < r.ndim; i++) {
    FUZZ_ASSERT(r.shape[i] >= 0);
    count *= r.shape[i];
  }
  FUZZ_ASSERT(count == r.count);
  FUZZ_ASSERT(r.item_bytes == 8 || r.item_bytes == 4 || r.item_bytes == 2);
  FUZZ_ASSERT(r.data_offset > 0 && (size_t)r.data_offset <= size);
  FUZZ_ASSERT((size_t)r.data_offset + (size_t)r.count * (size_t)r.item_bytes == size);
  FUZZ_ASSERT(r.version >= 1 && r.version <= 3);

  char shape[128];
  FUZZ_ASSERT(ddpm_npy_shape_text(&r, shape, sizeof shape) != NULL);

  double buf[64];
  long long shown = r.count < 512 ? r.count : 512;
  for (long long first = 0; first < shown; first += 7) {
    long long n = shown - first < 7 ? shown - first : 7;
    FUZZ_ASSERT(ddpm_npy_read(&r, first, n, buf, &e) == DDPM_OK);
  }
  if (r.count > 0) {
    /* random access: the last value, then the first again */
    FUZZ_ASSERT(ddpm_npy_read(&r, r.count - 1, 1, buf, &e) == DDPM_OK);
    FUZZ_ASSERT(ddpm_npy_read(&r, 0, 1, buf + 1, &e) == DDPM_OK);
    FUZZ_ASSERT(r.count > 1 || memcmp(&buf[0], &buf[1], sizeof buf[0]) == 0);
  }
  /* outside the array: refused, not read */
  FUZZ_ASSERT(ddpm_npy_read(&r, r.count, 1, buf, &e) == DDPM_EINPUT);
  FUZZ_ASSERT(ddpm_npy_read(&r, -1, 1, buf, &e) == DDPM_EINPUT);
  ddpm_npy_close(&r);
  return 0;
}
