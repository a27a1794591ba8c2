"""Safe expression parser: user text -> SymPy objects, through an AST whitelist.

The text is parsed by Python's ``ast`` in expression mode and walked node by node;
only numbers, variables, ``pi``/``e``, the operators ``+ - * / **`` (``^`` is read as
``**``, with its precedence), unary minus and calls of the functions in :data:`FUNCTIONS` are accepted.
A number or ``)`` directly before a name, number or ``(`` multiplies it (``10y^2``,
``3(x+1)``): :func:`implicit_products` writes the ``*`` in before the text is parsed. The
SymPy objects are built directly (``sympy.Symbol``, ``sympy.exp``, ...): the user's
text is never handed to ``sympify``/``parse_expr`` or any other evaluator.

Evaluation does not use ``lambdify`` either: :func:`compile_exprs` turns the SymPy tree
into nested Python closures over ``math`` functions (built once, then fast to call).

SymPy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from dlcalc.errors import ComputationError, InputError, LimitError, flag

MAX_CHARS = 500
MAX_DEPTH = 60  # nesting of operators and calls
MAX_EXPONENT = 100  # |n| for a numeric exponent
MAX_DIGITS = 400  # digits of a number built from literals (2**100 is fine, 9**9**9 is not)
MAX_VARIABLES = 20

FUNCTIONS: tuple[str, ...] = (
    "exp",
    "log",
    "ln",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "sigmoid",
    "abs",
)
CONSTANTS: tuple[str, ...] = ("pi", "e")
# What people paste from slides and PDFs: unicode minus, times, superscripts.
_TRANSLATE = str.maketrans(
    {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u00b2": "**2", "\u00b3": "**3"}
)
_VAR_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*\Z")

_NODE_NAMES = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[i])",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.Tuple: "tuples (a, b)",
    ast.List: "lists [a, b]",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "strings",
    ast.Starred: "*arguments",
    ast.NamedExpr: "assignment (:=)",
    ast.Await: "await",
}
_OP_NAMES = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}


class Expression:
    """A parsed objective: the SymPy expression and its variables in order."""

    __slots__ = ("text", "expr", "symbols")

    def __init__(self, text: str, expr: Any, symbols: tuple[Any, ...]) -> None:
        self.text, self.expr, self.symbols = text, expr, symbols

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.symbols)

    def gradient(self) -> list[Any]:
        """The partial derivatives df/dv, one per variable, in variable order."""
        import sympy

        try:
            return [sympy.diff(self.expr, s) for s in self.symbols]
        except RecursionError:  # a safety net under MAX_DEPTH
            raise LimitError(
                f"--f: {self.text[:40]!r}... is nested too deeply to differentiate"
            ) from None

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def show(expr: Any) -> str:
    """A SymPy expression as text: ``2*x + 3*y**2``."""
    import sympy

    return sympy.sstr(expr)


def parse(text: str, *, name: str = "f", variables: Sequence[str] | None = None) -> Expression:
    """Parse ``text`` into an :class:`Expression` (errors name ``--name``).

    variables: the allowed variable names, in order; by default every name that is not a
    function or constant is a variable, and they are sorted by name.
    """
    where = flag(name)
    if not isinstance(text, str):
        raise InputError(f"{where}: expected an expression as text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise LimitError(f"{where}: expression longer than {MAX_CHARS} characters")
    if not text.strip():
        raise InputError(f"{where}: empty expression")
    order = _check_variables(variables, name) if variables is not None else None
    try:  # ^ means power here (as in the slides), not Python's xor
        source = implicit_products(text.strip().translate(_TRANSLATE).replace("^", "**"))
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise InputError(f"{where}: not a valid expression{col}: {text.strip()!r}") from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError(f"{where}: not a valid expression: nested too deeply") from None
    builder = _Builder(where, order)
    expr = builder.build(tree.body, 0)
    import sympy

    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise InputError(f"{where}: the expression is undefined (division by zero?)")
    if expr.has(sympy.I):
        raise InputError(f"{where}: the expression is complex (square root of a negative?)")
    if order is not None:
        names = order
    else:
        names = tuple(sorted(builder.names))
    if not names:
        raise InputError(f"{where}: no variables in {text.strip()!r} (use e.g. x, y, w1)")
    symbols = tuple(builder.symbol(n) for n in names)
    return Expression(text.strip(), expr, symbols)


def implicit_products(source: str) -> str:
    """``10y**2`` -> ``10*y**2``, ``3(x+1)`` -> ``3*(x+1)``, ``(x+1)(x-1)`` -> ``(x+1)*(x-1)``.

    Python's own tokenizer splits the text (``10y`` is the number 10 then the name y;
    ``2e3`` stays one number), and a ``*`` is written between a number or a closing
    parenthesis and the name, number or parenthesis right after it. Nothing is evaluated:
    the result goes to the same AST whitelist as any other text. Text the tokenizer
    cannot follow (unbalanced brackets, several lines) is returned unchanged, for the
    parser to report.
    """
    if "\n" in source or not any(c.isdigit() or c == ")" for c in source):
        return source
    import io
    import tokenize

    cuts: list[int] = []
    prev: Any = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
                continue
            if prev is not None and tok.start[0] == 1:
                after_number = prev.type == tokenize.NUMBER and (
                    tok.type == tokenize.NAME or tok.string == "("
                )
                after_paren = prev.string == ")" and (
                    tok.type in (tokenize.NAME, tokenize.NUMBER) or tok.string == "("
                )
                if after_number or after_paren:
                    cuts.append(tok.start[1])
            prev = tok
    except (tokenize.TokenError, SyntaxError):
        return source
    for col in reversed(cuts):
        source = source[:col] + "*" + source[col:]
    return source


def _check_variables(variables: Sequence[str], name: str) -> tuple[str, ...]:
    out: list[str] = []
    for v in variables:
        v = str(v).strip()
        if not _VAR_RE.match(v) or v in FUNCTIONS or v in CONSTANTS or len(v) > 16:
            raise InputError(f"--vars: {v!r} is not a usable variable name (e.g. x, y, w1)")
        if v in out:
            raise InputError(f"--vars: {v!r} is listed twice")
        out.append(v)
    if not out:
        raise InputError("--vars: expected variable names such as x,y")
    if len(out) > MAX_VARIABLES:
        raise LimitError(f"--vars: more than {MAX_VARIABLES} variables")
    return tuple(out)


class _Builder:
    """Walks the AST, accepting only whitelisted nodes and building SymPy objects."""

    def __init__(self, where: str, order: tuple[str, ...] | None) -> None:
        self.where, self.order = where, order
        self.names: set[str] = set()
        self._symbols: dict[str, Any] = {}

    def fail(self, message: str) -> InputError:
        return InputError(f"{self.where}: {message}")

    def symbol(self, name: str) -> Any:
        import sympy

        if name not in self._symbols:
            self._symbols[name] = sympy.Symbol(name, real=True)
        return self._symbols[name]

    def build(self, node: ast.AST, depth: int) -> Any:

        if depth > MAX_DEPTH:
            raise LimitError(f"{self.where}: expression nested more than {MAX_DEPTH} levels")
        if isinstance(node, ast.Constant):
            return self.number(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.fail(f"operator {_OP_NAMES.get(type(node.op), '?')} is not allowed")
        if isinstance(node, ast.BinOp):
            op = node.op
            if isinstance(op, ast.Pow):
                return self.power(node, depth)
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            if isinstance(op, ast.Add):
                return left + right
            if isinstance(op, ast.Sub):
                return left - right
            if isinstance(op, ast.Mult):
                self.check_size(left * right if left.is_number and right.is_number else None)
                return left * right
            if isinstance(op, ast.Div):
                if right == 0:
                    raise self.fail("division by zero")
                return left / right
            symbol = _OP_NAMES.get(type(op), type(op).__name__)
            raise self.fail(f"operator {symbol} is not allowed (use + - * / ** or ^)")
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        raise self.fail(f"{what} is not allowed in an expression")

    def number(self, value: Any) -> Any:
        import sympy

        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "strings" if isinstance(value, str | bytes) else repr(value)
            raise self.fail(f"{kind} are not allowed; expected numbers and variables")
        if isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                raise LimitError(f"{self.where}: number with more than {MAX_DIGITS} digits")
            return sympy.Integer(value)
        if not math.isfinite(value):
            raise self.fail("numbers must be finite")
        frac = Fraction(repr(value))
        return sympy.Rational(frac.numerator, frac.denominator)

    def name(self, ident: str) -> Any:
        import sympy

        if ident == "pi":
            return sympy.pi
        if ident == "e":
            return sympy.E
        if ident in FUNCTIONS:
            raise self.fail(f"{ident} is a function: write {ident}(...)")
        if not _VAR_RE.match(ident) or len(ident) > 16:
            raise self.fail(f"unknown name {ident!r} (variables look like x, y, w1)")
        if self.order is not None and ident not in self.order:
            raise self.fail(f"unknown name {ident!r}: not among --vars {', '.join(self.order)}")
        self.names.add(ident)
        if len(self.names) > MAX_VARIABLES:
            raise LimitError(f"{self.where}: more than {MAX_VARIABLES} variables")
        return self.symbol(ident)

    def power(self, node: ast.BinOp, depth: int) -> Any:
        if _has_power(node.right):
            raise self.fail("a power inside an exponent (like 9**9**9) is not allowed")
        base = self.build(node.left, depth + 1)
        exp = self.build(node.right, depth + 1)
        if exp.is_number:
            if not exp.is_real:
                raise self.fail(f"complex exponent {exp} is not allowed")
            if abs(float(exp)) > MAX_EXPONENT:
                raise self.fail(f"exponent {exp} is too large (|exponent| <= {MAX_EXPONENT})")
            if base == 0 and float(exp) < 0:
                raise self.fail("division by zero (0 to a negative power)")
        if base.is_number and exp.is_number:
            b = abs(float(base)) if base.is_real else 0.0
            if b > 1 and float(exp) * math.log10(b) > MAX_DIGITS:
                raise LimitError(
                    f"{self.where}: a power of numbers with more than {MAX_DIGITS} digits"
                )
        result = base**exp
        self.check_size(result if result.is_number else None)
        return result

    def call(self, node: ast.Call, depth: int) -> Any:
        import sympy

        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail("only calls of the functions " + ", ".join(FUNCTIONS) + " are allowed")
        fname = func.id
        if fname not in FUNCTIONS:
            raise self.fail(f"unknown function {fname!r} (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(f"{fname}() takes exactly one argument")
        # sigmoid(a) expands to 1/(1 + exp(-a)), four levels: it counts as three, so that
        # MAX_DEPTH bounds the expanded tree SymPy differentiates (29 nested sigmoids hit
        # Python's recursion limit in sympy.diff; the limit now allows 20).
        arg = self.build(node.args[0], depth + (3 if fname == "sigmoid" else 1))
        if fname == "sigmoid":
            return 1 / (1 + sympy.exp(-arg))
        if fname == "abs":
            return sympy.Abs(arg)
        if fname in ("log", "ln"):
            if arg.is_number and arg.is_real and float(arg) <= 0:
                raise self.fail(f"log of {arg} is undefined")
            return sympy.log(arg)
        if fname == "sqrt":
            return sympy.sqrt(arg)
        return getattr(sympy, fname)(arg)

    def check_size(self, value: Any) -> None:
        if value is None or not value.is_Integer:
            return
        if abs(int(value)) >= 10**MAX_DIGITS:
            raise LimitError(f"{self.where}: a number with more than {MAX_DIGITS} digits")


def _has_power(node: ast.AST) -> bool:
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(node))


# ---------------------------------------------------------------- evaluation


def _safe_pow(a: float, b: float) -> float:
    if b == 2.0:
        return a * a
    return math.pow(a, b)


def _sign(a: float) -> float:
    return float((a > 0) - (a < 0))


_MATH: dict[str, Callable[[float], float]] = {
    "exp": math.exp,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "Abs": abs,
    "sign": _sign,
}


def _compile(expr: Any, index: dict[Any, int]) -> Callable[[Sequence[float]], float]:
    """SymPy tree -> closure f(point) computing it with ``math`` (no code generation)."""
    if expr.is_Symbol:
        i = index[expr]
        return lambda p: p[i]
    if expr.is_number:
        try:
            c = float(expr)
        except (TypeError, OverflowError):
            raise ComputationError(
                f"cannot evaluate the constant {expr} as a real number"
            ) from None
        if not math.isfinite(c):
            raise ComputationError(f"the constant {expr} overflows")
        return lambda p: c
    args = [_compile(a, index) for a in expr.args]
    if expr.is_Add:

        def add(p: Sequence[float]) -> float:
            total = 0.0
            for a in args:
                total += a(p)
            return total

        return add
    if expr.is_Mul:

        def mul(p: Sequence[float]) -> float:
            prod = 1.0
            for a in args:
                prod *= a(p)
            return prod

        return mul
    if expr.is_Pow:
        base, exp = args
        if expr.exp.is_number:
            e = float(expr.exp)
            if e == -1:
                return lambda p: 1.0 / base(p)
            return lambda p: _safe_pow(base(p), e)
        return lambda p: math.pow(base(p), exp(p))
    name = type(expr).__name__
    if name in _MATH and len(args) == 1:
        fn, (a,) = _MATH[name], args
        return lambda p: fn(a(p))
    raise ComputationError(f"cannot evaluate {name} numerically")


def compile_exprs(exprs: Sequence[Any], symbols: Sequence[Any]) -> Callable[..., list[float]]:
    """Compile SymPy expressions once; the result maps a point to their float values.

    Raises ComputationError (naming the point) when a value is undefined or overflows.
    """
    index = {s: i for i, s in enumerate(symbols)}
    funcs = [_compile(e, index) for e in exprs]

    def evaluate(point: Sequence[float]) -> list[float]:
        p = [float(v) for v in point]
        try:
            out = [f(p) for f in funcs]
        except OverflowError:
            raise ComputationError(_where(p) + "overflows") from None
        except (ValueError, ZeroDivisionError):
            raise ComputationError(
                _where(p) + "is undefined (log/sqrt of a negative or 1/0)"
            ) from None
        for v in out:
            if not math.isfinite(v):
                raise ComputationError(_where(p) + "is not finite (overflow)")
        return out

    return evaluate


def _where(p: Sequence[float]) -> str:
    shown = ", ".join(f"{v:.6g}" for v in p)
    return f"value at [{shown}] "
