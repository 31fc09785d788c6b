/* ref_sampler.c: the reverse samplers in MPFR, all samples advancing
 * together one step at a time, each formula exactly as spec/maths.md
 * section 4 writes it. */
#include <stdlib.h>

#include "ddpm_ref.h"

/* Everything one reverse step from t to p needs, at the oracle's precision. */
typedef struct {
  const ddpm_run *run;
  ddpm_ref_schedule sch;
  ddpm_ref_target tg;
  ddpm_ref_grid grid;
  int continuous;
  long long k, t, p; /* step k goes from t to p */
  int noise;         /* draw Z_k */
  const double *draws; /* Z_k for every sample and coordinate, C order */
  mpfr_t *s, *s2, *ytil, *f;
  /* the step's scalars (section 4) */
  mpfr_t beta_j, alpha_j, btilde_j, sqrt_alpha, sigma, c_eps, h, r_t, r_p, tau;
  mpfr_t u, w, z;
  mpfr_t *probe; /* NULL, or the score values to use in place of the target's:
                    probe[0] at the step's start t, probe[1] at p (pf-heun) */
  mpfr_t score_err; /* --score-error's B or 1 + R, parsed once */
} step_ctx;

static ddpm_ref_time time_at(const ddpm_ref_schedule *sch, long long t)
{
  ddpm_ref_time at = {sch->abar[t], sch->oma[t], sch->sqrt_abar[t], sch->sqrt_oma[t]};
  return at;
}

static void score(step_ctx *c, long long t, mpfr_t *x, mpfr_t *s)
{
  if (c->probe) {
    for (long long j = 0; j < c->tg.d; j++)
      mpfr_set(s[j], c->probe[t == c->t ? 0 : 1], MPFR_RNDN);
    return;
  }
  ddpm_ref_time at = time_at(&c->sch, t);
  ddpm_ref_target_score(&c->tg, &at, x, s);
  ddpm_ref_score_perturb(c->run, c->tg.d, s, c->score_err);
}

/* The step's scalars: the jump (beta_j, alpha_j, betatilde_j), the grid
 * step (h, r(tau_t), r(tau_p)) and the noise scale sigma. */
static void prepare_step(step_ctx *c, long long k, long long t, long long p)
{
  const ddpm_spec *sp = &c->run->sampler;
  const ddpm_ref_schedule *sch = &c->sch;
  c->k = k, c->t = t, c->p = p;
  c->noise = p > 0 || ddpm_sampler_last_noise(sp);
  ddpm_ref_jump(sch, t, p, c->beta_j, c->alpha_j);
  mpfr_sqrt(c->sqrt_alpha, c->alpha_j, MPFR_RNDN);
  /* betatilde_j = beta_j (1 - abar_p)/(1 - abar_t) */
  mpfr_mul(c->btilde_j, c->beta_j, sch->oma[p], MPFR_RNDN);
  mpfr_div(c->btilde_j, c->btilde_j, sch->oma[t], MPFR_RNDN);
  if (c->continuous) {
    ddpm_ref_grid_width(c->h, &c->grid, t, p);
    ddpm_ref_grid_tau(c->tau, &c->grid, t);
    ddpm_ref_grid_rate(c->r_t, &c->grid, c->tau);
    ddpm_ref_grid_tau(c->tau, &c->grid, p);
    ddpm_ref_grid_rate(c->r_p, &c->grid, c->tau);
  }
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM:
    switch (sp->word[DDPM_DDPM_VAR]) {
    case DDPM_DDPM_VAR_POSTERIOR: mpfr_sqrt(c->sigma, c->btilde_j, MPFR_RNDN); break;
    default: mpfr_sqrt(c->sigma, c->beta_j, MPFR_RNDN); break; /* liyan: inside */
    }
    break;
  case DDPM_SAMPLER_DDIM: /* sigma = eta sqrt(betatilde_j); c_eps = sqrt(1 - abar_p - sigma^2) */
    mpfr_set_str(c->u, sp->text[DDPM_DDIM_ETA], 10, MPFR_RNDN);
    mpfr_sqrt(c->sigma, c->btilde_j, MPFR_RNDN);
    mpfr_mul(c->sigma, c->u, c->sigma, MPFR_RNDN);
    mpfr_sqr(c->u, c->sigma, MPFR_RNDN);
    mpfr_sub(c->c_eps, sch->oma[p], c->u, MPFR_RNDN);
    mpfr_sqrt(c->c_eps, c->c_eps, MPFR_RNDN);
    c->noise = !mpfr_zero_p(c->sigma);
    break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: /* sigma = sqrt(r h) */
    mpfr_mul(c->sigma, c->r_t, c->h, MPFR_RNDN);
    mpfr_sqrt(c->sigma, c->sigma, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_VP_EI: /* sigma = sqrt(beta_j/alpha_j); c_eps = 2 (1/sqrt(alpha_j) - 1) */
    mpfr_div(c->sigma, c->beta_j, c->alpha_j, MPFR_RNDN);
    mpfr_sqrt(c->sigma, c->sigma, MPFR_RNDN);
    mpfr_ui_div(c->c_eps, 1, c->sqrt_alpha, MPFR_RNDN);
    mpfr_sub_ui(c->c_eps, c->c_eps, 1, MPFR_RNDN);
    mpfr_mul_2ui(c->c_eps, c->c_eps, 1, MPFR_RNDN);
    break;
  default: c->noise = 0; break; /* the ODE samplers */
  }
}

