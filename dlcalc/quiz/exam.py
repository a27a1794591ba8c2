"""The mock exam's rules: marks scaled to the blueprint, the clock, the time limit.

Blueprint (``generate.EXAM_BLUEPRINT``): 8 choice x 2 + 2 calculation x 12 + 4 essay x 15
= 100 marks on every paper. A question's score is scaled from its own marks to its
section's share: ``score x share / own marks`` (an essay whose ticked points give 4 of 6
scores 10/15; a calc question with parts worth 7 scores its parts' sum x 12/7).

The clock is the wall clock (so a resumed exam goes on from the time already used), or,
for tests, ``DLCALC_CLOCK=START[+STEP]``: a fake clock whose first reading is START
seconds and every later reading STEP seconds more (no sleeping in tests).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from dlcalc.quiz.generate import EXAM_BLUEPRINT, Item
from dlcalc.quiz.grading import Verdict

SECTIONS = {"mcq": "choice", "calc": "calculation", "essay": "essay"}
CLOCK_ENV = "DLCALC_CLOCK"


class TimeUp(BaseException):  # raised by the alarm, like KeyboardInterrupt
    """The exam's time ran out while the student was typing (terminal alarm)."""


def clock() -> tuple[Callable[[], float], bool]:
    """(clock, real): the wall clock, or the fake one from ``$DLCALC_CLOCK``."""
    spec = os.environ.get(CLOCK_ENV, "").strip()
    if not spec:
        return time.time, True
    start, _, step = spec.partition("+")
    try:
        t0, dt = float(start), float(step or 0)
    except ValueError:
        from dlcalc.errors import InputError

        raise InputError(f"{CLOCK_ENV}: expected START[+STEP] in seconds, got {spec!r}") from None
    readings = iter(range(10**12))
    return (lambda: t0 + dt * next(readings)), False


def scale(item: Item, verdict: Verdict) -> Verdict:
    """The verdict counted at the item's exam share (unchanged outside an exam)."""
    if item.out_of is None or verdict.max_score == item.out_of:
        return verdict
    factor = item.out_of / verdict.max_score if verdict.max_score else 0.0
    score = round(verdict.score * factor, 2)
    message = verdict.message
    if item.kind == "essay" or 0 < verdict.score < verdict.max_score:
        message += f"; counts {score:g}/{item.out_of:g} in the exam"
    return replace(verdict, score=score, max_score=float(item.out_of), message=message)


def sections(results: list[tuple[Item, Verdict]], items: list[Item]) -> dict[str, dict]:
    """Per section: marks earned over the section's marks on the paper."""
    out = {}
    for kind, _, _ in EXAM_BLUEPRINT:
        got = sum(v.score for it, v in results if it.kind == kind)
        out[SECTIONS[kind]] = {
            "score": round(got, 2),
            "max": sum(it.shown_marks for it in items if it.kind == kind),
        }
    return out


def left_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


@contextmanager
def alarm(seconds: float, enabled: bool) -> Iterator[None]:
    """Raise :class:`TimeUp` in the main thread after ``seconds`` (a terminal prompt is
    interrupted when the time runs out); a no-op when not enabled or not possible."""
    import signal
    import threading

    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise TimeUp

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------ saving and resuming


def paper_data(
    items: list[Item], *, banks: list[str], no_bundled: bool, topics: list[str], feedback: str
) -> dict:
    """What a resumed exam needs to rebuild the same paper (with the same seed)."""
    return {
        "ids": [it.id for it in items],
        "banks": banks,
        "no_bundled": no_bundled,
        "topics": topics,
        "feedback": feedback,
    }


def replay(items: list[Item], attempts: list[dict]) -> list[tuple[Item, Verdict]]:
    """The answers of earlier sittings (the session's attempts, oldest first) re-marked:
    the same answer on the same item gets the same verdict."""
    from dlcalc.quiz.grading import grade, grade_parts

    done: list[tuple[Item, Verdict]] = []
    rows = iter(attempts)
    for item in items:
        row = next(rows, None)
        if row is None or row["question_id"] != item.id:
            break
        if item.multi:  # the parts were stored as "a | b | c" (grade_parts)
            verdict = grade_parts(item, str(row["answer"]).split(" | "))
        else:
            verdict = grade(item, row["answer"])
        done.append((item, scale(item, verdict)))
    return done


def result_data(summary: object) -> dict:
    """The stored outcome of a finished exam."""
    got, out_of = summary.marks  # type: ignore[attr-defined]
    return {
        "score": got,
        "max": out_of,
        "answered": len(summary.results),  # type: ignore[attr-defined]
        "unanswered": summary.unanswered,  # type: ignore[attr-defined]
        "timed_out": summary.timed_out,  # type: ignore[attr-defined]
        "sections": sections(summary.results, summary.items),  # type: ignore[attr-defined]
    }
