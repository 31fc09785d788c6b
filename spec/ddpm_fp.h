/* ddpm_fp.h: the binary64 fast path.
 *
 * Same mathematics as the oracle (ddpm_ref.h), written separately for
 * throughput. Arrays indexed by the diffusion time t run over 0..T, with
 * t = 0 the data end (abar_0 = 1). */
#ifndef DDPM_FP_H
#define DDPM_FP_H

#include <stdint.h>

#include "ddpm_error.h"
#include "ddpm_model.h"
#include "ddpm_fp_affine.h"
#include "schedule.acsl"

typedef struct {
  long long T;
  double *beta;     /* beta[1..T]; beta[0] = 0 */
  double *alpha;    /* 1 - beta_t */
  double *abar;     /* abar[0] = 1; may round to 1.0 where 1 - abar_t < 2^-54 */
  double *oma;      /* 1 - abar_t, carried by its own recurrence (no cancellation) */
  double *log_abar; /* log abar_t = log1p(-(1 - abar_t)) */
  double *btilde;   /* posterior variance beta_t (1 - abar_{t-1})/(1 - abar_t) */
  double *snr;      /* abar_t / (1 - abar_t); snr[0] = +inf */
  double *sqrt_abar, *sqrt_oma; /* sqrt(abar_t), sqrt(1 - abar_t) */
} ddpm_fp_schedule;

/* Linear schedule in binary64: beta_t = bmin + (bmax - bmin) (t-1)/(T-1),
 * abar_t = abar_{t-1} (1 - beta_t), each operation rounded to nearest.
 * Proved (WP float model + Eva, proofs/) on the domain below; outside it the
 * same code runs and ddpm_fp_schedule_build checks the invariants at run time. */
/*@ requires T_rng:     2 <= T <= DDPM_LINEAR_PROVED_TMAX;
    requires finite:    \is_finite(bmin) && \is_finite(bmax);
    requires bmin_rng:  0x1p-17 <= bmin <= 0x1p-10;
    requires bmax_rng:  0x1p-10 <= bmax <= 0x1.999999999999ap-5;
    requires valid:     \valid(beta + (0 .. T)) && \valid(abar + (0 .. T));
    requires sep:       \separated(beta + (0 .. T), abar + (0 .. T));
    assigns beta[0 .. T], abar[0 .. T];
    ensures beta_rng:   beta_valid(beta, T);
    ensures abar_rng:   abar_valid(abar, T);
*/
void ddpm_fp_linear_fill(int T, double bmin, double bmax, double *beta, double *abar);

/* Beta builders of the other schedules (spec/maths.md section 2), each
 * filling beta[1..T] in binary64 without cancellation. The contracts below
 * are proved (proofs/: WP float model + Eva, under the libm assumptions of
 * proofs/libm_assumptions.h) on the stated parameter boxes; outside them the
 * same code runs and ddpm_fp_schedule_build checks the invariants at run time. */
