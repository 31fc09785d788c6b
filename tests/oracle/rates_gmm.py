#!/usr/bin/env python3
"""Independent check of `ddpmref rates` on a 1-D Gaussian mixture (numpy,
float64), sharing no code with ddpmref: the schedule and the step formulas
from spec/maths.md (sections 2 and 4), the densities as kernel sums that can
be evaluated at any point, the last (deterministic) step and every step of a
run without noise by bisection inversion with the Jacobian from
s' = p''/p - s^2, and the distances by Gauss-Legendre panels, TV split at
the roots of the densities' difference (refined by bisection).

Prints KL(out||ref) KL(ref||out) H2 TV for compare x0.
Usage: rates_gmm.py --schedule linear:T=30 --sampler ddpm:var=beta|ddim:eta=0
                    --target FILE.json
"""
import argparse
import json
import math

import numpy as np


def linear_schedule(spec):
    name, _, params = spec.partition(":")
    assert name == "linear"
    kv = dict(p.split("=") for p in params.split(",") if p)
    T = int(kv.get("T", 1000))
    bmin, bmax = float(kv.get("beta_min", 1e-4)), float(kv.get("beta_max", 0.02))
    beta = np.array([bmin + (bmax - bmin) * (t - 1) / (T - 1) for t in range(1, T + 1)])
    abar = np.concatenate([[1.0], np.cumprod(1 - beta)])
    return T, np.concatenate([[0.0], beta]), abar


class Mixture:
    def __init__(self, path):
        comps = json.load(open(path))["components"]
        w = np.array([float(c.get("weight", 1)) for c in comps])
        self.w = w / w.sum()
        self.mu = np.array([float(c["mean"][0]) for c in comps])
        self.s2 = np.array([float(c["var"][0]) for c in comps])

    def at(self, abar):
        """density, score and score derivative of the forward marginal at abar"""
        m, v = math.sqrt(abar) * self.mu, abar * self.s2 + (1 - abar)

        def f(x):
            x = np.asarray(x, dtype=float)[..., None]
            n = self.w * np.exp(-(x - m) ** 2 / (2 * v)) / np.sqrt(2 * math.pi * v)
            p = n.sum(-1)
            d1 = (n * (m - x) / v).sum(-1)
            d2 = (n * ((x - m) ** 2 / v ** 2 - 1 / v)).sum(-1)
            s = d1 / p
            return p, s, d2 / p - s * s
        return f


def step_map(sampler, t, beta, abar, mix):
    """F and F' of the step t -> t - 1 (spec/maths.md section 4), and c"""
    f = mix.at(abar[t])
    alpha = 1 - beta[t]
    if sampler == "ddpm:var=beta":
        c = math.sqrt(beta[t]) if t > 1 else 0.0

        def F(y):
            _, s, ds = f(y)
            return (y + beta[t] * s) / math.sqrt(alpha), (1 + beta[t] * ds) / math.sqrt(alpha)
        return F, c
    assert sampler == "ddim:eta=0"
    ap, at = abar[t - 1], abar[t]

    def F(y):
        _, s, ds = f(y)
        x0 = (y + (1 - at) * s) / math.sqrt(at)
        dx0 = (1 + (1 - at) * ds) / math.sqrt(at)
        return (math.sqrt(ap) * x0 - math.sqrt(1 - ap) * math.sqrt(1 - at) * s,
                math.sqrt(ap) * dx0 - math.sqrt(1 - ap) * math.sqrt(1 - at) * ds)
    return F, 0.0


def invert(F, u):
    """x with F(x) = u (F increasing), vectorised bisection"""
    lo, hi = u - 5.0, u + 5.0
    assert np.all(F(lo)[0] < u) and np.all(F(hi)[0] > u)
    for _ in range(64):
        mid = (lo + hi) / 2
        below = F(mid)[0] < u
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def phi(x):
    return np.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def output_density(args, mix):
    T, beta, abar = linear_schedule(args.schedule)
    maps = {t: step_map(args.sampler, t, beta, abar, mix) for t in range(1, T + 1)}
    if args.sampler == "ddim:eta=0":
        def p_out(u):
            x, logJ = np.array(u, dtype=float), np.zeros(len(u))
            for t in range(1, T + 1):  # invert the last step first
                F, _ = maps[t]
                x = invert(F, x)
                logJ += np.log(F(x)[1])
            return phi(x) * np.exp(-logJ)
        return p_out
    # noise on steps T..2: trapezoid kernel sums on a grid, then the last step
    h = 0.01
    y = np.arange(-10, 10 + h / 2, h)
    p = phi(y)
    for t in range(T, 2, -1):
        F, c = maps[t]
        Fy = F(y)[0]
        p = np.array([h * np.sum(p * np.exp(-(xi - Fy) ** 2 / (2 * c * c))) for xi in y]) \
            / (c * math.sqrt(2 * math.pi))
    F2, c2 = maps[2]
    F2y = F2(y)[0]
    weights = h * p / (c2 * math.sqrt(2 * math.pi))

    def p1(x):  # density after the step ending at t = 1, at any x
        out = np.empty(len(x))
        for a in range(0, len(x), 512):
            xa = x[a:a + 512, None]
            out[a:a + 512] = (weights * np.exp(-(xa - F2y) ** 2 / (2 * c2 * c2))).sum(-1)
        return out

    F1, _ = maps[1]

    def p_out(u):
        x = invert(F1, np.asarray(u, dtype=float))
        return p1(x) / F1(x)[1]
    return p_out


def panels(a, b, width=0.25, order=24):
    n = max(1, int(math.ceil((b - a) / width)))
    z, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(a, b, n + 1)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    return (mid[:, None] + half[:, None] * z).ravel(), (half[:, None] * w).ravel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schedule", required=True)
    ap.add_argument("--sampler", required=True)
    ap.add_argument("--target", required=True)
    args = ap.parse_args()
    mix = Mixture(args.target)
    p_out = output_density(args, mix)
    p_ref = lambda u: mix.at(1.0)(u)[0]
    L = 10.0
    x, w = panels(-L, L)
    po, pr = p_out(x), p_ref(x)
    kl_out = np.sum(w * po * np.log(po / pr))
    kl_ref = np.sum(w * pr * np.log(pr / po))
    h2 = 1 - np.sum(w * np.sqrt(po * pr))
    # TV: the roots of p_out - p_ref on a fine grid, refined by bisection
    g = np.linspace(-L, L, 2001)
    f = p_out(g) - p_ref(g)
    i = np.nonzero(np.sign(f[:-1]) * np.sign(f[1:]) < 0)[0]
    lo, hi, flo = g[i], g[i + 1], f[i]
    for _ in range(60):  # every root at once
        mid = (lo + hi) / 2
        same = (p_out(mid) - p_ref(mid) > 0) == (flo > 0)
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    roots = list((lo + hi) / 2)
    cuts = [-L] + roots + [L]
    tv = 0.0
    for a, b in zip(cuts[:-1], cuts[1:]):
        xs, ws = panels(a, b)
        tv += abs(np.sum(ws * (p_out(xs) - p_ref(xs))))
    print("%.17e %.17e %.17e %.17e" % (kl_out, kl_ref, h2, tv / 2))


if __name__ == "__main__":
    main()
