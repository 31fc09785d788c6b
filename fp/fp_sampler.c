/* fp_sampler.c: the reverse samplers in binary64 (spec/maths.md section 4).
 *
 * Every step is planned once, before any sample moves: where the score is
 * evaluated and the affine coefficients y' = a y + b s + c z (fp_coeffs.c).
 * All samples then advance together one step at a time, so a trajectory
 * streams out row by row in O(n d) memory; within a step the samples are
 * independent (draws are addressed) and may be split over threads in any
 * way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_draws.h"
#include "ddpm_fp.h"
#include "ddpm_fp_step.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static ddpm_fp_time time_at(const ddpm_fp_schedule *sch, long long t)
{
  ddpm_fp_time at = {sch->abar[t], sch->oma[t], sch->sqrt_abar[t], sch->sqrt_oma[t]};
  return at;
}

int ddpm_fp_plan_step(const ddpm_run *run, const ddpm_fp_schedule *sch, const ddpm_fp_grid *g,
                      long long t, long long p, ddpm_fp_step_plan *c, ddpm_err *e)
{
  const ddpm_spec *sp = &run->sampler;
  const int noise = p > 0 || ddpm_sampler_last_noise(sp);
  double beta_j, alpha_j;
  ddpm_fp_jump(sch, t, p, &beta_j, &alpha_j);
  memset(c, 0, sizeof *c);
  c->at = time_at(sch, t);
  double h = 0.0, r = 0.0;
  if (ddpm_sampler_is_continuous(sp)) {
    h = ddpm_fp_grid_width(g, t, p);
    r = ddpm_fp_grid_rate(g, ddpm_fp_grid_tau(g, t));
  }
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM:
    ddpm_fp_coeffs_ddpm(beta_j, alpha_j, beta_j * (sch->oma[p] / sch->oma[t]),
                        sp->word[DDPM_DDPM_VAR], noise, &c->k);
    break;
  case DDPM_SAMPLER_DDIM:
    ddpm_fp_coeffs_ddim(sp->real[DDPM_DDIM_ETA], beta_j, alpha_j, sch->oma[t], sch->oma[p],
                        &c->k);
    break;
  case DDPM_SAMPLER_LIYAN_ODE: ddpm_fp_coeffs_liyan_ode(beta_j, alpha_j, &c->k); break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: ddpm_fp_coeffs_em(h, r, noise, &c->k); break;
  case DDPM_SAMPLER_VP_EI: ddpm_fp_coeffs_ei(beta_j, alpha_j, noise, &c->k); break;
  case DDPM_SAMPLER_PF_EULER: ddpm_fp_coeffs_pf_euler(h, r, &c->k); break;
  case DDPM_SAMPLER_PF_HEUN:
    ddpm_fp_coeffs_pf_euler(h, r, &c->k);
    if (p > 0) { /* the last step is Euler alone: no score at the data end */
      c->heun = 1;
      c->ap = time_at(sch, p);
      ddpm_fp_coeffs_heun(h, r, ddpm_fp_grid_rate(g, ddpm_fp_grid_tau(g, p)), &c->k2, &c->q);
    }
    break;
  }
  /* A jump so long that 1 - beta_j rounds to 0 (alpha_j < 2^-54) has no
   * binary64 coefficients: refuse it rather than return inf or NaN. */
  if (!(isfinite(c->k.a) && isfinite(c->k.b) && isfinite(c->k.c) && isfinite(c->k2.a) &&
        isfinite(c->k2.b) && isfinite(c->q)))
    return ddpm_fail(e, DDPM_EINPUT,
                     "--steps: the step from t = %lld to %lld has alpha = abar_t/abar_p = %g "
                     "in binary64: its coefficients overflow (use more steps, or --engine ref)",
                     t, p, alpha_j);
  return DDPM_OK;
}

static int plan_run(const ddpm_run *run, const ddpm_fp_schedule *sch, ddpm_fp_step_plan **out,
                    ddpm_err *e)
{
  const long long K = run->steps;
  ddpm_fp_grid g = {0};
  ddpm_fp_grid_init(&run->schedule, &g);
  ddpm_fp_step_plan *plan = malloc((size_t)K * sizeof *plan);
  long long *ts = malloc((size_t)K * sizeof *ts), *ps = malloc((size_t)K * sizeof *ps);
  int rc = !plan || !ts || !ps ? ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for the "
                                           "step plan")
                                : ddpm_run_timesteps(run, ts, ps, e);
  for (long long k = 0; k < K && rc == DDPM_OK; k++)
    rc = ddpm_fp_plan_step(run, sch, &g, ts[k], ps[k], &plan[k], e);
  free(ts);
  free(ps);
  if (rc != DDPM_OK) {
    free(plan);
    plan = NULL;
  }
  *out = plan;
  return rc;
}

