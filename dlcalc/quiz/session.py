"""Running a quiz: ask each item, mark it, store it, give feedback, print the score.

Two front ends share the loop: :class:`PipeIO` (answers read line by line, plain text out)
and ``dlcalc.cli.quiz_io.RichIO`` (a terminal: rich prompts that ask again on an
unreadable answer); the CLI picks one from its output environment and passes it in.
End of input (or Ctrl-C) ends the quiz early with the score so far.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dlcalc.quiz.generate import EXAM_MINUTES, LETTERS, Item
from dlcalc.quiz.grading import Verdict, grade, grade_parts, part_item

KIND_NAMES = {"mcq": "multiple choice", "calc": "calculation", "essay": "essay"}


class PipeIO:
    """Plain text on stdout; one answer per line from stdin (echoed into the transcript)."""

    interactive = False

    def say(self, text: str = "", style: str = "") -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def ask(self, label: str, item: Item | None = None) -> str | None:
        sys.stdout.write(f"{label}: ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stdout.write("\n")
            return None
        answer = line.rstrip("\r\n")
        sys.stdout.write(answer + "\n")
        return answer

    def working(self, solution: Any) -> None:
        from dlcalc.render.text import plain

        self.say(plain(solution))


@dataclass
class Summary:
    total: int  # questions in the quiz
    results: list[tuple[Item, Verdict]] = field(default_factory=list)
    stopped: bool = False  # input ended (or Ctrl-C) before the last question
    interrupted: bool = False
    elapsed: float = 0.0  # seconds

    @property
    def correct(self) -> int:
        return sum(v.correct for _, v in self.results)

    @property
    def marks(self) -> tuple[float, float]:
        return sum(v.score for _, v in self.results), sum(v.max_score for _, v in self.results)

    def to_dict(self) -> dict[str, Any]:
        got, out_of = self.marks
        return {
            "answered": len(self.results),
            "total": self.total,
            "correct": self.correct,
            "marks": got,
            "max_marks": out_of,
            "stopped": self.stopped,
        }


# record(item, verdict, io): io is None when the student may not be asked anything more
# (feedback at the end: asking for a rating would give the verdict away).
Recorder = Callable[[Item, Verdict, Any], None]


def _clock(start: float, now: float) -> str:
    left = EXAM_MINUTES * 60 - (now - start)
    if left <= 0:
        return "time is up"
    return f"time left {int(left // 60)}:{int(left % 60):02d}"


def _show_item(io: Any, i: int, n: int, item: Item, clock: str) -> None:
    meta = f"{item.topic}, {KIND_NAMES[item.kind]}, {item.marks} mark{'s' * (item.marks != 1)}"
    io.say()
    io.say(f"Question {i}/{n} [{meta}]" + (f"  ({clock})" if clock else ""), "bold")
    io.say(item.prompt)
    for letter, choice in zip(LETTERS, item.choices, strict=False):
        io.say(f"  {letter}. {choice}")


def _essay_reveal(io: Any, item: Item) -> None:
    io.say("Marking points:", "bold")
    for point in item.question.get("marking_points", []):
        io.say(f"  - {point}")
    io.say("Model answer:", "bold")
    io.say("  " + str(item.question.get("model_answer", "")))


def _feedback(io: Any, item: Item, verdict: Verdict) -> None:
    for part in verdict.parts:  # a multi-part calc question: each part, then its marks
        io.say(part.message, "green" if part.score >= part.max_score else "red")
    io.say(verdict.message, "green" if verdict.correct else "red")
    if item.kind == "mcq" and item.question.get("explanation"):
        io.say("Why: " + str(item.question.get("explanation")))
    flawed = not verdict.correct or any(p.verdict != "right" for p in verdict.parts)
    if item.kind == "calc" and flawed and item.solution is not None:
        io.say("Working:")
        io.working(item.solution)


def _label(item: Item) -> str:
    if item.kind == "mcq":
        return f"Your answer ({LETTERS[0]}-{LETTERS[len(item.choices) - 1]})"
    if item.kind == "calc":
        return f"Your answer ({item.question.get('answer_key')})"
    return f"Your mark (0-{item.marks})"


def _ask_parts(io: Any, item: Item) -> Verdict | None:
    """Ask a multi-part calc question part by part; None when the input ends."""
    texts = []
    for k, part in enumerate(item.parts):
        io.say(f"({part.label}) {part.prompt} [{part.marks} mark{'s' * (part.marks != 1)}]")
        answer = io.ask(f"Your answer ({part.label})", part_item(item, k))
        if answer is None:
            return None
        texts.append(answer)
    return grade_parts(item, texts)


def run_quiz(
    items: Sequence[Item],
    io: Any,
    *,
    feedback: str = "now",
    exam: bool = False,
    title: str = "Quiz",
    record: Recorder | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Summary:
    """Ask every item in order; ``record`` stores each verdict before the next question."""
    start = clock()
    summary = Summary(total=len(items))
    n = len(items)
    if exam:
        total = sum(it.marks for it in items)
        counts = ", ".join(
            f"{sum(it.kind == k for it in items)} {KIND_NAMES[k]}" for k in ("mcq", "calc", "essay")
        )
        io.say(f"Exam: {n} questions ({counts}), {total} marks, {EXAM_MINUTES} minutes.", "bold")
        finish = time.strftime("%H:%M", time.localtime(time.time() + EXAM_MINUTES * 60))
        io.say(f"The clock starts now; time is up at {finish}.")
    else:
        io.say(f"{title}: {n} question{'s' * (n != 1)}.", "bold")
    try:
        for i, item in enumerate(items, start=1):
            _show_item(io, i, n, item, _clock(start, clock()) if exam else "")
            if item.kind == "essay":
                if io.interactive:
                    io.say("Write your answer on paper (or here), then press Enter to mark it.")
                    if io.ask("Answer", None) is None:
                        summary.stopped = True
                        break
                _essay_reveal(io, item)
            if item.multi:
                verdict = _ask_parts(io, item)
                if verdict is None:
                    summary.stopped = True
                    break
            else:
                answer = io.ask(_label(item), item)
                if answer is None:
                    summary.stopped = True
                    break
                verdict = grade(item, answer)
            now = feedback == "now" or item.kind == "essay"
            if record is not None:  # committed before the verdict is shown: what the
                record(item, verdict, None)  # student has seen acknowledged is on disk
            if now:
                _feedback(io, item, verdict)
                if record is not None and getattr(io, "interactive", False):
                    rerate = getattr(record, "rerate", None)
                    if rerate is not None:  # the student's own Hard/Good/Easy
                        rerate(item, verdict, io)
            summary.results.append((item, verdict))
    except KeyboardInterrupt:
        summary.stopped = summary.interrupted = True
    summary.elapsed = clock() - start
    if feedback == "end" and summary.results:
        io.say()
        io.say("Answers", "bold")
        for i, (item, verdict) in enumerate(summary.results, start=1):
            if item.kind != "essay":
                io.say(f"{i}. [{item.id}]", "bold")
                _feedback(io, item, verdict)
    print_score(io, summary, exam=exam)
    return summary


def print_score(io: Any, summary: Summary, *, exam: bool = False) -> None:
    answered = len(summary.results)
    io.say()
    if summary.stopped:
        io.say(f"Stopped after {answered} of {summary.total} questions.")
    got, out_of = summary.marks
    if exam or any(it.kind == "essay" or it.multi for it, _ in summary.results):
        io.say(f"marks: {got:g}/{out_of:g}")
    if exam:
        minutes = summary.elapsed / 60
        io.say(f"time: {minutes:.0f} of {EXAM_MINUTES} minutes")
    io.say(f"score: {summary.correct}/{answered}", "bold")
