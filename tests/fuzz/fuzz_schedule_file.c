/* fuzz_schedule_file.c: libFuzzer harness for the file:PATH schedule reader
 * (common/schedule_file.c), directly and through the spec parser's load. */
#include <stdlib.h>
#include <string.h>

#include "ddpm_model.h"
#include "ddpm_schedule_file.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = fuzz_file(data, size);
  char **lines = NULL;
  long long T = -1;
  ddpm_err e = {{0}};
  int rc = ddpm_schedule_file_read(path, &lines, &T, &e);
  if (rc != DDPM_OK) {
    FUZZ_ASSERT(rc == DDPM_EINPUT);
    FUZZ_ASSERT(e.msg[0] != '\0');
    return 0;
  }
  FUZZ_ASSERT(T >= 2 && T <= DDPM_T_MAX);
  for (long long t = 0; t < T; t++) {
    FUZZ_ASSERT(ddpm_decimal_text_ok(lines[t]));
    double beta = strtod(lines[t], NULL);
    FUZZ_ASSERT(beta > 0.0 && beta < 1.0);
  }
  ddpm_schedule_file_free(lines, T);

  /* the spec form reads it again and keeps T */
  char spec[128];
  snprintf(spec, sizeof spec, "file:%s", path);
  ddpm_spec s;
  rc = ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, spec, &s, &e);
  FUZZ_ASSERT(rc == DDPM_OK);
  FUZZ_ASSERT(ddpm_schedule_T(&s) == T);
  FUZZ_ASSERT(strcmp(s.canonical, spec) == 0);
  return 0;
}
