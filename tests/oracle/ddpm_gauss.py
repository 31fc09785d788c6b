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
Output: float64 array (T+1, n, d), row k = Y_{T-k}, each entry the binary64
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

TXT_DIGITS = 70


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--beta-min", required=True)
    p.add_argument("--beta-max", required=True)
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


def run(T, beta_min, beta_max, d, mean, var, n, seed, prec):
    """Return the trajectory as nested lists of mpf: traj[k][i][j]."""
    mpmath.mp.prec = prec
    bmin = mpmath.mpf(beta_min)
    bmax = mpmath.mpf(beta_max)
    mu = mpmath.mpf(mean)
    v = mpmath.mpf(var)
    betas, alphas, abars = schedule(T, bmin, bmax)
    # Per-step constants, precomputed once.
    inv_sqrt_alpha = [1 / mpmath.sqrt(a) for a in alphas]
    sqrt_beta = [mpmath.sqrt(b) for b in betas]
    sqrt_abar = [mpmath.sqrt(ab) for ab in abars]
    denom = [ab * v + 1 - ab for ab in abars]

    traj = [[[None] * d for _ in range(n)] for _ in range(T + 1)]
    for i in range(n):
        y = [philox.gaussian(seed, i, 0, j, prec=prec) for j in range(d)]
        traj[0][i] = list(y)
        for k in range(1, T + 1):
            t = T - k + 1
            ti = t - 1
            b = betas[ti]
            m_t = sqrt_abar[ti] * mu
            den = denom[ti]
            c = inv_sqrt_alpha[ti]
            new = []
            for j in range(d):
                score = -(y[j] - m_t) / den
                yn = (y[j] + b * score) * c
                if t > 1:
                    yn = yn + sqrt_beta[ti] * philox.gaussian(
                        seed, i, k, j, prec=prec)
                new.append(yn)
            y = new
            traj[k][i] = list(y)
    return traj


def main(argv):
    a = parse_args(argv)
    traj = run(a.T, a.beta_min, a.beta_max, a.d, a.mean, a.var, a.n,
               a.seed, a.prec)
    arr = np.empty((a.T + 1, a.n, a.d), dtype="<f8")
    for k in range(a.T + 1):
        for i in range(a.n):
            for j in range(a.d):
                arr[k, i, j] = philox.to_binary64(traj[k][i][j])
    np.save(a.out, np.ascontiguousarray(arr))
    if a.txt:
        with open(a.txt, "w", newline="\n") as fh:
            for k in range(a.T + 1):
                for i in range(a.n):
                    for j in range(a.d):
                        s = mpmath.nstr(traj[k][i][j], TXT_DIGITS,
                                        strip_zeros=False, min_fixed=0,
                                        max_fixed=0, show_zero_exponent=True)
                        fh.write("%d %d %d %s\n" % (k, i, j, s))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
