/* cmd_rates.c: `ddpmref rates`: the exact distances between a sampler's
 * output law and the target on Gaussian targets, for a list of T (and d),
 * with their log-log slopes (spec/ddpm_rates.h). */
#include <math.h>
#include <stdio.h>

#include "audit_report.h"
#include "commands.h"
#include "rates_job.h"

/* Significant digits on which a (at --prec) and b (at --check-prec) agree;
 * cap when they are equal. */
static double agreement(mpfr_srcptr a, mpfr_srcptr b, double cap)
{
  if (mpfr_nan_p(a) && mpfr_nan_p(b)) return cap;
  if (mpfr_equal_p(a, b)) return cap;
  if (mpfr_zero_p(b) || mpfr_nan_p(a) || mpfr_nan_p(b)) return 0;
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_sub(t, a, b, MPFR_RNDN);
  mpfr_div(t, t, b, MPFR_RNDN);
  mpfr_abs(t, t, MPFR_RNDN);
  mpfr_log10(t, t, MPFR_RNDN);
  double d = -mpfr_get_d(t, MPFR_RNDN);
  mpfr_clear(t);
  return fmin(fmax(d, 0), cap);
}

static double dist_agreement(const ddpm_rates_dist *a, const ddpm_rates_dist *b, double cap)
{
  mpfr_srcptr pa[] = {a->kl_out_ref, a->kl_ref_out, a->w2, a->h2, a->tv_lo, a->tv_hi};
  mpfr_srcptr pb[] = {b->kl_out_ref, b->kl_ref_out, b->w2, b->h2, b->tv_lo, b->tv_hi};
  double d = cap;
  for (int q = 0; q < 6; q++) d = fmin(d, agreement(pa[q], pb[q], cap));
  return d;
}

static int distances_at(const rates_job *job, const ddpm_run *run, long prec,
                        ddpm_rates_dist *dist, ddpm_err *e)
{
  ddpm_rates_law law;
  int rc = ddpm_rates_law_compute(run, job->compare, (mpfr_prec_t)prec, &law, e);
  if (rc != DDPM_OK) return rc;
  ddpm_rates_dist_init(dist, (mpfr_prec_t)prec);
  ddpm_rates_distances(&law, dist);
  ddpm_rates_law_clear(&law);
  return DDPM_OK;
}

/* The distances of the law propagated on a grid of spacing h; h_used and
 * the law's facts into row when row is non-NULL. */
static int quadrature_at(const rates_job *job, const ddpm_run *run, long double h,
                         long double margin, ddpm_rates_dist *dist, rates_row *row,
                         long double *h_used, ddpm_err *e)
{
  ddpm_rates_gmm_law law;
  int rc = ddpm_rates_gmm_law_compute(run, job->compare, (mpfr_prec_t)job->prec, h, margin,
                                      &law, e);
  if (rc != DDPM_OK) return rc;
  ddpm_rates_dist_init(dist, 64);
  ddpm_rates_gmm_distances(&law, dist);
  *h_used = law.h;
  if (row) row->h = law.h, row->nodes = law.n, row->mass = law.mass, row->kernel = law.kernel;
  ddpm_rates_gmm_law_clear(&law);
  return DDPM_OK;
}

/* Largest |a - b| / |b| over the quantities quadrature computes. */
static double rel_diff(const ddpm_rates_dist *a, const ddpm_rates_dist *b)
{
  mpfr_srcptr pa[] = {a->kl_out_ref, a->kl_ref_out, a->h2, a->tv};
  mpfr_srcptr pb[] = {b->kl_out_ref, b->kl_ref_out, b->h2, b->tv};
  double worst = 0;
  for (int q = 0; q < 4; q++) {
    const double x = mpfr_get_d(pa[q], MPFR_RNDN), y = mpfr_get_d(pb[q], MPFR_RNDN);
    if (x != y) worst = isfinite(x) && isfinite(y) ? fmax(worst, fabs(x - y) / fabs(y)) : INFINITY;
  }
  return worst;
}

/* One mixture row: runs at h and h/2, the second on a domain 20% wider;
 * their difference is the error estimate. While it is above --quad-tol, h
 * is halved again (at most QUAD_HALVINGS times), then refused. */
