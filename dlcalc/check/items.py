"""One checked value while it is marked (:class:`Item`), the verdict names, and
:func:`compare`: a written answer against a value, element by element."""

from __future__ import annotations

import math
from typing import Any

from dlcalc.check.address import Address
from dlcalc.check.precision import Rule, is_integer_value
from dlcalc.check.written import Answer
from dlcalc.errors import DlcalcError

RIGHT, FOLLOW, MISTAKE, WRONG = "right", "follow_through", "mistake", "wrong"


class Item:
    """One checked value while it is being marked."""

    __slots__ = ("address", "raw", "answer", "true", "verdict", "precision", "note",
                 "mistake", "message", "bad", "position", "replayed_from", "also",
                 "bare")  # fmt: skip

    def __init__(self, address: Address, raw: Any) -> None:
        self.address, self.raw = address, raw
        self.answer: Answer | None = None
        self.true: Any = None
        self.verdict, self.precision, self.note, self.message = WRONG, "", "", ""
        self.mistake: Any = None
        self.bad: list[tuple[int, ...]] = []
        self.position = math.inf
        self.replayed_from: list[Item] = []
        self.also: list[Any] = []  # other misconceptions that give the same value
        self.bare: int | None = None  # which bare answer this item reads (several keys fit)

    def to_dict(self) -> dict[str, Any]:

        out: dict[str, Any] = {
            "key": str(self.address),
            "given": _given_json(self),
            "written": self.answer.text if self.answer is not None else str(self.raw),
            "expected": _expected_json(self.true),
            "verdict": self.verdict,
            "precision": self.precision,
            "mistake": (
                {"id": self.mistake.id, "says": self.mistake.says, "right": self.mistake.right}
                if self.mistake is not None
                else None
            ),
            "message": self.message,
        }
        if self.bad:
            out["elements"] = [list(i) for i in self.bad]
        if self.also:
            out["also"] = [{"id": m.id, "says": m.says} for m in self.also]
        if self.replayed_from:
            out["given_earlier"] = {str(i.address): _given_json(i) for i in self.replayed_from}
        return out


def _expected_json(value: Any) -> Any:
    """The true value as JSON; a row never computed (NaN: m of step 0) is null."""
    from dlcalc.solution import jsonable

    try:
        return jsonable(value, "check")
    except DlcalcError:
        import numpy as np

        arr = np.asarray(value, dtype=float)
        cells = np.where(np.isfinite(arr), arr, np.nan).astype(object)
        cells[~np.isfinite(arr)] = None
        return cells.tolist()


def _given_json(item: Item) -> Any:
    """The answer as the student wrote it: whole numbers stay integers."""
    if item.answer is None:
        return item.raw
    values = [n.value for n in item.answer.numbers]
    shape = item.answer.shape
    if not shape:
        return values[0]
    import numpy as np

    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    return cells.reshape(shape).tolist()


def compare(
    answer: Answer | None, true: Any, rule: Rule
) -> tuple[bool, str, str, list[tuple[int, ...]]]:
    """(agrees, precision, note, the indices of the elements that do not agree)."""
    import numpy as np

    assert answer is not None
    integer = is_integer_value(true)
    arr = np.asarray(true)
    if arr.ndim == 0:
        if answer.size != 1:
            return False, "", f"one number expected, {answer.size} given", []
        ok, precision, note = rule.agrees(answer.numbers[0], arr.item(), integer)
        return ok, precision, note, []
    if answer.size != arr.size:
        shape = "x".join(str(n) for n in arr.shape)
        return False, "", f"{arr.size} values expected (shape {shape}), {answer.size} given", []
    flat = arr.ravel().tolist()
    integer = integer or arr.dtype.kind in "iu"
    bad, precisions, notes = [], [], []
    for i, (number, value) in enumerate(zip(answer.numbers, flat, strict=True)):
        ok, precision, note = rule.agrees(number, value, integer)
        precisions.append(precision)
        if not ok:
            bad.append(tuple(int(j) for j in np.unravel_index(i, arr.shape)))
            if note:
                notes.append(note)
    distinct = sorted(set(precisions), key=precisions.index)
    precision = distinct[0] if len(distinct) == 1 else "per element, as written"
    return not bad, precision, notes[0] if notes else "", bad
