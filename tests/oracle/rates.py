#!/usr/bin/python3
"""Independent high-precision (mpmath) oracle for `ddpmref rates`.

Written from spec/maths.md sections 1-4 only; shares no code with the C
sources (the schedules come from schedules.py, itself an independent oracle).
For a 1-D Gaussian target N(mu, s2) and a discrete sampler with full steps,
the exact score is s_t(y) = (m_t - y)/v_t with m_t = sqrt(abar_t) mu,
v_t = abar_t s2 + 1 - abar_t, so each step is Y_{t-1} = a Y_t + b + c Z.
Here a is derived by hand from each formula (d/dY of the step, ds/dY =
-1/v_t), b is the formula evaluated at the mean, and c^2 the noise variance;
mean and variance are propagated directly (no defects: 1200 bits make the
cancellation harmless), from Y_T ~ N(0, 1).  The distances use the textbook
forms in the laws' own parameters (not the defect forms of the C code):

  KL(p1 || p2) = (s1/s2 - 1 - log(s1/s2) + (m1 - m2)^2/s2)/2
  W2^2 = (m1 - m2)^2 + (sqrt(s1) - sqrt(s2))^2
  H2 = 1 - sqrt(2 sqrt(s1 s2)/(s1 + s2)) exp(-(m1 - m2)^2/(4 (s1 + s2)))
  TV: the crossings solve (x - m1)^2/s1 - (x - m2)^2/s2 + log(s1/s2) = 0,
      TV = |(F1(r2) - F1(r1)) - (F2(r2) - F2(r1))| with the normal CDFs F.

Usage:
  rates.py --schedule SPEC --T 10,20,50 [--sampler ddpm:var=beta]
           [--mean 1] [--var 4] [--d D] [--compare x0|x1] [--prec 1200]
      prints per T:  T kl_out_ref kl_ref_out w2 h2 tv   (50 significant digits;
      with --d D > 1 the isotropic target gauss:d=D: TV by quadrature, about
      45 digits, see tv_iso)
  rates.py --selftest   (TV against numerical quadrature, KL against
      quadrature, the DDPM closed form on N(mu, 1)); prints "N passed, N failed"

--schedule is any discrete schedule of schedules.py, with T replaced by each
value of --T.  --sampler: ddpm[:var=beta|posterior|liyan,last_noise=no|yes],
ddim[:eta=E], liyan-ode.  --compare x1: the state Y_1 (every step but the
last) against X_1 ~ N(sqrt(abar_1) mu, abar_1 s2 + 1 - abar_1).
"""
import argparse
import os
import sys

import mpmath
from mpmath import mp, mpf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import schedules  # noqa: E402

DIGITS = 50


def parse_sampler(text):
    name, _, rest = text.partition(":")
    opts = dict(item.split("=", 1) for item in rest.split(",") if item)
    if name == "ddpm":
        return ("ddpm", opts.get("var", "beta"), opts.get("last_noise", "no") == "yes")
    if name == "ddim":
        return ("ddim", mpf(opts.get("eta", "0")), False)
    if name == "liyan-ode":
        return ("liyan-ode", None, False)
    raise SystemExit("rates.py: unknown sampler %s" % text)


def marginal(sch, t, mu, s2):
    return mpmath.sqrt(sch["abar"][t]) * mu, sch["abar"][t] * s2 + sch["oma"][t]


def step(sch, sampler, t, mean, var, mu, s2):
    """One step t -> t-1 on (mean, var): spec/maths.md section 4."""
    kind, opt, last_noise = sampler
    m, v = marginal(sch, t, mu, s2)
    s = (m - mean) / v                      # the score at the mean
    beta, alpha = sch["beta"][t], sch["alpha"][t]
    noisy = t > 1 or last_noise
    if kind == "ddpm":
        a = (1 - beta / v) / mpmath.sqrt(alpha)
        mean2 = (mean + beta * s) / mpmath.sqrt(alpha)
        if opt == "beta":
            c2 = beta
        elif opt == "posterior":
            c2 = sch["betatilde"][t]
        else:                               # liyan: the noise inside the bracket
            c2 = beta / alpha
        return mean2, a * a * var + (c2 if noisy else 0)
    if kind == "ddim":
        oma_t, oma_p = sch["oma"][t], sch["oma"][t - 1]
        sig2 = opt * opt * beta * oma_p / oma_t
        x0 = (mean + oma_t * s) / mpmath.sqrt(sch["abar"][t])
        ce = mpmath.sqrt(oma_p - sig2)
        mean2 = mpmath.sqrt(sch["abar"][t - 1]) * x0 - ce * mpmath.sqrt(oma_t) * s
        a = (mpmath.sqrt(sch["abar"][t - 1]) * (1 - oma_t / v) / mpmath.sqrt(sch["abar"][t])
             + ce * mpmath.sqrt(oma_t) / v)
        return mean2, a * a * var + (sig2 if t > 1 else 0)
    a = (1 - beta / (2 * v)) / mpmath.sqrt(alpha)   # liyan-ode
    return (mean + beta * s / 2) / mpmath.sqrt(alpha), a * a * var


