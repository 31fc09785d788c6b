/* ddpm_ulps.h: distances between binary64 numbers. */
#ifndef DDPM_ULPS_H
#define DDPM_ULPS_H

/* The number of binary64 values from a to b (0 when equal, 1 for
 * neighbours; +0 and -0 count as neighbours). Both must be finite. */
double ddpm_ulps_between(double a, double b);

#endif
