"""One-hidden-layer network: forward pass and one backpropagation step (CONTRACT: ``forward``,
``backprop``), in the slides' notation.

Shapes: x (d,), W1 (nH x d), b1 (nH,), W2 (C x nH), b2 (C,), t (C,); w_ji = W1[j, i],
w_kj = W2[k, j]. net_j = W1 x + b1, y = f(net_j), net_k = W2 y + b2, z = f_out(net_k).
The activations come from :mod:`dlcalc.engine.mlp.activations` (the same code as ``act``).
"""

from __future__ import annotations

import numpy as np

from dlcalc.engine._shapes import expect_shape
from dlcalc.engine._working import Working
from dlcalc.engine.mlp.activations import FORMULAS, check_name, deriv_text, jacobian
from dlcalc.engine.mlp.activations import value_text as act_text
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, fmt

MAX_UNITS = 8  # units worked one by one per layer; beyond that whole vectors
MAX_TERMS = 8  # terms of a sum written out
MAX_ENTRIES = 8  # weight changes written entry by entry
_FORWARD_KEYS = ("net_hidden", "y", "net_out", "z")


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
    """Values of one forward pass (all float64 arrays).

    With a :class:`Working` ``w`` each value is kept under its result key (net_hidden, y,
    net_out, z) in computing order, so a replay recomputes the rest of the pass from a
    student's own value; ``rules``: consult the forward pass's variant rules (the
    misconceptions of ``forward``, :mod:`dlcalc.engine.mlp.mistakes`).
    The derivatives jy, jz (Jacobians dy/dnet_j, dz/dnet_k) come from the kept net; where a
    replay (or a rule) changed y or z, sigmoid, tanh and softmax take theirs from f, as the
    slides write them (f(1 - f), 1 - f^2), so a student's y carries into f'(net_j).
    """

    __slots__ = ("net_h", "y", "dy", "jy", "net_o", "z", "jz", "act", "out_act", "alpha", "slipped")

    def __init__(
        self,
        x,
        w1,
        b1,
        w2,
        b2,
        act: str,
        out_act: str,
        alpha: float | None,
        w: Working | None = None,
        rules: bool = False,
    ) -> None:
        self.act, self.out_act, self.alpha = act, out_act, alpha
        keep = (lambda name, value: kept(w, name, value)) if w is not None else (lambda n, v: v)
        applied: list[str] = []

        def slip(rule: str) -> bool:
            if w is None or not rules or not w.slip(rule):
                return False
            applied.append(rule)
            return True

        self.net_h = keep("net_hidden", _affine(slip, w1, x, b1))
        self.y, self.jy = _activation(keep, slip, "y", act, self.net_h, alpha, output=False)
        self.dy = np.diag(self.jy).copy()
        self.net_o = keep("net_out", _affine(slip, w2, self.y, b2))
        self.z, self.jz = _activation(keep, slip, "z", out_act, self.net_o, alpha, output=True)
        self.slipped = bool(applied)  # computed under a forward rule: the unit texts do not fit


def kept(w: Working, name: str, value):
    """``w.keep(name, value)`` with an override of another shape but as many values (a
    student's scalar z for a one-unit layer, a flat list for a matrix) reshaped to the
    computed value's, as a float array."""
    got = w.keep(name, value)
    if got is value or not isinstance(value, np.ndarray):
        return got
    arr = np.array(got, dtype=np.float64)
    if arr.shape != value.shape and arr.size == value.size:
        arr = arr.reshape(value.shape)
    return arr


def _affine(slip, weights: np.ndarray, v: np.ndarray, b: np.ndarray) -> np.ndarray:
    """W v + b, or as a student with a forward misconception writes it."""
    if weights.shape[0] == weights.shape[1] and slip("weights-transposed"):
        weights = weights.T  # W^T v: only possible (and so only consulted) for a square W
    if slip("no-bias"):
        return weights @ v
    return weights @ v + b


