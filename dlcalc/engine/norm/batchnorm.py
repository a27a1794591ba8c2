"""Batch normalisation, training mode (Algorithm 1), and the layouts it shares with inference.

Layouts (features are what gets its own mu, sigma^2, gamma, beta):
  1-D ``m``            m values of one feature;
  2-D ``m x F``        rows are samples (fully connected BN);
  3-D ``N x C x L``    per channel over N and L (BatchNorm1d on sequences);
  4-D ``N x C x H x W`` per channel over N, H and W (convolutional BN).
Internally every layout becomes a ``samples x features`` matrix.
Inference (Algorithm 2) lives in :mod:`dlcalc.engine.norm.inference`; the misconceptions
of both in :mod:`dlcalc.engine.norm.mistakes`.
"""

from __future__ import annotations

import functools

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, fmt

_MAX_FEATURES = 4  # features worked out one by one; more are shown as vectors
_MAX_TERMS = 8  # values written out in a sum


# ---------------------------------------------------------------- guards


def finite_or_error(func):
    """Run an engine with NumPy's overflow warnings off; a non-finite number is an error."""

    @functools.wraps(func)
    def wrapper(**kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            sol = func(**kwargs)
        values = list(sol.result.values()) + [st.value for st in sol.steps]
        for v in values:
            if not isinstance(v, str) and not np.isfinite(np.asarray(v, dtype=float)).all():
                raise ComputationError(
                    "the values are too large: batch statistics overflow (not finite)"
                )
        return sol

    return wrapper


# ---------------------------------------------------------------- layouts


def to_rows(x: np.ndarray, name: str) -> np.ndarray:
    """Any supported layout -> samples x features."""
    if x.ndim == 1:
        return x[:, None]
    if x.ndim == 2:
        return x
    if x.ndim in (3, 4):
        return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    raise InputError(
        f"--{name}: expected m values, an m x features matrix, N x C x L or N x C x H x W, "
        f"got a {x.ndim}-D array"
    )


def from_rows(rows: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_rows` for an array shaped like ``like``."""
    if like.ndim == 1:
        return rows[:, 0]
    if like.ndim == 2:
        return rows
    moved = np.moveaxis(like, 1, -1).shape
    return np.moveaxis(rows.reshape(moved), -1, 1)


def feature_word(x: np.ndarray) -> str:
    return "channel" if x.ndim >= 3 else "feature"


def per_feature(v: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    """Per-feature statistics: a number for 1-D input, else a vector of F."""
    return float(v[0]) if like.ndim == 1 else v


def affine(p: np.ndarray | None, f: int, default: float, name: str) -> np.ndarray:
    if p is None:
        return np.full(f, default)
    if p.size == 1:
        return np.full(f, float(p[0]))
    if p.shape != (f,):
        raise InputError(f"--{name}: expected {f} values (one per feature) or one, got {p.size}")
    return p


def per_feature_row(value: object, f: int, name: str) -> np.ndarray:
    """A kept per-feature value (perhaps a student's number or list) as F floats."""
    arr = np.asarray(value, dtype=float).reshape(-1)
    if arr.size == 1:
        return np.full(f, float(arr[0]))
    if arr.size != f:
        raise InputError(f"{name}: expected {f} values (one per feature) or one, got {arr.size}")
    return arr


def like_input(value: object, like: np.ndarray, name: str) -> np.ndarray:
    """A kept array in the input's layout (a student's x_hat) as the engine's array."""
    arr = np.asarray(value, dtype=float)
    if arr.shape != like.shape:
        try:
            arr = np.broadcast_to(
                arr.reshape(like.shape) if arr.size == like.size else arr, like.shape
            )
        except ValueError:
            raise InputError(
                f"{name}: expected the shape of the input {like.shape}, got {arr.shape}"
            ) from None
    return arr


def _sum_text(values: np.ndarray, template: str = "{}") -> str:
    terms = [template.format(fmt(v)) for v in values[:_MAX_TERMS]]
    more = f" + ... ({values.size} terms)" if values.size > _MAX_TERMS else ""
    return " + ".join(terms) + more


def check_var(var: np.ndarray, eps: float, word: str) -> None:
    if eps == 0 and np.any(var == 0):
        j = int(np.flatnonzero(var == 0)[0]) + 1
        raise ComputationError(
            f"--eps: {word} {j} has zero variance, so x_hat = 0/0; use --eps > 0"
        )


# ---------------------------------------------------------------- training (Algorithm 1)


@finite_or_error
def bn(
    *,
    input: np.ndarray,
    gamma: np.ndarray | None = None,
    beta: np.ndarray | None = None,
    eps: float = 1e-5,
) -> Solution:
    """Batch-normalising transform of one mini-batch (Algorithm 1), per feature.

    mu_B = (1/m) sum_i x_i; sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2 (biased);
    x_hat_i = (x_i - mu_B)/sqrt(sigma_B^2 + eps); y_i = gamma x_hat_i + beta.
    input: m, m x F, N x C x L or N x C x H x W (statistics per channel);
    gamma, beta: F values or one (default 1 and 0). Returns mean, var (F, or a number for
    1-D input), x_hat and output (shaped like input).

    Named values, in order (a replay recomputes everything after one from it): ``mean``,
    ``var``, ``std`` (sqrt(var + eps), per feature), ``x_hat``, ``output``; the working's
    steps carry the same names (one per feature when the features are worked one by one).
    """
    w = Working()
    input = np.atleast_1d(input)
    rows = to_rows(input, "input")
    m, f = rows.shape
    word = feature_word(input)
    g = affine(gamma, f, 1.0, "gamma")
    b = affine(beta, f, 0.0, "beta")
    mu = per_feature_row(w.keep("mean", per_feature(rows.mean(axis=0), input)), f, "mean")
    if m > 1 and w.slip("unbiased-var"):
        var = ((rows - mu) ** 2).sum(axis=0) / (m - 1)
    else:
        var = ((rows - mu) ** 2).mean(axis=0)
    var = per_feature_row(w.keep("var", per_feature(var, input)), f, "var")
    check_var(var, eps, word)
    if w.slip("eps-outside-sqrt"):
        std = np.sqrt(var) + eps
    elif w.slip("divide-by-var"):
        std = var + eps
    else:
        std = np.sqrt(var + eps)
    std = per_feature_row(w.keep("std", per_feature(std, input)), f, "std")
    x_hat = (rows - mu) / std
    x_hat = to_rows(like_input(w.keep("x_hat", from_rows(x_hat, input)), input, "x_hat"), "x_hat")
    if (np.any(g != 1) or np.any(b != 0)) and w.slip("no-affine"):
        y = x_hat
    else:
        y = g * x_hat + b
    y = to_rows(like_input(w.keep("output", from_rows(y, input)), input, "output"), "output")

    x_hat_full, y_full = from_rows(x_hat, input), from_rows(y, input)
    steps: list[Step] = []
    if f <= _MAX_FEATURES:
        for j in range(f):
            col = rows[:, j]
            tag = f" ({word} {j + 1})" if f > 1 else ""
            steps += [
                Step(
                    f"Mini-batch mean{tag}",
                    "mu_B = (1/m) sum_i x_i",
                    f"(1/{m})({_sum_text(col)})",
                    mu[j],
                    name="mean",
                ),
                Step(
                    f"Mini-batch variance{tag}",
                    "sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2",
                    f"(1/{m})({_sum_text(col, '({} - ' + fmt(mu[j]) + ')^2')})",
                    var[j],
                    name="var",
                ),
                Step(
                    f"Normalise{tag}",
                    "x_hat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps)",
                    f"(x_i - {fmt(mu[j])}) / sqrt({fmt(var[j])} + {fmt(eps)}) "
                    f"= (x_i - {fmt(mu[j])}) / {fmt(std[j])}",
                    _feature_slice(x_hat_full, input, j),
                    name="x_hat",
                ),
                Step(
                    f"Scale and shift{tag}",
                    "y_i = gamma x_hat_i + beta",
                    f"{fmt(g[j])} * x_hat_i + {fmt(b[j])}",
                    _feature_slice(y_full, input, j),
                    name="output",
                ),
            ]
    else:
        steps += [
            Step(
                f"Mini-batch means (per {word})",
                "mu_B = (1/m) sum_i x_i",
                f"m = {m}",
                mu,
                name="mean",
            ),
            Step(
                f"Mini-batch variances (per {word})",
                "sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2",
                f"m = {m}",
                var,
                name="var",
            ),
            Step(
                "Normalise",
                "x_hat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps)",
                f"sqrt(sigma_B^2 + {fmt(eps)}) = {fmt(std)}",
                x_hat_full,
                name="x_hat",
            ),
            Step(
                "Scale and shift",
                "y_i = gamma x_hat_i + beta",
                f"gamma = {fmt(g)}, beta = {fmt(b)}",
                y_full,
                name="output",
            ),
        ]
    notes = []
    if input.ndim >= 3:
        shape = "x".join(map(str, input.shape))
        notes.append(
            f"{shape} input: statistics per channel over the other axes, m = {m} values each"
        )
    if m == 1:
        notes.append("a batch of one sample has zero variance: x_hat = 0 and y = beta")
    notes.append("the variance is the biased one (divided by m), as in Algorithm 1")
    return w.solution(
        {
            "mean": per_feature(mu, input),
            "var": per_feature(var, input),
            "x_hat": x_hat_full,
            "output": y_full,
        },
        steps=steps,
        notes=notes,
    )


def _feature_slice(full: np.ndarray, like: np.ndarray, j: int) -> np.ndarray:
    """The values of feature/channel j of an array in ``like``'s layout."""
    if like.ndim == 1:
        return full
    return full[:, j]
