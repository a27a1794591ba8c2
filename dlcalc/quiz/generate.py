"""Questions -> concrete quiz items: calc parameters drawn, choices shuffled, all by seed.

The same seed always gives the same questions, the same parameters and the same choice
order: selection uses ``Random(seed)`` and each item its own ``Random(f"{seed}:{id}")``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dlcalc.errors import DlcalcError, InputError
from dlcalc.quiz.bank import PLACEHOLDER, Bank, Question

# The mock exam's blueprint: (kind, questions, marks each). Every question of a section
# counts the same marks, whatever its own marks in the bank: its score is scaled to the
# section's share (an essay with 6 marks of points scores ticked/6 x 15), so every seed's
# paper totals EXAM_TOTAL.
EXAM_BLUEPRINT = (("mcq", 8, 2), ("calc", 2, 12), ("essay", 4, 15))
EXAM_SHAPE = tuple((kind, count) for kind, count, _ in EXAM_BLUEPRINT)
EXAM_MARKS = {kind: marks for kind, _, marks in EXAM_BLUEPRINT}
EXAM_TOTAL = sum(count * marks for _, count, marks in EXAM_BLUEPRINT)  # 100
EXAM_MINUTES = 120
MAX_DRAWS = 200  # attempts to meet a calc template's `require`
DRAW_SECONDS = 2.0  # and at most this long: a slow op must not make quiz/validate spin
LETTERS = "ABCDEFGHIJ"


class DrawError(DlcalcError):
    """A calc template cannot produce an answer (bad op, unmet require, non-finite value)."""


@dataclass(frozen=True)
class Part:
    """One part of a calc question: (a), (b), ... with its own prompt, marker address, marks.

    A one-part question (a template with ``answer_key``) has one part, labelled "a", whose
    prompt is empty: the question's prompt asks it.
    """

    label: str
    prompt: str
    key: str  # any marker address: a result key, an element, a named value of the working
    marks: int
    answer: Any
    decimals: int | None = None


@dataclass
class Item:
    """One question as asked: the prompt as shown, choices in shown order, the answer."""

    question: Question
    prompt: str
    choices: list[str] = field(default_factory=list)
    answer: Any = None  # mcq: letter; calc: the engine's value; essay: None
    params: dict[str, Any] = field(default_factory=dict)
    solution: Any = None  # calc: the engine's Solution (its working)
    parts: list[Part] = field(default_factory=list)  # calc: (a), (b), ... (one at least)
    out_of: float | None = None  # in an exam: the marks it counts (EXAM_MARKS)

    def __post_init__(self) -> None:
        if self.kind == "calc" and not self.parts and not self.question.parts:
            self.parts = _parts(self.question, {}, self.answer)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def topic(self) -> str:
        return self.question.topic

    @property
    def marks(self) -> int:
        return self.question.marks

    @property
    def multi(self) -> bool:
        """A calc question asked part by part ((a), (b), ...)."""
        return bool(self.question.parts)

    @property
    def shown_marks(self) -> float:
        """The marks shown beside the question: its exam share, else its own marks."""
        return self.marks if self.out_of is None else self.out_of


# ------------------------------------------------------------------ calc parameters


def param_values(spec: Any, name: str) -> list[Any]:
    """All values a ``params`` entry allows: a list of choices or ``{min, max[, step]}``."""
    if isinstance(spec, list):
        if not spec:
            raise DrawError(f"params.{name}: empty list")
        return list(spec)
    if isinstance(spec, dict):
        unknown = set(spec) - {"min", "max", "step"}
        if unknown or "min" not in spec or "max" not in spec:
            raise DrawError(f"params.{name}: expected a list or {{min, max[, step]}}")
        lo, hi, step = spec["min"], spec["max"], spec.get("step", 1)
        nums = (lo, hi, step)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in nums):
            raise DrawError(f"params.{name}: min, max and step must be numbers")
        if not (step > 0 and lo <= hi) or (hi - lo) / step > 10_000:
            raise DrawError(f"params.{name}: need min <= max and 0 < step (at most 10000 values)")
        count = int(math.floor((hi - lo) / step + 1e-9)) + 1
        if all(isinstance(v, int) for v in nums):
            return [lo + k * step for k in range(count)]
        return [round(lo + k * step, 10) for k in range(count)]
    raise DrawError(f"params.{name}: expected a list or {{min, max[, step]}}")


def show(value: Any) -> str:
    """A drawn parameter as written into a prompt."""
    from dlcalc.solution import fmt

    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else fmt(value)


def fill(prompt: str, values: dict[str, Any]) -> str:
    """Replace each ``{name}`` with its value; ``{{`` and ``}}`` give literal braces."""
    text = PLACEHOLDER.sub(
        lambda m: show(values[m.group(1)]) if m.group(1) in values else m.group(0), prompt
    )
    return text.replace("{{", "{").replace("}}", "}")


def _meets(result: Any, require: dict[str, Any]) -> bool:
    """Whether the result satisfies ``require`` (a {min, max} range holds for every entry)."""
    for key, want in require.items():
        got = result[key] if key in result else None
        if got is None:
            return False
        if isinstance(want, dict):
            values = _floats(got)
            if values is None:
                return False
            if "min" in want and not all(v >= want["min"] for v in values):
                return False
            if "max" in want and not all(v <= want["max"] for v in values):
                return False
        elif isinstance(want, bool) or isinstance(got, bool):
            if bool(got) != want:
                return False
        elif isinstance(want, int | float):
            values = _floats(got)
            if values is None or not all(
                math.isclose(v, float(want), rel_tol=1e-9, abs_tol=1e-12) for v in values
            ):
                return False
        elif str(got) != str(want):
            return False
    return True


def _floats(value: Any) -> list[float] | None:
    """A number or an array of numbers as a flat list (None if not numeric)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    try:
        import numpy as np

        return np.asarray(value, dtype=float).ravel().tolist()
    except (TypeError, ValueError):
        return None


