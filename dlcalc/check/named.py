"""Named misconceptions: a wrong value equal to what the engine computes under one of the
command's variant rules (``Solution.replay(rule=id)``) is that mistake, said in one line."""

from __future__ import annotations

from typing import Any

from dlcalc.check.address import lookup
from dlcalc.check.catalogue import replays
from dlcalc.check.items import MISTAKE, Item, compare
from dlcalc.check.precision import Rule
from dlcalc.errors import DlcalcError


def named_mistake(solution: Any, item: Item, rule: Rule, cache: dict[str, Any]) -> None:
    """The first catalogued misconception whose replay gives the student's value; any other
    that gives the same value is named as an alternative (an examiner cannot tell them apart)."""
    if item.answer is None or solution.rerun is None:
        return
    found: list[tuple[Any, Any]] = []
    for mistake, replayed in replays(solution, cache):
        try:
            value = lookup(replayed, item.address)
        except DlcalcError:
            continue
        if _equal(value, item.true):
            continue  # the rule does not change this value
        ok, _, _, _ = compare(item.answer, value, rule)
        if ok:
            found.append((mistake, replayed))
    if not found:
        return
    mistake, replayed = found[0]
    item.verdict, item.mistake = MISTAKE, mistake
    item.message = _mistake_message(item, solution, replayed, mistake)
    item.also = [m for m, _ in found[1:]]
    if item.also:
        item.message += " (or: " + "; ".join(m.says for m in item.also) + ")"


def _equal(a: Any, b: Any) -> bool:
    import numpy as np

    try:
        return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
    except (TypeError, ValueError):
        return a == b


def _mistake_message(item: Item, solution: Any, replayed: Any, mistake: Any) -> str:
    """``34848 is (11*11*3)*96: the bias is missing; params = (K*K*C + 1)*N``.

    The substitution is quoted only when the replay's step writes it differently from the
    plain run's (a step built from its expression, or text the engine writes per rule): a
    hand-written step whose text does not follow the rule would show the right arithmetic.
    """
    given = item.answer.text if item.answer else str(item.raw)
    how = ""
    if not item.address.index:
        plain = solution.steps
        for i, step in enumerate(replayed.steps):
            if step.name == item.address.name:
                text = step.substituted
                same = i < len(plain) and plain[i].name == step.name
                if not same or text != plain[i].substituted:
                    how = _plain_substitution(text)
                break
    lead = f"{given} is {how}" if how and len(how) <= 80 else given
    return f"{lead}: {mistake.says}; {mistake.right}"


def _plain_substitution(text: str) -> str:
    """The substituted formula up to its first `` = `` (``floor(216/4) + 1``), when it is all
    numbers (a substitution that still holds symbols explains nothing)."""
    import re

    head = (text or "").split(" = ")[0].strip()
    bare = re.sub(r"\b(floor|ceil|sqrt|exp|log|ln|max|min|abs|tanh|sigma|e)\b", "", head)
    bare = re.sub(r"\d[eE][-+]?\d", "", bare)
    return "" if re.search(r"[A-Za-z_]", bare) else head
