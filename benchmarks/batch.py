"""Batch throughput and memory (issues 10, 14).

Prints conv-size records per second for ``dlcalc batch`` end to end, both writing a file
(``--out``) and writing through a pipe (stdout read by this process), beside the same run's
floor: a bare json.loads/json.dumps loop over the same lines. Then the peak memory of a
1,000,000-line run.
Targets: >= 80,000 records/s through a pipe (issue 14); peak RSS < 150 MB for 1,000,000 lines.
Run: python benchmarks/batch.py [--records 200000] [--big 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, PYTHONPATH=ROOT)  # this checkout's dlcalc, not an installed one


def dlcalc_cmd() -> list[str]:
    return [sys.executable, "-m", "dlcalc"]


def make_lines(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        k = rng.choice([1, 3, 5, 7, 11])
        args = {
            "input": rng.randint(k, 512),
            "kernel": k,
            "stride": rng.randint(1, 4),
            "pad": rng.randint(0, 3),
        }
        lines.append(json.dumps({"op": "conv-size", "args": args}))
    return lines


def floor_rate(lines: list[str]) -> float:
    start = time.perf_counter()
    out = []
    for line in lines:
        rec = json.loads(line)
        out.append(json.dumps({"line": 1, "ok": True, "result": rec["args"]}))
    return len(lines) / (time.perf_counter() - start)


def run_batch(path: str, out: str) -> tuple[float, int]:
    """Seconds and the child's peak RSS (KB) for one ``dlcalc batch`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [*dlcalc_cmd(), "batch", path, "--out", out], capture_output=True, text=True, env=ENV
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {proc.stderr[:500]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def run_pipe(path: str) -> float:
    """Seconds for one ``dlcalc batch FILE | (reader)`` run: stdout is a pipe."""
    start = time.perf_counter()
    proc = subprocess.Popen([*dlcalc_cmd(), "batch", path], stdout=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 16):
        pass
    code = proc.wait()
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"batch through a pipe failed ({code})")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    args = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        lines = make_lines(args.records)
        path = os.path.join(tmp, "in.jsonl")
        with open(path, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        floor = floor_rate(lines)
        elapsed, _ = run_batch(path, os.path.join(tmp, "out.jsonl"))
        to_file = args.records / elapsed
        piped = args.records / run_pipe(path)
        ok = piped >= 80_000
        failed += not ok
        print(f"records: {args.records:,}")
        print(f"floor (json.loads + json.dumps loop): {floor:12,.0f} records/s")
        for label, rate in (("to a file (--out)", to_file), ("through a pipe", piped)):
            print(
                f"dlcalc batch, {label:18s} {rate:12,.0f} records/s  ({rate / floor:.2f} of floor)"
            )
        print(f"target >= 80,000 records/s through a pipe: {'yes' if ok else 'NO'}")

        if args.big:
            big = os.path.join(tmp, "big.jsonl")
            with open(big, "w") as fh:
                block = "\n".join(lines[:10_000]) + "\n"
                for _ in range(args.big // 10_000):
                    fh.write(block)
            elapsed, peak_kb = run_batch(big, os.path.join(tmp, "big-out.jsonl"))
            mb = peak_kb / 1024
            ok = mb < 150
            failed += not ok
            print(
                f"{args.big:,} lines: {elapsed:.1f} s, peak RSS {mb:.0f} MB (target < 150 MB): {'yes' if ok else 'NO'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
