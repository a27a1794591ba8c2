"""Marking one answer: mcq by letter, calc by the one marker (``dlcalc.check``: the precision
the student wrote, or the decimals the question asks for; named slips), essays by the
student's own mark against the marking points."""

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
        try:
            mark = float(text)
        except ValueError:
            return f"type your mark, a number from 0 to {item.marks}"
        if not 0 <= mark <= item.marks:
            return f"type your mark, a number from 0 to {item.marks}"
    return None


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
        mark = 0.0 if why else float(text)
        ok = mark >= marks / 2
        msg = f"self-marked {mark:g}/{marks:g}" + (f" ({why}; counted as 0)" if why else "")
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
