/* test_shell.c: see test_shell.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suites.h"
#include "test_shell.h"

int test_sh(const char *dir, const char *fmt, ...)
{
  char body[6000], cmd[12000], root[1024];
  ck_assert_ptr_nonnull(getcwd(root, sizeof root));
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  snprintf(cmd, sizeof cmd, "cd %s && PROG=%s/%s PY=%s ROOT=%s EX=%s/examples; %s >out.txt "
           "2>err.txt", dir, root, test_program(), test_python(), root, root, body);
  int rc = system(cmd);
  ck_assert_int_ne(rc, -1);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

void test_slurp(const char *dir, const char *name, char *buf, size_t size)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(buf, 1, size - 1, f) : 0;
  buf[got] = '\0';
  if (f) fclose(f);
}

int test_exists(const char *dir, const char *name)
{
  char path[1024];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0;
}

void test_remove_dir(const char *dir)
{
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}
