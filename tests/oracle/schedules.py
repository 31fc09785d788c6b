#!/usr/bin/python3
"""High-precision (mpmath) oracle for noise schedules and timestep spacings.

Written from the specification only; shares no code with the C sources.

Commands (run with /usr/bin/python3, which has mpmath and numpy):

  schedules.py table SPEC [--prec 400] [--out FILE.csv]
      Per-t table, header  t,beta,alpha,abar,oma,betatilde,snr,log_abar

  schedules.py spacing --T T --K K --spacing {leading,trailing,linspace}
                       [--offset O] [--schedule SPEC] [--prec 400] [--out FILE.csv]
      Header  i,tau,prev,alpha_jump,beta_jump,betatilde_jump

  schedules.py selftest [--prec 400]
  schedules.py regen [--dir DIR] [--check]
      Rewrite (or, with --check, compare byte for byte) the reference tables
      in tests/data/schedules_mpmath/.

  schedules.py info
      Print the summary values quoted in tests/oracle/README.md.

SPEC grammar:  NAME[:ARGS]  with NAME one of linear, scaled-linear, cosine,
li-yan, lcw, and ARGS a comma list of key=value (keys listed in PARAMS below)
or bare values taken positionally in the PARAMS order (positional values must
come before keyword ones).  Unknown keys are rejected.  `file:PATH` reads one
beta per line (blank lines and lines starting with '#' are skipped); everything
after "file:" is the path.

All decimal parameters are converted with mpmath.mpf(string) at the working
precision; T is an integer.  Values are printed with 40 significant digits in
scientific notation (mantissa always with 39 fractional digits, exponent
always present, e.g. 1.000000000000000000000000000000000000000e-4); an exact
zero is printed as 0.
"""
import argparse
import os
import sys
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

DEFAULT_PREC = 400
DIGITS = 40

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.path.join(REPO_ROOT, "tests", "data")
TABLE_DIR = os.path.join(DATA_DIR, "schedules_mpmath")

# name -> ordered list of (key, default string)
PARAMS = {
    "linear": [("T", "1000"), ("beta_min", "0.0001"), ("beta_max", "0.02")],
    "scaled-linear": [("T", "1000"), ("beta_min", "0.00085"),
                      ("beta_max", "0.012")],
    "cosine": [("T", "1000"), ("s", "0.008"), ("max_beta", "0.999")],
    "li-yan": [("T", "1000"), ("c0", "2"), ("c1", "4")],
    "lcw": [("T", "100"), ("c0", "2"), ("c1", "10")],
}

SPACINGS = ("leading", "trailing", "linspace")

TABLE_HEADER = "t,beta,alpha,abar,oma,betatilde,snr,log_abar"
SPACING_HEADER = "i,tau,prev,alpha_jump,beta_jump,betatilde_jump"


class SpecError(ValueError):
    pass


# ---------------------------------------------------------------- formatting

def fmt(x):
    """40 significant digits, always scientific; exact zero -> '0'."""
    x = mpf(x)
    if x == 0:
        return "0"
    return mpmath.nstr(x, DIGITS, strip_zeros=False, min_fixed=0,
                       max_fixed=0, show_zero_exponent=True)


# ---------------------------------------------------------------- spec parsing

