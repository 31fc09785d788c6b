/* ref_vector.c: arrays of MPFR numbers, allocated and initialised at one
 * precision (ddpm_ref.h). */
#include <stdlib.h>

#include "ddpm_ref.h"

mpfr_t *ddpm_ref_vector_new(size_t len, mpfr_prec_t prec)
{
  mpfr_t *v = malloc(len * sizeof *v);
  if (v)
    for (size_t q = 0; q < len; q++) mpfr_init2(v[q], prec);
  return v;
}

void ddpm_ref_vector_free(mpfr_t *v, size_t len)
{
  if (!v) return;
  for (size_t q = 0; q < len; q++) mpfr_clear(v[q]);
  free(v);
}
