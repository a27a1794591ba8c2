"""The one registry of operations: op name -> engine function + argument spec.

The CLI, ``dlcalc batch``, the quiz's calc questions and ``import dlcalc`` all go
through :func:`run`; none of them computes anything itself. Each topic declares its
operations in a sibling module (``dlcalc/ops/cnn.py`` ...) as a list ``OPS`` of
:class:`Op`. Declarations are plain data (no NumPy), so building the CLI is cheap;
the engine module is imported only when an operation runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from dlcalc import parse
from dlcalc.errors import InputError, flag, suggest
from dlcalc.topics import TOPICS, packages_in_cli_order  # the one topic table

REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()
_UNSET: Any = object()

KINDS = (
    "int",
    "float",
    "size",
    "dims",
    "vector",
    "matrix",
    "tensor",
    "json",
    "str",
    "text",
    "choice",
    "bool",
    "raw",
    "parsed",
)


class Param:
    """One argument of an operation: ``--name`` on the CLI, ``name`` in batch and the API.

    kind: how the raw value is parsed (see ``KINDS``; ``"parsed"``: by ``parser``, a
    ``"dlcalc.parse.<module>:<function>"`` taking (raw, name) and returning the typed value
    the engine receives); ``lo``/``hi`` bound numbers;
    ``multiple``: the flag may repeat (a list is passed); ``positional``: a CLI argument.
    (A plain class rather than a dataclass: defining dataclasses costs start-up time.)
    """

    __slots__ = (
        "name",
        "kind",
        "help",
        "default",
        "choices",
        "lo",
        "hi",
        "positional",
        "multiple",
        "metavar",
        "parser",
        "_parsed_default",
        "_parser",
    )

    def __init__(
        self,
        name: str,
        kind: str,
        help: str,
        default: Any = None,
        choices: tuple[str, ...] = (),
        lo: float | None = None,
        hi: float | None = None,
        positional: bool = False,
        multiple: bool = False,
        metavar: str | None = None,
        parser: str | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown param kind {kind!r} for {name}")
        self.name, self.kind, self.help, self.default = name, kind, help, default
        self.choices, self.lo, self.hi = choices, lo, hi
        self.positional, self.multiple, self.metavar = positional, multiple, metavar
        if (kind == "parsed") != (parser is not None):
            raise ValueError(f"{name}: kind 'parsed' goes with parser='module:function'")
        self.parser = parser  # kind "parsed": a domain parser of dlcalc/parse, loaded on use
        self._parsed_default: Any = _UNSET
        self._parser: Callable[[Any], Any] | None = None

    def parsed_default(self) -> Any:
        """The default, parsed once and reused when immutable (batch runs bind many records)."""
        cached = self._parsed_default
        if cached is not _UNSET:
            return cached
        value = self.parse(self.default)
        if isinstance(value, int | float | str | tuple | bool):
            self._parsed_default = value
        return value

    def __repr__(self) -> str:
        return f"Param({self.name!r}, {self.kind!r})"

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def flag(self) -> str:
        return flag(self.name)

    def parse(self, raw: Any) -> Any:
        """Raw value (text, or a typed Python/NumPy value) -> the engine's argument."""
        fn = self._parser
        if fn is not None and not self.multiple:
            return fn(raw)
        if self.multiple:
            items = raw if isinstance(raw, list | tuple) else [raw]
            return [self._parse_one(item) for item in items]
        return self._parse_one(raw)

    def _parse_one(self, raw: Any) -> Any:
        fn = self._parser
        if fn is None:
            fn = self._parser = self._make_parser()
        return fn(raw)

    def _make_parser(self) -> Callable[[Any], Any]:
        """The parsing function of this param, chosen once (batch binds many records)."""
        kind, name, lo, hi = self.kind, self.name, self.lo, self.hi
        if kind == "int":
            return lambda raw: parse.parse_int(raw, name, lo=lo, hi=hi)
        if kind == "float":
            return lambda raw: parse.parse_float(raw, name, lo=lo, hi=hi)
        if kind == "size":
            low = 1 if lo is None else int(lo)
            top = parse.MAX_DIM

            def size(raw: Any) -> Any:
                if type(raw) is int and low <= raw <= top:  # a whole number (batch records)
                    return raw, raw
                return parse.parse_size(raw, name, lo=low)

            return size
        if kind == "choice":
            choices = self.choices
            return lambda raw: parse.parse_choice(raw, name, choices)
        if kind == "parsed":
            module, _, attr = str(self.parser).partition(":")
            return lambda raw: getattr(importlib.import_module(module), attr)(raw, name)
        simple = {
            "dims": parse.parse_dims,
            "vector": parse.parse_vector,
            "matrix": parse.parse_matrix,
            "tensor": parse.parse_tensor,
            "json": parse.parse_json,
            "str": parse.parse_str,
            "text": parse.parse_text,
            "bool": parse.parse_bool,
        }
        if kind in simple:
            fn = simple[kind]
            return lambda raw: fn(raw, name)
        return lambda raw: raw


