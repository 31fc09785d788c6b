#!/usr/bin/python3
"""`make bench`'s NumPy baseline: DDPM as a user would write it, float64, vectorised
over the samples, on the same workloads as the fast path.

Usage:
    /usr/bin/python3 tests/bench/numpy_ddpm.py --target gauss:d=64 | gmm:FILE.json
        --n 10000 --T 50 [--seed 1]

The model (Ho et al. 2020, Algorithm 2, var=beta, no noise on the last step) with the
exact score of a diagonal Gaussian mixture (spec/maths.md section 3):
    betas = linspace(1e-4, 0.02, T), abar = cumprod(1 - betas),
    marginal at t: weights pi_k, means sqrt(abar_t) mu_k, variances abar_t v_k + 1 - abar_t,
    s(y, t) = sum_k r_k(y) (m_k - y) / V_k, r = softmax of the components' log densities,
    y <- (y + beta_t s(y, t)) / sqrt(1 - beta_t) + sqrt(beta_t) z   (t = T, ..., 1).
The normals come from NumPy's own generator (default_rng, ziggurat), as a user's would.

Prints one line, parsed by tests/bench/bench.c:
    seconds=S cpu_seconds=C elem_steps=E mean=M second_moment=Q
S and C are the wall and CPU times of the sampling loop (initial draw included,
imports and set-up excluded), E = n d T; M and Q are the mean of the final samples' coordinates and of
their squares, which the bench compares with the fast path's on the same workload.
"""
import argparse
import json
import time

import numpy as np


def load_target(spec):
    """(log weights (K,), means (K, d), variances (K, d)) from a ddpmref target spec."""
    kind, _, rest = spec.partition(":")
    if kind == "gauss":  # only the form the bench uses: gauss:d=D (mean 0, var 1)
        d = int(dict(kv.split("=") for kv in rest.split(","))["d"])
        return np.zeros(1), np.zeros((1, d)), np.ones((1, d))
    if kind == "gmm":
        with open(rest) as f:
            comps = json.load(f)["components"]
        w = np.array([float(c.get("weight", 1)) for c in comps])
        mean = np.array([[float(x) for x in c["mean"]] for c in comps])
        var = np.array([[float(x) for x in c["var"]] for c in comps])
        return np.log(w / w.sum()), mean, var
    raise SystemExit(f"numpy_ddpm.py: unsupported target {spec}")


def score(y, abar_t, log_w, mean, var):
    """The exact score of the forward marginal at abar_t, for every row of y (n, d)."""
    m = np.sqrt(abar_t) * mean                  # (K, d)
    v = abar_t * var + (1 - abar_t)             # (K, d)
    if len(log_w) == 1:
        return (m[0] - y) / v[0]
    diff = m[None, :, :] - y[:, None, :]        # (n, K, d)
    logp = log_w - 0.5 * np.log(v).sum(axis=1) - 0.5 * (diff * diff / v).sum(axis=2)
    logp -= logp.max(axis=1, keepdims=True)
    r = np.exp(logp)
    r /= r.sum(axis=1, keepdims=True)           # (n, K)
    return np.einsum("nk,nkd->nd", r, diff / v)


def main():
    p = argparse.ArgumentParser(description="NumPy DDPM baseline for make bench")
    p.add_argument("--target", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    log_w, mean, var = load_target(a.target)
    n, d, T = a.n, mean.shape[1], a.T

    betas = np.concatenate([[0.0], np.linspace(1e-4, 0.02, T)])  # betas[t], t = 0..T
    abar = np.cumprod(1 - betas)
    rng = np.random.default_rng(a.seed)

    t0, c0 = time.perf_counter(), time.process_time()
    y = rng.standard_normal((n, d))
    for t in range(T, 0, -1):
        s = score(y, abar[t], log_w, mean, var)
        y = (y + betas[t] * s) / np.sqrt(1 - betas[t])
        if t > 1:
            y += np.sqrt(betas[t]) * rng.standard_normal((n, d))
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0

    print(f"seconds={seconds:.6f} cpu_seconds={cpu_seconds:.6f} elem_steps={n * d * T} "
          f"mean={y.mean():.6f} second_moment={(y * y).mean():.6f}")


if __name__ == "__main__":
    main()
