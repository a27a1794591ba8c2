"""Marking one answer: mcq by letter, calc by the one marker (``dlcalc.check``: the precision
the student wrote, or the decimals the question asks for; named slips), essays by the
marking points the student ticks (``1,3``, ``all`` or ``none``): the sum of their weights."""

from __future__ import annotations

from dataclasses import dataclass

from dlcalc.errors import DlcalcError
from dlcalc.quiz.generate import LETTERS, Item


@dataclass(frozen=True)
class Verdict:
    correct: bool
    score: float  # marks earned
    max_score: float
    answer: str  # what the student typed
    message: str  # one line of feedback


def answer_text(item: Item) -> str:
    """The correct answer as shown to the student."""
    if item.kind == "mcq":
        return f"{item.answer}. {item.choices[LETTERS.index(item.answer)]}"
    if item.kind == "calc":
        from dlcalc.render.values import one_line

        return one_line(item.answer)
    return str(item.question.get("model_answer", ""))


def problem(item: Item, text: str) -> str | None:
    """Why ``text`` cannot be graded (an interactive prompt asks again), or None."""
    text = text.strip()
    if item.kind == "mcq":
        letters = LETTERS[: len(item.choices)]
        if len(text) != 1 or text.upper() not in letters:
            return f"answer with a letter {letters[0]}-{letters[-1]}"
    elif item.kind == "calc":
        if not text:
            return "type a number (or numbers: 1,2; 3,4)"
        try:
            _compare(item, text)
        except DlcalcError as exc:
            return str(exc).split(": ", 1)[-1]
    else:
        ticked = ticks(item, text)
        if isinstance(ticked, str):
            return ticked
    return None


def ticks(item: Item, text: str) -> list[int] | str:
    """The marking points (1-based, sorted) ticked by ``text``: numbers separated by commas
    or spaces, ``all`` or ``none``; a string saying why when it cannot be read."""
    n = len(item.question.points)
    words = text.replace(",", " ").lower().split()
    why = f"type the numbers of the points you made (1-{n}, e.g. 1,3), all or none"
    if words == ["none"] or words == ["0"]:
        return []
    if words == ["all"]:
        return list(range(1, n + 1))
    if not words or not all(w.isdigit() and 1 <= int(w) <= n for w in words):
        return why
    return sorted({int(w) for w in words})


def check(item: Item, text: str) -> dict:
    """The marker's ``check`` object for a calc answer (the same verdict as ``--check``)."""
    key = item.question.get("answer_key")
    decimals = item.question.get("decimals")
    return item.solution.check(**{key: text}, decimals=decimals)


def _compare(item: Item, text: str) -> bool:
    return bool(check(item, text)["ok"])


def grade(item: Item, text: str) -> Verdict:
    """Mark ``text``; an answer that cannot be read scores 0 with the reason."""
    text = text.strip()
    marks = float(item.marks)
    why = problem(item, text)
    if item.kind == "essay":
        points = item.question.points
        ticked = [] if why else ticks(item, text)
        mark = sum(points[i - 1][1] for i in ticked)  # type: ignore[union-attr]
        ok = mark >= marks
        which = ", ".join(map(str, ticked)) or "none"  # type: ignore[arg-type]
        lead = "full marks" if ok else "partial marks" if mark else "no marks"
        msg = f"{lead}: {mark:g}/{marks:g} (points ticked: {which})"
        if why:
            msg = f"no marks: 0/{marks:g} ({why}; counted as none)"
        return Verdict(ok, mark, marks, text, msg)
    if why:
        return Verdict(False, 0.0, marks, text, f"wrong: {why}; the answer is {answer_text(item)}")
    if item.kind == "calc":
        (checked,) = check(item, text)["items"]
        if checked["verdict"] == "right":
            return Verdict(True, marks, marks, text, f"correct: {answer_text(item)}")
        why = f"{checked['message']}" if checked["verdict"] == "mistake" else ""
        lead = f"wrong ({why})" if why else "wrong"
        return Verdict(False, 0.0, marks, text, f"{lead}: the answer is {answer_text(item)}")
    ok = text.upper() == item.answer
    if ok:
        return Verdict(True, marks, marks, text, f"correct: {answer_text(item)}")
    return Verdict(False, 0.0, marks, text, f"wrong: the answer is {answer_text(item)}")
