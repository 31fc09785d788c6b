#!/usr/bin/python3
"""A DDPM sampler as a researcher would write it in NumPy (float64).

This is "someone's own sampler", the worked example for `ddpmref verify`: it reads
the noise of a ddpmref trace, runs the same DDPM on the same target with that noise,
and saves its trajectory, which `ddpmref verify` then compares with the ground truth.

Usage:
    python3 examples/numpy_ddpm.py --noise TRACE/noise.npy --out theirs.npy
        [--T 1000 --beta-min 1e-4 --beta-max 0.02]   linear schedule
        [--mean 1 --var 4]                            target N(mean 1, var I)
        [--var-kind beta|posterior]                   sigma_t^2 = beta_t or betatilde_t
        [--bug none|float32-schedule|last-noise|posterior-float32]

The model (Ho et al. 2020, Algorithm 2, with the exact score of a Gaussian target):
    betas = linspace(beta_min, beta_max, T)  (beta_t for t = 1..T),
    alphas = 1 - betas,  abar = cumprod(alphas),  abar_0 = 1,
    s(y, t) = -(y - sqrt(abar_t) mean) / (abar_t var + 1 - abar_t),
    y <- (y + beta_t s(y, t)) / sqrt(alpha_t) + sigma_t z     (t = T, ..., 1),
    sigma_t = sqrt(beta_t)  or  sqrt(beta_t (1 - abar_{t-1}) / (1 - abar_t)),
    and no noise on the last step (t = 1 -> 0).
noise.npy has shape (T+1, n, d): draw 0 is the initial state y_T, draw k the noise
of the k-th reverse step (from t = T-k+1 to t-1). The output has the same shape:
row 0 the initial state, row k the state after k steps, the last row the samples.

--bug runs a deliberately wrong variant (each a realistic mistake), to see what
`ddpmref verify` reports:
    float32-schedule   betas, alphas and abar computed in float32
    last-noise         noise added on the last step too (an off-by-one)
    posterior-float32  betatilde_t = (1 - abar_{t-1})/(1 - abar_t) (1 - abar_t/abar_{t-1})
                       with the last factor in float32 (use with --var-kind posterior)
"""
import argparse

import numpy as np


def main():
    p = argparse.ArgumentParser(description="DDPM in NumPy float64 (ddpmref example)")
    p.add_argument("--noise", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--T", type=int, default=1000)
    p.add_argument("--beta-min", type=float, default=1e-4)
    p.add_argument("--beta-max", type=float, default=0.02)
    p.add_argument("--mean", type=float, default=1.0)
    p.add_argument("--var", type=float, default=4.0)
    p.add_argument("--var-kind", choices=["beta", "posterior"], default="beta")
    p.add_argument("--bug", default="none",
                   choices=["none", "float32-schedule", "last-noise", "posterior-float32"])
    a = p.parse_args()
    if a.bug == "posterior-float32" and a.var_kind != "posterior":
        p.error("--bug posterior-float32 needs --var-kind posterior")

    T = a.T
    noise = np.load(a.noise)
    if noise.ndim != 3 or noise.shape[0] != T + 1:
        p.error(f"--noise: shape {noise.shape}, expected ({T + 1}, n, d)")

    # Schedule: betas[t], alphas[t], abar[t] for t = 0..T (betas[0] = 0, abar[0] = 1).
    dtype = np.float32 if a.bug == "float32-schedule" else np.float64
    betas = np.linspace(a.beta_min, a.beta_max, T, dtype=dtype)
    alphas = 1 - betas
    abar = np.cumprod(alphas)
    betas = np.concatenate([[0.0], betas]).astype(np.float64)
    alphas = np.concatenate([[1.0], alphas]).astype(np.float64)
    abar = np.concatenate([[1.0], abar]).astype(np.float64)

    if a.var_kind == "beta":
        sigmas = np.sqrt(betas)
    elif a.bug == "posterior-float32":
        ratio = (abar[1:] / abar[:-1]).astype(np.float32)
        one_minus_ratio = np.float32(1) - ratio
        betatilde = (1 - abar[:-1]) / (1 - abar[1:]) * one_minus_ratio
        sigmas = np.sqrt(np.concatenate([[0], betatilde]))
    else:
        betatilde = betas[1:] * (1 - abar[:-1]) / (1 - abar[1:])
        sigmas = np.sqrt(np.concatenate([[0], betatilde]))

    y = noise[0].astype(np.float64)
    traj = [y]
    for k in range(1, T + 1):
        t = T - k + 1
        score = -(y - np.sqrt(abar[t]) * a.mean) / (abar[t] * a.var + 1 - abar[t])
        y = (y + betas[t] * score) / np.sqrt(alphas[t])
        if t > 1 or a.bug == "last-noise":
            y = y + sigmas[t] * noise[k]
        traj.append(y)
    np.save(a.out, np.array(traj, dtype=np.float64))


if __name__ == "__main__":
    main()
