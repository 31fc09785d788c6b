/* check_mixture.c: the mixture targets' JSON reader (DESIGN.md section 5)
 * and ddpm_mixture_from_spec.
 *  - texts kept exactly as written, numbers or strings, and their binary64
 *    equal to strtod of the texts;
 *  - K, d, the weights' sum and the normalised flag both ways;
 *  - every malformed or out-of-range file refused with exit code 2 and one
 *    line naming the file and the JSON path of the bad value;
 *  - no state left behind by a failed read (ddpm_mixture_free is safe). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "ddpm_mixture.h"

#define DATA "tests/data/mixtures/"

static void write_file(const char *path, const char *text, size_t len)
{
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

static void check_texts(char *const *texts, const double *xs, const char *const *want, int n)
{
  for (int i = 0; i < n; i++) {
    ck_assert_str_eq(texts[i], want[i]);
    ck_assert_msg(xs[i] == strtod(want[i], NULL), "[%d] %s: %.17g", i, want[i], xs[i]);
  }
}

static void check_zeroed(const ddpm_mixture *m)
{
  ck_assert_int_eq(m->K, 0);
  ck_assert_int_eq(m->d, 0);
  ck_assert_ptr_null(m->weight_text);
  ck_assert_ptr_null(m->mean_text);
  ck_assert_ptr_null(m->var_text);
  ck_assert_ptr_null(m->weight);
  ck_assert_ptr_null(m->mean);
  ck_assert_ptr_null(m->var);
}

static void read_ok(const char *path, const char *kind, ddpm_mixture *m)
{
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_mixture_read(path, "target", kind, m, &e) == DDPM_OK, "%s: %s", path,
                e.msg);
}

/* ---- good files ----------------------------------------------------------- */

START_TEST(design_example_read)
{
  ddpm_mixture m;
  read_ok(DATA "design_example.json", "gmm", &m);
  ck_assert_int_eq(m.K, 2);
  ck_assert_int_eq(m.d, 2);
  static const char *w[] = {"0.3", "0.7"};
  static const char *mu[] = {"-2", "1", "1.5", "-0.5"}; /* numbers and strings */
  static const char *s2[] = {"0.25", "1", "1", "0.5"};
  check_texts(m.weight_text, m.weight, w, 2);
  check_texts(m.mean_text, m.mean, mu, 4);
  check_texts(m.var_text, m.var, s2, 4);
  double sum = 0.0;
  sum += 0.3;
  sum += 0.7;
  ck_assert(m.weight_sum == sum);
  ck_assert_int_eq(m.normalised, 0);
  ddpm_mixture_free(&m);
  check_zeroed(&m);
  ddpm_mixture_free(&m); /* twice is harmless */
}
END_TEST

START_TEST(texts_kept_exactly)
{
  ddpm_mixture m;
  read_ok(DATA "gauss_one.json", "gauss", &m);
  ck_assert_int_eq(m.K, 1);
  ck_assert_int_eq(m.d, 6);
  static const char *mu[] = {"0.10", "1e-3", "1.5", "-0.5", "-0.0", "2.50E+1"};
  static const char *s2[] = {"0.10", "1e-3", "2", "1.0", "3", "4e0"};
  static const char *w[] = {"1"}; /* the default */
  check_texts(m.mean_text, m.mean, mu, 6);
  check_texts(m.var_text, m.var, s2, 6);
  check_texts(m.weight_text, m.weight, w, 1);
  ck_assert(m.weight_sum == 1.0);
  ck_assert_int_eq(m.normalised, 0);
  ddpm_mixture_free(&m);
  /* the same file is a one-component gmm too */
  read_ok(DATA "gauss_one.json", "gmm", &m);
  ck_assert_int_eq(m.K, 1);
  ddpm_mixture_free(&m);
}
END_TEST

