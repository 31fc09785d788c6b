/* spec_parse.c: the grammar of spec strings, NAME[:key=value,...], shared by
 * every family. Strict: unknown or repeated keys, empty values, stray
 * separators and numbers that are not plain decimals are all rejected. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpm_model.h"

/* Plain decimal: [+-]digits[.digits][(e|E)[+-]digits], at least one digit in
 * the mantissa. MPFR parses exactly this in base 10, so both engines read the
 * same number. */
static int is_decimal(const char *s, int integer_only);

int ddpm_decimal_text_ok(const char *s) { return is_decimal(s, 0); }

static int is_decimal(const char *s, int integer_only)
{
  int digits = 0;
  if (*s == '+' || *s == '-') s++;
  while (*s >= '0' && *s <= '9') { s++; digits++; }
  if (integer_only) return digits > 0 && *s == '\0';
  if (*s == '.') {
    s++;
    while (*s >= '0' && *s <= '9') { s++; digits++; }
  }
  if (digits == 0) return 0;
  if (*s == 'e' || *s == 'E') {
    int edigits = 0;
    s++;
    if (*s == '+' || *s == '-') s++;
    while (*s >= '0' && *s <= '9') { s++; edigits++; }
    if (edigits == 0) return 0;
  }
  return *s == '\0';
}

static int choice_index(const char *choices, const char *word)
{
  size_t len = strlen(word);
  int idx = 0;
  for (const char *c = choices; *c;) {
    const char *bar = strchr(c, '|');
    size_t clen = bar ? (size_t)(bar - c) : strlen(c);
    if (clen == len && strncmp(c, word, len) == 0) return idx;
    idx++;
    if (!bar) break;
    c = bar + 1;
  }
  return -1;
}

static int set_value(ddpm_spec *s, int k, const char *val, const char *fam, ddpm_err *e)
{
  const ddpm_param_desc *p = &s->desc->params[k];
  if (strlen(val) >= DDPM_TEXT_MAX)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s: value longer than %d characters",
                     fam, s->desc->name, p->key, DDPM_TEXT_MAX - 1);
  strcpy(s->text[k], val);
  switch (p->type) {
  case DDPM_PARAM_REAL: {
    if (!is_decimal(val, 0))
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: not a decimal number",
                       fam, s->desc->name, p->key, val);
    errno = 0;
    double x = strtod(val, NULL);
    if (!isfinite(x))
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: overflows binary64",
                       fam, s->desc->name, p->key, val);
    s->real[k] = x;
    break;
  }
  case DDPM_PARAM_INT: {
    if (!is_decimal(val, 1))
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: not an integer",
                       fam, s->desc->name, p->key, val);
    errno = 0;
    long long x = strtoll(val, NULL, 10);
    if (errno == ERANGE)
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: out of range",
                       fam, s->desc->name, p->key, val);
    s->integer[k] = x;
    break;
  }
  case DDPM_PARAM_PATH: break;
  case DDPM_PARAM_WORD: {
    int w = choice_index(p->choices, val);
    if (w < 0)
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: must be one of %s",
                       fam, s->desc->name, p->key, val, p->choices);
    s->word[k] = w;
    break;
  }
  }
  return DDPM_OK;
}

static int takes_path(const ddpm_kind_desc *d)
{
  return d->nparams > 0 && d->params[0].type == DDPM_PARAM_PATH;
}

/* The row named NAME; where two rows share it (gauss:d=.. and gauss:FILE),
 * the PATH row when the rest of the text has no '='. */
static int find_kind(ddpm_family family, const char *name, size_t len, const char *rest)
{
  int nkinds, found = -1;
  const ddpm_kind_desc *kinds = ddpm_family_kinds(family, &nkinds);
  int want_path = rest && rest[0] != '\0' && strchr(rest, '=') == NULL;
  for (int k = 0; k < nkinds; k++)
    if (strlen(kinds[k].name) == len && strncmp(kinds[k].name, name, len) == 0) {
      if (found < 0) found = k;
      if (takes_path(&kinds[k]) == want_path) return k;
    }
  return found;
}

static void kind_list(ddpm_family family, char *buf, size_t size)
{
  int nkinds;
  const ddpm_kind_desc *kinds = ddpm_family_kinds(family, &nkinds);
  buf[0] = '\0';
  for (int k = 0; k < nkinds; k++) {
    size_t used = strlen(buf);
    if (k > 0 && strcmp(kinds[k].name, kinds[k - 1].name) == 0) continue;
    snprintf(buf + used, size - used, "%s%s", k ? ", " : "", kinds[k].name);
  }
}

