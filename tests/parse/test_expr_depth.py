"""Expressions at their limits never end in an internal error (issue 17 defect 6)."""

from __future__ import annotations

import math

import pytest

from dlcalc.errors import LimitError
from dlcalc.parse.expr import parse


def _nest(fn: str, n: int) -> str:
    return f"{fn}(" * n + "x" + ")" * n


def test_thirty_nested_sigmoids_is_a_limit_error_cli(cli):
    # was RecursionError in sympy.diff (exit 70): 30 sigmoids expand to ~120 levels
    message = cli.error("optim", "sgd", "--start", "1", "--f", _nest("sigmoid", 30), flag="--f")
    assert "nested" in message


def test_twenty_nested_sigmoids_differentiate_correctly():
    expr = parse(_nest("sigmoid", 20), name="f")
    (grad,) = expr.gradient()

    def f(x: float) -> float:  # independent plain-Python reference
        for _ in range(20):
            x = 1 / (1 + math.exp(-x))
        return x

    h = 1e-6
    numeric = (f(0.3 + h) - f(0.3 - h)) / (2 * h)  # central difference
    assert float(grad.subs(expr.symbols[0], 0.3)) == pytest.approx(numeric, rel=1e-5)


@pytest.mark.parametrize("fn", ["sigmoid", "exp", "tanh", "sqrt", "abs"])
def test_every_function_over_the_depth_limit_is_refused(fn):
    with pytest.raises(LimitError):
        parse(_nest(fn, 61), name="f")
