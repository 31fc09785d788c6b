/* audit.c: error attribution by local injection and exact propagation
 * (ddpm_audit.h, spec/maths.md section 8). All samples advance together one
 * row at a time; memory is O(n d) states per sampler variant. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_audit.h"
#include "ddpm_fp.h"

enum { NSRC = DDPM_SRC_COUNT };

/* Running sums of one row. */
typedef struct {
  double scale;                     /* max |Y*| */
  double local[NSRC], carried[NSRC], propagated, global, residual, fastpath;
  double local_rel[NSRC], global_rel;
  long long nonzero;
  double dot[NSRC], dot_r, dot_e;   /* <D_S, E>, <R, E>, <E, E> */
  double norm2[NSRC];               /* ||D_S||^2 */
} row_sums;

typedef struct {
  const ddpm_run *run;
  const ddpm_fmt *fmt;
  ddpm_audit *out;
  ddpm_emu cx, cs[NSRC], cf, cr;    /* exact, one source, all, rounding only */
  ddpm_emu_sampler *X, *S[NSRC], *F;
  mpfr_t *ystar, *yf, *D[NSRC];     /* n x d */
  mpfr_t *yhat, *ref_hat, *next, *tmp, *local[NSRC]; /* d each */
  mpfr_t u, w;
  row_sums sums;
  long long k;                      /* the row being made */
} audit_state;

static void free_vec(mpfr_t *v, size_t len) { ddpm_ref_vector_free(v, len); }

/* |x| as a double (errors and states are far inside double's range). */
static double mag(mpfr_srcptr x) { return fabs(mpfr_get_d(x, MPFR_RNDN)); }

/* max(acc, |x|), where a NaN error (an overflow or invalid operation in
 * the format) counts as infinitely large: fmax alone would drop it. */
static double worst(double acc, double x) { return isnan(x) ? INFINITY : fmax(acc, fabs(x)); }

/* One value's contribution to the row: its exact value, its carried errors
 * and local errors, its observed error. */
static void account(audit_state *st, mpfr_srcptr ystar, long long q, const double *fp_row)
{
  row_sums *r = &st->sums;
  const long long d = st->run->d, j = q % d;
  double y = mag(ystar);
  if (y > r->scale) r->scale = y;
  /* E = Y^F - Y*, R = E - sum D, propagated = sum (D - l) */
  mpfr_sub(st->u, st->yf[q], ystar, MPFR_RNDN);
  double E = mpfr_get_d(st->u, MPFR_RNDN);
  mpfr_set(st->w, st->u, MPFR_RNDN);
  double prop = 0;
  for (int s = 0; s < NSRC; s++) {
    double Ds = mpfr_get_d(st->D[s][q], MPFR_RNDN), ls = mpfr_get_d(st->local[s][j], MPFR_RNDN);
    mpfr_sub(st->w, st->w, st->D[s][q], MPFR_RNDN);
    r->local[s] = worst(r->local[s], ls);
    r->carried[s] = worst(r->carried[s], Ds);
    if (y > 0) r->local_rel[s] += fabs(ls) / y;
    r->dot[s] += Ds * E;
    r->norm2[s] += Ds * Ds;
    prop += Ds - ls;
  }
  double R = mpfr_get_d(st->w, MPFR_RNDN);
  r->propagated = worst(r->propagated, prop);
  r->global = worst(r->global, E);
  r->residual = worst(r->residual, R);
  r->dot_r += R * E;
  r->dot_e += E * E;
  if (y > 0) {
    r->global_rel += fabs(E) / y;
    r->nonzero++;
  }
  if (fp_row) {
    mpfr_set_d(st->u, fp_row[q], MPFR_RNDN);
    mpfr_sub(st->u, st->u, ystar, MPFR_RNDN);
    r->fastpath = worst(r->fastpath, mpfr_get_d(st->u, MPFR_RNDN));
  }
}

