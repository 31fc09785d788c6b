/* npy.c: .npy output. The header is padded with spaces so that the data
 * starts on a 64-byte boundary, as NumPy's format 1.0 asks. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "npy.h"

static int io_fail(npy_writer *w, ddpm_err *e, const char *what)
{
  return ddpm_fail(e, DDPM_EINTERNAL, "%s: %s: %s", w->path, what, strerror(errno));
}

int npy_header(FILE *f, const long long *shape, int ndim, unsigned long long *count)
{
  char dict[256];
  int len = snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (");
  *count = 1;
  for (int q = 0; q < ndim; q++) {
    len += snprintf(dict + len, sizeof dict - (size_t)len, "%s%lld", q ? ", " : "", shape[q]);
    *count *= (unsigned long long)shape[q];
  }
  if (ndim == 1) len += snprintf(dict + len, sizeof dict - (size_t)len, ","); /* (5,) */
  len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
  size_t total = 10 + (size_t)len + 1; /* magic, version, length, dict, '\n' */
  size_t pad = (64 - total % 64) % 64;
  uint16_t hlen = (uint16_t)((size_t)len + pad + 1);
  unsigned char head[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                            (unsigned char)(hlen & 0xff), (unsigned char)(hlen >> 8)};
  fwrite(head, 1, sizeof head, f);
  fwrite(dict, 1, (size_t)len, f);
  for (size_t q = 0; q < pad; q++) fputc(' ', f);
  fputc('\n', f);
  return ferror(f) ? -1 : 0;
}

int npy_open(npy_writer *w, const char *path, const long long *shape, int ndim, ddpm_err *e)
{
  snprintf(w->path, sizeof w->path, "%s", path);
  w->written = 0;
  w->f = fopen(path, "wb");
  if (!w->f) return io_fail(w, e, "cannot create");
  if (npy_header(w->f, shape, ndim, &w->expected) != 0) return io_fail(w, e, "write failed");
  return DDPM_OK;
}

int npy_put(FILE *f, const double *v, size_t count)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return fwrite(v, sizeof *v, count, f) == count ? 0 : -1;
#else
  for (size_t q = 0; q < count; q++) { /* '<f8' is little-endian */
    unsigned char b[8];
    uint64_t bits;
    memcpy(&bits, &v[q], 8);
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(bits >> (8 * k));
    if (fwrite(b, 1, 8, f) != 8) return -1;
  }
  return 0;
#endif
}

int npy_write(npy_writer *w, const double *v, size_t count, ddpm_err *e)
{
  if (npy_put(w->f, v, count) != 0) return io_fail(w, e, "write failed");
  w->written += count;
  return DDPM_OK;
}

int npy_close(npy_writer *w, ddpm_err *e)
{
  if (!w->f) return DDPM_OK;
  int bad = ferror(w->f);
  int rc = fclose(w->f);
  w->f = NULL;
  if (bad || rc != 0) return io_fail(w, e, "write failed");
  if (w->written != w->expected)
    return ddpm_fail(e, DDPM_EINTERNAL, "%s: %llu of %llu values written", w->path,
                     w->written, w->expected);
  return DDPM_OK;
}

int npy_save(const char *path, const long long *shape, int ndim, const double *v, ddpm_err *e)
{
  npy_writer w;
  int rc = npy_open(&w, path, shape, ndim, e);
  if (rc == DDPM_OK) rc = npy_write(&w, v, (size_t)w.expected, e);
  int rc2 = npy_close(&w, rc == DDPM_OK ? e : NULL);
  return rc != DDPM_OK ? rc : rc2;
}
