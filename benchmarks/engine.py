"""Engine speed (issue 10): array operations must be vectorised, not Python loops over pixels.

Prints, for each, the best of several runs and a ratio to a NumPy floor of the same size:
- conv on a 16x64x64 input with 32x16x3x3 kernels vs one numpy.matmul of the im2col shapes
  (3844 x 144) @ (144 x 32); target ratio <= 2.
- max-pool 2x2 on 64x128x128 vs one numpy reduction over the same number of elements.
- bn on a 4096 x 256 batch vs numpy mean + var of the same matrix.
- lstm over a 100-step sequence (hidden 64, input 32) vs 100 matmuls of its gate shapes.
Run: python benchmarks/engine.py
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

from dlcalc.engine.cnn.conv import conv, pool
from dlcalc.engine.norm.batchnorm import bn
from dlcalc.engine.rnn.lstm import lstm


def best(fn, number: int = 5, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> int:
    rng = np.random.default_rng(0)
    rows = []

    x = rng.normal(size=(16, 64, 64))
    k = rng.normal(size=(32, 16, 3, 3))
    cols = rng.normal(size=(62 * 62, 16 * 9))
    w = rng.normal(size=(16 * 9, 32))
    rows.append(
        (
            "conv 16x64x64 * 32x16x3x3",
            best(lambda: conv(input=x, kernel=k)),
            best(lambda: cols @ w),
            2.0,
        )
    )

    fmap = rng.normal(size=(64, 128, 128))
    rows.append(
        (
            "max-pool 2x2 on 64x128x128",
            best(lambda: pool(input=fmap, size=(2, 2))),
            best(lambda: fmap.reshape(64, 64, 2, 64, 2).max(axis=(2, 4))),
            None,
        )
    )

    batch = rng.normal(size=(4096, 256))
    rows.append(
        (
            "bn 4096x256",
            best(lambda: bn(input=batch)),
            best(lambda: (batch.mean(0), batch.var(0))),
            None,
        )
    )

    nh, d = 64, 32
    weights = {}
    for g in "fioc":
        weights[f"w_{g}h"] = rng.normal(size=(nh, nh)) * 0.1
        weights[f"w_{g}x"] = rng.normal(size=(nh, d)) * 0.1
        weights[f"b_{g}"] = np.zeros(nh)
    seq = rng.normal(size=(100, d))
    wh = rng.normal(size=(4 * nh, nh))
    h = rng.normal(size=nh)

    def floor_lstm():
        for _ in range(100):
            wh @ h

    rows.append(
        (
            "lstm 100 steps, hidden 64",
            best(lambda: lstm(x=seq, weights=weights), number=2),
            best(floor_lstm),
            None,
        )
    )

    failed = 0
    print(f"{'operation':32} {'dlcalc ms':>10} {'floor ms':>9} {'ratio':>7}  target")
    for label, t, floor, target in rows:
        ratio = t / floor
        verdict = ""
        if target is not None:
            ok = ratio <= target
            failed += not ok
            verdict = f"<= {target:g}: {'yes' if ok else 'NO'}"
        print(f"{label:32} {t * 1000:10.2f} {floor * 1000:9.2f} {ratio:7.2f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