def output_law(sch, sampler, mu, s2, compare):
    mean, var = mpf(0), mpf(1)
    stop = 1 if compare == "x1" else 0
    for t in range(sch["T"], stop, -1):
        mean, var = step(sch, sampler, t, mean, var, mu, s2)
    return (mean, var), marginal(sch, stop, mu, s2)


def kl(p, q):
    (m1, s1), (m2, s2) = p, q
    return (s1 / s2 - 1 - mpmath.log(s1 / s2) + (m1 - m2) ** 2 / s2) / 2


def w2(p, q):
    (m1, s1), (m2, s2) = p, q
    return mpmath.sqrt((m1 - m2) ** 2 + (mpmath.sqrt(s1) - mpmath.sqrt(s2)) ** 2)


def h2(p, q):
    (m1, s1), (m2, s2) = p, q
    bc = (mpmath.sqrt(2 * mpmath.sqrt(s1 * s2) / (s1 + s2))
          * mpmath.exp(-(m1 - m2) ** 2 / (4 * (s1 + s2))))
    return 1 - bc


def crossings(p, q):
    (m1, s1), (m2, s2) = p, q
    A = 1 / s1 - 1 / s2
    B = -2 * (m1 / s1 - m2 / s2)
    C = m1 ** 2 / s1 - m2 ** 2 / s2 + mpmath.log(s1 / s2)
    if A == 0:
        return [-C / B]
    r = mpmath.sqrt(B * B - 4 * A * C)
    return sorted([(-B - r) / (2 * A), (-B + r) / (2 * A)])


def tv(p, q):
    (m1, s1), (m2, s2) = p, q
    F1 = lambda x: mpmath.ncdf(x, m1, mpmath.sqrt(s1))  # noqa: E731
    F2 = lambda x: mpmath.ncdf(x, m2, mpmath.sqrt(s2))  # noqa: E731
    r = crossings(p, q)
    if len(r) == 1:
        return abs(F1(r[0]) - F2(r[0]))
    return abs((F1(r[1]) - F1(r[0])) - (F2(r[1]) - F2(r[0])))


def tv_iso(p, q, d):
    """TV between N(m1 1, s1 I) and N(m2 1, s2 I) in R^d (d >= 2, s1 != s2)
    by quadrature.  With u = x - m2 1, xi = sum(u)/sqrt(d) and
    rho = |u|^2 - xi^2 (xi and rho independent; rho ~ s chi2_{d-1}), the
    set where p > q is {k rho > Q(xi)}, k = (1/s2 - 1/s1)/2,
    Q = (xi^2 - 2 e sqrt(d) xi + d e^2)/(2 s1) - xi^2/(2 s2) - d log(s2/s1)/2,
    e = m1 - m2; TV is its probability under p minus under q, a 1-D integral
    over xi of normal densities times chi-square tails."""
    (m1, s1), (m2, s2) = p, q
    e, rd = m1 - m2, mpmath.sqrt(d)
    k = (1 / s2 - 1 / s1) / 2
    A, B = 1 / (2 * s1) - 1 / (2 * s2), -e * rd / s1
    C = d * e * e / (2 * s1) - d * mpmath.log(s2 / s1) / 2

    def chance(xi, s):                       # P(k rho > Q(xi)), rho ~ s chi2_{d-1}
        y = (A * xi * xi + B * xi + C) / k / s
        if y <= 0:
            return mpf(1) if k > 0 else mpf(0)
        up = mpmath.gammainc(mpf(d - 1) / 2, y / 2, mpmath.inf, regularized=True)
        return up if k > 0 else 1 - up

    def f(xi):
        return (mpmath.npdf(xi, e * rd, mpmath.sqrt(s1)) * chance(xi, s1)
                - mpmath.npdf(xi, 0, mpmath.sqrt(s2)) * chance(xi, s2))
    disc = B * B - 4 * A * C
    pts = [-mpmath.inf, mpmath.inf]
    if disc > 0:
        r = mpmath.sqrt(disc)
        pts[1:1] = sorted([(-B - r) / (2 * A), (-B + r) / (2 * A)])
    return abs(mpmath.quad(f, pts))


