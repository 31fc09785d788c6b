/* fp_error_bound.h: a-priori bounds on the fast path's error, per value,
 * derived in spec/maths.md ("Error of the fast path"). The differential
 * tests assert |fp - oracle| <= these bounds. */
#ifndef DDPM_FP_ERROR_BOUND_H
#define DDPM_FP_ERROR_BOUND_H

#include <stdint.h>

/* Assumed accuracy of the glibc functions the fast path still calls (exp,
 * expm1, log1p, log, cos in the schedules and the score; not the draws), in
 * ulps (glibc's manual lists at most 1 ulp on x86-64; we allow 2). */
#define LIBM_ULPS 2.0

/* The fast path's own log and sincos (fp/fp_boxmuller.c, derived there):
 * |log_fp U - ln U| <= FP_LOG_REL u |ln U| and sin, cos of 2 pi U within
 * FP_SINCOS_REL u of their value relative, u = 2^-53 (tests/check_noise.c
 * asserts both against MPFR). */
#define FP_LOG_REL 3.0
#define FP_SINCOS_REL 2.25

/* |z_fp - z| for the Gaussian draw built from the words (w1, w2). */
double fp_gaussian_error_bound(uint64_t w1, uint64_t w2, int use_sine);

/* |z_emu - z| for the audit's binary64 emulation of Box-Muller (ref/emu_sampler.c:
 * angle fl(fl(2 pi) U2), then correctly rounded log, sqrt, cos and sin). */
double emu_gaussian_error_bound(uint64_t w1, uint64_t w2, int use_sine);

/* |z_fp - z_oracle| for the fast path's draw z_fp: the oracle uses z
 * correctly rounded to binary64, half an ulp further, at most
 * 2^-53 (|z_fp| + the bound above). */
double fp_draw_vs_oracle_bound(uint64_t w1, uint64_t w2, int use_sine, double z_fp);

#endif
