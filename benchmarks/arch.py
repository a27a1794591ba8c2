"""Start-up of ``dlcalc arch resnet152 --json`` against the scalar command (medians).

Target (issue 3): arch resnet152 --json under 5x the time of ``conv-size`` (the
foundation's scalar command). Presets are pure-Python data, so arch costs about the same
as any scalar command; also printed: both as ratios to ``python -c pass``.
Run: python benchmarks/arch.py [--runs 21]
"""

from __future__ import annotations

import argparse
import sys

from timing import dlcalc_cmd, median_time

TARGET = 5.0
SCALAR = ["conv-size", "--input", "227", "--kernel", "11", "--stride", "4", "--json"]
ARCH = ["arch", "resnet152", "--json"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    prefix = dlcalc_cmd()
    base = median_time([sys.executable, "-c", "pass"], args.runs)
    scalar = median_time(prefix + SCALAR, args.runs)
    deep = median_time(prefix + ARCH, args.runs)
    ratio = deep / scalar
    print(f"python -c pass          {base * 1000:7.1f} ms (median of {args.runs})")
    print(f"conv-size (scalar)      {scalar * 1000:7.1f} ms  {scalar / base:5.2f}x python")
    print(f"arch resnet152 --json   {deep * 1000:7.1f} ms  {deep / base:5.2f}x python")
    ok = ratio < TARGET
    print(f"arch / conv-size        {ratio:7.2f}x   target < {TARGET:g}x  {'ok' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
