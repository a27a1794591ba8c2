"""Shared by the benchmark scripts: the median wall time of a command, and how to run dlcalc."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time


def dlcalc_cmd() -> list[str]:
    """The installed console script, else ``python -m dlcalc``."""
    exe = shutil.which("dlcalc")
    return [exe] if exe else [sys.executable, "-m", "dlcalc"]


def median_time(cmd: list[str], runs: int) -> float:
    """Median seconds of ``runs`` runs of ``cmd`` (output discarded, colours off)."""
    env = dict(os.environ, NO_COLOR="1")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)