enum { QUAD_HALVINGS = 4 };
static int quadrature_row(const rates_job *job, rates_row *row, ddpm_err *e)
{
  ddpm_rates_dist coarse;
  long double h, h_coarse;
  int rc = quadrature_at(job, &row->run, job->quad_h, DDPM_RATES_GMM_MARGIN, &coarse, NULL, &h,
                         e);
  if (rc != DDPM_OK) return rc; /* coarse was not initialised */
  for (int halving = 0; rc == DDPM_OK; halving++) {
    h_coarse = h;
    rc = quadrature_at(job, &row->run, h / 2, 1.2L * DDPM_RATES_GMM_MARGIN, &row->dist, row, &h,
                       e);
    if (rc != DDPM_OK) break;
    row->have_dist = 1;
    row->digits = dist_agreement(&row->dist, &coarse, 19);
    row->rel_diff = rel_diff(&coarse, &row->dist);
    if (row->rel_diff <= job->quad_tol) break;
    if (halving == QUAD_HALVINGS) {
      rc = ddpm_fail(e, DDPM_EINTERNAL, "--quad-tol: T = %lld: the runs at h = %Lg and h/2 "
                     "still differ by %.3g (relative), above %g: pass a smaller --quad-h",
                     row->T, h_coarse, row->rel_diff, job->quad_tol);
      break;
    }
    /* the finer run becomes the coarse one */
    mpfr_srcptr from[] = {row->dist.kl_out_ref, row->dist.kl_ref_out, row->dist.h2,
                          row->dist.tv, row->dist.tv_lo, row->dist.tv_hi};
    mpfr_ptr to[] = {coarse.kl_out_ref, coarse.kl_ref_out, coarse.h2, coarse.tv, coarse.tv_lo,
                     coarse.tv_hi};
    for (int q = 0; q < 6; q++) mpfr_set(to[q], from[q], MPFR_RNDN);
    ddpm_rates_dist_clear(&row->dist);
    row->have_dist = 0;
  }
  ddpm_rates_dist_clear(&coarse);
  return rc;
}

/* One row: the distances at --prec, checked against --check-prec. */
static int compute_row(const rates_job *job, rates_row *row, ddpm_err *e)
{
  if (job->quadrature) return quadrature_row(job, row, e);
  ddpm_rates_dist check;
  int rc = distances_at(job, &row->run, job->prec, &row->dist, e);
  if (rc != DDPM_OK) return rc;
  row->have_dist = 1;
  if ((rc = distances_at(job, &row->run, job->check_prec, &check, e)) != DDPM_OK) return rc;
  row->digits = dist_agreement(&row->dist, &check, (double)job->prec * log10(2.0));
  ddpm_rates_dist_clear(&check);
  return DDPM_OK;
}

static int compute_all(rates_job *job, ddpm_err *e)
{
  int rc = DDPM_OK;
  for (int q = 0; rc == DDPM_OK && q < job->nT * job->nd; q++)
    rc = compute_row(job, &job->rows[q], e);
  return rc;
}

int cmd_rates(int argc, char **argv)
{
  rates_job job;
  ddpm_err e = {{0}};
  outdir od;
  int have_od = 0;
  int rc = rates_parse(argc, argv, &job, &e);
  if (rc == RATES_HELP_SHOWN) return 0;
  if (rc == DDPM_OK && job.outdir && !job.no_plot && !audit_have_gnuplot())
    rc = ddpm_fail(&e, DDPM_EINTERNAL, "gnuplot not found: install it (Debian: gnuplot-nox) "
                   "or pass --no-plot");
  if (rc == DDPM_OK && job.outdir) /* refuse a bad -o before the work */
    have_od = (rc = outdir_begin(&od, job.outdir, job.force, &e)) == DDPM_OK;
  if (rc == DDPM_OK) rc = compute_all(&job, &e);
  if (rc == DDPM_OK && have_od) rc = rates_write_files(&job, &od, &e);
  if (have_od && rc == DDPM_OK) rc = outdir_commit(&od, &e);
  else if (have_od) outdir_abort(&od, &e);
  if (rc == DDPM_OK) rates_print(&job, stdout);
  rates_job_free(&job);
  mpfr_free_cache();
  return rc == DDPM_OK ? 0 : report_error(rc, &e);
}
