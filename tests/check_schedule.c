/* check_schedule.c: every schedule in both engines.
 *  - the oracle against an independent mpmath program's tables (40 digits);
 *  - the oracle against closed forms (sums, the cosine abar, lcw's abar_T);
 *  - the fast path against the oracle within the a-priori bound of
 *    tests/schedule_bound.c, per t and per column (the README's table);
 *  - binary64's invariants, and refusal of what binary64 cannot hold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"
#include "ddpm_schedule_file.h"
#include "ddpm_spacing.h"
#include "ddpm_ulps.h"
#include "schedule_bound.h"

static const char *cases[] = {
  "linear",
  "linear:T=2",
  "linear:T=50,beta_min=0.001,beta_max=0.2",
  "linear:T=10000,beta_min=0.00001,beta_max=0.001",
  "linear:T=300,beta_min=0.02,beta_max=0.02",
  "linear:T=100,beta_min=0.1,beta_max=0.9", /* outside the proved domain */
  "scaled-linear",
  "scaled-linear:T=4000,beta_min=0.0001,beta_max=0.02",
  "cosine",
  "cosine:T=100",
  "cosine:T=1000,s=0.1,max_beta=0.5",
  "cosine:T=20000",
  "li-yan",
  "li-yan:T=100",
  "li-yan:T=1000,c0=1,c1=6",
  "lcw",
  "lcw:T=1000,c0=2,c1=10",
  "lcw:T=100,c0=1,c1=5",
  "file:tests/data/betas_small.txt",
  "file:tests/data/betas_switch.txt", /* abar crosses 1/2 within the drift */
  "vp",
  "vp:T=50,beta_min=0.1,beta_max=20,eps=0.00001",
  "ou",
  "ou:T=100,horizon=10,eps=0.01",
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

static const char *col_names[SB_NCOL] = {"beta", "alpha", "abar", "1-abar", "betatilde",
                                         "snr", "log_abar", "sqrt_abar", "sqrt_1-abar"};

static void build_both(const char *text, ddpm_spec *spec, ddpm_fp_schedule *f,
                       ddpm_ref_schedule *r)
{
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, text, spec, &e) == DDPM_OK, "%s", e.msg);
  ck_assert_msg(ddpm_fp_schedule_build(spec, f, &e) == DDPM_OK, "%s: %s", text, e.msg);
  ck_assert_msg(ddpm_ref_schedule_build(spec, 256, r, &e) == DDPM_OK, "%s: %s", text, e.msg);
}

static double *fp_cols(const ddpm_fp_schedule *f, int c)
{
  double *cols[SB_NCOL] = {f->beta, f->alpha, f->abar, f->oma, f->btilde, f->snr, f->log_abar,
                           f->sqrt_abar, f->sqrt_oma};
  return cols[c];
}

static mpfr_t *ref_cols(const ddpm_ref_schedule *r, int c)
{
  mpfr_t *cols[SB_NCOL] = {r->beta, r->alpha, r->abar, r->oma, r->btilde, r->snr, r->log_abar,
                           r->sqrt_abar, r->sqrt_oma};
  return cols[c];
}

/* |fp - ref|, relative to |ref| (absolute for log abar) */
static double error_of(double fp, mpfr_srcptr ref, int relative)
{
  mpfr_t d;
  mpfr_init2(d, 128);
  mpfr_sub_d(d, ref, fp, MPFR_RNDN);
  if (relative && !mpfr_zero_p(ref)) mpfr_div(d, d, ref, MPFR_RNDN);
  double x = fabs(mpfr_get_d(d, MPFR_RNDN));
  mpfr_clear(d);
  return x;
}

static double ulp_of(double x)
{
  int ex;
  frexp(x, &ex);
  return ldexp(1.0, ex - 53);
}