/* ulp of F at x's magnitude (subnormal spacing below the normal range). */
static double format_ulp(const ddpm_fmt *f, double x)
{
  int e;
  frexp(x, &e);
  long emin_normal = (long)f->emin + (long)f->prec - 1;
  long ex = x > 0 && e > emin_normal ? e : emin_normal;
  return ldexp(1.0, (int)(ex - (long)f->prec));
}

static void close_row(audit_state *st)
{
  row_sums *r = &st->sums;
  ddpm_audit *a = st->out;
  const long long k = st->k;
  double ulp = format_ulp(st->fmt, r->scale), nz = r->nonzero ? (double)r->nonzero : 1.0;
  for (int s = 0; s < NSRC; s++) {
    a->local[s][k] = r->local[s] / ulp;
    a->local_rel[s][k] = r->local_rel[s] / nz;
    a->carried[s][k] = r->carried[s] / ulp;
  }
  a->propagated[k] = r->propagated / ulp;
  a->global[k] = r->global / ulp;
  a->global_rel[k] = r->global_rel / nz;
  a->residual[k] = r->residual / ulp;
  a->scale[k] = r->scale;
  if (a->fastpath) a->fastpath[k] = r->fastpath / ulp;
  if (k == a->rows - 1) {
    double total = 0;
    for (int s = 0; s < NSRC; s++) total += sqrt(r->norm2[s]);
    for (int s = 0; s < NSRC; s++) {
      a->share[s] = r->dot_e > 0 ? r->dot[s] / r->dot_e : 0;
      a->size_share[s] = total > 0 ? sqrt(r->norm2[s]) / total : 0;
    }
    a->residual_share = r->dot_e > 0 ? r->dot_r / r->dot_e : 0;
    a->final_norm = sqrt(r->dot_e);
  }
}

/* Row 0: the initial draws; each variant's difference from the exact draw
 * is its local error, and it is all the carried error there is. */
static int initial_row(audit_state *st, const double *fp_row, ddpm_err *e)
{
  const long long n = st->run->n, d = st->run->d;
  int rc = DDPM_OK;
  for (long long i = 0; i < n && rc == DDPM_OK; i++) {
    mpfr_t *ys = st->ystar + i * d;
    rc = ddpm_emu_initial(st->X, i, ys, e);
    if (rc == DDPM_OK) rc = ddpm_emu_initial(st->F, i, st->yf + i * d, e);
    for (int s = 0; s < NSRC && rc == DDPM_OK; s++) {
      rc = ddpm_emu_initial(st->S[s], i, st->local[s], e);
      for (long long j = 0; j < d && rc == DDPM_OK; j++) {
        mpfr_sub(st->local[s][j], st->local[s][j], ys[j], MPFR_RNDN);
        mpfr_set(st->D[s][i * d + j], st->local[s][j], MPFR_RNDN);
      }
    }
    for (long long j = 0; j < d && rc == DDPM_OK; j++) account(st, ys[j], i * d + j, fp_row);
  }
  return rc;
}

/* Sample i, step k: the local errors from RN_F(Y*), then every carried
 * error through the exact step, then the F implementation's own step. */
