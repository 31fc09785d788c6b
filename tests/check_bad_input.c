/* check_bad_input.c: the bad-input contract (DESIGN.md section 5, issue 9),
 * table-driven, across every command: each case runs one shell command in a
 * fresh directory (after creating the file it names, if any) and must exit
 * with its code (2 bad input, 1 environment: memory, a full disk), print
 * exactly one line on stderr that names the cause, end normally (never by a
 * signal) and leave no output behind: not the path it names, nor any
 * staging (".partial") file or directory.
 *
 * Then the interrupted runs: SIGTERM or SIGINT in the middle of a trace, a
 * multi-threaded sample and a schedule table must leave nothing behind and
 * end the process by that signal, and an interrupted --force replacement
 * must leave the previous output as it was. Last, a real full disk (a tiny
 * tmpfs, where mounting is permitted). Cases already in check_cli.c's table
 * (sample and trace options) are not repeated here. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "test_shell.h"

/* A small trace that the verify cases read ($B/gt) and a valid trajectory
 * of its shape ($B/ok.npy), made once for the whole table. */
static char base[64];
static char dir[64];

typedef struct {
  const char *cmd;      /* shell command; $PROG the program, $B the shared directory */
  const char *file;     /* a file to create first in the case's directory, or NULL */
  const char *content;  /* its bytes; an .npy header dict ("{'descr'...") gets the
                           magic, version 1.0, length and padding around it */
  int size;             /* the content's size (0: strlen); after an .npy header:
                           the number of data bytes */
  unsigned char fill;   /* the .npy data bytes (0xff: every float64 a NaN) */
  int exit_code;
  const char *mention;  /* the stderr line must contain this */
  const char *absent;   /* must not exist afterwards (NULL: only the .partial check) */
} bad_case;

#define RUN "--target gauss:d=2 --schedule linear:T=10 --n 2 --seed 1"
#define NPY(descr, shape) "{'descr': '" descr "', 'fortran_order': False, 'shape': " shape ", }"
#define VERIFY "$PROG verify --against $B/gt"