class Op:
    """A registered operation.

    func: ``"dlcalc.engine.cnn.conv:conv_size"``, a keyword-only function returning a Solution.
    result_keys: the documented result keys.
    answers: the answer keys, what a student writes as the final answer of this
    calculation (a bare ``--check ANSWER`` marks these; default: the first result key).
    example: arguments of a typical call (used for ``--help``, the README and the tests).
    """

    __slots__ = (
        "name",
        "topic",
        "func",
        "summary",
        "params",
        "result_keys",
        "example",
        "description",
        "answers",
        "_by_name",
        "_loaded",
    )

    def __init__(
        self,
        name: str,
        topic: str,
        func: str,
        summary: str,
        params: tuple[Param, ...],
        result_keys: tuple[str, ...],
        example: Mapping[str, Any] | None = None,
        description: str = "",
        answers: tuple[str, ...] = (),
    ) -> None:
        if topic not in TOPICS:
            raise ValueError(f"{name}: unknown topic {topic!r}")
        self.name, self.topic, self.func, self.summary = name, topic, func, summary
        self.params, self.result_keys = tuple(params), tuple(result_keys)
        self.example = dict(example or {})
        self.description = description
        self.answers = tuple(answers) or self.result_keys[:1]
        self._by_name: dict[str, Param] | None = None
        self._loaded: Any = None  # the engine module
        unknown = [k for k in self.answers if k not in self.result_keys]
        if unknown:
            raise ValueError(f"{name}: answer keys {unknown} are not result keys")

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    @property
    def primary(self) -> str:
        return self.answers[0]

    @property
    def api_name(self) -> str:
        """``conv-size`` -> ``conv_size``; Python keywords get a trailing ``_``."""
        import keyword

        name = self.name.replace("-", "_")
        return name + "_" if keyword.iskeyword(name) else name

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def load(self) -> Callable[..., Any]:
        """The engine function (its module imported on first use, then kept; the function
        is looked up each time, so a patched module is honoured)."""
        module, _, attr = self.func.partition(":")
        if self._loaded is None:
            self._loaded = importlib.import_module(module)
        return getattr(self._loaded, attr)

    def bind(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Parse raw arguments into the engine's keyword arguments (defaults applied).

        Keys may use ``-`` or ``_``; ``None`` means "not given". Unknown keys, missing
        required arguments and malformed values raise :class:`InputError`.
        """
        by_name = self._by_name
        if by_name is None:
            by_name = self._by_name = {p.name: p for p in self.params}
        given: dict[str, Any] = {}
        for key, value in args.items():
            norm = key if key in by_name else str(key).lstrip("-").replace("-", "_")
            if norm not in by_name:
                flags = [p.flag for p in self.params]
                hint = suggest(flag(norm), flags) or f" (expected {', '.join(flags)})"
                raise InputError(f"{flag(norm)}: unknown argument for {self.name}{hint}")
            if value is not None and not (isinstance(value, list | tuple) and not value):
                given[norm] = value
        kwargs: dict[str, Any] = {}
        for p in self.params:
            name = p.name
            if name in given:
                kwargs[name] = p.parse(given[name])
            elif p.default is REQUIRED:
                raise InputError(f"{p.flag}: required for {self.name} ({p.help})")
            elif p.default is None:
                kwargs[name] = [] if p.multiple else None
            else:
                kwargs[name] = p.parsed_default()
        return kwargs

    def example_cli(self) -> str:
        """The example as a command line: ``dlcalc conv-size --input 227 --kernel 11``."""
        parts = ["dlcalc", self.name]
        for key, value in self.example.items():
            p = self.param(key)
            values = value if p.multiple and isinstance(value, list) else [value]
            for v in values:
                if p.kind == "bool":
                    if v:
                        parts.append(p.flag)
                    continue
                text = _cli_text(v)
                if p.positional:
                    parts.append(text)
                else:
                    parts += [p.flag, text]
        return " ".join(parts)


def _cli_text(value: Any) -> str:
    import json
    import shlex

    if isinstance(value, str):
        text = value
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, separators=(",", ":"))
    else:
        text = str(value)
    return shlex.quote(text)


def _empty_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and not value


_REGISTRY: dict[str, Op] | None = None


def registry() -> dict[str, Op]:
    """All operations by name, in CLI order (loaded once; plain data, no NumPy)."""
    global _REGISTRY
    if _REGISTRY is None:
        ops: dict[str, Op] = {}
        for mod in packages_in_cli_order():
            for op in importlib.import_module(f"dlcalc.ops.{mod}").OPS:
                if op.name in ops:
                    raise RuntimeError(f"operation {op.name!r} registered twice")
                ops[op.name] = op
        _REGISTRY = ops
    return _REGISTRY


def get(name: str) -> Op:
    """The operation called ``name`` (``conv_size`` and ``conv-size`` both work)."""
    ops = registry()
    if name in ops:  # the common case (batch records): no normalising
        return ops[name]
    key = str(name).strip().replace("_", "-")
    if key in ops:
        return ops[key]
    if key.endswith("-") and key[:-1] in ops:  # return_ -> return
        return ops[key[:-1]]
    raise InputError(f"unknown operation {name!r}{suggest(key, ops)}")


def run(name: str, args: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Any:
    """Parse ``args``, run the engine, return its Solution with command and inputs set.

    The Solution can be replayed (``solution.replay(overrides, rule)``: the same bound
    arguments under ``dlcalc.engine._working.replaying``) and checked
    (``solution.check(...)``, the marker of ``dlcalc.check``).
    """
    op = get(name)
    merged = dict(args or {}, **kwargs)
    bound = op.bind(merged)
    func = op.load()
    inputs = {
        k: _echo(merged.get(k, merged.get(k.replace("_", "-"))), v, op.param(k).kind)
        for k, v in bound.items()
        if v is not None and not _empty_list(v)
    }

    def finish(solution: Any) -> Any:
        solution.command, solution.inputs, solution.op = op.name, inputs, op
        solution.rerun, solution.marker = rerun, _mark
        return solution

    def rerun(overrides: Mapping[str, Any] | None = None, rule: str | None = None) -> Any:
        from dlcalc.engine._working import replaying

        with replaying(overrides, rule):
            return finish(func(**bound))

    return finish(func(**bound))


def _mark(solution: Any, answers: tuple[Any, ...], keyed: Mapping[str, Any]) -> Any:
    from dlcalc.check import mark

    return mark(solution, answers, keyed)


ECHO_MAX_ELEMENTS = 10_000


def _echo(raw: Any, parsed: Any, kind: str = "") -> Any:
    """How an input is echoed in --json: a file as its @path, a big array by its shape, a
    domain format (kind "parsed": layer text, a spec file) as the user wrote it."""
    if isinstance(raw, str) and raw.strip().startswith("@"):
        return raw.strip()
    if kind == "parsed":
        return raw
    if getattr(parsed, "size", 0) > ECHO_MAX_ELEMENTS:
        return {"shape": list(parsed.shape)}
    return parsed
