"""Where a command's named misconceptions live: ``dlcalc.engine.<topic>.mistakes``.

Each topic's engine package may hold a ``mistakes`` module with
``MISTAKES: dict[command, tuple[Mistake, ...]]``; the rules are consulted by the engines
themselves (``Working.slip``), so a catalogue entry is only a name and an explanation.
Loaded on first use, so startup does not pay for it.
"""

from __future__ import annotations

import importlib
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
