"""``--check``: compare hand-worked answers with a Solution's result values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dlcalc import parse
from dlcalc.errors import InputError

DEFAULT_TOL = 1e-2
_ABS_FLOOR = 1e-9  # answers this close to an exact 0 count as 0


@dataclass(frozen=True)
class CheckResult:
    key: str
    expected: str  # what the user wrote
    actual: Any
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        from dlcalc.solution import jsonable

        return {
            "key": self.key,
            "answer": self.expected,
            "value": jsonable(self.actual),
            "ok": self.ok,
        }


def split_checks(checks: list[str], primary: str) -> list[tuple[str, str]]:
    """``["55", "out_h=55"]`` -> [(primary, "55"), ("out_h", "55")]."""
    pairs = []
    for item in checks:
        key, sep, answer = str(item).partition("=")
        if sep and key.strip() and not _is_number_start(key.strip()):
            pairs.append((key.strip().replace("-", "_"), answer.strip()))
        else:
            pairs.append((primary, str(item).strip()))
    return pairs


def _is_number_start(text: str) -> bool:
    return text[0] in "0123456789.+-["


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= max(tol * max(abs(a), abs(b)), _ABS_FLOOR)


def compare(actual: Any, answer: str, key: str, tol: float) -> bool:
    """True when ``answer`` matches ``actual`` within relative tolerance ``tol``."""
    name = f"check {key}"
    if isinstance(actual, dict) or (
        isinstance(actual, list | tuple) and any(isinstance(v, dict | str) for v in actual)
    ):
        raise InputError(
            f"--check: {key} is a table of values, not a number; check one of its numbers "
            "or another result key"
        )
    if isinstance(actual, bool):
        return parse.parse_bool(answer, name) == actual
    if isinstance(actual, str):
        return answer.strip().lower() == actual.lower()
    if isinstance(actual, int | float):
        return _close(float(actual), float(parse.number(answer, name)), tol)
    import numpy as np

    got = np.asarray(actual, dtype=float)
    want = parse.parse_array(answer, name)
    if got.size == 1 and want.size == 1:
        return _close(float(got.ravel()[0]), float(want.ravel()[0]), tol)
    if want.size != got.size:  # a different number of values is a wrong answer
        return False
    want = want.reshape(got.shape)
    diff = np.abs(got - want)
    bound = np.maximum(tol * np.maximum(np.abs(got), np.abs(want)), _ABS_FLOOR)
    return bool(np.all(diff <= bound))


def run_checks(
    result: dict[str, Any], checks: list[str], primary: str, tol: float
) -> list[CheckResult]:
    """Compare each ``--check`` answer with its result key; unknown keys are input errors."""
    if not (tol >= 0 and math.isfinite(tol)):
        raise InputError(f"--tol: expected a non-negative number, got {tol}")
    out = []
    for key, answer in split_checks(checks, primary):
        if key not in result:
            keys = ", ".join(result)
            raise InputError(f"--check: no result {key!r} for this command (results: {keys})")
        out.append(CheckResult(key, answer, result[key], compare(result[key], answer, key, tol)))
    return out
