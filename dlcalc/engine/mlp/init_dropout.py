"""Weight initialisation scales (Xavier/Glorot, He/Kaiming) and dropout masks
(CONTRACT: ``init``, ``dropout``)."""

from __future__ import annotations

import math

import numpy as np

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
    if scheme == "xavier":
        if fan_out is None:
            raise InputError("--fan-out: required for xavier (it averages n_in and n_out)")
        n = fan_in + fan_out
        variance = gain * gain * 2.0 / n
        bound = gain * math.sqrt(6.0 / n)
        var_step = Step(
            "Variance",
            "Var[W] = gain^2 * 2/(n_in + n_out)",
            f"{g}^2 * 2/({fan_in} + {fan_out}) = {g}^2 * 2/{n}",
            variance,
        )
        bound_step = Step(
            "Uniform bound",
            "a = gain * sqrt(6/(n_in + n_out))",
            f"{g} * sqrt(6/({fan_in} + {fan_out})) = {g} * sqrt(6/{n})",
            bound,
        )
    else:
        variance = gain * gain * 2.0 / fan_in
        bound = gain * math.sqrt(6.0 / fan_in)
        var_step = Step(
            "Variance (ReLU: E[x^2] = Var[y]/2)",
            "Var[W] = gain^2 * 2/n_in",
            f"{g}^2 * 2/{fan_in}",
            variance,
        )
        bound_step = Step(
            "Uniform bound", "a = gain * sqrt(6/n_in)", f"{g} * sqrt(6/{fan_in})", bound
        )
        if fan_out is not None:
            notes.append("he uses n_in only (PyTorch's mode='fan_in'); --fan-out is ignored")
    std = math.sqrt(variance)
    std_step = Step("Standard deviation", "std = sqrt(Var[W])", f"sqrt({fmt(variance)})", std)
    if dist == "uniform":
        steps = [
            bound_step,
            Step("Variance of U[-a, a]", "Var[W] = a^2/3", f"{fmt(bound)}^2/3", variance),
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
    return Solution(
        result={"bound": bound, "variance": variance, "std": std}, steps=steps, notes=notes
    )


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
    keep = p if convention == "lecture" else 1.0 - p
    if convention == "pytorch" and p >= 1:
        raise InputError("--p: 1 drops every unit; the pytorch scale 1/(1 - p) is undefined")
    if mask is not None and seed is not None:
        raise InputError("--mask: give either --mask or --seed, not both")
    steps: list[Step] = []
    if mask is None:
        if seed is None:
            raise InputError("--mask: required (or --seed S to draw the mask)")
        rng = np.random.default_rng(seed)
        r = (rng.random(y.shape) < keep).astype(np.float64)
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
    r_out = as_exact(r)
    flat_y, flat_r = y.reshape(-1), r.reshape(-1)
    if convention == "lecture":
        out = r * y
        scale = p
        formula = "y~ = r * y"
        parts = [
            f"{fmt(a)}*{_paren(b)}" for a, b in zip(flat_r.tolist(), flat_y.tolist(), strict=True)
        ]
        steps.append(Step("Keep probability", "p (lecture: p keeps a unit)", "", keep))
    else:
        scale = 1.0 / (1.0 - p)
        out = r * y * scale
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
    return Solution(result=result, steps=steps, notes=notes)


def _paren(v: float) -> str:
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text