/* Work buffers of one thread. */
typedef struct {
  double *y, *s, *z, *ytil, *s2, *resp;
} work;

static void score(const ddpm_run *run, const ddpm_fp_target *tg, const ddpm_fp_marginal *mg,
                  const double *x, double *s, double *resp)
{
  ddpm_fp_target_score(tg, mg, x, s, resp);
  ddpm_fp_score_perturb(run, tg->d, s);
}

/* One reverse step of sample i (state y = w->y); mg[0] is the target's
 * marginal at the step's t, mg[1] at p (pf-heun). z_row, if not NULL, holds
 * the step's replayed draws; otherwise they come from Philox. The loops over
 * coordinates are elementwise: SIMD gives the scalar loops' values. */
static void step(const ddpm_run *run, const ddpm_fp_target *tg, const ddpm_fp_marginal *mg,
                 const ddpm_fp_step_plan *c, long long i, long long k, const double *z_row,
                 const work *w)
{
  const long long d = run->d;
  double *y = w->y, *s = w->s;
  score(run, tg, &mg[0], y, s, w->resp);
  if (c->heun) {
    /* Ytilde = Euler predictor; Y_p = a Y + b s_t + (q Ytilde + q s_p(Ytilde)) */
    for (long long j = 0; j < d; j++)
      w->ytil[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], 0.0, 0.0);
    score(run, tg, &mg[1], w->ytil, w->s2, w->resp);
    for (long long j = 0; j < d; j++) {
      double corr = ddpm_fp_affine_apply(c->q, w->ytil[j], c->q, w->s2[j], 0.0, 0.0);
      y[j] = ddpm_fp_affine_apply(c->k2.a, y[j], c->k2.b, s[j], c->k2.c, corr);
    }
    return;
  }
  if (c->k.c != 0.0) {
    const double *z = z_row ? z_row + i * d : w->z;
    if (!z_row) ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)k, d, w->z);
    #pragma omp simd
    for (long long j = 0; j < d; j++)
      y[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], c->k.c, z[j]);
  } else {
    #pragma omp simd
    for (long long j = 0; j < d; j++)
      y[j] = ddpm_fp_affine_apply(c->k.a, y[j], c->k.b, s[j], 0.0, 0.0);
  }
}

/* Everything a run holds between steps. */
typedef struct {
  const ddpm_run *run;
  ddpm_fp_target tg;
  ddpm_fp_marginal marg[2]; /* the target's marginal at the step's t and p */
  ddpm_fp_step_plan *plan;
  ddpm_draw_files files;
  double *y;     /* n x d states */
  double *draws; /* one row of replayed draws, when there are files */
  int threads;
  double **bufs; /* per-thread work buffers */
} run_state;