static int step_sample(audit_state *st, long long k, long long i, const double *fp_row,
                       ddpm_err *e)
{
  const long long d = st->run->d;
  mpfr_t *ys = st->ystar + i * d;
  for (long long j = 0; j < d; j++) ddpm_emu_set(&st->cr, DDPM_SRC_UPDATE, "state", st->yhat[j], ys[j]);
  int rc = ddpm_emu_step(st->X, k, i, st->yhat, st->ref_hat, e);
  for (int s = 0; s < NSRC && rc == DDPM_OK; s++) {
    rc = ddpm_emu_step(st->S[s], k, i, st->yhat, st->local[s], e);
    for (long long j = 0; j < d; j++)
      mpfr_sub(st->local[s][j], st->local[s][j], st->ref_hat[j], MPFR_RNDN);
  }
  if (rc == DDPM_OK) rc = ddpm_emu_step(st->X, k, i, ys, st->next, e);
  for (int s = 0; s < NSRC && rc == DDPM_OK; s++) {
    mpfr_t *Ds = st->D[s] + i * d;
    for (long long j = 0; j < d; j++) mpfr_add(st->yhat[j], ys[j], Ds[j], MPFR_RNDN);
    rc = ddpm_emu_step(st->X, k, i, st->yhat, st->tmp, e);
    for (long long j = 0; j < d; j++) {
      mpfr_sub(Ds[j], st->tmp[j], st->next[j], MPFR_RNDN);
      mpfr_add(Ds[j], Ds[j], st->local[s][j], MPFR_RNDN);
    }
  }
  if (rc == DDPM_OK) rc = ddpm_emu_step(st->F, k, i, st->yf + i * d, st->tmp, e);
  for (long long j = 0; j < d && rc == DDPM_OK; j++) {
    mpfr_set(st->yf[i * d + j], st->tmp[j], MPFR_RNDN);
    mpfr_set(ys[j], st->next[j], MPFR_RNDN);
    account(st, ys[j], i * d + j, fp_row);
  }
  return rc;
}

static int make_row(audit_state *st, const double *fp_row, ddpm_err *e)
{
  memset(&st->sums, 0, sizeof st->sums);
  int rc = DDPM_OK;
  if (st->k == 0) rc = initial_row(st, fp_row, e);
  for (long long i = 0; st->k > 0 && i < st->run->n && rc == DDPM_OK; i++)
    rc = step_sample(st, st->k, i, fp_row, e);
  if (rc == DDPM_OK) close_row(st);
  st->k++;
  return rc;
}

static void release(audit_state *st)
{
  const size_t nd = (size_t)(st->run->n * st->run->d), d = (size_t)st->run->d;
  ddpm_emu_sampler_free(st->X);
  ddpm_emu_sampler_free(st->F);
  for (int s = 0; s < NSRC; s++) {
    ddpm_emu_sampler_free(st->S[s]);
    free_vec(st->D[s], nd);
    free_vec(st->local[s], d);
    ddpm_emu_clear(&st->cs[s]);
  }
  free_vec(st->ystar, nd);
  free_vec(st->yf, nd);
  free_vec(st->yhat, d);
  free_vec(st->ref_hat, d);
  free_vec(st->next, d);
  free_vec(st->tmp, d);
  mpfr_clears(st->u, st->w, (mpfr_ptr)0);
  ddpm_emu_clear(&st->cx);
  ddpm_emu_clear(&st->cf);
  ddpm_emu_clear(&st->cr);
}

static int setup(audit_state *st, const ddpm_run *run, const ddpm_fmt *fmt, unsigned sources,
                 mpfr_prec_t prec, ddpm_audit *a, ddpm_err *e)
{
  memset(st, 0, sizeof *st);
  st->run = run, st->fmt = fmt, st->out = a;
  const size_t nd = (size_t)(run->n * run->d), d = (size_t)run->d;
  ddpm_emu_init(&st->cx, fmt, 0, prec, NULL);
  ddpm_emu_init(&st->cf, fmt, sources, prec, &a->events);
  ddpm_emu_init(&st->cr, fmt, DDPM_SRC_ALL, prec, NULL);
  mpfr_inits2(prec, st->u, st->w, (mpfr_ptr)0);
  int ok = 1;
  for (int s = 0; s < NSRC; s++) {
    ddpm_emu_init(&st->cs[s], fmt, (1u << s) & sources, prec, NULL); /* empty: exact, l = 0 */
    ok &= (st->D[s] = ddpm_ref_vector_new(nd, prec)) != NULL;
    ok &= (st->local[s] = ddpm_ref_vector_new(d, prec)) != NULL;
  }
  ok &= (st->ystar = ddpm_ref_vector_new(nd, prec)) != NULL;
  ok &= (st->yf = ddpm_ref_vector_new(nd, prec)) != NULL;
  ok &= (st->yhat = ddpm_ref_vector_new(d, prec)) != NULL;
  ok &= (st->ref_hat = ddpm_ref_vector_new(d, prec)) != NULL;
  ok &= (st->next = ddpm_ref_vector_new(d, prec)) != NULL;
  ok &= (st->tmp = ddpm_ref_vector_new(d, prec)) != NULL;
  if (!ok) return ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory for %zu states", nd);
  int rc = ddpm_emu_sampler_new(run, &st->cx, &st->X, e);
  if (rc == DDPM_OK) rc = ddpm_emu_sampler_new(run, &st->cf, &st->F, e);
  for (int s = 0; s < NSRC && rc == DDPM_OK; s++)
    rc = ddpm_emu_sampler_new(run, &st->cs[s], &st->S[s], e);
  return rc;
}

