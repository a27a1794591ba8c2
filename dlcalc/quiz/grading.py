"""Marking one answer: mcq by letter, calc by the one marker (``dlcalc.check``: the precision
the student wrote, or the decimals the question asks for; named slips), essays by the
marking points the student ticks (``1,3``, ``all`` or ``none``): the sum of their weights."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from dlcalc.errors import DlcalcError
from dlcalc.quiz.generate import LETTERS, Item, Part


@dataclass(frozen=True)
class PartVerdict:
    """The mark of one part (a), (b), ... of a multi-part calc question."""

    label: str
    verdict: str  # the marker's: right, follow_through, mistake, wrong (unreadable: wrong)
    score: float
    max_score: float
    answer: str
    message: str  # one line: "(b) follow-through: correct given your (a) = 54 [3/3]"


@dataclass(frozen=True)
class Verdict:
    correct: bool
    score: float  # marks earned
    max_score: float
    answer: str  # what the student typed (multi-part: the parts' answers joined by " | ")
    message: str  # one line of feedback (multi-part: the question's marks, "7/10 marks")
    parts: tuple[PartVerdict, ...] = ()  # multi-part calc questions: one per part


def answer_text(item: Item) -> str:
    """The correct answer as shown to the student."""
    if item.kind == "mcq":
        return f"{item.answer}. {item.choices[LETTERS.index(item.answer)]}"
    if item.kind == "calc":
        from dlcalc.render.values import one_line

        if item.multi:
            return "; ".join(f"({p.label}) {one_line(p.answer)}" for p in item.parts)
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
    """The marker's ``check`` object for a calc answer (the same verdict as ``--check``);
    for a multi-part question, the answer to its first part."""
    part = item.parts[0]
    return item.solution.check(**{part.key: text}, decimals=part.decimals)


def part_item(item: Item, index: int) -> Item:
    """Item ``item`` narrowed to its part ``index``: ``problem`` reads answers to that part
    (the terminal front end asks again on an unreadable one)."""
    return dataclasses.replace(item, parts=[item.parts[index]])


def _part_text(item: Item, part: Part) -> str:
    from dlcalc.render.values import one_line

    return one_line(part.answer)


def grade_parts(item: Item, texts: Sequence[str]) -> Verdict:
    """Mark a multi-part calc question part by part with the one marker: part k is checked
    together with the student's parts before it, so a value carried forward from a wrong
    earlier part is ``follow_through`` and earns its full marks (error carried forward);
    a named mistake or a wrong value earns 0."""
    texts = [t.strip() for t in texts]
    labels = {p.key: p.label for p in item.parts}
    done: list[PartVerdict] = []
    readable: dict[str, str] = {}
    for k, (part, text) in enumerate(zip(item.parts, texts, strict=False)):
        marks = float(part.marks)
        why = problem(part_item(item, k), text)
        if why is None:
            keyed = {**readable, part.key: text}
            try:
                checked = item.solution.check(**keyed, decimals=part.decimals)["items"][-1]
            except DlcalcError as exc:
                why = str(exc).split(": ", 1)[-1]
        if why is not None:
            line = (
                f"({part.label}) wrong: {why}; the answer is {_part_text(item, part)} [0/{marks:g}]"
            )
            done.append(PartVerdict(part.label, "wrong", 0.0, marks, text, line))
            continue
        readable[part.key] = text
        verdict = checked["verdict"]
        if verdict == "right":
            score, line = marks, f"right: {_part_text(item, part)}"
        elif verdict == "follow_through":
            earlier = checked.get("given_earlier", {})
            given = ", ".join(
                f"({labels[key]}) = {value}" if key in labels else f"{key} = {value}"
                for key, value in earlier.items()
            )
            score = marks
            line = f"follow-through: correct given your {given} (the answer is {_part_text(item, part)})"
        elif verdict == "mistake":
            score = 0.0
            line = f"wrong ({checked['message']}): the answer is {_part_text(item, part)}"
        else:
            score, line = 0.0, f"wrong: the answer is {_part_text(item, part)}"
        line = f"({part.label}) {line} [{score:g}/{marks:g}]"
        done.append(PartVerdict(part.label, verdict, score, marks, text, line))
    got = sum(p.score for p in done)
    out_of = float(item.marks)
    return Verdict(
        got >= out_of, got, out_of, " | ".join(texts), f"{got:g}/{out_of:g} marks", tuple(done)
    )


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