START_TEST(fast_path_within_a_priori_bound)
{
  ddpm_spec spec;
  ddpm_fp_schedule f;
  ddpm_ref_schedule r;
  build_both(cases[_i], &spec, &f, &r);
  long long T = f.T;
  double *ex[SB_NCOL], *bound[SB_NCOL], max_ulps[SB_NCOL] = {0}, max_bound_ulps[SB_NCOL] = {0};
  for (int c = 0; c < SB_NCOL; c++) {
    ex[c] = malloc((size_t)(T + 1) * sizeof(double));
    bound[c] = malloc((size_t)(T + 1) * sizeof(double));
    for (long long t = 0; t <= T; t++) ex[c][t] = mpfr_get_d(ref_cols(&r, c)[t], MPFR_RNDN);
  }
  schedule_error_bounds(&spec, ex, bound);
  for (long long t = 1; t <= T; t++)
    for (int c = 0; c < SB_NCOL; c++) {
      int relative = c != SB_LOG_ABAR;
      double fp = fp_cols(&f, c)[t];
      double err = error_of(fp, ref_cols(&r, c)[t], relative);
      ck_assert_msg(err <= bound[c][t], "%s t=%lld %s: error %g > bound %g", cases[_i], t,
                    col_names[c], err, bound[c][t]);
      double x = ex[c][t], scale = relative ? fabs(x) : 1.0;
      if (x != 0) {
        double bu = bound[c][t] * scale / ulp_of(x);
        if (bu > max_bound_ulps[c]) max_bound_ulps[c] = bu;
        double u = ddpm_ulps_between(fp, x);
        if (u > max_ulps[c]) max_ulps[c] = u;
      }
    }
  printf("schedule %-48s ulps (observed/bound):", cases[_i]);
  for (int c = 0; c < SB_NCOL; c++)
    printf(" %s %.0f/%.0f", col_names[c], max_ulps[c], ceil(max_bound_ulps[c]));
  printf("\n");
  /* binary64's invariants (ddpm_fp.h) */
  for (long long t = 1; t <= T; t++) {
    ck_assert(f.beta[t] > 0 && f.beta[t] < 1 && f.abar[t] > 0 && f.abar[t] <= f.abar[t - 1]);
    ck_assert(f.oma[t] >= f.oma[t - 1] && f.oma[t] <= 1 && f.btilde[t] <= f.beta[t]);
  }
  for (int c = 0; c < SB_NCOL; c++) { free(ex[c]); free(bound[c]); }
  ddpm_fp_schedule_free(&f);
  ddpm_ref_schedule_free(&r);
}
END_TEST

/* The oracle against mpmath's tables, every column to 37 digits. */
static const struct { const char *spec, *csv; } tables[] = {
  {"linear:T=50", "linear_T50.csv"},
  {"scaled-linear:T=50", "scaled-linear_T50.csv"},
  {"cosine:T=100", "cosine_T100.csv"},
  {"li-yan:T=100", "li-yan_T100.csv"},
  {"lcw:T=100", "lcw_T100.csv"},
  {"file:tests/data/betas_small.txt", "file_betas_small.csv"},
};

START_TEST(oracle_equals_mpmath_tables)
{
  ddpm_spec spec;
  ddpm_ref_schedule r;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, tables[_i].spec, &spec, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  char path[256], line[2048];
  snprintf(path, sizeof path, "tests/data/schedules_mpmath/%s", tables[_i].csv);
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "%s missing", path);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
  mpfr_t mp, d;
  mpfr_inits2(256, mp, d, (mpfr_ptr)0);
  long long rows = 0;
  while (fgets(line, sizeof line, f)) {
    char *tok = strtok(line, ",\n");
    long long t = atoll(tok);
    ck_assert_int_eq(t, ++rows);
    for (int c = 0; c < SB_LOG_ABAR + 1; c++) { /* the columns mpmath's tables have */
      tok = strtok(NULL, ",\n");
      ck_assert_ptr_nonnull(tok);
      mpfr_set_str(mp, tok, 10, MPFR_RNDN);
      mpfr_sub(d, ref_cols(&r, c)[t], mp, MPFR_RNDN);
      if (!mpfr_zero_p(mp)) mpfr_div(d, d, mp, MPFR_RNDN);
      ck_assert_msg(mpfr_cmpabs(d, mp) <= 0 || mpfr_zero_p(mp), "row %lld", t);
      ck_assert_msg(fabs(mpfr_get_d(d, MPFR_RNDN)) <= 1e-37, "%s t=%lld %s: oracle off by %g",
                    tables[_i].csv, t, col_names[c], mpfr_get_d(d, MPFR_RNDN));
    }
  }
  fclose(f);
  ck_assert_int_eq(rows, r.T);
  mpfr_clears(mp, d, (mpfr_ptr)0);
  ddpm_ref_schedule_free(&r);
}
END_TEST