/* u <- r/2 (y + s): the probability-flow drift f(y, tau) */
static void pf_drift(mpfr_t u, mpfr_srcptr r, mpfr_srcptr y, mpfr_srcptr s)
{
  mpfr_add(u, y, s, MPFR_RNDN);
  mpfr_mul(u, u, r, MPFR_RNDN);
  mpfr_div_2ui(u, u, 1, MPFR_RNDN);
}

/* pf-heun: f1 = f(Y_t, tau_t), Ytilde = Y_t + h f1, f2 = f(Ytilde, tau_p),
 * Y_p = Y_t + h/2 (f1 + f2); Euler alone on the last step. */
static void heun_step(step_ctx *c, mpfr_t *y)
{
  const long long d = c->tg.d;
  for (long long j = 0; j < d; j++) {
    pf_drift(c->f[j], c->r_t, y[j], c->s[j]);
    mpfr_mul(c->u, c->h, c->f[j], MPFR_RNDN);
    mpfr_add(c->ytil[j], y[j], c->u, MPFR_RNDN);
  }
  if (c->p == 0) {
    for (long long j = 0; j < d; j++) mpfr_set(y[j], c->ytil[j], MPFR_RNDN);
    return;
  }
  score(c, c->p, c->ytil, c->s2);
  for (long long j = 0; j < d; j++) {
    pf_drift(c->u, c->r_p, c->ytil[j], c->s2[j]);
    mpfr_add(c->u, c->f[j], c->u, MPFR_RNDN);
    mpfr_mul(c->u, c->h, c->u, MPFR_RNDN);
    mpfr_div_2ui(c->u, c->u, 1, MPFR_RNDN);
    mpfr_add(y[j], y[j], c->u, MPFR_RNDN);
  }
}

