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
from dlcalc.check.follow import follow_through, position, positions
from dlcalc.check.items import FOLLOW, MISTAKE, RIGHT, WRONG, Item, compare
from dlcalc.check.named import named_mistake
from dlcalc.check.precision import Rule
from dlcalc.check.written import read_answer
from dlcalc.errors import DlcalcError, InputError

_BARE = itertools.count()  # numbers the bare answers of one marking


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
    if tol is not None and (
        isinstance(tol, bool)
        or not isinstance(tol, int | float)
        or not math.isfinite(tol)
        or tol < 0
    ):
        raise InputError(f"--tol: expected a non-negative number, got {tol!r}")
    rule = Rule(None if tol is None else float(tol), decimals)
    items = _items(solution, answers, keyed)
    if not items:
        raise InputError("--check: nothing to check (give an answer, or KEY=ANSWER)")
    for item in items:
        _read(solution, item)
        _first_pass(item, rule)
    order = positions(solution)
    for item in items:
        item.position = position(order, item.address)
    marked = sorted(items, key=lambda i: i.position)
    replays: dict[str, Any] = {}
    for n, item in enumerate(marked):
        if item.verdict == RIGHT:
            continue
        follow_through(solution, item, marked[:n], rule, order)
        if item.verdict != RIGHT and item.verdict != FOLLOW:
            named_mistake(solution, item, rule, replays)
        if item.verdict == WRONG:
            item.message = _wrong_message(item)
    items = _one_reading_per_bare_answer(items)
    return {"ok": all(i.verdict == RIGHT for i in items), "items": [i.to_dict() for i in items]}


def _one_reading_per_bare_answer(items: list[Item]) -> list[Item]:
    """A bare answer that fits several answer keys (vae: loss, recon, kl) is the student's
    answer to one of them: keep the keys it is right for (conv-size's 55 is out_h and out_w),
    else those where it is a follow-through or a named mistake, else one wrong line on the
    first answer key that names the others' values."""
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
