#!/usr/bin/python3
"""Independent high-precision (mpmath) oracle for every ddpmref sampler.

Written from spec/maths.md sections 1-5 and DESIGN.md section 5 only; shares no
code with the C sources.  Reuses the other Python oracles: philox.py (the
addressed Box-Muller draws, binary64 rounding) and schedules.py (the discrete
schedules and the timestep spacings).  The continuous grids `vp` and `ou` are
built here (schedules.py does not have them), from maths.md section 2.

Usage (run with /usr/bin/python3, which has mpmath and numpy):

  samplers.py --target gauss:d=D,mean=M,var=V | --target gmm:FILE.json |
              --target gauss:FILE.json | --target-json FILE.json
              [--schedule SPEC] [--T T] [--sampler SPEC]
              [--steps K] [--spacing leading|trailing|linspace] [--offset O]
              [--score-error bias=B|rel=R]
              --n N --seed S [--prec BITS] --out FILE.npy [--txt FILE.txt]
  samplers.py --selftest [--prec BITS]

  --schedule  linear (default), scaled-linear, cosine, li-yan, lcw, file:PATH
              (built by schedules.py), vp:T=..,beta_min=..,beta_max=..,eps=..,
              ou:T=..,horizon=..,eps=..  --T sets T where the spec does not.
  --sampler   ddpm[:var=beta|posterior|liyan,last_noise=no|yes] (default
              ddpm:var=beta), ddim[:eta=E], liyan-ode,
              vp-em[:last_noise=..], vp-ei[:last_noise=..], pf-euler, pf-heun
              (vp or ou schedule), ou-em[:last_noise=..] (ou schedule).
  Spec strings are NAME[:key=value,...] as in the C (strict: unknown or
  repeated keys, empty items and numbers that are not plain decimals are
  refused with exit 2).  Every decimal is read by mpmath from its text at
  --prec bits (default 400), never through binary64.

Output: float64 array (K+1, n, d), row k = state after k reverse steps (row 0
= Y_T, the draw r = 0), each entry the binary64 nearest (ties to even) to the
high-precision value, saved with numpy.save; --txt writes every value with 70
significant digits as "k i j value".

--selftest checks internal consistencies that do not go through the main
code path (ddpm_gauss.py, closed forms, numerical derivatives, exact ODE
solutions, the affine table of maths.md section 4) and prints
"N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import mpmath
from mpmath import mp, mpf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import philox  # noqa: E402
import schedules  # noqa: E402

DEFAULT_PREC = 400
TXT_DIGITS = 70


class InputError(ValueError):
    """Bad input: reported on one line, exit status 2."""


# =========================================================== spec strings

# Plain decimal, as the C accepts it: [+-]digits[.digits][(e|E)[+-]digits].
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def decimal(text, what):
    """mpf of a plain decimal text, correctly rounded at the working precision."""
    if not isinstance(text, str) or not _DECIMAL.match(text):
        raise InputError("%s: %r is not a plain decimal number" % (what, text))
    return mpf(text)


# kind -> list of (key, type, default); type 'real', 'int' or a tuple of words
SCHEDULE_KEYS = {
    "linear": [("T", "int", "1000"), ("beta_min", "real", "0.0001"),
               ("beta_max", "real", "0.02")],
    "scaled-linear": [("T", "int", "1000"), ("beta_min", "real", "0.00085"),
                      ("beta_max", "real", "0.012")],
    "cosine": [("T", "int", "1000"), ("s", "real", "0.008"),
               ("max_beta", "real", "0.999")],
    "li-yan": [("T", "int", "1000"), ("c0", "real", "2"), ("c1", "real", "4")],
    "lcw": [("T", "int", "100"), ("c0", "real", "2"), ("c1", "real", "10")],
    "vp": [("T", "int", "1000"), ("beta_min", "real", "0.1"),
           ("beta_max", "real", "20"), ("eps", "real", "0.001")],
    "ou": [("T", "int", "1000"), ("horizon", "real", "5"), ("eps", "real", "0.001")],
}
LAST_NOISE = ("last_noise", ("no", "yes"), "no")
SAMPLER_KEYS = {
    "ddpm": [("var", ("beta", "posterior", "liyan"), "beta"), LAST_NOISE],
    "ddim": [("eta", "real", "0")],
    "liyan-ode": [],
    "vp-em": [LAST_NOISE],
    "vp-ei": [LAST_NOISE],
    "pf-euler": [],
    "pf-heun": [],
    "ou-em": [LAST_NOISE],
}
GAUSS_KEYS = [("d", "int", "1"), ("mean", "real", "0"), ("var", "real", "1")]
CONTINUOUS_SAMPLERS = ("vp-em", "vp-ei", "pf-euler", "pf-heun", "ou-em")
STOCHASTIC_SAMPLERS = ("ddpm", "vp-em", "vp-ei", "ou-em")


def parse_items(family, name, rest, keys, defaults=None):
    """Parse 'key=value,...' against keys [(key, type, default)].

    Returns {key: text}; defaults (a dict) overrides the table's defaults.
    Strict like the C grammar: every item is key=value, keys known and not
    repeated, values non-empty, reals plain decimals, ints plain integers,
    words one of their choices."""
    table = {k: (typ, d) for k, typ, d in keys}
    out = {}
    if rest is not None:
        if rest == "":
            raise InputError("--%s: %s: nothing after ':'" % (family, name))
        for item in rest.split(","):
            if item == "":
                raise InputError("--%s: %s: empty item" % (family, name))
            if "=" not in item:
                raise InputError("--%s: %s: '%s' is not key=value" % (family, name, item))
            key, val = item.split("=", 1)
            if key not in table:
                raise InputError("--%s: %s: unknown key '%s' (keys: %s)" % (
                    family, name, key, ", ".join(k for k, _, _ in keys) or "none"))
            if key in out:
                raise InputError("--%s: %s: key '%s' given twice" % (family, name, key))
            if val == "" or "=" in val:
                raise InputError("--%s: %s: bad value for %s" % (family, name, key))
            typ = table[key][0]
            if typ == "int" and not _INTEGER.match(val):
                raise InputError("--%s: %s: %s=%s: not an integer" % (family, name, key, val))
            if typ == "real" and not _DECIMAL.match(val):
                raise InputError("--%s: %s: %s=%s: not a decimal number"
                                 % (family, name, key, val))
            if isinstance(typ, tuple) and val not in typ:
                raise InputError("--%s: %s: %s=%s: must be one of %s"
                                 % (family, name, key, val, "|".join(typ)))
            out[key] = val
    for key, (typ, d) in table.items():
        if key not in out:
            out[key] = (defaults or {}).get(key, d)
    return out


def split_spec(text):
    """'NAME[:REST]' -> (NAME, REST or None)."""
    if not text:
        raise InputError("empty spec string")
    if ":" in text:
        name, rest = text.split(":", 1)
        return name, rest
    return text, None


def parse_sampler(text):
    """Sampler spec -> (name, {key: text})."""
    name, rest = split_spec(text)
    if name not in SAMPLER_KEYS:
        raise InputError("--sampler: unknown sampler '%s' (known: %s)"
                         % (name, ", ".join(SAMPLER_KEYS)))
    items = parse_items("sampler", name, rest, SAMPLER_KEYS[name])
    if name == "ddim":
        eta = decimal(items["eta"], "--sampler: ddim: eta")
        if not (0 <= eta <= 1):
            raise InputError("--sampler: ddim: eta=%s: must be in [0, 1]" % items["eta"])
    return name, items


def parse_score_error(text):
    """'bias=B' or 'rel=R' -> (kind, mpf) ; None -> None (maths.md section 3)."""
    if text is None:
        return None
    for kind in ("bias", "rel"):
        if text.startswith(kind + "="):
            return kind, decimal(text[len(kind) + 1:], "--score-error")
    raise InputError("--score-error: '%s': must be bias=B or rel=R" % text)


# =========================================================== schedules / grids

def vp_B(tau, beta_min, beta_max):
    """B(tau) = int_0^tau beta(s) ds = beta_min tau + (beta_max - beta_min) tau^2/2
    (Song et al. 2021, VP SDE; maths.md section 2)."""
    return beta_min * tau + (beta_max - beta_min) * tau * tau / 2


def vp_rate(tau, beta_min, beta_max):
    """r(tau) = beta(tau) = beta_min + tau (beta_max - beta_min) (maths.md section 4)."""
    return beta_min + tau * (beta_max - beta_min)


def ou_B(tau):
    """B(tau) = 2 tau for dX = -X dtau + sqrt(2) dB (Bruno et al.; maths.md section 2)."""
    return 2 * tau


def continuous_grid(name, items, T_default=None):
    """The vp / ou grid as a discrete schedule (maths.md section 2).

    tau_0 = 0, tau_k = eps + (end - eps)(k - 1)/(T - 1) for k = 1..T;
    abar_k = exp(-B(tau_k)), 1 - abar_k = -expm1(-B(tau_k)),
    beta_k = -expm1(-(B(tau_k) - B(tau_{k-1}))), the increment formed as
    width times mean rate (vp: beta_min + (beta_max - beta_min)(tau_k + tau_{k-1})/2,
    ou: 2)."""
    T = int(items["T"])
    if T < 2:
        raise InputError("--schedule: %s: T=%d: must be >= 2" % (name, T))
    eps = decimal(items["eps"], "--schedule: %s: eps" % name)
    if name == "vp":
        bmin = decimal(items["beta_min"], "--schedule: vp: beta_min")
        bmax = decimal(items["beta_max"], "--schedule: vp: beta_max")
        if not (0 < bmin <= bmax) or not (0 < eps < 1):
            raise InputError("--schedule: vp: need 0 < beta_min <= beta_max, 0 < eps < 1")
        end = mpf(1)
        B = lambda tau: vp_B(tau, bmin, bmax)
        rate = lambda tau: vp_rate(tau, bmin, bmax)
        mean_rate = lambda a, b: bmin + (bmax - bmin) * (a + b) / 2
    else:
        end = decimal(items["horizon"], "--schedule: ou: horizon")
        if not (0 < eps < end):
            raise InputError("--schedule: ou: need 0 < eps < horizon")
        B = ou_B
        rate = lambda tau: mpf(2)
        mean_rate = lambda a, b: mpf(2)
    tau = [mpf(0)] + [eps + (end - eps) * (k - 1) / (T - 1) for k in range(1, T + 1)]
    abar = [mpf(1)] + [mpmath.exp(-B(tau[k])) for k in range(1, T + 1)]
    oma = [mpf(0)] + [-mpmath.expm1(-B(tau[k])) for k in range(1, T + 1)]
    beta = [None]
    for k in range(1, T + 1):
        width = eps if k == 1 else (end - eps) / (T - 1)
        beta.append(-mpmath.expm1(-width * mean_rate(tau[k], tau[k - 1])))
    return {"name": name, "T": T, "continuous": True, "abar": abar, "oma": oma,
            "beta": beta, "tau": tau, "eps": eps, "end": end, "B": B,
            "rate": rate, "mean_rate": mean_rate}


def make_schedule(text, T_default=None):
    """Schedule spec -> grid dict with T, abar[0..T], oma[0..T], beta[1..T] and,
    for vp/ou, the continuous-time data.  Discrete schedules come from
    schedules.py (validated here first with the C's strict grammar)."""
    name, rest = split_spec(text)
    if name == "file":
        if not rest:
            raise InputError("--schedule: file: needs a path, as file:PATH")
        try:
            sch = schedules.schedule(text)
        except (schedules.SpecError, OSError) as e:
            raise InputError("--schedule: %s" % e)
    elif name in SCHEDULE_KEYS:
        defaults = {"T": str(T_default)} if T_default is not None else None
        items = parse_items("schedule", name, rest, SCHEDULE_KEYS[name], defaults)
        if name in ("vp", "ou"):
            return continuous_grid(name, items)
        canon = name + ":" + ",".join("%s=%s" % (k, items[k])
                                      for k, _, _ in SCHEDULE_KEYS[name])
        try:
            sch = schedules.schedule(canon)
        except schedules.SpecError as e:
            raise InputError("--schedule: %s" % e)
    else:
        raise InputError("--schedule: unknown schedule '%s' (known: %s, file)"
                         % (name, ", ".join(SCHEDULE_KEYS)))
    if sch["T"] < 2:
        raise InputError("--schedule: T must be >= 2")
    return {"name": name, "T": sch["T"], "continuous": False, "abar": sch["abar"],
            "oma": sch["oma"], "beta": sch["beta"], "sch": sch}


def jump(grid, t, p):
    """Jump coefficients from t to p < t (maths.md section 4):

        alpha_j = abar_t/abar_p,  beta_j = 1 - abar_t/abar_p,
        betatilde_j = beta_j (1 - abar_p)/(1 - abar_t).

    Discrete grids: schedules.jump_coeffs (beta_j accumulated as
    q <- q + (1 - q) beta_s, no cancellation).  Continuous grids: with
    D = B(tau_t) - B(tau_p) = h * mean rate, alpha_j = exp(-D),
    beta_j = -expm1(-D)."""
    if grid["continuous"]:
        h = step_width(grid, t, p)
        D = h * grid["mean_rate"](grid["tau"][t], grid["tau"][p])
        alpha_j = mpmath.exp(-D)
        beta_j = -mpmath.expm1(-D)
        betatilde_j = beta_j * grid["oma"][p] / grid["oma"][t]
        return alpha_j, beta_j, betatilde_j
    return schedules.jump_coeffs(grid["sch"], t - 1, p - 1)


def step_width(grid, t, p):
    """h = tau_t - tau_p formed directly: (end - eps)(t - p)/(T - 1), or tau_t
    when p = 0 (the early-stopping gap; maths.md section 4)."""
    if p == 0:
        return grid["tau"][t]
    return (grid["end"] - grid["eps"]) * (t - p) / (grid["T"] - 1)


def plan(grid, steps=None, spacing="leading", offset=0):
    """[(t, p)] for reverse steps k = 1..K, 1-based grid indices: the K
    timesteps of the spacing (schedules.spacing, 0-based tau = t - 1), each
    going to the next one in the list, the last to p = 0 (maths.md section 4)."""
    T = grid["T"]
    if steps is None:
        taus = list(range(T - 1, -1, -1))
    else:
        if not (1 <= steps <= T):
            raise InputError("--steps: %d: must be in [1, T = %d]" % (steps, T))
        if spacing == "linspace" and steps < 2:
            raise InputError("--steps: 1: linspace spacing needs at least 2 steps")
        try:
            taus = schedules.spacing(T, steps, spacing, offset)
        except schedules.SpecError as e:
            raise InputError("--spacing: %s" % e)
    ts = [tau + 1 for tau in taus]
    return [(t, ts[k + 1] if k + 1 < len(ts) else 0) for k, t in enumerate(ts)]


# =========================================================== targets

def read_mixture_json(path, kind="gmm"):
    """DESIGN.md section 5 JSON -> list of (weight_text, [mean_text], [var_text]).

    Numbers may be JSON numbers or strings; json.loads(parse_float=str,
    parse_int=str) keeps every number's decimal text.  'weight' defaults to
    '1'.  Every component has the same d >= 1."""
    def bad_constant(c):
        raise InputError("--target: %s: %s: not a finite number" % (path, c))
    try:
        with open(path, "r") as fh:
            doc = json.loads(fh.read(), parse_float=str, parse_int=str,
                             parse_constant=bad_constant)
    except OSError as e:
        raise InputError("--target: %s: %s" % (path, e.strerror))
    except json.JSONDecodeError as e:
        raise InputError("--target: %s: not JSON (%s)" % (path, e))
    if not isinstance(doc, dict) or not isinstance(doc.get("components"), list) \
            or not doc["components"]:
        raise InputError("--target: %s: needs a non-empty \"components\" list" % path)
    comps = []
    d = None
    for k, c in enumerate(doc["components"]):
        where = "--target: %s: components[%d]" % (path, k)
        if not isinstance(c, dict):
            raise InputError("%s: not an object" % where)
        extra = set(c) - {"weight", "mean", "var"}
        if extra:
            raise InputError("%s: unknown key %s" % (where, sorted(extra)[0]))
        w = c.get("weight", "1")
        mean, var = c.get("mean"), c.get("var")
        if not isinstance(mean, list) or not isinstance(var, list) or not mean \
                or len(mean) != len(var):
            raise InputError("%s: mean and var must be lists of the same length >= 1" % where)
        if d is None:
            d = len(mean)
        elif len(mean) != d:
            raise InputError("%s: d=%d differs from components[0]'s %d" % (where, len(mean), d))
        for x, what in [(w, "weight")] + [(x, "mean[%d]" % j) for j, x in enumerate(mean)] \
                + [(x, "var[%d]" % j) for j, x in enumerate(var)]:
            if not isinstance(x, str) or not _DECIMAL.match(x):
                raise InputError("%s.%s=%r: not a decimal number" % (where, what, x))
        if not mpf(w) > 0:
            raise InputError("%s.weight=%s: must be > 0" % (where, w))
        for j, x in enumerate(var):
            if not mpf(x) > 0:
                raise InputError("%s.var[%d]=%s: must be > 0" % (where, j, x))
        comps.append((w, list(mean), list(var)))
    if kind == "gauss" and len(comps) != 1:
        raise InputError("--target: gauss:%s: needs exactly one component" % path)
    return comps


def make_target(text=None, json_path=None):
    """Target -> {'d', 'K', 'logpi': [K], 'mu': [K][d], 's2': [K][d]} with
    pi_k = w_k / sum_l w_l (maths.md section 3), every number read from its text."""
    if json_path is not None:
        comps = read_mixture_json(json_path)
    else:
        name, rest = split_spec(text)
        if name in ("gauss", "gmm") and rest and "=" not in rest:
            comps = read_mixture_json(rest, name)
        elif name == "gauss":
            it = parse_items("target", "gauss", rest, GAUSS_KEYS)
            d = int(it["d"])
            if d < 1:
                raise InputError("--target: gauss: d=%d: must be >= 1" % d)
            if not mpf(it["var"]) > 0:
                raise InputError("--target: gauss: var=%s: must be > 0" % it["var"])
            comps = [("1", [it["mean"]] * d, [it["var"]] * d)]
        else:
            raise InputError("--target: unknown target '%s' (known: gauss, gmm)" % name)
    weights = [mpf(w) for w, _, _ in comps]
    total = mpmath.fsum(weights)
    return {"d": len(comps[0][1]), "K": len(comps),
            "logpi": [mpmath.log(w / total) for w in weights],
            "mu": [[mpf(x) for x in m] for _, m, _ in comps],
            "s2": [[mpf(x) for x in v] for _, _, v in comps]}


def marginal(target, abar, oma):
    """Forward marginal at a time with abar, 1 - abar (maths.md section 3):
    component k is N(m_k, diag(v_k)), m_kj = sqrt(abar) mu_kj,
    v_kj = abar s2_kj + (1 - abar).  Returns [(c_k, m_k, v_k)] with
    c_k = log pi_k - 1/2 sum_j log v_kj."""
    a = mpmath.sqrt(abar)
    out = []
    for logpi, mu, s2 in zip(target["logpi"], target["mu"], target["s2"]):
        m = [a * x for x in mu]
        v = [abar * x + oma for x in s2]
        out.append((logpi - mpmath.fsum(mpmath.log(x) for x in v) / 2, m, v))
    return out


def score(marg, x):
    """Exact score of a diagonal Gaussian mixture (maths.md section 3):

        s_j = sum_k r_k (m_kj - x_j)/v_kj,  r_k = softmax_k(l_k),
        l_k = log pi_k - 1/2 sum_j (log v_kj + (x_j - m_kj)^2 / v_kj),

    r_k = exp(l_k - max l)/sum_q exp(l_q - max l) (log-sum-exp)."""
    ls = [c - mpmath.fsum((xj - mj) ** 2 / vj for xj, mj, vj in zip(x, m, v)) / 2
          for c, m, v in marg]
    lmax = max(ls)
    e = [mpmath.exp(l - lmax) for l in ls]
    tot = mpmath.fsum(e)
    r = [q / tot for q in e]
    return [mpmath.fsum(rk * (m[j] - x[j]) / v[j] for rk, (_, m, v) in zip(r, marg))
            for j in range(len(x))]


def perturb(s, err):
    """Perturbed score (maths.md section 3, --score-error): bias=B gives s + B,
    rel=R gives s (1 + R)."""
    if err is None:
        return s
    kind, val = err
    if kind == "bias":
        return [x + val for x in s]
    return [x * (1 + val) for x in s]


# =========================================================== sampler steps
# Every function is the literal formula of maths.md section 4, per coordinate.

def ddpm_sigma(var, beta_j, alpha_j, betatilde_j):
    """DDPM noise scale (Ho et al. 2020, Algorithm 2 and section 3.2):
    var=beta: sigma^2 = beta_j; var=posterior: sigma^2 = betatilde_j;
    (var=liyan, Li & Yan 2024 eq. 2.4: sigma^2 = beta_j/alpha_j, in ddpm_liyan_step)."""
    if var == "beta":
        return mpmath.sqrt(beta_j)
    if var == "posterior":
        return mpmath.sqrt(betatilde_j)
    return mpmath.sqrt(beta_j / alpha_j)


def ddpm_step(y, s, z, beta_j, alpha_j, sigma):
    """Y_p = (Y_t + beta_j s)/sqrt(alpha_j) + sigma Z (Ho et al. 2020, Algorithm 2)."""
    sa = mpmath.sqrt(alpha_j)
    out = [(yj + beta_j * sj) / sa for yj, sj in zip(y, s)]
    if z is not None:
        out = [o + sigma * zj for o, zj in zip(out, z)]
    return out


def ddpm_liyan_step(y, s, z, beta_j, alpha_j):
    """Y_p = (Y_t + beta_j s + sqrt(beta_j) Z)/sqrt(alpha_j) (Li & Yan 2024, eq. 2.4)."""
    sa = mpmath.sqrt(alpha_j)
    sb = mpmath.sqrt(beta_j)
    if z is None:
        return [(yj + beta_j * sj) / sa for yj, sj in zip(y, s)]
    return [(yj + beta_j * sj + sb * zj) / sa for yj, sj, zj in zip(y, s, z)]


def ddim_sigma(eta, betatilde_j):
    """sigma = eta sqrt(betatilde_j) (Song, Meng & Ermon 2021, eq. 16)."""
    return eta * mpmath.sqrt(betatilde_j)


def ddim_step(y, s, z, abar_t, oma_t, abar_p, oma_p, sigma):
    """DDIM (Song, Meng & Ermon 2021, eq. 12):

        x0hat = (Y_t + (1 - abar_t) s)/sqrt(abar_t),  epshat = -sqrt(1 - abar_t) s,
        Y_p = sqrt(abar_p) x0hat + sqrt(1 - abar_p - sigma^2) epshat + sigma Z."""
    rest = oma_p - sigma * sigma
    if rest < 0:
        raise ArithmeticError("ddim: 1 - abar_p - sigma^2 < 0")
    q = mpmath.sqrt(rest)
    sab_t, sab_p, som_t = mpmath.sqrt(abar_t), mpmath.sqrt(abar_p), mpmath.sqrt(oma_t)
    out = []
    for j, (yj, sj) in enumerate(zip(y, s)):
        x0hat = (yj + oma_t * sj) / sab_t
        epshat = -som_t * sj
        o = sab_p * x0hat + q * epshat
        if z is not None:
            o = o + sigma * z[j]
        out.append(o)
    return out


def liyan_ode_step(y, s, beta_j, alpha_j):
    """Y_p = (Y_t + beta_j s/2)/sqrt(alpha_j) (Li & Yan 2024, eq. 2.5)."""
    sa = mpmath.sqrt(alpha_j)
    return [(yj + beta_j * sj / 2) / sa for yj, sj in zip(y, s)]


def vp_em_step(y, s, z, h, r):
    """Reverse-time VP SDE, Euler-Maruyama (Song et al. 2021, score_sde's
    EulerMaruyamaPredictor): Y_p = Y_t + h (r/2 Y_t + r s) + sqrt(r h) Z."""
    out = [yj + h * (r / 2 * yj + r * sj) for yj, sj in zip(y, s)]
    if z is not None:
        c = mpmath.sqrt(r * h)
        out = [o + c * zj for o, zj in zip(out, z)]
    return out


def ou_em_step(y, s, z, h):
    """OU reverse SDE, Euler-Maruyama (Bruno et al. 2023):
    Y_p = Y_t + h (Y_t + 2 s) + sqrt(2 h) Z."""
    out = [yj + h * (yj + 2 * sj) for yj, sj in zip(y, s)]
    if z is not None:
        c = mpmath.sqrt(2 * h)
        out = [o + c * zj for o, zj in zip(out, z)]
    return out


def vp_ei_step(y, s, z, alpha_j, beta_j):
    """Exponential integrator, score frozen at tau_t (Zhang & Chen 2023):
    Y_p = Y_t/sqrt(alpha_j) + 2 (1/sqrt(alpha_j) - 1) s + sqrt(beta_j/alpha_j) Z,
    with e^{B(tau_t) - B(tau_p)} = 1/alpha_j."""
    sa = mpmath.sqrt(alpha_j)
    out = [yj / sa + 2 * (1 / sa - 1) * sj for yj, sj in zip(y, s)]
    if z is not None:
        c = mpmath.sqrt(beta_j / alpha_j)
        out = [o + c * zj for o, zj in zip(out, z)]
    return out


def pf_drift(y, s, r):
    """f(y, tau) = r(tau)/2 (y + s_tau(y)): minus the probability-flow ODE's
    velocity dX/dtau = -r/2 (X + s) (Song et al. 2021)."""
    return [r / 2 * (yj + sj) for yj, sj in zip(y, s)]


def pf_euler_step(y, s, h, r):
    """Probability-flow ODE, Euler backwards (Song et al. 2021):
    Y_p = Y_t + h r/2 (Y_t + s)."""
    return [yj + h * r / 2 * (yj + sj) for yj, sj in zip(y, s)]


def pf_heun_step(y, score_t, score_p, h, r_t, r_p, last):
    """Heun's method (Karras et al. 2022, Algorithm 1):
    Ytilde = Y_t + h f(Y_t, tau_t), Y_p = Y_t + h/2 (f(Y_t, tau_t) + f(Ytilde, tau_p));
    on the last step (p = 0) the Euler predictor alone.  score_t, score_p:
    functions y -> (perturbed) score at tau_t, tau_p."""
    f_t = pf_drift(y, score_t(y), r_t)
    ytilde = [yj + h * fj for yj, fj in zip(y, f_t)]
    if last:
        return ytilde
    f_p = pf_drift(ytilde, score_p(ytilde), r_p)
    return [yj + h / 2 * (a + b) for yj, a, b in zip(y, f_t, f_p)]


# =========================================================== the run

class Scorer:
    """Exact (optionally perturbed) score at grid index t, marginals cached."""

    def __init__(self, target, grid, err):
        self.target, self.grid, self.err = target, grid, err
        self.cache = {}
        self.calls = 0

    def __call__(self, t, x):
        if t not in self.cache:
            self.cache[t] = marginal(self.target, self.grid["abar"][t], self.grid["oma"][t])
        self.calls += 1
        return perturb(score(self.cache[t], x), self.err)


def check_combination(sampler, grid):
    name = sampler[0]
    if name in CONTINUOUS_SAMPLERS and not grid["continuous"]:
        raise InputError("--sampler: %s: needs the vp or ou schedule, not %s"
                         % (name, grid["name"]))
    if name == "ou-em" and grid["name"] != "ou":
        raise InputError("--sampler: ou-em: needs the ou schedule, not %s" % grid["name"])


def reverse_step(sampler, grid, scorer, t, p, y, draw):
    """One reverse step from grid index t to p of the given sampler.
    draw(): the Gaussian vector Z_k (called only when the step uses noise)."""
    name, items = sampler
    alpha_j, beta_j, betatilde_j = jump(grid, t, p)
    noisy = name in STOCHASTIC_SAMPLERS and (p > 0 or items.get("last_noise") == "yes")
    s = None if name == "pf-heun" else scorer(t, y)
    if name == "ddpm":
        z = draw() if noisy else None
        if items["var"] == "liyan":
            return ddpm_liyan_step(y, s, z, beta_j, alpha_j)
        return ddpm_step(y, s, z, beta_j, alpha_j,
                         ddpm_sigma(items["var"], beta_j, alpha_j, betatilde_j))
    if name == "ddim":
        sigma = ddim_sigma(mpf(items["eta"]), betatilde_j)
        z = draw() if sigma != 0 else None
        return ddim_step(y, s, z, grid["abar"][t], grid["oma"][t], grid["abar"][p],
                         grid["oma"][p], sigma)
    if name == "liyan-ode":
        return liyan_ode_step(y, s, beta_j, alpha_j)
    h = step_width(grid, t, p)
    r_t = grid["rate"](grid["tau"][t])
    if name == "vp-em":
        return vp_em_step(y, s, draw() if noisy else None, h, r_t)
    if name == "ou-em":
        return ou_em_step(y, s, draw() if noisy else None, h)
    if name == "vp-ei":
        return vp_ei_step(y, s, draw() if noisy else None, alpha_j, beta_j)
    if name == "pf-euler":
        return pf_euler_step(y, s, h, r_t)
    if name == "pf-heun":
        r_p = grid["rate"](grid["tau"][p])
        return pf_heun_step(y, lambda x: scorer(t, x), lambda x: scorer(p, x), h,
                            r_t, r_p, p == 0)
    raise InputError("unknown sampler %s" % name)  # pragma: no cover


def run(target, grid, sampler, n, seed, steps=None, spacing="leading", offset=0,
        score_error=None, prec=DEFAULT_PREC, noise=None):
    """Trajectories traj[k][i][j] (mpf), k = 0..K; row 0 is Y_T = z(seed, i, 0, j).

    noise, if given, is an array shaped (K+1, n, d) whose values replace the
    Philox draws (draw 0 the initial state), each taken exactly."""
    check_combination(sampler, grid)
    steps_plan = plan(grid, steps, spacing, offset)
    scorer = Scorer(target, grid, score_error)
    d = target["d"]

    def z(i, r, j):
        if noise is not None:
            return mp.mpf(float(noise[r][i][j]))  # exact: float32/64 values are doubles
        return philox.gaussian_binary64(seed, i, r, j)

    traj = [[None] * n for _ in range(len(steps_plan) + 1)]
    for i in range(n):
        y = [z(i, 0, j) for j in range(d)]
        traj[0][i] = y
        for k, (t, p) in enumerate(steps_plan, start=1):
            draw = lambda k=k: [z(i, k, j) for j in range(d)]
            y = reverse_step(sampler, grid, scorer, t, p, y, draw)
            traj[k][i] = y
    return traj


def to_array(traj):
    import numpy as np
    K1, n, d = len(traj), len(traj[0]), len(traj[0][0])
    arr = np.empty((K1, n, d), dtype="<f8")
    for k in range(K1):
        for i in range(n):
            for j in range(d):
                arr[k, i, j] = philox.to_binary64(traj[k][i][j])
    return np.ascontiguousarray(arr)


def write_txt(traj, path):
    with open(path, "w", newline="\n") as fh:
        for k, row in enumerate(traj):
            for i, y in enumerate(row):
                for j, v in enumerate(y):
                    fh.write("%d %d %d %s\n" % (k, i, j, mpmath.nstr(
                        v, TXT_DIGITS, strip_zeros=False, min_fixed=0, max_fixed=0,
                        show_zero_exponent=True)))


# =========================================================== selftest

class Checker:
    def __init__(self, verbose=True):
        self.passed = self.failed = 0
        self.verbose = verbose

    def check(self, cond, msg):
        if cond:
            self.passed += 1
            if self.verbose:
                print("ok   " + msg)
        else:
            self.failed += 1
            print("FAIL " + msg)


def rel_close(a, b, tol):
    a, b = mpf(a), mpf(b)
    return abs(a - b) <= tol * max(abs(a), abs(b), mpf(2) ** -mp.prec)


def max_rel_diff(ta, tb):
    worst = mpf(0)
    for ra, rb in zip(ta, tb):
        for ya, yb in zip(ra, rb):
            for a, b in zip(ya, yb):
                sc = max(abs(a), abs(b), mpf(1))
                worst = max(worst, abs(a - b) / sc)
    return worst


def selftest(prec):
    import numpy as np
    import ddpm_gauss
    mp.prec = prec
    c = Checker()
    tol = mpf(2) ** (-(prec - 48))
    t0 = time.time()

    # (1) ddpm var=beta on gauss == ddpm_gauss.py, bit for bit in binary64.
    cases = [
        (None, 50, None, "leading", 0, 3, "1", "4", 2, 42),
        ("linear:T=50", 50, None, "leading", 0, 3, "1", "4", 2, 42),
        ("cosine:T=100", 100, 7, "trailing", 0, 2, "-0.5", "0.25", 2, 7),
        ("lcw:T=100", 100, 10, "leading", 1, 2, "3", "2", 2, 2**40 + 3),
        ("li-yan:T=100", 100, 13, "linspace", 0, 3, "0.1", "0.01", 1, 0),
        ("scaled-linear:T=60", 60, 9, "trailing", 0, 1, "2", "1.5", 3, 99),
    ]
    for spec, T, K, kind, off, d, m, v, n, seed in cases:
        ref = ddpm_gauss.run(T, "0.0001", "0.02", d, m, v, n, seed, prec, spec, K, kind, off)
        mp.prec = prec
        grid = make_schedule(spec or "linear:T=%d" % T)
        mine = run(make_target("gauss:d=%d,mean=%s,var=%s" % (d, m, v)), grid,
                   parse_sampler("ddpm:var=beta"), n, seed, K, kind, off, prec=prec)
        same = np.array_equal(to_array(ref).view("<u8"), to_array(mine).view("<u8"))
        diff = max_rel_diff(ref, mine)
        c.check(same and diff < tol,
                "(1) ddpm var=beta == ddpm_gauss.py bit for bit: %s K=%s %s "
                "(max rel diff %s)" % (spec, K, kind, mpmath.nstr(diff, 3)))

    # (2a) K = 1: the log-sum-exp score is exactly (m - x)/v.
    tg = make_target("gauss:d=3,mean=0.7,var=2.5")
    ok = True
    for abar in (mpf("0.99"), mpf("0.3"), mpf("1e-5")):
        marg = marginal(tg, abar, 1 - abar)
        for x in ([mpf(0), mpf(1), mpf(-3)], [mpf("1e3")] * 3, [mpf("-1e8"), 0, 5]):
            s = score(marg, x)
            m, v = mpmath.sqrt(abar) * mpf("0.7"), abar * mpf("2.5") + 1 - abar
            ok &= all(rel_close(sj, (m - xj) / v, tol) for sj, xj in zip(s, x))
    c.check(ok, "(2a) K=1 score == (m - x)/v")

    # (2b) 2-component GMM: score == d/dx log p_t(x) by mpmath.diff, with
    # log p_t summed directly (no log-sum-exp).
    path = _tmp_json({"components": [
        {"weight": 0.3, "mean": [-2, 1], "var": [0.25, 1]},
        {"weight": "0.7", "mean": ["1.5", "-0.5"], "var": [1, "0.5"]}]})
    gm = make_target(json_path=path)

    def log_p(abar, x):
        tot = mpf(0)
        for logpi, mu, s2 in zip(gm["logpi"], gm["mu"], gm["s2"]):
            dens = mpmath.exp(logpi)
            for xj, mj, vj in zip(x, mu, s2):
                mm = mpmath.sqrt(abar) * mj
                vv = abar * vj + 1 - abar
                dens *= mpmath.exp(-(xj - mm) ** 2 / (2 * vv)) / mpmath.sqrt(2 * mp.pi * vv)
            tot += dens
        return mpmath.log(tot)

    pts = [(mpf("0.9"), [mpf("0.1"), mpf("0.2")]),
           (mpf("0.5"), [mpf("-1.7"), mpf("2.3")]),
           (mpf("0.999"), [mpf("0.2"), mpf("0.25")]),
           (mpf("0.9"), [mpf("1e3"), mpf("1e3")]),
           (mpf("0.99"), [mpf("-1e3"), mpf("0")])]
    for abar, x in pts:
        s = score(marginal(gm, abar, 1 - abar), x)
        with mpmath.workprec(prec + 64):
            g = [mpmath.diff(lambda a, b: log_p(abar, [a, b]), tuple(x), tuple(o))
                 for o in ((1, 0), (0, 1))]
        ok = all(rel_close(a, b, mpf(2) ** (-(prec // 2))) for a, b in zip(s, g))
        c.check(ok, "(2b) GMM score == numerical d/dx log p_t at abar=%s x=%s"
                % (mpmath.nstr(abar, 4), [mpmath.nstr(q, 4) for q in x]))
    # x = 1e3 is far from every component: naive binary64 softmax gives 0/0 there
    abar = mpf("0.9")
    marg = marginal(gm, abar, 1 - abar)
    ls = [float(cc - mpmath.fsum((mpf("1e3") - mj) ** 2 / vj for mj, vj in zip(m, v)) / 2)
          for cc, m, v in marg]
    c.check(all(math.exp(l) == 0.0 for l in ls),
            "(2c) at x = 1e3 every exp(l_k) underflows in binary64 (l = %s)"
            % ["%.4g" % l for l in ls])
    # weights normalised: (1, 3) gives the same score as (0.25, 0.75)
    p1 = _tmp_json({"components": [{"weight": 1, "mean": [0], "var": [1]},
                                   {"weight": 3, "mean": [2], "var": ["0.5"]}]})
    p2 = _tmp_json({"components": [{"weight": "0.25", "mean": [0], "var": [1]},
                                   {"weight": "0.75", "mean": [2], "var": ["0.5"]}]})
    a1, a2 = make_target(json_path=p1), make_target(json_path=p2)
    x = [mpf("0.8")]
    c.check(rel_close(score(marginal(a1, mpf("0.7"), mpf("0.3")), x)[0],
                      score(marginal(a2, mpf("0.7"), mpf("0.3")), x)[0], tol),
            "(2d) weights are normalised by their sum")
    # a mixture of two identical components is the single Gaussian
    p3 = _tmp_json({"components": [{"weight": "0.3", "mean": ["1.25", "-1"], "var": [2, 2]},
                                   {"mean": ["1.25", "-1"], "var": ["2", "2.0"]}]})
    p4 = _tmp_json({"components": [{"mean": ["1.25", "-1"], "var": [2, 2]}]})
    grid = make_schedule("linear:T=30")
    for smp in ("ddpm:var=posterior", "ddim:eta=0.5", "liyan-ode"):
        ta = run(make_target(json_path=p3), grid, parse_sampler(smp), 2, 5, prec=prec)
        tb = run(make_target("gauss:%s" % p4), grid, parse_sampler(smp), 2, 5, prec=prec)
        diff = max_rel_diff(ta, tb)
        c.check(diff < tol, "(2e) two identical components == one Gaussian, %s (%s)"
                % (smp, mpmath.nstr(diff, 3)))

    # (3) ddim eta=1 and ddpm var=posterior: same sigma at every jump and the
    # same trajectories (eta = 1 is DDPM, Song et al. 2021 section 4.1).
    for spec, K, kind in (("linear:T=40", None, "leading"), ("cosine:T=100", 9, "trailing"),
                          ("vp:T=50", 7, "linspace")):
        grid = make_schedule(spec)
        ok = True
        for t, p in plan(grid, K, kind):
            a_j, b_j, bt_j = jump(grid, t, p)
            ok &= rel_close(ddim_sigma(mpf(1), bt_j), ddpm_sigma("posterior", b_j, a_j, bt_j),
                            tol)
        c.check(ok, "(3a) ddim eta=1 sigma == ddpm posterior sigma, %s K=%s" % (spec, K))
        tgt = make_target(json_path=path)
        ta = run(tgt, grid, parse_sampler("ddim:eta=1"), 2, 11, K, kind, prec=prec)
        tb = run(tgt, grid, parse_sampler("ddpm:var=posterior"), 2, 11, K, kind, prec=prec)
        diff = max_rel_diff(ta, tb)
        c.check(diff < tol, "(3b) ddim eta=1 trajectory == ddpm var=posterior, %s K=%s (%s)"
                % (spec, K, mpmath.nstr(diff, 3)))

    # (4) vp-ei: e^{B(tau_t) - B(tau_p)} (closed-form B at closed-form tau)
    # == abar_p/abar_t (grid columns) == 1/alpha_j (jump coefficients).
    for spec, K, kind in (("vp:T=100", None, "leading"), ("vp:T=1000,beta_min=0.05,"
                          "beta_max=12.5,eps=0.0001", 17, "trailing"),
                          ("ou:T=200,horizon=3.5", 13, "linspace")):
        grid = make_schedule(spec)
        name, rest = split_spec(spec)
        it = parse_items("schedule", name, rest, SCHEDULE_KEYS[name])
        T, eps = int(it["T"]), mpf(it["eps"])
        end = mpf(1) if name == "vp" else mpf(it["horizon"])
        if name == "vp":
            Bf = lambda u: mpf(it["beta_min"]) * u + (mpf(it["beta_max"]) -
                                                      mpf(it["beta_min"])) * u * u / 2
        else:
            Bf = lambda u: 2 * u
        tau = lambda k: mpf(0) if k == 0 else eps + (end - eps) * (k - 1) / (T - 1)
        ok = True
        for t, p in plan(grid, K, kind):
            a_j, _, _ = jump(grid, t, p)
            e = mpmath.exp(Bf(tau(t)) - Bf(tau(p)))
            ok &= rel_close(e, grid["abar"][p] / grid["abar"][t], tol)
            ok &= rel_close(e, 1 / a_j, tol)
            ok &= rel_close(step_width(grid, t, p), tau(t) - tau(p), tol)
        c.check(ok, "(4) vp-ei: e^{B(tau_t)-B(tau_p)} == abar_p/abar_t == 1/alpha_j, "
                "h == tau_t - tau_p: %s K=%s %s" % (spec, K, kind))
        ok = all(rel_close(grid["abar"][k], grid["abar"][k - 1] * (1 - grid["beta"][k]), tol)
                 and rel_close(grid["abar"][k] + grid["oma"][k], 1, tol)
                 for k in range(1, T + 1))
        c.check(ok, "(4b) grid: abar_k = abar_{k-1}(1 - beta_k), abar + oma = 1: %s" % spec)

    # (5) pf-heun vs pf-euler against the exact probability-flow solution of a
    # Gaussian target: x(tau) = m(tau) + sqrt(v(tau)/v(tau0)) (x(tau0) - m(tau0)).
    mu0, s20 = mpf("1.5"), mpf("0.3")

    def flow(x, tau0, tau1, Bf):
        ab0, ab1 = mpmath.exp(-Bf(tau0)), mpmath.exp(-Bf(tau1))
        v0, v1 = ab0 * s20 + 1 - ab0, ab1 * s20 + 1 - ab1
        return mpmath.sqrt(ab1) * mu0 + mpmath.sqrt(v1 / v0) * (x - mpmath.sqrt(ab0) * mu0)

    tg = make_target("gauss:d=1,mean=1.5,var=0.3")
    errs = {}
    for T in (101, 201, 401):
        grid = make_schedule("vp:T=%d" % T)
        for smp in ("pf-euler", "pf-heun"):
            tr = run(tg, grid, parse_sampler(smp), 1, 3, prec=prec)
            exact = flow(tr[0][0][0], grid["tau"][T], grid["tau"][1], grid["B"])
            errs[(smp, T)] = abs(tr[T - 1][0][0] - exact)   # row T-1: at tau_1
    ok = all(errs[("pf-heun", T)] < errs[("pf-euler", T)] for T in (101, 201, 401))
    oe = [errs[("pf-euler", a)] / errs[("pf-euler", b)] for a, b in ((101, 201), (201, 401))]
    oh = [errs[("pf-heun", a)] / errs[("pf-heun", b)] for a, b in ((101, 201), (201, 401))]
    c.check(ok, "(5a) pf-heun closer to the exact flow than pf-euler at T=101,201,401: "
            "euler %s, heun %s" % ([mpmath.nstr(errs[("pf-euler", T)], 3) for T in (101, 201, 401)],
                                   [mpmath.nstr(errs[("pf-heun", T)], 3) for T in (101, 201, 401)]))
    c.check(all(1.7 < q < 2.3 for q in oe) and all(3.4 < q < 4.6 for q in oh),
            "(5b) halving h divides the error by ~2 (euler: %s) and ~4 (heun: %s)"
            % ([mpmath.nstr(q, 4) for q in oe], [mpmath.nstr(q, 4) for q in oh]))
    # one tiny step, called directly: local error O(h^2) vs O(h^3)
    grid = make_schedule("vp:T=3")
    sc = lambda tau: (lambda x: [(mpmath.exp(-grid["B"](tau) / 2) * mu0 - x[0]) /
                                 (mpmath.exp(-grid["B"](tau)) * s20 - mpmath.expm1(-grid["B"](tau)))])
    ok = True
    for h in (mpf("1e-3"), mpf("1e-6")):
        tt, tp = mpf("0.5"), mpf("0.5") - h
        y = [mpf("0.37")]
        ex = flow(y[0], tt, tp, grid["B"])
        rt, rp = grid["rate"](tt), grid["rate"](tp)
        e_eu = abs(pf_euler_step(y, sc(tt)(y), h, rt)[0] - ex)
        e_he = abs(pf_heun_step(y, sc(tt), sc(tp), h, rt, rp, False)[0] - ex)
        ok &= e_he < e_eu * h * 100
    c.check(ok, "(5c) one tiny step (h = 1e-3, 1e-6): heun error < 100 h x euler error")

    # (6) maths.md section 4's affine table, Y_p = a Y_t + b s + c Z, against
    # the literal formulas at arbitrary y, s, z.
    ys, ss, zs = [mpf("0.3"), mpf("-2.1")], [mpf("1.7"), mpf("-0.4")], [mpf("0.9"), mpf("-1.3")]
    for spec, K, kind in (("cosine:T=100", 8, "trailing"), ("vp:T=60", 9, "leading"),
                          ("ou:T=40", None, "leading")):
        grid = make_schedule(spec)
        bad = []
        for t, p in plan(grid, K, kind):
            a_j, b_j, bt_j = jump(grid, t, p)
            sa = mpmath.sqrt(a_j)
            rows = {
                "ddpm:var=beta": (ddpm_step(ys, ss, zs, b_j, a_j, mpmath.sqrt(b_j)),
                                  1 / sa, b_j / sa, mpmath.sqrt(b_j)),
                "ddpm:var=liyan": (ddpm_liyan_step(ys, ss, zs, b_j, a_j),
                                   1 / sa, b_j / sa, mpmath.sqrt(b_j / a_j)),
                "liyan-ode": (liyan_ode_step(ys, ss, b_j, a_j), 1 / sa, b_j / (2 * sa), 0),
                "vp-ei": (vp_ei_step(ys, ss, zs, a_j, b_j), 1 / sa,
                          2 * b_j / (sa * (1 + sa)), mpmath.sqrt(b_j / a_j)),
            }
            ab_t, om_t, ab_p, om_p = grid["abar"][t], grid["oma"][t], grid["abar"][p], grid["oma"][p]
            for eta in (mpf(0), mpf("0.5"), mpf(1)):
                sig = ddim_sigma(eta, bt_j)
                A = mpmath.sqrt(ab_p * om_t / ab_t)
                Q = mpmath.sqrt(om_p - sig ** 2)
                rows["ddim:eta=%s" % eta] = (
                    ddim_step(ys, ss, zs, ab_t, om_t, ab_p, om_p, sig),
                    mpmath.sqrt(ab_p / ab_t),
                    mpmath.sqrt(om_t) * (b_j / a_j + sig ** 2) / (A + Q), sig)
            if grid["continuous"]:
                h, r = step_width(grid, t, p), grid["rate"](grid["tau"][t])
                rows["vp-em"] = (vp_em_step(ys, ss, zs, h, r), 1 + h * r / 2, h * r,
                                 mpmath.sqrt(h * r))
                rows["pf-euler"] = (pf_euler_step(ys, ss, h, r), 1 + h * r / 2, h * r / 2, 0)
                if grid["name"] == "ou":
                    rows["ou-em"] = (ou_em_step(ys, ss, zs, h), 1 + h, 2 * h,
                                     mpmath.sqrt(2 * h))
            for nm, (lit, a, b, cc) in rows.items():
                aff = [a * y + b * s + cc * z for y, s, z in zip(ys, ss, zs)]
                if not all(rel_close(u, w, tol) for u, w in zip(lit, aff)):
                    bad.append((nm, t, p))
        c.check(not bad, "(6) affine table (a, b, c) == literal step, every sampler, %s K=%s%s"
                % (spec, K, "" if not bad else " bad: %s" % bad[:4]))

    # (7) ou-em == vp-em on the ou schedule (r = 2), same noise.
    grid = make_schedule("ou:T=80,horizon=4")
    tgt = make_target(json_path=path)
    for ln in ("no", "yes"):
        ta = run(tgt, grid, parse_sampler("ou-em:last_noise=%s" % ln), 2, 9, prec=prec)
        tb = run(tgt, grid, parse_sampler("vp-em:last_noise=%s" % ln), 2, 9, prec=prec)
        diff = max_rel_diff(ta, tb)
        c.check(diff < tol, "(7) ou-em == vp-em on ou, last_noise=%s (%s)"
                % (ln, mpmath.nstr(diff, 3)))

    # (8) score error: bias/rel reach every score evaluation, pf-heun's second too.
    grid = make_schedule("vp:T=20")
    for err in (("bias", mpf("0.125")), ("rel", mpf("-0.3"))):
        sc0 = Scorer(tgt, grid, None)
        sc1 = Scorer(tgt, grid, err)
        y = [mpf("0.4"), mpf("-0.6")]
        t, p = 12, 11
        h, rt, rp = step_width(grid, t, p), grid["rate"](grid["tau"][t]), grid["rate"](grid["tau"][p])
        got = reverse_step(parse_sampler("pf-heun"), grid, sc1, t, p, y, None)
        # by hand: Heun with s + B (or s (1 + R)) at both points
        pert = (lambda s: [q + err[1] for q in s]) if err[0] == "bias" else \
            (lambda s: [q * (1 + err[1]) for q in s])
        s1 = pert(sc0(t, y))
        f1 = [rt / 2 * (a + b) for a, b in zip(y, s1)]
        yt = [a + h * b for a, b in zip(y, f1)]
        s2 = pert(sc0(p, yt))
        f2 = [rp / 2 * (a + b) for a, b in zip(yt, s2)]
        want = [a + h / 2 * (b + c2) for a, b, c2 in zip(y, f1, f2)]
        c.check(all(rel_close(a, b, tol) for a, b in zip(got, want)) and sc1.calls == 2,
                "(8) --score-error %s=%s on both pf-heun evaluations" % (err[0], err[1]))

    # (9) ddim eta=0 ends at Y_0 = x0hat (Tweedie); ddpm var=posterior adds no
    # noise at p = 0 even with last_noise=yes (betatilde_j = 0 there).
    grid = make_schedule("linear:T=20")
    y = [mpf("0.5"), mpf("-1.25")]
    s = score(marginal(tgt, grid["abar"][3], grid["oma"][3]), y)
    x0 = [(a + grid["oma"][3] * b) / mpmath.sqrt(grid["abar"][3]) for a, b in zip(y, s)]
    got = reverse_step(parse_sampler("ddim:eta=0"), grid, Scorer(tgt, grid, None), 3, 0, y, None)
    c.check(all(rel_close(a, b, tol) for a, b in zip(got, x0)), "(9a) ddim step to p=0 gives x0hat")
    ta = run(tgt, grid, parse_sampler("ddpm:var=posterior,last_noise=yes"), 1, 4, prec=prec)
    tb = run(tgt, grid, parse_sampler("ddpm:var=posterior"), 1, 4, prec=prec)
    c.check(max_rel_diff(ta, tb) == 0, "(9b) ddpm posterior: last_noise has no effect")
    ta = run(tgt, grid, parse_sampler("ddpm:var=beta,last_noise=yes"), 1, 4, prec=prec)
    tb = run(tgt, grid, parse_sampler("ddpm:var=beta"), 1, 4, prec=prec)
    c.check(max_rel_diff(ta[:-1], tb[:-1]) == 0 and max_rel_diff(ta, tb) > mpf("1e-6"),
            "(9c) ddpm beta: last_noise=yes changes only the last row")

    # (10) bad input is refused.
    for args in (("sampler", "ddim:eta=2"), ("sampler", "ddpm:var=foo"),
                 ("sampler", "ddpm:eta=1"), ("sampler", "vp-em:last_noise=no,last_noise=no"),
                 ("schedule", "vp:beta_min=abc"), ("schedule", "linear:1000"),
                 ("target", "gauss:d=2,mean=1e"), ("combo", "pf-euler linear"),
                 ("combo", "ou-em vp")):
        try:
            if args[0] == "sampler":
                parse_sampler(args[1])
            elif args[0] == "schedule":
                make_schedule(args[1])
            elif args[0] == "target":
                make_target(args[1])
            else:
                smp, sch = args[1].split()
                check_combination(parse_sampler(smp), make_schedule(sch + ":T=10"))
            c.check(False, "(10) %s %r should be refused" % args)
        except InputError:
            c.check(True, "(10) %s %r refused" % args)

    for pth in (path, p1, p2, p3, p4):
        os.unlink(pth)
    print("selftest time %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


def _tmp_json(doc):
    import tempfile
    fd, pth = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh)
    return pth


# =========================================================== main

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--target")
    ap.add_argument("--target-json")
    ap.add_argument("--schedule", default="linear")
    ap.add_argument("--T", type=int, default=None)
    ap.add_argument("--sampler", default="ddpm:var=beta")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--spacing", choices=schedules.SPACINGS, default="leading")
    ap.add_argument("--offset", "--steps-offset", type=int, default=0, dest="offset")
    ap.add_argument("--score-error", default=None)
    ap.add_argument("--n", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--prec", type=int, default=DEFAULT_PREC)
    ap.add_argument("--out")
    ap.add_argument("--txt")
    ap.add_argument("--noise", help="replayed draws, .npy shaped (K+1, n, d)")
    a = ap.parse_args(argv)
    if a.prec < 64:
        ap.error("--prec must be >= 64")
    if a.selftest:
        return a
    if (a.target is None) == (a.target_json is None):
        ap.error("give exactly one of --target and --target-json")
    if a.n is None or a.seed is None or a.out is None:
        ap.error("--n, --seed and --out are required")
    if not (1 <= a.n < 2**64):
        ap.error("--n must be in [1, 2^64)")
    if not (0 <= a.seed < 2**64):
        ap.error("--seed must be a uint64")
    return a


def main(argv):
    a = parse_args(argv)
    mp.prec = a.prec
    if a.selftest:
        return selftest(a.prec)
    try:
        target = make_target(a.target, a.target_json)
        grid = make_schedule(a.schedule, a.T)
        sampler = parse_sampler(a.sampler)
        err = parse_score_error(a.score_error)
        noise = None
        if a.noise:
            import numpy as np
            noise = np.load(a.noise)
        traj = run(target, grid, sampler, a.n, a.seed, a.steps, a.spacing, a.offset,
                   err, a.prec, noise)
    except (InputError, schedules.SpecError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    import numpy as np
    np.save(a.out, to_array(traj))
    if a.txt:
        write_txt(traj, a.txt)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
