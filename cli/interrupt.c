/* interrupt.c: removing partial output on a signal (see interrupt.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

/* What to remove. A path is published by writing it and then setting its
 * flag, and withdrawn by clearing the flag first: the handler, on whatever
 * thread, reads a path only while its flag is set. */
static char staging_dir[8448], temp_file[8448];
static atomic_int staging_set, temp_set;

/* IDLE -> HANDLING (a handler is removing the output: the process is
 * about to end) or IDLE -> CRITICAL (main is between enter and leave; a
 * signal then is only recorded in pending). */
enum { IDLE, CRITICAL, HANDLING };
static atomic_int state = IDLE;
static atomic_int pending;

static void publish(char *buf, atomic_int *flag, const char *path)
{
  atomic_store(flag, 0);
  if (!path) return;
  snprintf(buf, sizeof staging_dir, "%s", path);
  atomic_store(flag, 1);
}

void interrupt_staging_dir(const char *dir) { publish(staging_dir, &staging_set, dir); }
void interrupt_temp_file(const char *path) { publish(temp_file, &temp_set, path); }

/* Removes dir and the files in it, async-signal-safely. Entries unlinked
 * while the directory is read may make getdents64 skip others, and another
 * thread may still be creating one: hence the retries. */
static void remove_flat_dir(const char *dir)
{
  for (int tries = 0; tries < 16; tries++) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[4096] __attribute__((aligned(8)));
    ssize_t got;
    while ((got = getdents64(fd, buf, sizeof buf)) > 0) {
      for (ssize_t off = 0; off < got;) {
        struct dirent64 *ent = (struct dirent64 *)(void *)(buf + off);
        const char *nm = ent->d_name;
        if (!(nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))))
          unlinkat(fd, nm, 0);
        off += ent->d_reclen;
      }
    }
    close(fd);
    if (rmdir(dir) == 0 || errno != ENOTEMPTY) return;
  }
}

static void remove_output(void)
{
  if (atomic_load(&temp_set)) unlink(temp_file);
  if (atomic_load(&staging_set)) remove_flat_dir(staging_dir);
}

/* Ends the process with sig's default action. Inside the handler sig is
 * blocked, so it is delivered as the handler returns. */
static void die_by(int sig)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
  raise(sig);
}

static void on_signal(int sig)
{
  int saved = errno;
  int expected = IDLE;
  if (atomic_compare_exchange_strong(&state, &expected, HANDLING)) {
    remove_output();
    die_by(sig);
  } else if (expected == CRITICAL) {
    int none = 0;
    atomic_compare_exchange_strong(&pending, &none, sig);
  } /* HANDLING: another thread's handler is already ending the process */
  errno = saved;
}

void interrupt_install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (size_t q = 0; q < sizeof caught / sizeof caught[0]; q++) sigaddset(&sa.sa_mask, caught[q]);
  for (size_t q = 0; q < sizeof caught / sizeof caught[0]; q++) {
    struct sigaction old;
    /* a signal ignored by whoever started us (nohup, a shell's background
     * job's SIGINT) stays ignored */
    if (sigaction(caught[q], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(caught[q], &sa, NULL);
  }
  signal(SIGXFSZ, SIG_IGN);
}

void interrupt_fatal(const char *msg)
{
  int expected = IDLE;
  if (atomic_compare_exchange_strong(&state, &expected, HANDLING)) remove_output();
  /* else CRITICAL: renames under way, leave them be; HANDLING: a signal's
   * handler is removing the output */
  ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));
  (void)ignored;
  _exit(1);
}

void interrupt_enter_critical(void)
{
  int expected = IDLE;
  if (!atomic_compare_exchange_strong(&state, &expected, CRITICAL))
    for (;;) pause(); /* a handler is ending the process */
}

void interrupt_leave_critical(void)
{
  atomic_store(&state, IDLE);
  int sig = atomic_exchange(&pending, 0);
  if (sig) {
    int expected = IDLE;
    if (atomic_compare_exchange_strong(&state, &expected, HANDLING)) {
      remove_output();
      die_by(sig);
    }
    for (;;) pause();
  }
}