def parse_spec(spec, T_default=None):
    """Return (name, params) where params maps key -> string (T -> int) or,
    for file specs, ('file', {'path': PATH}).  T_default (if given) replaces
    the built-in T default when the spec does not set T."""
    if ":" in spec:
        name, rest = spec.split(":", 1)
    else:
        name, rest = spec, ""
    name = name.strip()
    if name == "file":
        if not rest:
            raise SpecError("file: needs a path")
        return name, {"path": rest}
    if name not in PARAMS:
        raise SpecError("unknown schedule %r (known: %s, file)"
                        % (name, ", ".join(PARAMS)))
    keys = [k for k, _ in PARAMS[name]]
    vals = {}
    seen_kw = False
    pos = 0
    tokens = [tok.strip() for tok in rest.split(",")] if rest.strip() else []
    for tok in tokens:
        if tok == "":
            raise SpecError("empty field in %r" % spec)
        if "=" in tok:
            k, v = tok.split("=", 1)
            k, v = k.strip(), v.strip()
            if k not in keys:
                raise SpecError("unknown key %r for %s (allowed: %s)"
                                % (k, name, ", ".join(keys)))
            if k in vals:
                raise SpecError("key %r given twice" % k)
            vals[k] = v
            seen_kw = True
        else:
            if seen_kw:
                raise SpecError("positional value %r after key=value" % tok)
            if pos >= len(keys):
                raise SpecError("too many values for %s" % name)
            vals[keys[pos]] = tok
            pos += 1
    out = {}
    for k, d in PARAMS[name]:
        if k in vals:
            out[k] = vals[k]
        elif k == "T" and T_default is not None:
            out[k] = str(T_default)
        else:
            out[k] = d
    try:
        out["T"] = int(out["T"])
    except ValueError:
        raise SpecError("T must be an integer, got %r" % out["T"])
    if out["T"] < 1:
        raise SpecError("T must be >= 1")
    for k in keys:
        if k != "T":
            try:
                mpf(out[k])
            except (ValueError, TypeError):
                raise SpecError("bad number %r for %s" % (out[k], k))
    return name, out