static int alloc_out(ddpm_audit *a, const ddpm_fmt *fmt, unsigned sources, long long rows,
                     ddpm_err *e)
{
  memset(a, 0, sizeof *a);
  a->fmt = fmt;
  a->rows = rows;
  ddpm_emu_events_init(&a->events);
  double **cols[] = {&a->propagated, &a->global, &a->global_rel, &a->residual, &a->scale,
                     &a->local[0], &a->local[1], &a->local[2], &a->local[3], &a->local[4],
                     &a->local_rel[0], &a->local_rel[1], &a->local_rel[2], &a->local_rel[3],
                     &a->local_rel[4], &a->carried[0], &a->carried[1], &a->carried[2],
                     &a->carried[3], &a->carried[4]};
  for (size_t q = 0; q < sizeof cols / sizeof *cols; q++)
    if (!(*cols[q] = calloc((size_t)rows, sizeof(double))))
      return ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory");
  a->sources = sources;
  /* the real fast path is the binary64 implementation with every source */
  if (strcmp(fmt->name, "binary64") == 0 && sources == DDPM_SRC_ALL && !(a->fastpath = calloc((size_t)rows, sizeof(double))))
    return ddpm_fail(e, DDPM_EINTERNAL, "audit: out of memory");
  return DDPM_OK;
}

void ddpm_audit_free(ddpm_audit *a)
{
  double *cols[] = {a->propagated, a->global, a->global_rel, a->residual, a->scale, a->fastpath};
  for (size_t q = 0; q < sizeof cols / sizeof *cols; q++) free(cols[q]);
  for (int s = 0; s < NSRC; s++) {
    free(a->local[s]);
    free(a->local_rel[s]);
    free(a->carried[s]);
  }
  memset(a, 0, sizeof *a);
}

typedef struct {
  audit_state *st;
  ddpm_audit_progress progress;
  void *ctx;
} driver;

/* binary64: the real fast path streams its rows and each one drives a row
 * of the audit, so its error is measured against the same Y*. */
static int on_fp_row(void *ctx, long long k, const double *row, ddpm_err *e)
{
  driver *dr = ctx;
  (void)k;
  int rc = make_row(dr->st, row, e);
  if (dr->progress) dr->progress(dr->ctx, dr->st->k);
  return rc;
}

int ddpm_audit_run(const ddpm_run *run, const ddpm_fmt *fmt, unsigned sources, mpfr_prec_t prec,
                   ddpm_audit_progress progress, void *ctx, ddpm_audit *out, ddpm_err *e)
{
  audit_state st = {0};
  int rc = alloc_out(out, fmt, sources, run->steps + 1, e);
  if (rc == DDPM_OK) rc = setup(&st, run, fmt, sources, prec, out, e);
  driver dr = {&st, progress, ctx};
  if (rc == DDPM_OK && out->fastpath) rc = ddpm_fp_run_rows(run, 1, on_fp_row, &dr, e);
  while (rc == DDPM_OK && !out->fastpath && st.k <= run->steps) {
    rc = make_row(&st, NULL, e);
    if (progress) progress(ctx, st.k);
  }
  if (st.out) release(&st);
  if (rc != DDPM_OK) ddpm_audit_free(out);
  mpfr_free_cache();
  return rc;
}
