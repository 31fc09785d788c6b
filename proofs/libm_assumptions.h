/* proofs/libm_assumptions.h: what the proofs of the binary64 schedule
 * builders ASSUME about glibc's libm (x86-64). Not part of the build.
 *
 * proofs/run force-includes this file (-include) in the Frama-C runs on
 * fp/fp_schedule_{scaled_linear,cosine,li_yan,continuous,lcw}.c. It defines
 * __FC_MATH, the include guard of Frama-C's own math.h, so that <math.h> in
 * those files declares nothing more: the contracts below are the only facts
 * the proofs know about these functions. Each one is stated narrowly, on the
 * argument range the builders need (checked by WP at every call as a
 * precondition), and is justified by
 *   - the range of the mathematical function on that argument range, and
 *   - glibc's accuracy: sqrt is IEEE-754 correctly rounded (SSE2 sqrtsd);
 *     sin, cos, exp, expm1, log, log1p are faithful, i.e. within 1 ulp
 *     (glibc manual, "Errors in Math Functions": at most 1 ulp on x86_64),
 *     so a bound that is a double and holds strictly for the mathematical
 *     value with a margin of at least 1 ulp also holds for glibc's result;
 *   - fmin is exact (C11 F.10.9.2: the smaller argument, no rounding).
 * errno is not modelled: glibc may set errno (ERANGE when exp overflows);
 * the builders never read errno, so the values proved are unaffected.
 * Every clause is listed in proofs/report.md as an assumption (L1..L9; L9
 * replaces L1 in the integrator-bound proofs, see below). */
#ifndef DDPM_LIBM_ASSUMPTIONS_H
#define DDPM_LIBM_ASSUMPTIONS_H

#define __FC_MATH 1 /* Frama-C's math.h (and its contracts) is not used */

#ifndef DDPM_LIBM_SQRT_CR
/* L1 sqrt: correctly rounded and monotonic; sqrt(2^-20) = 2^-10,
   sqrt(2^-8) = 2^-4 exactly, sqrt(0.75) = 0.8660... < 0.87. */
/*@ requires sqrt_dom: \is_finite(x) && 0x1p-20 <= x <= 0x1.8p-1;
    assigns \nothing;
    ensures sqrt_rng: \is_finite(\result) && 0x1p-10 <= \result <= 0x1.bd70a3d70a3d7p-1;
    ensures sqrt_lo:  x <= 0x1p-8 ==> \result <= 0x1p-4;
    ensures sqrt_hi:  x >= 0x1p-8 ==> \result >= 0x1p-4;
*/
extern double sqrt(double x);
#else
#include "step.acsl" /* rnd64 */

/* L9 sqrt, used instead of L1 by the integrator-bound proofs only (proofs/run
   steps 9-12, which define DDPM_LIBM_SQRT_CR): IEEE-754 correct rounding,
   the property of x86-64's sqrtsd instruction, which glibc's sqrt is on
   x86-64: for every finite x >= 0 the result is the real square root of x
   rounded to the nearest binary64, ties to even (rnd64, spec/step.acsl; its
   meaning is given by proofs/step_fp.driver as Why3's Float64.round RNE).
   It implies L1 on L1's domain. */
/*@ requires sqrt_dom: \is_finite(x) && x >= 0.0;
    assigns \nothing;
    ensures sqrt_fin: \is_finite(\result);
    ensures sqrt_cr:  \result == rnd64(\sqrt(x));
*/
extern double sqrt(double x);
#endif

/* L2 sin: on [2^-30, 3.138671875] (inside (0, pi)), sin >= min(sin 2^-30,
   sin 3.138671875) = min(9.3e-10, 2.9e-3) > 2^-31 with a margin of far more
   than 1 ulp; sin <= 1 and 1 is a double. */
/*@ requires sin_dom: \is_finite(x) && 0x1p-30 <= x <= 0x1.91cp+1;
    assigns \nothing;
    ensures sin_rng: \is_finite(\result) && 0x1p-31 <= \result <= 1.0;
*/
extern double sin(double x);

/* L3 cos: on [0, 1.5703125] (below pi/2 by 4.8e-4), cos >= cos(1.5703125)
   = 4.8e-4 > 2^-12 = 2.4e-4; cos <= 1. */
/*@ requires cos_dom: \is_finite(x) && 0.0 <= x <= 0x1.92p0;
    assigns \nothing;
    ensures cos_rng: \is_finite(\result) && 0x1p-12 <= \result <= 1.0;
*/
extern double cos(double x);

#ifndef DDPM_LIBM_DERIVED
/* L4 log: on [2, 10000], log is in [0.6931, 9.2104] inside [0.6875, 9.25]. */
/*@ requires log_dom: \is_finite(x) && 2.0 <= x <= 10000.0;
    assigns \nothing;
    ensures log_rng: \is_finite(\result) && 0x1.6p-1 <= \result <= 0x1.28p3;
*/
extern double log(double x);

