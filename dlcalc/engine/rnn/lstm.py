"""Long short-term memory: gates, candidate cell, cell and hidden state per time step.

f_t = sigmoid(z_f), z_f = W_fh h_{t-1} + W_fx x_t + b_f   (forget gate)
i_t = sigmoid(z_i), z_i = W_ih h_{t-1} + W_ix x_t + b_i   (input gate)
o_t = sigmoid(z_o), z_o = W_oh h_{t-1} + W_ox x_t + b_o   (output gate)
c~_t = tanh(z_c),   z_c = W_ch h_{t-1} + W_cx x_t + b_c   (candidate cell)
c_t = f_t * c_{t-1} + i_t * c~_t;  h_t = o_t * tanh(c_t)  (elementwise)
Shapes: x T x d; W_*h H x H; W_*x H x d; b_* H. The four gates are stacked into one
4H x H and one 4H x d matrix, so each step is one matrix product (no loop over units).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.rnn.recurrent import affine_text, as_sequence, square, term, vec_text
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, Table

GATES = ("f", "i", "o", "c")
KEYS = tuple(k for g in GATES for k in (f"w_{g}h", f"w_{g}x", f"b_{g}"))
_TITLES = {"f": "forget gate", "i": "input gate", "o": "output gate", "c": "candidate cell"}
MAX_SHOWN_STEPS = 4  # time steps written out in full (all are in the table)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1/(1 + e^-z) via e^-|z|, which never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _matrix(w: np.ndarray, rows: int, cols: int | None, key: str, what: str) -> np.ndarray:
    """Weights as rows x cols; a number is 1x1, a vector a row (rows = 1) or column."""
    if w.ndim == 0:
        w = w.reshape(1, 1)
    elif w.ndim == 1:
        w = w[None, :] if rows == 1 else w[:, None]
    want = f"{rows}x{'d' if cols is None else cols}"
    if w.ndim != 2 or w.shape[0] != rows or (cols is not None and w.shape[1] != cols):
        got = "x".join(map(str, w.shape))
        raise InputError(f"--weights: {key}: expected {want} ({what}), got {got}")
    return w


def read_weights(weights: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The LSTM weight arrays (dlcalc.parse.rnn:weights_param) checked against one H and d;
    and the parser's notes (the slides' names read)."""
    raw = weights
    notes = list(getattr(weights, "notes", []))
    w_fh = raw["w_fh"]
    if w_fh.ndim < 2:
        w_fh = w_fh.reshape(1, 1) if w_fh.size == 1 else w_fh
    try:
        nh = square(w_fh, "w_fh")
    except InputError:
        got = "x".join(map(str, w_fh.shape))
        raise InputError(f"--weights: w_fh: expected HxH (hidden x hidden), got {got}") from None
    out: dict[str, np.ndarray] = {}
    d = None
    for g in GATES:
        out[f"w_{g}h"] = _matrix(raw[f"w_{g}h"], nh, nh, f"w_{g}h", "hidden x hidden")
        out[f"w_{g}x"] = _matrix(raw[f"w_{g}x"], nh, d, f"w_{g}x", "hidden x input")
        d = out[f"w_{g}x"].shape[1]
        b = raw[f"b_{g}"].reshape(-1)
        if b.size != nh:
            raise InputError(f"--weights: b_{g}: expected {nh} values (hidden), got {b.size}")
        out[f"b_{g}"] = b
    return out, notes


def _value(v: np.ndarray) -> Any:
    return float(v[0]) if v.size == 1 else v