START_TEST(weights_normalised_flag)
{
  ddpm_mixture m;
  read_ok(DATA "unnormalised.json", "gmm", &m);
  ck_assert_int_eq(m.K, 3);
  ck_assert_int_eq(m.d, 1);
  static const char *w[] = {"1", "2", "3"};
  check_texts(m.weight_text, m.weight, w, 3);
  ck_assert(m.weight_sum == 6.0);
  ck_assert_int_eq(m.normalised, 1);
  ddpm_mixture_free(&m);

  /* 0.1 + 0.2 + 0.7 is within K ulps of 1: not flagged */
  read_ok(DATA "near_one.json", "gmm", &m);
  ck_assert_int_eq(m.K, 3);
  ck_assert_int_eq(m.d, 2);
  double sum = 0.0;
  sum += 0.1;
  sum += 0.2;
  sum += 0.7;
  ck_assert(m.weight_sum == sum);
  ck_assert_int_eq(m.normalised, 0);
  ddpm_mixture_free(&m);

  /* at the threshold K 2^-52 exactly, and just beyond it */
  char dir[64], path[128];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/w.json", dir);
  static const char at[] = "{\"components\": [{\"weight\": 0.5, \"mean\": [0], \"var\": [1]},"
                           "{\"weight\": \"0.5000000000000004\", \"mean\": [0], \"var\": [1]}]}";
  write_file(path, at, sizeof at - 1);
  read_ok(path, "gmm", &m);
  ck_assert(m.weight_sum == 1.0 + 0x1p-51);
  ck_assert_int_eq(m.normalised, 0);
  ddpm_mixture_free(&m);
  static const char beyond[] =
      "{\"components\": [{\"weight\": 0.5, \"mean\": [0], \"var\": [1]},"
      "{\"weight\": 0.500000000000001, \"mean\": [0], \"var\": [1]}]}";
  write_file(path, beyond, sizeof beyond - 1);
  read_ok(path, "gmm", &m);
  ck_assert(m.weight_sum > 1.0 + 0x1p-51);
  ck_assert_int_eq(m.normalised, 1);
  ddpm_mixture_free(&m);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* Limits on one number's text: DDPM_MIX_TEXT_MAX characters pass, one more
 * does not. */
START_TEST(text_length_limit)
{
  char dir[64], path[128];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/long.json", dir);
  size_t cap = 2 * DDPM_MIX_TEXT_MAX + 200;
  char *json = malloc(cap), *num = malloc(DDPM_MIX_TEXT_MAX + 2);
  ck_assert_ptr_nonnull(json);
  ck_assert_ptr_nonnull(num);
  for (int extra = 0; extra <= 1; extra++) {
    size_t n = (size_t)DDPM_MIX_TEXT_MAX + (size_t)extra;
    num[0] = '1';
    num[1] = '.';
    memset(num + 2, '0', n - 2);
    num[n] = '\0';
    snprintf(json, cap, "{\"components\": [{\"mean\": [%s], \"var\": [\"%s\"]}]}", num, num);
    write_file(path, json, strlen(json));
    ddpm_mixture m;
    ddpm_err e = {{0}};
    int rc = ddpm_mixture_read(path, "target", "gmm", &m, &e);
    if (extra == 0) {
      ck_assert_msg(rc == DDPM_OK, "%s", e.msg);
      ck_assert_str_eq(m.mean_text[0], num);
      ck_assert_str_eq(m.var_text[0], num);
      ck_assert(m.mean[0] == 1.0);
    } else {
      ck_assert_int_eq(rc, DDPM_EINPUT);
      ck_assert_msg(strstr(e.msg, "components[0].mean[0]: number of 4097 characters") != NULL,
                    "%s", e.msg);
      check_zeroed(&m);
    }
    ddpm_mixture_free(&m);
  }
  free(json);
  free(num);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* ---- bad files ------------------------------------------------------------ */

#define ONE "{\"mean\": [0], \"var\": [1]}"
#define TXT(s) s, sizeof s - 1

static const struct {
  const char *name, *text;
  size_t len;
  const char *kind, *must_mention;
} bad[] = {
  {"missing.json", NULL, 0, "gmm", "cannot open: No such file or directory"},
  {".", NULL, 0, "gmm", "read error: Is a directory"},
  {"empty.json", TXT(""), "gmm", "empty file"},
  {"blank.json", TXT(" \n\t\r\n"), "gmm", "empty file"},
  {"text.json", TXT("hello"), "gmm", "line 1, column 1: not valid JSON"},
  {"truncated.json", TXT("{\"components\": [" ONE), "gmm", "truncated JSON"},
  {"trailing.json", TXT("{\"components\": [" ONE "]}\n x"), "gmm",
   "line 2, column 2: content after the JSON value"},
  {"two.json", TXT("{\"components\": [" ONE "]}{}"), "gmm", "content after the JSON value"},
  {"comma.json", TXT("{\"components\": [" ONE ",]}"), "gmm", "not valid JSON"},
  {"comment.json", TXT("{\"components\": [" ONE "]} // c"), "gmm", "content after"},
  {"quote.json", TXT("{'components': [" ONE "]}"), "gmm", "line 1, column 2: single-quoted string"},
  {"bom.json", TXT("\xef\xbb\xbf{\"components\": [" ONE "]}"), "gmm", "byte order mark"},
  {"utf8.json", TXT("{\"components\xff\": [" ONE "]}"), "gmm", "invalid utf-8"},
  {"nul.json", TXT("{\"components\": [" ONE "]}\n\0"), "gmm", "line 2, column 1: NUL byte"},
  {"deep.json", TXT("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
   "gmm", "not valid JSON: nesting too deep"},
  {"squote.json", TXT("{\"components\": [{'mean': [0], \"var\": [1]}]}"), "gmm",
   "line 1, column 18: single-quoted string"},
  {"squote2.json", TXT("{'x:{y': 1}"), "gmm", "single-quoted string"},
  {"toptext.json", TXT("\"components\""), "gmm", "top level: expected an object"},
  {"topnull.json", TXT(" null "), "gmm", "top level: expected an object {\"components\": [...]}, found null"},
  {"compnull.json", TXT("{\"components\": null}"), "gmm",
   "components: expected an array of components, found null"},
  {"meannull.json", TXT("{\"components\": [{\"mean\": null, \"var\": [1]}]}"), "gmm",
   "components[0].mean: expected an array of numbers, found null"},
  {"array.json", TXT("[" ONE "]"), "gmm", "top level: expected an object"},
  {"number.json", TXT("3"), "gmm", "top level: expected an object {\"components\": [...]}, found a number"},
  {"topkey.json", TXT("{\"components\": [" ONE "], \"name\": \"x\"}"), "gmm",
   "top level: unknown key \"name\""},
  {"nocomp.json", TXT("{}"), "gmm", "top level: no \"components\" key"},
  {"compobj.json", TXT("{\"components\": " ONE "}"), "gmm",
   "components: expected an array of components, found an object"},
  {"nocomps.json", TXT("{\"components\": []}"), "gmm", "components: empty array"},
  {"compnum.json", TXT("{\"components\": [" ONE ", 1]}"), "gmm",
   "components[1]: expected an object with \"mean\" and \"var\", found a number"},
  {"nomean.json", TXT("{\"components\": [{\"var\": [1]}]}"), "gmm",
   "components[0]: no \"mean\" key"},
  {"novar.json", TXT("{\"components\": [" ONE ", {\"mean\": [1]}]}"), "gmm",
   "components[1]: no \"var\" key"},
  {"compkey.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [1], \"cov\": [1]}]}"),
   "gmm", "components[0]: unknown key \"cov\""},
  {"meannum.json", TXT("{\"components\": [{\"mean\": 0, \"var\": [1]}]}"), "gmm",
   "components[0].mean: expected an array of numbers, found a number"},
  {"varstr.json", TXT("{\"components\": [{\"mean\": [0], \"var\": \"1\"}]}"), "gmm",
   "components[0].var: expected an array of numbers, found a string"},
  {"meanempty.json", TXT("{\"components\": [{\"mean\": [], \"var\": []}]}"), "gmm",
   "components[0].mean: empty array"},
  {"lengths.json", TXT("{\"components\": [{\"mean\": [0, 1], \"var\": [1]}]}"), "gmm",
   "components[0].var: 1 entries but mean has 2"},
  {"dims.json",
   TXT("{\"components\": [{\"mean\": [0, 1], \"var\": [1, 1]}, " ONE "]}"), "gmm",
   "components[1].mean: 1 entries but components[0] has d = 2"},
  {"var0.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [0]}]}"), "gmm",
   "components[0].var[0]=0: must be > 0"},
  {"varneg.json", TXT("{\"components\": [" ONE ", {\"mean\": [0], \"var\": [-1]}]}"),
   "gmm", "components[1].var[0]=-1: must be > 0"},
  {"varneg2.json", TXT("{\"components\": [{\"mean\": [0, 0], \"var\": [1, \"-1\"]}]}"),
   "gmm", "components[0].var[1]=-1: must be > 0"},
  {"varunder.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [1e-400]}]}"), "gmm",
   "components[0].var[0]=1e-400: must be > 0 (it underflows binary64 to 0)"},
  {"varover.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [1e400]}]}"), "gmm",
   "components[0].var[0]=1e400: overflows binary64"},
  {"varbig.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [\"1e151\"]}]}"), "gmm",
   "components[0].var[0]=1e151: must be <= 1e150"},
  {"meanbig.json", TXT("{\"components\": [{\"mean\": [-2e150], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]=-2e150: |mean| must be <= 1e150"},
  {"nanstr.json", TXT("{\"components\": [{\"mean\": [\"nan\"], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]=\"nan\": not a decimal number"},
  {"nanlit.json", TXT("{\"components\": [{\"mean\": [NaN], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]=NaN: not a decimal number"},
  {"inflit.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [-Infinity]}]}"), "gmm",
   "components[0].var[0]=-Infinity: not a decimal number"},
  {"infstr.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [\"inf\"]}]}"), "gmm",
   "components[0].var[0]=\"inf\": not a decimal number"},
  {"hexstr.json", TXT("{\"components\": [{\"mean\": [\"0x1p-3\"], \"var\": [1]}]}"), "gmm",
   "=\"0x1p-3\": not a decimal number"},
  {"spacestr.json", TXT("{\"components\": [{\"mean\": [\" 1\"], \"var\": [1]}]}"), "gmm",
   "=\" 1\": not a decimal number"},
  {"emptystr.json", TXT("{\"components\": [{\"mean\": [\"\"], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]=\"\": not a decimal number"},
  {"comma15.json", TXT("{\"components\": [{\"mean\": [\"1,5\"], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]=\"1,5\": not a decimal number"},
  {"w0.json", TXT("{\"components\": [{\"weight\": 0, \"mean\": [0], \"var\": [1]}]}"), "gmm",
   "components[0].weight=0: must be > 0"},
  {"wneg.json",
   TXT("{\"components\": [" ONE ", {\"weight\": -0.5, \"mean\": [0], \"var\": [1]}]}"),
   "gmm", "components[1].weight=-0.5: must be > 0"},
  {"wbig.json", TXT("{\"components\": [{\"weight\": 1e151, \"mean\": [0], \"var\": [1]}]}"),
   "gmm", "components[0].weight=1e151: must be <= 1e150"},
  {"wunder.json", TXT("{\"components\": [{\"weight\": \"1e-999\", \"mean\": [0], \"var\": [1]}]}"),
   "gmm", "components[0].weight=1e-999: must be > 0 (it underflows"},
  {"bool.json", TXT("{\"components\": [{\"mean\": [true], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]: expected a number or a decimal string, found a boolean"},
  {"null.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [null]}]}"), "gmm",
   "components[0].var[0]: expected a number or a decimal string, found null"},
  {"wnull.json", TXT("{\"components\": [{\"weight\": null, \"mean\": [0], \"var\": [1]}]}"),
   "gmm", "components[0].weight: expected a number or a decimal string, found null"},
  {"nested.json", TXT("{\"components\": [{\"mean\": [[0]], \"var\": [1]}]}"), "gmm",
   "components[0].mean[0]: expected a number or a decimal string, found an array"},
  {"huge.json",
   TXT("{\"components\": [{\"mean\": [123456789012345678901234567890], \"var\": [1]}]}"),
   "gmm", "components[0].mean[0]: integer of magnitude >= 2^53"},
  {"hugeneg.json",
   TXT("{\"components\": [{\"mean\": [-9007199254740992], \"var\": [1]}]}"), "gmm",
   "write it as a string"},
  {"leading0.json", TXT("{\"components\": [{\"mean\": [-01], \"var\": [1]}]}"), "gmm",
   "line 1, column 27: number with a leading zero"},
  {"dupkey.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [1], \"mean\": [2]}]}"),
   "gmm", "components[0]: a key appears more than once"},
  {"duptop.json", TXT("{\"components\": [{\"mean\": [0], \"var\": [1]}], \"components\": []}"),
   "gmm", "top level: a key appears more than once"},
  {"nulkey.json", TXT("{\"components\": [{\"mean\\u0000x\": [0], \"var\": [1]}]}"), "gmm",
   "\\u0000 in a string"},
  {"nulstr.json", TXT("{\"components\": [{\"mean\": [\"1\\u0000\"], \"var\": [1]}]}"), "gmm",
   "\\u0000 in a string"},
  {"gauss2.json", TXT("{\"components\": [" ONE ", " ONE "]}"), "gauss",
   "components: 2 components; gauss:FILE needs exactly 1"},
};
#define NBAD ((int)(sizeof bad / sizeof bad[0]))

START_TEST(bad_files_rejected)
{
  int q = _i;
  char dir[64], path[160], prefix[256];
  test_scratch_dir(dir, sizeof dir);
  if (strcmp(bad[q].name, ".") == 0)
    snprintf(path, sizeof path, "%s", dir);
  else
    snprintf(path, sizeof path, "%s/%s", dir, bad[q].name);
  if (bad[q].text) write_file(path, bad[q].text, bad[q].len);
  ddpm_mixture m;
  ddpm_err e = {{0}};
  int rc = ddpm_mixture_read(path, "target", bad[q].kind, &m, &e);
  ck_assert_msg(rc == DDPM_EINPUT, "%s: returned %d: %s", bad[q].name, rc, e.msg);
  ck_assert_msg(strstr(e.msg, bad[q].must_mention) != NULL,
                "%s: message '%s' does not mention '%s'", bad[q].name, e.msg,
                bad[q].must_mention);
  snprintf(prefix, sizeof prefix, "--target: %s:%s: ", bad[q].kind, path);
  ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0, "%s: no prefix '%s'", e.msg,
                prefix);
  ck_assert_msg(strchr(e.msg, '\n') == NULL, "message is not one line: %s", e.msg);
  check_zeroed(&m);
  ddpm_mixture_free(&m);
  if (bad[q].text) unlink(path);
  rmdir(dir);
}
END_TEST

