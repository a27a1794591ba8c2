"""Reinforcement-learning inputs, parsed before the engine: ``qlearn --transitions``.

The checks that need the other arguments (state and action indices in range of the Q
table) stay in the engine (dlcalc.engine.rl.td).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcalc import parse
from dlcalc.errors import InputError, LimitError, flag

MAX_TRANSITIONS = 100_000

_DONE_WORDS = {
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "t": True,
    "f": False,
    "done": True,
    "terminal": True,
    "yes": True,
    "no": False,
}


# ---------------------------------------------------------------- transitions


def _transition_items(transitions: Any, name: str) -> list[list[Any]]:
    """``"s,a,r,s2[,done]; ..."`` or a list of lists / dicts -> list of 4- or 5-item lists."""
    opt = flag(name)
    if isinstance(transitions, str):
        text = transitions.strip()
        if text.startswith("["):
            transitions = parse.parse_json(text, name)
        else:
            rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
            return [r.replace(",", " ").split() for r in rows]
    if not isinstance(transitions, list | tuple):
        raise InputError(f'{opt}: expected "s,a,r,s2[,done]; ..." or a list of transitions')
    items = []
    for i, tr in enumerate(transitions, start=1):
        if isinstance(tr, Mapping):
            try:
                row = [tr["s"], tr["a"], tr["r"], tr.get("s_next", tr.get("s2"))]
            except KeyError as exc:
                raise InputError(f"{opt}: transition {i} has no {exc.args[0]!r}") from None
            row.append(tr.get("done", False))
            items.append(row)
        elif isinstance(tr, list | tuple):
            items.append(list(tr))
        else:
            raise InputError(f"{opt}: transition {i}: expected s,a,r,s2[,done]")
    return items


def _whole(raw: Any, name: str, where: str, what: str) -> int:
    try:
        return parse.parse_int(raw, name)
    except InputError:
        raise InputError(f"{where}: {what} must be a whole number, got {raw!r}") from None


def transitions_param(raw: Any, name: str) -> list[tuple[int, int, float, int, bool]]:
    """``--transitions "s,a,r,s2[,done]; ..."`` (or JSON lists / objects) -> a list of
    ``(s, a, r, s2, done)``: whole-number indices, a float reward, a bool. Whether the
    indices are in range of the Q table is checked in the engine."""
    opt = flag(name)
    items = _transition_items(raw, name)
    if not items:
        raise InputError(f'{opt}: no transitions; expected "s,a,r,s2[,done]; ..."')
    if len(items) > MAX_TRANSITIONS:
        raise LimitError(f"{opt}: {len(items):,} transitions; the limit is {MAX_TRANSITIONS:,}")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"{opt}: transition {i}"
        if len(item) not in (4, 5) or (len(item) == 4 and item[3] is None):
            raise InputError(f"{where}: expected s,a,r,s2[,done], got {len(item)} values")
        done = False
        if len(item) == 5:
            d = item[4]
            if isinstance(d, bool):
                done = d
            elif str(d).strip().lower() in _DONE_WORDS:
                done = _DONE_WORDS[str(d).strip().lower()]
            elif isinstance(d, int | float) and d in (0, 1):
                done = bool(d)
            else:
                raise InputError(f"{where}: done must be 0/1 or true/false, got {d!r}")
        s = _whole(item[0], name, where, "state s")
        a = _whole(item[1], name, where, "action a")
        try:
            r = parse.parse_float(item[2], name)
        except InputError:
            raise InputError(f"{where}: reward r must be a number, got {item[2]!r}") from None
        s2 = _whole(item[3], name, where, "next state s2")
        out.append((s, a, r, s2, done))
    return out
