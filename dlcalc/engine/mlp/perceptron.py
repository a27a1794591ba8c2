"""The perceptron learning rule of the slides, epoch by epoch (CONTRACT: ``perceptron``)."""

from __future__ import annotations

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, Table, as_exact, fmt

_MAX_STEPS = 40  # weight updates written out as steps
_MAX_VISITS = 200  # rows of the per-sample table
_MAX_EPOCH_ROWS = 100


def _labels(labels: np.ndarray, n: int) -> tuple[np.ndarray, bool]:
    """Labels as -1/+1 and whether they were given as 0/1."""
    if labels.shape != (n,):
        raise InputError(
            f"--labels: expected {n} values (one per row of --data), got {labels.size}"
        )
    values = set(np.unique(labels).tolist())
    if values <= {-1.0, 1.0}:
        return labels.copy(), False
    if values <= {0.0, 1.0}:
        return np.where(labels > 0, 1.0, -1.0), True
    shown = ", ".join(fmt(v) for v in sorted(values))
    raise InputError(f"--labels: expected labels in {{-1, 1}} or {{0, 1}}, got {shown}")


def perceptron(
    *,
    data: np.ndarray,
    labels: np.ndarray,
    lr: float = 1.0,
    epochs: int = 100,
    weights: np.ndarray | None = None,
) -> Solution:
    """Train a perceptron: x~ = [1, x]; predict +1 if w.x~ >= 0 else -1; on a mistake
    w <- w + lr*y*x~.

    data: n x d; labels: n values in {-1, 1} or {0, 1} (0 read as -1); weights: d+1 values
    (w0 first), zero by default. Samples are visited in order; training stops after the
    first epoch without a mistake, or after ``epochs`` epochs.
    """
    n, d = data.shape
    y, zero_one = _labels(labels, n)
    if lr <= 0:
        raise InputError(f"--lr: expected a positive learning rate, got {fmt(lr)}")
    if weights is None:
        w = np.zeros(d + 1)
    elif weights.shape != (d + 1,):
        raise InputError(
            f"--weights: expected {d + 1} values (w0, then one per feature of --data), "
            f"got {weights.size}"
        )
    else:
        w = weights.astype(np.float64)
    work = Working()
    xa = np.hstack([np.ones((n, 1)), data])
    if work.slip("no-augmented-one"):
        xa[:, 0] = 0.0  # x without the leading 1: w0 never enters w.x~ nor changes
    without_y = work.slip("update-without-y")
    strict = work.slip("tie-rule-reversed")

    steps = [
        Step(
            "Rule",
            "x~ = [1, x]; y^ = +1 if w.x~ >= 0 else -1; mistake: w <- w + eta*y*x~",
            f"eta = {fmt(lr)}, w(0) = {fmt(w)}",
            w.copy(),
        )
    ]
    notes: list[str] = []
    if zero_one:
        notes.append("labels given as {0, 1}: 0 is read as -1, as the sign rule predicts -1/+1")
    visits: list[tuple] = []
    per_epoch: list[int] = []
    epoch_rows: list[tuple] = []
    seen: dict[tuple[float, ...], int] = {tuple(w.tolist()): 0}
    cycle: tuple[int, int] | None = None
    shown_updates = 0
    converged = False
    for epoch in range(1, epochs + 1):
        mistakes = 0
        for i in range(n):
            a = float(xa[i] @ w)
            pred = 1.0 if (a > 0 if strict else a >= 0) else -1.0
            wrong = pred != y[i]
            if wrong:
                mistakes += 1
                new = w + lr * xa[i] if without_y else w + lr * y[i] * xa[i]
                if shown_updates < _MAX_STEPS:
                    shown_updates += 1
                    steps.append(
                        Step(
                            f"Epoch {epoch}, sample {i + 1}: mistake",
                            "w.x~ -> y^ != y; w <- w + eta*y*x~",
                            f"{fmt(w)}.{fmt(xa[i])} = {fmt(a)} -> {fmt(pred)} != {fmt(y[i])}; "
                            f"{fmt(w)} + {fmt(lr)}*{_paren(y[i])}*{fmt(xa[i])}",
                            new,
                        )
                    )
                w = new
            if len(visits) < _MAX_VISITS:
                visits.append(
                    (
                        epoch,
                        i + 1,
                        fmt(xa[i]),
                        fmt(y[i]),
                        fmt(a),
                        fmt(pred),
                        "update" if wrong else "-",
                        fmt(w),
                    )
                )
        per_epoch.append(mistakes)
        if len(epoch_rows) < _MAX_EPOCH_ROWS:
            epoch_rows.append((epoch, mistakes, fmt(w)))
        if mistakes == 0:
            converged = True
            break
        key = tuple(w.tolist())
        if cycle is None and key in seen:
            cycle = (seen[key], epoch)
        seen.setdefault(key, epoch)

    w = work.keep("weights", w)
    w_out = as_exact(np.asarray(w, dtype=np.float64))
    epochs_run = len(per_epoch)
    steps.append(
        Step(
            "Mistakes per epoch",
            "count of w <- w + eta*y*x~ updates in each pass",
            "",
            per_epoch,
        )
    )
    steps.append(
        Step(
            "Final weights",
            "w = [w0, w1, ..., wd]",
            f"{'converged' if converged else 'stopped'} after {epochs_run} epoch(s)",
            w_out,
        )
    )
    if converged:
        notes.append(f"converged: epoch {epochs_run} made no mistake (the data are separated)")
    else:
        notes.append(
            f"not converged after {epochs} epoch(s): the data may not be linearly separable "
            "(the slides' XOR example has no separating line), or more epochs are needed"
        )
        if cycle is not None:
            start = "the start" if cycle[0] == 0 else f"epoch {cycle[0]}"
            notes.append(
                f"the weights after epoch {cycle[1]} repeat those after {start}: training "
                "cycles and will never converge, so the data are not linearly separable"
            )
    if n > 0 and len(visits) < epochs_run * n:
        notes.append(f"the per-sample table shows the first {_MAX_VISITS} visits")
    tables = [
        Table("Epochs", ("epoch", "mistakes", "weights after"), epoch_rows),
        Table(
            "Samples visited",
            ("epoch", "sample", "x~", "y", "w.x~", "y^", "", "w after"),
            visits,
        ),
    ]
    result = {"weights": w_out, "converged": converged, "epochs": epochs_run, "mistakes": per_epoch}
    return work.solution(result, steps=steps, notes=notes, tables=tables)


def _paren(v: float) -> str:
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text
