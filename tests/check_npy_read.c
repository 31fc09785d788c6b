/* check_npy_read.c: the strict .npy reader (common/npy_read.c).
 *  - files NumPy writes, every accepted dtype, both byte orders, versions
 *    1.0, 2.0 and 3.0, shapes from () to 4 dimensions and zero-size ones:
 *    every value equal, bit for bit, to NumPy's own float64 conversion;
 *  - headers NumPy would read though it does not write them (other key
 *    order, double quotes, spacing, no trailing comma or newline);
 *  - a table of malformed files, each refused with DDPM_EINPUT and one line
 *    naming the option, the file and the reason;
 *  - every truncation of a good file refused, and random corruptions of one
 *    and random headers never crashing (Check runs each test in a child, so a
 *    crash fails the test). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check_suites.h"
#include "ddpm_npy_read.h"

static char scratch[64];

static void setup(void) { test_scratch_dir(scratch, sizeof scratch); }

static void write_bytes(const char *path, const void *bytes, size_t len)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

/* A .npy file: preamble for (major, minor), the header bytes as given (no
 * padding added), then data bytes of a fixed pattern. */
static void write_npy(const char *path, int major, int minor, const char *header, size_t hlen,
                      size_t data)
{
  size_t pre = major == 1 ? 10 : 12;
  unsigned char *b = malloc(pre + hlen + data + 1);
  ck_assert_ptr_nonnull(b);
  memcpy(b, "\x93NUMPY", 6);
  b[6] = (unsigned char)major;
  b[7] = (unsigned char)minor;
  for (size_t k = 0; k < pre - 8; k++) b[8 + k] = (unsigned char)(hlen >> (8 * k));
  memcpy(b + pre, header, hlen);
  for (size_t k = 0; k < data; k++) b[pre + hlen + k] = (unsigned char)(0x3f ^ (k & 7));
  write_bytes(path, b, pre + hlen + data);
  free(b);
}

/* Opens path expecting a refusal that mentions expect, on one line that
 * starts with the option and the file. */
static void assert_refused(const char *path, const char *expect, const char *label)
{
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  int rc = ddpm_npy_open(&r, path, "--test", &e);
  ck_assert_msg(rc == DDPM_EINPUT, "%s: open returned %d (want %d), message: %s", label, rc,
                DDPM_EINPUT, e.msg);
  ck_assert_msg(r.f == NULL, "%s: the file was left open", label);
  char prefix[256];
  snprintf(prefix, sizeof prefix, "--test %s: ", path);
  ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0, "%s: message does not start "
                "with '%s': %s", label, prefix, e.msg);
  ck_assert_msg(strchr(e.msg, '\n') == NULL, "%s: message is not one line: %s", label, e.msg);
  ck_assert_msg(strstr(e.msg, expect) != NULL, "%s: '%s' not in: %s", label, expect, e.msg);
}

/* ---- good files, written by NumPy --------------------------------------- */

/* Every dtype in versions 1.0 (24 values, all the special ones), 2.0 and
 * 3.0 (other shapes); NaN, infinities, signed zeros and subnormals of each
 * format; each file's values as float64 hex text beside it. */
static const char gen_script[] =
  "import numpy as np\n"
  "from numpy.lib import format as F\n"
  "rng = np.random.default_rng(5)\n"
  "special = [0.0, -0.0, 1.0, -2.5, 0.1, np.pi, 5e-324, 2.2250738585072014e-308,\n"
  "  1.7976931348623157e308, np.inf, -np.inf, np.nan, 1.401298464324817e-45,\n"
  "  1.1754943508222875e-38, 3.4028234663852886e+38, 5.960464477539063e-08,\n"
  "  6.103515625e-05, 65504.0, 9.5367431640625e-07, -3e-5, 1e-300, 65520.0]\n"
  "shapes = {1: [(2, 3, 4), (2, 1, 3, 4)], 2: [(), (7,), (0,)], 3: [(3, 5), (4, 0, 2), (1, 1)]}\n"
  "L = open('list.txt', 'w')\n"
  "def put(name, a, dt, v):\n"
  "    with open(name + '.npy', 'wb') as f: F.write_array(f, a, version=v)\n"
  "    with open(name + '.hex', 'w') as f:\n"
  "        f.write(repr(a.shape) + '\\n')\n"
  "        for x in a.astype(np.float64).ravel(): f.write(float(x).hex() + '\\n')\n"
  "    L.write('%s %s %d\\n' % (name, dt, v[0]))\n"
  "n = 0\n"
  "for dt in ['<f8', '>f8', '<f4', '>f4', '<f2', '>f2']:\n"
  "    for v in [(1, 0), (2, 0), (3, 0)]:\n"
  "        shape = shapes[v[0]][n % len(shapes[v[0]])]\n"
  "        size = int(np.prod(shape))\n"
  "        extra = list(rng.standard_normal(size) * 10.0 ** rng.integers(-8, 8, size))\n"
  "        vals = np.array((special + extra)[:size] if v[0] == 1 else extra, dtype=np.float64)\n"
  "        with np.errstate(over='ignore'):\n"
  "            a = vals.astype(dt).reshape(shape)\n"
  "        put('g%02d' % n, a, dt, v)\n"
  "        n += 1\n"
  "big = (rng.standard_normal(37000) * 1e3).astype('>f4').reshape(1000, 37)\n"
  "put('big', big, '>f4', (1, 0))\n"
  "L.close()\n";

