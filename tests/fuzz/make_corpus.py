#!/usr/bin/python3
"""make_corpus.py: writes the fuzz harnesses' seed corpora into
tests/fuzz/corpus/NAME/ (small valid and near-valid inputs). The files are
committed; rerun this only to change the seeds. Needs numpy."""
import io
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    for i, (label, data) in enumerate(seeds):
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, "%02d-%s" % (i, label)), "wb") as f:
            f.write(data)


# spec: a mode digit, then the text (see fuzz_spec.c)
spec = [
    ("linear", "0linear"),
    ("linear-keys", "0linear:T=1000,beta_min=0.0001,beta_max=0.02"),
    ("scaled", "0scaled-linear:T=50,beta_min=0.00085,beta_max=0.012"),
    ("cosine", "0cosine:T=1000,s=0.008,max_beta=0.999"),
    ("li-yan", "0li-yan:T=1000,c0=2,c1=4"),
    ("lcw", "0lcw:T=100,c0=2,c1=10"),
    ("file", "0file:betas"),
    ("vp", "0vp:T=1000,beta_min=0.1,beta_max=20,eps=0.001"),
    ("ou", "0ou:T=100,horizon=10,eps=0.01"),
    ("bad-T", "0linear:T=0"),
    ("twice", "0linear:T=10,T=20"),
    ("exp", "0linear:T=1e3,beta_min=1E-4,beta_max=+2.0e-2"),
    ("empty-item", "0cosine:T=10,,s=0.1"),
    ("gauss", "1gauss:d=2,mean=1,var=4"),
    ("gauss-file", "1gauss:one.json"),
    ("gmm", "1gmm:two.json"),
    ("gauss-two", "1gauss:two.json"),
    ("huge-var", "1gauss:d=3,mean=-0.5,var=1e151"),
    ("ddpm", "2ddpm:var=posterior,last_noise=yes"),
    ("ddim", "2ddim:eta=0.5"),
    ("liyan-ode", "2liyan-ode"),
    ("vp-ei", "2vp-ei:last_noise=no"),
    ("pf-heun", "2pf-heun"),
    ("ou-em", "2ou-em:last_noise=yes"),
    ("bias", "3bias=0.01"),
    ("rel", "3rel=-1e-3"),
    ("run-leading", "4linear:T=1000\ngauss:d=2,mean=1,var=4\nddpm\n50\nleading\n1"),
    ("run-trailing", "4cosine:T=100\ngmm:two.json\nddim:eta=0\n7\ntrailing\n0"),
    ("run-linspace", "4vp:T=200\ngauss:d=1\npf-euler\n13\nlinspace\n0"),
    ("run-file", "4file:betas\ngauss:one.json\nddpm:var=liyan\nT\nleading\n0"),
    ("run-ou", "4ou:T=64\ngauss\nou-em\n64\ntrailing\n0"),
]
write("spec", spec)

# schedule_file: one beta per line
write("schedule_file", [
    ("small", open(os.path.join(HERE, "..", "data", "betas_small.txt")).read()),
    ("exact", open(os.path.join(HERE, "..", "data", "betas_exact.txt")).read()),
    ("crlf", "0.1\r\n 0.2\t\r\n# c\r\n0.3"),
    ("no-newline", "0.0001\n0.02"),
    ("one", "0.5\n"),
    ("zero", "0.1\n0\n"),
    ("one-beta", "0.1\n1\n"),
    ("blank", "0.1\n\n0.2\n"),
    ("nan", "0.1\nnan\n"),
    ("hex", "0.1\n0x1p-3\n"),
    ("long", "0." + "1" * 250 + "\n0.2\n"),
    ("nul", b"0.1\n0.\x002\n"),
    ("exp", "1e-4\n2.5E-2\n+0.5\n.5\n5.\n"),
])

# mixture: DESIGN.md section 5's JSON
mix = [(os.path.basename(p)[:-5], open(p).read())
       for p in sorted(os.path.join(HERE, "..", "data", "mixtures", f)
                       for f in os.listdir(os.path.join(HERE, "..", "data", "mixtures")))]
mix += [
    ("strings", '{"components": [{"weight": "1", "mean": ["-0.0"], "var": ["1e-300"]}]}'),
    ("unknown-key", '{"components": [{"mean": [0], "var": [1], "cov": [1]}]}'),
    ("repeated", '{"components": [{"mean": [0], "mean": [1], "var": [1]}]}'),
    ("ragged", '{"components": [{"mean": [0], "var": [1]}, {"mean": [0, 1], "var": [1, 1]}]}'),
    ("zero-var", '{"components": [{"mean": [0], "var": [0]}]}'),
    ("big-int", '{"components": [{"mean": [9007199254740993], "var": [1]}]}'),
    ("nan", '{"components": [{"mean": ["NaN"], "var": [1]}]}'),
    ("trailing", '{"components": [{"mean": [0], "var": [1]}]} x'),
    ("escape", '{"comp\\u006fnents": [{"mean": [0], "var": [1]}]}'),
    ("nested", '{"components": [{"mean": [[[[0]]]], "var": [1]}]}'),
    ("empty", '{"components": []}'),
    ("underflow", '{"components": [{"mean": [0], "var": [1e-400]}]}'),
]
write("mixture", mix)


# npy: valid arrays of every accepted dtype and version, then near misses
def npy(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


x = np.arange(6, dtype=np.float64).reshape(2, 3) / 8 - 0.25
good = [
    ("f8", npy(x)),
    ("f4", npy(x.astype("<f4"))),
    ("f2", npy(x.astype("<f2"))),
    ("be-f8", npy(x.astype(">f8"))),
    ("be-f4", npy(x.astype(">f4"))),
    ("be-f2", npy(x.astype(">f2"))),
    ("3d", npy(np.zeros((2, 1, 2)))),
    ("4d", npy(np.ones((1, 2, 1, 2), dtype="<f4"))),
    ("scalar", npy(np.float64(1.5))),
    ("empty", npy(np.zeros((0, 3)))),
    ("special", npy(np.array([np.nan, np.inf, -0.0, 5e-324]))),
    ("v2", npy(x, version=(2, 0))),
    ("v3", npy(x, version=(3, 0))),
]
bad = [
    ("i8", npy(np.arange(3))),
    ("fortran", npy(np.asfortranarray(x))),
    ("5d", npy(np.zeros((1, 1, 1, 1, 2)))),
    ("truncated", npy(x)[:-3]),
    ("trailing", npy(x) + b"\0\0"),
    ("magic", b"\x93NUMPX" + npy(x)[6:]),
    ("hlen", npy(x)[:8] + struct.pack("<H", 0xffff) + npy(x)[10:]),
]
write("npy", good + bad)
print("corpora written under", os.path.join(HERE, "corpus"), file=sys.stderr)
