/* check_spec.c: the spec-string grammar and the range checks. */
#include <string.h>

#include "check_suites.h"
#include "ddpm_model.h"

static int parse(ddpm_family f, const char *text, ddpm_spec *s, ddpm_err *e)
{
  memset(e, 0, sizeof *e);
  return ddpm_spec_parse(f, text, s, e);
}

START_TEST(defaults_and_canonical_form)
{
  ddpm_spec s;
  ddpm_err e;
  ck_assert_int_eq(parse(DDPM_FAMILY_SCHEDULE, "linear", &s, &e), DDPM_OK);
  ck_assert_str_eq(s.canonical, "linear:T=1000,beta_min=0.0001,beta_max=0.02");
  ck_assert_int_eq(parse(DDPM_FAMILY_SCHEDULE, "linear:beta_max=0.03,T=50", &s, &e), DDPM_OK);
  ck_assert_str_eq(s.canonical, "linear:T=50,beta_min=0.0001,beta_max=0.03");
  ck_assert_int_eq(s.integer[DDPM_LINEAR_T], 50);
  ck_assert_double_eq(s.real[DDPM_LINEAR_BETA_MAX], 0.03);
  ck_assert_str_eq(s.text[DDPM_LINEAR_BETA_MAX], "0.03"); /* the oracle's exact input */
  ck_assert_int_eq(parse(DDPM_FAMILY_TARGET, "gauss:d=3,mean=-1.5e0,var=4", &s, &e), DDPM_OK);
  ck_assert_str_eq(s.canonical, "gauss:d=3,mean=-1.5e0,var=4");
  ck_assert_int_eq(parse(DDPM_FAMILY_SAMPLER, "ddpm", &s, &e), DDPM_OK);
  ck_assert_str_eq(s.canonical, "ddpm:var=beta,last_noise=no");
}
END_TEST

/* Every malformed or out-of-range spec: exit code 2 and a message that
 * names the parameter (the given word must appear in it). */
static const struct {
  ddpm_family family;
  const char *text, *must_mention;
} bad[] = {
  {DDPM_FAMILY_SCHEDULE, "", "empty"},
  {DDPM_FAMILY_SCHEDULE, "linaer", "unknown schedule"},
  {DDPM_FAMILY_SCHEDULE, "linear:", "nothing after"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=-3", "T=-3"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=1", "T=1"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=0", "T=0"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=100000000000", "T="},
  {DDPM_FAMILY_SCHEDULE, "linear:T=99999999999999999999999", "T="},
  {DDPM_FAMILY_SCHEDULE, "linear:T=10.5", "not an integer"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=", "empty value"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=5,T=6", "twice"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=5,", "empty item"},
  {DDPM_FAMILY_SCHEDULE, "linear:,T=5", "empty item"},
  {DDPM_FAMILY_SCHEDULE, "linear:X=5", "unknown key"},
  {DDPM_FAMILY_SCHEDULE, "linear:T", "key=value"},
  {DDPM_FAMILY_SCHEDULE, "linear:T=5=6", "'='"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=nan", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=inf", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=0x1p-3", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=1e999", "overflows"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=0", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=-0.1", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_max=1", "beta_max"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=0.5,beta_max=0.1", "beta_min"},
  {DDPM_FAMILY_SCHEDULE, "linear:beta_min=1e-400", "beta_min"},
  {DDPM_FAMILY_TARGET, "gauss:d=0", "d=0"},
  {DDPM_FAMILY_TARGET, "gauss:d=-2", "d=-2"},
  {DDPM_FAMILY_TARGET, "gauss:var=-1", "var=-1"},
  {DDPM_FAMILY_TARGET, "gauss:var=0", "var=0"},
  {DDPM_FAMILY_TARGET, "gauss:var=1e-400", "var"},
  {DDPM_FAMILY_TARGET, "gauss:mean=nan", "mean"},
  {DDPM_FAMILY_TARGET, "gauss:mean=1e200", "mean"},
  {DDPM_FAMILY_TARGET, "gauss:d=2,mean=1,,var=2", "empty item"},
  {DDPM_FAMILY_TARGET, "gmm:no-such-file.json", "cannot open"},
  {DDPM_FAMILY_TARGET, "gmm", "needs a file name"},
  {DDPM_FAMILY_SAMPLER, "ddpm:var=exact", "var=exact"},
  {DDPM_FAMILY_SAMPLER, "ddpm:last_noise=1", "last_noise=1"},
  {DDPM_FAMILY_SAMPLER, "ddim:eta=1.5", "must be in [0, 1]"},
  {DDPM_FAMILY_SAMPLER, "ddim:eta=-0.1", "must be in [0, 1]"},
  {DDPM_FAMILY_SAMPLER, "ddim:eta=nan", "not a decimal"},
  {DDPM_FAMILY_SAMPLER, "liyan-ode:eta=1", "unknown key"},
  {DDPM_FAMILY_SAMPLER, "heun", "unknown sampler"},
};

START_TEST(bad_specs_rejected)
{
  ddpm_spec s;
  ddpm_err e;
  int q = _i;
  ck_assert_int_eq(parse(bad[q].family, bad[q].text, &s, &e), DDPM_EINPUT);
  ck_assert_msg(strstr(e.msg, bad[q].must_mention) != NULL,
                "'%s': message '%s' does not mention '%s'", bad[q].text, e.msg,
                bad[q].must_mention);
  ck_assert_msg(strchr(e.msg, '\n') == NULL, "message is not one line");
  ck_assert_msg(strncmp(e.msg, "--", 2) == 0, "message does not name the option: %s", e.msg);
}
END_TEST

Suite *spec_suite(void)
{
  Suite *s = suite_create("spec");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, defaults_and_canonical_form);
  tcase_add_loop_test(tc, bad_specs_rejected, 0, (int)(sizeof bad / sizeof bad[0]));
  suite_add_tcase(s, tc);
  return s;
}
