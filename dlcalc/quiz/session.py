"""Running a quiz: ask each item, mark it, store it, give feedback, print the score.

Two front ends share the loop: :class:`PipeIO` (answers read line by line, plain text out)
and ``dlcalc.cli.quiz_io.RichIO`` (a terminal: rich prompts that ask again on an
unreadable answer); the CLI picks one from its output environment and passes it in.
End of input (or Ctrl-C) ends the quiz early with the score so far.

Essays: the answer is typed over several lines (an empty line, or end of input, ends it);
then the marking points (with their marks) and the model answer are shown and the student
ticks the points made (``1,3``, ``all``, ``none``). An exam (``exam.py``) scales every
question to the blueprint, stops asking when its time is up and can be resumed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dlcalc.quiz import exam as rules
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

    def ask_lines(self, label: str) -> list[str] | None:
        """Lines up to an empty line or the end of input; None if input ended at once."""
        sys.stdout.write(f"{label}:\n")
        sys.stdout.flush()
        lines: list[str] = []
        while True:
            line = sys.stdin.readline()
            if not line:
                return lines or None
            text = line.rstrip("\r\n")
            if not text.strip():
                return lines
            sys.stdout.write(f"  {text}\n")
            lines.append(text)

    def working(self, solution: Any) -> None:
        from dlcalc.render.text import plain

        self.say(plain(solution))


@dataclass
class Summary:
    total: int  # questions in the quiz
    results: list[tuple[Item, Verdict]] = field(default_factory=list)
    stopped: bool = False  # input ended (or Ctrl-C) before the last question
    interrupted: bool = False
    elapsed: float = 0.0  # seconds (an exam: all sittings together)
    timed_out: bool = False  # an exam whose time ran out
    exam: bool = False
    items: list[Item] = field(default_factory=list)  # the whole paper

    @property
    def correct(self) -> int:
        return sum(v.correct for _, v in self.results)

    @property
    def unanswered(self) -> int:
        return self.total - len(self.results)

    @property
    def finished(self) -> bool:
        """Every question answered, or the time ran out (nothing left to resume)."""
        return self.timed_out or not self.unanswered

    @property
    def marks(self) -> tuple[float, float]:
        got = round(sum(v.score for _, v in self.results), 2)
        if self.exam:  # unanswered questions count, at 0
            return got, sum(it.shown_marks for it in self.items)
        return got, sum(v.max_score for _, v in self.results)

    def to_dict(self) -> dict[str, Any]:
        got, out_of = self.marks
        return {
            "answered": len(self.results),
            "total": self.total,
            "correct": self.correct,
            "marks": got,
            "max_marks": out_of,
            "stopped": self.stopped,
            "timed_out": self.timed_out,
        }


# record(item, verdict, io): io is None when the student may not be asked anything more
# (feedback at the end: asking for a rating would give the verdict away).
Recorder = Callable[[Item, Verdict, Any], None]


def _marks(m: float) -> str:
    return f"{m:g} mark{'s' * (m != 1)}"


def _show_item(io: Any, i: int, n: int, item: Item, clock: str) -> None:
    meta = f"{item.topic}, {KIND_NAMES[item.kind]}, {_marks(item.shown_marks)}"
    io.say()
    io.say(f"Question {i}/{n} [{meta}]" + (f"  ({clock})" if clock else ""), "bold")
    io.say(item.prompt)
    for letter, choice in zip(LETTERS, item.choices, strict=False):
        io.say(f"  {letter}. {choice}")


def _essay_reveal(io: Any, item: Item) -> None:
    io.say("Marking points:", "bold")
    for n, (point, marks) in enumerate(item.question.points, start=1):
        io.say(f"  {n}. [{_marks(marks)}] {point}")
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
    return f"Points you made (1-{len(item.question.points)}, e.g. 1,3; all; none)"


ESSAY_LABEL = "Your answer (several lines; an empty line or Ctrl-D ends it)"


def _exam_header(io: Any, items: Sequence[Item], minutes: float, left: float, done: int) -> None:
    n = len(items)
    total = sum(it.shown_marks for it in items)
    counts = ", ".join(
        f"{sum(it.kind == k for it in items)} {KIND_NAMES[k]}" for k in ("mcq", "calc", "essay")
    )
    io.say(f"Exam: {n} questions ({counts}), {total:g} marks, {minutes:g} minutes.", "bold")
    shares = ", ".join(
        f"{KIND_NAMES[k]} {_marks(m)} each"
        for k, m in dict.fromkeys((it.kind, it.shown_marks) for it in items)
    )
    io.say(f"Marks: {shares}.")
    if done:
        io.say(f"Resuming at question {done + 1}/{n}; {rules.left_text(left)} left.")
    finish = time.strftime("%H:%M", time.localtime(time.time() + left))
    io.say(f"The clock {'runs again' if done else 'starts'} now; time is up at {finish}.")


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
    clock: Callable[[], float] | None = None,
    minutes: float = EXAM_MINUTES,
    done: Sequence[tuple[Item, Verdict]] = (),
    used: float = 0.0,
    save_clock: Callable[[float], None] | None = None,
) -> Summary:
    """Ask every item in order; ``record`` stores each verdict before the next question.

    An exam: ``minutes`` is the limit, ``used`` the seconds already used and ``done`` the
    results of earlier sittings (a resumed exam asks from the first unanswered question);
    ``save_clock(seconds used)`` runs after each recorded answer.
    """
    real = clock is None
    if clock is None:
        clock, real = rules.clock()
    start = clock()
    n = len(items)
    summary = Summary(total=n, exam=exam, items=list(items))
    summary.results += done
    limit = minutes * 60

    def used_now() -> float:
        return used + clock() - start

    if exam:
        _exam_header(io, items, minutes, limit - used, len(done))
    else:
        io.say(f"{title}: {n} question{'s' * (n != 1)}.", "bold")
    try:
        for i, item in enumerate(items[len(done) :], start=len(done) + 1):
            left = limit - used_now()
            if exam and left <= 0:
                summary.timed_out = True
                break
            label = f"time left {rules.left_text(left)}" if exam else ""
            _show_item(io, i, n, item, label)
            parts_verdict = None
            try:
                with rules.alarm(left, exam and real and getattr(io, "interactive", False)):
                    if item.multi:  # asked part by part, marked together (follow-through)
                        parts_verdict = _ask_parts(io, item)
                        answer = None if parts_verdict is None else ""
                    else:
                        answer = _answer(io, item, lambda: exam and used_now() > limit)
            except rules.TimeUp:  # the terminal alarm, mid-prompt: end that line first
                io.say()
                answer = ""
                summary.timed_out = True
            if summary.timed_out or (exam and answer is not None and used_now() > limit):
                summary.timed_out = True
                io.say("Time is up before this answer was finished: it is not marked.", "red")
                break
            if answer is None:
                summary.stopped = True
                break
            verdict = rules.scale(
                item, parts_verdict if parts_verdict is not None else grade(item, answer)
            )
            now = feedback == "now" or item.kind == "essay"
            if record is not None:  # committed before the verdict is shown: what the
                record(item, verdict, None)  # student has seen acknowledged is on disk
            if save_clock is not None:
                save_clock(used_now())
            if now:
                _feedback(io, item, verdict)
                if record is not None and getattr(io, "interactive", False):
                    rerate = getattr(record, "rerate", None)
                    if rerate is not None:  # the student's own Hard/Good/Easy
                        rerate(item, verdict, io)
            summary.results.append((item, verdict))
    except KeyboardInterrupt:
        summary.stopped = summary.interrupted = True
    summary.elapsed = min(used_now(), limit) if exam else used_now()
    if summary.timed_out:
        summary.stopped = False
    if feedback == "end" and summary.results and (not exam or summary.finished):
        # (an exam left to resume keeps its answers to the end, as on paper)
        io.say()
        io.say("Answers", "bold")
        for i, (item, verdict) in enumerate(summary.results, start=1):
            if item.kind != "essay":
                io.say(f"{i}. [{item.id}]", "bold")
                _feedback(io, item, verdict)
    print_score(io, summary, exam=exam, minutes=minutes)
    return summary


def _answer(io: Any, item: Item, late: Callable[[], bool]) -> str | None:
    """The student's answer to one item (an essay: the ticks after the written answer)."""
    if item.kind != "essay":
        return io.ask(_label(item), item)
    lines = io.ask_lines(ESSAY_LABEL)
    if lines is None or late():
        return None if lines is None else ""  # late: the caller says the time is up
    _essay_reveal(io, item)
    return io.ask(_label(item), item)


def print_score(
    io: Any, summary: Summary, *, exam: bool = False, minutes: float = EXAM_MINUTES
) -> None:
    answered = len(summary.results)
    io.say()
    if summary.timed_out:
        left = summary.unanswered
        io.say(
            f"Time is up after {answered} of {summary.total} questions: "
            f"{left} unanswered question{'s' * (left != 1)} score 0."
        )
    elif summary.stopped:
        io.say(f"Stopped after {answered} of {summary.total} questions.")
    got, out_of = summary.marks
    if exam:
        parts = rules.sections(summary.results, summary.items)
        io.say(
            "sections: " + ", ".join(f"{k} {v['score']:g}/{v['max']:g}" for k, v in parts.items())
        )
        io.say(f"time: {summary.elapsed / 60:.0f} of {minutes:g} minutes")
        io.say(f"score: {got:g}/{out_of:g}", "bold")
        return
    if any(it.kind == "essay" or it.multi for it, _ in summary.results):
        io.say(f"marks: {got:g}/{out_of:g}")
    io.say(f"score: {summary.correct}/{answered}", "bold")
