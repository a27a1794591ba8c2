"""Batch normalisation: the training transform (Algorithm 1) and inference (Algorithm 2).

Layouts (features are what gets its own mu, sigma^2, gamma, beta):
  1-D ``m``            m values of one feature;
  2-D ``m x F``        rows are samples (fully connected BN);
  3-D ``N x C x L``    per channel over N and L (BatchNorm1d on sequences);
  4-D ``N x C x H x W`` per channel over N, H and W (convolutional BN).
Internally every layout becomes a ``samples x features`` matrix.
"""

from __future__ import annotations

import numpy as np

from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, Table, fmt

_MAX_FEATURES = 4  # features worked out one by one; more are shown as vectors
_MAX_TERMS = 8  # values written out in a sum
_MAX_BATCHES = 6  # batches whose statistics / running updates are written out


# ---------------------------------------------------------------- layouts


def _to_rows(x: np.ndarray, name: str) -> np.ndarray:
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


def _from_rows(rows: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Inverse of :func:`_to_rows` for an array shaped like ``like``."""
    if like.ndim == 1:
        return rows[:, 0]
    if like.ndim == 2:
        return rows
    moved = np.moveaxis(like, 1, -1).shape
    return np.moveaxis(rows.reshape(moved), -1, 1)


def _feature_word(x: np.ndarray) -> str:
    return "channel" if x.ndim >= 3 else "feature"


def _per_feature(v: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    """Per-feature statistics: a number for 1-D input, else a vector of F."""
    return float(v[0]) if like.ndim == 1 else v


def _affine(p: np.ndarray | None, f: int, default: float, name: str) -> np.ndarray:
    if p is None:
        return np.full(f, default)
    if p.size == 1:
        return np.full(f, float(p[0]))
    if p.shape != (f,):
        raise InputError(f"--{name}: expected {f} values (one per feature) or one, got {p.size}")
    return p


def _sum_text(values: np.ndarray, template: str = "{}") -> str:
    terms = [template.format(fmt(v)) for v in values[:_MAX_TERMS]]
    more = f" + ... ({values.size} terms)" if values.size > _MAX_TERMS else ""
    return " + ".join(terms) + more


def _check_var(var: np.ndarray, eps: float, word: str) -> None:
    if eps == 0 and np.any(var == 0):
        j = int(np.flatnonzero(var == 0)[0]) + 1
        raise ComputationError(
            f"--eps: {word} {j} has zero variance, so x_hat = 0/0; use --eps > 0"
        )


# ---------------------------------------------------------------- training (Algorithm 1)


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
    """
    input = np.atleast_1d(input)
    rows = _to_rows(input, "input")
    m, f = rows.shape
    word = _feature_word(input)
    g = _affine(gamma, f, 1.0, "gamma")
    b = _affine(beta, f, 0.0, "beta")
    mu = rows.mean(axis=0)
    var = ((rows - mu) ** 2).mean(axis=0)
    _check_var(var, eps, word)
    std = np.sqrt(var + eps)
    x_hat = (rows - mu) / std
    y = g * x_hat + b

    x_hat_full, y_full = _from_rows(x_hat, input), _from_rows(y, input)
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
                ),
                Step(
                    f"Mini-batch variance{tag}",
                    "sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2",
                    f"(1/{m})({_sum_text(col, '({} - ' + fmt(mu[j]) + ')^2')})",
                    var[j],
                ),
                Step(
                    f"Normalise{tag}",
                    "x_hat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps)",
                    f"(x_i - {fmt(mu[j])}) / sqrt({fmt(var[j])} + {fmt(eps)}) "
                    f"= (x_i - {fmt(mu[j])}) / {fmt(std[j])}",
                    _feature_slice(x_hat_full, input, j),
                ),
                Step(
                    f"Scale and shift{tag}",
                    "y_i = gamma x_hat_i + beta",
                    f"{fmt(g[j])} * x_hat_i + {fmt(b[j])}",
                    _feature_slice(y_full, input, j),
                ),
            ]
    else:
        steps += [
            Step(f"Mini-batch means (per {word})", "mu_B = (1/m) sum_i x_i", f"m = {m}", mu),
            Step(
                f"Mini-batch variances (per {word})",
                "sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2",
                f"m = {m}",
                var,
            ),
            Step(
                "Normalise",
                "x_hat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps)",
                f"sqrt(sigma_B^2 + {fmt(eps)}) = {fmt(std)}",
                x_hat_full,
            ),
            Step(
                "Scale and shift",
                "y_i = gamma x_hat_i + beta",
                f"gamma = {fmt(g)}, beta = {fmt(b)}",
                y_full,
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
    return Solution(
        result={
            "mean": _per_feature(mu, input),
            "var": _per_feature(var, input),
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


# ---------------------------------------------------------------- inference (Algorithm 2)


def _batches(batch: list[np.ndarray]) -> list[np.ndarray]:
    if not batch:
        raise InputError("--batch: give at least one mini-batch (repeat --batch for more)")
    rows = [_to_rows(b, "batch") for b in batch]
    for k, (b, r) in enumerate(zip(batch, rows, strict=True), start=1):
        if b.ndim != batch[0].ndim:
            raise InputError(f"--batch: batch {k} is {b.ndim}-D, batch 1 is {batch[0].ndim}-D")
        if r.shape[1] != rows[0].shape[1]:
            raise InputError(
                f"--batch: batch {k} has {r.shape[1]} {_feature_word(b)}s, "
                f"batch 1 has {rows[0].shape[1]}"
            )
        if r.shape[0] < 2:
            raise InputError(
                f"--batch: batch {k} has m = {r.shape[0]} value(s) per {_feature_word(b)}; "
                "the unbiased m/(m-1) correction needs m >= 2"
            )
    return rows


def _x_rows(x: np.ndarray, like: np.ndarray, f: int) -> tuple[np.ndarray, bool]:
    """--x in the batches' layout, and whether it is one sample (a lone vector of F values)."""
    if x.ndim == 1 and like.ndim != 1 and f > 1:
        if x.size != f:
            raise InputError(f"--x: expected {f} values (one sample), got {x.size}")
        return x[None, :], True
    rows = _to_rows(x, "x")
    if rows.shape[1] != f:
        raise InputError(
            f"--x: expected {f} {_feature_word(like)}s like --batch, got {rows.shape[1]}"
        )
    return rows, False


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
    """
    batch = [np.atleast_1d(b) for b in batch]
    rows = _batches(batch)
    like = batch[0]
    word = _feature_word(like)
    f = rows[0].shape[1]
    g = _affine(gamma, f, 1.0, "gamma")
    b = _affine(beta, f, 0.0, "beta")
    sizes = np.array([r.shape[0] for r in rows])
    means = np.array([r.mean(axis=0) for r in rows])
    variances = np.array([((r - r.mean(axis=0)) ** 2).mean(axis=0) for r in rows])
    unbiased = variances * (sizes / (sizes - 1))[:, None]
    n = len(rows)

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
        mean = means.mean(axis=0)
        steps.append(
            Step(
                "Population mean (Algorithm 2)",
                "E[x] = E_B[mu_B] = (1/n) sum_B mu_B",
                f"(1/{n})({' + '.join(_show(v, like) for v in means[:_MAX_TERMS])}"
                + (" + ...)" if n > _MAX_TERMS else ")"),
                _per_feature(mean, like),
            )
        )
        var = unbiased.mean(axis=0)
        if np.all(sizes == sizes[0]):
            m = int(sizes[0])
            avg = variances.mean(axis=0)
            steps.append(
                Step(
                    "Population variance (Algorithm 2)",
                    "Var[x] = m/(m-1) E_B[sigma_B^2]",
                    f"{m}/{m - 1} * {_show(avg, like)}",
                    _per_feature(var, like),
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
                    _per_feature(var, like),
                )
            )
            notes.append(
                "batch sizes differ: each batch variance gets its own m/(m-1) correction "
                "(Algorithm 2 assumes one size m)"
            )
        notes.append("statistics: Algorithm 2 (averages over the mini-batches)")
    else:
        mean, var = np.zeros(f), np.ones(f)
        for k in range(n):
            mean = (1 - momentum) * mean + momentum * means[k]
            var = (1 - momentum) * var + momentum * unbiased[k]
            if k < _MAX_BATCHES:
                s = sizes[k]
                steps.append(
                    Step(
                        f"Running averages after batch {k + 1}",
                        "E <- (1-M) E + M mu_B; Var <- (1-M) Var + M m/(m-1) sigma_B^2",
                        f"M = {fmt(momentum)}, m/(m-1) sigma_B^2 = {s}/{s - 1}*"
                        f"{_show(variances[k], like)}",
                        f"E = {_show(mean, like)}, Var = {_show(var, like)}",
                    )
                )
        notes.append(
            f"statistics: framework running averages with momentum {fmt(momentum)} "
            "(PyTorch: start at mean 0 and variance 1, unbiased batch variance), not Algorithm 2"
        )
    _check_var(var, eps, word)
    denom = np.sqrt(var + eps)
    scale = g / denom
    shift = b - g * mean / denom
    steps += [
        Step(
            "Scale",
            "scale = gamma / sqrt(Var[x] + eps)",
            f"{_show(g, like)} / sqrt({_show(var, like)} + {fmt(eps)})",
            _per_feature(scale, like),
        ),
        Step(
            "Shift",
            "shift = beta - gamma E[x] / sqrt(Var[x] + eps)",
            f"{_show(b, like)} - {_show(g, like)}*{_show(mean, like)} / {_show(denom, like)}",
            _per_feature(shift, like),
        ),
    ]
    result = {
        "mean": _per_feature(mean, like),
        "var": _per_feature(var, like),
        "scale": _per_feature(scale, like),
        "shift": _per_feature(shift, like),
    }
    if x is not None:
        x = np.atleast_1d(x)
        xr, single = _x_rows(x, like, f)
        out = (xr - mean) * scale + b  # = scale x + shift, without the cancellation
        value = out[0] if single else _from_rows(out, x)
        steps.append(
            Step(
                "Inference transform",
                "y = scale * x + shift",
                f"{_show(scale, like)} * x + {_show(shift, like)}",
                value,
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
    return Solution(result=result, steps=steps, notes=notes, tables=tables)


def _show(v: np.ndarray, like: np.ndarray) -> str:
    return fmt(v[0]) if like.ndim == 1 or v.size == 1 else fmt(v)
