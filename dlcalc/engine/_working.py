"""The step toolkit: each line of working is written once, as an expression over named values.

An engine builds its working through a :class:`Working`::

    w = Working()
    W, K, P, S = w.given("W", 227), w.given("K", 11), w.given("P", 0), w.given("S", 4)
    out = w.step("out_w", floor((W + 2 * P - K) / S) + 1, sym="W2", title="Output width")
    out.value                                    # 55, computed from the expression
    return w.solution({"out_w": out.value})

The value, the symbolic formula (``W2 = floor((W + 2*P - K)/S) + 1``), the substituted
formula (``floor((227 + 2*0 - 11)/4) + 1``) and their LaTeX all come from that one
expression, so the working cannot disagree with the answer. Strings are built only
when something renders them (``batch`` without ``--steps`` pays nothing for them).

Like micrograd's ``Value``, every step keeps the expression that made it, so a run
can be **replayed**: under :func:`replaying` a step whose name is in ``overrides``
takes the given value (a student's own ``delta_k``) and everything computed from it
downstream follows. A run can also be made under a named **variant rule**
(:meth:`Working.slip`), the way a student with that misconception would compute:
the marker (``dlcalc.check``) produces misconceptions by computation, never by typing
a wrong number in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from dlcalc.engine._expr import (  # noqa: F401  (the toolkit's expression names)
    MAX_TERMS,
    BinOp,
    Const,
    Expr,
    Fn,
    Index,
    Neg,
    Sym,
    Total,
    _np,
    absolute,
    call,
    ceil,
    dot,
    exp,
    floor,
    latex_name,
    lift,
    log,
    maximum,
    minimum,
    sqrt,
)
from dlcalc.solution import Solution, Step

_CONTEXT: ContextVar[tuple[Mapping[str, Any] | None, str | None]] = ContextVar(
    "dlcalc_working", default=(None, None)
)


_LEAN: ContextVar[bool] = ContextVar("dlcalc_lean", default=False)


@contextlib.contextmanager
def lean(on: bool = True) -> Iterator[None]:
    """Run engines inside this block for their results only (``batch`` without ``--steps``):
    an engine may then skip building its working (``Working.lean`` is true). ``lean(False)``
    turns it off inside such a block (a batch record with a ``check`` needs the working)."""
    token = _LEAN.set(on)
    try:
        yield
    finally:
        _LEAN.reset(token)


@contextlib.contextmanager
def replaying(
    overrides: Mapping[str, Any] | None = None, rule: str | None = None
) -> Iterator[None]:
    """Run engines inside this block with ``overrides`` (step name -> value, or a function
    of the computed value returning the value to use) and/or the variant ``rule``."""
    token = _CONTEXT.set((overrides or None, rule))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class Patch:
    """An override of some elements of a named value: ``Patch([((1,), 0.35)])`` replaces
    element 1 (``delta_out[1]``) and leaves the rest as computed.

    For a value kept row by row (``w.keep("trajectory", theta, at=t)``) the first index
    picks the row: ``((2,), row)`` replaces row 2, ``((2, 0), 0.41)`` one entry of it.
    """

    __slots__ = ("items",)

    def __init__(self, items: Any) -> None:
        self.items: tuple[tuple[tuple[int, ...], Any], ...] = tuple(
            (tuple(int(i) for i in idx), value) for idx, value in items
        )

    def apply(self, value: Any, at: int | None = None) -> Any:
        """``value`` with the patched elements replaced (a copy; ``value`` is untouched)."""
        items = self.items
        if at is not None:
            items = tuple((idx[1:], v) for idx, v in items if idx and idx[0] == at)
        if not items:
            return value
        for idx, v in items:
            if not idx:
                value = v
                continue
            np = _np()
            arr = np.array(value, dtype=float)
            if arr.ndim < len(idx):
                continue  # an address that does not fit this value changes nothing
            arr[idx] = v
            value = arr
        return value

    def __repr__(self) -> str:
        return f"Patch({list(self.items)!r})"


def _resolve(overrides: Mapping[str, Any] | None, name: str, value: Any, at: int | None = None):
    """The value a replay uses for ``name`` (or row ``at`` of it): the override if any."""
    if overrides is None or name not in overrides:
        return value
    given = overrides[name]
    if isinstance(given, Patch):
        return given.apply(value, at)
    if at is not None:
        return value  # a whole-value override does not apply row by row
    return given(value) if callable(given) else given


class Mistake:
    """A named misconception of one command: the variant rule an engine consults with
    :meth:`Working.slip`, the keys it affects, and what to tell a student who made it.

    says: one line, ``"the bias is missing"``; right: the correct formula,
    ``"params = (K*K*C + 1)*N"``; keys: the result keys or step names it changes
    (empty: any); example: arguments where it shows (``dlcalc mistakes`` runs it; default:
    the command's own example).
    """

    __slots__ = ("id", "says", "right", "keys", "example")

    def __init__(
        self,
        id: str,
        says: str,
        right: str,
        keys: tuple[str, ...] = (),
        example: Mapping[str, Any] | None = None,
    ) -> None:
        self.id, self.says, self.right, self.keys = id, says, right, tuple(keys)
        self.example = dict(example) if example else None

    def __repr__(self) -> str:
        return f"Mistake({self.id!r})"


# ---------------------------------------------------------------- the working


class ExprStep(Step):
    """A :class:`Step` whose formula and substitution are rendered from its expression,
    when first asked for."""

    __slots__ = ("expr", "sym_text", "latex_sym")

    def __init__(self, name: str, title: str, expr: Expr, value: Any, sym: str, latex: str | None):
        self.name, self.title, self.expr, self.value = name, title, expr, value
        self.sym_text, self.latex_sym = sym, latex
        self._formula = self._substituted = None

    @property
    def formula(self) -> str:  # type: ignore[override]
        if self._formula is None:
            self._formula = f"{self.sym_text} = {self.expr.render('formula')}"
        return self._formula

    @property
    def substituted(self) -> str:  # type: ignore[override]
        if self._substituted is None:
            text = self.expr.render("subst")
            if self.expr.has_fn():
                shorter = self.expr.reduced()
                if shorter != text:
                    text += " = " + shorter
            self._substituted = text
        return self._substituted

    @property
    def latex_formula(self) -> str:  # type: ignore[override]
        return f"{self.latex_sym or latex_name(self.sym_text)} = {self.expr.render('latex')}"

    @property
    def latex_substituted(self) -> str:  # type: ignore[override]
        return self.expr.render("latex_subst")


def _named(names: dict[str, Any], rows: dict[str, dict[int, Any]]) -> dict[str, Any]:
    """Every named value of a run; values kept row by row become one array (a row per t,
    0-based as kept: ``m[2]`` is the m of step 2 when steps are kept from 1)."""
    out = dict(names)
    for name, by_row in rows.items():
        if name in out:
            continue
        first, last = min(by_row), max(by_row)
        if first < 0 or last > 100_000:
            continue
        try:
            np = _np()
            values = [by_row.get(t) for t in range(last + 1)]
            if any(v is None for v in values[first:]):
                continue
            width = np.shape(values[first])
            filler = np.full(width, np.nan) if width else np.nan
            out[name] = np.array([filler if v is None else v for v in values], dtype=float)
        except (TypeError, ValueError):
            continue
    return out


class Working:
    """The steps of one computation, in order, under the replay context in force.

    overrides and rule come from :func:`replaying` (the marker's replays); a plain run
    has neither. ``slips``: the variant rules this run consulted (the misconceptions
    that can apply to it).
    """

    __slots__ = ("steps", "overrides", "rule", "slips", "names", "order", "rows", "lean")

    def __init__(self) -> None:
        self.overrides, self.rule = _CONTEXT.get()
        # results only, no working: never under a replay (the marker needs the steps)
        self.lean = _LEAN.get() and self.overrides is None and self.rule is None
        self.steps: list[Step] = []
        self.slips: list[str] = []
        self.names: dict[str, Any] = {}
        self.order: list[tuple[str, int | None]] = []  # named values in the order computed
        self.rows: dict[str, dict[int, Any]] = {}  # values kept row by row (at=t)

    def keep(self, name: str, value: Any, at: int | None = None) -> Any:
        """A value computed outside an expression (a NumPy array, a table row), named so a
        student can check it and a replay can override it; returns the value to go on with.

        ``at``: the value is row ``at`` of the result ``name`` (an optimizer's trajectory,
        the hidden states h_t), so ``trajectory[2]`` can be overridden before step 3 runs.
        Write ``x = w.keep("delta_out", x)`` and compute everything after it from ``x``.
        """
        value = _resolve(self.overrides, name, value, at)
        self.order.append((name, at))
        if at is None:
            self.names[name] = value
        else:
            self.rows.setdefault(name, {})[at] = value
        return value

    def given(self, name: str, value: Any, sym: str | None = None, latex: str | None = None) -> Sym:
        """A named input of the computation."""
        return Sym(name, value, sym, latex)

    def slip(self, rule: str) -> bool:
        """True when this run is made under the misconception ``rule``."""
        if rule not in self.slips:
            self.slips.append(rule)
        return self.rule == rule

    def step(
        self,
        name: str,
        expr: Any,
        title: str = "",
        sym: str | None = None,
        latex: str | None = None,
    ) -> Sym:
        """Record the step ``name`` (its value computed from ``expr``, or replaced by the
        replay's override) and return it as a symbol for the steps that follow."""
        expr = lift(expr)
        value = _resolve(self.overrides, name, expr.value)
        self.steps.append(ExprStep(name, title or name, expr, value, sym or name, latex))
        self.names[name] = value
        self.order.append((name, None))
        return Sym(name, value, sym, latex)

    def note(self, name: str, title: str, formula: str, substituted: str, value: Any) -> Any:
        """A step whose value is not computed here (a table lookup, a count): written as
        text but still named, so it can be checked and overridden."""
        value = _resolve(self.overrides, name, value)
        step = Step(title, formula, substituted, value)
        step.name = name
        self.steps.append(step)
        self.names[name] = value
        self.order.append((name, None))
        return value

    def solution(
        self, result: dict[str, Any], steps: list[Step] | None = None, **extra: Any
    ) -> Solution:
        """The Solution of this computation: ``result`` plus these steps (or ``steps``,
        for an engine that still writes its own Step list)."""
        sol = Solution(result=result, steps=self.steps if steps is None else steps, **extra)
        sol.slips = tuple(self.slips)
        sol.order = tuple(self.order)
        sol.named = _named(self.names, self.rows)
        return sol
