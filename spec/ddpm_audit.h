/* ddpm_audit.h: where a sampler's floating-point error comes from
 * (spec/maths.md section 8).
 *
 * The fast path's algorithm runs in an emulated format F (ddpm_emu.h) three
 * ways: exactly (reference Y*), with one error source at a time in F, and
 * wholly in F (the implementation, Y^F). Per step k and source S:
 *   local  l_S,k = step_S(RN_F(Y*_{k-1})) - step_exact(RN_F(Y*_{k-1})),
 *   carried D_S,k = [step_exact(Y*_{k-1} + D_S,k-1) - Y*_k] + l_S,k,
 * i.e. each source's errors injected where they arise and carried through
 * the exact dynamics of the later steps. The observed global error
 * E_k = Y^F_k - Y*_k is compared with their sum; the residual
 * R_k = E_k - sum_S D_S,k (interactions between sources) is reported, never
 * hidden. In binary64 the real fast path's own error is reported too. */
#ifndef DDPM_AUDIT_H
#define DDPM_AUDIT_H

#include "ddpm_emu.h"

/* Per row k = 0..steps. Errors are in ulps of F at the row's scale (the
 * largest |Y*_k| of the row): "scaled ulps"; rel = mean of |error|/|Y*| over
 * the row's nonzero values. */
typedef struct {
  const ddpm_fmt *fmt;
  long long rows;
  double *local[DDPM_SRC_COUNT], *local_rel[DDPM_SRC_COUNT];
  double *carried[DDPM_SRC_COUNT]; /* max |D_S,k| */
  double *propagated;              /* max |sum_S (D_S,k - l_S,k)|: earlier steps' errors */
  double *global, *global_rel;     /* max |E_k| */
  double *residual;                /* max |R_k| */
  double *fastpath;                /* binary64: the real fast path's max error; else NULL */
  double *scale;                   /* the row's largest |Y*_k| */
  /* the last row's error split by projection: share_S = <D_S, E>/<E, E>,
   * residual_share = <R, E>/<E, E>; they sum to 1 */
  double share[DDPM_SRC_COUNT], residual_share;
  /* and by size: ||D_S|| / sum_S' ||D_S'|| (robust where rounding errors,
   * being random-like, make the projection noisy) */
  double size_share[DDPM_SRC_COUNT];
  double final_norm;               /* ||E_steps||_2 over the row */
  unsigned sources;                /* the sources the F implementation rounds */
  ddpm_emu_events events;          /* what the F implementation met */
} ddpm_audit;

/* Called after each row with the number of rows done, for progress. */
typedef void (*ddpm_audit_progress)(void *ctx, long long rows_done);

/* sources: the mask of sources the F implementation computes in F (the
 * others exact): DDPM_SRC_ALL for the real thing, fewer for what-ifs. */
int ddpm_audit_run(const ddpm_run *run, const ddpm_fmt *fmt, unsigned sources, mpfr_prec_t prec,
                   ddpm_audit_progress progress, void *ctx, ddpm_audit *out, ddpm_err *e);
void ddpm_audit_free(ddpm_audit *a);

#endif
