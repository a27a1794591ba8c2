"""``dlcalc bank validate``: every rule a bank entry must satisfy, reported per question."""

from __future__ import annotations

import itertools
import os
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlcalc.quiz.bank import KINDS, PLACEHOLDER, BankError, Question, bank_files, load_file

COMMON_KEYS = {"id", "kind", "topic", "prompt", "source", "tags", "marks", "beyond_slides"}
KIND_KEYS = {
    "mcq": {"choices", "answer", "explanation", "shuffle"},
    "essay": {"marking_points", "model_answer"},
    "calc": {
        "op",
        "answer_key",
        "tolerance",
        "decimals",
        "params",
        "fixed",
        "require",
        "explanation",
        "parts",
    },
}
PART_KEYS = {"prompt", "answer_key", "marks", "decimals"}
MIN_PARTS, MAX_PARTS = 3, 5  # a multi-part calc question has (a)..(c) at least, (e) at most
SAMPLES = 24  # parameter combinations tried per calc template
DRAW_SEEDS = 5  # full draws (with `require`) per calc template
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Fair choices: the key must not be findable by its length alone.
WORDED = 25  # an mcq is "worded" when its longest choice has at least this many characters
KEY_LONGEST_MAX = 0.30  # at most this share of worded mcqs may have the strictly longest key
KEY_RATIO_MAX = 1.5  # a worded mcq's key must be shorter than this times its longest distractor
KEY_LONGEST_MIN_COUNT = 5  # the share is judged only over at least this many worded mcqs
# Choices are shuffled when shown, so an explanation must not point at one by position.
_ORDINAL = r"(?:first|second|third|fourth|fifth|last)"
_NOUN = r"(?:options?|choices?|answers?|alternatives?)"
_POSITION = re.compile(
    rf"(?i:\b{_NOUN})\s+\(?[A-E]\b(?![-'])"  # option A, answer (C), choices B and D
    rf"|(?i:\bthe\s+{_ORDINAL}(?:\s*(?:,|and|or)\s*{_ORDINAL})*\s+(?:(?:two|three)\s+)?{_NOUN}\b)"
    rf"|(?i:\bthe\s+(?:first|last)\s+(?:two|three)\b(?!\s+[a-z]+s\b))"  # the last two (ignore ...)
    r"|(?<![\w)])\(([A-Ea-e])\)"  # (b)
)


@dataclass(frozen=True)
class Issue:
    file: Path
    line: int
    qid: str
    message: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{loc} [{self.qid}]: {self.message}" if self.qid else f"{loc}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.file), "line": self.line, "id": self.qid, "message": self.message}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_question(q: Question, *, run_ops: bool = True) -> list[str]:
    """Problems with one question (no cross-question checks), as messages."""
    from dlcalc.ops import TOPICS

    d, errs = q.data, []
    if not _text(d.get("id")) or not _ID.match(str(d.get("id"))):
        errs.append("id: required, letters/digits/-/_/. only")
    if d.get("kind") not in KINDS:
        errs.append(f"kind: expected one of {', '.join(KINDS)}, got {d.get('kind')!r}")
        return errs
    if d.get("topic") not in TOPICS:
        errs.append(f"topic: expected one of {', '.join(TOPICS)}, got {d.get('topic')!r}")
    if not _text(d.get("prompt")):
        errs.append("prompt: required (non-empty text)")
    unknown = sorted(set(d) - COMMON_KEYS - KIND_KEYS[q.kind])
    if unknown:
        errs.append(f"{unknown[0]}: unknown field for a {q.kind} question")
    if "marks" in d and not (
        isinstance(d["marks"], int) and not isinstance(d["marks"], bool) and d["marks"] > 0
    ):
        errs.append("marks: expected a positive integer")
    if "tags" in d and not (isinstance(d["tags"], list) and all(_text(t) for t in d["tags"])):
        errs.append("tags: expected a list of strings")
    if "beyond_slides" in d and not isinstance(d["beyond_slides"], bool):
        errs.append("beyond_slides: expected true or false")
    errs += {"mcq": _check_mcq, "essay": _check_essay, "calc": _check_calc}[q.kind](q, run_ops)
    return errs


