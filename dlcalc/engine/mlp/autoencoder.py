"""Autoencoder forward pass, reconstruction loss and an optional backprop step (CONTRACT: ``ae``).

y = f(W1 x + b1) (encoder), z = f(W2 y + b2) (decoder), the target being x itself.
Shapes: x (d,), W1 (nH x d), b1 (nH,), W2 (d x nH), b2 (d,).
"""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.mlp.activations import check_name
from dlcalc.engine.mlp.network import (
    MAX_TERMS,
    Pass,
    backward,
    backward_steps,
    check_net,
    forward_steps,
)
from dlcalc.errors import ComputationError
from dlcalc.solution import Solution, Step, fmt


def _softplus(s: np.ndarray) -> np.ndarray:
    """ln(1 + e^s) without overflow."""
    return np.maximum(s, 0.0) + np.log1p(np.exp(-np.abs(s)))


def _join(terms: list[str]) -> str:
    if len(terms) > MAX_TERMS:
        terms = terms[: MAX_TERMS - 1] + [f"... ({len(terms)} terms)"]
    return " + ".join(terms)


def ae(
    *,
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    act: str = "sigmoid",
    out_act: str | None = None,
    loss: str = "square",
    lr: float | None = None,
    alpha: float | None = None,
) -> Solution:
    """Autoencoder: y = f(W1 x + b1), z = f(W2 y + b2), loss against x.

    square: J = ||x - z||^2 (no 1/2, as the slides write it), -dJ/dz_k = 2(x_k - z_k);
    cross-entropy: J = -sum_k x_k ln z_k + (1 - x_k) ln(1 - z_k); with a sigmoid decoder
    delta_k = x_k - z_k. With ``lr``: one backprop step (deltas, changes, new weights).
    """
    act = check_name(act, "--act")
    out_act = act if out_act is None else check_name(out_act, "--out-act")
    check_net(x, w1, b1, w2, b2, outputs=x.size, out_what="inputs x hidden: z reconstructs x")
    w = Working()
    p = Pass(x, w1, b1, w2, b2, act, out_act, alpha, w=w)
    summary = ("net_hidden", "net_out")
    steps = forward_steps(x, w1, b1, w2, b2, p, act, out_act, alpha, summary=summary)
    for step in steps:
        step.title = step.title.replace("hidden", "encoder").replace("output", "decoder")
    notes: list[str] = []
    xs, zs = x.tolist(), p.z.tolist()
    d_out = None
    override = None
    if loss == "square":
        e = x - p.z
        value = float(e @ e)
        if w.slip("loss-no-square"):
            value = math.sqrt(value)  # ||x - z||, the norm not squared
        if w.slip("square-half"):
            value = 0.5 * float(e @ e)  # the 1/2 of backprop's loss
        terms = [f"({fmt(a)} - {fmt(b)})^2" for a, b in zip(xs, zs, strict=True)]
        steps.append(
            Step("Loss (square)", "J = ||x - z||^2 = sum_k (x_k - z_k)^2", _join(terms), value)
        )
        err = 2.0 * e
        err_formula = "2(x_k - z_k)"
        err_text = [f"2*({fmt(a)} - {fmt(b)})" for a, b in zip(xs, zs, strict=True)]
    else:
        if np.any((x < 0) | (x > 1)):
            notes.append("cross-entropy expects inputs x in [0, 1]")
        if out_act == "sigmoid":
            # ln z = -softplus(-net), ln(1 - z) = -softplus(net): finite even when z rounds to 1
            log_z, log_1z = -_softplus(-p.net_o), -_softplus(p.net_o)
            d_out = x - p.z
            override = (
                "delta_k = x_k - z_k (sigmoid decoder with cross-entropy)",
                [f"{fmt(a)} - {fmt(b)}" for a, b in zip(xs, zs, strict=True)],
            )
        else:
            bad = np.flatnonzero((p.z <= 0) | (p.z >= 1))
            if bad.size:
                k = int(bad[0])
                raise ComputationError(
                    f"--loss: cross-entropy needs 0 < z < 1, but z_{k + 1} = {fmt(p.z[k])} "
                    f"with the {out_act} decoder (use --out-act sigmoid)"
                )
            log_z, log_1z = np.log(p.z), np.log1p(-p.z)
        value = float(-(x @ log_z + (1.0 - x) @ log_1z))
        if w.slip("ce-log10"):
            value = value / math.log(10.0)  # log base 10
        if w.slip("ce-sign"):
            value = -value  # the leading minus lost
        terms = [
            f"{fmt(a)}*ln({fmt(b)}) + {fmt(1 - a)}*ln(1 - {fmt(b)})"
            for a, b in zip(xs, zs, strict=True)
        ]
        steps.append(
            Step(
                "Loss (cross-entropy)",
                "J = -sum_k [x_k ln z_k + (1 - x_k) ln(1 - z_k)]",
                f"-({_join(terms)})",
                value,
            )
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            err = np.where(p.z > 0, x / np.where(p.z > 0, p.z, 1.0), 0.0) - np.where(
                p.z < 1, (1.0 - x) / np.where(p.z < 1, 1.0 - p.z, 1.0), 0.0
            )
        err_formula = "(x_k/z_k - (1 - x_k)/(1 - z_k))"
        err_text = [
            f"({fmt(a)}/{fmt(b)} - {fmt(1 - a)}/{fmt(1 - b)})" for a, b in zip(xs, zs, strict=True)
        ]
    if x.size > 1 and w.slip("loss-mean"):
        value = value / x.size  # the mean over the d outputs
    value = w.keep("loss", value)
    result: dict[str, object] = {"y": p.y, "z": p.z, "loss": value}
    if lr is not None:
        g = backward(x, w1, b1, w2, b2, p, err, lr, d_out=d_out, w=w)
        steps += backward_steps(
            x, w2, p, g, act, out_act, alpha, lr, err_formula, err_text, override
        )
        result.update(g)
        notes.append("one gradient step: new = old + eta*delta*(input), delta = -dJ/dnet")
    return w.solution(result, steps=steps, notes=notes)
