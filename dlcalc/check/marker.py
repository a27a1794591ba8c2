"""The one marker: a student's answers -> an examiner's verdict per value (CONTRACT section 5).

For each checked value, in the order the working computes them:

1. ``right``: it agrees with the true value at the precision written (``precision.Rule``);
2. ``follow_through``: it is wrong, but a replay of the engine with the student's own earlier
   values (``Solution.replay(overrides)``) makes it right: the error was carried forward;
3. ``mistake``: it equals what the engine computes under one of the command's named
   misconceptions (``Solution.replay(rule=id)``, the catalogue ``dlcalc.engine.<topic>.mistakes``);
4. ``wrong``, with which elements differ.

``mark`` returns the ``check`` object: ``{"ok", "items": [{key, given, expected, verdict,
precision, mistake, message, ...}]}``, plain JSON-serialisable data.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from dlcalc.check.address import Address, fits, lookup, parse_key, shape_of, split
from dlcalc.check.catalogue import mistakes_for
from dlcalc.check.precision import Rule, is_integer_value
from dlcalc.check.written import Answer, read_answer
from dlcalc.errors import DlcalcError, InputError

RIGHT, FOLLOW, MISTAKE, WRONG = "right", "follow_through", "mistake", "wrong"
_BARE = itertools.count()  # numbers the bare answers of one marking
_MAX_LISTED = 6


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


def mark(
    solution: Any,
    answers: tuple[Any, ...] = (),
    keyed: Mapping[str, Any] | None = None,
    *,
    tol: float | None = None,
    decimals: int | None = None,
) -> dict[str, Any]:
    """Mark ``answers`` (bare, or ``"key=answer"`` text) and ``keyed`` ({key: answer}).

    tol: a relative tolerance instead of the written precision (``--tol``); decimals: the
    precision a question asks for. Raises InputError for an unknown key or an unreadable
    answer (nothing is marked then).
    """
    keyed = dict(keyed or {})
    if "tol" in keyed:
        tol = keyed.pop("tol")
    if "decimals" in keyed:
        decimals = keyed.pop("decimals")
    if tol is not None and not (isinstance(tol, int | float) and math.isfinite(tol) and tol >= 0):
        raise InputError(f"--tol: expected a non-negative number, got {tol!r}")
    rule = Rule(None if tol is None else float(tol), decimals)
    items = _items(solution, answers, keyed)
    if not items:
        raise InputError("--check: nothing to check (give an answer, or KEY=ANSWER)")
    for item in items:
        _read(solution, item)
        _first_pass(item, rule)
    positions = _positions(solution)
    for item in items:
        item.position = _position(positions, item.address)
    marked = sorted(items, key=lambda i: i.position)
    replays: dict[str, Any] = {}
    for n, item in enumerate(marked):
        if item.verdict == RIGHT:
            continue
        _follow_through(solution, item, marked[:n], rule, positions)
        if item.verdict != RIGHT and item.verdict != FOLLOW:
            _named_mistake(solution, item, rule, replays)
        if item.verdict == WRONG:
            item.message = _wrong_message(item)
    items = _one_reading_per_bare_answer(items)
    return {"ok": all(i.verdict == RIGHT for i in items), "items": [i.to_dict() for i in items]}


def _one_reading_per_bare_answer(items: list[Item]) -> list[Item]:
    """A bare answer that fits several answer keys (vae: loss, recon, kl) is the student's
    answer to one of them: keep the keys it is right for (conv-size's 55 is out_h and out_w),
    else those where it is a follow-through or a named mistake, else all of them (wrong)."""
    out: list[Item] = []
    groups: dict[int, list[Item]] = {}
    for item in items:
        if item.bare is None:
            out.append(item)
            continue
        if item.bare not in groups:
            groups[item.bare] = []
            out.append(item)  # placeholder: the group's first item keeps its position
        groups[item.bare].append(item)
    result: list[Item] = []
    for item in out:
        if item.bare is None:
            result.append(item)
            continue
        group = groups[item.bare]
        for verdicts in ((RIGHT,), (FOLLOW, MISTAKE)):
            chosen = [i for i in group if i.verdict in verdicts]
            if chosen:
                break
        else:  # wrong for every key: one line, on the first answer key, naming the others
            from dlcalc.solution import fmt

            first, others = group[0], group[1:]
            if others:
                first.message += "; nor is it " + ", ".join(
                    f"{i.address} = {fmt(i.true)}" for i in others
                )
            chosen = [first]
        result += chosen
    return result


def _items(solution: Any, answers: tuple[Any, ...], keyed: Mapping[str, Any]) -> list[Item]:
    items: list[Item] = []
    for raw in answers:
        if isinstance(raw, str):
            address, text = split(raw)
            if address is not None:
                items.append(Item(address, text))
                continue
            raw = text
        items += _bare(solution, raw)
    for key, raw in keyed.items():
        items.append(Item(parse_key(str(key)), raw))
    return items


def answer_keys(solution: Any) -> tuple[str, ...]:
    """What a bare answer is compared with: the run's own primary answer (gan at the optimum:
    d_star), else the command's answer keys."""
    if getattr(solution, "primary", None):
        return (solution.primary,)
    op = solution.op
    if op is not None:
        return tuple(op.answers)
    return tuple(solution.result)[:1]


