"""``beyond_slides``: the field validates as a bool, ``quiz --syllabus`` (also with --exam)
never draws such a question, and ``bank stats`` counts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlcalc.quiz.bank import Question, bundled_bank_dir, load_paths
from dlcalc.quiz.validate import check_question

BANK = load_paths([bundled_bank_dir()])
BEYOND = {q.id for q in BANK.questions if q.beyond_slides}


def _mcq(**extra) -> Question:
    data = {
        "id": "t-mcq-1",
        "kind": "mcq",
        "topic": "cnn",
        "prompt": "p?",
        "choices": ["a", "b", "c", "d"],
        "answer": "A",
        "explanation": "a is right",
        **extra,
    }
    return Question(data=data, file=Path("t.toml"))


def test_field_is_a_bool():
    assert check_question(_mcq(beyond_slides=True), run_ops=False) == []
    assert check_question(_mcq(beyond_slides=False), run_ops=False) == []
    errs = check_question(_mcq(beyond_slides="yes"), run_ops=False)
    assert any(e.startswith("beyond_slides:") for e in errs)
    errs = check_question(_mcq(beyond_slides=1), run_ops=False)
    assert any(e.startswith("beyond_slides:") for e in errs)


def test_bank_marks_some_but_not_most():
    share = len(BEYOND) / len(BANK)
    assert 0.08 <= share <= 0.25, (len(BEYOND), len(BANK))


def test_select_syllabus():
    all_ = BANK.select()
    within = BANK.select(syllabus=True)
    assert len(all_) - len(within) == len(BEYOND)
    assert not {q.id for q in within} & BEYOND


@pytest.mark.parametrize("seed", range(1, 9))
def test_quiz_syllabus_never_draws_beyond(cli, seed):
    res = cli("quiz", "--syllabus", "-n", "60", "--seed", str(seed), "--json")
    assert res.exit_code == 0, res.stderr
    ids = {q["id"] for q in json.loads(res.stdout)["questions"]}
    assert len(ids) == 60
    assert not ids & BEYOND


@pytest.mark.parametrize("seed", range(1, 7))
def test_exam_syllabus_never_draws_beyond(cli, seed):
    res = cli("quiz", "--exam", "--syllabus", "--seed", str(seed), "--json")
    assert res.exit_code == 0, res.stderr
    ids = {q["id"] for q in json.loads(res.stdout)["questions"]}
    assert len(ids) == 14
    assert not ids & BEYOND


def test_without_syllabus_beyond_can_be_drawn(cli):
    res = cli("quiz", "-n", "500", "--seed", "3", "--json")
    ids = {q["id"] for q in json.loads(res.stdout)["questions"]}
    assert ids & BEYOND == BEYOND


def test_stats_counts_beyond(cli):
    res = cli("bank", "stats", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["beyond_slides"] == len(BEYOND)
    res = cli("bank", "stats")
    assert f"beyond the slides: {len(BEYOND)}" in res.stdout
