/* test_shell.h: running the program and scripts from the tests, as a user
 * would in a shell, and reading what they wrote. */
#ifndef DDPM_TEST_SHELL_H
#define DDPM_TEST_SHELL_H

#include <stddef.h>

/* Runs a shell command in dir, stdout to dir/out.txt and stderr to
 * dir/err.txt; the command may use $PROG (the program), $PY (the Python
 * with mpmath and numpy), $ROOT (the repository) and $EX ($ROOT/examples).
 * Returns its exit code. */
int test_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* dir/name's first size - 1 bytes, NUL-terminated ("" if unreadable). */
void test_slurp(const char *dir, const char *name, char *buf, size_t size);

/* rm -rf dir (a test's scratch directory), reporting a failure on stderr. */
void test_remove_dir(const char *dir);

/* Does dir/name exist? */
int test_exists(const char *dir, const char *name);

#endif
