/* ddpm_fp_affine.h: the coefficients of one affine reverse step,
 * y' = a y + b s + c z (spec/maths.md section 4). Its own header so that
 * ddpm_fp.h need not pull in the step kernel (ddpm_fp_step.h), whose static
 * inline body would otherwise appear, unreachable, in every analysis of a
 * file that includes ddpm_fp.h. */
#ifndef DDPM_FP_AFFINE_H
#define DDPM_FP_AFFINE_H

typedef struct {
  double a, b, c; /* y' = a y + b s + c z */
} ddpm_fp_affine;

#endif