static void assert_tiny(mpfr_srcptr x, const char *what, long long t)
{
  ck_assert_msg(mpfr_cmp_d(x, 0x1p-240) <= 0 && mpfr_cmp_d(x, -0x1p-240) >= 0,
                "%s at t=%lld: %g", what, t, mpfr_get_d(x, MPFR_RNDN));
}

/* Closed forms the oracle must meet to its precision. */
START_TEST(oracle_closed_forms)
{
  ddpm_spec spec;
  ddpm_ref_schedule r;
  ddpm_err e = {{0}};
  mpfr_t x, y, z;
  mpfr_inits2(512, x, y, z, (mpfr_ptr)0);
  /* every schedule: abar + (1 - abar) = 1, though carried separately */
  for (int q = 0; q < NCASES; q++) {
    ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, cases[q], &spec, &e), 0);
    ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
    for (long long t = 1; t <= r.T; t++) {
      mpfr_add(x, r.abar[t], r.oma[t], MPFR_RNDN);
      mpfr_sub_ui(x, x, 1, MPFR_RNDN);
      assert_tiny(x, "abar + (1 - abar) - 1", t);
    }
    ddpm_ref_schedule_free(&r);
  }
  /* linear: sum_t beta_t = T (beta_min + beta_max)/2 */
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, "linear:T=777,beta_min=0.0003,beta_max=0.03", &spec, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  mpfr_set_zero(x, 1);
  for (long long t = 1; t <= r.T; t++) mpfr_add(x, x, r.beta[t], MPFR_RNDN);
  mpfr_set_str(y, "0.0303", 10, MPFR_RNDN);
  mpfr_mul_ui(y, y, 777, MPFR_RNDN);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  mpfr_sub(x, x, y, MPFR_RNDN);
  assert_tiny(x, "sum of linear betas", 777);
  ddpm_ref_schedule_free(&r);
  /* cosine: where nothing is clipped, abar_t = f(t/T)/f(0), a different
   * formula from the oracle's product of (1 - beta) */
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, "cosine:T=500", &spec, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  for (long long t = 1; t < r.T; t++) { /* t = T is clipped */
    mpfr_const_pi(y, MPFR_RNDN);
    mpfr_set_si(x, t, MPFR_RNDN);
    mpfr_div_si(x, x, r.T, MPFR_RNDN);
    mpfr_set_str(z, "0.008", 10, MPFR_RNDN);
    mpfr_add(x, x, z, MPFR_RNDN);
    mpfr_mul(x, x, y, MPFR_RNDN);
    mpfr_add_ui(z, z, 1, MPFR_RNDN);
    mpfr_mul_ui(z, z, 2, MPFR_RNDN);
    mpfr_div(x, x, z, MPFR_RNDN);             /* theta(t/T) */
    mpfr_set_str(y, "0.008", 10, MPFR_RNDN);
    mpfr_const_pi(z, MPFR_RNDN);
    mpfr_mul(y, y, z, MPFR_RNDN);
    mpfr_set_str(z, "2.016", 10, MPFR_RNDN);
    mpfr_div(y, y, z, MPFR_RNDN);             /* theta(0) */
    mpfr_cos(x, x, MPFR_RNDN);
    mpfr_cos(y, y, MPFR_RNDN);
    mpfr_div(x, x, y, MPFR_RNDN);
    mpfr_sqr(x, x, MPFR_RNDN);
    mpfr_div(x, x, r.abar[t], MPFR_RNDN);
    mpfr_sub_ui(x, x, 1, MPFR_RNDN);
    assert_tiny(x, "cosine abar_t / (f(t/T)/f(0)) - 1", t);
  }
  ddpm_ref_schedule_free(&r);
  /* vp and ou: log abar_T = -B(end) exactly (vp: beta_min + (beta_max - beta_min)/2 =
   * 10.05; ou: 2 horizon = 10), and prod_{j<=k} (1 - beta_j) = abar_k although beta
   * comes from increments of B and abar from B itself */
  const char *cont[2] = {"vp", "ou:horizon=5"};
  for (int q = 0; q < 2; q++) {
    ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, cont[q], &spec, &e), 0);
    ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
    mpfr_set_str(y, q == 0 ? "10.05" : "10", 10, MPFR_RNDN);
    mpfr_add(x, r.log_abar[r.T], y, MPFR_RNDN);
    assert_tiny(x, "log abar_T + B(end)", r.T);
    mpfr_set_ui(y, 1, MPFR_RNDN);
    for (long long t = 1; t <= r.T; t++) {
      mpfr_ui_sub(z, 1, r.beta[t], MPFR_RNDN);
      mpfr_mul(y, y, z, MPFR_RNDN);
      mpfr_div(x, y, r.abar[t], MPFR_RNDN);
      mpfr_sub_ui(x, x, 1, MPFR_RNDN);
      assert_tiny(x, "prod (1 - beta) / abar - 1", t);
    }
    ddpm_ref_schedule_free(&r);
  }
  /* lcw: abar_T = T^-c0 = 1/T^2 at c0 = 2 */
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, "lcw:T=100,c0=2,c1=10", &spec, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  mpfr_mul_ui(x, r.abar[100], 10000, MPFR_RNDN);
  mpfr_sub_ui(x, x, 1, MPFR_RNDN);
  assert_tiny(x, "lcw abar_T T^c0 - 1", 100);
  ddpm_ref_schedule_free(&r);
  mpfr_clears(x, y, z, (mpfr_ptr)0);
}
END_TEST

