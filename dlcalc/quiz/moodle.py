"""The bank as Moodle XML (docs.moodle.org, "Moodle XML format"), for a Moodle question bank.

- a ``category`` question per topic: ``$course$/COMP5329/<topic>``;
- an mcq: ``multichoice`` (one answer, fractions 100 / 0, shuffled by Moodle unless the bank
  says ``shuffle = false``; the explanation as general feedback);
- an essay: ``essay`` with the marking points and the model answer as ``graderinfo``;
- a calc template: ``variants`` drawn variants (dlcalc.quiz.lms), each a ``numerical``
  question when it asks for one number (the engine's key, the precision rule's tolerance,
  an ``<answer fraction="0">`` per named misconception that changes the key), else a
  ``cloze`` question with one NUMERICAL sub-question per number, carrying its marks.

Texts are HTML (the bank's plain text, HTML-escaped) and ElementTree escapes them for XML.
Names and idnumbers are the bank's ids (``cnn-calc-001 v03`` / ``cnn-calc-001-v03``).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from dlcalc.quiz.bank import Question
from dlcalc.quiz.generate import LETTERS, Item, instantiate
from dlcalc.quiz.lms import Field, category, fields, number, shown, variant_name, variants

PENALTY = "0.3333333"


def _html(text: str) -> str:
    return html.escape(str(text), quote=False).replace("\n", "<br>\n")


def _text(parent: ET.Element, tag: str, value: str, *, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _sub(parent: ET.Element, tag: str, value: Any) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(value)
    return el


def _head(kind: str, name: str, text: str) -> ET.Element:
    q = ET.Element("question", {"type": kind})
    name_el = ET.SubElement(q, "name")
    ET.SubElement(name_el, "text").text = name
    _text(q, "questiontext", text)
    return q


def _common(q: ET.Element, feedback: str, marks: float, idnumber: str) -> None:
    _text(q, "generalfeedback", feedback)
    _sub(q, "defaultgrade", f"{marks:g}")
    _sub(q, "penalty", PENALTY)
    _sub(q, "hidden", 0)
    _sub(q, "idnumber", idnumber)


def _tags(q: ET.Element, item: Item) -> None:
    """Moodle question tags: the topic, the kind and the bank's own tags."""
    tags = ET.SubElement(q, "tags")
    names = [item.topic, item.kind, *[str(t) for t in item.question.get("tags", []) or []]]
    for name in dict.fromkeys(names):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = name


def _category(topic: str) -> ET.Element:
    q = ET.Element("question", {"type": "category"})
    _text(q, "category", category(topic), fmt=None)
    _text(q, "info", "", fmt="html")
    return q


def _feedback(parent: ET.Element, text: str) -> None:
    _text(parent, "feedback", _html(text))


def multichoice(item: Item) -> ET.Element:
    q = _head("multichoice", item.id, _html(item.prompt))
    _common(q, _html(item.question.get("explanation", "")), item.marks, item.id)
    _sub(q, "single", "true")
    _sub(q, "shuffleanswers", "true" if item.question.get("shuffle", True) else "false")
    _sub(q, "answernumbering", "ABCD")
    _sub(q, "showstandardinstruction", 0)
    for letter, choice in zip(LETTERS, item.choices, strict=False):
        right = letter == item.answer
        ans = ET.SubElement(q, "answer", {"fraction": "100" if right else "0", "format": "html"})
        ET.SubElement(ans, "text").text = _html(choice)
        _feedback(ans, "Right." if right else "")
    _tags(q, item)
    return q


def _points_html(q: Question) -> str:
    points = "".join(f"<li>[{m:g} mark{'s' * (m != 1)}] {_html(p)}</li>" for p, m in q.points)
    return (
        f"<p><b>Marking points</b></p><ul>{points}</ul>"
        f"<p><b>Model answer</b></p><p>{_html(q.get('model_answer', ''))}</p>"
    )


def essay(item: Item) -> ET.Element:
    prompt = f"{_html(item.prompt)}<br>\n[{item.marks} marks]"
    q = _head("essay", item.id, prompt)
    _common(q, "", item.marks, item.id)
    _sub(q, "responseformat", "editor")
    _sub(q, "responserequired", 1)
    _sub(q, "responsefieldlines", 15)
    _sub(q, "attachments", 0)
    _sub(q, "attachmentsrequired", 0)
    _text(q, "graderinfo", _points_html(item.question))
    _text(q, "responsetemplate", "")
    _tags(q, item)
    return q


def _working(item: Item) -> str:
    from dlcalc.render.text import plain

    return f"<pre>{html.escape(plain(item.solution), quote=False)}</pre>"


