#!/usr/bin/python3
"""Self-check of examples/numpy_ddpm.py against an independent mpmath DDPM.

Usage:
    /usr/bin/python3 examples/check_numpy_ddpm.py [--T 50 --beta-min 1e-4 --beta-max 0.2]
        [--n 3 --d 2 --mean 1 --var 4 --seed 1 --prec 200]

Draws float64 noise of shape (T+1, n, d) with numpy, runs numpy_ddpm.py on it (every
variant, through subprocess), and recomputes the trajectory with mpmath at --prec bits
from the same noise, the formulas written out here independently:
    beta_t = beta_min + (beta_max - beta_min)(t - 1)/(T - 1)  (decimal text, exactly),
    alpha_t = 1 - beta_t, abar_t = prod_{s<=t} alpha_s, abar_0 = 1,
    s = -(y - sqrt(abar_t) mean)/(abar_t var + 1 - abar_t),
    y <- (y + beta_t s)/sqrt(alpha_t) + sigma_t z, no noise at t = 1 (unless last_noise),
    sigma_t^2 = beta_t or beta_t (1 - abar_{t-1})/(1 - abar_t).
Errors are measured in scaled ulps: max |numpy - mpmath| over a row divided by
ulp(max |mpmath| over that row) (as `ddpmref trace` reports fast path vs oracle).
Checks: the correct variant within 64 scaled ulps at every row (both variances);
last-noise equal to the correct variant bit for bit except in the last row (and there
within 64 scaled ulps of mpmath with the last noise); float32-schedule off by more than
1e-9 relative at row 1; posterior-float32 off by more than 1e-9 relative. Prints
`N passed, M failed`; exits 1 on any failure.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import mpmath
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "numpy_ddpm.py")
PY = "/usr/bin/python3"
TOL_ULPS = 64
REL_BUG = 1e-9


def mp_trajectory(noise, T, beta_min, beta_max, mean, var, var_kind, last_noise):
    """Trajectory (T+1 rows of n x d mpf) from the float64 noise, in mpmath."""
    bmin, bmax = mpmath.mpf(beta_min), mpmath.mpf(beta_max)
    beta = [mpmath.mpf(0)] + [bmin + (bmax - bmin) * (t - 1) / (T - 1) for t in range(1, T + 1)]
    abar = [mpmath.mpf(1)]
    for t in range(1, T + 1):
        abar.append(abar[t - 1] * (1 - beta[t]))
    m, v = mpmath.mpf(mean), mpmath.mpf(var)
    _, n, d = noise.shape
    y = [[mpmath.mpf(float(noise[0, i, j])) for j in range(d)] for i in range(n)]
    rows = [y]
    for k in range(1, T + 1):
        t = T - k + 1
        alpha = 1 - beta[t]
        if var_kind == "beta":
            sig2 = beta[t]
        else:
            sig2 = beta[t] * (1 - abar[t - 1]) / (1 - abar[t])
        sigma = mpmath.sqrt(sig2)
        centre = mpmath.sqrt(abar[t]) * m
        vt = abar[t] * v + 1 - abar[t]
        new = []
        for i in range(n):
            r = []
            for j in range(d):
                s = -(y[i][j] - centre) / vt
                val = (y[i][j] + beta[t] * s) / mpmath.sqrt(alpha)
                if t > 1 or last_noise:
                    val += sigma * mpmath.mpf(float(noise[k, i, j]))
                r.append(val)
            new.append(r)
        y = new
        rows.append(y)
    return rows


def scaled_ulps(theirs, ref):
    """Per row: max |theirs - ref| / ulp(max |ref|), and max |theirs - ref| / max |ref|."""
    ulps, rel = [], []
    for k, row in enumerate(ref):
        err = mpmath.mpf(0)
        big = mpmath.mpf(0)
        for i, r in enumerate(row):
            for j, x in enumerate(r):
                err = max(err, abs(mpmath.mpf(float(theirs[k, i, j])) - x))
                big = max(big, abs(x))
        bigf = float(big)
        if bigf == 0:
            ulps.append(0.0 if err == 0 else math.inf)
            rel.append(0.0 if err == 0 else math.inf)
            continue
        _, e = math.frexp(bigf)
        ulps.append(float(err / mpmath.ldexp(1, e - 53)))
        rel.append(float(err / big))
    return ulps, rel


def run_numpy(noise_path, out_path, a, extra):
    cmd = [PY, SCRIPT, "--noise", noise_path, "--out", out_path, "--T", str(a.T),
           "--beta-min", a.beta_min, "--beta-max", a.beta_max,
           "--mean", a.mean, "--var", a.var] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stderr, (np.load(out_path) if p.returncode == 0 else None)


def first_above(values, limit):
    for k, x in enumerate(values):
        if x > limit:
            return k
    return None


def main():
    p = argparse.ArgumentParser(description="check examples/numpy_ddpm.py against mpmath")
    p.add_argument("--T", type=int, default=50)
    p.add_argument("--beta-min", default="1e-4")
    p.add_argument("--beta-max", default="0.2")
    p.add_argument("--n", type=int, default=3)
    p.add_argument("--d", type=int, default=2)
    p.add_argument("--mean", default="1")
    p.add_argument("--var", default="4")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--prec", type=int, default=200)
    a = p.parse_args()
    mpmath.mp.prec = a.prec
    T = a.T

    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        print(("ok    " if ok else "FAIL  ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    noise = np.random.default_rng(a.seed).standard_normal((T + 1, a.n, a.d))
    print(f"T={T} beta={a.beta_min}..{a.beta_max} n={a.n} d={a.d} mean={a.mean} "
          f"var={a.var} seed={a.seed} prec={a.prec}")
    refs = {}
    for kind in ("beta", "posterior"):
        refs[kind] = mp_trajectory(noise, T, a.beta_min, a.beta_max, a.mean, a.var, kind, False)
    ref_last = mp_trajectory(noise, T, a.beta_min, a.beta_max, a.mean, a.var, "beta", True)

    with tempfile.TemporaryDirectory() as tmp:
        npath = os.path.join(tmp, "noise.npy")
        np.save(npath, noise)
        out = os.path.join(tmp, "theirs.npy")
        res = {}
        for name, extra in [("beta", []),
                            ("posterior", ["--var-kind", "posterior"]),
                            ("last-noise", ["--bug", "last-noise"]),
                            ("float32-schedule", ["--bug", "float32-schedule"]),
                            ("posterior-float32", ["--var-kind", "posterior",
                                                   "--bug", "posterior-float32"])]:
            rc, err, traj = run_numpy(npath, out, a, extra)
            check(rc == 0 and traj is not None and traj.shape == noise.shape
                  and traj.dtype == np.float64,
                  f"{name}: runs, output float64 of shape {noise.shape}" + (f" ({err.strip()})" if rc else ""))
            res[name] = traj

        # Bad input is refused.
        rc, _, _ = run_numpy(npath, out, a, ["--bug", "posterior-float32"])
        check(rc == 2, "posterior-float32 without --var-kind posterior refused (exit 2)")
        bad = argparse.Namespace(**vars(a))
        bad.T = T + 1
        rc, _, _ = run_numpy(npath, out, bad, [])
        check(rc == 2, "noise with the wrong number of rows refused (exit 2)")

    if any(res[k] is None for k in res):
        print(f"{passed} passed, {failed} failed")
        return 1

    report = {}
    for name, kind in [("beta", "beta"), ("posterior", "posterior")]:
        u, _ = scaled_ulps(res[name], refs[kind])
        worst = max(range(T + 1), key=lambda k: u[k])
        report[name] = (max(u), worst)
        check(max(u) <= TOL_ULPS, f"correct var={kind}: max {max(u):.2f} scaled ulps "
              f"(row {worst}) <= {TOL_ULPS} at every row")

    same = np.array_equal(res["last-noise"][:T], res["beta"][:T])
    check(same, "last-noise: rows 0..T-1 identical to the correct variant")
    check(not np.array_equal(res["last-noise"][T], res["beta"][T]),
          "last-noise: last row differs from the correct variant")
    u, _ = scaled_ulps(res["last-noise"], ref_last)
    check(max(u) <= TOL_ULPS, f"last-noise: within {TOL_ULPS} scaled ulps of mpmath with the "
          f"last noise added (max {max(u):.2f})")

    bug_first = {}
    for name, kind in [("last-noise", "beta"), ("float32-schedule", "beta"),
                       ("posterior-float32", "posterior")]:
        u, rel = scaled_ulps(res[name], refs[kind])
        bug_first[name] = (first_above(u, 1024), max(u), first_above(rel, REL_BUG))
    u, rel = scaled_ulps(res["float32-schedule"], refs["beta"])
    check(rel[1] > REL_BUG, f"float32-schedule: relative error {rel[1]:.3g} at row 1 > {REL_BUG}")
    u, rel = scaled_ulps(res["posterior-float32"], refs["posterior"])
    check(max(rel) > REL_BUG, f"posterior-float32: max relative error {max(rel):.3g} "
          f"(first > {REL_BUG} at row {first_above(rel, REL_BUG)})")

    print("summary:")
    for name, (mx, worst) in report.items():
        print(f"  correct var={name}: max {mx:.2f} scaled ulps (row {worst})")
    for name, (k, mx, krel) in bug_first.items():
        print(f"  {name}: first row > 1024 scaled ulps: {k}; first row > {REL_BUG} relative: "
              f"{krel}; max {mx:.3g} scaled ulps")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