/* Parameters and files binary64 or the maths cannot take: exit code 2 and
 * a message naming the cause. */
static const struct { const char *spec, *file_text, *must_mention; } refused[] = {
  {"linear:T=100000,beta_min=0.5,beta_max=0.99", NULL, "underflows"},
  {"li-yan:T=1000,c0=2,c1=2.5", NULL, "too small"},
  {"li-yan:T=10,c0=2,c1=9", NULL, "must be in (0, 1)"},
  {"lcw:T=100,c0=2,c1=2.5", NULL, "too small"},
  {"lcw:T=10,c0=2,c1=5", NULL, "must be in (0, 1)"},
  {"cosine:max_beta=1", NULL, "max_beta"},
  {"cosine:s=-0.1", NULL, "s=-0.1"},
  {"vp:eps=1", NULL, "eps=1"},
  {"vp:beta_min=5,beta_max=1", NULL, "beta_min=5"},
  {"ou:horizon=400", NULL, "horizon=400"},
  {"ou:eps=0", NULL, "eps=0"},
  {"file:", NULL, "file name"},
  {"file:/nonexistent/betas.txt", NULL, "cannot open"},
  {"file:@", "0.1\n\n0.2\n", "line 2: empty line"},
  {"file:@", "0.1\n0.2 0.3\n", "line 2"},
  {"file:@", "0.1\n0.2x\n", "line 2"},
  {"file:@", "0.1\nnan\n", "line 2"},
  {"file:@", "0.1\n1.5\n", "not in (0, 1)"},
  {"file:@", "0.1\n0\n", "not in (0, 1)"},
  {"file:@", "0.1\n", "need at least 2"},
  {"file:@", "", "need at least 2"},
  {"file:@", "0.1\n\x01\x02\xff\n", "line 2"},
};

START_TEST(refused_with_reason)
{
  char spec_text[256], dir[64];
  const char *text = refused[_i].spec;
  if (refused[_i].file_text) {
    test_scratch_dir(dir, sizeof dir);
    snprintf(spec_text, sizeof spec_text, "file:%s/betas.txt", dir);
    FILE *f = fopen(spec_text + 5, "w");
    fputs(refused[_i].file_text, f);
    fclose(f);
    text = spec_text;
  }
  ddpm_spec spec;
  ddpm_err e = {{0}};
  int rc = ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, text, &spec, &e);
  if (rc == DDPM_OK) { /* only binary64 can refuse it */
    ddpm_fp_schedule f;
    rc = ddpm_fp_schedule_build(&spec, &f, &e);
  }
  ck_assert_msg(rc == DDPM_EINPUT, "%s: accepted", text);
  ck_assert_msg(strstr(e.msg, refused[_i].must_mention) != NULL, "%s: '%s' lacks '%s'", text,
                e.msg, refused[_i].must_mention);
  ck_assert_msg(strchr(e.msg, '\n') == NULL, "not one line: %s", e.msg);
}
END_TEST