static const bad_case cases[] = {
  /* schedule: spec values, malformed and out of range, NaN and inf */
  {"$PROG schedule --schedule linear:T=1e3", 0, 0, 0, 0, 2, "T=1e3: not an integer", 0},
  {"$PROG schedule --schedule linear:T=10000000000 -o t.csv", 0, 0, 0, 0, 2, "T=10000000000", "t.csv"},
  {"$PROG schedule --schedule linear:beta_min=nan -o t.csv", 0, 0, 0, 0, 2, "beta_min=nan", "t.csv"},
  {"$PROG schedule --schedule linear:beta_max=inf", 0, 0, 0, 0, 2, "beta_max=inf", 0},
  {"$PROG schedule --schedule linear:beta_min=0.5,beta_max=0.1", 0, 0, 0, 0, 2, "beta_min=0.5", 0},
  {"$PROG schedule --schedule linear:T=10,T=20", 0, 0, 0, 0, 2, "'T' given twice", 0},
  {"$PROG schedule --schedule linear:foo=1", 0, 0, 0, 0, 2, "unknown key 'foo'", 0},
  {"$PROG schedule --schedule ''", 0, 0, 0, 0, 2, "--schedule: empty", 0},
  {"$PROG schedule --schedule linear:T=", 0, 0, 0, 0, 2, "T has an empty value", 0},
  {"$PROG schedule --schedule cosine:max_beta=1.5", 0, 0, 0, 0, 2, "max_beta=1.5", 0},
  {"$PROG schedule --schedule lcw:c1=1", 0, 0, 0, 0, 2, "c1=1", 0},
  {"$PROG schedule --schedule vp:eps=0", 0, 0, 0, 0, 2, "eps=0", 0},
  {"$PROG schedule --schedule ou:horizon=-1", 0, 0, 0, 0, 2, "horizon=-1", 0},
  {"$PROG schedule --schedule linear --prec 52", 0, 0, 0, 0, 2, "--prec 52", 0},
  {"$PROG schedule --schedule linear --digits 0", 0, 0, 0, 0, 2, "--digits 0", 0},
  {"$PROG schedule --schedule linear --engine gpu", 0, 0, 0, 0, 2, "--engine gpu", 0},
  /* schedule files: empty, binary garbage, NaN, out of range, huge line, escapes */
  {"$PROG schedule --schedule file:b.txt -o t.csv", "b.txt", "", 0, 0, 2, "0 betas", "t.csv"},
  {"$PROG schedule --schedule file:b.txt", "b.txt", "\x93\x01\xfe\x00\x7f\xff\x10garbage", 14, 0, 2,
   "b.txt: line 1", 0},
  {"$PROG schedule --schedule file:b.txt", "b.txt", "0.1\nnan\n", 0, 0, 2, "line 2: 'nan'", 0},
  {"$PROG schedule --schedule file:b.txt", "b.txt", "0.1\n1.5\n", 0, 0, 2, "beta = 1.5 is not in (0, 1)", 0},
  {"$PROG schedule --schedule file:b.txt", "b.txt",
   "0.1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
   "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
   "11111111111111111111111111111111111111111111111111111111111111111111111111111111111111\n",
   0, 0, 2, "line 1: line longer than 254", 0},
  {"$PROG schedule --schedule file:b.txt", "b.txt", "0.1\n0.2\x1b[31m\n", 0, 0, 2, "'0.2?[31m'", 0},
  {"$PROG schedule --schedule file:missing.txt", 0, 0, 0, 0, 2, "missing.txt: cannot open", 0},
  /* schedule -o: unwritable, existing, a directory, a full disk */
  {"$PROG schedule --schedule linear -o nodir/t.csv", 0, 0, 0, 0, 2, "-o nodir/t.csv: cannot create", 0},
  {"$PROG schedule --schedule linear -o t.csv", "t.csv", "mine\n", 0, 0, 2, "already exists", 0},
  {"mkdir d && $PROG schedule --schedule linear -o d --force", 0, 0, 0, 0, 2, "-o d: is a directory", 0},
  {"ulimit -f 4; $PROG schedule --schedule linear -o t.csv", 0, 0, 0, 0, 1,
   "-o t.csv: write failed: File too large", "t.csv"},
  {"{ $PROG schedule --schedule linear >/dev/full; }", 0, 0, 0, 0, 1,
   "standard output: write failed: No space left on device", 0},

  /* sample and trace: values the table of check_cli.c does not cover */
  {"$PROG sample --target gauss:d=2,mean=1e400 --n 2 --seed 1 -o out", 0, 0, 0, 0, 2,
   "mean=1e400: overflows", "out"},
  {"$PROG trace --target gauss:d=2,var=1e-400 --n 2 --seed 1 -o out", 0, 0, 0, 0, 2, "var=1e-400", "out"},
  {"$PROG sample --target gauss:d=2,var=inf --n 2 --seed 1 -o out", 0, 0, 0, 0, 2, "var=inf", "out"},
  {"$PROG sample --target gauss:d=2,mean=-nan --n 2 --seed 1 -o out", 0, 0, 0, 0, 2, "mean=-nan", "out"},
  {"$PROG sample --target 'gauss:d=2,mean=1\n2' --n 2 --seed 1 -o out", 0, 0, 0, 0, 2, "mean=1?2", "out"},
  {"$PROG sample " RUN " --n 9223372036854775808 -o out", 0, 0, 0, 0, 2, "--n 9223372036854775808", "out"},
  {"$PROG sample " RUN " --seed 0x10 -o out", 0, 0, 0, 0, 2, "--seed 0x10", "out"},
  {"$PROG trace " RUN " --check-prec 100 -o out", 0, 0, 0, 0, 2, "--check-prec 100", "out"},
  {"$PROG trace " RUN " --min-digits 0 -o out", 0, 0, 0, 0, 2, "--min-digits 0", "out"},
  {"$PROG trace " RUN " --min-digits 1000 -o out", 0, 0, 0, 0, 1, "below --min-digits 1000", "out"},
  /* n d T products: past the limits, or within them but beyond memory */
  {"$PROG sample --target gauss:d=1000000 --n 1000000 --seed 1 -o out", 0, 0, 0, 0, 1,
   "out of memory", "out"},
  {"$PROG trace --target gauss:d=100000 --n 100000 --seed 1 --engine ref -o out", 0, 0, 0, 0, 1,
   "out of memory", "out"},
  {"$PROG audit --target gauss:d=100000 --n 100000 --seed 1 -o out", 0, 0, 0, 0, 1,
   "out of memory", "out"},
  {"$PROG sample --target gauss:d=10000001 --n 2 --seed 1 -o out", 0, 0, 0, 0, 2, "d=10000001", "out"},
  {"ulimit -v 200000; $PROG rates --target gauss:d=1 --T 1000000 -o out", 0, 0, 0, 0, 1,
   "out of memory", "out"}, /* an MPFR/GMP allocation fails: GMP would abort */
  /* .npy replay files: dtype, shape, byte order, truncation, garbage, NaN */
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", NPY("<i4", "(11, 2, 2)"), 176, 0, 2,
   "dtype '<i4'", "out"},
  {"$PROG trace " RUN " --noise z.npy -o out", "z.npy", NPY("<c16", "(11, 2, 2)"), 704, 0, 2,
   "dtype '<c16'", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", NPY(">f8", "(11, 2, 3)"), 528, 0, 2,
   "shape (11, 2, 3), but this run needs (steps+1, n, d) = (11, 2, 2)", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", NPY("<f8", "(11, 2, 2)"), 300, 0, 2,
   "truncated", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", NPY("<f8", "(11, 2, 2)"), 360, 0, 2,
   "trailing", "out"},
  {"$PROG trace " RUN " --noise z.npy -o out", "z.npy", NPY("<f8", "(11, 2, 2)"), 352, 0xff, 2,
   "draw 0, sample 0, coordinate 0 is -nan: every value must be finite", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy",
   NPY("<f8", "(100000000000, 100000000000, 3)"), 0, 0, 2, "overflows 64 bits", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", "", 0, 0, 2, "empty file", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", "PK\x03\x04\x14\x00\x00\x00\x08\x00", 10,
   0, 2, "not a .npy file", "out"},
  {"$PROG sample " RUN " --noise z.npy -o out", "z.npy", "\x93NUMPY\x09\x00\x10\x00{}             \n",
   26, 0, 2, "format version 9.0", "out"},
  {"$PROG audit " RUN " --noise z.npy -o out", "z.npy",
   "{'descr': '<f8', 'fortran_order': True, 'shape': (11, 2, 2), }", 352, 0, 2, "fortran_order", "out"},
  {"$PROG sample " RUN " --x-init z.npy -o out", "z.npy", NPY("<f8", "(2, 3)"), 48, 0, 2,
   "--x-init z.npy: shape (2, 3)", "out"},
  {"mkdir z && $PROG sample " RUN " --noise z -o out", 0, 0, 0, 0, 2, "is a directory", "out"},
  {"$PROG sample " RUN " --noise /dev/zero -o out", 0, 0, 0, 0, 2, "not a regular file", "out"},
  /* JSON targets: empty, garbage, NaN, overflow, too deep, escapes */
  {"$PROG sample --target gmm:m.json --n 2 --seed 1 -o out", "m.json", "", 0, 0, 2, "empty file", "out"},
  {"$PROG trace --target gmm:m.json --n 2 --seed 1 -o out", "m.json", "{\"comp\x00\x01", 8, 0, 2,
   "NUL byte", "out"},
  {"$PROG sample --target gmm:m.json --n 2 --seed 1 -o out", "m.json",
   "{\"components\": [{\"weight\": \"nan\", \"mean\": [0], \"var\": [1]}]}", 0, 0, 2,
   "weight=\"nan\"", "out"},
  {"$PROG sample --target gmm:m.json --n 2 --seed 1 -o out", "m.json",
   "{\"components\": [{\"mean\": [1e400], \"var\": [1]}]}", 0, 0, 2, "mean[0]=1e400", "out"},
  {"$PROG sample --target gmm:m.json --n 2 --seed 1 -o out", "m.json",
   "{\"components\": [{\"mean\": [0], \"var\": [1], \"x\\ny\": 1}]}", 0, 0, 2, "\"x?y\"", "out"},
  {"$PROG sample --target gmm:m.json --n 2 --seed 1 -o out", "m.json",
   "{\"components\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
   0, 0, 2, "nesting too deep", "out"},
  /* sample -o: existing, under a file, in a missing directory, a full disk */
  {"$PROG sample " RUN " -o out", "out", "mine\n", 0, 0, 2, "-o out: already exists", 0},
  {"$PROG sample " RUN " -o f.txt/out", "f.txt", "x\n", 0, 0, 2, "Not a directory", 0},
  {"$PROG sample " RUN " -o nodir/out", 0, 0, 0, 0, 2, "cannot create a directory in nodir", 0},
  {"ulimit -f 1; $PROG sample " RUN " --engine ref -o out", 0, 0, 0, 0, 1,
   "write failed: File too large", "out"},
  {"ulimit -f 8; $PROG trace --target gauss:d=2 --schedule linear:T=50 --n 4 --seed 1 -o out", 0, 0,
   0, 0, 1, "x_ref.txt: write failed: File too large", "out"},

  /* audit */
  {"$PROG audit " RUN " --format binary8 -o out", 0, 0, 0, 0, 2, "--format binary8", "out"},
  {"$PROG audit " RUN " --sources input,foo -o out", 0, 0, 0, 0, 2, "'foo'", "out"},
  {"$PROG audit " RUN " --sources '' -o out", 0, 0, 0, 0, 2, "--sources", "out"},
  {"$PROG audit " RUN " --engine ref -o out", 0, 0, 0, 0, 2, "--engine", "out"},
  {"$PROG audit " RUN " --prec 20 -o out", 0, 0, 0, 0, 2, "--prec 20", "out"},
  {"$PROG audit " RUN, 0, 0, 0, 0, 2, "-o: missing", 0},
  {"ulimit -f 4; $PROG audit " RUN " --no-plot -o out", 0, 0, 0, 0, 1,
   "out/audit.json: write failed: File too large", "out"},

  /* rates */
  {"$PROG rates --target gauss:d=1 --T 1,10", 0, 0, 0, 0, 2, "--T 1", 0},
  {"$PROG rates --target gauss:d=1 --T 10,abc -o out", 0, 0, 0, 0, 2, "--T abc", "out"},
  {"$PROG rates --target gauss:d=1 --T ''", 0, 0, 0, 0, 2, "--T", 0},
  {"$PROG rates --target gauss:d=1 --T 100000000000", 0, 0, 0, 0, 2, "--T 100000000000", 0},
  {"$PROG rates --target gauss:d=1 --d 3,1e9", 0, 0, 0, 0, 2, "--d 1e9", 0},
  {"$PROG rates --target gauss:d=1 --T 10,20,10 -o out", 0, 0, 0, 0, 2, "10 appears twice", "out"},
  {"$PROG rates --target gauss:d=1 --d 2,2", 0, 0, 0, 0, 2, "--d 2,2: 2 appears twice", 0},
  {"$PROG rates --target gauss:d=1 --compare x2", 0, 0, 0, 0, 2, "--compare x2", 0},
  {"$PROG rates --target gauss:d=1 --check-prec 100", 0, 0, 0, 0, 2, "--check-prec 100", 0},
  {"$PROG rates --target gauss:d=1 --steps 5000 --T 100", 0, 0, 0, 0, 2, "--steps", 0},
  {"$PROG rates --target gauss:d=1,mean=inf", 0, 0, 0, 0, 2, "mean=inf", 0},
  {"$PROG rates --target gmm:m.json -o out", "m.json",
   "{\"components\": [{\"mean\": [0, 0], \"var\": [1, 1]}, {\"mean\": [1, 0], \"var\": [1, 1]}]}",
   0, 0, 2, "in 1-D only, not d = 2", "out"},
  {"ulimit -f 1; $PROG rates --target gauss:d=1 --T 10,20 -o out", 0, 0, 0, 0, 1,
   "write failed: File too large", "out"},

  /* verify: their file, the trace directory, the tolerance, -o */
  {VERIFY " --trajectory z.npy", "z.npy", NPY("<f8", "(10, 2, 2)"), 320, 0, 2,
   "shape (10, 2, 2), but the trace has (11, 2, 2)", 0},
  {VERIFY " --trajectory z.npy -o out", "z.npy", NPY("<i8", "(11, 2, 2)"), 352, 0, 2, "dtype '<i8'", "out"},
  {VERIFY " --trajectory z.npy -o out", "z.npy", "\x01\x02\x03", 3, 0, 2, "not a .npy file", "out"},
  {VERIFY " --trajectory $B/ok.npy --tol rel=nan", 0, 0, 0, 0, 2, "--tol rel=nan", 0},
  {VERIFY " --trajectory $B/ok.npy --tol -1", 0, 0, 0, 0, 2, "--tol -1", 0},
  {VERIFY " --trajectory $B/ok.npy --tol rel=1e-400", 0, 0, 0, 0, 2,
   "--tol rel=1e-400: below the binary64 range", 0},
  {"$PROG verify --trajectory $B/ok.npy --against nodir", 0, 0, 0, 0, 2, "--against nodir", 0},
  {"mkdir g && $PROG verify --trajectory $B/ok.npy --against g -o out", 0, 0, 0, 0, 2, "no meta.json",
   "out"},
  {"cp -r $B/gt g && head -c 100 $B/gt/x_ref.txt > g/x_ref.txt && "
   "$PROG verify --trajectory $B/ok.npy --against g -o out", 0, 0, 0, 0, 2, "truncated", "out"},
  {"cp -r $B/gt g && cp m.json g/meta.json && $PROG verify --trajectory $B/ok.npy --against g -o out",
   "m.json", "\x7f\x45\x4c\x46\x02\x01\x01", 7, 0, 2, "meta.json is not valid JSON", "out"},
  {"cp -r $B/gt g && $PROG verify --trajectory $B/ok.npy --against g -o g --force", 0, 0, 0, 0, 2,
   "is the --against trace directory", 0},
  {"ulimit -f 1; " VERIFY " --trajectory $B/ok.npy -o out", 0, 0, 0, 0, 1,
   "out/verify.json: write failed: File too large", "out"},

  /* the program itself */
  {"$PROG 'fo\no'", 0, 0, 0, 0, 2, "fo?o: unknown command", 0},
  {"$PROG sample", 0, 0, 0, 0, 2, "--target: missing", 0},
};

