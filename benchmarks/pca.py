"""End-to-end time of ``dlcalc pca`` on a 20,000 x 100 .npy file (issue 7 target: < 2 s).

Creates the file in a temporary directory, runs
``dlcalc pca --data @file --k 5 --json`` as a subprocess (output to /dev/null) and prints
the median wall time; also the time inside the engine alone, for comparison.
Run: python benchmarks/pca.py [--runs 5] [--rows 20000] [--cols 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from timing import dlcalc_cmd

TARGET_S = 2.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--cols", type=int, default=100)
    args = ap.parse_args()
    prefix = dlcalc_cmd()
    rng = np.random.default_rng(0)
    data = rng.normal(size=(args.rows, args.cols)) @ rng.normal(size=(args.cols, args.cols))
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npy")
        np.save(path, data)
        cmd = [*prefix, "pca", "--data", f"@{path}", "--k", "5", "--json"]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
            times.append(time.perf_counter() - start)

        from dlcalc import ops

        start = time.perf_counter()
        sol = ops.run("pca", {"data": f"@{path}", "k": 5})
        engine = time.perf_counter() - start
        obj = sol.to_dict()
        start = time.perf_counter()
        json.dumps(obj["inputs"], indent=2)
        echo = time.perf_counter() - start
    med = statistics.median(times)
    ok = med < TARGET_S
    print(f"pca {args.rows} x {args.cols} .npy, --k 5 --json, median of {args.runs}:")
    print(f"  end to end   {med:6.2f} s  (target < {TARGET_S:.0f} s: {'yes' if ok else 'NO'})")
    print(f"  parse+engine {engine:6.2f} s  (in process, no start-up or JSON)")
    print(f"  JSON of the echoed inputs alone {echo:6.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
