"""Weight initialisation scales (Xavier/Glorot, He/Kaiming) and dropout masks
(CONTRACT: ``init``, ``dropout``)."""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, as_exact, fmt

_MAX_SHOWN = 8  # elements of the dropout product written out


def init(
    *,
    scheme: str,
    fan_in: int,
    fan_out: int | None = None,
    dist: str = "uniform",
    gain: float = 1.0,
) -> Solution:
    """Scale of Xavier or He initialisation.

    xavier: Var = gain^2 * 2/(n_in + n_out), bound a = gain*sqrt(6/(n_in + n_out));
    he: Var = gain^2 * 2/n_in, a = gain*sqrt(6/n_in). U[-a, a] has variance a^2/3, so both
    distributions share the variance; std = sqrt(Var).
    """
    notes: list[str] = []
    g = fmt(gain)
    w = Working()
    two, six = 2.0, 6.0
    if scheme == "xavier":
        if fan_out is None:
            raise InputError("--fan-out: required for xavier (it averages n_in and n_out)")
        n = fan_in + fan_out
        if w.slip("fan-in-only"):
            n = fan_in  # n_in alone, as He
        var_formula = "Var[W] = gain^2 * 2/(n_in + n_out)"
        bound_formula = "a = gain * sqrt(6/(n_in + n_out))"
        var_title = "Variance"
    else:
        n = fan_in
        if fan_out is not None:
            notes.append("he uses n_in only (PyTorch's mode='fan_in'); --fan-out is ignored")
            if w.slip("he-fan-sum"):
                n = fan_in + fan_out  # Xavier's n_in + n_out
        if w.slip("he-one-over-n"):
            two, six = 1.0, 3.0  # Var = 1/n: the ReLU factor 2 missing
        var_formula = "Var[W] = gain^2 * 2/n_in"
        bound_formula = "a = gain * sqrt(6/n_in)"
        var_title = "Variance (ReLU: E[x^2] = Var[y]/2)"
    bound_is_std = w.slip("bound-is-std")
    std_is_variance = w.slip("std-is-variance")

    def bound_value() -> float:
        if bound_is_std:
            return gain * math.sqrt(two / n)  # the std given as the bound: sqrt(3) missing
        return gain * math.sqrt(six / n)

    def std_of(variance: float) -> float:
        return variance if std_is_variance else math.sqrt(variance)

    if dist == "uniform":  # the bound first, then its variance a^2/3
        bound = w.keep("bound", bound_value())
        computed = bound_value()
        variance = gain * gain * two / n
        if bound != computed:  # a student's own bound: Var = a^2/3 of it
            variance = bound * bound / 3.0
        variance = w.keep("variance", variance)
        std = w.keep("std", std_of(variance))
    else:  # the variance first, the bound of the uniform with that std
        variance = w.keep("variance", gain * gain * two / n)
        std = w.keep("std", std_of(variance))
        bound = bound_value()
        if variance != gain * gain * two / n or std != std_of(variance):
            bound = math.sqrt(3.0) * std
        bound = w.keep("bound", bound)
    # the substitutions as computed (under a rule: the student's numbers)
    if n != fan_in:  # n_in + n_out
        shown_n, total = f"({fan_in} + {fan_out})", f" = {{}}/{n}"
    else:
        shown_n, total = str(fan_in), ""
    t, x = fmt(two), fmt(two if bound_is_std else six)
    var_sub = f"{g}^2 * {t}/{shown_n}" + total.format(f"{g}^2 * {t}")
    bound_sub = f"{g} * sqrt({x}/{shown_n})" + (f" = {g} * sqrt({x}/{n})" if total else "")
    var_step = Step(var_title, var_formula, var_sub, variance, name="variance")
    bound_step = Step("Uniform bound", bound_formula, bound_sub, bound, name="bound")
    std_step = Step(
        "Standard deviation",
        "std = sqrt(Var[W])",
        var_sub if std_is_variance else f"sqrt({fmt(variance)})",
        std,
        name="std",
    )
    if dist == "uniform":
        steps = [
            bound_step,
            Step(
                "Variance of U[-a, a]",
                "Var[W] = a^2/3",
                f"{fmt(bound)}^2/3",
                variance,
                name="variance",
            ),
            std_step,
        ]
        steps.insert(0, Step("Distribution", "W ~ U[-a, a]", "", f"U[-{fmt(bound)}, {fmt(bound)}]"))
    else:
        steps = [
            var_step,
            std_step,
            Step("Distribution", "W ~ N(0, std^2)", "", f"N(0, {fmt(std)}^2)"),
            bound_step,
        ]
        notes.append("normal: bound is that of the uniform with the same variance (sqrt(3)*std)")
    if gain != 1:
        notes.append("gain scales the standard deviation (PyTorch: relu sqrt(2), tanh 5/3)")
    return w.solution({"bound": bound, "variance": variance, "std": std}, steps=steps, notes=notes)