/* What users write and expect to work: comments, CRLF, spaces, no final newline. */
START_TEST(file_accepts_usual_forms)
{
  char dir[64], path[128], spec_text[160];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/betas.txt", dir);
  FILE *f = fopen(path, "w");
  fputs("# my schedule\r\n 0.001\r\n0.002  \n\t0.5e-2\n0.01", f);
  fclose(f);
  snprintf(spec_text, sizeof spec_text, "file:%s", path);
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, spec_text, &spec, &e) == 0, "%s", e.msg);
  ck_assert_int_eq(ddpm_schedule_T(&spec), 4);
  ddpm_fp_schedule fs;
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &fs, &e), 0);
  ck_assert(fs.beta[1] == 0.001 && fs.beta[3] == 0.005 && fs.beta[4] == 0.01);
  ddpm_fp_schedule_free(&fs);
}
END_TEST

/* Spacings and jump coefficients against mpmath's tables: the same
 * timesteps, predecessors, and the oracle's alpha_jump, beta_jump and
 * betatilde_jump to 37 digits on the linear schedule at the same T. */
static const char *spacing_tables[] = {
  "leading_o0_T1000_K50", "leading_o0_T1000_K7", "leading_o0_T10_K10", "leading_o0_T10_K3",
  "leading_o1_T1000_K50", "leading_o1_T1000_K7", "leading_o1_T10_K3",
  "linspace_T1000_K50", "linspace_T1000_K7", "linspace_T10_K10", "linspace_T10_K3",
  "trailing_T1000_K50", "trailing_T1000_K7", "trailing_T10_K10", "trailing_T10_K3",
};

START_TEST(spacing_equals_mpmath)
{
  char kind[16], path[256], line[1024], spec_text[64];
  int offset = 0, T, K;
  const char *name = spacing_tables[_i];
  if (sscanf(name, "leading_o%d_T%d_K%d", &offset, &T, &K) == 3) strcpy(kind, "leading");
  else ck_assert_int_eq(sscanf(name, "%15[a-z]_T%d_K%d", kind, &T, &K), 3);
  int *tau = malloc((size_t)K * sizeof *tau);
  if (!strcmp(kind, "leading")) ddpm_spacing_leading(T, K, offset, tau);
  else if (!strcmp(kind, "trailing")) ddpm_spacing_trailing(T, K, tau);
  else ddpm_spacing_linspace(T, K, tau);

  ddpm_spec spec;
  ddpm_ref_schedule r;
  ddpm_err e = {{0}};
  snprintf(spec_text, sizeof spec_text, "linear:T=%d", T);
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, spec_text, &spec, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  mpfr_t bj, aj, btj, mp, d;
  mpfr_inits2(256, bj, aj, btj, mp, d, (mpfr_ptr)0);
  snprintf(path, sizeof path, "tests/data/schedules_mpmath/spacing_%s.csv", name);
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "%s missing", path);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  int rows = 0;
  while (fgets(line, sizeof line, f)) {
    int i = atoi(strtok(line, ",")), tau_mp = atoi(strtok(NULL, ",")), prev_mp = atoi(strtok(NULL, ","));
    ck_assert_int_eq(i, rows);
    ck_assert_msg(tau[i] == tau_mp, "%s: tau_%d = %d, mpmath %d", name, i, tau[i], tau_mp);
    int prev = i + 1 < K ? tau[i + 1] : -1;
    ck_assert_int_eq(prev, prev_mp);
    long long t = tau[i] + 1, p = prev + 1;
    ddpm_ref_jump(&r, t, p, bj, aj);
    mpfr_mul(btj, bj, r.oma[p], MPFR_RNDN);
    mpfr_div(btj, btj, r.oma[t], MPFR_RNDN);
    mpfr_srcptr ours[3] = {aj, bj, btj};
    for (int c = 0; c < 3; c++) {
      mpfr_set_str(mp, strtok(NULL, ",\n"), 10, MPFR_RNDN);
      mpfr_sub(d, ours[c], mp, MPFR_RNDN);
      if (!mpfr_zero_p(mp)) mpfr_div(d, d, mp, MPFR_RNDN);
      ck_assert_msg(fabs(mpfr_get_d(d, MPFR_RNDN)) <= 1e-37, "%s row %d column %d", name, i, c);
    }
    rows++;
  }
  fclose(f);
  ck_assert_int_eq(rows, K);
  mpfr_clears(bj, aj, btj, mp, d, (mpfr_ptr)0);
  ddpm_ref_schedule_free(&r);
  free(tau);
}
END_TEST

