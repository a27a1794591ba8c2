"""How values look in working: numbers via ``fmt``, matrices as aligned rows."""

from __future__ import annotations

from typing import Any

from dlcalc.solution import fmt


def is_matrix(value: Any) -> bool:
    return getattr(value, "ndim", 0) >= 2 or (
        isinstance(value, list) and bool(value) and isinstance(value[0], list)
    )


def value_lines(value: Any) -> list[str]:
    """A value as one line, or a matrix / tensor as aligned rows (one line per row)."""
    if isinstance(value, str):
        return value.splitlines() or [""]
    if not is_matrix(value):
        return [fmt(value)]
    import numpy as np

    arr = np.asarray(value)
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


def one_line(value: Any) -> str:
    return value if isinstance(value, str) else fmt(value)