/*@ requires T_rng:    2 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite:   \is_finite(bmin) && \is_finite(bmax);
    requires bmin_rng: 0x1p-20 <= bmin <= 0x1p-8;
    requires bmax_rng: 0x1p-8 <= bmax <= 0x1.8p-1;
    requires valid:    \valid(beta + (0 .. T));
    assigns beta[0 .. T];
    ensures beta_rng:  beta_finite(beta, T);
*/
void ddpm_fp_scaled_linear_betas(long long T, double bmin, double bmax, double *beta);
/*@ requires T_rng:        2 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite:       \is_finite(s) && \is_finite(max_beta);
    requires s_rng:        0x1p-10 <= s <= 0x1p10;
    requires max_beta_rng: 0x1p-1022 <= max_beta <= 0x1.fffffffffffffp-1;
    requires valid:        \valid(beta + (0 .. T));
    assigns beta[0 .. T];
    ensures beta_rng:      beta_finite(beta, T);
*/
void ddpm_fp_cosine_betas(long long T, double s, double max_beta, double *beta);
/*@ requires T_rng:  64 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite: \is_finite(c0) && \is_finite(c1);
    requires c0_rng: 0x1p-4 <= c0 <= 64.0;
    requires c1_rng: 0x1p-4 <= c1 <= 6.0;
    requires valid:  \valid(beta + (0 .. T));
    assigns beta[0 .. T];
    ensures beta_rng: beta_finite(beta, T);
*/
void ddpm_fp_li_yan_betas(long long T, double c0, double c1, double *beta);
/* lcw is defined through abar: fills beta, abar and 1 - abar directly.
 * Proved (proofs/, run 14: WP float model, libm through L4, L6, L7) on the
 * box below: every value finite, abar_t in [2^-866, 1] non-increasing,
 * 1 - abar_t in [0, 1] non-decreasing, beta_t in [0, 1] for t >= 2 and
 * beta_1 = 1 - abar_1. Not proved: 1 - abar_t > 0 and beta_t > 0 (a product
 * of up to T factors 1 - k abar could underflow), beta_t < 1; the schedule
 * check (1 - abar_1 <= 0.01) and check_invariants decide them at run time. */
/*@ requires T_rng:  100 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite: \is_finite(c0) && \is_finite(c1);
    requires c0_rng: 0x1p-4 <= c0 <= 64.0;
    requires c1_rng: 0x1p-4 <= c1 <= 10.0;
    requires valid:  \valid(beta + (0 .. T)) && \valid(abar + (0 .. T)) &&
                     \valid(oma + (0 .. T));
    requires sep:    \separated(beta + (0 .. T), abar + (0 .. T), oma + (0 .. T));
    assigns beta[0 .. T], abar[0 .. T], oma[0 .. T];
    ensures beta_rng: beta[0] == 0.0 && beta[1] == oma[1] &&
                      \forall integer t; 2 <= t <= T ==>
                        \is_finite(beta[t]) && 0.0 <= beta[t] <= 1.0;
    ensures abar_rng: abar_nonincr(abar, T) &&
                      \forall integer t; 1 <= t <= T ==> 0x1p-866 <= abar[t];
    ensures oma_rng:  oma[0] == 0.0 &&
                      \forall integer t; 1 <= t <= T ==>
                        \is_finite(oma[t]) && 0.0 <= oma[t] <= 1.0 && oma[t-1] <= oma[t];
*/
void ddpm_fp_lcw_fill(long long T, double c0, double c1, double *beta, double *abar,
                      double *oma);

/* Continuous schedules on their grid (spec/maths.md section 2): fill beta,
 * abar and 1 - abar from the integrated rate B (scratch arrays B, dB of T+1). */
/*@ requires T_rng:    2 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite:   \is_finite(bmin) && \is_finite(bmax) && \is_finite(eps);
    requires bmin_rng: 0x1p-10 <= bmin <= 1.0;
    requires bmax_rng: 1.0 <= bmax <= 20.0;
    requires eps_rng:  0x1p-30 <= eps <= 0x1p-2;
    requires valid:    \valid(beta + (0 .. T)) && \valid(abar + (0 .. T)) &&
                       \valid(oma + (0 .. T)) && \valid(B + (0 .. T)) && \valid(dB + (0 .. T));
    requires sep:      \separated(beta + (0 .. T), abar + (0 .. T), oma + (0 .. T),
                                   B + (0 .. T), dB + (0 .. T));
    assigns beta[0 .. T], abar[0 .. T], oma[0 .. T], B[1 .. T], dB[1 .. T];
    ensures beta_rng:  beta_finite(beta, T);
    ensures abar_rng:  abar_oma_finite(abar, oma, T);
*/
void ddpm_fp_vp_fill(long long T, double bmin, double bmax, double eps, double *beta,
                     double *abar, double *oma, double *B, double *dB);
