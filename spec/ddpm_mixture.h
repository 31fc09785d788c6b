/* ddpm_mixture.h: a target as a Gaussian mixture with diagonal covariances
 * (spec/maths.md section 3), with every number's decimal text kept so that
 * the oracle reads it exactly and the fast path rounds it to nearest.
 *
 * gauss:d=D,mean=M,var=V is one component; gauss:FILE.json (exactly one
 * component) and gmm:FILE.json are read from DESIGN.md section 5's JSON with
 * json-c. Shared by both engines: no MPFR here. */
#ifndef DDPM_MIXTURE_H
#define DDPM_MIXTURE_H

#include "ddpm_error.h"
#include "ddpm_model.h"

/* Caps that keep every size far from overflow and the oracle's K d numbers
 * in memory. */
#define DDPM_MIX_K_MAX 100000LL
#define DDPM_MIX_KD_MAX 10000000LL
#define DDPM_MIX_FILE_MAX (256L * 1024 * 1024) /* bytes of JSON */
#define DDPM_MIX_TEXT_MAX 4096                 /* characters of one number */

typedef struct {
  long long K, d;
  /* decimal texts as given (JSON numbers keep their source text, except
   * that json-c gives an integer back in its own form: -0 reads "0"), and
   * the nearest binary64 of each; mean and var are K x d, component-major:
   * entry [k * d + j]; every text is its own malloc'd string */
  char **weight_text, **mean_text, **var_text;
  double *weight, *mean, *var;
  double weight_sum;  /* sum of the binary64 weights, left to right */
  int normalised;     /* 1 if |weight_sum - 1| > K 2^-52: the weights are
                         divided by their sum (both engines always divide) */
} ddpm_mixture;

/* Reads and validates a mixture file. Errors (exit code DDPM_EINPUT) name the
 * option, the file and the JSON path of the bad value, e.g.
 * "--target: gmm:m.json: components[1].var[0]=0: must be > 0". A number is a
 * JSON number or a string holding a plain decimal (ddpm_decimal_text_ok: no
 * NaN, Infinity or hex) of at most DDPM_MIX_TEXT_MAX characters; an integer
 * JSON number must be below 2^53 in magnitude (json-c clamps larger ones);
 * it must be finite in binary64; var in (0, 1e150] and not underflowing
 * binary64, |mean| <= 1e150, weight in (0, 1e150]. "weight" may be omitted
 * (1). Every component has the same d, 1 <= d <= DDPM_D_MAX (as gauss:d=D);
 * 1 <= K <= DDPM_MIX_K_MAX; K d <= DDPM_MIX_KD_MAX; kind "gauss" takes
 * exactly one component. Strict JSON: unknown or repeated keys, trailing
 * content, NUL bytes and what json-c's strict mode still lets through
 * (single-quoted keys, leading zeros, \u0000 in keys) are refused; the file
 * is at most DDPM_MIX_FILE_MAX bytes. family_opt is the option name for
 * messages ("target"), kind the spec kind ("gauss" or "gmm"). On failure *m
 * is left zeroed, so ddpm_mixture_free(m) is always safe. */
int ddpm_mixture_read(const char *path, const char *family_opt, const char *kind,
                      ddpm_mixture *m, ddpm_err *e);

/* The mixture of a validated target spec: gauss:d=..,mean=..,var=.. built
 * from the spec's texts (weight "1"), or the file of gauss:FILE / gmm:FILE
 * read again, refused if its K or d is no longer the spec's (the file
 * changed since the spec was parsed). On failure *m is left zeroed. */
int ddpm_mixture_from_spec(const ddpm_spec *target, ddpm_mixture *m, ddpm_err *e);

/* Frees what m holds and zeroes it; safe on a zeroed struct and on NULL. */
void ddpm_mixture_free(ddpm_mixture *m);

#endif