def _bare(solution: Any, raw: Any) -> list[Item]:
    """A bare answer: one item per answer key whose shape it fits."""
    keys = [k for k in answer_keys(solution) if k in solution.result]
    answer = read_answer(raw, "the answer")
    fitting = [k for k in keys if fits(answer.shape, solution.result[k])]
    if not fitting:
        shapes = ", ".join(f"{k} ({_describe(shape_of(solution.result[k]))})" for k in keys)
        raise InputError(
            f"--check: {_describe(answer.shape)} fits none of the answer keys: {shapes}; "
            "write KEY=ANSWER"
        )
    group = next(_BARE)
    out = [Item(Address(k), raw) for k in fitting]
    for item in out:
        item.bare = group
    return out


def _describe(shape: tuple[int, ...]) -> str:
    if not shape:
        return "one number"
    if len(shape) == 1:
        return f"{shape[0]} values"
    return "x".join(str(n) for n in shape) + " values"


def _read(solution: Any, item: Item) -> None:
    item.true = lookup(solution, item.address)
    if item.true is None:
        raise InputError(
            f"--check: {item.address} has no number in this run (beyond the float range: "
            "see the notes); check another result key"
        )
    if isinstance(item.true, bool | str):
        return
    item.answer = read_answer(item.raw, str(item.address))


def _first_pass(item: Item, rule: Rule) -> None:
    true = item.true
    if isinstance(true, bool | str):
        _mark_text(item)
        return
    ok, precision, note, bad = compare(item.answer, true, rule)
    item.precision, item.note, item.bad = precision, note, bad
    if ok:
        item.verdict, item.bad = RIGHT, []
        item.message = f"right, {precision}"


def _mark_text(item: Item) -> None:
    from dlcalc import parse

    given = str(item.raw).strip()
    if isinstance(item.true, bool):
        try:
            ok = parse.parse_bool(given, "check") == item.true
        except DlcalcError:
            ok = False
    else:
        ok = given.lower() == item.true.lower()
    item.precision = "exact"
    item.verdict = RIGHT if ok else WRONG
    item.message = "right" if ok else f"the answer is {item.true}"


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


# ---------------------------------------------------------------- order and follow-through


def _positions(solution: Any) -> dict[tuple[str, int | None], int]:
    """Where each named value is first computed (Solution.order; else the step order)."""
    out: dict[tuple[str, int | None], int] = {}
    order = list(getattr(solution, "order", ()) or ())
    for n, entry in enumerate(order):
        out.setdefault((entry[0], entry[1]), n)
    base = len(order)
    for n, step in enumerate(solution.steps):
        if step.name:
            out.setdefault((step.name, None), base + n)
    return out