def is_finite_answer(value: Any) -> bool:
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int | float):
        return math.isfinite(value)
    try:
        import numpy as np

        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(arr.size) and bool(np.isfinite(arr).all())


def part_keys(q: Question) -> list[str]:
    """The marker addresses a calc question asks for: its parts' keys, else its answer_key."""
    if q.parts:
        return [str(p.get("answer_key", "")) for p in q.parts if isinstance(p, dict)]
    return [str(q.get("answer_key"))]


def address_value(sol: Any, key: str, op: Any = None) -> Any:
    """The value at a marker address (``out_w``, ``w2_new[0,1]``, ``delta_out``) of a run."""
    from dlcalc.check.address import lookup, parse_key

    if key in sol.result:
        return sol.result[key]
    try:
        return lookup(sol, parse_key(key))
    except DlcalcError as exc:
        raise DrawError(
            f"{key!r} is not a result, element or named value of {op}: "
            + str(exc).split(": ", 1)[-1]
        ) from None


def draw_calc(q: Question, rng: random.Random) -> tuple[dict[str, Any], Any, Any]:
    """Draw parameters meeting ``require``; return (params, answer, solution)."""
    from dlcalc.ops import run

    specs = q.get("params", {}) or {}
    fixed = q.get("fixed", {}) or {}
    require = q.get("require", {}) or {}
    keys = part_keys(q)
    pools = {name: param_values(spec, name) for name, spec in specs.items()}
    import time

    last = "no draw tried"
    deadline = time.monotonic() + DRAW_SECONDS
    for tried in range(MAX_DRAWS):
        if tried and time.monotonic() > deadline:
            raise DrawError(
                f"no parameter draw in {DRAW_SECONDS:g} s ({tried} tried) worked ({last})"
            )
        params = {name: rng.choice(values) for name, values in pools.items()}
        try:
            sol = run(q.get("op"), {**fixed, **params})
        except DlcalcError as exc:
            last = f"{q.get('op')} failed for {params}: {exc}"
            continue
        if not _meets(sol.result, require):
            last = f"require not met by {params}"
            continue
        answers = [address_value(sol, key, q.get("op")) for key in keys]
        for key, answer in zip(keys, answers, strict=True):
            if not is_finite_answer(answer):
                raise DrawError(f"non-finite {key} for {params}")
        return params, answers[0] if len(answers) == 1 else answers, sol
    raise DrawError(f"no parameter draw in {MAX_DRAWS} worked ({last})")


# ------------------------------------------------------------------ items and quizzes


def instantiate(q: Question, seed: int | str, *, shuffle: bool = True) -> Item:
    """The item for question ``q`` under ``seed`` (deterministic).

    shuffle: put mcq choices in a seeded random order (unless the question says
    ``shuffle = false``); exports shuffle too, with their ``--seed``.
    """
    rng = random.Random(f"{seed}:{q.id}")
    if q.kind == "mcq":
        choices = [str(c) for c in q.get("choices", [])]
        correct = LETTERS.index(str(q.get("answer", "A")).strip().upper())
        order = list(range(len(choices)))
        if shuffle and q.get("shuffle", True):
            rng.shuffle(order)
        shown = [choices[i] for i in order]
        return Item(q, q.prompt, shown, LETTERS[order.index(correct)])
    if q.kind == "calc":
        try:
            params, answer, sol = draw_calc(q, rng)
        except DrawError as exc:
            raise InputError(f"{q.where}: {exc}") from None
        values = {**(q.get("fixed", {}) or {}), **params}
        return Item(q, fill(q.prompt, values), [], answer, params, sol, _parts(q, values, answer))
    return Item(q, q.prompt)


