"""The bank in Moodle's GIFT format (docs.moodle.org, "GIFT format").

The same questions as :mod:`dlcalc.quiz.moodle`, with the same variants for the same seed:
``$CATEGORY: $course$/COMP5329/<topic>`` per topic; an mcq ``{=right ~wrong ... ####explanation}``;
an essay ``{}`` (its marking points and model answer as ``//`` comments above it: GIFT has
no grader information); a calc variant ``{#=key:tol =%0%slip:tol#feedback ... ####working}``
(the engine's working as general feedback). GIFT has no cloze, so a question with several
numbers gives one numerical question per number, named ``<id> v01 (a)``, ``(a[0,1])``, ...
each with the stem and its part's prompt.

Texts are ``[html]`` (the bank's plain text HTML-escaped, line breaks as ``<br>``, so a
``<`` in a prompt survives Moodle's HTML cleaning); GIFT's special characters
``~ = # { } :`` (and the escape ``\\``) are escaped with ``\\``. Each question carries its
idnumber and tags in a ``// [id:...] [tag:...]`` comment, which Moodle's importer reads.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from dlcalc.quiz.bank import Question
from dlcalc.quiz.generate import LETTERS, Item, instantiate
from dlcalc.quiz.lms import Field, category, fields, number, variant_name, variants

GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters (backslash first) and line breaks."""
    out = str(text)
    for ch in GIFT_SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def gift_html(text: str) -> str:
    """Plain bank text as GIFT ``[html]`` text: HTML-escaped, ``<br>`` line breaks, escaped."""
    return gift_escape(html.escape(str(text), quote=False).replace("\n", "<br>"))


def _meta(idnumber: str, item: Item) -> str:
    """``// [id:cnn-calc-001-v01] [tag:cnn] [tag:calc]`` (Moodle reads both from comments)."""
    names = [item.topic, item.kind, *[str(t) for t in item.question.get("tags", []) or []]]
    tags = " ".join(f"[tag:{t}]" for t in dict.fromkeys(names) if "]" not in t)
    return f"// [id:{idnumber}] {tags}"


def _comment(text: str) -> str:
    return "\n".join(f"// {line}" for line in str(text).splitlines() or [""])


def mcq(item: Item) -> str:
    answers = [
        ("=" if letter == item.answer else "~") + gift_html(choice)
        for letter, choice in zip(LETTERS, item.choices, strict=False)
    ]
    body = " ".join(answers)
    explanation = str(item.question.get("explanation", ""))
    if explanation:
        body += " ####" + gift_html(explanation)
    head = f"{_meta(item.id, item)}\n::{gift_escape(item.id)}::"
    return f"{head}[html]{gift_html(item.prompt)} {{{body}}}"


def essay(item: Item) -> str:
    q = item.question
    notes = [f"marking points ({item.marks} marks):"]
    notes += [f"  [{m:g}] {p}" for p, m in q.points]
    notes += [f"model answer: {q.get('model_answer', '')}"]
    prompt = gift_html(f"{item.prompt}\n[{item.marks} marks]")
    head = f"{_comment(chr(10).join(notes))}\n{_meta(item.id, item)}\n::{gift_escape(item.id)}::"
    return f"{head}[html]{prompt} {{}}"


def numerical_body(f: Field) -> str:
    """``#=55:0#right =%0%54:0#the +1 is missing``: the key first (Moodle takes the first
    answer that matches), then the misconceptions' values."""
    tol = number(f.tolerance)
    out = [f"#={number(f.key)}:{tol}#right"]
    out += [f"=%0%{number(s.value)}:{tol}#{gift_html(s.feedback)}" for s in f.slips]
    return " ".join(out)


def calc(q: Question, n: int, seed: int) -> list[str]:
    """The variants' numerical questions, each with the working as general feedback."""
    from dlcalc.render.text import plain

    out = []
    for k, item in enumerate(variants(q, n, seed)):
        name = variant_name(q, k, n)
        numbers = fields(item)
        single = len(numbers) == 1 and not item.multi
        working = gift_escape(f"<pre>{html.escape(plain(item.solution), quote=False)}</pre>")
        for f in numbers:
            title = name if single else f"{name} ({f.label})"
            idnumber = name.replace(" ", "-") + ("" if single else f"-{f.label}")
            text = item.prompt
            if not single:
                text += f"\n({f.part_label}) {f.prompt}".rstrip()
                if f.address:
                    text += f"\nGive {f.address}."
            text += f"\n({f.hint})"
            head = f"{_meta(idnumber, item)}\n::{gift_escape(title)}::[html]"
            body = f"{numerical_body(f)} ####{working}"
            out.append(f"{head}{gift_html(text)} {{{body}}}")
    return out


def gift(questions: Sequence[Question], *, variants: int = 10, seed: int = 0) -> str:
    """The questions as one GIFT file (a category per topic, in topic order)."""
    from dlcalc.ops import TOPICS

    blocks: list[str] = []
    for topic in TOPICS:
        mine = [q for q in questions if q.topic == topic]
        if not mine:
            continue
        blocks.append(f"$CATEGORY: {category(topic)}")
        for q in mine:
            if q.kind == "calc":
                blocks += calc(q, variants, seed)
            elif q.kind == "mcq":
                blocks.append(mcq(instantiate(q, seed)))
            else:
                blocks.append(essay(instantiate(q, seed)))
    return "\n\n".join(blocks) + "\n"
