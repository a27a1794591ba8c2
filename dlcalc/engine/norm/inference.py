"""Batch normalisation at inference (Algorithm 2): population statistics, scale and shift.

E[x] = mean of the mini-batch means; Var[x] = m/(m-1) * mean of the mini-batch variances
(or the running averages frameworks keep, with ``momentum``); the transform folds into
y = scale x + shift. Layouts as in :mod:`dlcalc.engine.norm.batchnorm`; misconceptions in
:mod:`dlcalc.engine.norm.mistakes`.
"""

from __future__ import annotations

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.norm.batchnorm import (
    affine,
    check_var,
    feature_word,
    finite_or_error,
    from_rows,
    per_feature,
    per_feature_row,
    to_rows,
)
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, Table, fmt

_MAX_TERMS = 8  # batch means written out in a sum
_MAX_BATCHES = 6  # batches whose statistics / running updates are written out


def _batches(batch: list[np.ndarray]) -> list[np.ndarray]:
    if not batch:
        raise InputError("--batch: give at least one mini-batch (repeat --batch for more)")
    rows = [to_rows(b, "batch") for b in batch]
    for k, (b, r) in enumerate(zip(batch, rows, strict=True), start=1):
        if b.ndim != batch[0].ndim:
            raise InputError(f"--batch: batch {k} is {b.ndim}-D, batch 1 is {batch[0].ndim}-D")
        if r.shape[1] != rows[0].shape[1]:
            raise InputError(
                f"--batch: batch {k} has {r.shape[1]} {feature_word(b)}s, "
                f"batch 1 has {rows[0].shape[1]}"
            )
        if r.shape[0] < 2:
            raise InputError(
                f"--batch: batch {k} has m = {r.shape[0]} value(s) per {feature_word(b)}; "
                "the unbiased m/(m-1) correction needs m >= 2"
            )
    return rows


def _x_rows(x: np.ndarray, like: np.ndarray, f: int) -> tuple[np.ndarray, bool]:
    """--x in the batches' layout, and whether it is one sample (a lone vector of F values)."""
    if x.ndim == 1 and like.ndim != 1 and f > 1:
        if x.size != f:
            raise InputError(f"--x: expected {f} values (one sample), got {x.size}")
        return x[None, :], True
    rows = to_rows(x, "x")
    if rows.shape[1] != f:
        raise InputError(
            f"--x: expected {f} {feature_word(like)}s like --batch, got {rows.shape[1]}"
        )
    return rows, False


