"""What every engine returns: result values plus the ordered steps of the working.

A ``Solution`` is also a read-only mapping over its result, so API users can write
``dlcalc.conv_size(input=227, kernel=11, stride=4)["out_w"]``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from dlcalc.errors import ComputationError


class Step:
    """One line of working: the formula, the formula with numbers, and the value.

    ``name`` is the step's stable address (``net_k``, ``delta_j``, ``m_hat``): what
    ``--check name=...`` and a replay's overrides refer to. Steps built by the engine's
    toolkit (``dlcalc.engine._working``) render their text lazily from one expression.
    (Plain classes here and below: dataclass definitions cost start-up time.)
    """

    __slots__ = ("name", "title", "_formula", "_substituted", "value")

    def __init__(
        self, title: str, formula: str, substituted: str = "", value: Any = "", name: str = ""
    ) -> None:
        self.title, self._formula, self._substituted, self.value = (
            title,
            formula,
            substituted,
            value,
        )
        self.name = name

    @property
    def formula(self) -> str:
        return self._formula

    @property
    def substituted(self) -> str:
        return self._substituted

    @property
    def latex_formula(self) -> str:
        """The formula as TeX math (text steps: set as upright text)."""
        return _tex_text(self.formula)

    @property
    def latex_substituted(self) -> str:
        return _tex_text(self.substituted)

    def __repr__(self) -> str:
        return f"Step({self.title!r}, {self.formula!r}, {self.substituted!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, str) else jsonable(self.value, "step")
        out = {
            "title": self.title,
            "formula": self.formula,
            "substituted": self.substituted,
            "value": value,
        }
        if self.name:
            out["name"] = self.name
        return out


def _tex_text(text: str) -> str:
    if not text:
        return ""
    escaped = "".join("\\" + c if c in "#$%&_{}" else c for c in text)
    escaped = escaped.replace("^", r"\^{}").replace("~", r"\~{}")
    return r"\text{" + escaped + "}"


class Table:
    """A table of the working (per-epoch, per-step, per-layer); rendered, not in JSON.

    ``first``: the table is the answer itself (``arch``'s layer table) and is printed
    before the steps of working; other tables follow the steps.
    """

    __slots__ = ("title", "columns", "rows", "first")

    def __init__(self, title: str, columns: Any, rows: Any, first: bool = False) -> None:
        self.title, self.columns = title, tuple(columns)
        self.rows = tuple(tuple(r) for r in rows)
        self.first = first

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.rows)} rows)"


class Plot:
    """Data for a terminal plot (drawn by dlcalc.render.plot with ``--plot``); not in JSON.

    series: (label, xs, ys) or (label, xs, ys, kind) tuples; kind: "line" or "scatter",
    the plot's own ``kind`` when a series does not say.
    """

    __slots__ = ("title", "series", "kind", "xlabel", "ylabel")

    def __init__(
        self,
        title: str,
        series: list[tuple[str, Any, Any]],
        kind: str = "line",
        xlabel: str = "",
        ylabel: str = "",
    ) -> None:
        self.title, self.series, self.kind = title, list(series), kind
        self.xlabel, self.ylabel = xlabel, ylabel

    def __repr__(self) -> str:
        return f"Plot({self.title!r}, {len(self.series)} series)"


# How a Solution shows itself in a notebook, format -> renderer. The renderers sit above
# this module (dlcalc.render), so the API (dlcalc.api) fills this in when it runs.
DISPLAY: dict[str, Callable[[Any], str]] = {}


class Solution(Mapping):
    """Result values (keyed as in CONTRACT section 2), the steps, notes and tables.

    ``command`` and ``inputs`` (the parsed arguments) are filled in by the registry.
    """

    __slots__ = (
        "result",
        "steps",
        "notes",
        "tables",
        "plots",
        "command",
        "inputs",
        "primary",
        "slips",
        "order",
        "named",
        "op",
        "rerun",
        "marker",
    )

    def __init__(
        self,
        result: dict[str, Any],
        steps: list[Step] | None = None,
        notes: list[str] | None = None,
        tables: list[Table] | None = None,
        plots: list[Plot] | None = None,
        command: str = "",
        inputs: dict[str, Any] | None = None,
        primary: str | None = None,
    ) -> None:
        self.result = result
        self.primary = primary  # the answer a bare --check compares (default: the op's first key)
        self.steps = steps if steps is not None else []
        self.notes = notes if notes is not None else []
        self.tables = tables if tables is not None else []
        self.plots = plots if plots is not None else []
        self.command = command
        self.inputs = inputs if inputs is not None else {}
        self.slips: tuple[str, ...] = ()  # variant rules the engine consulted (misconceptions)
        # named values (step names, kept values; (name, row) for rows) in the order computed:
        # the marker's follow-through replays a later value from the student's earlier ones
        self.order: tuple[tuple[str, int | None], ...] = ()
        self.named: dict[str, Any] = {}  # every named value of the run (dlcalc --check KEY=)
        self.op: Any = None  # the registry's Op, set by dlcalc.ops.run
        self.rerun: Any = None  # rerun(overrides=None, rule=None) -> Solution, set by ops.run
        self.marker: Any = None  # the one marker (dlcalc.check), set by ops.run

    def step(self, name: str) -> Step:
        """The step called ``name`` (KeyError if there is none)."""
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def replay(self, overrides: Mapping[str, Any] | None = None, rule: str | None = None):
        """The same computation with some named steps given (a student's own values:
        everything downstream is recomputed from them) and/or under a variant rule."""
        if self.rerun is None:
            raise TypeError("this Solution was not made by dlcalc.ops.run; it cannot be replayed")
        return self.rerun(overrides=overrides, rule=rule)

    def check(self, *answers: Any, **keyed: Any) -> dict[str, Any]:
        """Mark hand-worked answers as an examiner would (CONTRACT section 5): the ``check``
        object, a plain JSON-serialisable dict."""
        if self.marker is None:
            raise TypeError("this Solution was not made by dlcalc.ops.run; it cannot be checked")
        return self.marker(self, answers, keyed)

    def _repr_markdown_(self) -> str | None:
        """Jupyter: the working as Markdown (the renderer the API registers in DISPLAY)."""
        show = DISPLAY.get("markdown")
        return show(self) if show is not None else None

    def _repr_html_(self) -> str | None:
        """Jupyter: the working as HTML (steps, then a result table)."""
        show = DISPLAY.get("html")
        return show(self) if show is not None else None

    def __getitem__(self, key: str) -> Any:
        return self.result[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.result)

    def __len__(self) -> int:
        return len(self.result)

    def __repr__(self) -> str:
        return f"Solution({self.command!r}, result={self.result!r})"

    def to_dict(self, *, steps: bool = True) -> dict[str, Any]:
        """The ``--json`` object of CONTRACT section 1 (plus ``notes`` when there are any)."""
        out: dict[str, Any] = {
            "command": self.command,
            "inputs": jsonable(self.inputs, "inputs", whole=True),
            "result": jsonable(self.result, "result"),
        }
        if steps:
            out["steps"] = [s.to_dict() for s in self.steps]
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json(self, *, indent: int | None = 2, steps: bool = True) -> str:
        return json.dumps(self.to_dict(steps=steps), indent=indent, allow_nan=False)


def jsonable(value: Any, where: str = "value", *, whole: bool = False) -> Any:
    """Python/NumPy values -> JSON-ready ones. Integers stay integers; NaN/inf raise.

    ``whole``: float arrays holding only whole numbers are written as integers (used for
    the echoed inputs, which the parser reads as float64).
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ComputationError(f"{where}: the computation gave a non-finite value ({value})")
        return value + 0.0  # -0.0 -> 0.0
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, where, whole=whole) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, where, whole=whole) for v in value]
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        kind = getattr(getattr(value, "dtype", None), "kind", "")
        if kind == "f":
            import numpy as np

            if not np.isfinite(value).all():
                raise ComputationError(
                    f"{where}: the computation gave a non-finite value (overflow or log of 0)"
                )
            value = value + 0.0  # -0.0 -> 0.0 (a dropped negative activation is 0)
            if whole and getattr(value, "ndim", 0):
                value = as_exact(value)
        return value.tolist()
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict(), where)
    raise TypeError(f"cannot serialise {type(value).__name__} in {where}")


def as_exact(arr: Any) -> Any:
    """Return ``arr`` as int64 when every entry is a whole number (|x| < 2**53), else as is.

    Used where integer inputs give integer outputs (max-pooling, convolution of integer
    maps), so that ``[[2, 3], [3, 4]]`` prints as the slides write it.
    """
    import numpy as np

    if arr.dtype.kind == "f" and arr.size and np.isfinite(arr).all():
        if np.all(np.abs(arr) < 2**53) and np.all(arr == np.round(arr)):
            return arr.astype(np.int64)
    return arr


def fmt(x: Any, digits: int = 6) -> str:
    """A number (or array) as it would be written in working: ``55``, ``0.731059``, ``[1, 2]``."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        return f"{x:.{digits}g}"
    if hasattr(x, "ndim"):
        if x.ndim == 0:
            return fmt(x.item(), digits)
        if x.ndim == 1:
            return "[" + ", ".join(fmt(v, digits) for v in x.tolist()) + "]"
        return "[" + ", ".join(fmt(row, digits) for row in x) + "]"
    if isinstance(x, list | tuple):
        return "[" + ", ".join(fmt(v, digits) for v in x) + "]"
    return str(x)