def _parts(q: Question, values: dict[str, Any], answer: Any) -> list[Part]:
    if not q.parts:
        key, dec = str(q.get("answer_key")), q.get("decimals")
        return [Part("a", "", key, q.marks, answer, dec)]
    return [
        Part(
            LETTERS[i].lower(),
            fill(str(p.get("prompt", "")), values),
            str(p.get("answer_key")),
            int(p.get("marks", 1)),
            value,
            p.get("decimals", q.get("decimals")),
        )
        for i, (p, value) in enumerate(zip(q.parts, answer, strict=True))
    ]


EXAM_CALC_MARKS = 20  # the exam's multi-part calculations together, whenever the bank allows


def _exam_calc(pool: list[Question], count: int, rng: random.Random) -> list[Question]:
    """The exam's calculations: multi-part questions worth ``EXAM_CALC_MARKS`` together when
    some draw of them is (so papers of different seeds carry the same marks), else any."""
    first = rng.sample(pool, count)
    draws = [first] + [rng.sample(pool, count) for _ in range(199)]
    for drawn in draws:
        if sum(q.marks for q in drawn) == EXAM_CALC_MARKS:
            return drawn
    return first


def _need(kinds: Sequence[str], topics: Sequence[str]) -> str:
    parts = []
    if topics:
        parts.append("--topic " + ",".join(topics))
    if kinds:
        parts.append("--kind " + ",".join(kinds))
    return " and ".join(parts) or "the bank"


def pick(
    bank: Bank,
    *,
    topics: Sequence[str] = (),
    kinds: Sequence[str] = (),
    n: int = 10,
    seed: int,
    exam: bool = False,
    syllabus: bool = False,
) -> list[Question]:
    """Choose the quiz's questions: ``n`` at random, or the exam's 8 mcq, 2 calc, 4 essay;
    with ``syllabus`` only questions within the slides (no ``beyond_slides`` ones)."""
    rng = random.Random(seed)
    if exam:
        chosen: list[Question] = []
        for kind, count in EXAM_SHAPE:
            pool = bank.select(topics, [kind], syllabus=syllabus)
            if kind == "calc" and sum(bool(q.parts) for q in pool) >= count:
                chosen += _exam_calc([q for q in pool if q.parts], count, rng)
                continue
            if len(pool) < count:
                what = _need((), topics)
                raise InputError(f"--exam: needs {count} {kind} questions, {what} has {len(pool)}")
            chosen += rng.sample(pool, count)
        return chosen
    pool = bank.select(topics, kinds, syllabus=syllabus)
    if not pool:
        raise InputError(f"--topic/--kind: no questions match {_need(kinds, topics)}")
    return rng.sample(pool, min(n, len(pool)))


def build_quiz(questions: Sequence[Question], seed: int, *, exam: bool = False) -> list[Item]:
    items = [instantiate(q, seed) for q in questions]
    if exam:
        for item in items:
            item.out_of = EXAM_MARKS[item.kind]
    return items


def item_dict(item: Item, *, working: bool = True) -> dict[str, Any]:
    """An item as JSON-ready data (``quiz --json``), answers included."""
    from dlcalc.solution import jsonable

    q = item.question
    out: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "topic": item.topic,
        "marks": item.shown_marks,
        "prompt": item.prompt,
    }
    if item.out_of is not None:  # an exam paper: the question's own marks, scaled
        out["question_marks"] = item.marks
    if item.kind == "mcq":
        out["choices"] = item.choices
        out["answer"] = item.answer
        out["explanation"] = q.get("explanation", "")
    elif item.kind == "calc":
        out["op"] = q.get("op")
        out["params"] = jsonable(item.params)
        out["fixed"] = jsonable(dict(q.get("fixed", {}) or {}))
        out["answer_key"] = q.get("answer_key") if not item.multi else [p.key for p in item.parts]
        out["answer"] = jsonable(item.answer)
        out["tolerance"] = q.get("tolerance", 0.01)
        out["parts"] = [
            {"label": p.label, "prompt": p.prompt, "marks": p.marks, "answer": jsonable(p.answer)}
            for p in item.parts
        ]
        if working:
            out["working"] = [s.to_dict() for s in item.solution.steps]
    else:
        out["marking_points"] = [{"text": t, "marks": m} for t, m in q.points]
        out["model_answer"] = q.get("model_answer", "")
    if q.get("source"):
        out["source"] = q.get("source")
    return out
