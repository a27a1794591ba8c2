"""Recurrent networks: the forward recurrence, BPTT in the slides' scalar example, F^N.

h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h), y_t = W_yh h_t (h_0 = 0 unless given).
Shapes: x is T x d (a vector is T scalar inputs when d = 1); W_hh H x H; W_hx H x d;
b_h H; W_yh O x H. Scalars are 1 x 1 weights.
"""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._shapes import expect_shape
from dlcalc.engine._working import Working
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, Table, fmt

MAX_SHOWN_STEPS = 8  # time steps written out in the working (all are in the table)
_MAX_SUBST = 16  # matrices up to this many entries are substituted in the working


def as_sequence(x: np.ndarray, d: int, *, source: str) -> tuple[np.ndarray, list[str]]:
    """--x as T x d rows: a number is one step; a vector is T scalar steps when d = 1,
    or one step when it has d values; a matrix must have d columns.

    source: the flag whose columns fix d (for messages). Returns (rows, notes).
    """
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim == 1:
        if d == 1:
            return x[:, None], []
        if x.size == d:
            return x[None, :], [f"--x has {d} values: read as one time step of a {d}-vector"]
        raise InputError(
            f"--x: expected T x {d} rows ({d} inputs per step, from {source}), got {x.size} values"
        )
    if x.ndim != 2 or x.shape[1] != d:
        shape = "x".join(map(str, x.shape))
        raise InputError(
            f"--x: expected T x {d} rows ({d} inputs per step, from {source}), got {shape}"
        )
    return x, []


def as_bias(b: np.ndarray, h: int, name: str) -> np.ndarray:
    """A bias vector of H values (one value is allowed when H = 1)."""
    b = b.reshape(-1)
    if b.size != h:
        raise InputError(f"--{name.replace('_', '-')}: expected {h} values (hidden), got {b.size}")
    return b


def square(w: np.ndarray, name: str) -> int:
    """H for an H x H recurrent matrix."""
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        shape = "x".join(map(str, w.shape))
        raise InputError(f"--{name.replace('_', '-')}: expected HxH (hidden x hidden), got {shape}")
    return w.shape[0]


def vec_text(v: np.ndarray) -> str:
    """A vector of one value as a number, else as a list."""
    return fmt(v.reshape(-1)[0]) if v.size == 1 else fmt(v)


def term(v: float | np.ndarray) -> str:
    """A number ready to follow an operator: ``(-0.5)`` for negatives, lists as they are."""
    v = np.asarray(v)
    text = vec_text(v) if v.ndim else fmt(v)
    return f"({text})" if text.startswith("-") else text


def affine_text(w_h: np.ndarray, h: np.ndarray, w_x: np.ndarray, x: np.ndarray, b: np.ndarray):
    """'W_h h + W_x x + b' with numbers (scalars as a*b), or '' when too large."""
    if w_h.size == 1 and w_x.size == 1:
        return f"{vec_text(w_h)}*{term(h)} + {term(w_x)}*{term(x)} + {term(b)}"
    if max(w_h.size, w_x.size) > _MAX_SUBST:
        return ""
    return f"{fmt(w_h)} {fmt(h)} + {fmt(w_x)} {fmt(x)} + {fmt(b)}"


