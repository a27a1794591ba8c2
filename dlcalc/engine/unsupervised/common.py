"""Shared pieces of PCA and CCA: centring, 1/n scatter matrices, the sign rule, compact working.

The operations themselves live in ``dlcalc.engine.unsupervised.pca`` and ``dlcalc.engine.unsupervised.cca``; the
SymPy path for ``--exact`` in ``dlcalc.engine.unsupervised.exact``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import fmt

SHOW_ROWS = 8  # data rows written out in the working; larger inputs are summarised
SHOW_DIM = 8  # largest dimension for which d x d matrices are written out in the steps
SUM_TERMS = 8  # largest n for which the sums behind S are written term by term


def check_samples(x: np.ndarray, name: str, *, min_rows: int = 2) -> tuple[int, int]:
    """(n, d) of a data matrix with one sample per row; at least ``min_rows`` samples."""
    n, d = x.shape
    if n < min_rows:
        raise InputError(
            f"--{name}: expected at least {min_rows} samples (one per row), got {n} row"
            f"{'' if n == 1 else 's'} of {d} value{'' if d == 1 else 's'}"
        )
    return n, d


def check_k(k: int, most: int, what: str) -> None:
    """--k must lie in 1..most."""
    if not 1 <= k <= most:
        raise InputError(f"--k: expected an integer in 1..{most} ({what}), got {k}")


def centre(x: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(mean, x - mean); ComputationError when the values are too large to average."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = x.mean(axis=0)
        z = x - mean
    if not (np.isfinite(mean).all() and np.isfinite(z).all()):
        raise ComputationError(f"--{name}: the values are too large to average; rescale them")
    return mean, z


def scatter(z: np.ndarray, name: str, divisor: int | None = None) -> np.ndarray:
    """(1/n) Z^T Z for centred rows z_i: the slides' S = (1/n) sum_i z_i z_i^T (d x d).

    divisor: n by default (the slides' 1/n); n - 1 for the sample covariance (ddof 1).
    ComputationError when the data vary but the variances underflow (values near 1e-150).
    """
    s = cross_scatter(z, z, name, divisor)
    if float(np.max(np.diag(s), initial=0.0)) < 1e-280 and np.any(z):
        raise ComputationError(f"--{name}: the variance underflows to 0; rescale the data")
    return s


def cross_scatter(
    zx: np.ndarray, zy: np.ndarray, name: str, divisor: int | None = None
) -> np.ndarray:
    """(1/n) Z_x^T Z_y = (1/n) sum_i x_i y_i^T (p x q), or over ``divisor`` (n - 1 for
    ddof 1); ComputationError on overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        s = zx.T @ zy / (zx.shape[0] if divisor is None else divisor)
    if not np.isfinite(s).all():
        raise ComputationError(f"--{name}: the scatter matrix overflows; rescale the data")
    return (s + s.T) / 2 if zx is zy else s  # exactly symmetric


def sign_rule(vectors: np.ndarray) -> np.ndarray:
    """+1/-1 per row that makes its largest-|.| entry positive (the first of near-ties).

    Near-ties (within 1e-9 relative) go to the first such entry, so (1, -1)/sqrt(2) keeps
    its sign whatever rounding the SVD left in the magnitudes.
    """
    mag = np.abs(vectors)
    top = mag.max(axis=1, keepdims=True)
    first = np.argmax(mag >= top * (1 - 1e-9), axis=1)
    signs = np.sign(vectors[np.arange(vectors.shape[0]), first])
    signs[signs == 0] = 1.0
    return signs


def clean(arr: np.ndarray, scale: float) -> np.ndarray:
    """Round-off below 1e-13 * scale to exact zeros (so working shows 0, not 1e-17)."""
    out = np.array(arr, dtype=float)
    out[np.abs(out) < 1e-13 * max(scale, 1e-300)] = 0.0
    return out + 0.0  # no negative zeros


def paren(x: float) -> str:
    """A number as a factor in a product: negatives in brackets."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


def show(arr: np.ndarray, what: str = "rows", rows: int = SHOW_ROWS) -> np.ndarray | str:
    """The array itself when small enough to write out, else a short text summary."""
    if arr.ndim < 2 or (arr.shape[0] <= rows and arr.shape[1] <= SHOW_DIM * 2):
        return arr
    shape = " x ".join(map(str, arr.shape))
    if arr.shape[1] > SHOW_DIM * 2:
        return f"{shape} matrix (in the result)"
    head = "\n".join(fmt(r) for r in arr[:3])
    return f"{shape} matrix; first 3 {what}:\n{head}\n..."


def mean_terms(x: np.ndarray, name: str = "x") -> str:
    """``(1/4) ([1, 0] + [2, 3] + ...)`` for small inputs, else the formula in words."""
    n = x.shape[0]
    if n > 6 or x.shape[1] > SHOW_DIM:
        return f"(1/{n}) ({name}_1 + ... + {name}_{n})"
    return f"(1/{n}) ({' + '.join(fmt(row) for row in x)})"


def scatter_terms(
    za: np.ndarray,
    zb: np.ndarray,
    symbol: str,
    symmetric: bool,
    name: str = "S",
    divisor: int | None = None,
) -> str:
    """Entry-by-entry sums behind a 1/n scatter matrix: ``S_11 = (1/4)(1*1 + (-2)*0 + ...)``
    (``divisor`` in place of n when given: 1/(n - 1) for ddof 1)."""
    n, p = za.shape
    q = zb.shape[1]
    n = n if divisor is None else divisor
    if za.shape[0] > SUM_TERMS or p * q > 9:
        return f"(1/{n}) {symbol}"
    parts = []
    for a in range(p):
        for b in range(a if symmetric else 0, q):
            terms = " + ".join(
                f"{paren(u)}*{paren(v)}" for u, v in zip(za[:, a], zb[:, b], strict=True)
            )
            parts.append(f"{name}_{a + 1}{b + 1} = (1/{n})({terms})")
    return "; ".join(parts)


def divisor(w: Any, n: int, ddof: int) -> int:
    """The covariance divisor, n (the slides, ddof 0) or n - 1 (ddof 1), under the two
    variant rules that swap them (sample-cov: n - 1 where n is meant; population-cov)."""
    if ddof == 0:
        return n - 1 if w.slip("sample-cov") else n
    return n if w.slip("population-cov") else n - 1
