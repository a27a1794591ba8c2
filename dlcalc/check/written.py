"""A student's answer as written: its numbers and the precision each was written to.

The precision is read from the digits themselves, the way an examiner reads a script:
``0.3589`` is written to 4 decimal places (its last place is 10^-4) with 4 significant
figures; ``1.20e-3`` to 5 places with 3 figures; ``34848`` is a whole number; ``1/3`` is an
exact fraction. Answers given as Python or JSON numbers (batch, the API) are read from their
shortest repr, so ``0.3589`` means the same from every front.
"""

from __future__ import annotations

import math
import re
from typing import Any

from dlcalc import parse
from dlcalc.errors import InputError

_TOKEN = re.compile(
    r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:\s*/\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)?"
)
_TRANSLATE = str.maketrans({"\u2212": "-", "\u2013": "-"})


class Number:
    """One written number.

    value: the number; text: as written; places: decimal places of the last written digit
    (0 for a whole number, -2 for ``3e2``; ``None`` for a fraction, an exact form);
    sig: significant figures.
    """

    __slots__ = ("value", "text", "places", "sig")

    def __init__(self, value: float | int, text: str, places: int | None, sig: int) -> None:
        self.value, self.text, self.places, self.sig = value, text, places, sig

    @property
    def exact_form(self) -> bool:
        """Written as a fraction: the student claims the value exactly."""
        return self.places is None

    def __repr__(self) -> str:
        return f"Number({self.text!r}, places={self.places}, sig={self.sig})"


def read_token(text: str) -> Number:
    """``"0.3589"`` -> Number(0.3589, places=4, sig=4); ``"34848"`` -> exact, sig 5."""
    tok = text.strip().translate(_TRANSLATE).replace(" ", "")
    value = parse.number(tok, "check")
    if "/" in tok:
        return Number(value, tok, None, 99)
    body = tok.lstrip("+-")
    mantissa, _, exp = body.lower().partition("e")
    exponent = int(exp) if exp else 0
    whole, dot, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    sig = len(digits) if digits else 1
    return Number(value, tok, len(frac) - exponent, sig)  # 34848: places 0; 3e2: places -2


def from_python(value: Any) -> Number:
    """A number given as a Python/JSON value: ints are exact, floats read from repr."""
    if isinstance(value, bool):
        raise InputError("check: expected a number, got a true/false value")
    if isinstance(value, int):
        return Number(value, str(value), 0, len(str(abs(value)).lstrip("0")) or 1)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"check: expected a number, got {type(value).__name__}") from None
    if not math.isfinite(number):
        raise InputError("check: expected a finite number")
    return read_token(repr(number))


class Answer:
    """A whole answer: its values (a scalar or an array) and one Number per element.

    shape: () for a scalar. numbers: the elements in row-major order.
    """

    __slots__ = ("values", "numbers", "shape", "text")

    def __init__(self, values: Any, numbers: list[Number], shape: tuple[int, ...], text: str):
        self.values, self.numbers, self.shape, self.text = values, numbers, shape, text

    @property
    def size(self) -> int:
        return len(self.numbers)

    def reshaped(self, shape: tuple[int, ...]) -> Answer:
        return Answer(self.values, self.numbers, shape, self.text)


def read_answer(raw: Any, key: str) -> Answer:
    """Text (``"0.3589"``, ``"2,3;4,3"``, ``"[[1,2],[3,4]]"``) or a Python value -> Answer."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise InputError(f"--check: no answer given for {key}")
        array = parse.parse_array(text, "check")
        shape = tuple(array.shape)
        tokens = _TOKEN.findall(text.translate(_TRANSLATE))
        if len(tokens) == array.size:
            numbers = [read_token(t) for t in tokens]
        else:  # a form the tokenizer does not follow: read each value back from its repr
            numbers = [from_python(v) for v in array.ravel().tolist()]
        values = numbers[0].value if shape == () else array
        return Answer(values, numbers, shape, text)
    if isinstance(raw, list | tuple) or hasattr(raw, "shape"):
        import numpy as np

        array = parse.parse_array(raw if isinstance(raw, list | tuple) else raw.tolist(), "check")
        numbers = [from_python(v) for v in np.asarray(raw).ravel().tolist()]
        return Answer(array, numbers, tuple(array.shape), _text_of(raw))
    number = from_python(raw)
    return Answer(number.value, [number], (), number.text)


def _text_of(raw: Any) -> str:
    import json

    try:
        return json.dumps(raw if isinstance(raw, list | tuple) else raw.tolist())
    except (TypeError, ValueError):
        return str(raw)