def _check_mcq(q: Question, run_ops: bool) -> list[str]:
    from dlcalc.quiz.generate import LETTERS

    d, errs = q.data, []
    errs += _unfilled(q)
    choices = d.get("choices")
    if not isinstance(choices, list) or not all(_text(c) for c in choices):
        errs.append("choices: required, a list of non-empty strings")
        return errs
    if not 4 <= len(choices) <= 5:
        errs.append(f"choices: expected 4-5 choices, got {len(choices)}")
    if len({c.strip().lower() for c in choices}) != len(choices):
        errs.append("choices: two choices are the same")
    answer = d.get("answer")
    letters = LETTERS[: len(choices)]
    if isinstance(answer, list):
        errs.append(f"answer: exactly one correct choice, got {len(answer)}")
    elif not (
        isinstance(answer, str) and len(answer.strip()) == 1 and answer.strip().upper() in letters
    ):
        errs.append(
            f"answer: expected exactly one correct choice, a letter {letters[0]}-{letters[-1]}, got {answer!r}"
        )
    if not _text(d.get("explanation")):
        errs.append("explanation: required (say why the answer is right and the others wrong)")
    if "shuffle" in d and not isinstance(d["shuffle"], bool):
        errs.append("shuffle: expected true or false")
    return errs


def key_lengths(q: Question) -> tuple[int, int] | None:
    """(key length, longest distractor length) of a well-formed mcq, else None."""
    from dlcalc.quiz.generate import LETTERS

    choices, answer = q.data.get("choices"), q.data.get("answer")
    if not (isinstance(choices, list) and len(choices) >= 2 and isinstance(answer, str)):
        return None
    if not all(isinstance(c, str) for c in choices):
        return None
    i = LETTERS.find(answer.strip().upper())
    if len(answer.strip()) != 1 or not 0 <= i < len(choices):
        return None
    lengths = [len(c.strip()) for c in choices]
    return lengths[i], max(n for j, n in enumerate(lengths) if j != i)


def is_worded(q: Question) -> bool:
    """An mcq whose longest choice is a phrase, not a number or a short formula."""
    sizes = key_lengths(q)
    return q.kind == "mcq" and sizes is not None and max(sizes) >= WORDED


def names_position(text: str, n_choices: int = 5) -> str | None:
    """The words in ``text`` that point at a choice by its letter or place, if any.

    A bare ``(x)`` counts only for the letters of the question's choices, so ``2.7 (e)``
    in a four-choice question is Euler's number, not a fifth option.
    """
    from dlcalc.quiz.generate import LETTERS

    for m in _POSITION.finditer(text):
        letter = m.group(1)
        if letter is None or letter.upper() in LETTERS[:n_choices]:
            return m.group(0)
    return None


def check_fair(q: Question) -> list[str]:
    """Fair-choice problems of one mcq: a key given away by its length, an explanation
    pointing at a choice by position."""
    if q.kind != "mcq":
        return []
    errs = []
    sizes = key_lengths(q)
    if sizes and is_worded(q) and sizes[0] >= KEY_RATIO_MAX * sizes[1]:
        errs.append(
            f"choices: the key is {sizes[0] / sizes[1]:.1f} times as long as the longest "
            f"distractor ({sizes[0]} vs {sizes[1]} characters; keep it under {KEY_RATIO_MAX}x): "
            "lengthen the distractors into equally specific wrong statements or shorten the key"
        )
    expl = q.data.get("explanation")
    choices = q.data.get("choices")
    n = len(choices) if isinstance(choices, list) else 5
    where = names_position(expl, n) if isinstance(expl, str) else None
    if where:
        errs.append(
            f"explanation: names a choice by position ({where!r}); choices are shuffled when "
            "shown, so name it by its content"
        )
    return errs