def _position(positions: Mapping[tuple[str, int | None], int], address: Address) -> float:
    name = address.name
    if address.index and (name, address.index[0]) in positions:
        return positions[(name, address.index[0])]
    if (name, None) in positions:
        return positions[(name, None)]
    rows = [p for (n, at), p in positions.items() if n == name and at is not None]
    return min(rows) if rows else math.inf


def _overridable(solution: Any, address: Address) -> bool:
    return any(entry[0] == address.name for entry in getattr(solution, "order", ()) or ())


def _overrides(solution: Any, earlier: list[Item]) -> dict[str, Any]:
    """The student's earlier values as replay overrides (Patches of the named values)."""
    import numpy as np

    from dlcalc.engine._working import Patch

    rows = {entry[0] for entry in solution.order if entry[1] is not None}
    patches: dict[str, list[tuple[tuple[int, ...], Any]]] = {}
    for item in earlier:
        if item.answer is None or not _overridable(solution, item.address):
            continue
        name, index = item.address.name, item.address.index
        value = item.answer.values
        true = np.asarray(item.true)
        if true.ndim and np.size(value) == true.size:
            value = np.asarray(value, dtype=float).reshape(true.shape)
        if name in rows and not index and true.ndim:
            patches.setdefault(name, []).extend(((r,), value[r]) for r in range(true.shape[0]))
        else:
            patches.setdefault(name, []).append((index, value))
    return {name: Patch(items) for name, items in patches.items()}


def _follow_through(
    solution: Any, item: Item, before: list[Item], rule: Rule, positions: Mapping
) -> None:
    earlier = [
        i
        for i in before
        if i.position < item.position
        and i.answer is not None
        and _overridable(solution, i.address)
        and (item.bare is None or i.bare != item.bare)  # one bare answer: one reading of it
    ]
    if not earlier or item.answer is None or solution.rerun is None:
        return
    wrong_before = [i for i in earlier if i.verdict != RIGHT]
    ok, precision = _agrees_on_replay(solution, item, earlier, rule)
    roots = [i for i in wrong_before if i.verdict in (WRONG, MISTAKE)]
    if not ok and roots and len(roots) < len(earlier):
        # a student who kept full precision for everything after their slip: replay from
        # the values that were wrong in themselves (not those that only followed through)
        ok, precision = _agrees_on_replay(solution, item, roots, rule)
    if not ok:
        return
    if not wrong_before:  # right from the student's own rounded earlier values
        item.verdict, item.bad, item.precision = RIGHT, [], precision
        item.message = f"right given your rounded {_list(earlier)}, {precision}"
        return
    # cite the one earlier value it follows from, when one alone explains it
    cited = wrong_before
    if len(wrong_before) > 1:
        for single in wrong_before:
            alone = _replayed_value(solution, item, [single])
            if alone is not None and compare(item.answer, alone, rule)[0]:
                cited = [single]
                break
    item.verdict, item.bad, item.precision = FOLLOW, [], precision
    item.replayed_from = cited
    item.message = f"correct given your {_list(cited)} (follow-through)"


def _agrees_on_replay(
    solution: Any, item: Item, earlier: list[Item], rule: Rule
) -> tuple[bool, str]:
    value = _replayed_value(solution, item, earlier)
    if value is None:
        return False, ""
    ok, precision, _, _ = compare(item.answer, value, rule)
    return ok, precision


def _replayed_value(solution: Any, item: Item, earlier: list[Item]) -> Any:
    """The value at ``item``'s address in a replay from the student's ``earlier`` values."""
    overrides = _overrides(solution, earlier)
    if not overrides:
        return None
    try:
        return lookup(solution.replay(overrides), item.address)
    except (DlcalcError, ArithmeticError, ValueError, IndexError, KeyError):
        return None


