/* bench.c: `make bench` (issue 8, item 3). Not a test: nothing is asserted.
 *
 * Prints, in one run on one machine, every figure and ratio of the issue:
 *   - the fast path's elem-steps/s (n d T / seconds) for DDPM var=beta on
 *     gauss:d=64 and on an 8-component mixture in 16 dimensions, n = 10000,
 *     T = 200, on 1 and 2 threads;
 *   - the same workloads in NumPy float64 (tests/bench/numpy_ddpm.py, run as a
 *     subprocess, T scaled down and normalised per elem-step), the ratio, and
 *     a check that both computed the same law (sample moments within 6 standard
 *     errors of each other on the NumPy run's configuration);
 *   - the RNG-only loop (the sampler's normals and nothing else), the ratio;
 *   - the oracle's microseconds per elem-step at 128, 256 and 1024 bits against
 *     mpmath at the same precision (tests/bench/mpmath_ddpm.py), the ratio;
 *   - peak resident memory of the fast path (getrusage, in a fresh process per
 *     configuration) against n d, for two T.
 * One-thread figures are per CPU second (see span below), so that they mean
 * something on a shared machine; the load average is printed before and
 * after.
 * Usage: bench_ddpmref [PYTHON [BENCH_DIR]], defaults /usr/bin/python3 and
 * tests/bench (the Makefile runs it from the source tree). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ddpmref.h"

#define N_FAST 10000LL /* the workload size */
#define T_FAST 200
#define T_NUMPY 50 /* NumPy runs T = 50 (a quarter of the work) to stay short */
#define REPEATS 2  /* the best of REPEATS timings: the machine may be shared */

static const char *python = "/usr/bin/python3", *bench_dir = "tests/bench";

/* Wall time and this process's CPU time (all threads). On a shared machine
 * a one-thread run's CPU time leaves out the time it waited for a core, so
 * one-thread rates and ratios are taken per CPU second; two-thread speed-ups
 * can only be wall-time ratios, and cpu / wall shows how much of two cores
 * the run actually got. */
typedef struct {
  double wall, cpu;
} span;

static double clock_s(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static span span_now(void)
{
  span t = {clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_PROCESS_CPUTIME_ID)};
  return t;
}

/* best <- the smaller of each component of best and (now - start) */
static void span_best(span *best, span start)
{
  span end = span_now();
  best->wall = fmin(best->wall, end.wall - start.wall);
  best->cpu = fmin(best->cpu, end.cpu - start.cpu);
}

static const span NO_SPAN = {INFINITY, INFINITY};

static void die(const char *what, const char *msg)
{
  fprintf(stderr, "bench: %s: %s\n", what, msg);
  exit(1);
}

static void make_run(ddpm_run *run, long long T, const char *target, long long n)
{
  char schedule[64];
  ddpm_err e = {{0}};
  snprintf(schedule, sizeof schedule, "linear:T=%lld", T);
  memset(run, 0, sizeof *run);
  if (ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, schedule, &run->schedule, &e) ||
      ddpm_spec_parse(DDPM_FAMILY_TARGET, target, &run->target, &e) ||
      ddpm_spec_parse(DDPM_FAMILY_SAMPLER, "ddpm:var=beta", &run->sampler, &e))
    die(target, e.msg);
  run->n = n;
  run->seed = 1;
  run->d = ddpm_target_dim(&run->target);
  run->steps = ddpm_schedule_T(&run->schedule);
}

static double elem_steps(const ddpm_run *run)
{
  return (double)run->n * (double)run->d * (double)run->steps;
}

/* Best times of REPEATS fast-path runs; out receives the final samples. */
static span time_fp(const ddpm_run *run, int threads, double *out)
{
  span best = NO_SPAN;
  for (int r = 0; r < REPEATS; r++) {
    ddpm_err e = {{0}};
    span t0 = span_now();
    if (ddpm_fp_run(run, threads, NULL, out, &e) != DDPM_OK) die("fast path", e.msg);
    span_best(&best, t0);
  }
  return best;
}

/* The same normals the sampler draws (rows 0 .. T-1, every sample), nothing
 * else, one thread. */
static span time_rng(const ddpm_run *run)
{
  span best = NO_SPAN;
  double sink = 0;
  double *z = malloc((size_t)run->d * sizeof *z);
  for (int r = 0; r < REPEATS; r++) {
    span t0 = span_now();
    for (long long k = 0; k < run->steps; k++)
      for (long long i = 0; i < run->n; i++) {
        ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)k, run->d, z);
        sink += z[0];
      }
    span_best(&best, t0);
  }
  free(z);
  if (sink == 12345.0) puts(""); /* keeps the draws alive */
  return best;
}

/* Runs a baseline script and reads "seconds=S cpu_seconds=C elem_steps=E ..."
 * from it; rest receives the line's remainder. */
