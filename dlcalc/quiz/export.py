"""Printable and portable forms of the bank: a Markdown quiz or study sheet, an Anki deck."""

from __future__ import annotations

import html
import zlib
from collections.abc import Sequence
from pathlib import Path

from dlcalc.errors import InputError
from dlcalc.quiz.bank import Question
from dlcalc.quiz.generate import LETTERS, Item, instantiate
from dlcalc.quiz.grading import answer_text

PAGE_BREAK = '\n<div style="page-break-before: always"></div>\n\n\\newpage\n'
KIND_TITLE = {"mcq": "Multiple choice", "calc": "Calculation", "essay": "Essay"}

# Stable Anki ids: re-importing an export updates the same note type and deck.
ANKI_MODEL_ID = 1_607_392_329
ANKI_DECK = "COMP5329 Deep Learning (dlcalc)"


def _question_md(i: int, item: Item) -> list[str]:
    marks = f"{item.shown_marks:g} mark{'s' * (item.shown_marks != 1)}"  # an exam's share
    out = [f"### {i}. {KIND_TITLE[item.kind]} ({marks}) `{item.id}`", "", item.prompt, ""]
    out += [f"- **{letter}.** {c}" for letter, c in zip(LETTERS, item.choices, strict=False)]
    if item.choices:
        out.append("")
    if item.kind == "calc" and item.multi:
        for part in item.parts:
            marks = f"{part.marks} mark{'s' * (part.marks != 1)}"
            out += [f"({part.label}) {part.prompt} [{marks}]", "", "Answer: ____________", ""]
    elif item.kind == "calc":
        out += ["Answer: ____________", ""]
    return out


def _answer_md(i: int, item: Item) -> list[str]:
    from dlcalc.render.text import plain

    q = item.question
    out = [f"**{i}.** `{item.id}`" + (f": {answer_text(item)}" if item.kind != "essay" else "")]
    if item.kind == "mcq":
        out += ["", str(q.get("explanation", ""))]
    elif item.kind == "calc":
        out += ["", "```", plain(item.solution), "```"]
    else:
        out += ["", "Marking points:", ""]
        out += [f"- [{m:g}] {p}" for p, m in q.points]
        out += ["", f"Model answer: {q.get('model_answer', '')}"]
    return [*out, ""]


def quiz_markdown(
    items: Sequence[Item],
    *,
    title: str,
    seed: int | None = None,
    with_answers: bool = False,
    minutes: int | None = None,
) -> str:
    """A printable quiz: the questions, then (``with_answers``) the key on separate pages."""
    total = f"{sum(it.shown_marks for it in items):g}"
    head = [f"# {title}", ""]
    meta = [f"{len(items)} questions", f"{total} marks"]
    if minutes:
        meta.append(f"{minutes} minutes")
    if seed is not None:
        meta.append(f"seed {seed}")
    head += [", ".join(meta) + ".", ""]
    body: list[str] = []
    for i, item in enumerate(items, start=1):
        body += _question_md(i, item)
    text = "\n".join(head + body)
    if with_answers:
        key = ["# Answer key", ""]
        for i, item in enumerate(items, start=1):
            key += _answer_md(i, item)
        text += PAGE_BREAK + "\n" + "\n".join(key)
    return text.rstrip() + "\n"


def _items_of(q: Question, seed: int, variants: int) -> list[Item]:
    """One item per question; a calc template gives ``variants`` drawn items (the draws of
    the Moodle/GIFT exports: the same seed, the same variants in every format)."""
    if q.kind != "calc" or variants <= 1:
        return [instantiate(q, seed)]
    from dlcalc.quiz.lms import variants as draw

    return draw(q, variants, seed)


