"""Bank validation: the real bank passes; each broken fixture fails with file and id named."""

from __future__ import annotations

import json

import pytest

from dlcalc.quiz.bank import bundled_bank_dir, load_paths
from dlcalc.quiz.generate import fill, param_values

# fixture file -> (question id named in the message, fragment of the message)
BROKEN = {
    "dup_id": ("bad-dup", "id: duplicate"),
    "missing_explanation": ("bad-noexpl", "explanation: required"),
    "missing_prompt": ("bad-noprompt", "prompt: required"),
    "two_answers": ("bad-two", "exactly one correct choice"),
    "answer_out_of_range": ("bad-range", "a letter A-D, got 'E'"),
    "too_few_choices": ("bad-few", "expected 4-5 choices, got 3"),
    "too_many_choices": ("bad-many", "expected 4-5 choices, got 6"),
    "duplicate_choice": ("bad-samechoice", "two choices are the same"),
    "mcq_placeholder": ("bad-mcqph", "placeholder {width} is never filled"),
    "unknown_topic": ("bad-topic", "topic: expected one of"),
    "unknown_kind": ("bad-kind", "kind: expected one of"),
    "unknown_field": ("bad-field", "explanaton: unknown field"),
    "marking_points_count": ("bad-points", "expected 3-6 points, got 2"),
    "essay_no_model": ("bad-nomodel", "model_answer: required"),
    "unfilled_placeholder": ("bad-unfilled", "placeholder {stride} is not in params or fixed"),
    "param_not_shown": ("bad-hidden", "params.stride: drawn but not shown"),
    "unknown_op": ("bad-op", "unknown operation 'conv-sise'"),
    "bad_answer_key": ("bad-key", "answer_key: expected a result of conv-size"),
    "param_not_argument": ("bad-arg", "'groups' is not an argument of conv-size"),
    "op_fails": ("bad-fails", "conv-size fails for"),
    "require_unsatisfiable": ("bad-require", "require: cannot be met"),
    "bad_range": ("bad-minmax", "need min <= max"),
    "bad_tolerance": ("bad-tol", "tolerance: expected a relative tolerance"),
    "bad_syntax": ("", "not valid TOML"),
}


def test_every_broken_fixture_has_a_case(broken):
    assert {p.stem for p in broken.glob("*.toml")} == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixture_fails_naming_file_and_id(cli, broken, name):
    qid, fragment = BROKEN[name]
    path = broken / f"{name}.toml"
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1, res.stdout
    line = res.stdout.splitlines()[0]
    assert line.startswith(str(path)), line
    if qid:
        assert f"[{qid}]" in line
    assert fragment in line


def test_duplicate_is_reported_at_the_second_copy_with_the_first_location(cli, broken):
    res = cli("bank", "validate", str(broken / "dup_id.toml"))
    # The second [[question]] starts on line 10; its id is on line 11; the first id on line 2.
    assert ":11 [bad-dup]: id: duplicate (first in" in res.stdout
    assert "dup_id.toml:2)" in res.stdout


def test_bundled_bank_is_valid(cli):
    res = cli("bank", "validate")
    assert res.exit_code == 0, res.stdout
    assert res.stdout.startswith("ok: ")


def test_bundled_bank_covers_every_topic_and_kind():
    from dlcalc.ops import TOPICS

    questions = load_paths([bundled_bank_dir()]).questions
    assert {q.topic for q in questions} == set(TOPICS)
    assert {q.kind for q in questions} == {"mcq", "calc", "essay"}


def test_good_fixture_is_valid_json(cli, good):
    res = cli("bank", "validate", str(good), "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == {"ok": True, "questions": 6, "issues": []}


def test_validate_json_lists_issues(cli, broken):
    res = cli("bank", "validate", str(broken / "two_answers.toml"), "--json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["ok"] is False
    assert data["issues"][0]["id"] == "bad-two"
    assert data["issues"][0]["line"] == 2


def test_validate_several_paths_counts_all_problems(cli, broken):
    res = cli(
        "bank", "validate", str(broken / "two_answers.toml"), str(broken / "too_few_choices.toml")
    )
    assert res.exit_code == 1
    assert "2 problems in 2 questions" in res.stdout


def test_validate_missing_path_is_a_usage_error(cli, tmp_path):
    cli.error("bank", "validate", str(tmp_path / "nope.toml"), flag="nope.toml")


def test_user_bank_is_validated_on_load(cli, broken):
    msg = cli.error("quiz", "--bank", str(broken / "two_answers.toml"), "--json", flag="--bank")
    assert "two_answers.toml" in msg and "[bad-two]" in msg


def test_user_bank_id_may_not_repeat_a_bundled_id(cli, tmp_path):
    taken = load_paths([bundled_bank_dir()]).questions[0].id
    (tmp_path / "mine.toml").write_text(
        f'[[question]]\nid = "{taken}"\nkind = "essay"\ntopic = "cnn"\nprompt = "P"\nmarks = 3\n'
        'marking_points = ["a", "b", "c"]\nmodel_answer = "M"\n'
    )
    msg = cli.error("quiz", "--bank", str(tmp_path), "--json", flag="--bank")
    assert f"[{taken}]: id: duplicate" in msg


@pytest.mark.parametrize(
    ("spec", "values"),
    [
        ([3, 5, 11], [3, 5, 11]),
        ({"min": 1, "max": 4}, [1, 2, 3, 4]),
        ({"min": 2, "max": 8, "step": 3}, [2, 5, 8]),
        ({"min": 0.1, "max": 0.3, "step": 0.1}, [0.1, 0.2, 0.3]),
    ],
)
def test_param_values(spec, values):
    assert param_values(spec, "x") == values


def test_fill_leaves_other_braces_alone():
    text = "W={input}, labels {0, 1}, literal {{input}}, missing {nope}"
    assert fill(text, {"input": 32}) == "W=32, labels {0, 1}, literal {input}, missing {nope}"
    assert fill("gamma = {g}", {"g": 0.9}) == "gamma = 0.9"
    assert fill("W = {w}", {"w": 32.0}) == "W = 32"
