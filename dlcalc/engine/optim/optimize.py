"""Optimizers of the slides run on a typed objective or on given gradients.

``optim``: one optimizer for N steps, with the update of each state variable written
out for the first steps and a table of the whole trajectory. ``optim_compare``: several
optimizers side by side on the same objective (f after N steps; paths with ``--plot``).
The update rules live in :mod:`dlcalc.engine.optim.rules`, their defaults in
:mod:`dlcalc.engine.optim.defaults`.

Shapes: d variables; ``start``/``params`` (d,), ``grads`` (N x d); results
``trajectory`` (N+1) x d (start first), ``grads`` N x d, ``values`` (N+1,).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.optim.defaults import DEFAULTS, LETTER, NAMES, resolve, rule
from dlcalc.engine.optim.rules import Optimizer, as_row
from dlcalc.errors import ComputationError, InputError, LimitError
from dlcalc.solution import Plot, Solution, Step, Table, fmt

MAX_STEPS = 100_000
MAX_CELLS = 2_000_000  # steps x variables kept in the trajectory
# optim compare runs every optimizer: steps x variables x optimizers (about 10 s at most)
MAX_COMPARE_WORK = 350_000
SHOW_STEPS = 3  # steps written out in full
DEFAULT_STEPS = 10
TABLE_HEAD, TABLE_TAIL = 20, 10  # rows of long trajectory tables


def _level_sets(source: Objective, paths: list[tuple[str, Any, Any]], levels: int = 4) -> list:
    """Dots where f crosses a few levels, on a grid around the paths (a terminal contour).

    Levels are spaced geometrically between the lowest and highest f seen on the paths;
    a dot marks each sign change of f - level between neighbouring grid points.
    """
    xs = np.concatenate([p[1] for p in paths])
    ys = np.concatenate([p[2] for p in paths])
    (x0, x1), (y0, y1) = (xs.min(), xs.max()), (ys.min(), ys.max())
    pad_x, pad_y = 0.15 * (x1 - x0 or 1.0), 0.15 * (y1 - y0 or 1.0)
    gx = np.linspace(x0 - pad_x, x1 + pad_x, 70)
    gy = np.linspace(y0 - pad_y, y1 + pad_y, 35)
    grid = np.full((gy.size, gx.size), np.nan)
    for i, y in enumerate(gy):
        for j, x in enumerate(gx):
            try:
                grid[i, j] = source.value(np.array([x, y]))
            except (ComputationError, ArithmeticError, ValueError):
                continue  # f undefined there: no dot
    seen = grid[np.isfinite(grid)]
    if seen.size == 0:
        return []
    lo, hi = float(np.min(seen)), float(np.max(seen))
    if not hi > lo:
        return []
    shift = 1.0 - lo  # geometric spacing needs positive values
    marks = np.geomspace(shift + lo, shift + hi, levels + 2)[1:-1] - shift
    dots_x: list[float] = []
    dots_y: list[float] = []
    with np.errstate(invalid="ignore"):
        for level in marks:
            d = grid - level
            cross_x = (d[:, :-1] * d[:, 1:]) < 0
            cross_y = (d[:-1, :] * d[1:, :]) < 0
            rows, cols = np.nonzero(cross_x)
            dots_x += ((gx[cols] + gx[cols + 1]) / 2).tolist()
            dots_y += gy[rows].tolist()
            rows, cols = np.nonzero(cross_y)
            dots_x += gx[cols].tolist()
            dots_y += ((gy[rows] + gy[rows + 1]) / 2).tolist()
    if not dots_x:
        return []
    return [("levels of f", dots_x, dots_y, "scatter")]


class Objective:
    """A parsed ``--f``: the expression, its symbolic gradient, and compiled evaluators."""

    def __init__(self, text: str, variables: str | None) -> None:
        from dlcalc.parse import expr as ex

        order = None
        if variables is not None:
            order = [v for v in variables.replace(",", " ").split() if v]
        self.parsed = ex.parse(text, name="f", variables=order)
        self.names = self.parsed.variables
        self.gradient = self.parsed.gradient()
        self.f_text = ex.show(self.parsed.expr)
        self.grad_text = [ex.show(g) for g in self.gradient]
        self._f = ex.compile_exprs([self.parsed.expr], self.parsed.symbols)
        self._g = ex.compile_exprs(self.gradient, self.parsed.symbols)
        self.start: np.ndarray | None = None

    def value(self, point: np.ndarray) -> float:
        return self._f(point)[0]

    def grad(self, t: int, point: np.ndarray) -> np.ndarray:
        try:
            return np.array(self._g(point))
        except ComputationError as exc:
            if t == 1 and np.array_equal(point, self.start):
                raise InputError(f"--start: the gradient's {exc}") from None
            raise ComputationError(
                f"step {t}: the gradient's {exc}; the iterates may be diverging (try a smaller --lr)"
            ) from None

    def describe(self, t: int, point: np.ndarray) -> str:
        """The gradient with the point's numbers put in place of the variables."""
        from sympy.printing.str import StrPrinter

        numbers = {}
        for sym, v in zip(self.parsed.symbols, point, strict=True):
            text = fmt(float(v))
            numbers[sym] = f"({text})" if text.startswith("-") else text

        class Substituted(StrPrinter):  # prints each variable as its number, nothing merged
            def _print_Symbol(self, expr: Any) -> str:
                return numbers.get(expr, expr.name)

        printer = Substituted()
        parts = [printer.doprint(g) for g in self.gradient]
        return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