def fairness(questions: Sequence[Question]) -> dict[str, Any]:
    """Length cues over the worded mcqs: how often the key is the strictly longest choice,
    how many keys are at least ``KEY_RATIO_MAX`` times the longest distractor, and how the
    keys spread over the length ranks (1 = no choice is longer)."""
    worded = [q for q in questions if is_worded(q)]
    longest = ratio = 0
    ranks: dict[str, int] = {}
    for q in worded:
        key, other = key_lengths(q) or (0, 0)
        longest += key > other
        ratio += key >= KEY_RATIO_MAX * other
        rank = 1 + sum(len(c.strip()) > key for c in q.data["choices"])
        ranks[str(rank)] = ranks.get(str(rank), 0) + 1
    return {
        "worded_mcq": len(worded),
        "key_longest": longest,
        "key_longest_share": round(longest / len(worded), 3) if worded else 0.0,
        "key_longest_max": KEY_LONGEST_MAX,
        "key_ratio_1_5x": ratio,
        # 1 + the number of choices longer than the key: "pick the second longest" is a
        # cue too, so the keys should spread over the ranks
        "key_length_rank": dict(sorted(ranks.items(), key=lambda kv: int(kv[0]))),
    }


def _bank_issue(questions: Sequence[Question]) -> str | None:
    """The bank-level fairness problem (the key-longest share), if any."""
    fair = fairness(questions)
    if fair["worded_mcq"] < KEY_LONGEST_MIN_COUNT:
        return None
    if fair["key_longest"] > KEY_LONGEST_MAX * fair["worded_mcq"]:
        return (
            f"choices: the key is the strictly longest choice in {fair['key_longest']} of "
            f"{fair['worded_mcq']} worded mcqs ({fair['key_longest_share']:.0%}; at most "
            f"{KEY_LONGEST_MAX:.0%} allowed): a student could pick the longest option"
        )
    return None


def _check_essay(q: Question, run_ops: bool) -> list[str]:
    d, errs = q.data, []
    errs += _unfilled(q)
    if "marks" not in d:
        errs.append("marks: required for an essay")
    points = d.get("marking_points")
    if not isinstance(points, list) or not all(_text(p) or isinstance(p, dict) for p in points):
        errs.append("marking_points: required, a list of non-empty strings or {text, marks} tables")
    elif not 3 <= len(points) <= 6:
        errs.append(f"marking_points: expected 3-6 points, got {len(points)}")
    else:
        errs += _check_weights(points, d.get("marks"))
    if not _text(d.get("model_answer")):
        errs.append("model_answer: required")
    return errs


def _check_weights(points: list[Any], marks: Any) -> list[str]:
    """Weighted points ({text, marks}): each weight positive, all together the question's
    marks (plain-string points share whatever marks the weighted ones leave)."""
    errs = []
    weighted = [p for p in points if isinstance(p, dict)]
    for n, p in enumerate(points, start=1):
        if not isinstance(p, dict):
            continue
        extra = sorted(set(p) - {"text", "marks"})
        if extra or not _text(p.get("text")):
            errs.append(f"marking_points[{n}]: expected {{text, marks}} with non-empty text")
        w = p.get("marks")
        if isinstance(w, bool) or not isinstance(w, int | float) or not w > 0:
            errs.append(f"marking_points[{n}]: marks must be a positive number, got {w!r}")
            return errs
    if not isinstance(marks, int) or isinstance(marks, bool):
        return errs
    if not weighted:
        if marks < len(points):
            errs.append(
                f"marking_points: {len(points)} points share {marks} marks, so a point would "
                "carry 0 marks (weight them: {text, marks})"
            )
        return errs
    total = sum(p["marks"] for p in weighted)
    rest = len(points) - len(weighted)
    if rest == 0 and abs(total - marks) > 1e-9:
        errs.append(f"marking_points: the weights sum to {total:g}, the question has {marks} marks")
    elif rest and total + rest > marks:
        errs.append(
            f"marking_points: the weights sum to {total:g}, leaving under 1 mark for each of "
            f"the {rest} unweighted points (the question has {marks} marks)"
        )
    return errs


def _unfilled(q: Question) -> list[str]:
    names = PLACEHOLDER.findall(q.prompt)
    return (
        [f"prompt: placeholder {{{names[0]}}} is never filled ({q.kind} prompts have no params)"]
        if names
        else []
    )