/*@ requires T_rng:       2 <= T <= DDPM_SCHED_PROVED_TMAX;
    requires finite:      \is_finite(horizon) && \is_finite(eps);
    requires horizon_rng: 0.5 <= horizon <= 16.0;
    requires eps_rng:     0x1p-30 <= eps <= 0x1p-2;
    requires valid:       \valid(beta + (0 .. T)) && \valid(abar + (0 .. T)) &&
                          \valid(oma + (0 .. T)) && \valid(B + (0 .. T)) && \valid(dB + (0 .. T));
    requires sep:         \separated(beta + (0 .. T), abar + (0 .. T), oma + (0 .. T),
                                      B + (0 .. T), dB + (0 .. T));
    assigns beta[0 .. T], abar[0 .. T], oma[0 .. T], B[1 .. T], dB[1 .. T];
    ensures beta_rng:     beta_finite(beta, T);
    ensures abar_rng:     abar_oma_finite(abar, oma, T);
*/
void ddpm_fp_ou_fill(long long T, double horizon, double eps, double *beta, double *abar,
                     double *oma, double *B, double *dB);

/* Builds the schedule of a validated spec and its derived columns; checks
 * at run time what binary64 can hold: 0 < beta_t < 1, 1 - abar_t in (0, 1]
 * non-decreasing (it saturates at 1.0 where abar_t < 2^-54), abar_t in (0, 1]
 * non-increasing (1.0 where 1 - abar_t < 2^-54), 0 <= betatilde_t <=
 * beta_t (exit 2 otherwise, e.g. when abar_T underflows). */
int ddpm_fp_schedule_build(const ddpm_spec *spec, ddpm_fp_schedule *s, ddpm_err *e);
void ddpm_fp_schedule_free(ddpm_fp_schedule *s);

/* Coefficients of a jump from t to an earlier p (0 <= p < t <= T):
 * beta_jump = 1 - abar_t/abar_p = 1 - prod_{p<s<=t} (1 - beta_s), accumulated as
 * q <- q + (1 - q) beta_s (positive terms: no cancellation; p = t - 1 gives beta_t
 * exactly), alpha_jump = 1 - beta_jump.
 * Proved (proofs/, WP float model): in binary64 beta_jump is in (0, 1] and
 * alpha_jump in [0, 1]; beta_jump can round to exactly 1 (then alpha_jump =
 * 0) when the product of the jump's alphas is below about 2^-54, which
 * ddpm_fp_plan_step refuses; a nonzero alpha_jump is >= 2^-53. */
/*@ requires t_rng:    0 <= p < t <= s->T <= DDPM_T_MAX;
    requires valid:    \valid_read(s) && \valid_read(s->beta + (p + 1 .. t));
    requires out:      \valid(beta_jump) && \valid(alpha_jump);
    requires sep:      \separated(beta_jump, alpha_jump, s, s->beta + (p + 1 .. t));
    requires beta_rng: \forall integer r; p < r <= t ==>
                         \is_finite(s->beta[r]) && 0.0 < s->beta[r] < 1.0;
    assigns *beta_jump, *alpha_jump;
    ensures beta_j:      \is_finite(*beta_jump) && 0.0 < *beta_jump <= 1.0;
    ensures alpha_j:     \is_finite(*alpha_jump) && 0.0 <= *alpha_jump <= 1.0;
    ensures one_step:    t == p + 1 ==> *beta_jump == s->beta[t];
    ensures alpha_exact: *beta_jump >= 0.5 ==> *alpha_jump == 1.0 - *beta_jump;
    ensures alpha_err:   \abs(*alpha_jump - (1.0 - *beta_jump)) <= 0x1p-53;
    ensures alpha_zero:  *alpha_jump == 0.0 <==> *beta_jump == 1.0;
    ensures alpha_min:   *alpha_jump != 0.0 ==> *alpha_jump >= 0x1p-53;
*/
void ddpm_fp_jump(const ddpm_fp_schedule *s, long long t, long long p, double *beta_jump,
                  double *alpha_jump);

/* Gaussian draws z[0..d-1] of (seed, sample i, draw r): Box-Muller on the
 * addressed Philox stream (ddpm_fp_box_muller_lanes below). */
