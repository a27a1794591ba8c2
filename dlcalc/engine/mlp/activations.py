"""Activation functions f(s) and their derivatives f'(s), stable for any finite s.

Reusable by every engine that applies an activation (forward/backprop, autoencoder,
RNN/LSTM): ``activate(name, s) -> (f, f')`` works elementwise on arrays of any shape
(softmax along the last axis, with ``f'`` its Jacobian's diagonal); ``jacobian(name, s)``
gives dz/ds for one vector (diagonal except for softmax). ``value_text``/``deriv_text``
write f(s) and f'(s) with numbers substituted, as the working shows them.

The ``act`` operation (CONTRACT section 2, "Multilayer networks") is at the bottom.
"""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.mlp.activation_names import DEFAULT_ALPHA, NAMES
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Plot, Solution, Step, fmt

# (f(s), f'(s)) as written in the working.
FORMULAS: dict[str, tuple[str, str]] = {
    "sigmoid": ("f(s) = 1/(1 + e^(-s))", "f'(s) = f(s)(1 - f(s))"),
    "tanh": ("f(s) = (e^s - e^(-s))/(e^s + e^(-s))", "f'(s) = 1 - f(s)^2"),
    "relu": ("f(s) = max(0, s)", "f'(s) = 1 if s > 0 else 0"),
    "leaky-relu": ("f(s) = s if s >= 0 else alpha*s", "f'(s) = 1 if s > 0 else alpha"),
    "elu": ("f(s) = s if s > 0 else alpha(e^s - 1)", "f'(s) = 1 if s > 0 else alpha*e^s"),
    "softplus": ("f(s) = ln(1 + e^s)", "f'(s) = 1/(1 + e^(-s))"),
    "gelu": ("f(s) = s*Phi(s) = (s/2)(1 + erf(s/sqrt(2)))", "f'(s) = Phi(s) + s*phi(s)"),
    "softmax": (
        "f(s)_i = e^(s_i - max s) / sum_j e^(s_j - max s)",
        "df_i/ds_j = f_i(delta_ij - f_j); diagonal f_i(1 - f_i)",
    ),
    "linear": ("f(s) = s", "f'(s) = 1"),
}

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)


def check_name(name: str, flag: str = "--act") -> str:
    """The canonical activation name (``leaky_relu`` -> ``leaky-relu``), or InputError."""
    key = str(name).strip().lower().replace("_", "-")
    if key in ("identity", "none"):
        key = "linear"
    if key not in NAMES:
        raise InputError(f"{flag}: unknown activation {name!r} (expected {', '.join(NAMES)})")
    return key


def _alpha(name: str, alpha: float | None) -> float:
    return DEFAULT_ALPHA.get(name, 0.0) if alpha is None else float(alpha)