@finite_or_error
def bn_infer(
    *,
    batch: list[np.ndarray],
    gamma: np.ndarray | None = None,
    beta: np.ndarray | None = None,
    eps: float = 1e-5,
    x: np.ndarray | None = None,
    momentum: float | None = None,
) -> Solution:
    """Population statistics and the folded inference transform (Algorithm 2).

    E[x] = mean over batches of mu_B; Var[x] = m/(m-1) * mean over batches of sigma_B^2
    (with unequal sizes, the mean of m_b/(m_b-1) sigma_b^2). With ``momentum`` M, instead
    the running averages of frameworks (PyTorch): starting at 0 and 1, per batch
    E <- (1-M) E + M mu_B and Var <- (1-M) Var + M m/(m-1) sigma_B^2.
    scale = gamma/sqrt(Var + eps); shift = beta - gamma E/sqrt(Var + eps); y = scale x + shift.
    batch: each in a layout of :func:`bn` with the same features; x: the same layout, or
    one sample of F values.

    Named values, in order (a replay recomputes everything after one from it):
    ``batch_means``, ``batch_vars`` (row k: batch k; the variances from the kept means),
    ``mean``, ``var``, ``scale``, ``shift``, ``output``; the working's steps carry the same
    names. Under a replay with overrides, shift = beta - scale E[x] and y = scale x + shift
    are computed from the (student's) scale and shift.
    """
    w = Working()
    batch = [np.atleast_1d(b) for b in batch]
    rows = _batches(batch)
    like = batch[0]
    word = feature_word(like)
    f = rows[0].shape[1]
    g = affine(gamma, f, 1.0, "gamma")
    b = affine(beta, f, 0.0, "beta")
    sizes = np.array([r.shape[0] for r in rows])
    n = len(rows)
    means = _kept_rows(w, "batch_means", np.array([r.mean(axis=0) for r in rows]), like)
    variances = np.array([((r - mu) ** 2).mean(axis=0) for r, mu in zip(rows, means, strict=True)])
    variances = _kept_rows(w, "batch_vars", variances, like)
    if w.slip("no-unbiased-correction"):
        unbiased = variances
    else:
        unbiased = variances * (sizes / (sizes - 1))[:, None]

    steps: list[Step] = []
    for k in range(min(n, _MAX_BATCHES)):
        steps.append(
            Step(
                f"Batch {k + 1} statistics (m = {sizes[k]})",
                "mu_B = (1/m) sum_i x_i; sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2",
                "",
                f"mu_B = {_show(means[k], like)}, sigma_B^2 = {_show(variances[k], like)}",
            )
        )
    notes: list[str] = []
    if momentum is None:
        mean = per_feature_row(w.keep("mean", per_feature(means.mean(axis=0), like)), f, "mean")
        steps.append(
            Step(
                "Population mean (Algorithm 2)",
                "E[x] = E_B[mu_B] = (1/n) sum_B mu_B",
                f"(1/{n})({' + '.join(_show(v, like) for v in means[:_MAX_TERMS])}"
                + (" + ...)" if n > _MAX_TERMS else ")"),
                per_feature(mean, like),
                name="mean",
            )
        )
        if n > 1 and w.slip("mean-of-stds"):  # the batch stds averaged, then squared
            var = (np.sqrt(unbiased).mean(axis=0)) ** 2
        else:
            var = unbiased.mean(axis=0)
        var = per_feature_row(w.keep("var", per_feature(var, like)), f, "var")
        if np.all(sizes == sizes[0]):
            m = int(sizes[0])
            avg = variances.mean(axis=0)
            steps.append(
                Step(
                    "Population variance (Algorithm 2)",
                    "Var[x] = m/(m-1) E_B[sigma_B^2]",
                    f"{m}/{m - 1} * {_show(avg, like)}",
                    per_feature(var, like),
                    name="var",
                )
            )
        else:
            steps.append(
                Step(
                    "Population variance (Algorithm 2, unequal batch sizes)",
                    "Var[x] = (1/n) sum_B m_B/(m_B-1) sigma_B^2",
                    " + ".join(
                        f"{s}/{s - 1}*{_show(v, like)}"
                        for s, v in zip(sizes[:_MAX_TERMS], variances[:_MAX_TERMS], strict=True)
                    ),
                    per_feature(var, like),
                    name="var",
                )
            )
            notes.append(
                "batch sizes differ: each batch variance gets its own m/(m-1) correction "
                "(Algorithm 2 assumes one size m)"
            )
        notes.append("statistics: Algorithm 2 (averages over the mini-batches)")
    else:
        mean, var = np.zeros(f), np.ones(f)
        keep = fmt(1 - momentum)
        for k in range(n):
            prev_mean, prev_var = mean, var
            mean = (1 - momentum) * mean + momentum * means[k]
            var = (1 - momentum) * var + momentum * unbiased[k]
            if k < _MAX_BATCHES:
                s = sizes[k]
                steps.append(
                    Step(
                        f"Running averages after batch {k + 1}",
                        "E <- (1-M) E + M mu_B; Var <- (1-M) Var + M m/(m-1) sigma_B^2",
                        f"E = {keep}*{_show(prev_mean, like)} + {fmt(momentum)}*"
                        f"{_show(means[k], like)}; Var = {keep}*{_show(prev_var, like)} + "
                        f"{fmt(momentum)}*{s}/{s - 1}*{_show(variances[k], like)}",
                        f"E = {_show(mean, like)}, Var = {_show(var, like)}",
                    )
                )
        mean = per_feature_row(w.keep("mean", per_feature(mean, like)), f, "mean")
        var = per_feature_row(w.keep("var", per_feature(var, like)), f, "var")
        notes.append(
            f"statistics: framework running averages with momentum {fmt(momentum)} "
            "(PyTorch: start at mean 0 and variance 1, unbiased batch variance), not Algorithm 2"
        )
    check_var(var, eps, word)
    denom = np.sqrt(var) + eps if w.slip("eps-outside-sqrt") else np.sqrt(var + eps)
    scale = per_feature_row(w.keep("scale", per_feature(g / denom, like)), f, "scale")
    replay = w.overrides is not None  # follow-through: from the (student's) scale and shift
    if w.slip("shift-not-scaled"):  # gamma E[x] not divided by sqrt(Var + eps)
        shift = b - g * mean
    elif replay:
        shift = b - scale * mean
    else:
        shift = b - g * mean / denom
    shift = per_feature_row(w.keep("shift", per_feature(shift, like)), f, "shift")
    steps += [
        Step(
            "Scale",
            "scale = gamma / sqrt(Var[x] + eps)",
            f"{_show(g, like)} / sqrt({_show(var, like)} + {fmt(eps)})",
            per_feature(scale, like),
            name="scale",
        ),
        Step(
            "Shift",
            "shift = beta - gamma E[x] / sqrt(Var[x] + eps)",
            f"{_show(b, like)} - {_show(g, like)}*{_show(mean, like)} / {_show(denom, like)}",
            per_feature(shift, like),
            name="shift",
        ),
    ]
    result = {
        "mean": per_feature(mean, like),
        "var": per_feature(var, like),
        "scale": per_feature(scale, like),
        "shift": per_feature(shift, like),
    }
    if x is not None:
        x = np.atleast_1d(x)
        xr, single = _x_rows(x, like, f)
        if replay or w.rule == "shift-not-scaled":
            out = xr * scale + shift  # y = scale x + shift, from the values as given
        else:
            out = (xr - mean) * scale + b  # = scale x + shift, without the cancellation
        value = out[0] if single else from_rows(out, x)
        value = w.keep("output", value)
        steps.append(
            Step(
                "Inference transform",
                "y = scale * x + shift",
                f"{_show(scale, like)} * x + {_show(shift, like)}",
                value,
                name="output",
            )
        )
        result["output"] = value
    tables = [
        Table(
            "Mini-batch statistics",
            ["batch", "m", "mu_B", "sigma_B^2", "m/(m-1) sigma_B^2"],
            [
                [
                    k + 1,
                    int(sizes[k]),
                    _show(means[k], like),
                    _show(variances[k], like),
                    _show(unbiased[k], like),
                ]
                for k in range(n)
            ],
        )
    ]
    result["batch_means"] = means[:, 0] if like.ndim == 1 else means
    result["batch_vars"] = variances[:, 0] if like.ndim == 1 else variances
    return w.solution(result, steps=steps, notes=notes, tables=tables)


def _kept_rows(w: Working, name: str, rows: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Per-batch statistics (batches x F) kept under ``name`` in the result's shape (a vector
    of one per batch for 1-D batches), returned as batches x F."""
    shown = rows[:, 0] if like.ndim == 1 else rows
    kept = np.asarray(w.keep(name, shown), dtype=float)
    if kept.size != rows.size:
        raise InputError(f"{name}: expected {rows.size} values, got {kept.size}")
    return kept.reshape(rows.shape)


def _show(v: np.ndarray, like: np.ndarray) -> str:
    return fmt(v[0]) if like.ndim == 1 or v.size == 1 else fmt(v)