static void generate_numpy_files(void)
{
  char path[128], cmd[4096];
  snprintf(path, sizeof path, "%s/gen.py", scratch);
  write_bytes(path, gen_script, strlen(gen_script));
  snprintf(cmd, sizeof cmd, "cd %s && %s gen.py", scratch, test_python());
  int rc = system(cmd);
  ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s failed", cmd);
}

/* Equal as binary64 bit patterns (so -0 differs from +0); NaN equals NaN. */
static int same_value(double a, double b)
{
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return memcmp(&a, &b, sizeof a) == 0;
}

static double *read_expected(const char *name, char *shape, size_t size, long long *count)
{
  char path[160];
  snprintf(path, sizeof path, "%s/%s.hex", scratch, name);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(shape, (int)size, f));
  shape[strcspn(shape, "\n")] = '\0';
  double *v = malloc(40000 * sizeof *v);
  char line[64];
  *count = 0;
  while (fgets(line, sizeof line, f) && *count < 40000) v[(*count)++] = strtod(line, NULL);
  fclose(f);
  return v;
}

/* Whole-array read, then every value alone from the end backwards (seeks),
 * then runs of 37 (reads that cross the reader's 4 KiB buffer). */
static void check_values(ddpm_npy_reader *r, const double *want, const char *name)
{
  ddpm_err e = {{0}};
  double *got = malloc(((size_t)r->count + 1) * sizeof *got);
  ck_assert_msg(ddpm_npy_read(r, 0, r->count, got, &e) == DDPM_OK, "%s: %s", name, e.msg);
  for (long long q = 0; q < r->count; q++)
    ck_assert_msg(same_value(got[q], want[q]), "%s value %lld: %a, NumPy %a", name, q, got[q],
                  want[q]);
  for (long long q = r->count - 1; q >= 0 && r->count < 100; q--) {
    double one;
    ck_assert_int_eq(ddpm_npy_read(r, q, 1, &one, &e), DDPM_OK);
    ck_assert_msg(same_value(one, want[q]), "%s value %lld read alone", name, q);
  }
  for (long long q = 0; q + 37 <= r->count; q += 37 * 11) {
    ck_assert_int_eq(ddpm_npy_read(r, q, 37, got, &e), DDPM_OK);
    for (int k = 0; k < 37; k++) ck_assert(same_value(got[k], want[q + k]));
  }
  free(got);
}

START_TEST(numpy_files_exact)
{
  generate_numpy_files();
  char path[160], name[32], dt[8], want_shape[64], shape[64];
  int version, files = 0;
  snprintf(path, sizeof path, "%s/list.txt", scratch);
  FILE *list = fopen(path, "r");
  ck_assert_ptr_nonnull(list);
  while (fscanf(list, "%31s %7s %d", name, dt, &version) == 3) {
    long long count;
    double *want = read_expected(name, want_shape, sizeof want_shape, &count);
    snprintf(path, sizeof path, "%s/%s.npy", scratch, name);
    ddpm_npy_reader r;
    ddpm_err e = {{0}};
    ck_assert_msg(ddpm_npy_open(&r, path, "--test", &e) == DDPM_OK, "%s: %s", name, e.msg);
    ck_assert_str_eq(r.descr, dt);
    ck_assert_int_eq(r.version, version);
    ck_assert_int_eq(r.item_bytes, dt[2] - '0');
    ck_assert_int_eq(r.big_endian, dt[0] == '>');
    ck_assert_str_eq(ddpm_npy_shape_text(&r, shape, sizeof shape), want_shape);
    ck_assert_int_eq(r.count, count);
    check_values(&r, want, name);
    ddpm_npy_close(&r);
    ddpm_npy_close(&r); /* twice is harmless */
    free(want);
    files++;
  }
  fclose(list);
  ck_assert_int_eq(files, 19);
}
END_TEST

