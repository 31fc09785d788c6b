/* check_philox.c: Philox4x32 against every line of Random123's known-answer
 * vectors (tests/data/philox4x32_kat.txt, copied from ../shared/testdata),
 * and the addressing of DESIGN.md section 4. */
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "ddpm_fp.h"
#include "ddpm_philox.h"

START_TEST(kat_every_line)
{
  FILE *f = fopen("tests/data/philox4x32_kat.txt", "r");
  ck_assert_msg(f != NULL, "tests/data/philox4x32_kat.txt missing");
  char line[512];
  int checked = 0, rounds7 = 0, rounds10 = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line)) continue;
    char name[32];
    int rounds;
    unsigned c[4], k[2], x[4];
    int got = sscanf(line, "%31s %d %x %x %x %x %x %x %x %x %x %x", name, &rounds, &c[0],
                     &c[1], &c[2], &c[3], &k[0], &k[1], &x[0], &x[1], &x[2], &x[3]);
    ck_assert_msg(got == 12 && strcmp(name, "philox4x32") == 0, "bad KAT line: %s", line);
    uint32_t in[4] = {c[0], c[1], c[2], c[3]}, key[2] = {k[0], k[1]}, out[4];
    ddpm_philox4x32(rounds, in, key, out);
    for (int q = 0; q < 4; q++)
      ck_assert_msg(out[q] == x[q], "KAT mismatch word %d: %s", q, line);
    checked++;
    rounds7 += rounds == 7;
    rounds10 += rounds == 10;
  }
  fclose(f);
  ck_assert_int_eq(checked, 110); /* the file's 110 vectors, none skipped */
  ck_assert_int_gt(rounds10, 50);
  ck_assert_int_gt(rounds7, 50);
}
END_TEST

/* The counter and key layout of DESIGN.md section 4, spelled out. */
START_TEST(noise_words_layout)
{
  uint64_t seed = 0x0123456789abcdefULL, i = 0x00000002fedcba98ULL;
  uint32_t r = 77, j = 9;
  uint32_t key[2] = {0x89abcdefu, 0x01234567u}, ctr[4] = {4, 77, 0xfedcba98u, 2}, x[4];
  ddpm_philox4x32(10, ctr, key, x);
  uint64_t u1, u2;
  ddpm_noise_words(seed, i, r, j, &u1, &u2);
  ck_assert_uint_eq(u1, ((((uint64_t)x[1]) << 32) | x[0]) >> 11);
  ck_assert_uint_eq(u2, ((((uint64_t)x[3]) << 32) | x[2]) >> 11);
  /* j = 8 and 9 share one counter; j = 10 does not */
  uint64_t v1, v2;
  ddpm_noise_words(seed, i, r, 8, &v1, &v2);
  ck_assert_uint_eq(u1, v1);
  ddpm_noise_words(seed, i, r, 10, &v1, &v2);
  ck_assert_uint_ne(u1, v1);
}
END_TEST

/* The fast path's SIMD words (fp/fp_philox_lanes.c) are the proved ones: 40000
 * lane groups over seeds, samples and draws with high bits set. */
START_TEST(lanes_equal_proved_words)
{
  uint64_t x = 0x9e3779b97f4a7c15ULL; /* splitmix-style walk over the inputs */
  for (int q = 0; q < 40000; q++) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t seed = x ^ (x >> 29), i = (x * 0xbf58476d1ce4e5b9ULL) >> (q % 64);
    uint32_t r = (uint32_t)(x >> 40), first = (uint32_t)(x >> 7) % 0x7ffffff0u;
    uint64_t u1[DDPM_FP_PHILOX_LANES], u2[DDPM_FP_PHILOX_LANES];
    ddpm_fp_noise_words_lanes(seed, i, r, first, u1, u2);
    for (uint32_t l = 0; l < DDPM_FP_PHILOX_LANES; l++) {
      uint64_t v1, v2;
      ddpm_noise_words(seed, i, r, 2 * (first + l), &v1, &v2);
      ck_assert_uint_eq(u1[l], v1);
      ck_assert_uint_eq(u2[l], v2);
    }
  }
}
END_TEST

Suite *philox_suite(void)
{
  Suite *s = suite_create("philox");
  TCase *tc = tcase_create("kat");
  tcase_add_test(tc, kat_every_line);
  tcase_add_test(tc, noise_words_layout);
  tcase_add_test(tc, lanes_equal_proved_words);
  suite_add_tcase(s, tc);
  return s;
}
