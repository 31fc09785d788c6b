#!/usr/bin/python3
"""`make bench`'s mpmath baseline for the oracle: DDPM as a user would write it in
arbitrary precision, every value an mpf at --prec bits, on the oracle's workload.

Usage:
    /usr/bin/python3 tests/bench/mpmath_ddpm.py --prec 256 --d 64 --n 2 --T 50 [--seed 1]

The model is the oracle's: linear schedule (beta_min = 1e-4, beta_max = 0.02, taken as
the decimal numbers), target N(0, I) in d dimensions with its exact score, DDPM with
var=beta and no noise on the last step. The normals are Box-Muller at the working
precision, z = sqrt(-2 ln U1) (cos, sin)(2 pi U2), from 53-bit uniforms of Python's
own generator, one (U1, U2) pair per two coordinates, as the oracle's draws are
(theirs come from Philox and are rounded to binary64; the arithmetic is the same kind).

Prints one line, parsed by tests/bench/bench.c:
    seconds=S cpu_seconds=C elem_steps=E backend=B
S and C are the wall and CPU times of the sampling loop (initial draw included),
E = n d T, B is mpmath's integer backend (python or gmpy).
"""
import argparse
import random
import time

import mpmath
from mpmath import mp


def normals(rng, d):
    """d standard normals at the working precision, by Box-Muller in pairs."""
    z = []
    for _ in range((d + 1) // 2):
        u1 = mp.mpf(2 * rng.getrandbits(53) + 1) / 2 ** 54  # (u + 1/2) 2^-53, exact
        u2 = mp.mpf(2 * rng.getrandbits(53) + 1) / 2 ** 54
        radius = mp.sqrt(-2 * mp.log(u1))
        angle = 2 * mp.pi * u2
        z += [radius * mp.cos(angle), radius * mp.sin(angle)]
    return z[:d]


def main():
    p = argparse.ArgumentParser(description="mpmath DDPM baseline for make bench")
    p.add_argument("--prec", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    mp.prec = a.prec
    n, d, T = a.n, a.d, a.T
    bmin, bmax = mp.mpf("1e-4"), mp.mpf("0.02")
    betas = [mp.mpf(0)] + [bmin + (bmax - bmin) * (t - 1) / (T - 1) for t in range(1, T + 1)]
    abar = [mp.mpf(1)]
    for t in range(1, T + 1):
        abar.append(abar[-1] * (1 - betas[t]))
    rng = random.Random(a.seed)

    t0, c0 = time.perf_counter(), time.process_time()
    ys = [normals(rng, d) for _ in range(n)]
    for t in range(T, 0, -1):
        v = abar[t] + (1 - abar[t])  # the marginal variance abar_t var + 1 - abar_t, var = 1
        scale = 1 / mp.sqrt(1 - betas[t])
        sigma = mp.sqrt(betas[t])
        for i in range(n):
            y = ys[i]
            z = normals(rng, d) if t > 1 else None
            for j in range(d):
                s = -y[j] / v  # exact score of N(0, I): (sqrt(abar_t) 0 - y)/v
                y[j] = (y[j] + betas[t] * s) * scale
                if z is not None:
                    y[j] += sigma * z[j]
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    print(f"seconds={seconds:.6f} cpu_seconds={cpu_seconds:.6f} elem_steps={n * d * T} "
          f"backend={mpmath.libmp.BACKEND}")


if __name__ == "__main__":
    main()
