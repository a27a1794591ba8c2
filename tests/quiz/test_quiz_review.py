"""Spaced review (FSRS) and the progress report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from dlcalc.quiz.bank import load_paths
from dlcalc.quiz.generate import instantiate
from dlcalc.quiz.grading import grade
from dlcalc.quiz.progress import summarise
from dlcalc.quiz.review import Recorder, choose, rating_for
from dlcalc.quiz.session import PipeIO
from dlcalc.store import Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _card(due: datetime) -> tuple[str, str]:
    card = fsrs.Card(due=due)
    return card.to_json(), due.isoformat()


def test_due_cards_come_first_most_overdue_first_then_new(good):
    qs = sorted(load_paths([good]).questions, key=lambda q: q.id)
    ids = [q.id for q in qs]
    cards = {
        ids[0]: _card(NOW - timedelta(hours=1)),  # due
        ids[1]: _card(NOW - timedelta(days=3)),  # due, more overdue
        ids[2]: _card(NOW + timedelta(days=2)),  # not due yet
    }
    chosen, due = choose(qs, cards, limit=10, new=2, now=NOW)
    assert due == 2
    assert [q.id for q in chosen[:2]] == [ids[1], ids[0]]
    assert len(chosen) == 4 and not {q.id for q in chosen[2:]} & set(cards)
    assert ids[2] not in {q.id for q in chosen}
    chosen, due = choose(qs, cards, limit=1, new=5, now=NOW)
    assert [q.id for q in chosen] == [ids[1]] and due == 1


@pytest.mark.parametrize(("text", "rating"), [("A", None), ("Z", 1)])
def test_rating_from_correctness_in_a_pipe(good, text, rating):
    q = next(q for q in load_paths([good]).questions if q.kind == "mcq")
    item = instantiate(q, 0)
    answer = item.answer if rating is None else "Z"
    assert rating_for(item, grade(item, answer), PipeIO()) == (rating or 3)  # Good / Again


@pytest.mark.parametrize(
    ("mark", "rating"), [("none", 1), ("2", 1), ("1", 2), ("1,2", 3), ("all", 4)]
)
def test_essay_rating_from_ticked_fraction(good, mark, rating):
    # 4 marks over 3 points: weights 2, 1, 1 (the default split)
    q = next(q for q in load_paths([good]).questions if q.kind == "essay")
    item = instantiate(q, 0)
    assert rating_for(item, grade(item, mark), PipeIO()) == rating


def test_recorder_schedules_right_answers_later_than_wrong(good, home):
    qs = [q for q in load_paths([good]).questions if q.kind == "mcq"][:2]
    with Store() as store:
        rec = Recorder(store, mode="review", session="t")
        right, wrong = instantiate(qs[0], 0), instantiate(qs[1], 0)
        rec(right, grade(right, right.answer), PipeIO())
        rec(wrong, grade(wrong, "Z"), PipeIO())
        cards = store.cards()
        rows = store.attempts()
    due = {qid: fsrs.Card.from_json(c).due for qid, (c, _) in cards.items()}
    assert due[qs[0].id] > due[qs[1].id]
    assert [r["rating"] for r in rows] == [3, 1]


def test_review_command_then_nothing_due(cli, only_good):
    res = cli("review", *only_good, "--kind", "mcq", "--new", "2", "--seed", "1", input="A\nB\n")
    assert res.exit_code == 0, res.stderr
    assert "0 due, 2 new." in res.stdout
    assert "score: " in res.stdout and "next review due" in res.stdout
    # Learning steps are minutes away: nothing is due right now, and new ones are capped at 0.
    res = cli("review", *only_good, "--kind", "mcq", "--new", "0")
    assert res.exit_code == 0
    assert "Nothing to review now; next one due" in res.stdout


def _rows(topic: str, pattern: str) -> list[dict]:
    return [
        {"topic": topic, "kind": "mcq", "correct": int(c), "answered_at": f"2026-01-01T00:{i:02d}"}
        for i, c in enumerate(pattern)
    ]


def test_progress_summary_hand_counted():
    # cnn: 10 attempts with 2 right, then 10 with 8 right -> 10/20 = 50 %, last 10 at 80 %,
    # trend +0.6 (up). rl: 0 of 3 -> the weakest. mlp: 2 attempts, too few to rank.
    rows = _rows("cnn", "1100000000" + "1111111100") + _rows("rl", "000") + _rows("mlp", "01")
    data = summarise(rows, ["cnn", "rl", "mlp", "rnn"])
    cnn = next(t for t in data["topics"] if t["topic"] == "cnn")
    assert (cnn["attempts"], cnn["correct"], cnn["accuracy"]) == (20, 10, 0.5)
    assert cnn["recent_accuracy"] == 0.8
    assert cnn["trend"] == "up" and cnn["trend_change"] == pytest.approx(0.6)
    rnn = next(t for t in data["topics"] if t["topic"] == "rnn")
    assert rnn["attempts"] == 0 and rnn["accuracy"] is None and rnn["trend"] == "n/a"
    assert data["weakest"] == ["rl", "cnn"]
    assert data["total"] == {"attempts": 25, "correct": 11, "accuracy": 0.44}
    assert data["kinds"]["mcq"]["attempts"] == 25


def test_progress_cli_after_a_quiz(cli, only_good):
    empty = cli("progress")
    assert empty.exit_code == 0 and "no answers stored yet" in empty.stdout
    cli("quiz", *only_good, "--kind", "mcq", "--seed", "2", input="A\nA\nA\nA\n")
    data = json.loads(cli("progress", "--json").stdout)
    by_topic = {t["topic"]: t for t in data["topics"]}
    assert by_topic["cnn"]["attempts"] == 3 and by_topic["rl"]["attempts"] == 1
    assert data["total"]["attempts"] == 4
    assert "due" in data
    text = cli("progress").stdout
    assert text.splitlines()[0].split()[:3] == ["topic", "attempts", "accuracy"]


def test_terminal_front_end_asks_again_and_takes_the_students_rating(good, home, monkeypatch):
    from rich.console import Console
    from rich.prompt import Prompt

    from dlcalc.cli.quiz_io import RichIO
    from dlcalc.quiz.session import run_quiz

    q = next(q for q in load_paths([good]).questions if q.id == "fx-cnn-mcq-1")
    item = instantiate(q, 0)
    script = iter(["x", item.answer, "easy"])  # unreadable, right, then the rating
    asked = []

    def fake_ask(prompt, **kw):
        asked.append(str(prompt))
        return next(script)

    monkeypatch.setattr(Prompt, "ask", staticmethod(fake_ask))
    with Store() as store:
        summary = run_quiz(
            [item], RichIO(Console()), record=Recorder(store, mode="review", session="t")
        )
        rows = store.attempts()
    assert summary.correct == 1
    assert len(asked) == 3 and "How was it?" in asked[2]
    assert [(r["correct"], r["rating"]) for r in rows] == [(1, 4)]  # Easy