def _list(items: list[Item]) -> str:
    shown = [f"{i.address} = {i.answer.text if i.answer else i.raw}" for i in items]
    return ", ".join(shown[:_MAX_LISTED]) + (", ..." if len(shown) > _MAX_LISTED else "")


# ---------------------------------------------------------------- named mistakes


def _named_mistake(solution: Any, item: Item, rule: Rule, replays: dict[str, Any]) -> None:
    """The first catalogued misconception whose replay gives the student's value; any other
    that gives the same value is named as an alternative (an examiner cannot tell them apart)."""
    if item.answer is None or solution.rerun is None:
        return
    slips = set(getattr(solution, "slips", ()) or ())
    found: list[tuple[Any, Any]] = []
    for mistake in mistakes_for(solution.op):
        if slips and mistake.id not in slips:
            continue  # the engine did not consult this rule: it cannot apply to this run
        if mistake.id not in replays:
            try:
                replays[mistake.id] = solution.replay(rule=mistake.id)
            except (DlcalcError, ArithmeticError, ValueError, IndexError, KeyError):
                replays[mistake.id] = None
        replayed = replays[mistake.id]
        if replayed is None:
            continue
        try:
            value = lookup(replayed, item.address)
        except DlcalcError:
            continue
        if _equal(value, item.true):
            continue  # the rule does not change this value
        ok, _, _, _ = compare(item.answer, value, rule)
        if ok:
            found.append((mistake, replayed))
    if not found:
        return
    mistake, replayed = found[0]
    item.verdict, item.mistake = MISTAKE, mistake
    item.message = _mistake_message(item, replayed, mistake)
    item.also = [m for m, _ in found[1:]]
    if item.also:
        item.message += " (or: " + "; ".join(m.says for m in item.also) + ")"


def _equal(a: Any, b: Any) -> bool:
    import numpy as np

    try:
        return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
    except (TypeError, ValueError):
        return a == b


def _mistake_message(item: Item, replayed: Any, mistake: Any) -> str:
    """``34848 is (11*11*3)*96: the bias is missing; params = (K*K*C + 1)*N``."""
    given = item.answer.text if item.answer else str(item.raw)
    how = ""
    if not item.address.index:
        for step in replayed.steps:
            if step.name == item.address.name:
                how = _plain_substitution(step.substituted)
                break
    lead = f"{given} is {how}" if how and len(how) <= 80 else given
    return f"{lead}: {mistake.says}; {mistake.right}"


def _plain_substitution(text: str) -> str:
    """The substituted formula up to its first `` = `` (``floor(216/4) + 1``), when it is all
    numbers (a substitution that still holds symbols explains nothing)."""
    import re

    head = (text or "").split(" = ")[0].strip()
    bare = re.sub(r"\b(floor|ceil|sqrt|exp|log|ln|max|min|abs|tanh|sigma|e)\b", "", head)
    bare = re.sub(r"\d[eE][-+]?\d", "", bare)
    return "" if re.search(r"[A-Za-z_]", bare) else head


def _wrong_message(item: Item) -> str:
    from dlcalc.solution import fmt

    parts = []
    import numpy as np

    if item.bad and np.size(item.true) > 1:
        shown = ", ".join("[" + ",".join(str(j) for j in idx) + "]" for idx in item.bad[:8])
        more = f" and {len(item.bad) - 8} more" if len(item.bad) > 8 else ""
        verb = "differ" if len(item.bad) > 1 else "differs"
        parts.append(f"element{'s' if len(item.bad) > 1 else ''} {shown}{more} {verb}")
    if item.note:
        parts.append(item.note)
    true = item.true
    if np.size(true) == 1 and np.ndim(true) > 0:  # a one-unit layer: its number
        true = np.asarray(true).reshape(-1)[0]
    parts.append(f"the answer is {fmt(true)}")
    return "; ".join(parts)
