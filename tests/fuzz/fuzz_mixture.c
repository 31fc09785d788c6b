/* fuzz_mixture.c: libFuzzer harness for the JSON target reader
 * (common/mixture.c): gmm:FILE, and on a one-component file gauss:FILE
 * through the spec parser and ddpm_mixture_from_spec, as the engines do. */
#include <math.h>
#include <string.h>

#include "ddpm_mixture.h"
#include "ddpm_model.h"
#include "fuzz_file.h"

static void check_valid(const ddpm_mixture *m)
{
  FUZZ_ASSERT(m->K >= 1 && m->K <= DDPM_MIX_K_MAX);
  FUZZ_ASSERT(m->d >= 1 && m->d <= DDPM_D_MAX && m->K * m->d <= DDPM_MIX_KD_MAX);
  for (long long k = 0; k < m->K; k++) {
    FUZZ_ASSERT(m->weight_text[k] && ddpm_decimal_text_ok(m->weight_text[k]));
    FUZZ_ASSERT(isfinite(m->weight[k]) && m->weight[k] > 0.0);
  }
  for (long long i = 0; i < m->K * m->d; i++) {
    FUZZ_ASSERT(m->mean_text[i] && ddpm_decimal_text_ok(m->mean_text[i]));
    FUZZ_ASSERT(m->var_text[i] && ddpm_decimal_text_ok(m->var_text[i]));
    FUZZ_ASSERT(isfinite(m->mean[i]) && isfinite(m->var[i]) && m->var[i] > 0.0);
  }
  FUZZ_ASSERT(isfinite(m->weight_sum) && m->weight_sum > 0.0);
}

static int is_zeroed(const ddpm_mixture *m)
{
  static const ddpm_mixture zero;
  return memcmp(m, &zero, sizeof zero) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = fuzz_file(data, size);
  ddpm_mixture m;
  ddpm_err e = {{0}};
  int rc = ddpm_mixture_read(path, "target", "gmm", &m, &e);
  if (rc != DDPM_OK) {
    FUZZ_ASSERT(rc == DDPM_EINPUT || rc == DDPM_EINTERNAL);
    FUZZ_ASSERT(e.msg[0] != '\0' && strchr(e.msg, '\n') == NULL);
    FUZZ_ASSERT(is_zeroed(&m));
    return 0;
  }
  check_valid(&m);
  long long K = m.K, d = m.d;
  ddpm_mixture_free(&m);
  FUZZ_ASSERT(is_zeroed(&m));

  /* the spec forms: gauss:FILE takes exactly one component */
  char spec[128];
  snprintf(spec, sizeof spec, "%s:%s", K == 1 ? "gauss" : "gmm", path);
  ddpm_spec s;
  rc = ddpm_spec_parse(DDPM_FAMILY_TARGET, spec, &s, &e);
  FUZZ_ASSERT(rc == DDPM_OK);
  FUZZ_ASSERT(ddpm_target_dim(&s) == d);
  rc = ddpm_mixture_from_spec(&s, &m, &e);
  FUZZ_ASSERT(rc == DDPM_OK && m.K == K && m.d == d);
  check_valid(&m);
  ddpm_mixture_free(&m);
  if (K > 1) {
    snprintf(spec, sizeof spec, "gauss:%s", path);
    FUZZ_ASSERT(ddpm_spec_parse(DDPM_FAMILY_TARGET, spec, &s, &e) == DDPM_EINPUT);
  }
  return 0;
}