static void write_file(const char *name, const char *content, size_t size)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(content, 1, size, f), size);
  ck_assert_int_eq(fclose(f), 0);
}

/* An .npy file: the header dict padded to a 64-byte boundary, then size
 * bytes of fill. */
static void write_npy(const char *name, const char *dict, size_t size, unsigned char fill)
{
  char buf[65536];
  size_t len = strlen(dict), total = 10 + len + 1;
  size_t pad = (64 - total % 64) % 64, hlen = len + pad + 1;
  ck_assert_uint_lt(10 + hlen + size, sizeof buf);
  memcpy(buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = (char)(hlen & 0xff);
  buf[9] = (char)(hlen >> 8);
  memcpy(buf + 10, dict, len);
  memset(buf + 10 + len, ' ', pad);
  buf[10 + len + pad] = '\n';
  memset(buf + 10 + hlen, fill, size);
  write_file(name, buf, 10 + hlen + size);
}

/* Names in dir containing ".partial": staging directories or temporary files. */
static void assert_no_staging(const char *where, const char *cmd)
{
  char path[256];
  snprintf(path, sizeof path, "%s%s", dir, where);
  DIR *dp = opendir(path);
  if (!dp) return;
  struct dirent *ent;
  while ((ent = readdir(dp)) != NULL)
    ck_assert_msg(strstr(ent->d_name, ".partial") == NULL, "'%s' left %s/%s behind", cmd, where,
                  ent->d_name);
  closedir(dp);
}

static void make_base(void)
{
  test_scratch_dir(base, sizeof base);
  char cmd[3072], root[1024];
  if (!getcwd(root, sizeof root)) abort();
  snprintf(cmd, sizeof cmd, "cd %s && %s/%s trace " RUN " --engine ref -o gt >/dev/null && "
           "%s -c \"import numpy as np; np.save('ok.npy', np.load('gt/x_ref.npy'))\"", base,
           root, test_program(), test_python());
  if (system(cmd) != 0) abort();
}

static void remove_base(void) { test_remove_dir(base); }

static void setup(void) { test_scratch_dir(dir, sizeof dir); }

static void teardown(void) { test_remove_dir(dir); }

/* Is the program built with AddressSanitizer? Its allocator aborts on an
 * impossible allocation instead of returning NULL, and it cannot run under
 * ulimit -v: the out-of-memory cases are skipped there. */
static int sanitized(void)
{
  static int known = -1;
  if (known < 0) known = test_sh(dir, "grep -q __asan_init $PROG") == 0;
  return known;
}

START_TEST(bad_input_table)
{
  const bad_case *c = &cases[_i];
  if (strstr(c->mention, "out of memory") && sanitized()) {
    printf("bad_input case %d: skipped under AddressSanitizer\n", _i);
    return;
  }
  if (c->file) {
    if (strncmp(c->content, "{'descr'", 8) == 0) write_npy(c->file, c->content, (size_t)c->size, c->fill);
    else write_file(c->file, c->content, c->size ? (size_t)c->size : strlen(c->content));
  }
  int rc = test_sh(dir, "B=%s; %s", base, c->cmd);
  char err[4096];
  test_slurp(dir, "err.txt", err, sizeof err);
  ck_assert_msg(rc < 128, "case %d '%s': ended by signal %d; stderr: %s", _i, c->cmd, rc - 128, err);
  ck_assert_msg(rc == c->exit_code, "case %d '%s': exit %d, want %d; stderr: %s", _i, c->cmd, rc,
                c->exit_code, err);
  char *nl = strchr(err, '\n');
  ck_assert_msg(nl != NULL && nl[1] == '\0' && strncmp(err, "ddpmref: ", 9) == 0,
                "case %d '%s': stderr is not one 'ddpmref: ' line: %s", _i, c->cmd, err);
  ck_assert_msg(strstr(err, c->mention) != NULL, "case %d '%s': '%s' not named in: %s", _i, c->cmd,
                c->mention, err);
  if (c->absent)
    ck_assert_msg(!test_exists(dir, c->absent), "case %d '%s': %s exists", _i, c->cmd, c->absent);
  assert_no_staging("", c->cmd);
  assert_no_staging("/g", c->cmd);
}
END_TEST

/* Starts the program in dir with argv, waits until its staging path
 * appears (and a little more, so that it is writing), sends sig, and
 * checks that it ended by sig and left nothing but keep (NULL: nothing). */
static void interrupt_run(int sig, const char *const *args, double settle, const char *keep)
{
  char prog[1200];
  ck_assert_ptr_nonnull(getcwd(prog, sizeof prog));
  strncat(prog, "/", sizeof prog - strlen(prog) - 1);
  strncat(prog, test_program(), sizeof prog - strlen(prog) - 1);
  const char *argv[32] = {prog};
  int argc = 1;
  while (args[argc - 1]) {
    argv[argc] = args[argc - 1];
    argc++;
  }
  argv[argc] = NULL;
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (chdir(dir) != 0) _exit(127);
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    signal(sig, SIG_DFL); /* as a shell would start it in the foreground */
    execv(prog, (char *const *)argv);
    _exit(127);
  }
  if (!keep) keep = "";
  int seen = 0;
  for (int tries = 0; tries < 2000 && !seen; tries++) {
    DIR *dp = opendir(dir);
    struct dirent *ent;
    while (dp && (ent = readdir(dp)) != NULL) seen |= strstr(ent->d_name, ".partial") != NULL;
    if (dp) closedir(dp);
    if (!seen) nanosleep(&(struct timespec){0, 5000000}, NULL);
  }
  ck_assert_msg(seen, "%s: no staging path appeared", args[0]);
  nanosleep(&(struct timespec){(time_t)settle, (long)((settle - (time_t)settle) * 1e9)}, NULL);
  ck_assert_int_eq(kill(pid, sig), 0);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig,
                "%s: status %#x, want the end by signal %d", args[0], status, sig);
  assert_no_staging("", args[0]);
  DIR *dp = opendir(dir);
  struct dirent *ent;
  while ((ent = readdir(dp)) != NULL)
    ck_assert_msg(!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
                  !strcmp(ent->d_name, keep), "%s interrupted by signal %d left '%s'", args[0],
                  sig, ent->d_name);
  closedir(dp);
}

