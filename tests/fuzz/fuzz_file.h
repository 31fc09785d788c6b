/* fuzz_file.h: the readers under fuzzing take a path; this puts the input
 * in a memfd (an anonymous regular file, no disk) and names it through
 * /proc/self/fd, so the product's one code path (fopen, fstat, fread) runs
 * on exactly the fuzzer's bytes. memfd_create needs -D_GNU_SOURCE. */
#ifndef DDPM_FUZZ_FILE_H
#define DDPM_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file holding data[0..size-1]; one memfd, rewritten each call. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("ddpm-fuzz", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0) abort();
  size_t done = 0;
  while (done < size) {
    ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
    if (w <= 0) abort();
    done += (size_t)w;
  }
  return path;
}

/* A failed check of the harness's own: a crash that libFuzzer reports. */
#define FUZZ_ASSERT(cond)                                                          \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", __FILE__, __LINE__, #cond); \
      abort();                                                                     \
    }                                                                              \
  } while (0)

#endif
