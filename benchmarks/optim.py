"""Wall time of ``dlcalc optim adam --f ... --steps 1000 --json`` (target: under 1.5 s).

The objective is parsed and differentiated once with SymPy, compiled to closures over
``math``, then iterated; the time includes interpreter start-up and the JSON output.
Run: python benchmarks/optim.py [--runs 7] [--steps 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from timing import dlcalc_cmd

TARGET_S = 1.5
F = "x^2 + 10*y^2 + sin(x*y) + sigmoid(x - y)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--steps", type=int, default=1000)
    args = ap.parse_args()
    prefix = dlcalc_cmd()
    env = dict(os.environ, NO_COLOR="1")
    cases = [
        ("adam", ["optim", "adam", "--f", F, "--start", "1,-1", "--steps", str(args.steps)]),
        ("nag", ["optim", "nag", "--f", F, "--start", "1,-1", "--steps", str(args.steps)]),
        (
            "compare (7 optimizers)",
            ["optim", "compare", "--f", F, "--start", "1,-1", "--steps", str(args.steps)],
        ),
    ]
    print(f"f = {F}; {args.steps} steps; median of {args.runs} runs")
    print(f"{'command':26} {'median s':>9} {'target':>7}  ok")
    failed = 0
    for label, argv in cases:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(
                prefix + argv + ["--json"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                env=env,
            )
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        ok = t < TARGET_S
        failed += not ok
        print(f"{label:26} {t:9.3f} {TARGET_S:7.1f}  {'yes' if ok else 'NO'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
