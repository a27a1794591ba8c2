"""Resource sweep (issue 11): every op with oversized inputs, under a memory cap and a timeout.

For each registered op and each of its array/size/int parameters, run the op's example
with that parameter replaced by something huge, in a subprocess limited to 1 GB of
address space and 30 s. Every run must end with exit 0 or 2 (a clear error) in time.
    python scripts/stress_limits.py [--mem-mb 1024] [--timeout 30]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from dlcalc.ops import registry

BIG_ARRAYS = {
    "vector": "[" + ",".join(["0.5"] * 3_000_000) + "]",
    "matrix": "@{tmp}/big_matrix.npy",
    "tensor": "@{tmp}/big_tensor.npy",
}
BIG_INT = "1000000000"
BIG_SIZE = "1000000"


def _limit(mem_mb: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_mb * 2**20, mem_mb * 2**20))

    return apply


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mem-mb", type=int, default=1024)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    import tempfile

    import numpy as np

    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/big_matrix.npy", np.full((3000, 3000), 0.5))
        np.save(f"{tmp}/big_tensor.npy", np.full((9, 1000, 1000), 0.5))
        for op in registry().values():
            if args.only and op.name != args.only:
                continue
            for p in op.params:
                if p.kind in BIG_ARRAYS:
                    value = BIG_ARRAYS[p.kind].format(tmp=tmp)
                elif p.kind == "int":
                    value = BIG_INT
                elif p.kind in ("size", "dims"):
                    value = BIG_SIZE
                else:
                    continue
                argv = dict(op.example)
                argv[p.name] = value
                cmd = [sys.executable, "-m", "dlcalc", "batch"]
                record = json.dumps({"op": op.name, "args": argv})
                start = time.perf_counter()
                try:
                    proc = subprocess.run(
                        cmd,
                        input=record,
                        capture_output=True,
                        text=True,
                        timeout=args.timeout,
                        preexec_fn=_limit(args.mem_mb),
                        env=dict(os.environ, DLCALC_DEBUG="0"),
                    )
                    elapsed = time.perf_counter() - start
                    out = proc.stdout.strip()
                    ok = proc.returncode in (0, 1) and out.startswith('{"line"')
                    verdict = json.loads(out)["error"][:70] if ok and '"ok":false' in out else "ok"
                    if "internal" in verdict or "could not compute" in verdict:
                        ok = False
                except subprocess.TimeoutExpired:
                    elapsed, ok, verdict = args.timeout, False, "TIMEOUT"
                if not ok or elapsed > 10:
                    bad += not ok
                    err = proc.stderr.strip().splitlines()[-1:] if verdict != "TIMEOUT" else ""
                    print(
                        f"{'BAD ' if not ok else 'SLOW'} {op.name:16} {p.flag:18} {elapsed:6.1f}s {verdict} {err}"
                    )
    print(f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