def _activation(keep, slip, name, act: str, net: np.ndarray, alpha, *, output: bool):
    """f(net) kept as ``name`` and its Jacobian (from f where f is not the computed one)."""
    f_true, jac = jacobian(act, net, alpha)
    f = f_true
    if act == "sigmoid" and slip("sigmoid-sign"):
        with np.errstate(over="ignore"):
            f = 1.0 / (1.0 + np.exp(net))  # 1/(1 + e^s): the minus sign of e^(-s) lost
    if not output and act != "linear" and slip("hidden-act-missing"):
        f = net.copy()
        jac = np.eye(net.size)  # the hidden layer treated as linear: f' = 1
    if output and act != "linear" and slip("out-act-missing"):
        f = net.copy()
        jac = np.eye(net.size)  # the output treated as linear: f' = 1
    f = keep(name, f)
    if f is not f_true and act in ("sigmoid", "tanh", "softmax") and jac.shape[0] == f.size:
        if not np.array_equal(f, f_true):
            jac = _jacobian_from_f(act, np.asarray(f, dtype=np.float64))
    return f, jac


def _jacobian_from_f(act: str, f: np.ndarray) -> np.ndarray:
    """f' in terms of f, as the slides write it: sigmoid f(1 - f), tanh 1 - f^2."""
    if act == "sigmoid":
        return np.diag(f * (1.0 - f))
    if act == "tanh":
        return np.diag(1.0 - f * f)
    return np.diag(f) - np.outer(f, f)  # softmax


def forward_steps(
    x, w1, b1, w2, b2, p: Pass, act: str, out_act: str, alpha, summary: tuple[str, ...] = ()
) -> list[Step]:
    """net_j, y_j, net_k, z_k unit by unit (whole vectors for wide layers).

    Steps with a whole vector are named by their key (``net_hidden``, ``y``, ``net_out``,
    ``z``); ``summary``: those of these keys the command's result does not hold (backprop: all
    four, ae: the net inputs): a layer worked unit by unit ends with its whole vector as a
    named step (a one-unit
    layer's step is itself named), so a student's ``z`` or ``y[1]`` can be checked."""
    steps: list[Step] = []
    layers = (
        ("hidden", "j", "net_j = sum_i w_ji x_i + b_j", x, w1, b1, p.net_h, "y", act, p.y),
        ("output", "k", "net_k = sum_j w_kj y_j + b_k", p.y, w2, b2, p.net_o, "z", out_act, p.z),
    )
    for layer, u, formula, v, w, b, net, out, name, f in layers:
        key = "net_hidden" if out == "y" else "net_out"
        if net.size > MAX_UNITS:
            steps.append(
                Step(
                    f"Net input, {layer} layer",
                    formula.split(" = ")[0] + " = W v + b",
                    "",
                    net,
                    name=key,
                )
            )
            steps.append(Step(f"Output, {layer} layer", f"{out} = f(net)", "", f, name=out))
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
        if key in summary:
            wx = "W1 x + b1" if out == "y" else "W2 y + b2"
            _summarise(steps, net, key, f"Net inputs, {layer} layer", f"{formula[:5]} = {wx}", p)
        if name == "softmax":
            steps.append(
                Step(f"Output, {layer} layer ({name})", FORMULAS[name][0], "", f, name=out)
            )
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
            if out in summary:
                _summarise(steps, f, out, f"Outputs, {layer} layer", f"{out} = f(net_{u})", p)
    return steps


def _summarise(
    steps: list[Step], value: np.ndarray, key: str, title: str, formula: str, p: Pass
) -> None:
    """Name the one unit's step ``key``, or add the whole vector as the step ``key`` (also
    for one unit when a forward rule made the value: the unit's text is the right formula's)."""
    if value.size == 1 and not p.slipped:
        steps[-1].name = key
    else:
        steps.append(Step(title, formula, "", value, name=key))


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
    Named values, in computing order: net_hidden, y, net_out, z.
    """
    act, out_act = _names(act, out_act)
    check_net(x, w1, b1, w2, b2)
    w = Working()
    p = Pass(x, w1, b1, w2, b2, act, out_act, alpha, w=w, rules=True)
    steps = forward_steps(x, w1, b1, w2, b2, p, act, out_act, alpha)
    result = {"net_hidden": p.net_h, "y": p.y, "net_out": p.net_o, "z": p.z}
    return w.solution(result, steps=steps)


def _derivative_slips(w: Working, act: str, net: np.ndarray, f: np.ndarray, jac: np.ndarray):
    """f'(net) as a student with a derivative misconception computes it."""
    if act == "sigmoid" and w.slip("deriv-on-net"):
        return np.diag(net * (1.0 - net))  # sigma'(net) written net(1 - net)
    if act == "tanh":
        if w.slip("deriv-on-net"):
            jac = np.diag(1.0 - net * net)  # tanh'(net) written 1 - net^2
        if w.slip("tanh-deriv-no-square"):
            jac = np.diag(1.0 - f)  # 1 - f instead of 1 - f^2
    return jac


