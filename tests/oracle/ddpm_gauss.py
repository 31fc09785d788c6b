#!/usr/bin/python3
"""Independent high-precision DDPM (variance = beta) trajectory for an
isotropic Gaussian target N(mean, var I), using the exact score.

Usage:
    /usr/bin/python3 tests/oracle/ddpm_gauss.py --T 50 --beta-min 1e-4 \
        --beta-max 0.02 --d 3 --mean 1 --var 4 --n 2 --seed 42 --prec 400 \
        --out FILE.npy [--txt FILE.txt]

Maths (all in mpmath at --prec bits; decimal parameters parsed from their
strings at that precision, never through binary64):
    beta_t = beta_min + (beta_max - beta_min) (t-1)/(T-1),  t = 1..T
             (for T = 1: beta_1 = beta_min)
    alpha_t = 1 - beta_t,  abar_t = prod_{s<=t} alpha_s
    s_t(x) = -(x - sqrt(abar_t) mean) / (abar_t var + 1 - abar_t)
    Y_T = z(seed, i, 0, j)
    step k = 1..T, t = T-k+1:
        Y_{t-1} = (Y_t + beta_t s_t(Y_t)) / sqrt(alpha_t)
                  + sqrt(beta_t) z(seed, i, k, j)      (noise only if t > 1)
With --schedule SPEC (any schedule of tests/oracle/schedules.py; overrides
--beta-min/--beta-max) and --steps K --spacing leading|trailing|linspace
[--offset O]: the K timesteps of the spacing, and step k from t = tau_k + 1 to
p = tau_{k+1} + 1 (0 after the last) with alpha_j = abar_t/abar_p,
beta_j = 1 - alpha_j in place of alpha_t, beta_t; noise only if p > 0.
Output: float64 array (K+1, n, d), row k = state after k steps; each entry the binary64
nearest (ties to even) to the high-precision value; saved with numpy.save.
--txt writes every value with 70 significant digits as "k i j value".
"""
import argparse
import os
import sys

import mpmath
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import philox  # noqa: E402
import schedules  # noqa: E402

TXT_DIGITS = 70


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--beta-min", default="0.0001")
    p.add_argument("--beta-max", default="0.02")
    p.add_argument("--schedule", default=None)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--spacing", default="leading")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--mean", required=True)
    p.add_argument("--var", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--prec", type=int, default=400)
    p.add_argument("--out", required=True)
    p.add_argument("--txt", default=None)
    a = p.parse_args(argv)
    if a.T < 1 or a.d < 1 or a.n < 1:
        p.error("T, d, n must be >= 1")
    if not (0 <= a.seed < 2**64):
        p.error("seed must be a uint64")
    if a.n > 2**64 or a.d > 2**32 or a.T >= 2**32:
        p.error("n, d, T out of range for the draw addressing")
    if a.prec < 64:
        p.error("prec must be >= 64")
    return a


def schedule(T, beta_min, beta_max):
    """Lists (1-indexed via position t-1) of beta_t, alpha_t, abar_t."""
    betas, alphas, abars = [], [], []
    abar = mpmath.mpf(1)
    for t in range(1, T + 1):
        if T == 1:
            b = beta_min
        else:
            b = beta_min + (beta_max - beta_min) * (t - 1) / (T - 1)
        a = 1 - b
        abar = abar * a
        betas.append(b)
        alphas.append(a)
        abars.append(abar)
    return betas, alphas, abars


def plan(T, steps, kind, offset, abars):
    """[(t, p, alpha_j, beta_j)] for each reverse step, 1-based times."""
    if steps is None:
        taus = list(range(T - 1, -1, -1))
    else:
        taus = schedules.spacing(T, steps, kind, offset)
    out = []
    for k, tau in enumerate(taus):
        t = tau + 1
        p = taus[k + 1] + 1 if k + 1 < len(taus) else 0
        abar_p = mpmath.mpf(1) if p == 0 else abars[p - 1]
        alpha_j = abars[t - 1] / abar_p
        out.append((t, p, alpha_j, 1 - alpha_j))
    return out


def run(T, beta_min, beta_max, d, mean, var, n, seed, prec, spec=None, steps=None,
        kind="leading", offset=0):
    """Return the trajectory as nested lists of mpf: traj[k][i][j]."""
    mpmath.mp.prec = prec
    mu = mpmath.mpf(mean)
    v = mpmath.mpf(var)
    if spec is None:
        bmin = mpmath.mpf(beta_min)
        bmax = mpmath.mpf(beta_max)
        betas, alphas, abars = schedule(T, bmin, bmax)
    else:
        sch = schedules.schedule(spec)
        T = sch["T"]
        abars = sch["abar"][1:]
    steps_plan = plan(T, steps, kind, offset, abars)
    K = len(steps_plan)
    traj = [[[None] * d for _ in range(n)] for _ in range(K + 1)]
    for i in range(n):
        y = [philox.gaussian_binary64(seed, i, 0, j) for j in range(d)]
        traj[0][i] = list(y)
        for k, (t, p, alpha_j, beta_j) in enumerate(steps_plan, start=1):
            ab = abars[t - 1]
            m_t = mpmath.sqrt(ab) * mu
            den = ab * v + 1 - ab
            c = 1 / mpmath.sqrt(alpha_j)
            new = []
            for j in range(d):
                score = -(y[j] - m_t) / den
                yn = (y[j] + beta_j * score) * c
                if p > 0:
                    yn = yn + mpmath.sqrt(beta_j) * philox.gaussian_binary64(seed, i, k, j)
                new.append(yn)
            y = new
            traj[k][i] = list(y)
    return traj


def main(argv):
    a = parse_args(argv)
    traj = run(a.T, a.beta_min, a.beta_max, a.d, a.mean, a.var, a.n,
               a.seed, a.prec, a.schedule, a.steps, a.spacing, a.offset)
    rows = len(traj)
    arr = np.empty((rows, a.n, a.d), dtype="<f8")
    for k in range(rows):
        for i in range(a.n):
            for j in range(a.d):
                arr[k, i, j] = philox.to_binary64(traj[k][i][j])
    np.save(a.out, np.ascontiguousarray(arr))
    if a.txt:
        with open(a.txt, "w", newline="\n") as fh:
            for k in range(rows):
                for i in range(a.n):
                    for j in range(a.d):
                        s = mpmath.nstr(traj[k][i][j], TXT_DIGITS,
                                        strip_zeros=False, min_fixed=0,
                                        max_fixed=0, show_zero_exponent=True)
                        fh.write("%d %d %d %s\n" % (k, i, j, s))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