/* One coordinate y of sample i, with score value s and draw index j. */
static void update(step_ctx *c, long long i, long long j, mpfr_t y, mpfr_srcptr s)
{
  const ddpm_spec *sp = &c->run->sampler;
  const ddpm_ref_schedule *sch = &c->sch;
  const long long t = c->t, p = c->p;
  if (c->noise) mpfr_set_d(c->z, c->draws[i * c->tg.d + j], MPFR_RNDN); /* exact */
  switch (sp->kind) {
  case DDPM_SAMPLER_DDPM: /* (y + beta_j s)/sqrt(alpha_j) + sigma z; liyan: z inside */
    mpfr_mul(c->u, c->beta_j, s, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
    if (c->noise && sp->word[DDPM_DDPM_VAR] == DDPM_DDPM_VAR_LIYAN) {
      mpfr_mul(c->u, c->sigma, c->z, MPFR_RNDN);
      mpfr_add(y, y, c->u, MPFR_RNDN);
      mpfr_div(y, y, c->sqrt_alpha, MPFR_RNDN);
      return;
    }
    mpfr_div(y, y, c->sqrt_alpha, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_DDIM: /* sqrt(abar_p) x0hat + sqrt(1 - abar_p - sigma^2) epshat + sigma z */
    mpfr_mul(c->u, sch->oma[t], s, MPFR_RNDN); /* x0hat */
    mpfr_add(c->u, y, c->u, MPFR_RNDN);
    mpfr_div(c->u, c->u, sch->sqrt_abar[t], MPFR_RNDN);
    mpfr_mul(c->w, sch->sqrt_oma[t], s, MPFR_RNDN); /* epshat = -w */
    mpfr_mul(y, sch->sqrt_abar[p], c->u, MPFR_RNDN);
    mpfr_mul(c->w, c->c_eps, c->w, MPFR_RNDN);
    mpfr_sub(y, y, c->w, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_LIYAN_ODE: /* (y + beta_j s / 2)/sqrt(alpha_j) */
    mpfr_mul(c->u, c->beta_j, s, MPFR_RNDN);
    mpfr_div_2ui(c->u, c->u, 1, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
    mpfr_div(y, y, c->sqrt_alpha, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_VP_EM:
  case DDPM_SAMPLER_OU_EM: /* y + h (r/2 y + r s) + sqrt(r h) z */
    mpfr_mul(c->u, c->r_t, y, MPFR_RNDN);
    mpfr_div_2ui(c->u, c->u, 1, MPFR_RNDN);
    mpfr_mul(c->w, c->r_t, s, MPFR_RNDN);
    mpfr_add(c->u, c->u, c->w, MPFR_RNDN);
    mpfr_mul(c->u, c->h, c->u, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_VP_EI: /* y/sqrt(alpha_j) + 2 (1/sqrt(alpha_j) - 1) s + sqrt(beta_j/alpha_j) z */
    mpfr_div(y, y, c->sqrt_alpha, MPFR_RNDN);
    mpfr_mul(c->u, c->c_eps, s, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
    break;
  case DDPM_SAMPLER_PF_EULER: /* y + h r/2 (y + s) */
    pf_drift(c->u, c->r_t, y, s);
    mpfr_mul(c->u, c->h, c->u, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
    return;
  }
  if (c->noise) {
    mpfr_mul(c->u, c->sigma, c->z, MPFR_RNDN);
    mpfr_add(y, y, c->u, MPFR_RNDN);
  }
}

static void step_sample(step_ctx *c, long long i, mpfr_t *y)
{
  score(c, c->t, y, c->s);
  if (c->run->sampler.kind == DDPM_SAMPLER_PF_HEUN) {
    heun_step(c, y);
    return;
  }
  for (long long j = 0; j < c->tg.d; j++) update(c, i, j, y[j], c->s[j]);
}

struct ddpm_ref_sampler {
  step_ctx c;
  mpfr_prec_t prec;
  long long k;        /* the current row */
  mpfr_t *y;          /* n x d states */
  long long *ts, *ps; /* the steps' times */
  ddpm_draw_files files;
  double *draws;      /* one row of draws */
  int have_files, have_target, have_schedule;
};

void ddpm_ref_sampler_free(ddpm_ref_sampler *m)
{
  if (!m) return;
  step_ctx *c = &m->c;
  const size_t nd = (size_t)c->run->n * (size_t)c->run->d, d = (size_t)c->run->d;
  free(m->ts);
  free(m->ps);
  free(m->draws);
  mpfr_clears(c->beta_j, c->alpha_j, c->btilde_j, c->sqrt_alpha, c->sigma, c->c_eps, c->h,
              c->r_t, c->r_p, c->tau, c->u, c->w, c->z, c->score_err, (mpfr_ptr)0);
  ddpm_ref_vector_free(m->y, nd);
  ddpm_ref_vector_free(c->s, d);
  ddpm_ref_vector_free(c->s2, d);
  ddpm_ref_vector_free(c->ytil, d);
  ddpm_ref_vector_free(c->f, d);
  if (c->continuous) ddpm_ref_grid_clear(&c->grid);
  if (m->have_target) ddpm_ref_target_clear(&c->tg);
  if (m->have_schedule) ddpm_ref_schedule_free(&c->sch);
  if (m->have_files) ddpm_draw_files_close(&m->files);
  free(m);
}

/* Row 0: Y_T = draw 0 (N(0, I), or the replayed initial state). */
static int initial_row(ddpm_ref_sampler *m, ddpm_err *e)
{
  const ddpm_run *run = m->c.run;
  int rc = ddpm_ref_draws(&m->files, 0, m->draws, e);
  for (long long q = 0; rc == DDPM_OK && q < run->n * run->d; q++)
    mpfr_set_d(m->y[q], m->draws[q], MPFR_RNDN);
  return rc;
}

int ddpm_ref_sampler_new(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_sampler **out,
                         ddpm_err *e)
{
  *out = NULL;
  if (run->steps > (long long)UINT32_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--steps: %lld: more than 2^32 - 1 draws", run->steps);
  ddpm_ref_sampler *m = calloc(1, sizeof *m);
  if (!m) return ddpm_fail(e, DDPM_EINTERNAL, "oracle: out of memory");
  step_ctx *c = &m->c;
  c->run = run;
  m->prec = prec;
  const size_t nd = (size_t)run->n * (size_t)run->d, d = (size_t)run->d;
  mpfr_inits2(prec, c->beta_j, c->alpha_j, c->btilde_j, c->sqrt_alpha, c->sigma, c->c_eps,
              c->h, c->r_t, c->r_p, c->tau, c->u, c->w, c->z, c->score_err, (mpfr_ptr)0);
  ddpm_ref_score_error_value(run, c->score_err);
  int rc = ddpm_draw_files_open(&m->files, run, e);
  m->have_files = rc == DDPM_OK;
  if (rc == DDPM_OK) rc = ddpm_ref_schedule_build(&run->schedule, prec, &c->sch, e);
  m->have_schedule = m->have_files && rc == DDPM_OK;
  if (rc == DDPM_OK) rc = ddpm_ref_target_init(&run->target, prec, &c->tg, e);
  m->have_target = m->have_schedule && rc == DDPM_OK;
  if (rc == DDPM_OK) {
    c->continuous = ddpm_ref_grid_init(&run->schedule, prec, &c->grid);
    m->y = ddpm_ref_vector_new(nd, prec);
    c->s = ddpm_ref_vector_new(d, prec), c->s2 = ddpm_ref_vector_new(d, prec);
    c->ytil = ddpm_ref_vector_new(d, prec), c->f = ddpm_ref_vector_new(d, prec);
    m->ts = malloc((size_t)run->steps * sizeof *m->ts);
    m->ps = malloc((size_t)run->steps * sizeof *m->ps);
    m->draws = malloc(nd * sizeof *m->draws);
    c->draws = m->draws;
    if (!m->y || !c->s || !c->s2 || !c->ytil || !c->f || !m->ts || !m->ps || !m->draws)
      rc = ddpm_fail(e, DDPM_EINTERNAL, "oracle: out of memory for %zu values", nd);
  }
  if (rc == DDPM_OK) rc = ddpm_run_timesteps(run, m->ts, m->ps, e);
  if (rc == DDPM_OK) rc = initial_row(m, e);
  if (rc != DDPM_OK) {
    ddpm_ref_sampler_free(m);
    return rc;
  }
  *out = m;
  return DDPM_OK;
}

int ddpm_ref_sampler_step(ddpm_ref_sampler *m, ddpm_err *e)
{
  step_ctx *c = &m->c;
  const ddpm_run *run = c->run;
  if (m->k >= run->steps)
    return ddpm_fail(e, DDPM_EINTERNAL, "oracle: stepping past the last row");
  long long k = ++m->k;
  prepare_step(c, k, m->ts[k - 1], m->ps[k - 1]);
  if (c->noise) {
    int rc = ddpm_ref_draws(&m->files, k, m->draws, e);
    if (rc != DDPM_OK) return rc;
  }
  for (long long i = 0; i < run->n; i++) step_sample(c, i, m->y + i * run->d);
  return DDPM_OK;
}

/* One step of the oracle's sampler on a caller's state y (one sample) and
 * draws z, leaving the sampler's rows alone: the very prepare_step and
 * update that ddpm_ref_sampler_step runs (pf-heun and the Euler last step
 * included). For ref/rates.c: with a Gaussian target's exact score every
 * step is affine in (y, z), so evaluations at y = 0, 1 and z = 0, 1 give its
 * coefficients, exact in the reals (spec/ddpm_rates.h). */
int ddpm_ref_sampler_apply(ddpm_ref_sampler *m, long long k, mpfr_t *y, const double *z)
{
  step_ctx *c = &m->c;
  prepare_step(c, k, m->ts[k - 1], m->ps[k - 1]);
  c->draws = z;
  step_sample(c, 0, y);
  c->draws = m->draws;
  return c->noise;
}

/* The step on the probe inputs (y, s, s2, z) in every coordinate: Y_p of
 * coordinate 0 into out, and pf-heun's predictor Ytilde into pred. */
static void probe_step(ddpm_ref_sampler *m, long long k, const int in[4], mpfr_t *y, double *z,
                       mpfr_t *probe, mpfr_t out, mpfr_t pred)
{
  step_ctx *c = &m->c;
  for (long long j = 0; j < c->tg.d; j++) mpfr_set_si(y[j], in[0], MPFR_RNDN), z[j] = in[3];
  mpfr_set_si(probe[0], in[1], MPFR_RNDN);
  mpfr_set_si(probe[1], in[2], MPFR_RNDN);
  c->probe = probe;
  ddpm_ref_sampler_apply(m, k, y, z);
  c->probe = NULL;
  mpfr_set(out, y[0], MPFR_RNDN);
  mpfr_set(pred, c->ytil[0], MPFR_RNDN);
}

/* Every step is linear in (Y_t, s, s2, Z) (spec/maths.md section 4), so its
 * coefficients are its values at the unit probes less its value at 0 (which
 * is 0), exact in the reals. */
int ddpm_ref_sampler_linear(ddpm_ref_sampler *m, long long k, ddpm_ref_step_linear *L,
                            ddpm_err *e)
{
  step_ctx *c = &m->c;
  const size_t d = (size_t)c->tg.d;
  mpfr_t *y = ddpm_ref_vector_new(d, m->prec), *probe = ddpm_ref_vector_new(2, m->prec);
  mpfr_t *base = ddpm_ref_vector_new(3, m->prec);
  double *z = malloc(d * sizeof *z);
  if (!y || !probe || !base || !z) {
    ddpm_ref_vector_free(y, d), ddpm_ref_vector_free(probe, 2), ddpm_ref_vector_free(base, 3);
    free(z);
    return ddpm_fail(e, DDPM_EINTERNAL, "oracle: out of memory for %zu values", d);
  }
  static const int unit[5][4] = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0},
                                 {0, 0, 0, 1}};
  probe_step(m, k, unit[0], y, z, probe, base[0], base[1]);
  probe_step(m, k, unit[1], y, z, probe, L->a, L->a_pred);
  probe_step(m, k, unit[2], y, z, probe, L->b, L->b_pred);
  probe_step(m, k, unit[3], y, z, probe, L->e, base[2]);
  probe_step(m, k, unit[4], y, z, probe, L->c, base[2]);
  L->noise = c->noise;
  mpfr_sub(L->a, L->a, base[0], MPFR_RNDN);
  mpfr_sub(L->b, L->b, base[0], MPFR_RNDN);
  mpfr_sub(L->e, L->e, base[0], MPFR_RNDN);
  mpfr_sub(L->c, L->c, base[0], MPFR_RNDN);
  mpfr_sub(L->a_pred, L->a_pred, base[1], MPFR_RNDN);
  mpfr_sub(L->b_pred, L->b_pred, base[1], MPFR_RNDN);
  L->two_stage = c->run->sampler.kind == DDPM_SAMPLER_PF_HEUN && c->p > 0;
  if (!L->noise) mpfr_set_zero(L->c, 1);
  if (!L->two_stage) {
    mpfr_set_zero(L->e, 1), mpfr_set_zero(L->a_pred, 1), mpfr_set_zero(L->b_pred, 1);
  }
  ddpm_ref_vector_free(y, d), ddpm_ref_vector_free(probe, 2), ddpm_ref_vector_free(base, 3);
  free(z);
  return DDPM_OK;
}

long long ddpm_ref_sampler_row(const ddpm_ref_sampler *m) { return m->k; }
mpfr_t *ddpm_ref_sampler_state(const ddpm_ref_sampler *m) { return m->y; }

static int emit_row(const ddpm_ref_sampler *m, ddpm_ref_emit emit, void *ctx)
{
  const ddpm_run *run = m->c.run;
  for (long long i = 0; i < run->n; i++)
    for (long long j = 0; j < run->d; j++) {
      int rc = emit(ctx, m->k, i, j, m->y[i * run->d + j]);
      if (rc != DDPM_OK) return rc;
    }
  return DDPM_OK;
}

int ddpm_ref_run(const ddpm_run *run, mpfr_prec_t prec, ddpm_ref_emit emit, void *ctx,
                 ddpm_err *e)
{
  ddpm_ref_sampler *m;
  int rc = ddpm_ref_sampler_new(run, prec, &m, e);
  if (rc != DDPM_OK) return rc;
  rc = emit_row(m, emit, ctx);
  while (rc == DDPM_OK && m->k < run->steps) {
    rc = ddpm_ref_sampler_step(m, e);
    if (rc == DDPM_OK) rc = emit_row(m, emit, ctx);
  }
  if (rc != DDPM_OK && e && e->msg[0] == '\0')
    ddpm_fail(e, rc, "oracle: writing the trajectory failed");
  ddpm_ref_sampler_free(m);
  mpfr_free_cache();
  return rc;
}
