/* ddpm_emu.h: the fast path's algorithm in an emulated floating-point format,
 * for `ddpmref audit` (spec/maths.md section 8).
 *
 * Every operation of the fast path (fp/) is repeated here in the same order
 * with MPFR, and belongs to one error source: the decimal input of a
 * parameter, the schedule and step coefficients, the noise transform
 * (uniform to Gaussian), the score, the update y' = a y + b s + c z. An
 * operation whose source is in the context's mask is rounded to the format
 * as an implementation in that format would round it (its precision, its
 * exponent range, subnormals, overflow to infinity); the others are
 * computed at a high precision P, exact for the audit's purpose. With the
 * empty mask the algorithm runs "exactly"; with one source it isolates that
 * source's error; with all of them it is the format's implementation. In
 * binary64 with every source, it reproduces the real fast path bit for bit
 * wherever the fast path uses only + - * / and sqrt (its libm calls, log,
 * cos, expm1, log1p, exp, are correctly rounded here, within glibc's ulp
 * there). The noise transform is the textbook Box-Muller, angle fl(2 pi) U2
 * and correctly rounded log, cos, sin, as a user's implementation in the
 * format would be; the fast path's own (fp/fp_boxmuller.c) reduces the angle
 * exactly, so in binary64 their draws differ within the sum of the two
 * a-priori bounds (tests/check_emu_sampler.c). */
#ifndef DDPM_EMU_H
#define DDPM_EMU_H

#include <mpfr.h>

#include "ddpm_error.h"
#include "ddpm_model.h"
#include "ddpm_ref.h"

/* A binary interchange format: precision and MPFR exponent range
 * (x = m 2^e, 1/2 <= |m| < 1: emin is the exponent of the least subnormal,
 * emax that of the largest finite number). */
typedef struct {
  const char *name;
  mpfr_prec_t prec;
  mpfr_exp_t emin, emax;
} ddpm_fmt;

/* binary64, binary32, binary16, bfloat16; NULL for any other name. */
const ddpm_fmt *ddpm_fmt_by_name(const char *name);

enum ddpm_source {
  DDPM_SRC_INPUT = 0, /* decimal text of a parameter to the format */
  DDPM_SRC_SCHEDULE,  /* schedule columns and the step coefficients a, b, c */
  DDPM_SRC_NOISE,     /* uniforms to Gaussian (Box-Muller), or a replayed draw */
  DDPM_SRC_SCORE,     /* the target's score at the state */
  DDPM_SRC_UPDATE,    /* y' = a y + b s + c z and its rounding to the format */
  DDPM_SRC_COUNT
};
#define DDPM_SRC_ALL ((1u << DDPM_SRC_COUNT) - 1u)
const char *ddpm_source_name(int src); /* "input", "schedule", ... */

/* What a format run meets: counts, and where each kind first happened. */
enum ddpm_event {
  DDPM_EV_OVERFLOW = 0, /* a finite exact result beyond the format: +-inf */
  DDPM_EV_UNDERFLOW,    /* a nonzero result rounded to a subnormal or to 0 */
  DDPM_EV_ABAR_ONE,     /* abar_t (t >= 1) rounded to 1 */
  DDPM_EV_OMA_ZERO,     /* 1 - abar_t (t >= 1) rounded to 0 */
  DDPM_EV_DIV_ZERO,     /* a division by zero */
  DDPM_EV_INVALID,      /* a NaN */
  DDPM_EV_COUNT
};
const char *ddpm_event_name(int ev);

typedef struct {
  long long count[DDPM_EV_COUNT];
  long long first_step[DDPM_EV_COUNT]; /* -1: never; 0: the schedule or initial draw */
  char first_what[DDPM_EV_COUNT][64];  /* the quantity, e.g. "abar[1]" */
} ddpm_emu_events;

void ddpm_emu_events_init(ddpm_emu_events *ev);

/* An arithmetic context. Results are mpfr_t initialised at precision P
 * (>= the format's); a result rounded to the format is held exactly. */