/* Every (T, K) up to T = 60: strictly decreasing, in range, first and last as
 * specified (the properties the proofs establish, checked on the code). */
START_TEST(spacing_properties_exhaustive)
{
  int ts[64];
  for (int T = 1; T <= 60; T++)
    for (int K = 1; K <= T; K++)
      for (int kind = 0; kind < 3; kind++) {
        if (kind == DDPM_SPACING_LINSPACE && K < 2) continue;
        if (kind == DDPM_SPACING_LEADING) ddpm_spacing_leading(T, K, 0, ts);
        else if (kind == DDPM_SPACING_TRAILING) ddpm_spacing_trailing(T, K, ts);
        else ddpm_spacing_linspace(T, K, ts);
        for (int i = 0; i < K; i++) {
          ck_assert(ts[i] >= 0 && ts[i] <= T - 1);
          if (i) ck_assert_msg(ts[i] < ts[i - 1], "kind %d T=%d K=%d i=%d", kind, T, K, i);
        }
        if (kind != DDPM_SPACING_LEADING) ck_assert_int_eq(ts[0], T - 1);
        if (kind == DDPM_SPACING_LINSPACE) ck_assert_int_eq(ts[K - 1], 0);
        if (kind == DDPM_SPACING_LEADING) ck_assert_int_eq(ts[K - 1], 0);
      }
  ck_assert_int_eq(ddpm_round_half_even(5, 2), 2);
  ck_assert_int_eq(ddpm_round_half_even(7, 2), 4);
  ck_assert_int_eq(ddpm_round_half_even(8, 3), 3);
}
END_TEST

/* A one-step jump is the schedule's own step, bit for bit, in both engines. */
START_TEST(single_step_jump_is_the_step)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, "lcw", &spec, &e), 0);
  ddpm_fp_schedule f;
  ddpm_ref_schedule r;
  ck_assert_int_eq(ddpm_fp_schedule_build(&spec, &f, &e), 0);
  ck_assert_int_eq(ddpm_ref_schedule_build(&spec, 256, &r, &e), 0);
  mpfr_t bj, aj;
  mpfr_inits2(256, bj, aj, (mpfr_ptr)0);
  for (long long t = 1; t <= f.T; t++) {
    double b, a;
    ddpm_fp_jump(&f, t, t - 1, &b, &a);
    ck_assert(b == f.beta[t] && a == f.alpha[t]);
    ddpm_ref_jump(&r, t, t - 1, bj, aj);
    ck_assert(mpfr_equal_p(bj, r.beta[t]) && mpfr_equal_p(aj, r.alpha[t]));
  }
  mpfr_clears(bj, aj, (mpfr_ptr)0);
  ddpm_fp_schedule_free(&f);
  ddpm_ref_schedule_free(&r);
}
END_TEST

Suite *schedule_suite(void)
{
  Suite *s = suite_create("schedule");
  TCase *tc = tcase_create("schedules");
  tcase_set_tags(tc, "oracle"); /* make check-valgrind */
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, fast_path_within_a_priori_bound, 0, NCASES);
  tcase_add_loop_test(tc, oracle_equals_mpmath_tables, 0,
                      (int)(sizeof tables / sizeof tables[0]));
  tcase_add_test(tc, oracle_closed_forms);
  tcase_add_loop_test(tc, refused_with_reason, 0, (int)(sizeof refused / sizeof refused[0]));
  tcase_add_test(tc, file_accepts_usual_forms);
  tcase_add_loop_test(tc, spacing_equals_mpmath, 0,
                      (int)(sizeof spacing_tables / sizeof spacing_tables[0]));
  tcase_add_test(tc, spacing_properties_exhaustive);
  tcase_add_test(tc, single_step_jump_is_the_step);
  suite_add_tcase(s, tc);
  return s;
}