void ddpm_fp_gaussians(uint64_t seed, uint64_t i, uint32_t r, long long d, double *z);

/* The fast path's SIMD loops are built twice on x86-64 with GCC, for the
 * baseline (SSE2) and for AVX2, and the dynamic loader picks one
 * (target_clones). Both give the same values: the clones differ only in
 * vector width, every operation is IEEE-rounded (no FMA: AVX2 does not imply
 * it, and -ffp-contract=off), and no sum is reassociated. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__)
#define DDPM_FP_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DDPM_FP_SIMD_CLONES
#endif

/* u1[l], u2[l] <- ddpm_noise_words(seed, i, r, 2 (first + l)) for l = 0 ..
 * DDPM_FP_PHILOX_LANES - 1 (the pairs first, first + 1, ...), in SIMD lanes. */
#define DDPM_FP_PHILOX_LANES 8
void ddpm_fp_noise_words_lanes(uint64_t seed, uint64_t i, uint32_t r, uint32_t first,
                               uint64_t *u1, uint64_t *u2);

/* Box-Muller in lanes (fp/fp_boxmuller.c, error bounds stated there): for
 * l < DDPM_FP_PHILOX_LANES, with U = u 2^-53 + 2^-54 (rounded),
 * zc[l], zs[l] = sqrt(-2 log U1) (cos, sin)(2 pi U2) of the words u1[l], u2[l]. */
void ddpm_fp_box_muller_lanes(const uint64_t *u1, const uint64_t *u2, double *zc, double *zs);
/* The routines it uses, for the tests: y[l] = ln x[l], x[l] in [2^-54, 1]
 * (within 3 u |ln x|), and sin, cos of 2 pi x[l], x[l] in [0, 1] (within
 * 2.25 u relative), u = 2^-53. */
void ddpm_fp_log_unit_lanes(const double *x, double *y);
void ddpm_fp_sincos_2pi_lanes(const double *x, double *sine, double *cosine);

/* The schedule at one time t, as the score needs it. */
typedef struct {
  double abar, oma, sqrt_abar, sqrt_oma; /* abar_t, 1 - abar_t and their roots */
} ddpm_fp_time;

/* A Gaussian-mixture target (spec/maths.md section 3): K components in
 * dimension d, log pi_k of the normalised weights, means and variances
 * K x d component-major. */
typedef struct {
  long long K, d;
  double *log_pi, *mean, *var;
} ddpm_fp_target;

int ddpm_fp_target_init(const ddpm_spec *spec, ddpm_fp_target *tg, ddpm_err *e);
void ddpm_fp_target_free(ddpm_fp_target *tg);

/* The forward marginal of the target at one time t: means m = sqrt(abar_t) mu,
 * variances v = abar_t s2 + (1 - abar_t) and (K > 1) their logarithms, K x d
 * component-major, and again d x K coordinate-major (the *_jk tables, for
 * SIMD over components). Computed once per step, shared by every sample. */
typedef struct {
  double *m, *v, *log_v;
  double *m_jk, *v_jk, *log_v_jk;
} ddpm_fp_marginal;

int ddpm_fp_marginal_alloc(const ddpm_fp_target *tg, ddpm_fp_marginal *mg);
void ddpm_fp_marginal_free(ddpm_fp_marginal *mg);
void ddpm_fp_marginal_at(const ddpm_fp_target *tg, const ddpm_fp_time *at,
                         ddpm_fp_marginal *mg);

/* Exact score of the forward marginal mg (ddpm_fp_marginal_at):
 * s[j] = d/dx_j log p_t(x), responsibilities by log-sum-exp; resp is scratch
 * of K doubles. */
void ddpm_fp_target_score(const ddpm_fp_target *tg, const ddpm_fp_marginal *mg,
                          const double *x, double *s, double *resp);

/* --score-error applied to a score vector: s + B, or s (1 + R). */
void ddpm_fp_score_perturb(const ddpm_run *run, long long d, double *s);

