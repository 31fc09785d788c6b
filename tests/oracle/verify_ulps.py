#!/usr/bin/python3
"""Independent check of `ddpmref verify`'s numbers, and the inputs its tests use.

Shares no code with the C.  Every quantity is recomputed with exact rational
arithmetic (fractions.Fraction): the truth's decimal text and the trajectory's
binary values are exact rationals, so every error here is exact, and the ulp
is defined the IEEE way (2^E <= |v| < 2^(E+1), ulp = 2^(max(E, emin) - p + 1)),
not in MPFR's exponent convention the C uses.

Usage (run with /usr/bin/python3, which has numpy):

  verify_ulps.py make TRACE_DIR OUT_DIR
      writes into OUT_DIR trajectories derived from TRACE_DIR/x_ref.npy
      (f64.npy, f32be.npy, f16v3.npy, pert7.npy, nan3.npy and malformed ones)
      and a synthetic trace OUT_DIR/synth with edge values (zeros,
      subnormals, binary16 overflow) and trajectories synth_f{16,32,64}.npy.
  verify_ulps.py check TRACE_DIR THEIRS.npy VERIFY_JSON TOL
      recomputes every per-step statistic of VERIFY_JSON (TOL as given to
      --tol) and exits 1 on any difference beyond 1e-12 relative.
"""
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np

# itemsize -> (name, p, emin) with IEEE's emin: the smallest normal is 2^emin
FORMATS = {2: ("binary16", 11, -14), 4: ("binary32", 24, -126), 8: ("binary64", 53, -1022)}