/* The caps: more than DDPM_MIX_K_MAX components, K d beyond
 * DDPM_MIX_KD_MAX (refused before the numbers are read), d beyond the
 * dimension bound of gauss:d=D. */
START_TEST(size_limits)
{
  char dir[64], path[128];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/big.json", dir);
  static const struct {
    long long K, d0;
    const char *must;
  } cases[] = {
    {DDPM_MIX_K_MAX + 1, 1, "components: 100001 components; at most 100000"},
    {DDPM_MIX_K_MAX, 101,
     "K = 100000 components of d = 101, K d = 10100000 numbers: too large for memory "
     "(at most 10000000)"},
    {1, DDPM_D_MAX + 1, "components[0].mean: d = 1000001; larger than 1000000"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    /* component 0 has d0 coordinates; the others are never looked at */
    fputs("{\"components\": [{\"mean\": [0", f);
    for (long long j = 1; j < cases[c].d0; j++) fputs(",0", f);
    fputs("], \"var\": [1", f);
    for (long long j = 1; j < cases[c].d0; j++) fputs(",1", f);
    fputs("]}", f);
    for (long long k = 1; k < cases[c].K; k++) fputs(",{}", f);
    fputs("]}\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ddpm_mixture m;
    ddpm_err e = {{0}};
    ck_assert_int_eq(ddpm_mixture_read(path, "target", "gmm", &m, &e), DDPM_EINPUT);
    ck_assert_msg(strstr(e.msg, cases[c].must) != NULL, "'%s' does not mention '%s'", e.msg,
                  cases[c].must);
    check_zeroed(&m);
  }
  unlink(path);
  rmdir(dir);

  /* a file (here an endless one) larger than DDPM_MIX_FILE_MAX */
  ddpm_mixture m;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_mixture_read("/dev/zero", "target", "gmm", &m, &e), DDPM_EINPUT);
  ck_assert_str_eq(e.msg, "--target: gmm:/dev/zero: larger than 268435456 bytes");
  check_zeroed(&m);
}
END_TEST

/* ---- from a spec ---------------------------------------------------------- */

START_TEST(from_gauss_spec)
{
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_TARGET, "gauss:d=3,mean=1.5,var=2", &spec, &e) ==
                    DDPM_OK,
                "%s", e.msg);
  ddpm_mixture m;
  ck_assert_msg(ddpm_mixture_from_spec(&spec, &m, &e) == DDPM_OK, "%s", e.msg);
  ck_assert_int_eq(m.K, 1);
  ck_assert_int_eq(m.d, 3);
  static const char *w[] = {"1"};
  static const char *mu[] = {"1.5", "1.5", "1.5"};
  static const char *s2[] = {"2", "2", "2"};
  check_texts(m.weight_text, m.weight, w, 1);
  check_texts(m.mean_text, m.mean, mu, 3);
  check_texts(m.var_text, m.var, s2, 3);
  ck_assert(m.weight_sum == 1.0);
  ck_assert_int_eq(m.normalised, 0);
  ddpm_mixture_free(&m);

  /* defaults, and the text as written (not reformatted) */
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_TARGET, "gauss:mean=-0.10e1", &spec, &e),
                   DDPM_OK);
  ck_assert_int_eq(ddpm_mixture_from_spec(&spec, &m, &e), DDPM_OK);
  ck_assert_int_eq(m.d, 1);
  ck_assert_str_eq(m.mean_text[0], "-0.10e1");
  ck_assert_str_eq(m.var_text[0], "1");
  ck_assert(m.mean[0] == -1.0);
  ddpm_mixture_free(&m);
}
END_TEST

