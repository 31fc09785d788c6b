/* progress.c: a one-line progress report on stderr (progress.h). On a
 * terminal the line is redrawn in place; when forced onto a pipe or file it
 * prints whole lines, less often, so logs stay readable. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_begin(progress *p, int mode, const char *what, long long total)
{
  p->tty = isatty(STDERR_FILENO);
  p->on = mode == PROGRESS_ALWAYS || (mode == PROGRESS_AUTO && p->tty);
  p->what = what;
  p->total = total;
  p->start = p->last = now();
}

static void print_line(progress *p, long long done, double t)
{
  double elapsed = t - p->start, rate = elapsed > 0 ? (double)done / elapsed : 0;
  long long eta = rate > 0 ? (long long)((double)(p->total - done) / rate + 0.5) : -1;
  fprintf(stderr, "%sddpmref: %s %lld/%lld steps, %.3g steps/s, ", p->tty ? "\r\033[K" : "",
          p->what, done, p->total, rate);
  if (eta >= 0) fprintf(stderr, "ETA %lld:%02lld:%02lld", eta / 3600, eta / 60 % 60, eta % 60);
  else fprintf(stderr, "ETA unknown");
  fputs(p->tty ? "" : "\n", stderr);
  fflush(stderr);
}

void progress_update(progress *p, long long done)
{
  if (!p->on) return;
  double t = now();
  if (t - p->last < (p->tty ? 0.25 : 1.0) && done < p->total) return;
  p->last = t;
  print_line(p, done, t);
}

void progress_end(progress *p)
{
  if (p->on && p->tty) fputs("\n", stderr);
  p->on = 0;
}
