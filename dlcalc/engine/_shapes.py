"""Shape checks the engines share: errors name the flag and the shape expected."""

from __future__ import annotations

from typing import Any

from dlcalc.errors import InputError, flag

MAX_ELEMENTS = 10_000_000  # values per array (the parser refuses more)


def shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in shape) if shape else "scalar"


def expect_shape(arr: Any, shape: tuple[int | None, ...], name: str, what: str = "") -> None:
    """Raise ``--name: expected 2x4 (what), got 4x2`` unless ``arr`` has ``shape``."""
    ok = arr.ndim == len(shape) and all(
        s is None or s == a for s, a in zip(shape, arr.shape, strict=False)
    )
    if not ok:
        want = "x".join("?" if s is None else str(s) for s in shape)
        note = f" ({what})" if what else ""
        raise InputError(f"{flag(name)}: expected {want}{note}, got {shape_text(arr.shape)}")
