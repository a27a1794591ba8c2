"""Spaced review with FSRS: each question is a card; due cards first, then new ones.

Every answer (quiz, exam or review) is a review of that question's card. The rating
comes from the answer: wrong -> Again; right -> Good, or the student's own Hard/Good/Easy
on a terminal; an essay's self-mark fraction maps to Again/Hard/Good/Easy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dlcalc.quiz.bank import Question
from dlcalc.quiz.generate import Item
from dlcalc.quiz.grading import Verdict

RATING_WORDS = {"a": 1, "again": 1, "h": 2, "hard": 2, "g": 3, "good": 3, "e": 4, "easy": 4}


def scheduler() -> Any:
    """The FSRS scheduler (default parameters, no interval fuzz: reproducible schedules)."""
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def _due_of(card_json: str) -> datetime:
    import fsrs

    return fsrs.Card.from_json(card_json).due


def choose(
    questions: Sequence[Question],
    cards: dict[str, tuple[str, str]],
    *,
    limit: int,
    new: int,
    now: datetime | None = None,
    seed: int = 0,
) -> tuple[list[Question], int]:
    """Due questions (most overdue first), then up to ``new`` never-seen ones (in a seeded
    random order); return (chosen, number due)."""
    import random

    now = now or datetime.now(UTC)
    due = []
    for q in questions:
        if q.id in cards:
            when = _due_of(cards[q.id][0])
            if when <= now:
                due.append((when, q.id, q))
    due.sort(key=lambda t: (t[0], t[1]))
    fresh = sorted((q for q in questions if q.id not in cards), key=lambda q: q.id)
    random.Random(seed).shuffle(fresh)
    fresh = fresh[: max(new, 0)]
    chosen = [q for _, _, q in due] + fresh
    return chosen[:limit], min(len(due), limit)


def next_due(cards: dict[str, tuple[str, str]], ids: set[str]) -> datetime | None:
    dues = [_due_of(c) for qid, (c, _) in cards.items() if qid in ids]
    return min(dues) if dues else None


def rating_for(item: Item, verdict: Verdict, io: Any = None) -> int:
    """FSRS rating 1-4 (Again, Hard, Good, Easy) for this answer.

    io: an interactive front end lets the student grade a right answer Hard/Good/Easy.
    """
    if item.kind == "essay":
        frac = verdict.score / verdict.max_score if verdict.max_score else 0.0
        return 1 if frac < 0.5 else 2 if frac < 0.75 else 3 if frac < 1 else 4
    if not verdict.correct:
        return 1
    if getattr(io, "interactive", False):
        while True:
            text = io.ask("How was it? [h]ard, [g]ood, [e]asy", None)
            if text is None or not text.strip():
                return 3
            key = text.strip().lower()
            if key in RATING_WORDS and RATING_WORDS[key] > 1:
                return RATING_WORDS[key]
            io.say("type h, g or e (Enter = good)")
    return 3


class Recorder:
    """Stores each answer with the question's updated card, one transaction per answer."""

    def __init__(self, store: Any, *, mode: str, session: str) -> None:
        self.store, self.mode, self.session = store, mode, session
        self.cards = store.cards()
        self.before: dict[str, tuple[Any, int]] = {}  # card and rating before the last answer
        self.sched = scheduler()
        self.stopped = False  # the store failed mid-quiz: carry on as --no-save

    def _save(self, io: Any, write: Any) -> bool:
        """Run one store write; on a store failure say so once and stop saving."""
        from dlcalc.store import StoreError

        if self.stopped:
            return False
        try:
            write()
            return True
        except StoreError as exc:
            self.stopped = True
            message = f"warning: {exc}; answers from here on are not saved (as --no-save)"
            if io is not None:
                io.say(message)
            else:
                import sys

                sys.stderr.write(message + "\n")
            return False

    def _review(self, old: tuple[str, str] | None, rating: int) -> tuple[str, str]:
        import fsrs

        try:
            card = fsrs.Card.from_json(old[0]) if old else fsrs.Card()
        except (ValueError, TypeError, KeyError, AttributeError):
            from dlcalc.store import StoreError

            raise StoreError(
                f"DLCALC_HOME: a review card in {self.store.path} is damaged (file left as is)"
            ) from None
        card, _log = self.sched.review_card(card, fsrs.Rating(rating))
        return card.to_json(), card.due.astimezone(UTC).isoformat()

    def rerate(self, item: Item, verdict: Verdict, io: Any) -> None:
        """After the verdict: let the student rate a right answer, and redo the card."""
        rating = rating_for(item, verdict, io)
        old, first = self.before.get(item.id, (None, None))
        if rating == first:
            return

        def write() -> None:
            payload = self._review(old, rating)
            self.store.rerate_last(
                question_id=item.id, session=self.session, rating=rating, card=payload
            )
            self.cards[item.id] = payload

        self._save(io, write)

    def __call__(self, item: Item, verdict: Verdict, io: Any) -> None:
        rating = rating_for(item, verdict, io)
        old = self.cards.get(item.id)
        self.before[item.id] = (old, rating)

        def write() -> None:
            payload = self._review(old, rating)
            self.store.record(
                question_id=item.id,
                topic=item.topic,
                kind=item.kind,
                correct=verdict.correct,
                score=verdict.score,
                max_score=verdict.max_score,
                answer=verdict.answer,
                mode=self.mode,
                session=self.session,
                rating=rating,
                card=payload,
            )
            self.cards[item.id] = payload

        self._save(io, write)
