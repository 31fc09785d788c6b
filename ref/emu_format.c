/* emu_format.c: arithmetic of an emulated binary format (ddpm_emu.h).
 *
 * One rounding per operation, as hardware does it: MPFR computes the result
 * correctly rounded to the format's precision inside the format's exponent
 * range, then mpfr_subnormalize, given the first rounding's ternary value,
 * rounds it again to the subnormal grid without double-rounding errors
 * (MPFR manual, "Exception Related Functions"). The global exponent range is
 * set for the operation only and restored after it. */
#include <stdio.h>
#include <string.h>

#include "ddpm_emu.h"

static const ddpm_fmt formats[] = {
  {"binary64", 53, -1073, 1024},
  {"binary32", 24, -148, 128},
  {"binary16", 11, -23, 16},
  {"bfloat16", 8, -132, 128},
};

const ddpm_fmt *ddpm_fmt_by_name(const char *name)
{
  for (size_t q = 0; q < sizeof formats / sizeof *formats; q++)
    if (strcmp(formats[q].name, name) == 0) return &formats[q];
  return NULL;
}

const char *ddpm_source_name(int src)
{
  static const char *const names[DDPM_SRC_COUNT] = {"input", "schedule", "noise", "score",
                                                    "update"};
  return src >= 0 && src < DDPM_SRC_COUNT ? names[src] : "?";
}

const char *ddpm_event_name(int ev)
{
  static const char *const names[DDPM_EV_COUNT] = {"overflow", "underflow", "abar rounds to 1",
                                                   "1 - abar rounds to 0", "division by zero",
                                                   "NaN"};
  return ev >= 0 && ev < DDPM_EV_COUNT ? names[ev] : "?";
}

void ddpm_emu_events_init(ddpm_emu_events *ev)
{
  memset(ev, 0, sizeof *ev);
  for (int q = 0; q < DDPM_EV_COUNT; q++) ev->first_step[q] = -1;
}

void ddpm_emu_init(ddpm_emu *c, const ddpm_fmt *fmt, unsigned mask, mpfr_prec_t prec,
                   ddpm_emu_events *ev)
{
  c->fmt = fmt;
  c->mask = mask;
  c->prec = prec;
  c->ev = ev;
  c->step = 0;
  mpfr_init2(c->t, fmt->prec);
}

void ddpm_emu_clear(ddpm_emu *c) { mpfr_clear(c->t); }

void ddpm_emu_event(ddpm_emu *c, int ev, const char *what)
{
  if (!c->ev) return;
  if (c->ev->count[ev]++ == 0) {
    c->ev->first_step[ev] = c->step;
    snprintf(c->ev->first_what[ev], sizeof c->ev->first_what[ev], "%s", what);
  }
}

/* What rounding to the format did to a result whose exact value is
 * nonzero and finite (inexact tells whether it moved at all). */
static void note_rounding(ddpm_emu *c, const char *what, int exact_nonzero, int inexact)
{
  if (mpfr_divby0_p()) ddpm_emu_event(c, DDPM_EV_DIV_ZERO, what);
  if (mpfr_nan_p(c->t)) ddpm_emu_event(c, DDPM_EV_INVALID, what);
  else if (mpfr_inf_p(c->t) && mpfr_overflow_p()) ddpm_emu_event(c, DDPM_EV_OVERFLOW, what);
  else if (exact_nonzero && inexact &&
           (mpfr_zero_p(c->t) || mpfr_get_exp(c->t) < c->fmt->emin + (mpfr_exp_t)c->fmt->prec - 1))
    ddpm_emu_event(c, DDPM_EV_UNDERFLOW, what);
}

typedef int (*op2)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);
typedef int (*op1)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

/* Runs one operation in the format into c->t, then copies it to r. */
static void in_format(ddpm_emu *c, const char *what, mpfr_t r, op1 f1, op2 f2, mpfr_srcptr a,
                      mpfr_srcptr b)
{
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  mpfr_set_emin(c->fmt->emin);
  mpfr_set_emax(c->fmt->emax);
  mpfr_clear_flags();
  int tern = f2 ? f2(c->t, a, b, MPFR_RNDN) : f1(c->t, a, MPFR_RNDN);
  tern = mpfr_check_range(c->t, tern, MPFR_RNDN);
  tern = mpfr_subnormalize(c->t, tern, MPFR_RNDN);
  int exact_nonzero = !(mpfr_zero_p(c->t) && tern == 0);
  note_rounding(c, what, exact_nonzero, tern != 0 || mpfr_underflow_p());
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  mpfr_set(r, c->t, MPFR_RNDN); /* exact: prec(r) >= the format's */
}

static void apply(ddpm_emu *c, int src, const char *what, mpfr_t r, op1 f1, op2 f2,
                  mpfr_srcptr a, mpfr_srcptr b)
{
  if (c->mask & (1u << src)) in_format(c, what, r, f1, f2, a, b);
  else if (f2) f2(r, a, b, MPFR_RNDN);
  else f1(r, a, MPFR_RNDN);
}

void ddpm_emu_set(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{
  apply(c, src, what, r, mpfr_set, NULL, a, NULL);
}

void ddpm_emu_set_d(ddpm_emu *c, int src, const char *what, mpfr_t r, double a)
{
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_d(x, a, MPFR_RNDN); /* exact */
  ddpm_emu_set(c, src, what, r, x);
  mpfr_clear(x);
}

void ddpm_emu_set_str(ddpm_emu *c, int src, const char *what, mpfr_t r, const char *decimal)
{
  if (!(c->mask & (1u << src))) {
    mpfr_set_str(r, decimal, 10, MPFR_RNDN);
    return;
  }
  /* the text read straight into the format: one correct rounding */
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  mpfr_set_emin(c->fmt->emin);
  mpfr_set_emax(c->fmt->emax);
  mpfr_clear_flags();
  int tern = mpfr_strtofr(c->t, decimal, NULL, 10, MPFR_RNDN); /* ternary, unlike set_str */
  tern = mpfr_check_range(c->t, tern, MPFR_RNDN);
  tern = mpfr_subnormalize(c->t, tern, MPFR_RNDN);
  note_rounding(c, what, !(mpfr_zero_p(c->t) && tern == 0), tern != 0);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  mpfr_set(r, c->t, MPFR_RNDN);
}

void ddpm_emu_add(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b)
{ apply(c, src, what, r, NULL, mpfr_add, a, b); }
void ddpm_emu_sub(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b)
{ apply(c, src, what, r, NULL, mpfr_sub, a, b); }
void ddpm_emu_mul(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b)
{ apply(c, src, what, r, NULL, mpfr_mul, a, b); }
void ddpm_emu_div(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a, mpfr_srcptr b)
{ apply(c, src, what, r, NULL, mpfr_div, a, b); }
void ddpm_emu_sqrt(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_sqrt, NULL, a, NULL); }
void ddpm_emu_log(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_log, NULL, a, NULL); }
void ddpm_emu_log1p(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_log1p, NULL, a, NULL); }
void ddpm_emu_exp(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_exp, NULL, a, NULL); }
void ddpm_emu_expm1(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_expm1, NULL, a, NULL); }
void ddpm_emu_sin(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_sin, NULL, a, NULL); }
void ddpm_emu_cos(ddpm_emu *c, int src, const char *what, mpfr_t r, mpfr_srcptr a)
{ apply(c, src, what, r, mpfr_cos, NULL, a, NULL); }