static const char *const long_trace[] = {
  "trace", "--target", "gauss:d=3", "--schedule", "linear:T=1000", "--n", "400", "--seed", "1",
  "--engine", "ref", "-o", "out", NULL};
static const char *const long_fp_sample[] = {
  "sample", "--target", "gauss:d=64", "--schedule", "linear:T=100000", "--n", "20000", "--seed", "1",
  "--threads", "2", "-o", "out", NULL};
static const char *const long_table[] = {
  "schedule", "--schedule", "cosine:T=1000", "--engine", "ref", "--prec", "65536", "-o", "t.csv",
  NULL}; /* seconds of work in 40 MB */

/* SIGTERM and SIGINT in the middle of a trace (files open in the staging
 * directory), of a two-thread sample (the handler may run on an OpenMP
 * thread) and of a schedule table (a temporary file). */
START_TEST(interrupted_runs_leave_nothing)
{
  interrupt_run(SIGTERM, long_trace, 0.5, NULL);
  interrupt_run(SIGINT, long_trace, 0.3, NULL);
  interrupt_run(SIGTERM, long_fp_sample, 0.5, NULL);
  interrupt_run(SIGINT, long_table, 0.3, NULL);
  interrupt_run(SIGHUP, long_trace, 0.1, NULL);
}
END_TEST

