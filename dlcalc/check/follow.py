"""Follow-through: a later value marked against a replay of the engine from the student's
own earlier values (``Solution.replay(overrides)`` with Patches of the named values)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from dlcalc.check.address import Address, lookup
from dlcalc.check.items import FOLLOW, MISTAKE, RIGHT, WRONG, Item, compare
from dlcalc.check.precision import Rule
from dlcalc.errors import DlcalcError

_MAX_LISTED = 6


def positions(solution: Any) -> dict[tuple[str, int | None], int]:
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


def position(positions: Mapping[tuple[str, int | None], int], address: Address) -> float:
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


def follow_through(
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
