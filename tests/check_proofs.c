/* check_proofs.c: `make check` runs `make proofs` first; this reads its
 * status line and fails unless every goal was proved and Eva raised no
 * alarm (a missing or partial status counts as failure). */
#include <stdio.h>

#include "check_suites.h"

START_TEST(every_goal_proved)
{
  FILE *f = fopen("proofs/out/status", "r");
  ck_assert_msg(f != NULL, "proofs/out/status missing: run `make proofs`");
  long goals = -1, proved = -2, alarms = -1, eva_runs = -1;
  int got = fscanf(f, "goals=%ld proved=%ld eva_alarms=%ld eva_runs=%ld", &goals, &proved,
                   &alarms, &eva_runs);
  fclose(f);
  ck_assert_msg(got == 4, "proofs/out/status malformed");
  ck_assert_msg(goals > 0 && proved == goals, "WP: %ld of %ld goals proved", proved, goals);
  ck_assert_msg(eva_runs > 0 && alarms == 0, "Eva: %ld alarms in %ld runs", alarms, eva_runs);
}
END_TEST

Suite *proofs_suite(void)
{
  Suite *s = suite_create("proofs");
  TCase *tc = tcase_create("frama-c");
  tcase_set_tags(tc, "proofs"); /* make check-asan leaves it out: CK_EXCLUDE_TAGS */
  tcase_add_test(tc, every_goal_proved);
  suite_add_tcase(s, tc);
  return s;
}