def _sigmoid_parts(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sigma(s) and sigma'(s) via e = e^(-|s|) (never overflows)."""
    e = np.exp(-np.abs(s))
    f = np.where(s >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return f, e / (1.0 + e) ** 2


def activate(name: str, s, alpha: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """f(s) and f'(s), elementwise (softmax: along the last axis, f' its Jacobian diagonal).

    s: any shape (float64). alpha: leaky-relu slope (default 0.01) or elu scale (default 1).
    Stable for any finite s; raises ComputationError rather than returning NaN/inf.
    """
    name = check_name(name)
    s = np.asarray(s, dtype=np.float64)
    a = _alpha(name, alpha)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if name == "sigmoid":
            f, df = _sigmoid_parts(s)
        elif name == "tanh":
            f = np.tanh(s)
            df = 1.0 - f * f
        elif name == "relu":
            f = np.maximum(s, 0.0)
            df = (s > 0).astype(np.float64)
        elif name == "leaky-relu":
            f = np.where(s >= 0, s, a * s)
            df = np.where(s > 0, 1.0, a)
        elif name == "elu":
            em = np.exp(np.minimum(s, 0.0))
            f = np.where(s > 0, s, a * (em - 1.0))
            df = np.where(s > 0, 1.0, a * em)
        elif name == "softplus":
            f = np.maximum(s, 0.0) + np.log1p(np.exp(-np.abs(s)))
            df = _sigmoid_parts(s)[0]
        elif name == "gelu":
            phi_cdf = 0.5 * (1.0 + np.asarray(_erf(s / _SQRT2), dtype=np.float64))
            pdf = _INV_SQRT_2PI * np.exp(-0.5 * np.minimum(s * s, 1e300))
            f = s * phi_cdf
            df = phi_cdf + np.where(np.abs(s) > 1e6, 0.0, s * pdf)
        elif name == "softmax":
            f = softmax(s)
            df = f * (1.0 - f)
        else:  # linear
            f, df = s.copy(), np.ones_like(s)
    f, df = np.asarray(f, dtype=np.float64), np.asarray(df, dtype=np.float64)
    if not (np.isfinite(f).all() and np.isfinite(df).all()):
        raise ComputationError(f"{name}: the activation overflowed for these inputs")
    return f, df


def softmax(s: np.ndarray) -> np.ndarray:
    """e^(s - max s) / sum e^(s - max s) along the last axis (0-d: treated as one value)."""
    s = np.asarray(s, dtype=np.float64)
    if s.ndim == 0:
        return np.ones_like(s)
    with np.errstate(under="ignore"):
        e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def jacobian(name: str, s, alpha: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """f(s) and the Jacobian J[i, j] = df_i/ds_j of one vector s (n,) -> (n,), (n, n).

    Diagonal with f'(s) for elementwise activations; softmax: J = diag(f) - f f^T.
    """
    f, df = activate(name, s, alpha)
    if check_name(name) == "softmax":
        return f, np.diag(f) - np.outer(f, f)
    return f, np.diag(df)


def _neg(v: float) -> str:
    """A number ready to follow an operator: ``(-0.5)`` for negatives."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def value_text(name: str, s: float, alpha: float | None = None) -> str:
    """f(s) with the number substituted: ``1/(1 + e^(-0.5))``."""
    name = check_name(name)
    a = _alpha(name, alpha)
    if name == "sigmoid":
        return f"1/(1 + e^({fmt(-s)}))"
    if name == "tanh":
        return f"tanh({fmt(s)})"
    if name == "relu":
        return f"max(0, {fmt(s)})"
    if name == "leaky-relu":
        return fmt(s) if s >= 0 else f"{fmt(a)}*{_neg(s)}"
    if name == "elu":
        return fmt(s) if s > 0 else f"{fmt(a)}*(e^{_neg(s)} - 1)"
    if name == "softplus":
        return f"ln(1 + e^{_neg(s)})"
    if name == "gelu":
        return f"({fmt(s)}/2)*(1 + erf({fmt(s)}/sqrt(2)))"
    if name == "softmax":
        return f"e^({fmt(s)} - max s) / sum_j e^(s_j - max s)"
    return fmt(s)


def deriv_text(name: str, s: float, f: float, alpha: float | None = None) -> str:
    """f'(s) with numbers substituted, in terms of f where the slides do: ``0.62*(1 - 0.62)``."""
    name = check_name(name)
    a = _alpha(name, alpha)
    if name in ("sigmoid", "softmax"):
        return f"{fmt(f)}*(1 - {fmt(f)})"
    if name == "tanh":
        return f"1 - {_neg(f)}^2"
    if name == "relu":
        return f"1 ({fmt(s)} > 0)" if s > 0 else f"0 ({fmt(s)} <= 0)"
    if name == "leaky-relu":
        return f"1 ({fmt(s)} > 0)" if s > 0 else f"alpha = {fmt(a)} ({fmt(s)} <= 0)"
    if name == "elu":
        return f"1 ({fmt(s)} > 0)" if s > 0 else f"{fmt(a)}*e^{_neg(s)}"
    if name == "softplus":
        return f"1/(1 + e^({fmt(-s)}))"
    if name == "gelu":
        return f"Phi({fmt(s)}) + {_neg(s)}*phi({fmt(s)})"
    return "1"


# ---------------------------------------------------------------- the act operation

_MAX_UNITS = 6  # elements worked one by one; beyond that the vector is shown whole
_indices = range  # ``act`` takes a parameter called ``range`` (the --range flag)


def act(
    *,
    name: str,
    x: np.ndarray,
    alpha: float | None = None,
    plot: bool = False,
    range: np.ndarray | None = None,
) -> Solution:
    """Value and derivative of an activation at x (any shape; softmax along the last axis).

    value = f(x), derivative = f'(x) (same shape as x; softmax: the Jacobian's diagonal,
    plus ``jacobian`` for a vector). ``plot``: f and f' over ``range`` (default -5..5).
    """
    name = check_name(name, "--name")
    if alpha is not None and name not in DEFAULT_ALPHA:
        alpha_note = f"--alpha is used only by leaky-relu and elu; ignored for {name}"
    else:
        alpha_note = ""
    a = _alpha(name, alpha)
    w = Working()
    f, df = _act_values(w, name, np.asarray(x, dtype=np.float64), a)
    f_formula, d_formula = FORMULAS[name]
    steps: list[Step] = []
    notes: list[str] = [alpha_note] if alpha_note else []
    result: dict[str, object] = {"value": f, "derivative": df}

    if name == "softmax":
        steps += _softmax_steps(x, f)
    flat_x, flat_f, flat_d = x.reshape(-1), f.reshape(-1), df.reshape(-1)
    many = flat_x.size > _MAX_UNITS
    shown = min(flat_x.size, 3 if many else _MAX_UNITS)
    if name != "softmax":
        for i in _indices(shown):
            s_i = float(flat_x[i])
            tag = f" at s = {fmt(s_i)}"
            steps.append(Step("Value" + tag, f_formula, value_text(name, s_i, a), flat_f[i]))
            steps.append(
                Step(
                    "Derivative" + tag,
                    d_formula,
                    deriv_text(name, s_i, float(flat_f[i]), a),
                    flat_d[i],
                )
            )
    else:
        for i in _indices(shown):
            steps.append(
                Step(
                    f"Derivative (diagonal) f'_{i + 1}",
                    "df_i/ds_i = f_i(1 - f_i)",
                    deriv_text(name, float(flat_x[i]), float(flat_f[i])),
                    flat_d[i],
                )
            )
        if x.ndim == 1:
            jac = np.diag(f) - np.outer(f, f)
            result["jacobian"] = jac
            steps.append(Step("Jacobian", "J = diag(f) - f f^T", "", jac))
        notes.append(
            "softmax is vector-valued: derivative is the Jacobian's diagonal; "
            "off-diagonal df_i/ds_j = -f_i f_j"
        )
    if many or x.ndim > 1 or (x.ndim == 1 and x.size > 1):
        steps.append(Step("Values", f_formula, "", f))
        steps.append(Step("Derivatives", d_formula, "", df))

    if name in ("relu", "leaky-relu") and np.any(x == 0):
        notes.append("f is not differentiable at s = 0; f'(0) is taken as in PyTorch (left slope)")
    if name == "sigmoid":
        notes.append("sigma'(s) = sigma(s)(1 - sigma(s)) is at most 0.25 (at s = 0)")
    plots = []
    if plot:
        plots, plot_note = _plot(name, a, range)
        notes += [plot_note] if plot_note else []
    elif range is not None:
        notes.append("--range is used only with --plot")
    return w.solution(result, steps=steps, notes=notes, plots=plots)


def _act_values(w: Working, name: str, x: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) kept as ``value`` and ``derivative`` (the derivative from the kept value
    where the slides write it in terms of f: a student's sigma(s) carries into f(1 - f)), or
    as a student with one of the act misconceptions computes them."""
    f_true, df = activate(name, x, a)
    f = f_true
    if name == "sigmoid" and w.slip("sigmoid-sign"):
        with np.errstate(over="ignore"):
            f = 1.0 / (1.0 + np.exp(x))  # 1/(1 + e^s): the minus sign lost
    if name == "leaky-relu" and w.slip("leaky-slope-swapped"):
        f = np.where(x >= 0, a * x, x)  # the slope alpha on the positive side
        df = np.where(x > 0, a, 1.0)
    f = w.keep("value", f)
    if f is not f_true:
        f = np.asarray(f, dtype=np.float64).reshape(f_true.shape)
        if name == "sigmoid":
            df = f * (1.0 - f)
        elif name == "tanh":
            df = 1.0 - f * f
    if name == "sigmoid" and w.slip("deriv-on-net"):
        df = x * (1.0 - x)  # sigma'(s) written s(1 - s)
    if name == "tanh":
        if w.slip("deriv-on-net"):
            df = 1.0 - x * x  # tanh'(s) written 1 - s^2
        if w.slip("tanh-deriv-no-square"):
            df = 1.0 - f  # 1 - f instead of 1 - f^2
    if name in ("relu", "leaky-relu") and np.any(x == 0) and w.slip("deriv-at-zero"):
        df = np.where(x == 0, 1.0, df)  # f'(0) taken as the right slope
    df = w.keep("derivative", df)
    return f, np.asarray(df, dtype=np.float64)


def _softmax_steps(x: np.ndarray, f: np.ndarray) -> list[Step]:
    if x.ndim != 1 or x.size > 8:
        return [Step("Softmax", FORMULAS["softmax"][0], "", f)]
    m = float(x.max())
    with np.errstate(under="ignore"):
        e = np.exp(x - m)
    total = float(e.sum())
    terms = " + ".join(f"e^({fmt(float(v - m))})" for v in x)
    return [
        Step("Largest input", "m = max_i s_i", fmt(x), m),
        Step("Shifted exponentials", "e_i = e^(s_i - m)", "", e),
        Step("Normaliser", "Z = sum_i e_i", terms, total),
        Step("Softmax", "f_i = e_i / Z", f"{fmt(e)} / {fmt(total)}", f),
    ]


def _plot(name: str, alpha: float, rng: np.ndarray | None) -> tuple[list[Plot], str]:
    lo, hi = (-5.0, 5.0) if rng is None else (float(rng[0]), float(rng[-1]))
    if rng is not None and (rng.size != 2 or not lo < hi):
        raise InputError(f"--range: expected two values LO,HI with LO < HI, got {fmt(rng)}")
    if name == "softmax":
        return [], "softmax is vector-valued: no curve to plot"
    xs = np.linspace(lo, hi, 201)
    f, df = activate(name, xs, alpha)
    plot = Plot(f"{name} on [{fmt(lo)}, {fmt(hi)}]", [("f(s)", xs, f), ("f'(s)", xs, df)])
    plot.xlabel = "s"
    return [plot], ""