def _check_calc(q: Question, run_ops: bool) -> list[str]:
    from dlcalc.errors import InputError
    from dlcalc.ops import get

    d, errs = q.data, []
    try:
        op = get(str(d.get("op", "")))
    except InputError as exc:
        return [f"op: {exc}"]
    params, fixed, require = d.get("params", {}), d.get("fixed", {}), d.get("require", {})
    for name, value in (("params", params), ("fixed", fixed), ("require", require)):
        if not isinstance(value, dict):
            errs.append(f"{name}: expected a table")
    if errs:
        return errs
    if "parts" in d:
        errs += _check_parts(q)
    elif d.get("answer_key") not in op.result_keys:
        errs.append(
            f"answer_key: expected a result of {op.name} ({', '.join(op.result_keys)}), got {d.get('answer_key')!r}"
        )
    tol = d.get("tolerance", 0.01)
    if not (_number(tol) and 0 <= tol < 1):
        errs.append(f"tolerance: expected a relative tolerance in [0, 1), got {tol!r}")
    dec = d.get("decimals")
    if dec is not None and not (
        isinstance(dec, int) and not isinstance(dec, bool) and 0 <= dec <= 12
    ):
        errs.append(
            f"decimals: expected the decimal places the answer is asked to, 0 to 12, got {dec!r}"
        )
    args = {p.name for p in op.params}
    for key in [*params, *fixed]:
        if key not in args:
            errs.append(
                f"params/fixed: {key!r} is not an argument of {op.name} ({', '.join(sorted(args))})"
            )
    both = sorted(set(params) & set(fixed))
    if both:
        errs.append(f"params/fixed: {both[0]!r} is in both")
    for key in require:
        if key not in op.result_keys:
            errs.append(f"require: {key!r} is not a result of {op.name}")
    shown = set(PLACEHOLDER.findall(q.prompt))
    for part in q.parts:
        if isinstance(part, dict) and isinstance(part.get("prompt"), str):
            shown |= set(PLACEHOLDER.findall(part["prompt"]))
    for name in sorted(shown - set(params) - set(fixed)):
        errs.append(f"prompt: placeholder {{{name}}} is not in params or fixed")
    for name in sorted(set(params) - shown):
        errs.append(
            f"params.{name}: drawn but not shown in the prompt (the question would be ambiguous)"
        )
    if errs:
        return errs
    errs += _check_draws(q, run_ops)
    return errs


def _check_parts(q: Question) -> list[str]:
    """The shape of ``[[question.parts]]``; whether each key exists is checked on draws."""
    d, errs = q.data, []
    parts = d["parts"]
    if "answer_key" in d:
        errs.append("answer_key: a multi-part question gives one per part (parts.answer_key)")
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        return [*errs, "parts: expected [[question.parts]] tables"]
    if not MIN_PARTS <= len(parts) <= MAX_PARTS:
        errs.append(f"parts: expected {MIN_PARTS}-{MAX_PARTS} parts, got {len(parts)}")
    keys: list[str] = []
    for n, part in enumerate(parts, start=1):
        where = f"parts[{n}]"
        unknown = sorted(set(part) - PART_KEYS)
        if unknown:
            errs.append(
                f"{where}.{unknown[0]}: unknown field for a part ({', '.join(sorted(PART_KEYS))})"
            )
        if not _text(part.get("prompt")):
            errs.append(f"{where}.prompt: required (non-empty text)")
        key = part.get("answer_key")
        if not _text(key):
            errs.append(f"{where}.answer_key: required (a result key, element or named value)")
        elif key in keys:
            errs.append(f"{where}.answer_key: {key!r} is asked twice")
        else:
            keys.append(key)
        marks = part.get("marks")
        if not (isinstance(marks, int) and not isinstance(marks, bool) and marks > 0):
            errs.append(f"{where}.marks: expected a positive integer, got {marks!r}")
        dec = part.get("decimals")
        if dec is not None and not (
            isinstance(dec, int) and not isinstance(dec, bool) and 0 <= dec <= 12
        ):
            errs.append(f"{where}.decimals: expected 0 to 12, got {dec!r}")
    if "marks" in d and not errs and d["marks"] != q.marks:
        errs.append(
            f"marks: {d['marks']!r} but the parts' marks add up to {q.marks} (leave it out)"
        )
    return errs