static void make_canonical(ddpm_spec *s)
{
  char *out = s->canonical;
  size_t size = sizeof s->canonical;
  if (takes_path(s->desc)) {
    snprintf(out, size, "%s:%s", s->desc->name, s->text[0]);
    return;
  }
  int len = snprintf(out, size, "%s", s->desc->name);
  for (int k = 0; k < s->desc->nparams && len >= 0 && (size_t)len < size; k++)
    len += snprintf(out + len, size - (size_t)len, "%c%s=%s", k ? ',' : ':',
                    s->desc->params[k].key, s->text[k]);
}

int ddpm_spec_parse(ddpm_family family, const char *text, ddpm_spec *out, ddpm_err *e)
{
  const char *fam = ddpm_family_name(family);
  memset(out, 0, sizeof *out);
  out->family = family;
  if (text == NULL || *text == '\0')
    return ddpm_fail(e, DDPM_EINPUT, "--%s: empty spec string", fam);
  if (strlen(text) >= DDPM_CANON_MAX / 2)
    return ddpm_fail(e, DDPM_EINPUT, "--%s: spec string longer than %d characters",
                     fam, DDPM_CANON_MAX / 2 - 1);

  const char *colon = strchr(text, ':');
  size_t namelen = colon ? (size_t)(colon - text) : strlen(text);
  out->kind = find_kind(family, text, namelen, colon ? colon + 1 : NULL);
  if (out->kind < 0) {
    char known[256];
    kind_list(family, known, sizeof known);
    return ddpm_fail(e, DDPM_EINPUT, "--%s: unknown %s '%.*s' (known: %s)", fam, fam,
                     (int)namelen, text, known);
  }
  int nkinds;
  out->desc = &ddpm_family_kinds(family, &nkinds)[out->kind];
  const ddpm_kind_desc *d = out->desc;

  int given[DDPM_MAX_PARAMS] = {0};
  if (takes_path(d)) {
    if (!colon || colon[1] == '\0')
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: needs a file name, as %s:PATH", fam,
                       d->name, d->name);
    int rc = set_value(out, 0, colon + 1, fam, e);
    if (rc != DDPM_OK) return rc;
    given[0] = 1;
  } else if (colon) {
    const char *p = colon + 1;
    if (*p == '\0')
      return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: nothing after ':'", fam, d->name);
    while (1) {
      const char *comma = strchr(p, ',');
      size_t itemlen = comma ? (size_t)(comma - p) : strlen(p);
      char item[DDPM_CANON_MAX];
      memcpy(item, p, itemlen);
      item[itemlen] = '\0';
      char *eq = strchr(item, '=');
      if (itemlen == 0)
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: empty item in '%s'", fam, d->name, text);
      if (eq == NULL)
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: '%s' is not key=value", fam, d->name, item);
      *eq = '\0';
      const char *key = item, *val = eq + 1;
      int k;
      for (k = 0; k < d->nparams; k++)
        if (strcmp(d->params[k].key, key) == 0) break;
      if (k == d->nparams) {
        char keys[256] = "";
        for (int q = 0; q < d->nparams; q++) {
          size_t used = strlen(keys);
          snprintf(keys + used, sizeof keys - used, "%s%s", q ? ", " : "", d->params[q].key);
        }
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: unknown key '%s' (keys: %s)", fam,
                         d->name, key, keys);
      }
      if (given[k])
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: key '%s' given twice", fam, d->name, key);
      if (*val == '\0')
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s has an empty value", fam, d->name, key);
      if (strchr(val, '='))
        return ddpm_fail(e, DDPM_EINPUT, "--%s: %s: %s=%s: '=' inside a value", fam,
                         d->name, key, val);
      given[k] = 1;
      int rc = set_value(out, k, val, fam, e);
      if (rc != DDPM_OK) return rc;
      if (!comma) break;
      p = comma + 1;
    }
  }
  for (int k = 0; k < d->nparams; k++)
    if (!given[k]) {
      int rc = set_value(out, k, d->params[k].def, fam, e);
      if (rc != DDPM_OK) return rc; /* a bad default is a bug, but say so */
    }
  if (d->check) {
    int rc = d->check(out, fam, e);
    if (rc != DDPM_OK) return rc;
  }
  if (d->load) {
    int rc = d->load(out, fam, e);
    if (rc != DDPM_OK) return rc;
  }
  make_canonical(out);
  return DDPM_OK;
}