def read_beta_file(path):
    betas = []
    with open(path, "r") as fh:
        for lineno, line in enumerate(fh, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            try:
                betas.append(mpf(s))
            except (ValueError, TypeError):
                raise SpecError("%s:%d: not a number: %r" % (path, lineno, s))
    if not betas:
        raise SpecError("%s: no betas" % path)
    return betas


# ---------------------------------------------------------------- schedules

def _cosine_betas(T, s, max_beta):
    """beta_t = min(1 - f(t/T)/f((t-1)/T), max_beta), f(u) = cos^2(a(u)),
    a(u) = (u+s)/(1+s) * pi/2.  Without cancellation:
    1 - cos^2 a / cos^2 b = sin(a+b) sin(a-b) / cos^2 b."""
    half_pi = mp.pi / 2
    def angle(t):
        return (mpf(t) / T + s) / (1 + s) * half_pi
    betas, raw = [], []
    for t in range(1, T + 1):
        a, b = angle(t), angle(t - 1)
        r = mpmath.sin(a + b) * mpmath.sin(a - b) / mpmath.cos(b) ** 2
        raw.append(r)
        betas.append(r if r < max_beta else max_beta)
    return betas, raw


def cosine_f(u, s):
    return mpmath.cos((mpf(u) + s) / (1 + s) * mp.pi / 2) ** 2


def li_yan_betas(T, c0, c1):
    """Li & Yan 2024 eq. 2.3.  Returns (betas, first_cap) where first_cap is
    the 1-based index t+1 of the first beta whose min{.,1} picks 1 (strictly
    beta_1 (1+k)^t > 1), or None."""
    k = c1 * mpmath.log(T) / T
    b1 = mpf(T) ** (-c0)
    betas = [b1]
    first_cap = None
    g = b1
    for t in range(1, T):
        g = g * (1 + k)          # beta_1 (1+k)^t
        if g > 1:
            if first_cap is None:
                first_cap = t + 1
            betas.append(k)
        else:
            betas.append(k * g)
    return betas, first_cap


def lcw_abar(T, c0, c1):
    """Li, Cai & Wei 2025 eq. 14.  Returns (abar[0..T], oma[0..T], k) with
    abar[0] = 1, oma[0] = 0; oma by its own recurrence."""
    k = c1 * mpmath.log(T) / T
    abar = [None] * (T + 1)
    oma = [None] * (T + 1)
    abar[T] = mpf(T) ** (-c0)
    oma[T] = 1 - abar[T]
    for t in range(T, 1, -1):
        abar[t - 1] = abar[t] + k * abar[t] * oma[t]
        oma[t - 1] = oma[t] * (1 - k * abar[t])
    abar[0] = mpf(1)
    oma[0] = mpf(0)
    return abar, oma, k


def _check_betas(betas, what):
    for t, b in enumerate(betas, 1):
        if not (0 < b < 1):
            raise SpecError("%s: beta_%d = %s is not in (0, 1)"
                            % (what, t, mpmath.nstr(b, 20)))


def schedule(spec, T_default=None):
    """Compute a schedule.  Returns a dict with 'name', 'params', 'T' and
    lists indexed by t = 0..T: beta, alpha, abar, oma, betatilde, snr,
    log_abar (index 0: beta=alpha=None, abar=1, oma=0), plus extras."""
    name, p = parse_spec(spec, T_default)
    extra = {}
    if name == "file":
        betas = read_beta_file(p["path"])
        T = len(betas)
    else:
        T = p["T"]
        if name in ("linear", "scaled-linear"):
            lo, hi = mpf(p["beta_min"]), mpf(p["beta_max"])
            betas = []
            for t in range(1, T + 1):
                frac = mpf(t - 1) / (T - 1) if T > 1 else mpf(0)
                if name == "linear":
                    betas.append(lo + (hi - lo) * frac)
                else:
                    r = mpmath.sqrt(lo) + (mpmath.sqrt(hi) - mpmath.sqrt(lo)) * frac
                    betas.append(r * r)
        elif name == "cosine":
            betas, raw = _cosine_betas(T, mpf(p["s"]), mpf(p["max_beta"]))
            extra["unclipped_beta"] = [None] + raw
            extra["clipped"] = [None] + [r >= mpf(p["max_beta"]) for r in raw]
        elif name == "li-yan":
            betas, cap = li_yan_betas(T, mpf(p["c0"]), mpf(p["c1"]))
            extra["first_cap"] = cap
        elif name == "lcw":
            pass
        else:  # pragma: no cover
            raise SpecError(name)

    if name == "lcw":
        abar, oma, k = lcw_abar(T, mpf(p["c0"]), mpf(p["c1"]))
        extra["k"] = k
        beta = [None] * (T + 1)
        alpha = [None] * (T + 1)
        for t in range(1, T + 1):
            alpha[t] = abar[t] / abar[t - 1]
            if t == 1:
                beta[t] = oma[1]
            else:
                # abar_{t-1} - abar_t = k abar_t (1 - abar_t)
                beta[t] = k * abar[t] * oma[t] / abar[t - 1]
        _check_betas(beta[1:], spec)
        for t in range(1, T + 1):
            if not (0 < abar[t] < 1 and 0 < oma[t] < 1):
                raise SpecError("%s: abar_%d out of (0, 1)" % (spec, t))
    else:
        _check_betas(betas, spec)
        beta = [None] + list(betas)
        alpha = [None] + [1 - b for b in betas]
        abar = [mpf(1)] + [None] * T
        oma = [mpf(0)] + [None] * T
        for t in range(1, T + 1):
            abar[t] = abar[t - 1] * alpha[t]
            oma[t] = oma[t - 1] + abar[t - 1] * beta[t]

    betatilde = [None] * (T + 1)
    snr = [None] * (T + 1)
    log_abar = [mpf(0)] + [None] * T
    for t in range(1, T + 1):
        betatilde[t] = mpf(0) if t == 1 else beta[t] * oma[t - 1] / oma[t]
        snr[t] = abar[t] / oma[t]
        log_abar[t] = mpmath.log(abar[t])
    return {"name": name, "params": p, "T": T, "beta": beta, "alpha": alpha,
            "abar": abar, "oma": oma, "betatilde": betatilde, "snr": snr,
            "log_abar": log_abar, "extra": extra}


def table_csv(sch):
    lines = [TABLE_HEADER]
    for t in range(1, sch["T"] + 1):
        lines.append(",".join([str(t)] + [fmt(sch[c][t]) for c in
                     ("beta", "alpha", "abar", "oma", "betatilde", "snr",
                      "log_abar")]))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- spacings

def _round_half_even(q):
    q = Fraction(q)
    return round(q)   # Fraction.__round__ with no ndigits: half to even


def spacing(T, K, kind, offset=0):
    """0-based timesteps tau_0 > tau_1 > ... (diffusers' definitions, on
    exact rationals).  Raises SpecError if not strictly decreasing or not in
    [0, T)."""
    if not (1 <= K <= T):
        raise SpecError("need 1 <= K <= T (T=%d, K=%d)" % (T, K))
    if kind != "leading" and offset:
        raise SpecError("--offset applies only to leading spacing")
    if kind == "leading":
        ratio = T // K
        taus = [(K - 1 - i) * ratio + offset for i in range(K)]
    elif kind == "trailing":
        taus = [_round_half_even(T - Fraction(i * T, K)) - 1 for i in range(K)]
    elif kind == "linspace":
        if K == 1:
            taus = [0]
        else:
            taus = [_round_half_even(Fraction((K - 1 - i) * (T - 1), K - 1))
                    for i in range(K)]
    else:
        raise SpecError("unknown spacing %r" % kind)
    for i, tau in enumerate(taus):
        if not (0 <= tau < T):
            raise SpecError("%s spacing T=%d K=%d offset=%d: tau_%d = %d not "
                            "in [0, %d)" % (kind, T, K, offset, i, tau, T))
    for i in range(K - 1):
        if not taus[i] > taus[i + 1]:
            raise SpecError("%s spacing T=%d K=%d: not strictly decreasing at "
                            "i=%d" % (kind, T, K, i))
    return taus


def prev_list(taus):
    return taus[1:] + [-1]


def jump_coeffs(sch, tau, prev):
    """1-based t = tau+1, p = prev+1 (p = 0 -> abar_0 = 1).
    1 - abar_t/abar_p = 1 - prod_{s=p+1..t} alpha_s accumulated without
    cancellation: q <- q + (1 - q) beta_s."""
    t, p = tau + 1, prev + 1
    if not (0 <= p < t <= sch["T"]):
        raise SpecError("bad jump p=%d -> t=%d" % (p, t))
    q = mpf(0)
    for s in range(p + 1, t + 1):
        q = q + (1 - q) * sch["beta"][s]
    alpha_j = sch["abar"][t] / sch["abar"][p]
    beta_j = q
    bt_j = beta_j * sch["oma"][p] / sch["oma"][t]
    return alpha_j, beta_j, bt_j


def spacing_csv(sch, taus):
    prevs = prev_list(taus)
    lines = [SPACING_HEADER]
    for i, (tau, pv) in enumerate(zip(taus, prevs)):
        a, b, bt = jump_coeffs(sch, tau, pv)
        lines.append("%d,%d,%d,%s,%s,%s" % (i, tau, pv, fmt(a), fmt(b), fmt(bt)))
    return "\n".join(lines) + "\n"


def spacing_schedule(T, spec):
    sch = schedule(spec or "linear", T_default=T)
    if sch["T"] != T:
        raise SpecError("schedule has T=%d but --T is %d" % (sch["T"], T))
    return sch


# ---------------------------------------------------------------- output

def write_text(text, out):
    if out is None or out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", newline="\n") as fh:
            fh.write(text)


# ---------------------------------------------------------------- reference set

BETAS_SMALL = os.path.join(DATA_DIR, "betas_small.txt")


def reference_files():
    """(relative file name, function producing its text).  The file schedule
    is given as tests/data/betas_small.txt resolved from the repository root."""
    files = [
        ("linear_T50.csv", lambda: table_csv(schedule("linear:T=50"))),
        ("scaled-linear_T50.csv",
         lambda: table_csv(schedule("scaled-linear:T=50"))),
        ("cosine_T100.csv", lambda: table_csv(schedule("cosine:T=100"))),
        ("li-yan_T100.csv", lambda: table_csv(schedule("li-yan:T=100"))),
        ("lcw_T100.csv", lambda: table_csv(schedule("lcw:T=100"))),
        ("file_betas_small.csv",
         lambda: table_csv(schedule("file:" + BETAS_SMALL))),
    ]
    for T, K in [(1000, 50), (1000, 7), (10, 3), (10, 10)]:
        for kind, off in [("leading", 0), ("leading", 1), ("trailing", 0),
                          ("linspace", 0)]:
            tag = kind + ("_o%d" % off if kind == "leading" else "")
            fname = "spacing_%s_T%d_K%d.csv" % (tag, T, K)
            def make(T=T, K=K, kind=kind, off=off):
                return spacing_csv(spacing_schedule(T, "linear"),
                                   spacing(T, K, kind, off))
            files.append((fname, make))
    return files


def cmd_regen(args):
    d = args.dir or TABLE_DIR
    if not args.check:
        os.makedirs(d, exist_ok=True)
    bad = 0
    for fname, make in reference_files():
        path = os.path.join(d, fname)
        try:
            text = make()
        except SpecError as e:
            print("skipped %s: %s" % (fname, e))
            continue
        if args.check:
            try:
                with open(path, "r", newline="") as fh:
                    old = fh.read()
            except OSError:
                old = None
            ok = old == text
            bad += not ok
            print("%s %s" % ("same" if ok else "DIFFERS", fname))
        else:
            write_text(text, path)
            print("wrote %s" % path)
    return 1 if bad else 0


# ---------------------------------------------------------------- selftest

class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, msg):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: " + msg)


