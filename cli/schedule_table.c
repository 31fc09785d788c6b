/* schedule_table.c: a schedule's table as CSV or .npy (schedule_table.h). */
#include <stdio.h>

#include "ddpm_ulps.h"
#include "npy.h"
#include "schedule_table.h"

const char *const schedule_col_names[NCOL] = {"beta", "alpha", "abar", "1-abar", "betatilde",
                                      "snr", "log_abar", "sqrt_abar", "sqrt_1-abar"};

static double fp_col(const ddpm_fp_schedule *s, int c, long long t)
{
  const double *cols[NCOL] = {s->beta, s->alpha, s->abar, s->oma, s->btilde, s->snr,
                              s->log_abar, s->sqrt_abar, s->sqrt_oma};
  return cols[c][t];
}

static mpfr_srcptr ref_col(const ddpm_ref_schedule *s, int c, long long t)
{
  mpfr_t *cols[NCOL] = {s->beta, s->alpha, s->abar, s->oma, s->btilde, s->snr, s->log_abar,
                        s->sqrt_abar, s->sqrt_oma};
  return cols[c][t];
}

static void put_text(table_out *o, const char *sep, const char *text)
{
  if (!o->npy) fprintf(o->f, "%s%s", sep, text);
}

static void put_value(table_out *o, const char *sep, double v)
{
  if (o->npy) {
    npy_put(o->f, &v, 1); /* errors surface through ferror at the end */
  } else {
    fprintf(o->f, "%s%.17g", sep, v);
  }
}

static void put_ref(table_out *o, const char *sep, mpfr_srcptr v)
{
  if (o->npy) put_value(o, sep, mpfr_get_d(v, MPFR_RNDN));
  else mpfr_fprintf(o->f, "%s%.*Rg", sep, o->digits, v);
}

int write_table(table_out *o, const ddpm_fp_schedule *fs, const ddpm_ref_schedule *rs,
                       long long T, double max_ulps[NCOL])
{
  int ncols = 1 + (fs ? NCOL : 0) + (rs ? NCOL : 0) + (fs && rs ? NCOL : 0);
  if (o->npy) {
    long long shape[2] = {T, ncols};
    if (npy_header(o->f, shape, 2, &o->values) != 0) return -1;
  } else {
    fprintf(o->f, "t");
    for (int c = 0; c < NCOL && rs; c++) fprintf(o->f, ",%s%s", schedule_col_names[c], fs ? "_ref" : "");
    for (int c = 0; c < NCOL && fs; c++) fprintf(o->f, ",%s%s", schedule_col_names[c], rs ? "_fp" : "");
    for (int c = 0; c < NCOL && fs && rs; c++) fprintf(o->f, ",%s_ulps", schedule_col_names[c]);
    fprintf(o->f, "\n");
  }
  for (long long t = 1; t <= T; t++) {
    put_value(o, "", (double)t);
    for (int c = 0; c < NCOL && rs; c++) put_ref(o, ",", ref_col(rs, c, t));
    for (int c = 0; c < NCOL && fs; c++) put_value(o, ",", fp_col(fs, c, t));
    for (int c = 0; c < NCOL && fs && rs; c++) {
      double u = ddpm_ulps_between(fp_col(fs, c, t), mpfr_get_d(ref_col(rs, c, t), MPFR_RNDN));
      if (u > max_ulps[c]) max_ulps[c] = u;
      put_value(o, ",", u);
    }
    put_text(o, "", "\n");
  }
  return fflush(o->f) != 0 || ferror(o->f) ? -1 : 0; /* flushed: a full disk shows now */
}

