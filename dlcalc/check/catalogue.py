"""Where a command's named misconceptions live: ``dlcalc.engine.<topic>.mistakes``.

Each topic's engine package may hold a ``mistakes`` module with
``MISTAKES: dict[command, tuple[Mistake, ...]]``; the rules are consulted by the engines
themselves (``Working.slip``), so a catalogue entry is only a name and an explanation.
Loaded on first use, so startup does not pay for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any


def catalogue_module(op: Any) -> str:
    """``dlcalc.engine.cnn.size:conv_size`` -> ``dlcalc.engine.cnn.mistakes``."""
    module = op.func.partition(":")[0]
    return module.rsplit(".", 1)[0] + ".mistakes"


def mistakes_for(op: Any) -> tuple[Any, ...]:
    """The Mistakes of one command (empty when its topic has none)."""
    if op is None:
        return ()
    try:
        module = importlib.import_module(catalogue_module(op))
    except ModuleNotFoundError:
        return ()
    return tuple(getattr(module, "MISTAKES", {}).get(op.name, ()))


def replays(solution: Any, cache: dict[str, Any] | None = None) -> Iterator[tuple[Any, Any]]:
    """(mistake, the run replayed under its rule) for each misconception of the solution's
    command that its engine consulted; a replay that fails is skipped. ``cache`` keeps the
    replays of one marking (id -> replayed Solution or None)."""
    from dlcalc.errors import DlcalcError

    if getattr(solution, "rerun", None) is None:
        return
    cache = {} if cache is None else cache
    consulted = set(getattr(solution, "slips", ()) or ())
    for mistake in mistakes_for(solution.op):
        if consulted and mistake.id not in consulted:
            continue  # the engine did not consult this rule: it cannot apply to this run
        if mistake.id not in cache:
            try:
                cache[mistake.id] = solution.replay(rule=mistake.id)
            except (DlcalcError, ArithmeticError, ValueError, IndexError, KeyError, TypeError):
                cache[mistake.id] = None
        if cache[mistake.id] is not None:
            yield mistake, cache[mistake.id]