typedef struct {
  const ddpm_fmt *fmt;
  unsigned mask;        /* sources rounded to the format */
  mpfr_prec_t prec;     /* P */
  ddpm_emu_events *ev;  /* NULL: record nothing */
  long long step;       /* the step events are charged to */
  mpfr_t t;             /* scratch at the format's precision */
} ddpm_emu;

void ddpm_emu_init(ddpm_emu *c, const ddpm_fmt *fmt, unsigned mask, mpfr_prec_t prec,
                   ddpm_emu_events *ev);
void ddpm_emu_clear(ddpm_emu *c);

/* r <- op(a[, b]) for source src: rounded to the format if src is in the
 * mask (events recorded under the label what), else at P. r may alias a or b. */
void ddpm_emu_set(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_set_d(ddpm_emu *c, int src, const char *what, mpfr_t r, double a);
void ddpm_emu_set_str(ddpm_emu *c, int src, const char *what, mpfr_t r, const char *decimal);
void ddpm_emu_add(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b);
void ddpm_emu_sub(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b);
void ddpm_emu_mul(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b);
void ddpm_emu_div(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b);
void ddpm_emu_sqrt(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_log(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_log1p(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_exp(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_expm1(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_sin(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
void ddpm_emu_cos(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a);
/* Records an event of the current step (abar rounding to 1 and the like,
 * which only the caller can recognise). */
void ddpm_emu_event(ddpm_emu *c, int ev, const char *what);

/* ---- the fast path's schedule in the context's arithmetic (emu_schedule.c) */

/* Fills s (columns 0..T at c's precision P, as ddpm_ref_schedule_build
 * allocates them; release with ddpm_ref_schedule_free) with the fast path's
 * schedule computed as fp/fp_schedule*.c compute it, operation by operation:
 * decimal parameters under DDPM_SRC_INPUT, everything else under
 * DDPM_SRC_SCHEDULE. Events: abar_t rounding to 1 and 1 - abar_t to 0 (t >= 1),
 * and the arithmetic's own, charged to step 0. The snr and log_abar columns
 * are filled as the fast path fills them. */
int ddpm_emu_schedule_build(const ddpm_spec *spec, ddpm_emu *c, ddpm_ref_schedule *s,
                            ddpm_err *e);

/* beta_jump, alpha_jump for the jump t -> p (0 <= p < t), as ddpm_fp_jump,
 * under DDPM_SRC_SCHEDULE (initialised by the caller at P). */
void ddpm_emu_jump(ddpm_emu *c, const ddpm_ref_schedule *s, long long t, long long p,
                   mpfr_t beta_jump, mpfr_t alpha_jump);

/* ---- the fast path's sampler in the context's arithmetic (emu_sampler.c) */

typedef struct ddpm_emu_sampler ddpm_emu_sampler;

/* Builds the schedule (as fp/fp_schedule*.c) and plans every step (as
 * fp/fp_sampler.c, fp/fp_coeffs.c) in c's arithmetic; c must outlive the
 * sampler. Fails as the fast path would (exit 2) on a run it refuses. */
int ddpm_emu_sampler_new(const ddpm_run *run, ddpm_emu *c, ddpm_emu_sampler **out,
                         ddpm_err *e);
void ddpm_emu_sampler_free(ddpm_emu_sampler *s);

/* y[0..d-1] <- the initial state of sample i (draw 0: Box-Muller as
 * fp/fp_noise.c, or the replayed value), in c's arithmetic. */
int ddpm_emu_initial(ddpm_emu_sampler *s, long long i, mpfr_t *y, ddpm_err *e);

/* y_out <- reverse step k (1..steps) of sample i from y_in (d values each;
 * y_out may not alias y_in), as fp/fp_sampler.c's step, in c's arithmetic. */
int ddpm_emu_step(ddpm_emu_sampler *s, long long k, long long i, mpfr_t *y_in, mpfr_t *y_out,
                  ddpm_err *e);

#endif
