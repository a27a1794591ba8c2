"""What a learning-management export (Moodle XML, GIFT) asks of a calc template.

Shared by :mod:`dlcalc.quiz.moodle` and :mod:`dlcalc.quiz.gift`, so both formats carry the
same variants, keys, tolerances and misconception answers:

- ``variants(q, n, seed)``: ``n`` drawn items of a calc template (variant k uses the seed
  ``"{seed}/v{k}"``; the same seed gives the same variants in every format);
- ``fields(item)``: the numbers a student types, one per scalar of each part (a part whose
  answer is an array gives one field per element), each with its key, the tolerance of the
  precision rule and the slips of the named misconceptions.

Precision: an LMS needs one tolerance per answer, so exports ask for 4 significant figures
and accept half a unit of the 4th significant figure of the key (the marker's rule for an
answer written to 4 s.f., dlcalc.check.precision); integer results (counts) must be exact.
A part that asks for ``decimals`` gets half a unit of that decimal place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dlcalc.errors import InputError
from dlcalc.quiz.bank import Question
from dlcalc.quiz.generate import Item, instantiate

SIG_FIGS = 4
SIG_TEXT = f"give {SIG_FIGS} significant figures"
EXACT_TEXT = "give the exact whole number"
CATEGORY_ROOT = "$course$/COMP5329"


@dataclass(frozen=True)
class Slip:
    """A wrong answer a named misconception produces, and what to tell the student."""

    value: float | int
    ids: tuple[str, ...]
    feedback: str  # "34848: the bias is missing; params = (K*K*C + 1)*N"


@dataclass
class Field:
    """One number to type: part ``label`` (with an element index for an array answer)."""

    label: str  # "a", "a[0,1]"
    prompt: str  # the part's prompt ("" for a one-part question)
    key: float | int
    tolerance: Decimal
    integer: bool
    weight: int  # the marks this field carries (integer weights, see ``fields``)
    slips: list[Slip] = field(default_factory=list)
    part_label: str = "a"
    first_of_part: bool = True
    address: str = ""  # the element asked, for an array answer: "output[0,1]" (else "")

    @property
    def hint(self) -> str:
        return EXACT_TEXT if self.integer else SIG_TEXT


def category(topic: str) -> str:
    return f"{CATEGORY_ROOT}/{topic}"


DRAWS_PER_VARIANT = 4  # draws tried per variant to find parameters not drawn yet


def variants(q: Question, n: int, seed: int) -> list[Item]:
    """``n`` drawn items of calc template ``q`` (deterministic in ``seed``).

    Draw k uses the seed ``"{seed}/v{k}"``; a draw repeating an earlier one's parameters is
    skipped while fresh ones turn up (up to ``DRAWS_PER_VARIANT * n`` draws), so a template
    with few parameter combinations repeats only once it has run out of them.
    """
    fresh: list[Item] = []
    repeats: list[Item] = []
    seen: set[str] = set()
    for k in range(DRAWS_PER_VARIANT * n):
        if len(fresh) == n:
            break
        item = instantiate(q, f"{seed}/v{k + 1}")
        key = repr(sorted(item.params.items()))
        if key in seen:
            repeats.append(item)
        else:
            seen.add(key)
            fresh.append(item)
    return (fresh + repeats)[:n]


def variant_name(q: Question, k: int, n: int) -> str:
    """Stable names: ``cnn-calc-001 v01`` (the width fits ``n``)."""
    return f"{q.id} v{k + 1:0{max(2, len(str(n)))}d}"


def number(value: float | int | Decimal) -> str:
    """A number as an LMS parses it: positional, no exponent, shortest round-trip."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
    elif isinstance(value, int):
        return str(value)
    else:
        import numpy as np

        text = np.format_float_positional(float(value), trim="-")
    return "0" if text in ("-0", "-0.0") else text


def shown(value: float | int) -> str:
    """A value as written in feedback: whole numbers exactly, else 4 significant figures."""
    if _is_int(value):
        return str(int(value))
    v = float(value)
    if v == 0:
        return "0"
    text = f"{v:#.{SIG_FIGS}g}"  # keeps trailing zeros: 1.900, not 1.9
    return number(Decimal(text[:-1] if text.endswith(".") else text))


def tolerance(value: float | int, integer: bool, decimals: int | None = None) -> Decimal:
    """Half a unit of the key's 4th significant figure (0 for an integer or a zero key)."""
    if integer:
        return Decimal(0)
    if decimals is not None:
        return Decimal(5).scaleb(-decimals - 1)
    v = float(value)
    if v == 0 or not math.isfinite(v):
        return Decimal(0)
    exponent = Decimal(f"{abs(v):.{SIG_FIGS - 1}e}").adjusted()  # after rounding to 4 s.f.
    return Decimal(5).scaleb(exponent - SIG_FIGS)