/* ---- headers NumPy reads but does not write ------------------------------ */

static const char *const accepted_headers[] = {
  "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
  "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,3)}\n",
  "  {  'descr' : '<f8' ,\n 'fortran_order':False,'shape':( 2 , 3 , ) , }   \n",
  "{'fortran_order': False, 'shape': (2, 3,), 'descr': '<f8', }                    \n",
  "{'descr': '<f8',\t'fortran_order': False,\r\n'shape': (2, 3)}\r\n",
};

START_TEST(accepted_header_variants)
{
  char path[128], shape[64];
  snprintf(path, sizeof path, "%s/v.npy", scratch);
  const char *h = accepted_headers[_i];
  write_npy(path, 1, 0, h, strlen(h), 48);
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_npy_open(&r, path, "--test", &e) == DDPM_OK, "header %d: %s", _i, e.msg);
  ck_assert_str_eq(ddpm_npy_shape_text(&r, shape, sizeof shape), "(2, 3)");
  ck_assert_int_eq(r.count, 6);
  ck_assert_int_eq(r.data_offset, 10 + (long long)strlen(h));
  ddpm_npy_close(&r);
}
END_TEST

/* A scalar holds one value; a zero-size array none; reads outside the
 * array are refused; a closed reader refuses to read. */
START_TEST(scalar_zero_size_and_ranges)
{
  char path[128], shape[64];
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  double v[4];
  snprintf(path, sizeof path, "%s/s.npy", scratch);
  const char *scalar = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n";
  write_npy(path, 1, 0, scalar, strlen(scalar), 8);
  ck_assert_int_eq(ddpm_npy_open(&r, path, "--test", &e), DDPM_OK);
  ck_assert_int_eq(r.ndim, 0);
  ck_assert_int_eq(r.count, 1);
  ck_assert_str_eq(ddpm_npy_shape_text(&r, shape, sizeof shape), "()");
  ck_assert_int_eq(ddpm_npy_read(&r, 0, 1, v, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_npy_read(&r, 0, 2, v, &e), DDPM_EINPUT);
  ck_assert_int_eq(ddpm_npy_read(&r, -1, 1, v, &e), DDPM_EINPUT);
  ck_assert_int_eq(ddpm_npy_read(&r, 1, 0, v, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_npy_read(&r, 2, 0, v, &e), DDPM_EINPUT);
  ck_assert_int_eq(ddpm_npy_read(&r, 0, -1, v, &e), DDPM_EINPUT);
  ck_assert_int_eq(ddpm_npy_read(&r, 1, 0x7fffffffffffffffLL, v, &e), DDPM_EINPUT);
  ddpm_npy_close(&r);
  ck_assert_int_eq(ddpm_npy_read(&r, 0, 1, v, &e), DDPM_EINPUT);
  const char *empty = "{'descr': '>f2', 'fortran_order': False, 'shape': (3, 0, 1000000), }\n";
  write_npy(path, 2, 0, empty, strlen(empty), 0);
  ck_assert_msg(ddpm_npy_open(&r, path, "--test", &e) == DDPM_OK, "%s", e.msg);
  ck_assert_int_eq(r.count, 0);
  ck_assert_int_eq(ddpm_npy_read(&r, 0, 0, v, &e), DDPM_OK);
  ck_assert_int_eq(ddpm_npy_read(&r, 0, 1, v, &e), DDPM_EINPUT);
  ddpm_npy_close(&r);
}
END_TEST

/* ---- malformed files ---------------------------------------------------- */

#define HEAD(shape) "{'descr': '<f8', 'fortran_order': False, 'shape': " shape ", }\n"

typedef struct {
  const char *label;
  int major, minor;
  const char *header; /* NULL: raw holds the whole file */
  size_t data;        /* bytes after the header */
  const char *raw;
  size_t raw_len;     /* with a header: its length, when it holds a NUL */
  const char *expect;
} bad_npy;

#define NUL_HEAD "{'descr': '<f8',\0 'fortran_order': False, 'shape': (2,)}\n"
#define H(label, header, data, expect) {label, 1, 0, header, data, NULL, 0, expect}
#define RAW(label, bytes, expect) {label, 0, 0, NULL, 0, bytes, sizeof bytes - 1, expect}

static const bad_npy bad[] = {
  RAW("empty file", "", "empty file"),
  RAW("magic prefix only", "\x93NUM", "truncated"),
  RAW("a zip (.npz)", "PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a .npy file"),
  RAW("text", "1.0 2.0 3.0\n", "not a .npy file"),
  RAW("preamble cut in the length", "\x93NUMPY\x01\x00\x10", "truncated"),
  RAW("version 2 preamble cut", "\x93NUMPY\x02\x00\x10\x00", "truncated"),
  {"version 4.0", 4, 0, HEAD("(2,)"), 16, NULL, 0, "format version 4.0"},
  {"version 1.1", 1, 1, HEAD("(2,)"), 16, NULL, 0, "format version 1.1"},
  {"version 0.0", 0, 0, HEAD("(2,)"), 16, NULL, 0, "format version 0.0"},
  RAW("header longer than the file", "\x93NUMPY\x01\x00\xff\x00{'descr'", "truncated header"),
  RAW("v2 header length 4 GB", "\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'", "truncated header"),
  RAW("header length 0", "\x93NUMPY\x01\x00\x00\x00", "empty header"),
  H("not a dict", "[1, 2, 3]\n", 0, "expected '{'"),
  H("missing shape", "{'descr': '<f8', 'fortran_order': False}\n", 0, "no 'shape' key"),
  H("missing descr", "{'fortran_order': False, 'shape': (2,)}\n", 16, "no 'descr' key"),
  H("missing fortran_order", "{'descr': '<f8', 'shape': (2,)}\n", 16, "no 'fortran_order' key"),
  H("extra key", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}\n", 16,
    "unexpected key 'extra'"),
  H("duplicate key", "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}\n",
    16, "key 'descr' given twice"),
  H("int64", "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", 16, "dtype '<i8'"),
  H("uint8", "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n", 2, "dtype '|u1'"),
  H("complex", "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }\n", 32,
    "dtype '<c16': must be float64"),
  H("float128", "{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }\n", 32, "dtype '<f16'"),
  H("native order", "{'descr': '=f8', 'fortran_order': False, 'shape': (2,), }\n", 16, "dtype '=f8'"),
  H("dtype name", "{'descr': 'float64', 'fortran_order': False, 'shape': (2,), }\n", 16,
    "dtype 'float64'"),
  H("structured", "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }\n",
    24, "structured"),
  H("fortran order", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }\n", 32,
    "fortran_order is True"),
  H("fortran_order 1", "{'descr': '<f8', 'fortran_order': 1, 'shape': (2,), }\n", 16,
    "must be True or False"),
  H("fortran_order 'False'", "{'descr': '<f8', 'fortran_order': 'False', 'shape': (2,), }\n", 16,
    "must be True or False"),
  H("fortran_order false", "{'descr': '<f8', 'fortran_order': false, 'shape': (2,), }\n", 16,
    "must be True or False"),
  H("fortran_order Falsey", "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (2,), }\n", 16,
    "must be True or False"),
  H("negative dimension", HEAD("(-2,)"), 16, "negative dimension"),
  H("float dimension", HEAD("(2.5,)"), 16, "not an integer"),
  H("hex dimension", HEAD("(0x2,)"), 16, "not an integer"),
  H("(3) is not a tuple", HEAD("(2)"), 16, "is not a tuple"),
  H("list shape", HEAD("[2, 1]"), 16, "'shape' is not a tuple"),
  H("five dimensions", HEAD("(1, 1, 1, 1, 2)"), 16, "5 dimensions: at most 4"),
  H("byte count overflow", HEAD("(1099511627776, 1099511627776)"), 16, "overflow"),
  H("byte count overflow by item size", HEAD("(2305843009213693952,)"), 16, "overflow"),
  H("dimension past int64", HEAD("(99999999999999999999,)"), 16, "is too large"),
  H("leading zero", HEAD("(02,)"), 16, "leading zero"),
  H("empty tuple with comma", HEAD("(,)"), 16, "expected a dimension"),
  H("double comma", HEAD("(2,,)"), 16, "expected a dimension"),
  H("missing comma", HEAD("(2 1)"), 16, "expected ',' or ')'"),
  H("unterminated tuple", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, ", 16,
    "expected a dimension"),
  H("truncated data", HEAD("(2, 3)"), 16, "truncated: 16 bytes of data, the header's shape (2, 3)"),
  H("scalar without data", HEAD("()"), 0, "truncated: 0 bytes of data"),
  H("trailing bytes", HEAD("(2,)"), 17, "1 trailing byte after the data"),
  H("unterminated string", "{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}\n", 16,
    "expected ',' or '}'"),
  H("string never closed", "{'descr': '<f8", 16, "unterminated string"),
  H("text after the dict", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x\n", 16,
    "unexpected text after the dict"),
  H("no closing brace", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)\n", 16,
    "expected ',' or '}'"),
  H("two dicts", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}{}\n", 16,
    "unexpected text after the dict"),
  H("missing colon", "{'descr' '<f8', 'fortran_order': False, 'shape': (2,)}\n", 16, "expected ':'"),
  H("unquoted key", "{descr: '<f8', 'fortran_order': False, 'shape': (2,)}\n", 16,
    "expected a quoted string"),
  H("escape in a string", "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (2,)}\n", 16,
    "backslash"),
  H("non-ASCII byte", "{'descr': '<f8\xc3\xa9', 'fortran_order': False, 'shape': (2,)}\n", 16,
    "byte 0xc3"),
  H("long string", "{'descr': '<f8xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}",
    16, "longer than 63"),
  H("empty dict", "{}\n", 16, "no 'descr' key"),
  H("only spaces", "          \n", 16, "expected '{'"),
  {"NUL in the header", 1, 0, NUL_HEAD, 16, NULL, sizeof NUL_HEAD - 1, "NUL byte at header byte 16"},
};