def numerical(item: Item, f: Field, name: str, idnumber: str) -> ET.Element:
    text = f"{_html(item.prompt)}<br>\n<i>({f.hint})</i>"
    q = _head("numerical", name, text)
    _common(q, _working(item), item.marks, idnumber)
    for value, tol, fraction, fb in [(f.key, f.tolerance, "100", "Right.")] + [
        (s.value, f.tolerance, "0", s.feedback) for s in f.slips
    ]:
        ans = ET.SubElement(q, "answer", {"fraction": fraction, "format": "moodle_auto_format"})
        ET.SubElement(ans, "text").text = number(value)
        _sub(ans, "tolerance", number(tol))
        _feedback(ans, fb)
    _sub(q, "unitgradingtype", 0)
    _sub(q, "unitpenalty", "0.1000000")
    _sub(q, "showunits", 3)
    _sub(q, "unitsleft", 0)
    _tags(q, item)
    return q


# Moodle's cloze parser (qtype_multianswer) ends a feedback at an unescaped ``~`` or ``}``
# and undoes only ``\}`` and ``\#`` before decoding HTML entities, so every character the
# cloze syntax reserves (docs: ``} # ~ / " \``, and ``{``) is written as an HTML entity:
# the student sees the character itself.
CLOZE_ENTITIES = {
    "#": "&#35;",
    "~": "&#126;",
    "}": "&#125;",
    "{": "&#123;",
    "/": "&#47;",
    '"': "&quot;",
    "\\": "&#92;",
}


def cloze_escape(text: str) -> str:
    """Feedback text safe inside a cloze field: HTML-escaped, reserved characters as entities."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("#", CLOZE_ENTITIES["#"])  # first: the entities below hold a #
    for ch, entity in CLOZE_ENTITIES.items():
        if ch != "#":
            out = out.replace(ch, entity)
    return out


def cloze_field(f: Field) -> str:
    """``{2:NUMERICAL:=55:0#right~%0%54:0#the +1 is missing}``."""
    answers = [f"={number(f.key)}:{number(f.tolerance)}#{cloze_escape('right')}"]
    answers += [
        f"%0%{number(s.value)}:{number(f.tolerance)}#{cloze_escape(s.feedback)}" for s in f.slips
    ]
    return "{" + f"{f.weight}:NUMERICAL:" + "~".join(answers) + "}"


def cloze(item: Item, name: str, idnumber: str) -> ET.Element:
    lines = [f"<p>{_html(item.prompt)}</p>"]
    numbers = fields(item)
    if not item.multi:
        lines.append(f"<p>One number per box. [{item.marks} marks]</p>")
    for f in numbers:
        head = ""
        if f.first_of_part and item.multi:
            marks = next(p.marks for p in item.parts if p.label == f.part_label)
            prompt = f" {_html(f.prompt)}" if f.prompt else ""
            head = f"<p>({f.part_label}){prompt} [{marks} mark{'s' * (marks != 1)}]</p>\n"
        where = f"{_html(f.address)} = " if f.address else ""
        lines.append(f"{head}<p>{where}{cloze_field(f)} <i>({f.hint})</i></p>")
    q = _head("cloze", name, "\n".join(lines))
    # Moodle sets a cloze question's mark to the sum of its fields' weights
    _common(q, _working(item), sum(f.weight for f in numbers), idnumber)
    _tags(q, item)
    return q


def calc_questions(q: Question, n: int, seed: int) -> list[ET.Element]:
    out = []
    for k, item in enumerate(variants(q, n, seed)):
        name = variant_name(q, k, n)
        idnumber = name.replace(" ", "-")
        numbers = fields(item)
        if len(numbers) == 1 and not item.multi:
            out.append(numerical(item, numbers[0], name, idnumber))
        else:
            out.append(cloze(item, name, idnumber))
    return out


def moodle_xml(questions: Sequence[Question], *, variants: int = 10, seed: int = 0) -> str:
    """The questions as one Moodle XML document (a category per topic, in topic order)."""
    from dlcalc.ops import TOPICS

    root = ET.Element("quiz")
    for topic in TOPICS:
        mine = [q for q in questions if q.topic == topic]
        if not mine:
            continue
        root.append(ET.Comment(f" topic: {topic} "))
        root.append(_category(topic))
        for q in mine:
            if q.kind == "calc":
                root.extend(calc_questions(q, variants, seed))
            elif q.kind == "mcq":
                root.append(multichoice(instantiate(q, seed)))
            else:
                root.append(essay(instantiate(q, seed)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


__all__ = ["moodle_xml", "cloze_field", "cloze_escape", "shown"]