def bank_markdown(questions: Sequence[Question], *, seed: int = 0, variants: int = 1) -> str:
    """A study sheet of the whole (filtered) bank, each answer right under its question.

    Choices are shuffled per question with ``seed`` (as a quiz would), so the key is not
    always "A" as it is in the bank files; a calc template gives ``variants`` drawn questions.
    """
    from dlcalc.ops import TOPICS

    out = ["# COMP5329 Deep Learning: question bank", ""]
    for topic in TOPICS:
        mine = [q for q in questions if q.topic == topic]
        if not mine:
            continue
        out += [f"## {topic}", ""]
        i = 0
        for q in mine:
            for item in _items_of(q, seed, variants):
                i += 1
                out += _question_md(i, item)
                out += [
                    "<details><summary>Answer</summary>",
                    "",
                    *_answer_md(i, item),
                    "</details>",
                    "",
                ]
    return "\n".join(out).rstrip() + "\n"


def _html(text: str) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def _card(item: Item) -> tuple[str, str]:
    from dlcalc.render.text import plain

    q = item.question
    front = [f"<div>{_html(item.prompt)}</div>"]
    if item.kind == "calc" and item.multi:
        front += [
            f"<div>({p.label}) {_html(p.prompt)} <i>[{p.marks} marks]</i></div>" for p in item.parts
        ]
    if item.choices:
        front.append(
            "<ol type='A'>" + "".join(f"<li>{_html(c)}</li>" for c in item.choices) + "</ol>"
        )
    if item.kind == "essay":
        front.append(f"<div><i>[{item.marks} marks]</i></div>")
    if item.kind == "mcq":
        back = [
            f"<b>{_html(answer_text(item))}</b>",
            f"<div>{_html(q.get('explanation', ''))}</div>",
        ]
    elif item.kind == "calc":
        back = [
            f"<b>{_html(answer_text(item))}</b>",
            f"<pre>{html.escape(plain(item.solution))}</pre>",
        ]
    else:
        points = "".join(f"<li>[{m:g}] {_html(p)}</li>" for p, m in q.points)
        back = [f"<ul>{points}</ul>", f"<div>{_html(q.get('model_answer', ''))}</div>"]
    return "".join(front), "".join(back)


def deck_id(name: str) -> int:
    """A stable deck id from the deck name."""
    return 1_500_000_000_000 + zlib.crc32(name.encode("utf-8"))


def anki_package(
    questions: Sequence[Question], out: Path, *, seed: int = 0, variants: int = 1
) -> int:
    """Write an .apkg with one note per question (sub-deck per topic); return the note count.

    Calc templates become ``variants`` concrete questions (parameters drawn with ``seed``);
    mcq choices are shuffled with ``seed``.
    """
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "dlcalc question",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Topic"}, {"name": "Id"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
        css=".card { font-family: sans-serif; font-size: 18px; text-align: left; }",
    )
    decks: dict[str, genanki.Deck] = {}
    notes = 0
    for q in questions:
        name = f"{ANKI_DECK}::{q.topic}"
        deck = decks.setdefault(q.topic, genanki.Deck(deck_id(name), name))
        items = _items_of(q, seed, variants)
        for k, item in enumerate(items, start=1):
            front, back = _card(item)
            ident = q.id if len(items) == 1 else f"{q.id}-v{k:02d}"
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[front, back, html.escape(q.topic), html.escape(ident)],
                    tags=[q.topic, q.kind],
                    guid=genanki.guid_for("dlcalc", ident),
                )
            )
            notes += 1
    check_out(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        genanki.Package(list(decks.values())).write_to_file(str(out))
    except OSError as exc:
        raise InputError(f"--out: cannot write {str(out)!r} ({exc.strerror or exc})") from None
    return notes


def check_out(out: Path) -> None:
    """``--out`` must name a file: a directory or a FIFO is an input error, not a crash."""
    import stat

    try:
        mode = out.stat().st_mode
    except OSError:
        return  # a new file (or an unreadable path: the write reports it)
    if stat.S_ISDIR(mode):
        raise InputError(f"--out: {str(out)!r} is a directory; expected a file name")
    if not stat.S_ISREG(mode):
        raise InputError(f"--out: {str(out)!r} is not a regular file; expected a file name")


def write_text_out(out: Path, text: str) -> None:
    """Write ``--out`` text, with the same checks and plain errors."""
    check_out(out)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out: cannot write {str(out)!r} ({exc.strerror or exc})") from None