/* --force: an interrupted replacement leaves the previous results as they were. */
START_TEST(interrupted_force_keeps_previous_output)
{
  static const char *const forced[] = {
    "trace", "--target", "gauss:d=3", "--schedule", "linear:T=1000", "--n", "400", "--seed", "1",
    "--engine", "ref", "-o", "out", "--force", NULL};
  ck_assert_int_eq(test_sh(dir, "$PROG sample " RUN " -o out >/dev/null && cp -r out %s/before && "
                           "rm out.txt err.txt", base), 0);
  interrupt_run(SIGTERM, forced, 0.3, "out");
  ck_assert_msg(test_sh(dir, "diff -r %s/before out && rm -r %s/before", base, base) == 0,
                "the interrupted --force run changed the previous output");
}
END_TEST

/* A real full disk: a 64 KiB tmpfs with 6 inodes, where mounting is
 * permitted (root); skipped elsewhere (the ulimit -f cases cover the write
 * errors). Full of inodes: creating the output fails; full of bytes: a
 * write does. Either way exit 1, one line, nothing left. */
static const struct {
  const char *cmd, *mention;
} full_disk[] = {
  {"$PROG sample " RUN " -o m/out", "-o m/out: cannot create a directory in m: No space left"},
  {"$PROG schedule --schedule linear -o m/t.csv", "-o m/t.csv: cannot create: No space left"},
  {"rm m/f*; $PROG trace --target gauss:d=2 --schedule linear:T=200 --n 20 --seed 1 -o m/out",
   "No space left on device"},
  {"rm m/f*; $PROG audit " RUN " --no-plot -o m/out", "No space left on device"},
};