class GivenGrads:
    """``--grads``: row t is the gradient of step t, whatever the point."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def grad(self, t: int, point: np.ndarray) -> np.ndarray:
        return self.rows[t - 1]

    def describe(self, t: int, point: np.ndarray) -> str:
        return f"row {t} of --grads"


def _check_steps(steps: int, dim: int) -> None:
    if steps > MAX_STEPS:
        raise LimitError(f"--steps: at most {MAX_STEPS:,} steps, got {steps:,}")
    if steps * dim > MAX_CELLS:
        raise LimitError(f"--steps: {steps:,} steps x {dim} variables is more than {MAX_CELLS:,}")


def _setup(
    name: str,
    f: str | None,
    start: np.ndarray | None,
    params: np.ndarray | None,
    grads: np.ndarray | None,
    steps: int | None,
    vars: str | None,
    convention: str,
) -> tuple[Objective | GivenGrads, np.ndarray, int]:
    """Check which inputs were given; return (gradient source, theta_0, number of steps)."""
    if f is not None:
        if grads is not None:
            raise InputError("--grads: give either --f (gradients derived) or --grads, not both")
        if params is not None:
            raise InputError("--params: goes with --grads; with --f give the start as --start")
        if start is None:
            raise InputError("--start: required with --f (the starting point theta_0)")
        obj = Objective(f, vars)
        if start.shape != (len(obj.names),):
            raise InputError(
                f"--start: expected {len(obj.names)} value(s), one per variable "
                f"({', '.join(obj.names)}), got {start.size}"
            )
        obj.start = start
        n = DEFAULT_STEPS if steps is None else steps
        _check_steps(n, start.size)
        return obj, start.astype(float), n
    if start is not None:
        raise InputError("--start: goes with --f; with given gradients use --params")
    if vars is not None:
        raise InputError("--vars: orders the variables of --f, which was not given")
    if grads is None or params is None:
        missing = "--grads" if params is not None else "--params" if grads is not None else "--f"
        raise InputError(f"{missing}: required (give --f EXPR --start VEC or --params and --grads)")
    if name == "nag" and convention == "lecture":
        raise InputError(
            "--grads: NAG needs the gradient at the look-ahead point theta - gamma v, which is "
            "not known in advance; give the objective with --f (or use --convention pytorch, "
            "whose Nesterov form uses the gradient at theta)"
        )
    d = params.size
    if d == 1 and grads.shape[0] == 1 and grads.shape[1] > 1:
        grads = grads.T  # one parameter: a plain list gives one gradient per step
    if grads.shape[1] != d:
        raise InputError(
            f"--grads: expected rows of {d} value(s) (one per parameter in --params), "
            f"got {grads.shape[1]}"
        )
    n = grads.shape[0] if steps is None else steps
    if n > grads.shape[0]:
        raise InputError(f"--steps: {n} steps need {n} gradient rows; --grads has {grads.shape[0]}")
    _check_steps(n, d)
    return GivenGrads(grads[:n]), params.astype(float), n


def _run(
    opt: Optimizer, source: Objective | GivenGrads, theta0: np.ndarray, n: int, show: int
) -> tuple[np.ndarray, np.ndarray, list[Step]]:
    traj = np.empty((n + 1, theta0.size))
    used = np.empty((n, theta0.size))
    traj[0] = theta = opt.keep("trajectory", theta0, at=0)
    lines: list[Step] = []
    for t in range(1, n + 1):
        theta, g = opt.step(theta, source.grad, source.describe, explain=t <= show)
        theta = opt.keep("trajectory", theta, at=t)  # a student's own theta_t goes on
        traj[t], used[t - 1] = theta, g
        lines += opt.lines
    return traj, used, lines


def _values(obj: Objective, traj: np.ndarray, name: str) -> np.ndarray:
    out = np.empty(traj.shape[0])
    for i, point in enumerate(traj):
        try:
            out[i] = obj.value(point)
        except ComputationError as exc:
            if i == 0:
                raise InputError(f"--start: f's {exc}") from None
            raise ComputationError(f"{name}: f at theta_{i}: {exc}") from None
    return out


def _hyper_text(hp: dict[str, float]) -> str:
    return ", ".join(
        f"{LETTER[k]} = {fmt(v)}" for k, v in hp.items() if not (k == "weight_decay" and v == 0)
    )


def _s(x: np.ndarray) -> Any:
    return x[0] if x.size == 1 else x


def _table(
    names: Sequence[str], traj: np.ndarray, used: np.ndarray, values: np.ndarray | None
) -> Table:
    d = traj.shape[1]
    split = d <= 4
    cols = ["t"] + (list(names) if split else ["theta"])
    cols += [f"g_{v}" for v in names] if split else ["g"]
    if values is not None:
        cols.append("f")
    rows: list[tuple[Any, ...]] = []
    n = traj.shape[0]
    keep = range(n) if n <= TABLE_HEAD + TABLE_TAIL + 5 else None
    for t in range(n):
        if keep is None and TABLE_HEAD <= t < n - TABLE_TAIL:
            if t == TABLE_HEAD:
                rows.append(("...",) * len(cols))
            continue
        th = list(traj[t]) if split else [traj[t]]
        if t < n - 1:
            g = list(used[t]) if split else [used[t]]
        else:
            g = ["-"] * (d if split else 1)
        row = [t, *th, *g] + ([values[t]] if values is not None else [])
        rows.append(tuple(row))
    return Table("Trajectory (g_t: the gradient used by step t+1)", cols, rows)


def optim(
    *,
    name: str,
    f: str | None = None,
    start: np.ndarray | None = None,
    params: np.ndarray | None = None,
    grads: np.ndarray | None = None,
    steps: int | None = None,
    vars: str | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    rho: float | None = None,
    beta1: float | None = None,
    beta2: float | None = None,
    eps: float | None = None,
    dampening: float | None = None,
    weight_decay: float | None = None,
    convention: str = "lecture",
    bias_correction: bool = False,
) -> Solution:
    """Run optimizer ``name`` for N steps from theta_0 on f (or on the given gradient rows).

    Rules: see :mod:`dlcalc.engine.optim.rules` (lecture or PyTorch convention), with
    the named values a student can check (``trajectory`` row by row from t = 0, ``grads``,
    the optimizer's state such as ``m``, ``v``, ``m_hat``, ``v_hat``, ``G``, ``E``; then
    ``final``); misconceptions: :mod:`dlcalc.engine.optim.mistakes`.
    bias_correction: Adam with Kingma & Ba's m_hat, v_hat (lecture; the slides' formula
    has none; the PyTorch convention always corrects, as torch does).
    start/params: (d,); grads: (N, d). Returns trajectory (N+1, d), grads (N, d),
    values (N+1,) when f is given, final (d,).
    """
    if name not in NAMES:
        raise InputError(f"NAME: expected one of {', '.join(NAMES)}, got {name!r}")
    w = Working()
    source, theta0, n = _setup(name, f, start, params, grads, steps, vars, convention)
    given = dict(
        lr=lr,
        momentum=momentum,
        rho=rho,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        dampening=dampening,
        weight_decay=weight_decay,
    )
    hp, notes = resolve(name, convention, given)
    notes += _bias_notes(name, convention, bias_correction)
    corrected = bias_correction or convention == "pytorch"
    steps_out: list[Step] = []
    if isinstance(source, Objective):
        names = source.names
        steps_out.append(Step("Objective", "f(" + ", ".join(names) + ")", "", source.f_text))
        grad_formula = "grad f = [" + ", ".join(f"df/d{v}" for v in names) + "]"
        shown = source.grad_text[0] if len(names) == 1 else "[" + ", ".join(source.grad_text) + "]"
        steps_out.append(Step("Gradient (derived once)", grad_formula, shown, ""))
    else:
        names = tuple(f"theta{i + 1}" for i in range(theta0.size))
    defaults = DEFAULTS[convention][name]
    told = ", ".join(k for k in hp if given.get(k) is not None) or "none"
    steps_out.append(
        Step(
            f"Hyper-parameters ({convention} convention)",
            rule(name, convention, corrected),
            f"defaults {_hyper_text(dict(defaults))}; given: {told}",
            _hyper_text(hp),
        )
    )
    start_step = Step("Start", "theta_0", "", _s(theta0), name="trajectory")
    steps_out.append(start_step)
    opt = Optimizer(name, convention, hp, theta0.size, bias_correction=corrected, w=w)
    traj, used, lines = _run(opt, source, theta0, n, SHOW_STEPS)
    start_step.value = _s(traj[0])
    steps_out += lines
    values = _values(source, traj, name) if isinstance(source, Objective) else None
    if n > SHOW_STEPS:
        notes.append(f"steps {SHOW_STEPS + 1}..{n} apply the same rule; see the trajectory table")
    final = as_row(w.keep("final", traj[-1]), theta0.size)
    steps_out.append(Step(f"After {n} step(s)", f"theta_{n}", "", _s(final), name="final"))
    if values is not None:
        steps_out.append(
            Step(
                f"Objective after {n} step(s)", f"f(theta_{n})", f"f({fmt(_s(final))})", values[-1]
            )
        )
    if convention == "pytorch" and name in ("adagrad", "rmsprop", "adam"):
        notes.append("pytorch: lr_decay=0, centered=False, amsgrad=False (torch's defaults)")
    result: dict[str, Any] = {"trajectory": traj, "grads": used}
    if values is not None:
        result["values"] = values
    result["final"] = final
    result["hyperparameters"] = {k: v for k, v in hp.items()}
    return w.solution(
        result,
        steps=steps_out,
        notes=notes,
        tables=[_table(names, traj, used, values)],
    )


def _bias_notes(name: str, convention: str, bias_correction: bool) -> list[str]:
    """What --bias-correction did: which Adam formula the working uses."""
    if name != "adam":
        return [f"--bias-correction is not used by {name}; ignored"] if bias_correction else []
    if convention == "pytorch":
        told = "; --bias-correction changes nothing" if bias_correction else ""
        return [f"pytorch: torch's Adam always bias-corrects (m_hat, v_hat){told}"]
    if bias_correction:
        return [
            "adam with Kingma & Ba's bias correction (--bias-correction): "
            "theta -= eta m_hat / (sqrt(v_hat) + eps), m_hat = m/(1-beta1^t), v_hat = v/(1-beta2^t)"
        ]
    return [
        "adam as on the slides: theta -= eta m / sqrt(v + eps), no bias correction "
        "(--bias-correction for Kingma & Ba's m_hat, v_hat)"
    ]


def _parse_names(optimizers: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for item in optimizers:
        for word in str(item).replace(",", " ").split():
            key = word.strip().lower()
            if key not in NAMES:
                raise InputError(f"--optimizers: unknown optimizer {word!r} ({', '.join(NAMES)})")
            if key not in chosen:
                chosen.append(key)
    return chosen or list(NAMES)


def optim_compare(
    *,
    f: str,
    start: np.ndarray,
    steps: int = 100,
    optimizers: Sequence[str] = (),
    vars: str | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    rho: float | None = None,
    beta1: float | None = None,
    beta2: float | None = None,
    eps: float | None = None,
    weight_decay: float | None = None,
    convention: str = "lecture",
    bias_correction: bool = False,
    plot: bool = False,
) -> Solution:
    """Run several optimizers for N steps from the same start on f; compare f(theta_N).

    Each optimizer uses its convention's defaults unless a flag sets a value (shared by
    all that use it); ``bias_correction`` as for :func:`optim` (Adam only). Returns final {name: f(theta_N) or None if it diverged},
    params {name: theta_N}, best (lowest f).
    """
    chosen = _parse_names(optimizers)
    w = Working()  # its variant rules apply to every optimizer; nothing is kept row by row
    source, theta0, n = _setup("sgd", f, start, None, None, steps, vars, convention)
    assert isinstance(source, Objective)
    work = n * theta0.size * len(chosen)  # every optimizer runs its own trajectory
    if work > MAX_COMPARE_WORK:
        raise LimitError(
            f"--steps: {n:,} steps x {theta0.size} variables x {len(chosen)} optimizers is "
            f"more than {MAX_COMPARE_WORK:,} (fewer steps or --optimizers)"
        )
    given = dict(
        lr=lr,
        momentum=momentum,
        rho=rho,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        weight_decay=weight_decay,
    )
    names = source.names
    out_steps = [
        Step("Objective", "f(" + ", ".join(names) + ")", "", source.f_text),
        Step(
            "Gradient (derived once)",
            "grad f = [" + ", ".join(f"df/d{v}" for v in names) + "]",
            "[" + ", ".join(source.grad_text) + "]",
            "",
        ),
        Step("Start", "theta_0", "", _s(theta0)),
    ]
    final: dict[str, float | None] = {}
    params: dict[str, Any] = {}
    rows: list[tuple[Any, ...]] = []
    notes: list[str] = []
    if "adam" in chosen:
        notes += _bias_notes("adam", convention, bias_correction)
    corrected = bias_correction or convention == "pytorch"
    curves: list[tuple[str, Any, Any]] = []
    paths: list[tuple[str, Any, Any]] = []
    for name in chosen:
        hp, _ = resolve(name, convention, given)
        opt = Optimizer(
            name, convention, hp, theta0.size, bias_correction=corrected, w=w, track=False
        )
        text = rule(name, convention, corrected)
        try:
            traj, _, _ = _run(opt, source, theta0, n, 0)
            values = _values(source, traj, name)
        except ComputationError as exc:
            final[name], params[name] = None, None
            notes.append(str(exc))
            rows.append((name, _hyper_text(hp), "diverged", "diverged"))
            out_steps.append(Step(name, text, _hyper_text(hp), "diverged"))
            continue
        final[name], params[name] = float(values[-1]), traj[-1].tolist()
        rows.append((name, _hyper_text(hp), _s(traj[-1]), values[-1]))
        out_steps.append(Step(f"{name}: f(theta_{n})", text, _hyper_text(hp), values[-1]))
        curves.append((name, list(range(n + 1)), values))
        if theta0.size == 2:
            paths.append((name, traj[:, 0], traj[:, 1]))
    finite = {k: v for k, v in final.items() if v is not None}
    best = min(finite, key=finite.__getitem__) if finite else None
    if best is None:
        raise ComputationError("every optimizer diverged (try a smaller --lr)")
    out_steps.append(Step("Lowest f", "argmin_opt f(theta_N)", "", f"{best}: {fmt(finite[best])}"))
    plots = []
    if plot:
        plots.append(Plot(f"f(theta_t) over {n} steps", curves, xlabel="step", ylabel="f"))
        if paths:
            series = _level_sets(source, paths) + paths
            plots.append(
                Plot(
                    "Paths from theta_0 on contours of f", series, xlabel=names[0], ylabel=names[1]
                )
            )
    table = Table(
        f"After {n} steps ({convention} convention)",
        ["optimizer", "hyper-parameters", "theta_N", "f(theta_N)"],
        rows,
    )
    return w.solution(
        {"final": final, "params": params, "best": best},
        steps=out_steps,
        notes=notes,
        tables=[table],
        plots=plots,
    )