def lstm(
    *,
    x: np.ndarray,
    weights: Any,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Solution:
    """LSTM forward pass over T steps (see the module docstring for the equations).

    weights: the arrays by key w_fh w_fx b_f w_ih w_ix b_i w_oh w_ox b_o w_ch w_cx b_c, as
    dlcalc.parse.rnn:weights_param gives them. Returns f, i, o, c_tilde, c, h: each T x H.
    """
    w, notes = read_weights(weights)
    nh, d = w["w_fh"].shape[0], w["w_fx"].shape[1]
    xs, seq_notes = as_sequence(x, d, source="w_fx in --weights")
    notes += seq_notes
    h = np.zeros(nh) if h0 is None else _state(h0, nh, "h0")
    c = np.zeros(nh) if c0 is None else _state(c0, nh, "c0")
    t_len = xs.shape[0]
    w_h = np.vstack([w[f"w_{g}h"] for g in GATES])  # 4H x H
    with np.errstate(over="ignore", invalid="ignore"):
        z_x = xs @ np.vstack([w[f"w_{g}x"] for g in GATES]).T + np.concatenate(
            [w[f"b_{g}"] for g in GATES]
        )  # T x 4H: the input part of every pre-activation at once
    out = {k: np.empty((t_len, nh)) for k in ("f", "i", "o", "c_tilde", "c", "h")}
    pre = np.empty((t_len, 4 * nh))
    steps: list[Step] = []
    wk = Working()
    # the classic slips (a plain run uses none); o-for-f shows only once c_prev is nonzero
    o_for_f = (t_len > 1 or bool(np.any(c))) and wk.slip("o-for-f")
    no_input_gate = wk.slip("no-input-gate")
    sigmoid_candidate = wk.slip("sigmoid-candidate")
    h_without_tanh = wk.slip("h-without-tanh")

    def keep(name: str, value: np.ndarray, t: int) -> np.ndarray:
        return np.asarray(wk.keep(name, value, at=t), dtype=float).reshape(nh)

    for t in range(t_len):
        with np.errstate(over="ignore", invalid="ignore"):
            z = w_h @ h + z_x[t]
        if not np.isfinite(z).all():
            raise ComputationError(f"t = {t + 1}: a gate pre-activation overflows")
        zf, zi, zo, zc = z.reshape(4, nh)
        f_t, i_t, o_t = (
            keep("f", _sigmoid(zf), t),
            keep("i", _sigmoid(zi), t),
            keep("o", _sigmoid(zo), t),
        )
        c_tilde = keep("c_tilde", _sigmoid(zc) if sigmoid_candidate else np.tanh(zc), t)
        keep_gate = o_t if o_for_f else f_t
        c_new = keep("c", keep_gate * c + (1.0 if no_input_gate else i_t) * c_tilde, t)
        h_new = keep("h", o_t * (c_new if h_without_tanh else np.tanh(c_new)), t)
        pre[t] = z
        for key, v in (("f", f_t), ("i", i_t), ("o", o_t), ("c_tilde", c_tilde)):
            out[key][t] = v
        out["c"][t], out["h"][t] = c_new, h_new
        if t < MAX_SHOWN_STEPS:
            steps += _time_steps(t, w, xs[t], h, c, z.reshape(4, nh), out)
        h, c = h_new, c_new
    if t_len > MAX_SHOWN_STEPS:
        notes.append(
            f"working shown for the first {MAX_SHOWN_STEPS} of {t_len} steps; see the table"
        )
    table = Table(
        "LSTM states",
        ["t", "x_t", "f_t", "i_t", "o_t", "c~_t", "c_t", "h_t"],
        [
            # raw values: the renderer formats them only if the table is printed
            [t + 1, xs[t]] + [out[k][t] for k in ("f", "i", "o", "c_tilde", "c", "h")]
            for t in range(t_len)
        ],
    )
    return wk.solution(out, steps=steps, notes=notes, tables=[table])


def _state(v: np.ndarray, nh: int, name: str) -> np.ndarray:
    v = v.reshape(-1)
    if v.size != nh:
        raise InputError(f"--{name}: expected {nh} values (hidden), got {v.size}")
    return v


def _time_steps(
    t: int,
    w: dict[str, np.ndarray],
    x_t: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    z: np.ndarray,
    out: dict[str, np.ndarray],
) -> list[Step]:
    """The working of one time step: each gate's pre-activation and value, c_t and h_t."""
    n, p = t + 1, t
    steps = []
    for k, g in enumerate(GATES):
        act = "tanh" if g == "c" else "sigmoid"
        name = "c~" if g == "c" else g
        value = out["c_tilde" if g == "c" else g][t]
        inner = affine_text(w[f"w_{g}h"], h, w[f"w_{g}x"], x_t, w[f"b_{g}"])
        steps.append(
            Step(
                f"t = {n}: {_TITLES[g]} pre-activation",
                f"z_{g} = W_{g}h h_{p} + W_{g}x x_{n} + b_{g}",
                inner,
                _value(z[k]),
            )
        )
        steps.append(
            Step(
                f"t = {n}: {_TITLES[g]}",
                f"{name}_{n} = {act}(z_{g})",
                f"{act}({vec_text(z[k])})",
                _value(value),
            )
        )
    f_t, i_t, ct = out["f"][t], out["i"][t], out["c_tilde"][t]
    steps.append(
        Step(
            f"t = {n}: cell state",
            f"c_{n} = f_{n} * c_{p} + i_{n} * c~_{n}",
            f"{vec_text(f_t)}*{term(c)} + {vec_text(i_t)}*{term(ct)}",
            _value(out["c"][t]),
        )
    )
    steps.append(
        Step(
            f"t = {n}: hidden state",
            f"h_{n} = o_{n} * tanh(c_{n})",
            f"{vec_text(out['o'][t])}*tanh({vec_text(out['c'][t])})",
            _value(out["h"][t]),
        )
    )
    return steps