def rnn(
    *,
    x: np.ndarray,
    w_hh: np.ndarray,
    w_hx: np.ndarray,
    b_h: np.ndarray,
    w_yh: np.ndarray,
    h0: np.ndarray | None = None,
) -> Solution:
    """Forward pass of a simple (Elman) RNN over T steps.

    a_t = W_hh h_{t-1} + W_hx x_t + b_h; h_t = tanh(a_t); y_t = W_yh h_t.
    Returns h (T x H) and y (T x O).
    """
    nh = square(w_hh, "w_hh")
    if w_hx.shape[0] == 1 and nh > 1 and w_hx.shape[1] == nh:
        w_hx = w_hx.T  # a list of H values: one input (d = 1), the only valid reading
    expect_shape(w_hx, (nh, None), "w_hx", "hidden x input")
    expect_shape(w_yh, (None, nh), "w_yh", "outputs x hidden")
    xs, notes = as_sequence(x, w_hx.shape[1], source="--w-hx")
    b = as_bias(b_h, nh, "b_h")
    h = np.zeros(nh) if h0 is None else as_bias(h0, nh, "h0")
    w = Working()
    # the classic slips, consulted where they can show (a plain run uses none of them)
    if np.any(b) and w.slip("no-bias"):
        b = np.zeros(nh)
    if np.any(h) and w.slip("h0-ignored"):
        h = np.zeros(nh)
    no_tanh = w.slip("no-tanh")
    no_recurrence = (
        bool(np.any(w_hh)) and (xs.shape[0] > 1 or np.any(h)) and w.slip("no-recurrence")
    )
    y_of_a = w.slip("y-before-tanh")
    t_len = xs.shape[0]
    hs, ys, pre = np.empty((t_len, nh)), np.empty((t_len, w_yh.shape[0])), np.empty((t_len, nh))
    steps: list[Step] = []
    for t in range(t_len):
        with np.errstate(over="ignore", invalid="ignore"):
            a = (0.0 if no_recurrence else w_hh @ h) + w_hx @ xs[t] + b
            h_new = np.asarray(w.keep("h", a if no_tanh else np.tanh(a), at=t), dtype=float)
            h_new = h_new.reshape(nh)
            y_new = w_yh @ (a if y_of_a else h_new)
            y_new = np.asarray(w.keep("y", y_new, at=t), dtype=float).reshape(w_yh.shape[0])
            pre[t], hs[t], ys[t] = a, h_new, y_new
        if not (np.isfinite(a).all() and np.isfinite(ys[t]).all()):
            raise ComputationError(f"t = {t + 1}: the pre-activation or output overflows")
        if t < MAX_SHOWN_STEPS:
            inner = affine_text(w_hh, h, w_hx, xs[t], b)
            steps.append(
                Step(
                    f"t = {t + 1}: hidden state",
                    f"h_{t + 1} = tanh(W_hh h_{t} + W_hx x_{t + 1} + b_h)",
                    (f"tanh({inner}) = " if inner else "") + f"tanh({vec_text(a)})",
                    vec_text(h_new) if nh == 1 else h_new,
                )
            )
            steps.append(
                Step(
                    f"t = {t + 1}: output",
                    f"y_{t + 1} = W_yh h_{t + 1}",
                    f"{vec_text(w_yh)}*{term(h_new)}"
                    if w_yh.size == 1
                    else f"{fmt(w_yh)} {fmt(h_new)}"
                    if w_yh.size <= _MAX_SUBST
                    else "",
                    vec_text(ys[t]) if ys.shape[1] == 1 else ys[t],
                )
            )
        h = h_new
    if t_len > MAX_SHOWN_STEPS:
        notes.append(
            f"working shown for the first {MAX_SHOWN_STEPS} of {t_len} steps; see the table"
        )
    table = Table(
        "Recurrence",
        ["t", "x_t", "a_t", "h_t", "y_t"],
        [
            [t + 1, xs[t], pre[t], hs[t], ys[t]]  # formatted by the renderer when printed
            for t in range(t_len)
        ],
    )
    return w.solution({"h": hs, "y": ys}, steps=steps, notes=notes, tables=[table])