START_TEST(malformed_refused)
{
  const bad_npy *b = &bad[_i];
  char path[128];
  snprintf(path, sizeof path, "%s/bad.npy", scratch);
  if (b->header) {
    size_t hlen = b->raw_len ? b->raw_len : strlen(b->header); /* raw_len: a NUL inside */
    write_npy(path, b->major, b->minor, b->header, hlen, b->data);
  } else {
    write_bytes(path, b->raw, b->raw_len);
  }
  assert_refused(path, b->expect, b->label);
}
END_TEST

START_TEST(not_a_file_refused)
{
  char path[256];
  snprintf(path, sizeof path, "%s/missing.npy", scratch);
  assert_refused(path, "cannot open: No such file", "missing file");
  assert_refused(scratch, "is a directory", "directory");
  assert_refused("/dev/null", "not a regular file", "character device");
  snprintf(path, sizeof path, "%s/fifo.npy", scratch);
  ck_assert_int_eq(mkfifo(path, 0600), 0);
  assert_refused(path, "not a regular file", "FIFO (must not block)");
  char long_path[5000];
  memset(long_path, 'a', sizeof long_path - 1);
  long_path[sizeof long_path - 1] = '\0';
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_npy_open(&r, long_path, "--test", &e), DDPM_EINPUT);
  ck_assert_ptr_nonnull(strstr(e.msg, "path longer than"));
}
END_TEST

