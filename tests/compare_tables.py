#!/usr/bin/python3
"""compare_tables.py OURS.csv THEIRS.csv RELTOL: every numeric column the two
schedule tables share (by name; ours says 1-abar where the mpmath oracle says
oma) agrees to RELTOL relative (absolute where the reference is 0). Lines
starting with '#' are skipped. Exit 0 when all agree, 1 otherwise."""
import sys
from mpmath import mp, mpf

mp.prec = 300
ALIASES = {"1-abar": "oma"}


def read(path):
    with open(path) as f:
        rows = [line.strip().split(",") for line in f if line.strip() and not line.startswith("#")]
    head = [ALIASES.get(h, h) for h in rows[0]]
    return head, rows[1:]


def main():
    ours_path, theirs_path, tol = sys.argv[1], sys.argv[2], mpf(sys.argv[3])
    oh, orows = read(ours_path)
    th, trows = read(theirs_path)
    shared = [c for c in oh if c in th and c != "t"]
    if not shared or len(orows) != len(trows):
        print(f"compare_tables: {len(shared)} shared columns, {len(orows)} vs {len(trows)} rows")
        return 1
    worst = mpf(0)
    for r, (o, t) in enumerate(zip(orows, trows)):
        for c in shared:
            a, b = mpf(o[oh.index(c)]), mpf(t[th.index(c)])
            err = abs(a - b) / abs(b) if b != 0 else abs(a)
            worst = max(worst, err)
            if err > tol:
                print(f"compare_tables: row {r + 1} column {c}: {o[oh.index(c)]} vs {t[th.index(c)]}")
                return 1
    print(f"compare_tables: {len(orows)} rows x {len(shared)} columns agree, worst {mp.nstr(worst, 3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