START_TEST(full_tmpfs)
{
  if (test_sh(dir, "mkdir m && mount -t tmpfs -o size=64k,nr_inodes=6 tmpfs m") != 0) {
    printf("full_tmpfs: cannot mount a tmpfs here (not root?): skipped\n");
    return;
  }
  int rc = test_sh(dir, "{ for k in 1 2 3 4 5 6 7; do touch m/f$k 2>/dev/null; done; "
                   "%s; s=$?; ls -A m > ls.txt; (exit $s); }", full_disk[_i].cmd);
  char err[4096], ls[4096];
  test_slurp(dir, "err.txt", err, sizeof err);
  test_slurp(dir, "ls.txt", ls, sizeof ls);
  ck_assert_int_eq(test_sh(dir, "umount m"), 0);
  ck_assert_msg(rc == 1, "'%s': exit %d, want 1: %s", full_disk[_i].cmd, rc, err);
  char *nl = strchr(err, '\n');
  ck_assert_msg(nl && nl[1] == '\0' && strstr(err, full_disk[_i].mention), "'%s': %s",
                full_disk[_i].cmd, err);
  ck_assert_msg(!strstr(ls, "partial") && !strstr(ls, "out") && !strstr(ls, "t.csv"),
                "'%s' left: %s", full_disk[_i].cmd, ls);
}
END_TEST

Suite *bad_input_suite(void)
{
  Suite *s = suite_create("bad_input");
  TCase *tc = tcase_create("table");
  tcase_add_unchecked_fixture(tc, make_base, remove_base);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, bad_input_table, 0, (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, interrupted_runs_leave_nothing);
  tcase_add_test(tc, interrupted_force_keeps_previous_output);
  tcase_add_loop_test(tc, full_tmpfs, 0, (int)(sizeof full_disk / sizeof full_disk[0]));
  suite_add_tcase(s, tc);
  return s;
}