static void same_mixture(const ddpm_mixture *a, const ddpm_mixture *b)
{
  ck_assert_int_eq(a->K, b->K);
  ck_assert_int_eq(a->d, b->d);
  for (long long k = 0; k < a->K; k++) {
    ck_assert_str_eq(a->weight_text[k], b->weight_text[k]);
    ck_assert(a->weight[k] == b->weight[k]);
  }
  for (long long i = 0; i < a->K * a->d; i++) {
    ck_assert_str_eq(a->mean_text[i], b->mean_text[i]);
    ck_assert_str_eq(a->var_text[i], b->var_text[i]);
    ck_assert(a->mean[i] == b->mean[i] && a->var[i] == b->var[i]);
  }
  ck_assert(a->weight_sum == b->weight_sum);
  ck_assert_int_eq(a->normalised, b->normalised);
}

START_TEST(from_file_specs)
{
  static const struct {
    const char *spec, *path, *kind;
    long long K, d;
  } cases[] = {
    {"gmm:" DATA "design_example.json", DATA "design_example.json", "gmm", 2, 2},
    {"gmm:" DATA "unnormalised.json", DATA "unnormalised.json", "gmm", 3, 1},
    {"gauss:" DATA "gauss_one.json", DATA "gauss_one.json", "gauss", 1, 6},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    ddpm_spec spec;
    ddpm_err e = {{0}};
    ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_TARGET, cases[c].spec, &spec, &e) == DDPM_OK,
                  "%s: %s", cases[c].spec, e.msg);
    ck_assert_int_eq(spec.integer[DDPM_MIXFILE_K], cases[c].K);
    ck_assert_int_eq(spec.integer[DDPM_MIXFILE_D], cases[c].d);
    ck_assert_int_eq(ddpm_target_dim(&spec), cases[c].d);
    ddpm_mixture m, direct;
    ck_assert_msg(ddpm_mixture_from_spec(&spec, &m, &e) == DDPM_OK, "%s", e.msg);
    read_ok(cases[c].path, cases[c].kind, &direct);
    same_mixture(&m, &direct);
    ddpm_mixture_free(&m);
    ddpm_mixture_free(&direct);
  }

  /* the spec parser's load hook refuses a bad file with the reader's message */
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_spec_parse(DDPM_FAMILY_TARGET, "gauss:" DATA "design_example.json",
                                   &spec, &e),
                   DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, "--target: gauss:" DATA "design_example.json: components: 2 "
                              "components; gauss:FILE needs exactly 1") == e.msg,
                "%s", e.msg);
}
END_TEST

