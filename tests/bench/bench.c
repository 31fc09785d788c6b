/* bench.c: `make bench`. Times the fast path and the oracle on DDPM with the
 * Gaussian target, and prints ratios against baselines measured in this same
 * run (the RNG-only loop, one thread). Not a test: nothing is asserted. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ddpmref.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void make_run(ddpm_run *run, const char *schedule, const char *target, long long n)
{
  ddpm_err e = {{0}};
  memset(run, 0, sizeof *run);
  if (ddpm_spec_parse(DDPM_FAMILY_SCHEDULE, schedule, &run->schedule, &e) ||
      ddpm_spec_parse(DDPM_FAMILY_TARGET, target, &run->target, &e) ||
      ddpm_spec_parse(DDPM_FAMILY_SAMPLER, "ddpm:var=beta", &run->sampler, &e)) {
    fprintf(stderr, "bench: %s\n", e.msg);
    exit(1);
  }
  run->n = n;
  run->seed = 1;
  run->d = ddpm_target_dim(&run->target);
  run->steps = ddpm_schedule_T(&run->schedule);
}

static double time_fp(const ddpm_run *run, int threads, double *out)
{
  ddpm_err e = {{0}};
  double t0 = now();
  if (ddpm_fp_run(run, threads, NULL, out, &e) != DDPM_OK) {
    fprintf(stderr, "bench: %s\n", e.msg);
    exit(1);
  }
  return now() - t0;
}

/* The same normals the sampler draws, and nothing else. */
static double time_rng(const ddpm_run *run, double *out)
{
  double t0 = now(), sink = 0;
  double *z = malloc((size_t)run->d * sizeof *z);
  for (long long i = 0; i < run->n; i++)
    for (long long k = 0; k < run->steps; k++) { /* draws 0 .. T-1 */
      ddpm_fp_gaussians(run->seed, (uint64_t)i, (uint32_t)k, run->d, z);
      sink += z[0];
    }
  out[0] = sink;
  free(z);
  return now() - t0;
}

static int discard(void *ctx, long long k, long long i, long long j, mpfr_srcptr v)
{
  (void)ctx; (void)k; (void)i; (void)j; (void)v;
  return DDPM_OK;
}

int main(void)
{
  const long long n = 10000;
  ddpm_run run;
  make_run(&run, "linear:T=200", "gauss:d=64", n);
  double *out = malloc((size_t)(run.n * run.d) * sizeof *out);
  double elem_steps = (double)run.n * (double)run.d * (double)run.steps;
  int cores = omp_get_num_procs();

  printf("ddpmref %s bench: DDPM var=beta, linear T=200, gauss:d=64, n=%lld (%d cores)\n",
         DDPM_VERSION, n, cores);
  double t_rng = time_rng(&run, out);
  double t1 = time_fp(&run, 1, out);
  double t2 = time_fp(&run, 2, out);
  printf("  fast path, 1 thread : %8.3f s  %10.3g elem-steps/s\n", t1, elem_steps / t1);
  printf("  fast path, 2 threads: %8.3f s  %10.3g elem-steps/s  speed-up %.2fx\n", t2,
         elem_steps / t2, t1 / t2);
  printf("  RNG only (same draws), 1 thread: %8.3f s; sampler / RNG = %.2f\n", t_rng,
         t1 / t_rng);

  ddpm_run small;
  make_run(&small, "linear:T=200", "gauss:d=8", 4);
  double small_steps = (double)small.n * (double)small.d * (double)small.steps;
  double t_small_fp = time_fp(&small, 1, out);
  long precs[] = {128, 256, 1024};
  for (int q = 0; q < 3; q++) {
    ddpm_err e = {{0}};
    double t0 = now();
    if (ddpm_ref_run(&small, precs[q], discard, NULL, &e) != DDPM_OK) {
      fprintf(stderr, "bench: %s\n", e.msg);
      return 1;
    }
    double t = now() - t0;
    printf("  oracle %4ld bits: %8.2f us/elem-step  (%.0fx the fast path's time)\n", precs[q],
           1e6 * t / small_steps, t / t_small_fp);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("  peak memory %.1f MiB for n d = %lld values\n", (double)ru.ru_maxrss / 1024.0,
         run.n * run.d);
  free(out);
  return 0;
}
