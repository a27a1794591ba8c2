"""Start-up time of dlcalc commands as a ratio to ``python -c pass`` (same run, medians).

Targets (issues 2 and 10): --help and scalar commands <= 6x, matrix commands <= 10x;
``import dlcalc`` (the Python API) under 50 ms on top of the interpreter.
Run: python benchmarks/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import sys

from timing import dlcalc_cmd, median_time

CASES = [
    ("dlcalc --help", ["--help"], 6.0),
    (
        "conv-size (scalar)",
        ["conv-size", "--input", "227", "--kernel", "11", "--stride", "4", "--json"],
        6.0,
    ),
    (
        "pool (matrix)",
        ["pool", "--input", "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "--size", "2", "--json"],
        10.0,
    ),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    prefix = dlcalc_cmd()
    base = median_time([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass: {base * 1000:7.1f} ms (median of {args.runs})")
    print(f"{'command':28} {'median ms':>10} {'ratio':>7} {'target':>7}  ok")
    failed = 0
    for label, argv, target in CASES:
        t = median_time(prefix + argv, args.runs)
        ratio = t / base
        ok = ratio <= target
        failed += not ok
        print(f"{label:28} {t * 1000:10.1f} {ratio:7.2f} {target:7.1f}  {'yes' if ok else 'NO'}")
    # the Python API: `import dlcalc` itself must cost under 50 ms (issue 10)
    cost = median_time([sys.executable, "-c", "import dlcalc"], args.runs) - base
    ok = cost < 0.050
    failed += not ok
    print(
        f"{'import dlcalc (cost)':28} {cost * 1000:10.1f} {'':7} {'50 ms':>7}  {'yes' if ok else 'NO'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