def _check_keys(q: Question, sol: Any, params: dict[str, Any]) -> str | None:
    """Each asked key is a value of this run (result, element in range, named value)."""
    from dlcalc.quiz.generate import DrawError, address_value, part_keys

    for n, key in enumerate(part_keys(q), start=1):
        try:
            address_value(sol, key, q.get("op"))
        except DrawError as exc:
            where = f"parts[{n}].answer_key" if q.parts else "answer_key"
            return f"{where}: {exc}" + (f" (for {params})" if params else "")
    return None


def _check_draws(q: Question, run_ops: bool) -> list[str]:
    from dlcalc.errors import DlcalcError
    from dlcalc.ops import run
    from dlcalc.quiz.generate import DrawError, draw_calc, is_finite_answer, param_values

    try:
        pools = {k: param_values(v, k) for k, v in q.get("params", {}).items()}
    except DrawError as exc:
        return [str(exc)]
    if not run_ops:
        return []
    names = list(pools)
    combos = list(itertools.islice(itertools.product(*pools.values()), 10_000))
    rng = random.Random(f"validate:{q.id}")
    sample = combos if len(combos) <= SAMPLES else rng.sample(combos, SAMPLES)
    fixed, key = q.get("fixed", {}), q.get("answer_key")
    for combo in sample:
        params = dict(zip(names, combo, strict=True))
        try:
            sol = run(q.get("op"), {**fixed, **params})
        except DlcalcError as exc:
            return [f"{q.get('op')} fails for {params}: {exc}"]
        if q.parts:
            bad = _check_keys(q, sol, params)
            if bad:
                return [bad]
            continue
        if not is_finite_answer(sol.result.get(key)):
            return [f"{q.get('op')} gives a non-finite {key} for {params}"]
    for seed in range(DRAW_SEEDS):
        try:
            draw_calc(q, random.Random(f"validate:{seed}:{q.id}"))
        except DrawError as exc:
            return [f"require: cannot be met: {exc}"]
    return []


def validate(
    questions: Sequence[Question],
    *,
    run_ops: bool = True,
    only: Collection[Path] | None = None,
    fair: bool = True,
) -> list[Issue]:
    """All problems: per-question rules plus ids unique across ``questions``.

    only: report problems of questions from these files (ids still compared with all).
    fair: also the fair-choice rules (``bank validate``); loading a bank for a quiz skips
    them, a long key is a quality problem, not one that stops a quiz.
    """
    issues: list[Issue] = []
    seen: dict[str, Question] = {}
    for q in questions:
        mine = only is None or q.file in only
        if q.id in seen and mine:
            first = seen[q.id]
            issues.append(
                Issue(q.file, q.line, q.id, f"id: duplicate (first in {first.file}:{first.line})")
            )
        seen.setdefault(q.id, q)
        if mine:
            issues += [Issue(q.file, q.line, q.id, m) for m in check_question(q, run_ops=run_ops)]
            if fair:
                issues += [Issue(q.file, q.line, q.id, m) for m in check_fair(q)]
    if not fair:
        return issues
    judged = [q for q in questions if only is None or q.file in only]
    problem = _bank_issue(judged)
    if problem:
        files = sorted({str(q.file) for q in judged if is_worded(q)})
        where = Path(files[0]) if len(files) == 1 else Path(os.path.commonpath(files))
        issues.append(Issue(where, 0, "", problem))
    return issues


def validate_paths(paths: Sequence[Path]) -> tuple[list[Question], list[Issue]]:
    """Load and validate files/directories; unreadable files become issues too."""
    questions: list[Question] = []
    issues: list[Issue] = []
    for path in paths:
        for f in bank_files(Path(path)):
            try:
                questions += load_file(f)
            except BankError as exc:
                issues.append(Issue(f, 0, "", str(exc).removeprefix(f"{f}: ")))
    return questions, issues + validate(questions)