def _close(a, b, tol):
    a, b = mpf(a), mpf(b)
    scale = max(abs(a), abs(b))
    if scale == 0:
        return True
    return abs(a - b) <= tol * scale


def cmd_selftest(args):
    c = Checker()
    tol = mpf(2) ** (-(mp.prec - 40))

    # generic invariants for every schedule family
    specs = ["linear:T=50", "linear:T=1000", "scaled-linear:T=50",
             "scaled-linear:T=1000", "cosine:T=100", "cosine:T=1000",
             "li-yan:T=100", "li-yan:T=1000,c0=2,c1=4", "lcw:T=100",
             "lcw:T=100,c0=2,c1=10", "lcw:T=1000,c0=2,c1=10",
             "linear:1", "linear:2,0.1,0.2"]
    for spec in specs:
        s = schedule(spec)
        T = s["T"]
        okinv = True
        for t in range(1, T + 1):
            okinv &= _close(s["abar"][t] + s["oma"][t], 1, tol)
            okinv &= _close(s["alpha"][t] + s["beta"][t], 1, tol)
            okinv &= _close(s["abar"][t], s["abar"][t - 1] * s["alpha"][t], tol)
            okinv &= 0 <= s["betatilde"][t] <= s["beta"][t]
            okinv &= _close(s["snr"][t] * s["oma"][t], s["abar"][t], tol)
            okinv &= _close(mpmath.exp(s["log_abar"][t]), s["abar"][t], tol)
        c.check(okinv, "invariants of " + spec)
        c.check(all(s["snr"][t] > s["snr"][t + 1] for t in range(1, T)),
                "snr strictly decreasing for " + spec)

    # cosine: abar_t = f(t/T)/f(0) while no clip has happened yet
    for T, sstr in [(100, "0.008"), (1000, "0.008"), (1000, "0.1")]:
        s = schedule("cosine:T=%d,s=%s" % (T, sstr))
        sv = mpf(sstr)
        f0 = cosine_f(0, sv)
        clipped = s["extra"]["clipped"]
        first_clip = next((t for t in range(1, T + 1) if clipped[t]), T + 1)
        ok = True
        for t in range(1, first_clip):
            ok &= _close(s["abar"][t], cosine_f(mpf(t) / T, sv) / f0, tol)
        c.check(ok and first_clip > 1,
                "cosine T=%d s=%s abar = f(t/T)/f(0) for t < %d"
                % (T, sstr, first_clip))
        print("cosine T=%d s=%s: first clipped t = %s, beta_T = %s"
              % (T, sstr, first_clip if first_clip <= T else "none",
                 mpmath.nstr(s["beta"][T], 20)))

    # linear: sum of betas = T (beta_min + beta_max)/2
    for spec, T, lo, hi in [("linear:T=1000", 1000, "0.0001", "0.02"),
                            ("linear:T=50", 50, "0.0001", "0.02"),
                            ("linear:T=7,beta_min=0.001,beta_max=0.3", 7,
                             "0.001", "0.3")]:
        s = schedule(spec)
        tot = mpmath.fsum(s["beta"][1:])
        c.check(_close(tot, T * (mpf(lo) + mpf(hi)) / 2, tol),
                "sum of betas for " + spec)
    # exact decimal conversion: beta_1 = mpf('0.0001') exactly
    c.check(schedule("linear:T=50")["beta"][1] == mpf("0.0001"),
            "linear beta_1 == mpf('0.0001')")

    # lcw
    for T, c0, c1 in [(100, 2, 10), (1000, 2, 10), (100, 1, 5)]:
        s = schedule("lcw:T=%d,c0=%d,c1=%d" % (T, c0, c1))
        c.check(s["abar"][T] == mpf(T) ** (-c0), "lcw abar_T = T^-c0")
        # the recurrence holds for the recomputed products
        k = c1 * mpmath.log(T) / T
        ok = all(_close(s["abar"][t - 1],
                        s["abar"][t] + k * s["abar"][t] * (1 - s["abar"][t]),
                        tol) for t in range(2, T + 1))
        c.check(ok, "lcw recurrence T=%d" % T)
        prod = mpmath.fprod(s["alpha"][1:])
        c.check(_close(prod, s["abar"][T], tol), "lcw prod alpha = abar_T")
        ref = mpf(T) ** (-(c1 - c0))
        ratio = s["oma"][1] / ref
        print("lcw T=%d c0=%d c1=%d: 1-abar_1 = %s, T^-(c1-c0) = %s, ratio = %s"
              % (T, c0, c1, mpmath.nstr(s["oma"][1], 20), mpmath.nstr(ref, 20),
                 mpmath.nstr(ratio, 10)))
        # The paper's estimate uses 1 - k <= exp(-k), so it is an upper
        # bound: for large k (T=100, c1=10: k = 0.46) the true value is
        # several decades smaller (1.12e-20 against 1e-16).
        c.check(0 < ratio < 10,
                "lcw 1-abar_1 at most about T^-(c1-c0)")

    # li-yan
    for T, c0, c1 in [(1000, 2, 4), (100, 2, 4), (1000, 1, 6)]:
        s = schedule("li-yan:T=%d,c0=%d,c1=%d" % (T, c0, c1))
        ref = mpf(T) ** (-(c1 - c0))
        ratio = s["abar"][T] / ref
        print("li-yan T=%d c0=%d c1=%d: abar_T = %s, T^-(c1-c0) = %s, "
              "ratio = %s, first capped t = %s"
              % (T, c0, c1, mpmath.nstr(s["abar"][T], 20), mpmath.nstr(ref, 20),
                 mpmath.nstr(ratio, 10), s["extra"]["first_cap"]))
        c.check(mpf("0.001") < ratio < 1000,
                "li-yan abar_T within 3 decades of T^-(c1-c0)")
        cap = s["extra"]["first_cap"]
        kk = c1 * mpmath.log(T) / T
        ok = cap is not None and all(s["beta"][t] == kk for t in range(cap, T + 1))
        ok &= all(s["beta"][t] < kk for t in range(2, cap))
        c.check(ok, "li-yan cap position T=%d" % T)

    # file schedule reproduces the betas exactly and matches a recomputation
    if os.path.exists(BETAS_SMALL):
        s = schedule("file:" + BETAS_SMALL)
        with open(BETAS_SMALL) as fh:
            raw = [ln.strip() for ln in fh if ln.strip()]
        c.check([s["beta"][t] for t in range(1, s["T"] + 1)] ==
                [mpf(x) for x in raw], "file schedule betas exact")

    # spec parsing
    for bad in ["linear:T=10,foo=1", "cosine:T=10,10", "nosuch:T=3",
                "linear:T=x", "linear:1,2,3,4"]:
        try:
            parse_spec(bad)
            c.check(False, "spec %r should be rejected" % bad)
        except SpecError:
            c.check(True, "")
    c.check(parse_spec("li-yan:T=1000,c0=2,c1=4") == parse_spec("li-yan") and
            parse_spec("cosine:50") == parse_spec("cosine:T=50,s=0.008"),
            "spec defaults and positional form")

    # spacings
    import numpy as np
    numpy_diff = {"trailing": 0, "linspace": 0, "leading": 0}
    cases = [(T, K) for T in range(1, 41) for K in range(1, T + 1)]
    cases += [(1000, K) for K in (1, 2, 3, 7, 10, 20, 25, 50, 100, 250, 333,
                                  500, 999, 1000)]
    cases += [(1000, K) for K in range(1, 1001, 37)]
    for T, K in cases:
        for kind in SPACINGS:
            offs = [0, 1] if kind == "leading" else [0]
            for off in offs:
                try:
                    taus = spacing(T, K, kind, off)
                except SpecError:
                    # only leading with offset may leave [0, T)
                    c.check(kind == "leading" and off > 0 and
                            (K - 1) * (T // K) + off >= T,
                            "unexpected failure %s T=%d K=%d o=%d"
                            % (kind, T, K, off))
                    continue
                ok = all(0 <= x < T for x in taus)
                ok &= all(taus[i] > taus[i + 1] for i in range(K - 1))
                ok &= len(taus) == K
                if kind == "trailing":
                    ok &= taus[0] == T - 1
                    ref = list(np.round(np.arange(T, 0, -T / K)).astype(np.int64) - 1)
                elif kind == "linspace":
                    if K >= 2:
                        ok &= taus[0] == T - 1 and taus[-1] == 0
                    else:
                        ok &= taus == [0]
                    ref = list(np.linspace(0, T - 1, K).round()[::-1].astype(np.int64))
                else:
                    ok &= taus[-1] == off
                    ref = list((np.arange(0, K) * (T // K)).round()[::-1]
                               .astype(np.int64) + off)
                if [int(x) for x in ref] != taus:
                    numpy_diff[kind] += 1
                c.check(ok, "spacing %s T=%d K=%d o=%d" % (kind, T, K, off))
    print("spacing cases where numpy's float version differs from the exact "
          "rational one: %s" % numpy_diff)
    # ... but not for the checked-in configurations
    for T, K in [(1000, 50), (1000, 7), (10, 3), (10, 10)]:
        tr = [int(x) for x in np.round(np.arange(T, 0, -T / K)).astype(np.int64) - 1]
        ls = [int(x) for x in np.linspace(0, T - 1, K).round()[::-1]]
        c.check(tr == spacing(T, K, "trailing") and
                ls == spacing(T, K, "linspace"),
                "numpy agrees on T=%d K=%d" % (T, K))
    try:
        spacing(10, 10, "leading", 1)
        c.check(False, "leading T=10 K=10 offset 1 must be out of range")
    except SpecError:
        c.check(True, "")

    # jump coefficients: with K = T (every step) they equal the per-step ones
    for spec in ["linear:T=40", "cosine:T=40", "lcw:T=40,c0=2,c1=3"]:
        s = schedule(spec)
        T = s["T"]
        taus = spacing(T, T, "trailing")
        prevs = prev_list(taus)
        ok = True
        for tau, pv in zip(taus, prevs):
            a, b, bt = jump_coeffs(s, tau, pv)
            t = tau + 1
            ok &= _close(a, s["alpha"][t], tol) and _close(b, s["beta"][t], tol)
            ok &= _close(bt, s["betatilde"][t], tol) if t > 1 else bt == 0
        c.check(ok, "single-step jumps equal per-step coefficients " + spec)
    # multi-step jump: alpha_jump = prod of alphas, beta_jump = 1 - that
    s = schedule("cosine:T=1000")
    taus = spacing(1000, 7, "trailing")
    ok = True
    for tau, pv in zip(taus, prev_list(taus)):
        a, b, bt = jump_coeffs(s, tau, pv)
        pr = mpmath.fprod(s["alpha"][pv + 2: tau + 2])
        ok &= _close(a, pr, tol) and _close(a + b, 1, tol)
        ok &= _close(bt, b * s["oma"][pv + 1] / s["oma"][tau + 1], tol) if pv >= 0 else bt == 0
    c.check(ok, "multi-step jumps on cosine T=1000 K=7")

    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


# ---------------------------------------------------------------- info

def cmd_info(args):
    def n20(x):
        return mpmath.nstr(x, 20, strip_zeros=False, min_fixed=0, max_fixed=0,
                           show_zero_exponent=True)
    s = schedule("lcw:T=100,c0=2,c1=10")
    print("lcw:T=100,c0=2,c1=10  1-abar_1=%s abar_T=%s beta_1=%s beta_T=%s"
          % (n20(s["oma"][1]), n20(s["abar"][100]), n20(s["beta"][1]),
             n20(s["beta"][100])))
    s = schedule("li-yan:T=1000,c0=2,c1=4")
    print("li-yan:T=1000,c0=2,c1=4  abar_T=%s first capped beta index t=%s"
          % (n20(s["abar"][1000]), s["extra"]["first_cap"]))
    s = schedule("cosine:T=1000")
    cl = s["extra"]["clipped"]
    print("cosine:T=1000  beta_1=%s beta_T=%s (clipped: %s, unclipped %s; "
          "clipped t: %s) abar_T=%s"
          % (n20(s["beta"][1]), n20(s["beta"][1000]), cl[1000],
             n20(s["extra"]["unclipped_beta"][1000]),
             [t for t in range(1, 1001) if cl[t]], n20(s["abar"][1000])))
    for T, K in [(10, 3), (1000, 7)]:
        for kind, off in [("leading", 0), ("leading", 1), ("trailing", 0),
                          ("linspace", 0)]:
            try:
                taus = spacing(T, K, kind, off)
            except SpecError as e:
                taus = str(e)
            print("T=%d K=%d %s%s: %s" % (T, K, kind,
                  " offset=%d" % off if kind == "leading" else "", taus))
    return 0


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("table")
    p.add_argument("spec")
    p.add_argument("--prec", type=int, default=DEFAULT_PREC)
    p.add_argument("--out")
    p = sub.add_parser("spacing")
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--K", type=int, required=True)
    p.add_argument("--spacing", choices=SPACINGS, required=True)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--schedule", default="linear")
    p.add_argument("--prec", type=int, default=DEFAULT_PREC)
    p.add_argument("--out")
    p = sub.add_parser("selftest")
    p.add_argument("--prec", type=int, default=DEFAULT_PREC)
    p = sub.add_parser("regen")
    p.add_argument("--dir")
    p.add_argument("--check", action="store_true")
    p.add_argument("--prec", type=int, default=DEFAULT_PREC)
    p = sub.add_parser("info")
    p.add_argument("--prec", type=int, default=DEFAULT_PREC)
    args = ap.parse_args(argv)
    mp.prec = args.prec
    try:
        if args.cmd == "table":
            write_text(table_csv(schedule(args.spec)), args.out)
            return 0
        if args.cmd == "spacing":
            sch = spacing_schedule(args.T, args.schedule)
            taus = spacing(args.T, args.K, args.spacing, args.offset)
            write_text(spacing_csv(sch, taus), args.out)
            return 0
        if args.cmd == "selftest":
            return cmd_selftest(args)
        if args.cmd == "regen":
            return cmd_regen(args)
        if args.cmd == "info":
            return cmd_info(args)
    except SpecError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