/* A version 2.0 header of 1.5 MiB of spaces is refused before parsing. */
START_TEST(huge_header_refused)
{
  char path[128];
  snprintf(path, sizeof path, "%s/huge.npy", scratch);
  size_t len = 3 << 19;
  char *h = malloc(len);
  memset(h, ' ', len);
  memcpy(h, HEAD("(2,)"), strlen(HEAD("(2,)")));
  write_npy(path, 2, 0, h, len, 16);
  free(h);
  assert_refused(path, "header of 1572864 bytes: longer than", "1.5 MiB header");
}
END_TEST

/* ---- robustness --------------------------------------------------------- */

static uint64_t lcg(uint64_t *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

/* A good '<f4' (3, 5) file, 64-byte aligned as NumPy writes it: a
 * 118-byte header, then 60 bytes of data. */
#define GOOD_SIZE 188
static size_t good_file(unsigned char *buf)
{
  static const char head[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }";
  memcpy(buf, "\x93NUMPY\x01\x00\x76\x00", 10);
  memset(buf + 10, ' ', 118);
  memcpy(buf + 10, head, sizeof head - 1);
  buf[127] = '\n';
  for (int k = 0; k < 60; k++) buf[128 + k] = (unsigned char)(k * 37);
  return GOOD_SIZE;
}

/* Either refused with EINPUT and a one-line message, or fully readable. */
static void open_survives(const char *path, const char *label)
{
  ddpm_npy_reader r;
  ddpm_err e = {{0}};
  int rc = ddpm_npy_open(&r, path, "--fuzz", &e);
  ck_assert_msg(rc == DDPM_OK || rc == DDPM_EINPUT, "%s: rc %d: %s", label, rc, e.msg);
  if (rc != DDPM_OK) {
    ck_assert_msg(e.msg[0] && !strchr(e.msg, '\n'), "%s: message '%s'", label, e.msg);
    return;
  }
  ck_assert_msg(r.count <= 1000, "%s: %lld values in a small file", label, r.count);
  double v[1000];
  ck_assert_msg(ddpm_npy_read(&r, 0, r.count, v, &e) == DDPM_OK, "%s: %s", label, e.msg);
  ddpm_npy_close(&r);
}

START_TEST(every_truncation_refused)
{
  unsigned char buf[GOOD_SIZE];
  size_t size = good_file(buf);
  char path[128];
  snprintf(path, sizeof path, "%s/t.npy", scratch);
  write_bytes(path, buf, size);
  open_survives(path, "the good file");
  for (size_t len = 0; len < size; len++) {
    char label[64];
    write_bytes(path, buf, len);
    snprintf(label, sizeof label, "cut at %zu bytes", len);
    assert_refused(path, len == 0 ? "empty" : "", label);
  }
}
END_TEST

START_TEST(random_corruptions_survive)
{
  unsigned char good[GOOD_SIZE], buf[GOOD_SIZE];
  size_t size = good_file(good);
  char path[128], label[64];
  snprintf(path, sizeof path, "%s/c.npy", scratch);
  uint64_t s = 20261122;
  for (int it = 0; it < 3000; it++) {
    memcpy(buf, good, size);
    int flips = 1 + (int)(lcg(&s) % 3);
    for (int f = 0; f < flips; f++) {
      size_t at = lcg(&s) % 4 ? lcg(&s) % 128 : lcg(&s) % size; /* mostly the header */
      buf[at] = (unsigned char)lcg(&s);
    }
    write_bytes(path, buf, size);
    snprintf(label, sizeof label, "corruption %d", it);
    open_survives(path, label);
  }
}
END_TEST

/* Headers made of the grammar's own tokens, shuffled. */
START_TEST(random_headers_survive)
{
  static const char *const tokens[] = {
    "{", "}", "(", ")", "[", "]", ",", ":", " ", "'", "\"", "'descr'", "'shape'",
    "'fortran_order'", "'<f4'", "'>f2'", "True", "False", "0", "3", "5", "15", "-1",
    "99999999999999999999", "\n", "\\", "x"};
  char path[128], label[64], head[512];
  snprintf(path, sizeof path, "%s/h.npy", scratch);
  uint64_t s = 7;
  for (int it = 0; it < 3000; it++) {
    size_t len = 0;
    int ntok = 1 + (int)(lcg(&s) % 30);
    if (it % 2) len = (size_t)snprintf(head, sizeof head, "{'descr': '<f4', ");
    for (int k = 0; k < ntok; k++) {
      const char *t = tokens[lcg(&s) % (sizeof tokens / sizeof tokens[0])];
      if (len + strlen(t) < sizeof head) {
        memcpy(head + len, t, strlen(t));
        len += strlen(t);
      }
    }
    write_npy(path, 1 + (int)(lcg(&s) % 3), 0, head, len, lcg(&s) % 70);
    snprintf(label, sizeof label, "random header %d", it);
    open_survives(path, label);
  }
}
END_TEST

Suite *npy_read_suite(void)
{
  Suite *s = suite_create("npy_read");
  TCase *tc = tcase_create("reader");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, numpy_files_exact);
  tcase_add_loop_test(tc, accepted_header_variants, 0,
                      (int)(sizeof accepted_headers / sizeof accepted_headers[0]));
  tcase_add_test(tc, scalar_zero_size_and_ranges);
  tcase_add_loop_test(tc, malformed_refused, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, not_a_file_refused);
  tcase_add_test(tc, huge_header_refused);
  tcase_add_test(tc, every_truncation_refused);
  tcase_add_test(tc, random_corruptions_survive);
  tcase_add_test(tc, random_headers_survive);
  suite_add_tcase(s, tc);
  return s;
}