def bptt(
    *,
    x: np.ndarray,
    w_hh: float,
    w_hx: float,
    b_h: float,
    w_yh: float,
    target: float,
    h0: float = 0.0,
    loss: str = "half",
) -> Solution:
    """dE_T/dw_hh of a scalar RNN by back-propagation through time (the slides' example).

    h_t = tanh(a_t), a_t = w_hh h_{t-1} + w_hx x_t + b_h, y_T = w_yh h_T;
    E = 1/2 (y_T - target)^2 (``loss="square"``: (y_T - target)^2).
    dh_t/dw_hh = (tanh)'(a_t) (h_{t-1} + w_hh dh_{t-1}/dw_hh), dh_0/dw_hh = 0,
    (tanh)'(a) = 1 - tanh(a)^2; dE/dw_hh = dE/dy_T * w_yh * dh_T/dw_hh.
    Unrolled: dE/dw_hh = dE/dh_T sum_k [prod_{j=k+1..T} (tanh)'(a_j) w_hh] (tanh)'(a_k) h_{k-1},
    so the product of (tanh)' w_hh factors decides whether early steps vanish or explode.
    x: T scalar inputs. Also returns the gradients for w_hx, b_h and w_yh.
    """
    xs = x.reshape(-1)
    t_len = xs.size
    w = Working()
    h = np.empty(t_len + 1)
    h[0] = h0
    a = np.empty(t_len)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(t_len):
            a[t] = w_hh * h[t] + w_hx * xs[t] + b_h
            h[t + 1] = float(w.keep("h", np.tanh(a[t]), at=t))
        d = 1.0 - h[1:] ** 2  # (tanh)'(a_t)
        # the classic slips of the backward pass (a plain run uses none of them)
        if w.slip("no-tanh-prime"):
            d = np.ones(t_len)
        elif w.slip("tanh-prime-of-a"):
            d = 1.0 - a**2
        direct = t_len > 1 and w_hh != 0 and w.slip("no-recurrent-term")
        y_t = float(w.keep("y", float(w_yh * h[-1])))
        scale = 1.0 if loss == "half" else 2.0
        err = y_t - target
        e_value = float(w.keep("loss", 0.5 * scale * err * err))
        de_dy = float(w.keep("de_dy", scale * err))
        de_dh = de_dy * w_yh
    if not (np.isfinite(a).all() and math.isfinite(e_value) and math.isfinite(de_dh)):
        raise ComputationError("the forward pass or the loss overflows: the inputs are too large")
    g = np.zeros(t_len + 1)  # dh_t/dw_hh
    g_x = np.zeros(t_len + 1)  # dh_t/dw_hx
    g_b = np.zeros(t_len + 1)  # dh_t/db_h
    factors = d[1:] * w_hh  # dh_t/dh_{t-1} for t = 2..T
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        back = 0.0 if direct else w_hh  # the recurrent term w_hh dh_{t-1}/dw (dropped: direct)
        for t in range(t_len):
            g[t + 1] = float(w.keep("dh_dw", d[t] * (h[t] + back * g[t]), at=t))
            g_x[t + 1] = d[t] * (xs[t] + back * g_x[t])
            g_b[t + 1] = d[t] * (1.0 + back * g_b[t])
        product = float(np.prod(factors))
        # contribution of step k: dE/dh_T * prod_{j>k} factor_j * (tanh)'(a_k) h_{k-1}
        tail = np.append(np.cumprod(factors[::-1])[::-1], 1.0)
        contributions = de_dh * tail * d * h[:-1]
        grad = float(w.keep("grad", float(de_dh * g[-1])))
    finite = [contributions, g, g_x, g_b, product, grad]
    if not all(np.isfinite(v).all() for v in finite):
        raise ComputationError("the gradient overflows: the (tanh)' w_hh factors explode")

    steps: list[Step] = []
    for t in range(min(t_len, MAX_SHOWN_STEPS)):
        steps.append(
            Step(
                f"t = {t + 1}: forward",
                f"h_{t + 1} = tanh(w_hh h_{t} + w_hx x_{t + 1} + b_h)",
                f"tanh({fmt(w_hh)}*{term(h[t])} + {term(w_hx)}*{term(xs[t])} + {term(b_h)}) "
                f"= tanh({fmt(a[t])})",
                h[t + 1],
            )
        )
    loss_formula = "E = 1/2 (y_T - target)^2" if loss == "half" else "E = (y_T - target)^2"
    half = "1/2 " if loss == "half" else ""
    steps += [
        Step("Output", f"y_{t_len} = w_yh h_{t_len}", f"{fmt(w_yh)}*{term(h[-1])}", y_t, name="y"),
        Step("Loss", loss_formula, f"{half}({fmt(y_t)} - {term(target)})^2", e_value, name="loss"),
        Step(
            "dE/dy_T",
            "dE/dy_T = y_T - target" if loss == "half" else "dE/dy_T = 2 (y_T - target)",
            f"{'' if loss == 'half' else '2*'}({fmt(y_t)} - {term(target)})",
            de_dy,
            name="de_dy",
        ),
    ]
    for t in range(min(t_len, MAX_SHOWN_STEPS)):
        steps.append(
            Step(
                f"t = {t + 1}: dh_{t + 1}/dw_hh",
                f"dh_{t + 1}/dw_hh = (tanh)'(a_{t + 1}) (h_{t} + w_hh dh_{t}/dw_hh), "
                "(tanh)' = 1 - h^2",
                f"(1 - {term(h[t + 1])}^2)({fmt(h[t])} + {term(w_hh)}*{term(g[t])}) "
                f"= {fmt(d[t])}*{term(h[t] + w_hh * g[t])}",
                g[t + 1],
            )
        )
    steps.append(
        Step(
            "Chain rule",
            f"dE/dw_hh = dE/dy_{t_len} * dy_{t_len}/dh_{t_len} * dh_{t_len}/dw_hh",
            f"{fmt(de_dy)}*{term(w_yh)}*{term(g[-1])}",
            grad,
            name="grad",
        )
    )
    shown = " * ".join(f"({fmt(d[t])}*{term(w_hh)})" for t in range(1, min(t_len, 6)))
    if t_len > 6:
        shown += f" * ... ({t_len - 1} factors)"
    steps.append(
        Step(
            f"Product of (tanh)' w_hh factors, dh_{t_len}/dh_1",
            f"prod_(t=2..{t_len}) (tanh)'(a_t) w_hh",
            shown or "(empty product: one step)",
            product,
        )
    )
    notes = [
        "(tanh)'(a) = 1 - tanh(a)^2 <= 1, so each factor has |(tanh)' w_hh| <= |w_hh|: "
        "|w_hh| < 1 makes early steps' contributions vanish"
    ]
    if t_len > MAX_SHOWN_STEPS:
        notes.append(
            f"working shown for the first {MAX_SHOWN_STEPS} of {t_len} steps; see the table"
        )
    if t_len > 1 and abs(product) < 1e-3:
        notes.append(f"the product {fmt(product)} is tiny: the gradient from step 1 vanishes")
    elif t_len > 1 and abs(product) > 1e3:
        notes.append(f"the product {fmt(product)} is huge: the gradient from step 1 explodes")
    table = Table(
        "Back-propagation through time",
        ["t", "x_t", "h_t", "(tanh)'(a_t)", "dh_t/dw_hh", "factor (tanh)' w_hh", "contribution"],
        [
            [t + 1, xs[t], h[t + 1], d[t], g[t + 1], factors[t - 1] if t else "", contributions[t]]
            for t in range(t_len)
        ],
    )
    return w.solution(
        {
            "grad": grad,
            "loss": e_value,
            "y": y_t,
            "h": h[1:],
            "dh_dw": g[1:],
            "factors": factors,
            "product": product,
            "contributions": contributions,
            "grad_w_hx": float(de_dh * g_x[-1]),
            "grad_b_h": float(de_dh * g_b[-1]),
            "grad_w_yh": float(de_dy * h[-1]),
        },
        steps=steps,
        notes=notes,
        tables=[table],
    )


