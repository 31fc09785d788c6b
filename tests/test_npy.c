/* test_npy.c: minimal .npy reader for the tests: version 1.0, '<f8', C order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "test_npy.h"

double *test_npy_read(const char *path, size_t *count, char *shape, size_t shape_size)
{
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "%s: cannot open", path);
  unsigned char head[10];
  ck_assert_int_eq(fread(head, 1, 10, f), 10);
  ck_assert_msg(memcmp(head, "\x93NUMPY\x01\x00", 8) == 0, "%s: not .npy 1.0", path);
  size_t hlen = head[8] | (size_t)head[9] << 8;
  ck_assert_msg((10 + hlen) % 64 == 0, "%s: data not 64-byte aligned", path);
  char dict[1024] = {0};
  ck_assert(hlen < sizeof dict);
  ck_assert_int_eq(fread(dict, 1, hlen, f), hlen);
  ck_assert_msg(strstr(dict, "'descr': '<f8'") && strstr(dict, "'fortran_order': False"),
                "%s: header %s", path, dict);
  const char *open = strstr(dict, "'shape': (");
  ck_assert_ptr_nonnull(open);
  open += 9;
  const char *close = strchr(open, ')');
  snprintf(shape, shape_size, "%.*s", (int)(close - open + 1), open);
  size_t n = 1;
  for (const char *p = open + 1; p < close;) {
    char *end;
    n *= strtoull(p, &end, 10);
    p = end;
    while (p < close && (*p == ',' || *p == ' ')) p++;
  }
  double *v = malloc(n * sizeof *v + 1);
  ck_assert_int_eq(fread(v, sizeof *v, n, f), n);
  ck_assert_msg(fgetc(f) == EOF, "%s: trailing bytes", path);
  fclose(f);
  *count = n;
  return v;
}