static span run_script(const char *script, const char *args, double *steps, char *rest,
                         size_t rest_len)
{
  char cmd[1024], line[512];
  snprintf(cmd, sizeof cmd,
           "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 %s %s/%s %s",
           python, bench_dir, script, args);
  FILE *p = popen(cmd, "r");
  if (!p) die(script, "cannot start");
  char *got = fgets(line, sizeof line, p);
  int status = pclose(p);
  span t;
  int used = 0;
  if (!got || status != 0 ||
      sscanf(line, "seconds=%lf cpu_seconds=%lf elem_steps=%lf %n", &t.wall, &t.cpu, steps,
             &used) != 3)
    die(cmd, "no timing line");
  snprintf(rest, rest_len, "%s", line + used);
  rest[strcspn(rest, "\n")] = '\0';
  return t;
}

/* Mean, second and fourth moments of the n d final coordinates. */
static void moments(const double *x, size_t len, double *m1, double *m2, double *m4)
{
  double a = 0, b = 0, c = 0;
  for (size_t q = 0; q < len; q++) {
    double x2 = x[q] * x[q];
    a += x[q], b += x2, c += x2 * x2;
  }
  *m1 = a / (double)len, *m2 = b / (double)len, *m4 = c / (double)len;
}

/* One fast-path workload against NumPy. */
static void bench_workload(const char *label, const char *target, double *out)
{
  ddpm_run run;
  make_run(&run, T_FAST, target, N_FAST);
  span t1 = time_fp(&run, 1, out), t2 = time_fp(&run, 2, out);
  double r1 = elem_steps(&run) / t1.cpu;
  printf("%s: n = %lld, d = %lld, T = %d\n", label, run.n, run.d, T_FAST);
  printf("  fast path, 1 thread : %9.3g elem-steps per CPU second (%.3f s CPU, %.3f s wall)\n",
         r1, t1.cpu, t1.wall);
  printf("  fast path, 2 threads: %9.3g elem-steps/s wall (%.3f s); speed-up over 1 thread "
         "%.2fx (wall); cores obtained %.2f (cpu / wall)\n", elem_steps(&run) / t2.wall,
         t2.wall, t1.wall / t2.wall, t2.cpu / t2.wall);

  char args[512], rest[256];
  double np_steps, np_m1, np_m2;
  snprintf(args, sizeof args, "--target %s --n %lld --T %d", target, N_FAST, T_NUMPY);
  span t_np = run_script("numpy_ddpm.py", args, &np_steps, rest, sizeof rest);
  if (sscanf(rest, "mean=%lf second_moment=%lf", &np_m1, &np_m2) != 2)
    die("numpy_ddpm.py", "no moments");
  double r_np = np_steps / t_np.cpu;
  printf("  NumPy float64 (T = %d), 1 thread: %9.3g elem-steps per CPU second (%.3f s wall); "
         "fast path / NumPy = %.2fx\n", T_NUMPY, r_np, t_np.wall, r1 / r_np);

  /* Same law? The fast path on NumPy's configuration; coordinates of one
   * sample may be dependent (mixture), so the standard errors count n. */
  ddpm_run same;
  make_run(&same, T_NUMPY, target, N_FAST);
  ddpm_err e = {{0}};
  if (ddpm_fp_run(&same, 2, NULL, out, &e) != DDPM_OK) die("fast path", e.msg);
  double m1, m2, m4;
  moments(out, (size_t)(same.n * same.d), &m1, &m2, &m4);
  double se1 = sqrt(2.0 * (m2 - m1 * m1) / (double)same.n);
  double se2 = sqrt(2.0 * (m4 - m2 * m2) / (double)same.n);
  int agree = fabs(m1 - np_m1) <= 6 * se1 && fabs(m2 - np_m2) <= 6 * se2;
  printf("  same law: mean %.4f vs NumPy %.4f, E x^2 %.4f vs %.4f: %s\n", m1, np_m1, m2, np_m2,
         agree ? "agree within 6 standard errors" : "DIFFER (the baseline is wrong)");
}

/* The sampler and its RNG-only loop timed alternately, so that a change in
 * the machine's load between them does not masquerade as a ratio. */
static void bench_rng(double *out)
{
  ddpm_run run;
  make_run(&run, T_FAST, "gauss:d=64", N_FAST);
  double t_rng = INFINITY, t_fp = INFINITY; /* CPU seconds */
  for (int r = 0; r < REPEATS; r++) {
    t_rng = fmin(t_rng, time_rng(&run).cpu);
    t_fp = fmin(t_fp, time_fp(&run, 1, out).cpu);
  }
  printf("RNG only (the same %lld x %d x 64 normals, nothing else), 1 thread: %9.3g "
         "normals per CPU second; sampler / RNG time = %.2f (sampler %.3f s, RNG %.3f s CPU)\n",
         N_FAST, T_FAST, elem_steps(&run) / t_rng, t_fp / t_rng, t_fp, t_rng);
}

