"""``lstm --weights``: the JSON object of LSTM weights, parsed before the engine.

The keys are normalised (case, ``-``), the slides' names for the candidate cell (w_hh
w_hx b_h) are read as w_ch w_cx b_c, and every value becomes an array. The shapes are
checked in the engine (dlcalc.engine.rnn.lstm), against one hidden size H and input size d.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlcalc import parse
from dlcalc.engine.rnn.lstm import KEYS
from dlcalc.errors import InputError, flag

# The slides write the candidate cell with the RNN's names: c~ = tanh(w_hh h + w_hx x + b_h).
_SLIDE_ALIASES = {"w_hh": "w_ch", "w_hx": "w_cx", "b_h": "b_c"}


class LstmWeights(dict):
    """The twelve weight arrays by key (w_fh ... b_c), and ``notes`` on names read."""

    notes: list[str]

    def __init__(self, arrays: dict[str, np.ndarray], notes: list[str]) -> None:
        super().__init__(arrays)
        self.notes = notes


def _array(value: Any, key: str, name: str) -> np.ndarray:
    try:
        return parse.parse_array(value, name)
    except InputError as exc:
        msg = str(exc).removeprefix(f"{flag(name)}: ")
        raise InputError(f"{flag(name)}: {key}: {msg}") from None


def weights_param(raw: Any, name: str) -> LstmWeights:
    """``--weights '{"w_fh": ..., ...}'`` (or @file) -> :class:`LstmWeights`."""
    if isinstance(raw, LstmWeights):
        return raw
    opt = flag(name)
    weights = parse.parse_json(raw, name)
    if not isinstance(weights, Mapping):
        kind = type(weights).__name__
        raise InputError(f"{opt}: expected a JSON object with keys {' '.join(KEYS)}, got {kind}")
    given = {str(k).strip().lower().replace("-", "_"): v for k, v in weights.items()}
    notes = []
    for old, new in _SLIDE_ALIASES.items():
        if old in given:
            if new in given:
                raise InputError(f"{opt}: give {new} or the slides' name {old}, not both")
            given[new] = given.pop(old)
            notes.append(f"{old} read as {new} (the slides' name for the candidate cell)")
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise InputError(f"{opt}: unknown key {unknown[0]!r} (expected {' '.join(KEYS)})")
    missing = [k for k in KEYS if k not in given]
    if missing:
        which = ", ".join(repr(k) for k in missing)
        raise InputError(f"{opt}: missing key{'s' if len(missing) > 1 else ''} {which}")
    return LstmWeights({k: _array(given[k], k, name) for k in KEYS}, notes)
