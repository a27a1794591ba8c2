"""One-hidden-layer network: forward pass and one backpropagation step (CONTRACT: ``forward``,
``backprop``), in the slides' notation.

Shapes: x (d,), W1 (nH x d), b1 (nH,), W2 (C x nH), b2 (C,), t (C,); w_ji = W1[j, i],
w_kj = W2[k, j]. net_j = W1 x + b1, y = f(net_j), net_k = W2 y + b2, z = f_out(net_k).
The activations come from :mod:`dlcalc.engine.mlp.activations` (the same code as ``act``).
"""

from __future__ import annotations

import numpy as np

from dlcalc.engine._shapes import expect_shape
from dlcalc.engine.mlp.activations import FORMULAS, check_name, deriv_text, jacobian
from dlcalc.engine.mlp.activations import value_text as act_text
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, fmt

MAX_UNITS = 8  # units worked one by one per layer; beyond that whole vectors
MAX_TERMS = 8  # terms of a sum written out
MAX_ENTRIES = 8  # weight changes written entry by entry


def neg(v: float) -> str:
    """A number ready to follow an operator: ``(-0.5)`` for negatives."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def check_net(
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    *,
    outputs: int | None = None,
    out_what: str = "outputs x hidden",
) -> tuple[int, int, int]:
    """(d, nH, C) after checking every shape; errors name the flag and the expected shape.

    ``outputs``: the number of rows W2 must have (the autoencoder's d), else len(b2).
    """
    d = x.size
    if w1.shape[1:] != (d,):
        expect_shape(w1, (b1.size, d), "w1", "hidden x inputs")
    nh = w1.shape[0]
    if b1.shape != (nh,):
        raise InputError(
            f"--b1: expected {nh} values (one per hidden unit, the rows of --w1), got {b1.size}"
        )
    c = b2.size if outputs is None else outputs
    if w2.shape[1:] != (nh,) or (outputs is not None and w2.shape[0] != outputs):
        expect_shape(w2, (c, nh), "w2", out_what)
    c = w2.shape[0]
    if b2.shape != (c,):
        raise InputError(
            f"--b2: expected {c} values (one per output unit, the rows of --w2), got {b2.size}"
        )
    return d, nh, c


def signed_sum(parts: list[tuple[float, str]]) -> str:
    """``[(0.15, "*0.05"), (-0.2, "*0.1"), (0.35, "")]`` -> ``0.15*0.05 - 0.2*0.1 + 0.35``.

    Long sums keep the first terms and the last one (the bias), eliding the middle.
    """
    if len(parts) > MAX_TERMS + 1:
        n = len(parts)
        parts = [*parts[: MAX_TERMS - 1], (float("nan"), f"... ({n - MAX_TERMS} more)"), parts[-1]]
    out = []
    for i, (coef, rest) in enumerate(parts):
        if coef != coef:  # the elision marker
            out.append(f" + {rest}")
            continue
        text = fmt(abs(coef)) + rest
        if i == 0:
            out.append(("-" if coef < 0 else "") + text)
        else:
            out.append((" - " if coef < 0 else " + ") + text)
    return "".join(out)


def affine_text(w_row: np.ndarray, v: np.ndarray, b: float) -> str:
    """``0.15*0.05 + 0.2*0.1 + 0.35`` (elided after MAX_TERMS terms)."""
    parts = [(w, f"*{neg(a)}") for w, a in zip(w_row.tolist(), v.tolist(), strict=True)]
    return signed_sum([*parts, (b, "")])


class Pass:
    """Values of one forward pass (all float64 arrays)."""

    __slots__ = ("net_h", "y", "dy", "jy", "net_o", "z", "jz")

    def __init__(self, x, w1, b1, w2, b2, act: str, out_act: str, alpha: float | None) -> None:
        self.net_h = w1 @ x + b1
        self.y, self.jy = jacobian(act, self.net_h, alpha)
        self.dy = np.diag(self.jy).copy()
        self.net_o = w2 @ self.y + b2
        self.z, self.jz = jacobian(out_act, self.net_o, alpha)


def forward_steps(x, w1, b1, w2, b2, p: Pass, act: str, out_act: str, alpha) -> list[Step]:
    """net_j, y_j, net_k, z_k unit by unit (whole vectors for wide layers)."""
    steps: list[Step] = []
    layers = (
        ("hidden", "j", "net_j = sum_i w_ji x_i + b_j", x, w1, b1, p.net_h, "y", act, p.y),
        ("output", "k", "net_k = sum_j w_kj y_j + b_k", p.y, w2, b2, p.net_o, "z", out_act, p.z),
    )
    for layer, u, formula, v, w, b, net, out, name, f in layers:
        if net.size > MAX_UNITS:
            steps.append(
                Step(f"Net input, {layer} layer", formula.split(" = ")[0] + " = W v + b", "", net)
            )
            steps.append(Step(f"Output, {layer} layer", f"{out} = f(net)", "", f))
            continue
        for i in range(net.size):
            steps.append(
                Step(
                    f"net_{i + 1} ({layer} unit {i + 1})",
                    formula,
                    affine_text(w[i], v, float(b[i])),
                    net[i],
                )
            )
        if name == "softmax":
            steps.append(Step(f"Output, {layer} layer ({name})", FORMULAS[name][0], "", f))
        else:
            for i in range(net.size):
                steps.append(
                    Step(
                        f"{out}_{i + 1} = f(net_{u}) ({name})",
                        FORMULAS[name][0],
                        act_text(name, float(net[i]), alpha),
                        f[i],
                    )
                )
    return steps


def _names(act: str, out_act: str | None) -> tuple[str, str]:
    act = check_name(act, "--act")
    return act, act if out_act is None else check_name(out_act, "--out-act")


def forward(
    *,
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    act: str = "sigmoid",
    out_act: str | None = None,
    alpha: float | None = None,
) -> Solution:
    """Forward pass: net_j = W1 x + b1, y = f(net_j), net_k = W2 y + b2, z = f_out(net_k).

    x (d,), w1 (nH x d), b1 (nH,), w2 (C x nH), b2 (C,); f_out defaults to f.
    """
    act, out_act = _names(act, out_act)
    check_net(x, w1, b1, w2, b2)
    p = Pass(x, w1, b1, w2, b2, act, out_act, alpha)
    steps = forward_steps(x, w1, b1, w2, b2, p, act, out_act, alpha)
    result = {"net_hidden": p.net_h, "y": p.y, "net_out": p.net_o, "z": p.z}
    return Solution(result=result, steps=steps)


def backward(
    x, w1, b1, w2, b2, p: Pass, err: np.ndarray, lr: float, d_out: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """delta_k = sum_m err_m dz_m/dnet_k (= err_k f'(net_k) elementwise), where err = -dJ/dz;
    delta_j = f'(net_j) sum_k w_kj delta_k; dW = lr delta (input)^T, db = lr delta."""
    d_out = p.jz.T @ err if d_out is None else d_out
    d_hid = p.jy.T @ (w2.T @ d_out)
    dw2, db2 = lr * np.outer(d_out, p.y), lr * d_out
    dw1, db1 = lr * np.outer(d_hid, x), lr * d_hid
    return {
        "delta_out": d_out,
        "delta_hidden": d_hid,
        "dw2": dw2,
        "db2": db2,
        "dw1": dw1,
        "db1": db1,
        "w2_new": w2 + dw2,
        "b2_new": b2 + db2,
        "w1_new": w1 + dw1,
        "b1_new": b1 + db1,
    }


def backward_steps(
    x,
    w2,
    p: Pass,
    g: dict,
    act: str,
    out_act: str,
    alpha,
    lr: float,
    err_formula: str,
    err_text: list[str],
    override: tuple[str, list[str]] | None = None,
) -> list[Step]:
    """delta_k, delta_j unit by unit, then the weight changes and the updated weights.

    err_formula/err_text: the error term -dJ/dz_k as a formula and per unit with numbers;
    override: (formula, per-unit text) of delta_k when it has a simpler closed form.
    """
    steps: list[Step] = []
    d_out, d_hid = g["delta_out"], g["delta_hidden"]
    if out_act == "softmax":
        steps.append(
            Step(
                "Output deltas (softmax couples the units)",
                f"delta_k = sum_m {err_formula.replace('_k', '_m')} dz_m/dnet_k",
                "J = diag(z) - z z^T",
                d_out,
            )
        )
    elif d_out.size > MAX_UNITS:
        steps.append(Step("Output deltas", f"delta_k = {err_formula} f'(net_k)", "", d_out))
    elif override is not None:
        for k in range(d_out.size):
            steps.append(Step(f"delta_{k + 1} (output)", override[0], override[1][k], d_out[k]))
    else:
        for k in range(d_out.size):
            dt = deriv_text(out_act, float(p.net_o[k]), float(p.z[k]), alpha)
            steps.append(
                Step(
                    f"delta_{k + 1} (output)",
                    f"delta_k = {err_formula} f'(net_k)",
                    f"{err_text[k]} * {dt}",
                    d_out[k],
                )
            )
    if act == "softmax":
        steps.append(
            Step(
                "Hidden deltas (softmax couples the units)",
                "delta_j = sum_m dy_m/dnet_j sum_k w_km delta_k",
                "",
                d_hid,
            )
        )
    elif d_hid.size > MAX_UNITS:
        steps.append(Step("Hidden deltas", "delta_j = f'(net_j) sum_k w_kj delta_k", "", d_hid))
    else:
        for j in range(d_hid.size):
            dt = deriv_text(act, float(p.net_h[j]), float(p.y[j]), alpha)
            parts = [
                (w, f"*{neg(dk)}") for w, dk in zip(w2[:, j].tolist(), d_out.tolist(), strict=True)
            ]
            steps.append(
                Step(
                    f"delta_{j + 1} (hidden)",
                    "delta_j = f'(net_j) sum_k w_kj delta_k",
                    f"{dt} * ({signed_sum(parts)})",
                    d_hid[j],
                )
            )
    layers = (
        ("w2", "k", "j", "y", d_out, p.y, "hidden-to-output"),
        ("w1", "j", "i", "x", d_hid, x, "input-to-hidden"),
    )
    for key, r, c, inp, delta, v, what in layers:
        dw = g["d" + key]
        if dw.size <= MAX_ENTRIES:
            for a in range(dw.shape[0]):
                for b in range(dw.shape[1]):
                    steps.append(
                        Step(
                            f"Change of {key}[{a + 1},{b + 1}] ({what})",
                            f"Delta w_{r}{c} = eta delta_{r} {inp}_{c}",
                            f"{fmt(lr)}*{neg(delta[a])}*{neg(v[b])}",
                            dw[a, b],
                        )
                    )
        else:
            steps.append(
                Step(
                    f"Change of {key} ({what})",
                    f"Delta W = eta delta {inp}^T",
                    f"{fmt(lr)} * {fmt(delta)} {fmt(v)}^T",
                    dw,
                )
            )
        bkey = "b" + key[1]
        steps.append(
            Step(
                f"Change of {bkey}",
                f"Delta b_{r} = eta delta_{r}",
                f"{fmt(lr)} * {fmt(delta)}",
                g["d" + bkey],
            )
        )
    for key in ("w2", "b2", "w1", "b1"):
        steps.append(Step(f"Updated {key}", f"{key}' = {key} + Delta {key}", "", g[key + "_new"]))
    return steps


def backprop(
    *,
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    target: np.ndarray,
    lr: float,
    act: str = "sigmoid",
    out_act: str | None = None,
    alpha: float | None = None,
) -> Solution:
    """One backpropagation step on J = 1/2 sum_k (t_k - z_k)^2.

    delta_k = (t_k - z_k) f'(net_k); delta_j = f'(net_j) sum_k w_kj delta_k;
    Delta w_kj = eta delta_k y_j; Delta w_ji = eta delta_j x_i; Delta b = eta delta;
    new = old + Delta. Shapes as :func:`forward`; target (C,).
    """
    act, out_act = _names(act, out_act)
    _, _, c = check_net(x, w1, b1, w2, b2)
    if target.shape != (c,):
        raise InputError(f"--target: expected {c} values (one per output unit), got {target.size}")
    p = Pass(x, w1, b1, w2, b2, act, out_act, alpha)
    steps = forward_steps(x, w1, b1, w2, b2, p, act, out_act, alpha)
    err = target - p.z
    loss = 0.5 * float(err @ err)
    terms = [f"({fmt(t)} - {fmt(z)})^2" for t, z in zip(target.tolist(), p.z.tolist(), strict=True)]
    if len(terms) > MAX_TERMS:
        terms = terms[: MAX_TERMS - 1] + [f"... ({len(terms)} terms)"]
    steps.append(Step("Loss", "J = 1/2 sum_k (t_k - z_k)^2", f"0.5*({' + '.join(terms)})", loss))
    g = backward(x, w1, b1, w2, b2, p, err, lr)
    err_text = [
        f"({fmt(t)} - {fmt(z)})" for t, z in zip(target.tolist(), p.z.tolist(), strict=True)
    ]
    steps += backward_steps(x, w2, p, g, act, out_act, alpha, lr, "(t_k - z_k)", err_text)
    after = Pass(x, g["w1_new"], g["b1_new"], g["w2_new"], g["b2_new"], act, out_act, alpha)
    e2 = target - after.z
    loss_after = 0.5 * float(e2 @ e2)
    steps.append(Step("Loss after the update", "J' = 1/2 sum_k (t_k - z'_k)^2", "", loss_after))
    notes = []
    if out_act == "softmax":
        notes.append(
            "softmax output: delta_k sums over every output because each z_m depends on every net_k"
        )
    if loss_after > loss:
        notes.append("the loss went up: the learning rate is too large for this step")
    result = {"loss": loss, **g, "loss_after": loss_after}
    return Solution(result=result, steps=steps, notes=notes)