def _is_int(value: Any) -> bool:
    from dlcalc.check.precision import is_integer_value

    return is_integer_value(value)


def _scalars(value: Any) -> list[tuple[str, Any]]:
    """("", v) for a scalar, ("[i,j]", v) for each element of an array (row-major)."""
    import numpy as np

    if isinstance(value, int | float) and not isinstance(value, bool):
        return [("", value)]
    arr = np.asarray(value)
    if arr.ndim == 0:
        return [("", arr.item())]
    if arr.size == 1:
        return [("", arr.reshape(-1)[0].item())]
    return [("[" + ",".join(map(str, idx)) + "]", arr[idx].item()) for idx in np.ndindex(arr.shape)]


def _element(value: Any, index: str, size: int) -> Any:
    """The element of a replayed value at the same place as the key's element."""
    import numpy as np

    arr = np.asarray(value)
    if arr.size != size:
        return None
    if not index:
        return arr.reshape(-1)[0].item()
    idx = tuple(int(i) for i in index.strip("[]").split(","))
    try:
        return arr[idx].item()
    except (IndexError, TypeError):
        return None


def _replays(item: Item) -> list[tuple[Any, Any]]:
    """(mistake, replayed solution) for each catalogued misconception the engine consulted
    (the marker's own replays: dlcalc.check.catalogue.replays)."""
    from dlcalc.check.catalogue import replays

    return [] if item.solution is None else list(replays(item.solution))


def _slip_values(replayed: Any, key: str) -> Any:
    from dlcalc.check.address import lookup, parse_key
    from dlcalc.errors import DlcalcError

    try:
        if key in replayed.result:
            return replayed.result[key]
        return lookup(replayed, parse_key(key))
    except (DlcalcError, IndexError, KeyError, TypeError, ValueError):
        return None


def fields(item: Item) -> list[Field]:
    """The numbers a student types for calc ``item``, with keys, tolerances and slips.

    Weights are whole marks: a part worth m marks whose answer has e elements gives each
    element m * L / e, where L is the least common multiple of the element counts that do
    not divide their part's marks (L = 1 in most questions), so the parts keep their
    proportions.
    """
    replays = _replays(item)
    per_part = [(part, _scalars(part.answer)) for part in item.parts]
    scale = 1
    for part, scalars in per_part:
        if (part.marks * scale) % len(scalars):
            scale = math.lcm(scale, len(scalars) // math.gcd(part.marks * scale, len(scalars)))
    out: list[Field] = []
    for part, scalars in per_part:
        slipped = [(m, _slip_values(r, part.key)) for m, r in replays]
        for n, (index, key) in enumerate(scalars):
            if isinstance(key, bool) or not isinstance(key, int | float):
                raise InputError(
                    f"{item.question.where}: {part.key} is {key!r}, not a number: "
                    "Moodle and GIFT numerical questions need a numeric answer"
                )
            integer = _is_int(key)
            tol = tolerance(key, integer, part.decimals)
            f = Field(
                label=part.label + index,
                prompt=part.prompt,
                key=key,
                tolerance=tol,
                integer=integer,
                weight=part.marks * scale // len(scalars),
                part_label=part.label,
                first_of_part=n == 0,
                address=part.key + index if index else "",
            )
            f.slips = _slips(key, tol, index, len(scalars), slipped)
            out.append(f)
    return out


def _slips(key: Any, tol: Decimal, index: str, size: int, slipped: list) -> list[Slip]:
    """The misconceptions' values for one field: those off the key by more than the
    tolerance, one per distinct value (as shown), the others named with it."""
    by_value: dict[str, tuple[Any, list[Any]]] = {}
    for mistake, value in slipped:
        if value is None:
            continue
        v = _element(value, index, size)
        if v is None or isinstance(v, bool) or not isinstance(v, int | float):
            continue
        if not math.isfinite(float(v)) or abs(float(v) - float(key)) <= float(tol):
            continue
        if shown(v) == shown(key):
            continue
        by_value.setdefault(shown(v), (v, []))[1].append(mistake)
    out = []
    for text, (v, mistakes) in by_value.items():
        says = "; or ".join(f"{m.says}; {m.right}" for m in mistakes)
        out.append(Slip(v, tuple(m.id for m in mistakes), f"{text}: {says}"))
    return out