/* The load average: the machine may be shared, and the timings say so. */
static void print_load(const char *when)
{
  char line[128] = "unknown";
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (!fgets(line, sizeof line, f)) snprintf(line, sizeof line, "unknown");
    fclose(f);
  }
  line[strcspn(line, "\n")] = '\0';
  printf("load average %s: %s\n", when, line);
}

static int discard_ref(void *ctx, long long k, long long i, long long j, mpfr_srcptr v)
{
  (void)ctx, (void)k, (void)i, (void)j, (void)v;
  return DDPM_OK;
}

static void bench_oracle(void)
{
  enum { N_REF = 8, T_REF = 50, N_MP = 2, T_MP = 20 };
  ddpm_run run;
  make_run(&run, T_REF, "gauss:d=64", N_REF);
  printf("oracle (gauss:d=64, n = %d, T = %d) against mpmath (n = %d, T = %d):\n", N_REF,
         T_REF, N_MP, T_MP);
  const long precs[] = {128, 256, 1024};
  for (int q = 0; q < 3; q++) {
    span best = NO_SPAN;
    for (int r = 0; r < REPEATS; r++) {
      ddpm_err e = {{0}};
      span t0 = span_now();
      if (ddpm_ref_run(&run, precs[q], discard_ref, NULL, &e) != DDPM_OK) die("oracle", e.msg);
      span_best(&best, t0);
    }
    double us = 1e6 * best.cpu / elem_steps(&run);
    char args[256], rest[256];
    double mp_steps;
    snprintf(args, sizeof args, "--prec %ld --d 64 --n %d --T %d", precs[q], N_MP, T_MP);
    span t_mp = run_script("mpmath_ddpm.py", args, &mp_steps, rest, sizeof rest);
    double us_mp = 1e6 * t_mp.cpu / mp_steps;
    printf("  %4ld bits: oracle %7.3f us/elem-step, mpmath (%s) %7.2f us/elem-step (CPU): "
           "oracle %.1fx faster\n", precs[q], us, rest, us_mp, us_mp / us);
  }
}

static int discard_fp(void *ctx, long long k, const double *row, ddpm_err *e)
{
  (void)ctx, (void)k, (void)row, (void)e;
  return DDPM_OK;
}

/* Child mode (`bench_ddpmref --peak-memory N T`): runs the fast path (1 thread,
 * rows discarded) on gauss:d=64 and prints its peak RSS in KiB. A fresh
 * process (exec, not only fork) so that nothing of the parent's counts. */
static int peak_memory_child(long long n, long long T)
{
  ddpm_run run;
  make_run(&run, T, "gauss:d=64", n);
  ddpm_err e = {{0}};
  if (ddpm_fp_run_rows(&run, 1, discard_fp, NULL, &e) != DDPM_OK) die("fast path", e.msg);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%ld\n", ru.ru_maxrss);
  return 0;
}

static long peak_kib(long long n, long long T)
{
  char cmd[256], line[64];
  snprintf(cmd, sizeof cmd, "/proc/%ld/exe --peak-memory %lld %lld", (long)getpid(), n, T);
  FILE *p = popen(cmd, "r");
  long kib = -1;
  if (!p || !fgets(line, sizeof line, p) || sscanf(line, "%ld", &kib) != 1) kib = -1;
  if (p && pclose(p) != 0) kib = -1;
  if (kib < 0) die("memory", "the child failed");
  return kib;
}

static void bench_memory(void)
{
  const long base = peak_kib(1, 10);
  printf("peak memory (getrusage, fast path, gauss:d=64, rows streamed; n = 1: %.1f MiB):\n",
         base / 1024.0);
  const long long cfg[][2] = {{10000, 10}, {10000, 100}, {40000, 10}, {40000, 100}};
  for (int q = 0; q < 4; q++) {
    long kib = peak_kib(cfg[q][0], cfg[q][1]);
    double nd = (double)cfg[q][0] * 64.0;
    printf("  n = %5lld, T = %3lld: n d = %7.0f values, %6.1f MiB, %.2f bytes per value "
           "above n = 1\n", cfg[q][0], cfg[q][1], nd, kib / 1024.0,
           1024.0 * (double)(kib - base) / nd);
  }
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "--peak-memory") == 0)
    return peak_memory_child(atoll(argv[2]), atoll(argv[3]));
  if (argc > 1) python = argv[1];
  if (argc > 2) bench_dir = argv[2];
  char gmm[512];
  snprintf(gmm, sizeof gmm, "gmm:%s/gmm_k8_d16.json", bench_dir);
  printf("ddpmref %s bench: DDPM var=beta, linear schedule; %d cores; best of %d runs\n",
         DDPM_VERSION, omp_get_num_procs(), REPEATS);
  print_load("before");
  double *out = malloc((size_t)N_FAST * 64 * sizeof *out);
  bench_workload("gauss:d=64", "gauss:d=64", out);
  bench_workload("GMM K = 8, d = 16 (tests/bench/gmm_k8_d16.json)", gmm, out);
  bench_rng(out);
  free(out);
  bench_oracle();
  bench_memory();
  print_load("after");
  return 0;
}