static int thread_index(void)
{
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/* Advances every sample from row k - 1 to row k (k = 0: the initial draw). */
static void advance(run_state *st, long long k, const double *z_row)
{
  const ddpm_run *run = st->run;
  const long long d = run->d;
  if (k > 0) { /* once per step, shared by every sample */
    ddpm_fp_marginal_at(&st->tg, &st->plan[k - 1].at, &st->marg[0]);
    if (st->plan[k - 1].heun) ddpm_fp_marginal_at(&st->tg, &st->plan[k - 1].ap, &st->marg[1]);
  }
  #pragma omp parallel for num_threads(st->threads) schedule(static)
  for (long long i = 0; i < run->n; i++) {
    double *buf = st->bufs[thread_index()];
    work w = {buf, buf + d, buf + 2 * d, buf + 3 * d, buf + 4 * d, buf + 5 * d};
    double *yi = st->y + i * d;
    if (k == 0) {
      if (z_row) memcpy(yi, z_row + i * d, (size_t)d * sizeof *yi);
      else ddpm_fp_gaussians(run->seed, (uint64_t)i, 0, d, yi);
      continue;
    }
    memcpy(w.y, yi, (size_t)d * sizeof *yi);
    step(run, &st->tg, st->marg, &st->plan[k - 1], i, k, z_row, &w);
    memcpy(yi, w.y, (size_t)d * sizeof *yi);
  }
}

static void release(run_state *st)
{
  if (st->bufs)
    for (int q = 0; q < st->threads; q++) free(st->bufs[q]);
  free(st->bufs);
  free(st->y);
  free(st->draws);
  free(st->plan);
  ddpm_draw_files_close(&st->files);
  ddpm_fp_marginal_free(&st->marg[0]);
  ddpm_fp_marginal_free(&st->marg[1]);
  ddpm_fp_target_free(&st->tg);
}

static int setup(run_state *st, const ddpm_run *run, int threads, ddpm_err *e)
{
  memset(st, 0, sizeof *st);
  st->run = run;
  st->threads = threads;
  if (run->steps > (long long)UINT32_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  ddpm_fp_schedule sch;
  int rc = ddpm_fp_schedule_build(&run->schedule, &sch, e);
  if (rc != DDPM_OK) return rc;
  rc = plan_run(run, &sch, &st->plan, e);
  ddpm_fp_schedule_free(&sch);
  if (rc != DDPM_OK) return rc;
  if ((rc = ddpm_fp_target_init(&run->target, &st->tg, e)) != DDPM_OK) {
    free(st->plan);
    return rc;
  }
  if ((rc = ddpm_draw_files_open(&st->files, run, e)) != DDPM_OK) {
    free(st->plan);
    ddpm_fp_target_free(&st->tg);
    return rc;
  }
  const size_t nd = (size_t)run->n * (size_t)run->d, d = (size_t)run->d;
  st->y = malloc(nd * sizeof *st->y);
  if (st->files.have_noise || st->files.have_x_init) st->draws = malloc(nd * sizeof *st->draws);
  st->bufs = calloc((size_t)threads, sizeof *st->bufs);
  int ok = st->y && st->bufs && (st->draws || !(st->files.have_noise || st->files.have_x_init));
  ok = ok && ddpm_fp_marginal_alloc(&st->tg, &st->marg[0]) == DDPM_OK &&
       ddpm_fp_marginal_alloc(&st->tg, &st->marg[1]) == DDPM_OK;
  /* each thread's buffer on cache lines of its own: no false sharing */
  const size_t line = 64, bytes = (5 * d + (size_t)st->tg.K) * sizeof(double);
  for (int q = 0; ok && q < threads; q++)
    ok = (st->bufs[q] = aligned_alloc(line, (bytes + line - 1) / line * line)) != NULL;
  if (!ok) {
    release(st);
    return ddpm_fail(e, DDPM_EINTERNAL, "sampler: out of memory for %zu states", nd);
  }
  return DDPM_OK;
}

/* The draws of row k from the replay files, or NULL for Philox. */
static int replayed_draws(run_state *st, long long k, const double **z_row, ddpm_err *e)
{
  int from_file = 0;
  *z_row = NULL;
  if (!st->draws) return DDPM_OK;
  int rc = ddpm_draw_files_row(&st->files, k, st->draws, &from_file, e);
  if (rc == DDPM_OK && from_file) *z_row = st->draws;
  return rc;
}

int ddpm_fp_run_rows(const ddpm_run *run, int threads, ddpm_fp_emit emit, void *ctx,
                     ddpm_err *e)
{
  run_state st;
  int rc = setup(&st, run, threads, e);
  if (rc != DDPM_OK) return rc;
  for (long long k = 0; k <= run->steps && rc == DDPM_OK; k++) {
    const double *z_row;
    int noise = k == 0 || st.plan[k - 1].k.c != 0.0;
    rc = noise ? replayed_draws(&st, k, &z_row, e) : DDPM_OK;
    if (!noise) z_row = NULL;
    if (rc == DDPM_OK) advance(&st, k, z_row);
    if (rc == DDPM_OK) rc = emit(ctx, k, st.y, e);
  }
  release(&st);
  return rc;
}

typedef struct {
  const ddpm_run *run;
  double *traj, *final;
} collect_ctx;

static int collect(void *ctx, long long k, const double *row, ddpm_err *e)
{
  (void)e;
  collect_ctx *c = ctx;
  const size_t rowlen = (size_t)c->run->n * (size_t)c->run->d;
  if (c->traj) memcpy(c->traj + (size_t)k * rowlen, row, rowlen * sizeof *row);
  if (k == c->run->steps) memcpy(c->final, row, rowlen * sizeof *row);
  return DDPM_OK;
}

int ddpm_fp_run(const ddpm_run *run, int threads, double *traj, double *final,
                ddpm_err *e)
{
  collect_ctx c = {run, traj, final};
  return ddpm_fp_run_rows(run, threads, collect, &c, e);
}