_LOG10_MAX = math.log10(np.finfo(float).max)  # 308.25...
_FLOAT_MAX = float(np.finfo(float).max)


def vanishing(*, factor: float, steps: int) -> Solution:
    """F^N, the size of a gradient after N back-propagation factors of F, and its regime.

    regime: |F| < 1 vanishing, |F| > 1 exploding, |F| = 1 stable. log10_abs = N log10|F|
    (None when F^N = 0). When |F^N| exceeds the largest float (about 1.8e308) the result
    ``value`` is None (JSON null: no float holds it) with ``overflow`` true and
    ``value_text`` its exact size in scientific notation (``1.3721e+432``); ``log10_abs``
    still gives the exact order of magnitude.
    """
    f, n = float(factor), int(steps)
    w = Working()
    if n >= 1 and w.slip("one-fewer-factor"):
        n -= 1  # F^(N-1): one factor short
    regime = "vanishing" if abs(f) < 1 else "exploding" if abs(f) > 1 else "stable"
    sign = -1.0 if f < 0 and n % 2 else 1.0
    if f == 0:
        log10 = None if n > 0 else 0.0
    else:
        log10 = n * math.log10(abs(f))
    overflow = log10 is not None and log10 > _LOG10_MAX
    if overflow:
        value = sign * _FLOAT_MAX
    else:
        try:
            value = float(f**n)
        except OverflowError:  # at the edge of the float range
            overflow, value = True, sign * _FLOAT_MAX
    slipped = None
    if w.slip("times-not-power"):
        slipped = f * n  # F*N: the factors added up instead of multiplied
    elif w.slip("linear-growth"):
        slipped = 1.0 + n * (f - 1.0)  # 1 + N(F - 1): growth taken as linear
    if slipped is not None:
        value, overflow = slipped, False
        sign = -1.0 if value < 0 else 1.0
        log10 = math.log10(abs(value)) if value else None
    value = w.keep("value", value)
    if log10 is None:
        sci = "0"
    else:
        exp10 = math.floor(log10)
        sci = f"{sign * 10 ** (log10 - exp10):.4f}e{exp10:+d}"
    steps_out = [
        Step(
            "Repeated factor",
            "F^N",
            f"{fmt(f)}^{n}" + (f" = 10^({n} * log10 {fmt(abs(f))})" if f not in (0.0,) else ""),
            sci if overflow or (value == 0 and f != 0) else value,
        ),
        Step(
            "Regime",
            "|F| < 1: vanishing; |F| > 1: exploding; |F| = 1: stable",
            f"|F| = {fmt(abs(f))}",
            regime,
        ),
    ]
    notes = []
    if overflow:
        notes.append(
            f"F^N = {sci} is beyond the largest float ({_FLOAT_MAX:.6g}): value is null and "
            f"value_text = {sci}; log10_abs = {log10:.6g} gives the exact size"
        )
    elif value == 0 and f != 0:
        notes.append(f"F^N = {sci} underflows to 0 in floating point")
    if f < 0:
        notes.append("a negative factor alternates in sign; the regime depends on |F|")
    marks = sorted({t for t in (1, 10, 100, 1000, 10_000, n) if 0 < t <= n})
    table = Table(
        "Growth with the number of steps",
        ["steps", "F^steps", "log10 |F^steps|"],
        [[t, _power_text(f, t), "" if f == 0 else f"{t * math.log10(abs(f)):.4g}"] for t in marks],
    )
    return w.solution(
        {
            # beyond the float range F^N has no float: null, with its exact size as text
            "value": None if overflow else value,
            "regime": regime,
            "log10_abs": log10,
            "overflow": overflow,
            "value_text": sci if overflow else fmt(value),
        },
        steps=steps_out,
        notes=notes,
        tables=[table],
    )


def _power_text(f: float, n: int) -> str:
    if f == 0:
        return "0"
    log10 = n * math.log10(abs(f))
    if log10 > _LOG10_MAX:
        exp10 = math.floor(log10)
        sign = "-" if f < 0 and n % 2 else ""
        return f"{sign}{10 ** (log10 - exp10):.4f}e{exp10:+d}"
    return fmt(f**n)
