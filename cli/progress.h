/* progress.h: steps done, rate and ETA of a long run on stderr, only when
 * stderr is a terminal (or --progress asks for it); --quiet silences it. */
#ifndef DDPM_PROGRESS_H
#define DDPM_PROGRESS_H

enum { PROGRESS_AUTO = 0, PROGRESS_QUIET, PROGRESS_ALWAYS };

typedef struct {
  int on, tty;
  const char *what;  /* "oracle", "fast path", ... */
  long long total;   /* steps to do */
  double start, last; /* seconds (monotonic) */
} progress;

void progress_begin(progress *p, int mode, const char *what, long long total);
/* done steps of total are finished; prints at most a few times a second. */
void progress_update(progress *p, long long done);
void progress_end(progress *p);

#endif