/* A file that changes between the spec's check and the run is refused. */
START_TEST(from_spec_file_changed)
{
  char dir[64], path[128], text[192];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/m.json", dir);
  static const char two[] = "{\"components\": [{\"mean\": [0, 1], \"var\": [1, 2]}]}";
  static const char three[] = "{\"components\": [{\"mean\": [0, 1, 2], \"var\": [1, 2, 3]}]}";
  write_file(path, two, sizeof two - 1);
  snprintf(text, sizeof text, "gmm:%s", path);
  ddpm_spec spec;
  ddpm_err e = {{0}};
  ck_assert_msg(ddpm_spec_parse(DDPM_FAMILY_TARGET, text, &spec, &e) == DDPM_OK, "%s", e.msg);
  write_file(path, three, sizeof three - 1);
  ddpm_mixture m;
  ck_assert_int_eq(ddpm_mixture_from_spec(&spec, &m, &e), DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, "the file has changed since it was checked: now K = 1, d = 3; "
                              "was K = 1, d = 2") != NULL,
                "%s", e.msg);
  check_zeroed(&m);
  unlink(path);
  ck_assert_int_eq(ddpm_mixture_from_spec(&spec, &m, &e), DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, "cannot open") != NULL, "%s", e.msg);
  check_zeroed(&m);
  rmdir(dir);
}
END_TEST