def dropout(
    *,
    input: np.ndarray,
    p: float,
    mask: np.ndarray | None = None,
    seed: int | None = None,
    convention: str = "lecture",
) -> Solution:
    """Apply a dropout mask r to activations y (any shape).

    lecture (slides): p is the KEEP probability, r_i ~ Bernoulli(p), output = r*y; at test
    time the weights are scaled by p (``scale``).
    pytorch: p is the DROP probability, r_i ~ Bernoulli(1 - p), output = r*y/(1 - p)
    (inverted dropout: ``scale`` = 1/(1 - p) at training time, none at test time).
    The mask is given (``mask``, 0/1, same shape) or drawn with numpy default_rng(seed).
    """
    y = input
    w = Working()
    keep = p if convention == "lecture" else 1.0 - p
    swapped = p != 0.5 and w.slip("keep-drop-swapped")  # the other meaning of p
    if convention == "pytorch" and p >= 1:
        raise InputError("--p: 1 drops every unit; the pytorch scale 1/(1 - p) is undefined")
    if mask is not None and seed is not None:
        raise InputError("--mask: give either --mask or --seed, not both")
    steps: list[Step] = []
    if mask is None:
        if seed is None:
            raise InputError("--mask: required (or --seed S to draw the mask)")
        rng = np.random.default_rng(seed)
        r = (rng.random(y.shape) < (1.0 - keep if swapped else keep)).astype(np.float64)
        steps.append(
            Step(
                "Mask",
                f"r_i ~ Bernoulli({'p' if convention == 'lecture' else '1 - p'})",
                f"keep probability {fmt(keep)}, numpy default_rng({seed})",
                as_exact(r),
            )
        )
    else:
        if mask.size != y.size:
            raise InputError(f"--mask: expected {y.size} values (one per input), got {mask.size}")
        r = mask.reshape(y.shape)
        if not np.isin(r, (0.0, 1.0)).all():
            raise InputError("--mask: expected only 0 (dropped) and 1 (kept)")
    r = w.keep("mask", r)
    r_out = as_exact(r)
    flat_y, flat_r = y.reshape(-1), r.reshape(-1)
    if convention == "lecture":
        out = r * y
        if p > 0 and w.slip("inverted-in-lecture"):
            out = r * y / p  # PyTorch's inverted scaling, with the lecture's keep p
        if w.slip("test-scale-at-train"):
            out = p * (r * y)  # the test-time scale used while training
        out = w.keep("output", out)
        scale = 1.0 - p if swapped else p
        if w.slip("scale-forgotten"):
            scale = 1.0  # no test-time scaling
        scale = w.keep("scale", scale)
        formula = "y~ = r * y"
        parts = [
            f"{fmt(a)}*{_paren(b)}" for a, b in zip(flat_r.tolist(), flat_y.tolist(), strict=True)
        ]
        steps.append(Step("Keep probability", "p (lecture: p keeps a unit)", "", keep))
    else:
        scale = 1.0 / (1.0 - p)
        if swapped and p > 0:
            scale = 1.0 / p  # p read as the keep probability
        if w.slip("scale-forgotten"):
            scale = 1.0  # the kept units not rescaled
        scale = w.keep("scale", scale)
        out = w.keep("output", r * y * scale)
        formula = "y~ = r * y / (1 - p)"
        parts = [
            f"{fmt(a)}*{_paren(b)}/{fmt(1 - p)}"
            for a, b in zip(flat_r.tolist(), flat_y.tolist(), strict=True)
        ]
        steps.append(
            Step("Keep probability", "1 - p (pytorch: p drops a unit)", f"1 - {fmt(p)}", keep)
        )
    if len(parts) > _MAX_SHOWN:
        parts = parts[: _MAX_SHOWN - 1] + [f"... ({len(parts)} values)"]
    steps.append(Step("Output", formula, "[" + ", ".join(parts) + "]", out))
    if convention == "lecture":
        steps.append(Step("Test-time scale", "W_test = p W (expected output p*y)", fmt(p), scale))
    else:
        steps.append(Step("Training-time scale", "1/(1 - p)", f"1/(1 - {fmt(p)})", scale))
    kept = int(flat_r.sum())
    notes = [f"{kept} of {flat_r.size} units kept"]
    if seed is not None:
        notes.append("the mask comes from NumPy's generator: PyTorch's RNG would draw another")
    if convention == "pytorch":
        notes.append("inverted dropout: E[output] = y, so nothing is rescaled at test time")
    else:
        notes.append("E[r*y] = p*y: at test time every unit is kept and outputs scale by p")
    ints = np.all(out == np.round(out))
    result = {"output": as_exact(out) if ints else out, "mask": r_out, "scale": scale}
    return w.solution(result, steps=steps, notes=notes)


def _paren(v: float) -> str:
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text