def backward(
    x,
    w1,
    b1,
    w2,
    b2,
    p: Pass,
    err: np.ndarray,
    lr: float,
    d_out: np.ndarray | None = None,
    w: Working | None = None,
    rules: bool = False,
) -> dict[str, np.ndarray]:
    """delta_k = sum_m err_m dz_m/dnet_k (= err_k f'(net_k) elementwise), where err = -dJ/dz;
    delta_j = f'(net_j) sum_k w_kj delta_k; dW = lr delta (input)^T, db = lr delta.

    With a Working ``w`` every value is kept under its result key, in computing order
    (delta_out, delta_hidden, dw2, db2, dw1, db1, w2_new, b2_new, w1_new, b1_new), and each
    is computed from the kept values before it; ``rules``: consult backprop's variant rules.
    """
    w = Working() if w is None else w
    jz, jy = p.jz, p.jy
    if rules:
        jy = _derivative_slips(w, p.act, p.net_h, p.y, jy)
    if d_out is None:
        if rules:
            jz = _derivative_slips(w, p.out_act, p.net_o, p.z, jz)
            if w.slip("delta-sign"):
                err = -err  # z - t instead of t - z
        if rules and p.out_act != "linear" and w.slip("no-deriv-out"):
            d_out = np.array(err, dtype=np.float64)  # f'(net_k) left out
        else:
            d_out = jz.T @ err
    d_out = kept(w, "delta_out", d_out)
    eta = lr
    if rules and lr != 1 and w.slip("no-lr"):
        eta = 1.0
    w2_back = w2
    if rules and w.slip("delta-hidden-new-w2"):
        w2_back = w2 + eta * np.outer(d_out, p.y)  # the updated w_kj instead of the old
    back = w2_back.T @ d_out
    if rules and p.act != "linear" and w.slip("no-deriv-hidden"):
        d_hid = back  # f'(net_j) left out
    else:
        d_hid = jy.T @ back
    d_hid = kept(w, "delta_hidden", d_hid)
    y_in = p.y
    if rules and p.act != "linear" and w.slip("dw2-uses-net"):
        y_in = p.net_h  # net_j instead of y_j = f(net_j)
    dw2 = kept(w, "dw2", eta * np.outer(d_out, y_in))
    db2 = kept(w, "db2", eta * d_out)
    dw1 = kept(w, "dw1", eta * np.outer(d_hid, x))
    db1 = kept(w, "db1", eta * d_hid)
    return {
        "delta_out": d_out,
        "delta_hidden": d_hid,
        "dw2": dw2,
        "db2": db2,
        "dw1": dw1,
        "db1": db1,
        "w2_new": kept(w, "w2_new", w2 + dw2),
        "b2_new": kept(w, "b2_new", b2 + db2),
        "w1_new": kept(w, "w1_new", w1 + dw1),
        "b1_new": kept(w, "b1_new", b1 + db1),
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
    Step names: the result keys (``delta_out``, ``dw2``, ``w2_new``...), with the entry's
    index where the working goes unit by unit (``delta_out[0]``, ``dw2[0,1]``).
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
                name="delta_out",
            )
        )
    elif d_out.size > MAX_UNITS:
        steps.append(
            Step("Output deltas", f"delta_k = {err_formula} f'(net_k)", "", d_out, name="delta_out")
        )
    elif override is not None:
        for k in range(d_out.size):
            steps.append(
                Step(
                    f"delta_{k + 1} (output)",
                    override[0],
                    override[1][k],
                    d_out[k],
                    name=f"delta_out[{k}]",
                )
            )
    else:
        for k in range(d_out.size):
            dt = deriv_text(out_act, float(p.net_o[k]), float(p.z[k]), alpha)
            steps.append(
                Step(
                    f"delta_{k + 1} (output)",
                    f"delta_k = {err_formula} f'(net_k)",
                    f"{err_text[k]} * {dt}",
                    d_out[k],
                    name=f"delta_out[{k}]",
                )
            )
    if act == "softmax":
        steps.append(
            Step(
                "Hidden deltas (softmax couples the units)",
                "delta_j = sum_m dy_m/dnet_j sum_k w_km delta_k",
                "",
                d_hid,
                name="delta_hidden",
            )
        )
    elif d_hid.size > MAX_UNITS:
        steps.append(
            Step(
                "Hidden deltas",
                "delta_j = f'(net_j) sum_k w_kj delta_k",
                "",
                d_hid,
                name="delta_hidden",
            )
        )
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
                    name=f"delta_hidden[{j}]",
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
                            name=f"d{key}[{a},{b}]",
                        )
                    )
        else:
            steps.append(
                Step(
                    f"Change of {key} ({what})",
                    f"Delta W = eta delta {inp}^T",
                    f"{fmt(lr)} * {fmt(delta)} {fmt(v)}^T",
                    dw,
                    name="d" + key,
                )
            )
        bkey = "b" + key[1]
        steps.append(
            Step(
                f"Change of {bkey}",
                f"Delta b_{r} = eta delta_{r}",
                f"{fmt(lr)} * {fmt(delta)}",
                g["d" + bkey],
                name="d" + bkey,
            )
        )
    for key in ("w2", "b2", "w1", "b1"):
        steps.append(
            Step(
                f"Updated {key}",
                f"{key}' = {key} + Delta {key}",
                "",
                g[key + "_new"],
                name=key + "_new",
            )
        )
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
    Named values, in computing order: net_hidden, y, net_out, z, loss, delta_out,
    delta_hidden, dw2, db2, dw1, db1, w2_new, b2_new, w1_new, b1_new, loss_after; each is
    computed from the kept values before it (a student's delta_out carries into dw2,
    delta_hidden and the new weights).
    """
    act, out_act = _names(act, out_act)
    _, _, c = check_net(x, w1, b1, w2, b2)
    if target.shape != (c,):
        raise InputError(f"--target: expected {c} values (one per output unit), got {target.size}")
    w = Working()
    p = Pass(x, w1, b1, w2, b2, act, out_act, alpha, w=w, rules=True)
    steps = forward_steps(x, w1, b1, w2, b2, p, act, out_act, alpha, summary=_FORWARD_KEYS)
    err = target - p.z
    half = 1.0 if w.slip("loss-no-half") else 0.5
    loss = w.keep("loss", half * float(err @ err))
    terms = [f"({fmt(t)} - {fmt(z)})^2" for t, z in zip(target.tolist(), p.z.tolist(), strict=True)]
    if len(terms) > MAX_TERMS:
        terms = terms[: MAX_TERMS - 1] + [f"... ({len(terms)} terms)"]
    steps.append(
        Step(
            "Loss",
            "J = 1/2 sum_k (t_k - z_k)^2",
            f"{fmt(half)}*({' + '.join(terms)})",
            loss,
            name="loss",
        )
    )
    g = backward(x, w1, b1, w2, b2, p, err, lr, w=w, rules=True)
    err_text = [
        f"({fmt(t)} - {fmt(z)})" for t, z in zip(target.tolist(), p.z.tolist(), strict=True)
    ]
    steps += backward_steps(x, w2, p, g, act, out_act, alpha, lr, "(t_k - z_k)", err_text)
    after = Pass(x, g["w1_new"], g["b1_new"], g["w2_new"], g["b2_new"], act, out_act, alpha)
    e2 = target - after.z
    loss_after = w.keep("loss_after", half * float(e2 @ e2))
    steps.append(
        Step(
            "Loss after the update",
            "J' = 1/2 sum_k (t_k - z'_k)^2",
            "",
            loss_after,
            name="loss_after",
        )
    )
    notes = []
    if out_act == "softmax":
        notes.append(
            "softmax output: delta_k sums over every output because each z_m depends on every net_k"
        )
    if loss_after > loss:
        notes.append("the loss went up: the learning rate is too large for this step")
    result = {"loss": loss, **g, "loss_after": loss_after}
    return w.solution(result, steps=steps, notes=notes)
