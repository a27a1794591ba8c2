"""The Python API: one typed function per command, built from the registry's Param specs.

``dlcalc.conv_size(input=227, kernel=11, stride=4)`` and ``dlcalc.optim("adam", params=...)``
take the command's flags as keyword arguments (a command's positional argument, such as
optim's NAME, may also be given first) and return a Solution. ``help()``,
``inspect.signature`` and IDEs see the real parameters (``__signature__``, and the stub
``dlcalc/__init__.pyi`` written by ``scripts/update_stub.py``).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

# How each Param kind is typed for a Python caller (text is always accepted too).
ANNOTATIONS = {
    "int": "int",
    "float": "float",
    "size": "int | str | tuple[int, int]",
    "dims": "int | str | Sequence[int]",
    "vector": "ArrayLike",
    "matrix": "ArrayLike",
    "tensor": "ArrayLike",
    "json": "Any",
    "str": "str",
    "text": "str",
    "choice": "str",
    "bool": "bool",
    "raw": "Any",
    "parsed": "Any",
}


def annotation(p: Any) -> str:
    base = ANNOTATIONS[p.kind]
    if p.kind == "choice" and p.choices:
        base = "Literal[" + ", ".join(repr(c) for c in p.choices) + "]"
    if p.multiple:
        base = f"{base} | Sequence[{base}]"
    return base


def signature(op: Any) -> inspect.Signature:
    """The API signature of ``op``: its positional argument first, then keyword-only flags."""
    from dlcalc.ops import REQUIRED

    params = []
    positional = [p for p in op.params if p.positional]
    for p in positional:
        default = inspect.Parameter.empty if p.required else p.default
        params.append(
            inspect.Parameter(
                p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default,
                annotation=annotation(p),
            )
        )  # fmt: skip
    for p in op.params:
        if p.positional:
            continue
        default = inspect.Parameter.empty if p.default is REQUIRED else p.default
        typed = annotation(p) + (" | None" if default is None else "")
        params.append(
            inspect.Parameter(
                p.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=typed
            )
        )
    return inspect.Signature(params, return_annotation="Solution")


def docstring(op: Any) -> str:
    args = "\n".join(f"    {p.name}: {p.help}" for p in op.params)
    return (
        f"{op.summary}\n\n{op.description}\n\nArguments:\n{args}\n\n"
        f"Result keys: {', '.join(op.result_keys)}\n"
        f"Answer keys (solution.check with a bare answer): {', '.join(op.answers)}"
    )


def function(op: Any) -> Any:
    """The API function of ``op`` (positional arguments bound to the op's positional flags)."""
    sig = signature(op)
    names = [p.name for p in op.params if p.positional]

    def api(*args: Any, **kwargs: Any) -> Any:
        if len(args) > len(names):
            raise TypeError(
                f"{op.api_name}() takes {len(names)} positional argument"
                f"{'s' if len(names) != 1 else ''} ({', '.join(names) or 'none'}); "
                "give the others by name"
            )
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{op.api_name}() got {name!r} twice")
            kwargs[name] = value
        return call(op.name, kwargs)

    api.__name__ = api.__qualname__ = op.api_name
    api.__module__ = "dlcalc"
    api.__doc__ = docstring(op)
    api.__signature__ = sig  # type: ignore[attr-defined]
    return api


def call(name: str, args: Any) -> Any:
    """Run an operation for a Python caller: its Solution displays itself in a notebook,
    and an input error names the parameter (``input: ...``), not the CLI flag."""
    from dlcalc.ops import run

    _register_display()
    with _parameter_names():
        solution = run(name, args)
    marker = solution.marker

    def mark(sol: Any, answers: Any, keyed: Any) -> Any:  # solution.check(...) from Python
        with _parameter_names():
            return marker(sol, answers, keyed)

    solution.marker = mark
    return solution


@contextlib.contextmanager
def _parameter_names() -> Iterator[None]:
    """Rewrite the flags in an InputError's message as parameter names, on its way out."""
    from dlcalc.errors import InputError

    try:
        yield
    except InputError as exc:
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (parameter_names(exc.args[0]), *exc.args[1:])
        raise


# ``--w-hh`` -> ``w_hh`` wherever a message names a flag (not ``-1`` or ``a--b``).
_FLAG = None


def parameter_names(message: str) -> str:
    """A CLI/batch message with every ``--flag`` written as the Python parameter name."""
    global _FLAG
    if _FLAG is None:
        import re

        _FLAG = re.compile(r"(?<![\w-])--([A-Za-z][\w-]*)")
    message = _FLAG.sub(lambda m: m.group(1).replace("-", "_"), message)
    # the operation as the API spells it: "for conv-size" -> "for conv_size()"
    from dlcalc.ops import registry

    for op in registry().values():
        message = message.replace(f"for {op.name} ", f"for {op.api_name}() ")
        if message.endswith(f"for {op.name}"):
            message = message[: -len(op.name)] + op.api_name + "()"
    return message


def _register_display() -> None:
    from dlcalc.solution import DISPLAY

    if not DISPLAY:
        from dlcalc.render.text import html, markdown

        DISPLAY.update(markdown=markdown, html=html)


def stub() -> str:
    """The text of ``dlcalc/__init__.pyi``: every API function with its typed signature."""
    from dlcalc.ops import registry

    lines = [
        "# Written by scripts/update_stub.py from the registry; do not edit by hand.",
        "from collections.abc import Sequence",
        "from typing import Any, Literal",
        "",
        "from numpy.typing import ArrayLike",
        "",
        "from dlcalc.solution import Solution",
        "",
        "__version__: str",
        "",
        "def run(op: str, args: dict[str, Any] | None = None, /, **kwargs: Any) -> Solution: ...",
    ]
    for op in registry().values():
        sig = signature(op)
        parts = []
        star = False
        for param in sig.parameters.values():
            if param.kind is inspect.Parameter.KEYWORD_ONLY and not star:
                parts.append("*")
                star = True
            text = f"{param.name}: {param.annotation}"
            if param.default is not inspect.Parameter.empty:
                text += " = ..."
            parts.append(text)
        lines.append(f"def {op.api_name}({', '.join(parts)}) -> Solution:")
        lines.append(f'    """{op.summary}"""')
        lines.append("    ...")
    return "\n".join(lines) + "\n"
