"""How values look in working: numbers via ``fmt``, matrices as aligned rows."""

from __future__ import annotations

from typing import Any

from dlcalc.solution import fmt

MAX_RECORD_ROWS = 20  # longer lists of records (arch's layers) are summarised
MAX_ROWS = 40  # longer matrices show their first and last rows (--json has them all)
MAX_VALUES = 50  # likewise for long vectors


def is_matrix(value: Any) -> bool:
    return getattr(value, "ndim", 0) >= 2 or (
        isinstance(value, list) and bool(value) and isinstance(value[0], list)
    )


def value_lines(value: Any) -> list[str]:
    """A value as one line, or a matrix / tensor as aligned rows (one line per row)."""
    if isinstance(value, str):
        return value.splitlines() or [""]
    if isinstance(value, dict):
        return [f"{k}: {one_line(v)}" for k, v in value.items()] or ["{}"]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if len(value) > MAX_RECORD_ROWS:
            return [f"{len(value)} records (all of them in --json)"]
        return _records(value)
    if not is_matrix(value):
        if getattr(value, "ndim", 0) == 1 and len(value) > MAX_VALUES:
            head = ", ".join(fmt(v) for v in value[:20].tolist())
            tail = ", ".join(fmt(v) for v in value[-5:].tolist())
            return [f"[{head}, ... {tail}] ({len(value)} values; --json has them all)"]
        return [fmt(value)]
    import numpy as np

    arr = np.asarray(value)
    if arr.ndim == 2 and arr.shape[0] > MAX_ROWS:
        lines = value_lines(arr[:20])
        lines.append(
            f"  ... {arr.shape[0] - 25} more rows ({arr.shape[0]} in all; --json has them all)"
        )
        return lines + value_lines(arr[-5:])
    if arr.ndim > 2:
        lines: list[str] = []
        for i, sub in enumerate(arr):
            lines.append(f"[{i}]")
            lines += ["  " + ln for ln in value_lines(sub)]
        return lines
    cells = [[fmt(v) for v in row] for row in arr.tolist()]
    width = max(len(c) for row in cells for c in row)
    rows = ["  ".join(c.rjust(width) for c in row) for row in cells]
    return ["[ " + r + " ]" for r in rows]


def _records(rows: list[dict]) -> list[str]:
    """A list of records (e.g. qlearn's updates) as an aligned table."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[one_line(row.get(k, "")) for k in keys] for row in rows]
    widths = [max(len(k), *(len(r[i]) for r in cells)) for i, k in enumerate(keys)]
    head = "  ".join(k.rjust(w) for k, w in zip(keys, widths, strict=True))
    return [head] + ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]


def one_line(value: Any) -> str:
    """A value on one line; a one-element array as its number (table cells)."""
    if isinstance(value, str):
        return value
    if getattr(value, "size", 0) == 1 and getattr(value, "ndim", 0) >= 1:
        return fmt(value.reshape(-1)[0])
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {one_line(v)}" for k, v in value.items()) + "}"
    return fmt(value)