/* Conversions at time t between the score and the epsilon-, x0- and
 * v-predictions, per coordinate (spec/maths.md section 3). */
double ddpm_fp_score_to_eps(const ddpm_fp_time *at, double s);
double ddpm_fp_eps_to_score(const ddpm_fp_time *at, double eps);
double ddpm_fp_score_to_x0(const ddpm_fp_time *at, double x, double s);
double ddpm_fp_x0_to_score(const ddpm_fp_time *at, double x, double x0);
double ddpm_fp_score_to_v(const ddpm_fp_time *at, double x, double s);
double ddpm_fp_v_to_score(const ddpm_fp_time *at, double x, double v);

/* The time grid of the continuous schedules vp and ou (spec/maths.md
 * sections 2 and 4): tau_0 = 0, tau_k = eps + (end - eps)(k - 1)/(T - 1), rate
 * r(tau) = rate0 + slope tau (vp: beta_min + (beta_max - beta_min) tau; ou: 2). */
typedef struct {
  long long T;
  double eps, end, rate0, slope;
} ddpm_fp_grid;

/* Fills g from a vp or ou schedule spec; returns 0 for any other schedule. */
int ddpm_fp_grid_init(const ddpm_spec *schedule, ddpm_fp_grid *g);
double ddpm_fp_grid_tau(const ddpm_fp_grid *g, long long t);
/* tau_t - tau_p formed directly: (end - eps)/(T - 1) (t - p), or tau_t if p = 0 */
double ddpm_fp_grid_width(const ddpm_fp_grid *g, long long t, long long p);
double ddpm_fp_grid_rate(const ddpm_fp_grid *g, double tau);

/* One planned reverse step from t to p (spec/maths.md section 4): where the
 * score is evaluated and the affine coefficients, Y_p = a Y_t + b s + c Z;
 * pf-heun adds its corrector Y_p = a2 Y_t + b2 s_t + (q Ytilde + q s_p(Ytilde))
 * (not on the last step). A draw is made where c != 0. */
typedef struct {
  ddpm_fp_time at;   /* the score's time t */
  ddpm_fp_affine k;  /* the step (pf-heun: its Euler predictor) */
  int heun;          /* pf-heun's corrector follows */
  ddpm_fp_time ap;   /* pf-heun: the time p of the second score */
  ddpm_fp_affine k2; /* pf-heun: a2, b2 (c = 1) */
  double q;
} ddpm_fp_step_plan;

/* Plans the step t -> p of a checked run on its schedule; g is the grid of a
 * continuous schedule (ddpm_fp_grid_init), ignored otherwise. Fails (exit
 * code 2) when a coefficient is not finite in binary64: a jump whose
 * alpha_j = 1 - beta_j rounds to 0. */
int ddpm_fp_plan_step(const ddpm_run *run, const ddpm_fp_schedule *sch, const ddpm_fp_grid *g,
                      long long t, long long p, ddpm_fp_step_plan *c, ddpm_err *e);

/* Receives row k = 0..steps of the run (n x d values, C order) as soon as
 * every sample has reached it. Returns DDPM_OK or an error code to stop. */
typedef int (*ddpm_fp_emit)(void *ctx, long long k, const double *row, ddpm_err *e);

/* Runs the sampler, all samples advancing together one step at a time, in
 * O(n d) memory. threads >= 1 splits the samples of each step; the output
 * does not depend on it (every draw is addressed). Replay files
 * (run->noise_path, x_init_path) replace the Philox draws they hold. */
int ddpm_fp_run_rows(const ddpm_run *run, int threads, ddpm_fp_emit emit, void *ctx,
                     ddpm_err *e);

/* The same, collecting: traj, if not NULL, receives the whole trajectory
 * (steps+1, n, d) in C order; final receives the last row (n, d). */
int ddpm_fp_run(const ddpm_run *run, int threads, double *traj, double *final,
                ddpm_err *e);

#endif