def floor_log2(q):
    """E with 2^E <= q < 2^(E+1), for a Fraction q > 0."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if Fraction(2) ** e > q:
        e -= 1
    return e


def ulp(v, fmt):
    _, p, emin = fmt
    e = floor_log2(abs(v)) if v != 0 else emin
    return Fraction(2) ** (max(e, emin) - p + 1)


def read_truth(trace_dir):
    """{(k, i, j): Fraction} from x_ref.txt."""
    truth = {}
    with open(os.path.join(trace_dir, "x_ref.txt")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            k, i, j, v = line.split()
            truth[(int(k), int(i), int(j))] = Fraction(v)
    return truth


def step_stats(theirs_row, truth, k, fmt):
    n, d = theirs_row.shape
    ulps, rels, errs, nonfinite = [], [], [], 0
    largest = Fraction(0)
    for i in range(n):
        for j in range(d):
            t = truth[(k, i, j)]
            largest = max(largest, abs(t))
            x = float(theirs_row[i, j])
            if not math.isfinite(x):
                nonfinite += 1
                ulps.append(math.inf)
                rels.append(math.inf)
                continue
            err = abs(Fraction(x) - t)
            errs.append(err)
            ulps.append(float(err / ulp(t, fmt)))
            rels.append(float(err / abs(t)) if t != 0 else (0.0 if err == 0 else math.inf))
    max_err = max(errs) if errs else Fraction(0)
    return {
        "max_ulps": max(ulps), "median_ulps": float(np.median(np.array(ulps))),
        "max_rel": math.inf if nonfinite else max(rels),
        "median_rel": float(np.median(np.array(rels))),
        "scaled_ulps": math.inf if nonfinite else float(max_err / ulp(largest, fmt)),
        "non_finite": nonfinite,
        "_max_err": max_err, "_largest": largest,
    }


def exceeds(stats, tol_text, fmt, truth, theirs_row, k):
    """The tolerance test, exactly (the C compares MPFR values, not roundings)."""
    if stats["non_finite"]:
        return True
    if tol_text.startswith("rel="):
        tol = Fraction(float(tol_text[4:]))
        n, d = theirs_row.shape
        for i in range(n):
            for j in range(d):
                t, x = truth[(k, i, j)], Fraction(float(theirs_row[i, j]))
                if t == 0:
                    if x != 0:
                        return True
                elif abs(x - t) / abs(t) > tol:
                    return True
        return False
    tol = Fraction(float(tol_text))
    return stats["_max_err"] / ulp(stats["_largest"], fmt) > tol


def close(ours, theirs):
    if ours is None:
        ours = math.inf
    if math.isinf(theirs) or theirs == 0:
        return ours == theirs
    return abs(ours - theirs) <= 1e-12 * abs(theirs)


def check(trace_dir, theirs_path, verify_json, tol_text):
    theirs = np.load(theirs_path)
    fmt = FORMATS[theirs.dtype.itemsize]
    x = theirs.astype(np.float64)  # exact
    truth = read_truth(trace_dir)
    with open(verify_json) as f:
        got = json.load(f)
    bad = []
    if got["format"] != fmt[0]:
        bad.append("format %s, want %s" % (got["format"], fmt[0]))
    first_fail = None
    for k in range(x.shape[0]):
        s = step_stats(x[k], truth, k, fmt)
        for key in ("max_ulps", "median_ulps", "max_rel", "median_rel", "scaled_ulps"):
            if not close(got["per_step"][key][k], s[key]):
                bad.append("step %d %s: verify %r, exact %r" % (k, key, got["per_step"][key][k], s[key]))
        if got["per_step"]["non_finite"][k] != s["non_finite"]:
            bad.append("step %d non_finite: %r vs %r" % (k, got["per_step"]["non_finite"][k], s["non_finite"]))
        fails = exceeds(s, tol_text, fmt, truth, x[k], k)
        if got["per_step"]["within_tolerance"][k] == fails:
            bad.append("step %d within_tolerance: %r, exact test says fails=%r" % (k, got["per_step"]["within_tolerance"][k], fails))
        if fails and first_fail is None:
            first_fail = k
    if got["first_failing_step"] != first_fail:
        bad.append("first_failing_step %r, want %r" % (got["first_failing_step"], first_fail))
    if got["verdict"] != ("PASS" if first_fail is None else "FAIL"):
        bad.append("verdict %r" % got["verdict"])
    for line in bad[:20]:
        print(line)
    return 1 if bad else 0


def save(path, a, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=version)


def make_synthetic(out):
    """A hand-made trace (3 rows, n=2, d=3) whose truth has the edge cases."""
    rows = [["0", "0", "1e-30", "-1e-30", "4.9406564584124654e-324", "1"],
            ["65504.3", "6.0e-8", "-3e-5", "1.0000000000000000000000001", "2.5e-310", "1e10"],
            ["0.1", "-0.1", "1e-45", "3.4e38", "123456789.123456789", "0"]]
    tdir = os.path.join(out, "synth")
    os.makedirs(tdir)
    meta = {"command": "trace", "schedule": "synthetic", "target": "edge values",
            "sampler": "none", "n": 2, "d": 3, "steps": 2, "timesteps": [20, 10, 0]}
    with open(os.path.join(tdir, "meta.json"), "w") as f:
        json.dump(meta, f)
    np.save(os.path.join(tdir, "x_ref.npy"), np.zeros((3, 2, 3)))
    with open(os.path.join(tdir, "x_ref.txt"), "w") as f:
        f.write("# ddpmref trace: oracle values at 256 bits, 79 significant digits\n# columns\n")
        for k, row in enumerate(rows):
            for q, v in enumerate(row):
                f.write("%d %d %d %s\n" % (k, q // 3, q % 3, v))
    exact = np.array([[float(Fraction(v)) for v in row] for row in rows]).reshape(3, 2, 3)
    for dt in ("<f2", "<f4", "<f8"):
        with np.errstate(over="ignore"):
            a = exact.astype(dt)
        tiny = np.finfo(dt).smallest_subnormal
        a[0, 0, 1] = tiny          # truth 0, theirs the smallest subnormal: rel inf
        a[2, 0, 0] = a[2, 0, 0] * (1 + 8 * np.finfo(dt).eps)  # a few ulps off
        save(os.path.join(out, "synth_f%d.npy" % (8 * a.dtype.itemsize)), a)


def make(trace_dir, out):
    x = np.load(os.path.join(trace_dir, "x_ref.npy"))
    save(os.path.join(out, "f64.npy"), x)
    save(os.path.join(out, "f32be.npy"), x.astype(">f4"))
    save(os.path.join(out, "f16v3.npy"), x.astype("<f2"), version=(3, 0))
    y = x.copy()
    i = np.unravel_index(np.abs(y[7]).argmax(), y[7].shape)
    bits = y[7][i].view(np.int64) + 5000  # 5000 binary64 ulps away from zero
    y[7][i] = bits.view(np.float64)
    save(os.path.join(out, "pert7.npy"), y)
    z = x.copy()
    z[3, 1, 0] = np.nan
    save(os.path.join(out, "nan3.npy"), z)
    save(os.path.join(out, "shape.npy"), np.zeros((x.shape[0], x.shape[1], x.shape[2] + 1)))
    save(os.path.join(out, "int64.npy"), x.astype("<i8"))
    save(os.path.join(out, "fortran.npy"), np.asfortranarray(x))
    with open(os.path.join(out, "f64.npy"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "trunc.npy"), "wb") as f:
        f.write(data[:-12])
    make_synthetic(out)
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "make":
        return make(argv[2], argv[3])
    if len(argv) == 6 and argv[1] == "check":
        return check(argv[2], argv[3], argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
