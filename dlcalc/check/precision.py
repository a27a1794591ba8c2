"""When a written number agrees with a true value (CONTRACT section 5, "Precision").

- Integers and counts must be exact.
- A number equal to the true value exactly (to 1e-7 relative: float arithmetic and converged iterations) (``0``, ``4``, ``-0.6``) is right however few
  figures it has.
- Otherwise a decimal is right when it is within half a unit of its last written place of the
  true value and carries at least 3 significant figures (``0.3527`` for 0.352717 is right;
  ``0.35`` is too few figures; ``6.0`` for 5.95 is 2 figures; ``6.00`` is out by 0.05;
  a whole number is written to units: ``20959`` for 20959.16 is right, ``21000`` is not,
  ``2.10e4`` is).
- A question may ask for a precision (``decimals``: so many decimal places), and ``--tol R``
  replaces all this with a relative tolerance R.
"""

from __future__ import annotations

from dlcalc.check.written import Number

MIN_SIG = 3
_SLACK = 1e-9  # round-half either way, and binary floats' representation error


class Rule:
    """The precision rule of one marking: the default (as written), ``tol`` or ``decimals``."""

    __slots__ = ("tol", "decimals")

    def __init__(self, tol: float | None = None, decimals: int | None = None) -> None:
        self.tol, self.decimals = tol, decimals

    def agrees(self, given: Number, true: float | int, integer: bool) -> tuple[bool, str, str]:
        """(agrees, the precision applied, a note when it is close but not enough)."""
        g, t = float(given.value), float(true)
        if self.tol is not None:
            bound = self.tol * abs(t) if t != 0 else self.tol
            return abs(g - t) <= bound * (1 + _SLACK), f"within {self.tol:g} relative", ""
        if integer:
            return g == t, "exact: a whole number", ""
        if _same(g, t):
            return True, "exact", ""
        if self.decimals is not None:
            half = 0.5 * 10.0 ** (-self.decimals)
            return _within(g, t, half), f"to {self.decimals} decimal places (as asked)", ""
        if given.places is None:  # a fraction claims the value exactly
            return False, "exact: a fraction", ""
        half = 0.5 * 10.0 ** (-given.places)
        near = _within(g, t, half)
        precision = f"to {_places(given.places)} as written (+/- {half:g})"
        if near and given.sig < MIN_SIG:
            return (
                False,
                precision,
                (
                    f"right to the {given.sig} significant figure{'s' if given.sig > 1 else ''} "
                    f"written, but give at least {MIN_SIG}"
                ),
            )
        return near, precision, ""


def _places(places: int) -> str:
    return f"{places} decimal place{'s' if places != 1 else ''}"


def _same(g: float, t: float) -> bool:
    """Equal up to the last digits of a float computation (an iteration converged to 1e-10
    gives 8.99999991 for an exact 9)."""
    return g == t or abs(g - t) <= 1e-7 * abs(t) or abs(g - t) <= 1e-12


def _within(g: float, t: float, half: float) -> bool:
    return abs(g - t) <= half * (1 + _SLACK) + 1e-15 * abs(t)


def is_integer_value(value: object) -> bool:
    """Counts and integer results are marked exactly (bools are not numbers here)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    return kind in "iu" and kind != ""
