/* ulps.c: distances in ulps, by the order-preserving map of bit patterns. */
#include <stdint.h>
#include <string.h>

#include "ddpm_ulps.h"

double ddpm_ulps_between(double a, double b)
{
  int64_t ia, ib;
  memcpy(&ia, &a, 8);
  memcpy(&ib, &b, 8);
  if (ia < 0) ia = INT64_MIN - ia; /* negative numbers: reverse their order */
  if (ib < 0) ib = INT64_MIN - ib;
  return ia > ib ? (double)((uint64_t)ia - (uint64_t)ib) : (double)((uint64_t)ib - (uint64_t)ia);
}