def distances(p, q, d=1):
    if d == 1:
        return [kl(p, q), kl(q, p), w2(p, q), h2(p, q), tv(p, q)]
    bc = 1 - h2(p, q)
    prec = mp.prec
    mp.dps = 60                             # the quadrature: about 50 digits
    t = tv_iso(p, q, d)
    mp.prec = prec
    return [d * kl(p, q), d * kl(q, p), mpmath.sqrt(d) * w2(p, q), 1 - bc ** d, t]


def with_T(spec, T):
    name, _, rest = spec.partition(":")
    items = [i for i in rest.split(",") if i and not i.startswith("T=")]
    return "%s:%s" % (name, ",".join(["T=%d" % T] + items))


def run(args):
    mp.prec = args.prec
    sampler = parse_sampler(args.sampler)
    mu, s2 = mpf(args.mean), mpf(args.var)
    for T in [int(x) for x in args.T.split(",")]:
        sch = schedules.schedule(with_T(args.schedule, T))
        out, ref = output_law(sch, sampler, mu, s2, args.compare)
        print(T, " ".join(mpmath.nstr(x, DIGITS, min_fixed=1, max_fixed=0)
                          for x in distances(out, ref, args.d)))


def selftest():
    mp.prec = 300
    ok = bad = 0

    def check(name, a, b, tol):
        nonlocal ok, bad
        if abs(a - b) <= tol * abs(b):
            ok += 1
        else:
            bad += 1
            print("FAIL %s: %s vs %s" % (name, mpmath.nstr(a, 30), mpmath.nstr(b, 30)))
    cases = [((mpf("0.3"), mpf("1.5")), (mpf(0), mpf(1))),
             ((mpf("1.001"), mpf("3.99")), (mpf(1), mpf(4))),
             ((mpf("2"), mpf("1")), (mpf(0), mpf(1))),
             ((mpf(0), mpf("0.5")), (mpf(0), mpf(1)))]
    mp.dps = 40
    for p, q in cases:
        f1 = lambda x: mpmath.npdf(x, p[0], mpmath.sqrt(p[1]))  # noqa: E731
        f2 = lambda x: mpmath.npdf(x, q[0], mpmath.sqrt(q[1]))  # noqa: E731
        pts = [-mpmath.inf] + crossings(p, q) + [mpmath.inf]
        tvq = mpmath.quad(lambda x: abs(f1(x) - f2(x)), pts) / 2
        check("tv quad %s" % (p,), tv(p, q), tvq, mpf(10) ** -30)
        klq = mpmath.quad(lambda x: f1(x) * (mpmath.log(f1(x)) - mpmath.log(f2(x))), pts)
        check("kl quad %s" % (p,), kl(p, q), klq, mpf(10) ** -30)
        bcq = mpmath.quad(lambda x: mpmath.sqrt(f1(x) * f2(x)), pts)
        check("h2 quad %s" % (p,), h2(p, q), 1 - bcq, mpf(10) ** -25)
    # tv_iso with equal means: {p > q} is a ball |u|^2 < r^2 and
    # TV = P(chi2_d < r^2/s1) - P(chi2_d < r^2/s2), r^2 = d log(s2/s1)/(1/s1 - 1/s2)
    mp.dps = 60
    for d, s1 in ((2, mpf("1.3")), (5, mpf("0.7"))):
        r2 = d * mpmath.log(1 / s1) / (1 / s1 - 1)
        cdf = lambda x: mpmath.gammainc(mpf(d) / 2, 0, x / 2, regularized=True)  # noqa: E731
        check("tv_iso ball d=%d" % d, tv_iso((mpf(0), s1), (mpf(0), mpf(1)), d),
              abs(cdf(r2 / s1) - cdf(r2)), mpf(10) ** -40)
    mp.prec = 600
    # DDPM var=beta, last_noise=yes on N(mu, 1): exactly N((1 - abar_T) mu, 1)
    sch = schedules.schedule("linear:T=50")
    (m, v), _ = output_law(sch, ("ddpm", "beta", True), mpf(3), mpf(1), "x0")
    check("ddpm closed form mean", m, (1 - sch["abar"][50]) * 3, mpf(2) ** -550)
    check("ddpm closed form var", v, mpf(1), mpf(2) ** -550)
    print("%d passed, %d failed" % (ok, bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schedule", default="linear")
    ap.add_argument("--T", default="10,20,50,100")
    ap.add_argument("--sampler", default="ddpm:var=beta")
    ap.add_argument("--mean", default="1")
    ap.add_argument("--var", default="4")
    ap.add_argument("--compare", choices=("x0", "x1"), default="x0")
    ap.add_argument("--d", type=int, default=1)
    ap.add_argument("--prec", type=int, default=1200)
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
