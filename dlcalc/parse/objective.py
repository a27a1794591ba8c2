"""``optim --f``: the objective, parsed before the engine (whitelisting parser, no eval),
differentiated symbolically and compiled to plain-float evaluators.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.errors import ComputationError, InputError
from dlcalc.parse import expr as ex
from dlcalc.solution import fmt


def objective_param(raw: Any, name: str) -> Objective:
    """``--f "x^2 + 10*y^2"`` -> an Objective over its variables sorted by name (``--vars``
    reorders them in the engine: :meth:`Objective.ordered`)."""
    if isinstance(raw, Objective):
        return raw
    return Objective(ex.parse(raw, name=name))


class Objective:
    """A parsed ``--f``: the expression, its symbolic gradient, and compiled evaluators.

    The optimizers call ``value``, ``grad`` and ``describe``; ``names``, ``f_text`` and
    ``grad_text`` are written in the working.
    """

    def __init__(self, parsed: ex.Expression) -> None:
        self.parsed = parsed
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

    def ordered(self, variables: str | None) -> Objective:
        """This objective with its variables in the order ``--vars`` gives (a new object)."""
        if variables is None:
            return Objective(self.parsed)
        order = [v for v in str(variables).replace(",", " ").split() if v]
        return Objective(ex.parse(self.parsed.text, name="f", variables=order))