/* A file name with a newline still gives a one-line message, and the file
 * opened is the one named. */
START_TEST(message_one_line)
{
  char dir[64], path[128], want[192];
  test_scratch_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/bad\nname.json", dir);
  write_file(path, "[]", 2);
  ddpm_mixture m;
  ddpm_err e = {{0}};
  ck_assert_int_eq(ddpm_mixture_read(path, "target", "gmm", &m, &e), DDPM_EINPUT);
  snprintf(want, sizeof want, "--target: gmm:%s/bad?name.json: top level: expected an object",
           dir);
  ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s", e.msg);
  unlink(path);
  rmdir(dir);
}
END_TEST

START_TEST(free_zeroed)
{
  ddpm_mixture m;
  memset(&m, 0, sizeof m);
  ddpm_mixture_free(&m);
  ddpm_mixture_free(NULL);
  check_zeroed(&m);
}
END_TEST

Suite *mixture_suite(void)
{
  Suite *s = suite_create("mixture");
  TCase *tc = tcase_create("read");
  tcase_set_timeout(tc, 120); /* size_limits reads 256 MB and parses 2e6 numbers */
  tcase_add_test(tc, design_example_read);
  tcase_add_test(tc, texts_kept_exactly);
  tcase_add_test(tc, weights_normalised_flag);
  tcase_add_test(tc, text_length_limit);
  tcase_add_loop_test(tc, bad_files_rejected, 0, NBAD);
  tcase_add_test(tc, size_limits);
  tcase_add_test(tc, message_one_line);
  tcase_add_test(tc, free_zeroed);
  suite_add_tcase(s, tc);
  TCase *ts = tcase_create("from_spec");
  tcase_add_test(ts, from_gauss_spec);
  tcase_add_test(ts, from_file_specs);
  tcase_add_test(ts, from_spec_file_changed);
  suite_add_tcase(s, ts);
  return s;
}
