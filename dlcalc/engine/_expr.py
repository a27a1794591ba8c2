"""The expressions of the step toolkit: each step of working is written once as an
expression over named values (:class:`Sym`), and its value, its formula, the formula with
the numbers in, and their LaTeX all come from it (``Expr.render``). Used through
:mod:`dlcalc.engine._working`, which re-exports these names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dlcalc.solution import fmt

MAX_TERMS = 8  # terms of a sum written out before the middle is elided


# ---------------------------------------------------------------- expressions

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "nu",
    "pi", "rho", "sigma", "tau", "phi", "psi", "omega", "Delta", "Sigma",
}  # fmt: skip


def latex_name(name: str) -> str:
    """``delta_k`` -> ``\\delta_{k}``, ``m_hat`` -> ``\\hat{m}``, ``W2`` -> ``W_{2}``."""
    base, _, sub = name.partition("_")
    if sub == "hat":
        return rf"\hat{{{latex_name(base)}}}"
    if sub.endswith("_hat"):
        return rf"\hat{{{latex_name(base)}}}_{{{sub[:-4]}}}"
    if base in _GREEK:
        base = "\\" + base
    elif not sub and len(base) > 1 and base[-1].isdigit() and base[0].isalpha():
        head = base.rstrip("0123456789")
        return rf"{head}_{{{base[len(head) :]}}}"
    elif len(base) > 1:
        base = rf"\mathrm{{{base}}}"
    return f"{base}_{{{sub}}}" if sub else base


def _num_text(value: Any) -> str:
    return fmt(value)


def _num_latex(value: Any) -> str:
    if hasattr(value, "ndim") and value.ndim >= 1:
        rows = value.tolist() if value.ndim == 2 else [value.tolist()]
        if value.ndim > 2 or value.size > 64:
            return (
                r"\left[" + "\\times".join(str(s) for s in value.shape) + r"\ \text{array}\right]"
            )
        body = r" \\ ".join(" & ".join(_num_latex(v) for v in row) for row in rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
    text = fmt(value)
    if "e" in text and not text.startswith(("t", "f")):
        mant, _, exp = text.partition("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    if text in ("true", "false"):
        return rf"\text{{{text}}}"
    return text


def _negative(value: Any) -> bool:
    if hasattr(value, "ndim"):
        return value.ndim == 0 and float(value) < 0
    return isinstance(value, int | float) and not isinstance(value, bool) and value < 0


# precedence: sums 1, products 2, unary minus 3, powers 4, atoms 9
class Expr:
    """A node of a working expression. ``value`` is computed once, at construction."""

    __slots__ = ("value",)
    prec = 9

    def render(self, mode: str) -> str:  # mode: "formula" | "subst" | "latex" | "latex_subst"
        raise NotImplementedError

    def reduced(self) -> str:
        """One step of arithmetic done: ``floor(216/4) + 1`` for ``floor((227 + 0 - 11)/4) + 1``.

        Arithmetic without a function inside is done (a division is shown as its two
        sides); functions and their outer arithmetic stay written out."""
        return self.render("subst")

    def has_fn(self) -> bool:
        return False

    def wrap(self, mode: str, prec: int) -> str:
        text = self.render(mode)
        if self.prec < prec or (
            mode in ("subst", "latex_subst")
            and isinstance(self, Sym)
            and prec > 1
            and _negative(self.value)
        ):
            return rf"\left({text}\right)" if mode.startswith("latex") else f"({text})"
        return text

    def __add__(self, o: Any) -> Expr:
        return BinOp("+", self, lift(o))

    def __radd__(self, o: Any) -> Expr:
        return BinOp("+", lift(o), self)

    def __sub__(self, o: Any) -> Expr:
        return BinOp("-", self, lift(o))

    def __rsub__(self, o: Any) -> Expr:
        return BinOp("-", lift(o), self)

    def __mul__(self, o: Any) -> Expr:
        return BinOp("*", self, lift(o))

    def __rmul__(self, o: Any) -> Expr:
        return BinOp("*", lift(o), self)

    def __truediv__(self, o: Any) -> Expr:
        return BinOp("/", self, lift(o))

    def __rtruediv__(self, o: Any) -> Expr:
        return BinOp("/", lift(o), self)

    def __floordiv__(self, o: Any) -> Expr:
        return floor(BinOp("/", self, lift(o)))

    def __pow__(self, o: Any) -> Expr:
        return BinOp("^", self, lift(o))

    def __rpow__(self, o: Any) -> Expr:
        return BinOp("^", lift(o), self)

    def __matmul__(self, o: Any) -> Expr:
        return BinOp("@", self, lift(o))

    def __rmatmul__(self, o: Any) -> Expr:
        return BinOp("@", lift(o), self)

    def __neg__(self) -> Expr:
        return Neg(self)

    def __getitem__(self, index: Any) -> Expr:
        return Index(self, index)


def lift(x: Any) -> Expr:
    return x if isinstance(x, Expr) else Const(x)


class Const(Expr):
    """A literal number of the formula (``1``, ``2``): the same in both renderings."""

    __slots__ = ("text",)

    def __init__(self, value: Any, text: str | None = None) -> None:
        self.value, self.text = value, text

    @property
    def prec(self) -> int:  # type: ignore[override]
        return 3 if _negative(self.value) else 9

    def render(self, mode: str) -> str:
        if self.text is not None:
            return self.text
        return _num_latex(self.value) if mode.startswith("latex") else _num_text(self.value)


class Sym(Expr):
    """A named value: an input, or a step already computed. ``sym`` is how the formula
    writes it (``W2``); ``latex`` its LaTeX (default from :func:`latex_name`)."""

    __slots__ = ("name", "sym", "latex")

    def __init__(self, name: str, value: Any, sym: str | None = None, latex: str | None = None):
        self.name, self.value, self.sym, self.latex = name, value, sym or name, latex

    def render(self, mode: str) -> str:
        if mode == "formula":
            return self.sym
        if mode == "latex":
            return self.latex or latex_name(self.sym)
        return _num_latex(self.value) if mode == "latex_subst" else _num_text(self.value)

    def __repr__(self) -> str:
        return f"Sym({self.name!r}, {self.value!r})"


_BIN = {
    "+": (1, lambda a, b: a + b, " + ", " + "),
    "-": (1, lambda a, b: a - b, " - ", " - "),
    "*": (2, lambda a, b: a * b, "*", r" \cdot "),
    "/": (2, lambda a, b: a / b, "/", None),
    "@": (2, lambda a, b: a @ b, " ", " "),
    "^": (4, lambda a, b: a**b, "^", None),
}


class BinOp(Expr):
    __slots__ = ("op", "a", "b")

    def __init__(self, op: str, a: Expr, b: Expr) -> None:
        self.op, self.a, self.b = op, a, b
        self.value = _BIN[op][1](a.value, b.value)

    @property
    def prec(self) -> int:  # type: ignore[override]
        return _BIN[self.op][0]

    def render(self, mode: str) -> str:
        prec, _, plain, latex = _BIN[self.op]
        if mode.startswith("latex"):
            if self.op == "/":
                return rf"\frac{{{self.a.render(mode)}}}{{{self.b.render(mode)}}}"
            if self.op == "^":
                return f"{{{self.a.wrap(mode, 5)}}}^{{{self.b.render(mode)}}}"
        sep = latex if mode.startswith("latex") else plain
        right = prec + 1 if self.op in "-/^" or self.op == "@" else prec
        left = 5 if self.op == "^" else prec
        return f"{self.a.wrap(mode, left)}{sep}{self.b.wrap(mode, right)}"


def _scalar(value: Any) -> bool:
    return not hasattr(value, "ndim") or value.ndim == 0


def _binop_reduced(self: BinOp) -> str:
    if not self.has_fn() and _scalar(self.value):
        if self.op == "/" and _scalar(self.a.value) and _scalar(self.b.value):
            return f"{Const(self.a.value).wrap('subst', 2)}/{Const(self.b.value).wrap('subst', 3)}"
        return Const(self.value).render("subst")
    _, _, plain, _ = _BIN[self.op]
    left = self.a.reduced() if self.a.has_fn() else self.a.wrap("subst", _BIN[self.op][0])
    right = self.b.reduced() if self.b.has_fn() else self.b.wrap("subst", _BIN[self.op][0] + 1)
    return f"{left}{plain}{right}"


BinOp.reduced = _binop_reduced  # type: ignore[method-assign]
BinOp.has_fn = lambda self: self.a.has_fn() or self.b.has_fn()  # type: ignore[method-assign]


class Neg(Expr):
    __slots__ = ("a",)
    prec = 3

    def __init__(self, a: Expr) -> None:
        self.a, self.value = a, -a.value

    def render(self, mode: str) -> str:
        return "-" + self.a.wrap(mode, 4)


class Index(Expr):
    """``a[i]``: one entry (or row) of an array-valued expression."""

    __slots__ = ("a", "index")

    def __init__(self, a: Expr, index: Any) -> None:
        self.a, self.index, self.value = a, index, a.value[index]

    def render(self, mode: str) -> str:
        if mode in ("subst", "latex_subst"):
            return _num_latex(self.value) if mode == "latex_subst" else _num_text(self.value)
        idx = self.index if isinstance(self.index, tuple) else (self.index,)
        text = ",".join(str(i) for i in idx)
        if mode == "latex":
            return f"{self.a.wrap(mode, 9)}_{{{text}}}"
        return f"{self.a.wrap(mode, 9)}[{text}]"


class Fn(Expr):
    """A function applied to expressions: ``floor(x)``, ``sqrt(v + eps)``, ``sigmoid(net)``.

    latex: a template with ``{0}``, ``{1}``... for the rendered arguments.
    """

    __slots__ = ("name", "args", "latex")

    def __init__(self, name: str, fn: Callable[..., Any], args: tuple[Expr, ...], latex: str):
        self.name, self.args, self.latex = name, args, latex
        self.value = fn(*(a.value for a in args))

    def render(self, mode: str) -> str:
        if mode.startswith("latex"):
            return self.latex.format(*(a.render(mode) for a in self.args))
        return f"{self.name}({', '.join(a.render(mode) for a in self.args)})"

    def has_fn(self) -> bool:
        return True

    def reduced(self) -> str:
        args = []
        for a in self.args:
            if isinstance(a, BinOp) and not a.has_fn() and _scalar(a.value):
                args.append(a.reduced())
            else:
                args.append(a.reduced() if a.has_fn() else a.render("subst"))
        return f"{self.name}({', '.join(args)})"


def call(name: str, fn: Callable[..., Any], *args: Any, latex: str | None = None) -> Expr:
    """Any function as a node: ``call("sigmoid", sigmoid, net)``."""
    default = (
        rf"\operatorname{{{name}}}\left("
        + ", ".join("{" + str(i) + "}" for i in range(len(args)))
        + r"\right)"
    )
    return Fn(name, fn, tuple(lift(a) for a in args), latex or default)


def _np() -> Any:
    import numpy as np

    return np


def _whole(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(x: Any) -> Any:
        if isinstance(x, int | float):
            return int(fn(x))
        return _np().asarray(fn(x))

    return apply


def floor(x: Any) -> Expr:
    return Fn(
        "floor",
        _whole(lambda v: math.floor(v) if isinstance(v, int | float) else _np().floor(v)),
        (lift(x),),
        r"\left\lfloor {0} \right\rfloor",
    )


def ceil(x: Any) -> Expr:
    return Fn(
        "ceil",
        _whole(lambda v: math.ceil(v) if isinstance(v, int | float) else _np().ceil(v)),
        (lift(x),),
        r"\left\lceil {0} \right\rceil",
    )


def sqrt(x: Any) -> Expr:
    return Fn(
        "sqrt",
        lambda v: math.sqrt(v) if isinstance(v, int | float) else _np().sqrt(v),
        (lift(x),),
        r"\sqrt{{{0}}}",
    )


def exp(x: Any) -> Expr:
    return Fn("exp", lambda v: _np().exp(v), (lift(x),), r"e^{{{0}}}")


def log(x: Any) -> Expr:
    return Fn("log", lambda v: _np().log(v), (lift(x),), r"\log\left({0}\right)")


def absolute(x: Any) -> Expr:
    return Fn("abs", lambda v: abs(v), (lift(x),), r"\left|{0}\right|")


def maximum(*xs: Any) -> Expr:
    args = tuple(lift(x) for x in xs)
    tpl = r"\max\left(" + ", ".join("{" + str(i) + "}" for i in range(len(args))) + r"\right)"
    return Fn(
        "max",
        lambda *v: max(v) if all(isinstance(a, int | float) for a in v) else _np().maximum(*v),
        args,
        tpl,
    )


def minimum(*xs: Any) -> Expr:
    args = tuple(lift(x) for x in xs)
    tpl = r"\min\left(" + ", ".join("{" + str(i) + "}" for i in range(len(args))) + r"\right)"
    return Fn(
        "min",
        lambda *v: min(v) if all(isinstance(a, int | float) for a in v) else _np().minimum(*v),
        args,
        tpl,
    )


class Total(Expr):
    """A sum written out term by term: ``0.15*0.05 + 0.2*0.1 + 0.35`` (the middle elided
    past :data:`MAX_TERMS` terms). ``sym``/``latex`` give its symbolic form
    (``sum_i w_ji x_i + b_j``)."""

    __slots__ = ("terms", "sym", "latex")
    prec = 1

    def __init__(self, terms: list[Expr], sym: str, latex: str | None = None) -> None:
        self.terms, self.sym, self.latex = terms, sym, latex
        value: Any = 0
        for t in terms:
            value = value + t.value
        self.value = value

    def render(self, mode: str) -> str:
        if mode == "formula":
            return self.sym
        if mode == "latex":
            return self.latex or self.sym
        terms = self.terms
        shown: list[Expr | None] = list(terms)
        if len(terms) > MAX_TERMS + 1:
            shown = [*terms[: MAX_TERMS - 1], None, terms[-1]]
        out = []
        for i, t in enumerate(shown):
            if t is None:
                more = len(terms) - MAX_TERMS
                out.append(
                    rf" + \dots ({more} more)" if mode == "latex_subst" else f" + ... ({more} more)"
                )
                continue
            text = t.wrap(mode, 1)
            if i == 0:
                out.append(text)
            elif text.startswith("-"):
                out.append(" - " + text[1:])
            else:
                out.append(" + " + text)
        return "".join(out)


def dot(a: Any, b: Any, sym: str, latex: str | None = None, bias: Any = None) -> Expr:
    """sum_i a_i b_i (+ bias) over two 1-D arrays, written term by term."""
    a_val, b_val = (lift(v).value for v in (a, b))
    terms: list[Expr] = [
        Const(x) * Const(y)
        for x, y in zip(_np().asarray(a_val).tolist(), _np().asarray(b_val).tolist(), strict=True)
    ]
    if bias is not None:
        terms.append(lift(bias) if isinstance(bias, Expr) else Const(bias))
    return Total(terms, sym, latex)
