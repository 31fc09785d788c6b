#!/usr/bin/python3
"""Independent Python oracle for Philox4x32 and the addressed Box-Muller
Gaussian draws used by ddpmref.

Written from the specification only (Salmon et al. 2011, "Parallel random
numbers: as easy as 1, 2, 3"); shares no code with the C implementation.

Run as a script to check every line of the Random123 known-answer file:
    /usr/bin/python3 tests/oracle/philox.py [KAT_FILE]
"""
import math
import sys

import mpmath

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF
PHILOX_M0 = 0xD2511F53
PHILOX_M1 = 0xCD9E8D57
PHILOX_W0 = 0x9E3779B9
PHILOX_W1 = 0xBB67AE85

DEFAULT_KAT = "/work/shared/testdata/philox4x32_kat.txt"


def _round(c0, c1, c2, c3, k0, k1):
    p0 = PHILOX_M0 * c0
    p1 = PHILOX_M1 * c2
    hi0, lo0 = p0 >> 32, p0 & MASK32
    hi1, lo1 = p1 >> 32, p1 & MASK32
    return (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)


def philox4x32(ctr, key, rounds=10):
    """Philox4x32 with the given number of rounds.

    ctr: 4 uint32 words, key: 2 uint32 words. Returns a tuple of 4 uint32.
    """
    c0, c1, c2, c3 = (int(w) & MASK32 for w in ctr)
    k0, k1 = (int(w) & MASK32 for w in key)
    for n in range(rounds):
        if n > 0:
            k0 = (k0 + PHILOX_W0) & MASK32
            k1 = (k1 + PHILOX_W1) & MASK32
        c0, c1, c2, c3 = _round(c0, c1, c2, c3, k0, k1)
    return (c0, c1, c2, c3)


def gauss_words(seed, i, r, j):
    """Philox4x32-10 output words for the draw addressed by (seed, i, r, j)."""
    seed &= MASK64
    i &= MASK64
    r &= MASK32
    j &= MASK32
    key = (seed & MASK32, seed >> 32)
    ctr = ((j >> 1) & MASK32, r, i & MASK32, i >> 32)
    return philox4x32(ctr, key, 10)


def uniform_ints(seed, i, r, j):
    """The two 53-bit integers u1, u2 for the draw addressed by (seed,i,r,j)."""
    x0, x1, x2, x3 = gauss_words(seed, i, r, j)
    u1 = ((x1 << 32) | x0) >> 11
    u2 = ((x3 << 32) | x2) >> 11
    return u1, u2


def gaussian(seed, i, r, j, prec=400):
    """Standard normal z(seed, i, r, j) as an mpmath mpf.

    Computed with a working precision of `prec` bits (plus guard bits); the
    uniforms U = (u + 1/2) 2^-53 are exact in any precision >= 54 bits.
    The result is returned rounded to `prec` bits.
    """
    u1, u2 = uniform_ints(seed, i, r, j)
    with mpmath.workprec(prec + 64):
        # (2u+1) * 2^-54 is exact (54-bit integer mantissa).
        U1 = mpmath.ldexp(mpmath.mpf(2 * u1 + 1), -54)
        U2 = mpmath.ldexp(mpmath.mpf(2 * u2 + 1), -54)
        rad = mpmath.sqrt(-2 * mpmath.log(U1))
        # cos(2 pi U2) = cospi(2 U2); 2*U2 is exact, so no error from pi.
        if j % 2 == 0:
            z = rad * mpmath.cospi(2 * U2)
        else:
            z = rad * mpmath.sinpi(2 * U2)
    with mpmath.workprec(prec):
        return +z


def gaussian_binary64(seed, i, r, j):
    """The draw as ddpmref's oracle uses it: z(seed, i, r, j) correctly
    rounded to binary64 (from 400 bits, so the double rounding cannot bite
    unless z lies within 2^-340 relative of a binary64 midpoint)."""
    return mpmath.mpf(to_binary64(gaussian(seed, i, r, j, prec=400)))


def to_binary64(x):
    """Round an mpf (any precision) to the nearest IEEE binary64, ties to even.

    Done by explicit integer arithmetic on the exact mantissa/exponent of x,
    so there is a single rounding (no double rounding). Handles subnormals
    and overflow to +-inf.
    """
    x = mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x
    if x == 0:
        return 0.0
    if not mpmath.isfinite(x):
        return float(x)
    sign, man, exp, bc = x._mpf_  # value = (-1)^sign * man * 2^exp, man odd
    man = int(man)
    # Unit of last place for a 53-bit significand: value's top bit is at
    # 2^(exp+bc-1); ulp = 2^(exp+bc-53), but not below 2^-1074 (subnormals).
    top = exp + bc - 1
    ulp_exp = max(top - 52, -1074)
    shift = ulp_exp - exp
    if shift <= 0:
        q = man << (-shift)
    else:
        q = man >> shift
        rem = man - (q << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (q & 1)):
            q += 1
    # value = q * 2^ulp_exp exactly representable (q <= 2^53)
    # q <= 2^53, so float(q) is exact and ldexp only scales (exactly,
    # since q * 2^ulp_exp is representable by construction).
    try:
        res = math.ldexp(float(q), ulp_exp)
    except OverflowError:
        res = float("inf")
    return -res if sign else res


def _check_kat(path):
    passed = failed = 0
    with open(path) as fh:
        for lineno, line in enumerate(fh, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            f = s.split()
            if f[0] != "philox4x32":
                continue
            rounds = int(f[1])
            words = [int(w, 16) for w in f[2:]]
            if len(words) != 10:
                raise ValueError("bad KAT line %d: %r" % (lineno, line))
            ctr, key, exp = words[0:4], words[4:6], tuple(words[6:10])
            got = philox4x32(ctr, key, rounds)
            if got == exp:
                passed += 1
            else:
                failed += 1
                print("FAIL line %d: rounds=%d got %s expected %s" % (
                    lineno, rounds, " ".join("%08x" % w for w in got),
                    " ".join("%08x" % w for w in exp)))
    return passed, failed


def _self_test_rounding():
    """Check to_binary64 against exact rational rounding (fractions)."""
    from fractions import Fraction
    import random
    rng = random.Random(12345)
    with mpmath.workprec(200):
        for _ in range(2000):
            e = rng.randint(-1100, 1000)
            m = rng.getrandbits(120) | (1 << 119)
            # occasionally build exact ties
            if rng.random() < 0.3:
                m = (rng.getrandbits(53) | (1 << 52)) << 67 | (1 << 66)
            x = mpmath.ldexp(mpmath.mpf(m), e - 119)
            got = to_binary64(x)
            fx = Fraction(m) * Fraction(2) ** (e - 119)
            # reference: Fraction -> float is correctly rounded (ties to even)
            ref = float(fx) if fx < Fraction(2) ** 1024 else float("inf")
            if got != ref:
                raise AssertionError("to_binary64 mismatch: %r vs %r" % (got, ref))
    return True


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT_KAT
    passed, failed = _check_kat(path)
    _self_test_rounding()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