/* L5 log1p: on [2^-20, 1], x/2 <= x/(1+x) <= log1p(x) <= log 2 = 0.6931. */
/*@ requires log1p_dom: \is_finite(x) && 0x1p-20 <= x <= 1.0;
    assigns \nothing;
    ensures log1p_rng: \is_finite(\result) && 0x1p-21 <= \result <= 0x1.8p-1;
*/
extern double log1p(double x);
#else
/* The derived columns of fp/fp_schedule.c (proofs/run, step 13, which
   defines DDPM_LIBM_DERIVED) take log and log1p on other ranges: L10 and L11
   replace L4 and L5 there (no other function of that run calls them). */

/* L10 log: on (0, 1], i.e. [2^-1074, 1] for a double, log is in
   [log 2^-1074, 0] = [-744.44, 0]
   inside [-745, 0]; log(1) = +0 exactly (C11 F.10.3.7), and a faithful
   result of a value <= 0 is <= 0 (0 is a double). */
/*@ requires log_dom: \is_finite(x) && 0.0 < x <= 1.0;
    assigns \nothing;
    ensures log_rng: \is_finite(\result) && -745.0 <= \result <= 0.0;
*/
extern double log(double x);

/* L11 log1p: on [-1/2, 0], log1p is in [log 1/2, 0] = [-0.69315, 0] inside
   [-0.6934, 0] (0x1.63p-1 = 0.69336; log1p(-0.5) is more than 1 ulp away);
   log1p(+-0) = +-0 (C11 F.10.3.9). */
/*@ requires log1p_dom: \is_finite(x) && -0.5 <= x <= 0.0;
    assigns \nothing;
    ensures log1p_rng: \is_finite(\result) && -0x1.63p-1 <= \result <= 0.0;
*/
extern double log1p(double x);

/* INFINITY as Frama-C's own math.h defines it (not included here, see
   __FC_MATH above): a float +infinity. fp/fp_schedule.c stores it in
   snr[0]; nothing else is claimed about it. */
/*@ logic float __fc_infinity(integer x) = \plus_infinity; */
/*@ ensures result_is_infinity: \is_plus_infinity(\result);
    assigns \result \from \nothing;
*/
extern float __fc_infinity(int x);
#define INFINITY __fc_infinity(0)
#endif

/* L6 exp: for x >= -700, exp(x) >= exp(-700) = 9.86e-305 > 2^-1011 (normal),
   for x >= -600, exp(x) >= exp(-600) = 2^-865.6 > 2^-866 (lcw);
   the result is +infinity when exp(x) overflows (x > 709.78), finite
   otherwise; exp(x) <= 1 for x <= 0 (1 is a double); for x <= -2^-30,
   exp(x) <= 1 - 2^-31 < 1 - 2^-53. */
/*@ requires exp_dom: \is_finite(x) && -700.0 <= x <= 0x1p20;
    assigns \nothing;
    ensures exp_pos: \is_plus_infinity(\result) ||
                     (\is_finite(\result) && 0x1p-1011 <= \result);
    ensures exp_le1: x <= 0.0 ==> \is_finite(\result) && \result <= 1.0;
    ensures exp_lt1: x <= -0x1p-30 ==> \result <= 0x1.fffffffffffffp-1;
    ensures exp_600: -600.0 <= x <= 0.0 ==> 0x1p-866 <= \result;
*/
extern double exp(double x);

/* L7 expm1: on [-700, -2^-1000], -1 < expm1(x) <= x/2 (|expm1 x| >= |x|/2
   there) <= -2^-1001; for x >= -36, expm1(x) >= -1 + 2.3e-16, above the
   double -(1 - 2^-52) = -1 + 2.2e-16 and below its upper neighbour, so a
   faithful result is >= -(1 - 2^-52). */
/*@ requires expm1_dom: \is_finite(x) && -700.0 <= x <= -0x1p-1000;
    assigns \nothing;
    ensures expm1_rng: \is_finite(\result) && -1.0 <= \result <= -0x1p-1001;
    ensures expm1_gt:  x >= -36.0 ==> \result >= -0x1.ffffffffffffep-1;
*/
extern double expm1(double x);

/* L8 fmin (exact, C11 F.10.9.2): the smaller of x and y; with y finite and
   x not NaN, finite; fmin(+inf, y) = y. */
/*@ requires fmin_dom: !\is_NaN(x) && \is_finite(y);
    assigns \nothing;
    ensures fmin_fin: \is_finite(\result) && \result <= y;
    ensures fmin_sel: \result == y || (\is_finite(x) && \result == x);
    ensures fmin_x:   \is_finite(x) ==> \result <= x;
*/
extern double fmin(double x, double y);

#endif
