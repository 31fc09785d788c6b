/* Eva entry point for ddpm_fp_linear_fill (fp/fp_schedule_linear.c).
 *
 * Covers the whole precondition box of the contract in spec/ddpm_fp.h:
 *   T    in [2, DDPM_LINEAR_PROVED_TMAX]          (every integer)
 *   bmin in [0x1p-17, 0x1p-10]                    (every binary64)
 *   bmax in [0x1p-10, 0x1.999999999999ap-5]       (every binary64; = (double)0.05)
 * with beta and abar two separated arrays of T+1 doubles. Eva then proves,
 * over all of it, the properties named eva_* (eva_frac, eva_prod_lb) and the
 * absence of runtime errors; WP takes the eva_* properties as hypotheses.
 * Analysed with -cpp-extra-args=-DEVA (the quantified WP-only loop
 * invariants and assertions are hidden from Eva). Not part of the build. */
#include "__fc_builtin.h"
#include "ddpm_fp.h"

static double beta_buf[DDPM_LINEAR_PROVED_TMAX + 1];
static double abar_buf[DDPM_LINEAR_PROVED_TMAX + 1];

void eva_main(void)
{
  int T = Frama_C_interval(2, DDPM_LINEAR_PROVED_TMAX);
  double bmin = Frama_C_double_interval(0x1p-17, 0x1p-10);
  double bmax = Frama_C_double_interval(0x1p-10, 0x1.999999999999ap-5);
  ddpm_fp_linear_fill(T, bmin, bmax, beta_buf, abar_buf);
}
