"""What a checked answer refers to: a result key, one element of it, or a named step.

``w2_new`` (a result), ``w2_new[0,1]`` or ``w2_new[0][1]`` (one element, 0-based),
``net_k`` (a named intermediate of the working), ``trajectory[2]`` (a row).
A bare answer (no ``KEY=``) goes to the command's answer keys whose shape it fits.
"""

from __future__ import annotations

import re
from typing import Any

from dlcalc.errors import InputError

_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*((?:\[[^\]]*\]\s*)*)$")
_MAX_LISTED = 12


class Address:
    """name: the result key or step name; index: the element/row index (empty: the whole)."""

    __slots__ = ("name", "index")

    def __init__(self, name: str, index: tuple[int, ...] = ()) -> None:
        self.name, self.index = name, tuple(index)

    def __str__(self) -> str:
        if not self.index:
            return self.name
        return f"{self.name}[{','.join(str(i) for i in self.index)}]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Address) and (self.name, self.index) == (other.name, other.index)

    def __hash__(self) -> int:
        return hash((self.name, self.index))


def parse_key(text: str) -> Address:
    """``"w2_new[0][1]"`` -> Address("w2_new", (0, 1)); errors name --check."""
    match = _KEY.match(text)
    if not match:
        raise InputError(
            f"--check: {text[:40]!r} is not a result name (write KEY=ANSWER, e.g. out_w=55 "
            "or w2_new[0,1]=0.3589)"
        )
    name, brackets = match.group(1).replace("-", "_"), match.group(2)
    index: list[int] = []
    for part in re.findall(r"\[([^\]]*)\]", brackets):
        for item in part.split(","):
            item = item.strip()
            if not re.fullmatch(r"-?\d{1,9}", item):
                raise InputError(
                    f"--check: index {item!r} of {name} is not a whole number "
                    "(indices start at 0: w2_new[0,1])"
                )
            index.append(int(item))
    return Address(name, tuple(index))


def split(item: str) -> tuple[Address | None, str]:
    """``"out_h=55"`` -> (Address("out_h"), "55"); ``"55"`` -> (None, "55")."""
    key, sep, answer = str(item).partition("=")
    if sep and key.strip() and key.strip()[0] not in "0123456789.+-[":
        return parse_key(key), answer.strip()
    return None, str(item).strip()


def whole_value(solution: Any, name: str) -> Any:
    """The result ``name``, else a named value of the run, else the step called ``name``."""
    if name in solution.result:
        return solution.result[name]
    named = getattr(solution, "named", None) or {}
    if name in named:
        return named[name]
    for step in solution.steps:
        if step.name == name:
            return step.value
    raise KeyError(name)


def known_names(solution: Any) -> list[str]:
    names = list(solution.result)
    for name in getattr(solution, "named", None) or {}:
        if name not in names:
            names.append(name)
    for step in solution.steps:
        if step.name and step.name not in names:
            names.append(step.name)
    return names


def lookup(solution: Any, address: Address) -> Any:
    """The true value at ``address`` (an InputError naming --check when there is none)."""
    try:
        value = whole_value(solution, address.name)
    except KeyError:
        names = known_names(solution)
        shown = ", ".join(names[:_MAX_LISTED]) + (", ..." if len(names) > _MAX_LISTED else "")
        raise InputError(
            f"--check: no result or step {address.name!r} for {solution.command or 'this command'}"
            f" (you can check: {shown})"
        ) from None
    if isinstance(value, dict) or (
        isinstance(value, list | tuple) and any(isinstance(v, dict | str) for v in value)
    ):
        raise InputError(
            f"--check: {address.name} is a table of values, not a number; check one of its "
            "numbers or another result key"
        )
    if not address.index:
        return value
    import numpy as np

    arr = np.asarray(value)
    if arr.ndim == 0:
        raise InputError(
            f"--check: {address.name} is one number: it has no elements to index "
            f"(write {address.name}=ANSWER)"
        )
    if len(address.index) > arr.ndim:
        raise InputError(
            f"--check: {address} has {len(address.index)} indices but {address.name} has "
            f"{arr.ndim} (shape {_shape(arr.shape)})"
        )
    for axis, (i, n) in enumerate(zip(address.index, arr.shape, strict=False)):
        if not -n <= i < n:
            raise InputError(
                f"--check: index {i} of {address} is out of range (axis {axis} has {n} "
                f"entries, 0 to {n - 1}; shape {_shape(arr.shape)})"
            )
    picked = arr[address.index]
    if getattr(picked, "ndim", 0) == 0:
        return picked.item()
    return picked


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape) or "scalar"


def shape_of(value: Any) -> tuple[int, ...]:
    if isinstance(value, int | float | bool | str):
        return ()
    import numpy as np

    return tuple(np.shape(value))


def fits(answer_shape: tuple[int, ...], value: Any) -> bool:
    """A bare answer fits a key of the same shape, or of the same number of values."""
    shape = shape_of(value)
    if answer_shape == shape:
        return True
    size = 1
    for n in shape:
        size *= n
    given = 1
    for n in answer_shape:
        given *= n
    return size == given and (len(answer_shape) <= 1 or len(shape) <= 1 or size == 1)
