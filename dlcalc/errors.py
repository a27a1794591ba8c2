"""The one error hierarchy. Engines and parsers raise; only the CLI picks exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, shared by every command."""

    OK = 0
    MISMATCH = 1  # --check found a wrong value; batch: some records failed; bank: invalid
    USAGE = 2  # bad input: the message names the flag or file


class DlcalcError(Exception):
    """Base class: a message fit to show the user after ``error: ``."""


class InputError(DlcalcError, ValueError):
    """A user-supplied value is malformed, out of range or of the wrong shape.

    The message starts with the flag it concerns, e.g. ``--kernel: expected ...``; raised
    to a Python caller (``dlcalc.conv_size(...)``), it names the parameter instead
    (``kernel: expected ...``, rewritten on the way out by ``dlcalc.api.call``).
    """


class LimitError(InputError):
    """An input exceeds a resource cap (elements, file size, nesting, steps)."""


class ComputationError(DlcalcError, ArithmeticError):
    """The inputs are well-formed but the computation cannot give a finite answer."""


def flag(name: str) -> str:
    """``w_hh`` -> ``--w-hh``: how a parameter is named in messages."""
    return name if name.startswith("-") else "--" + name.replace("_", "-")


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest of ``options`` to a mistyped ``word``, or ``""``.

    The one wording of every front's hint: commands, flags, choice values, batch ops.
    """
    import difflib

    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f" (did you mean {close[0]}?)" if close else ""
