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
import math
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from dlcalc.solution import Solution, Step, fmt

MAX_TERMS = 8  # terms of a sum written out before the middle is elided

_CONTEXT: ContextVar[tuple[Mapping[str, Any] | None, str | None]] = ContextVar(
    "dlcalc_working", default=(None, None)
)


_LEAN: ContextVar[bool] = ContextVar("dlcalc_lean", default=False)


@contextlib.contextmanager
def lean() -> Iterator[None]:
    """Run engines inside this block for their results only (``batch`` without ``--steps``):
    an engine may then skip building its working (``Working.lean`` is true)."""
    token = _LEAN.set(True)
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
