"""Essays: multi-line answers, weighted marking points, ticking the points made."""

from __future__ import annotations

import json

import pytest

from dlcalc.quiz.bank import bundled_bank_dir, default_split, load_paths, weighted_points
from dlcalc.quiz.generate import instantiate
from dlcalc.quiz.grading import grade, problem

ESSAY = """[[question]]
id = "{id}"
kind = "essay"
topic = "cnn"
prompt = "Discuss pooling."
marks = {marks}
marking_points = {points}
model_answer = "M"
"""

WEIGHTED = '[{text = "a", marks = 3}, {text = "b", marks = 2}, {text = "c", marks = 1}]'


def _bank(tmp_path, marks: int, points: str, qid: str = "my-essay-1"):
    path = tmp_path / "mine.toml"
    path.write_text(ESSAY.format(id=qid, marks=marks, points=points))
    return path


@pytest.mark.parametrize(
    ("marks", "n", "split"), [(6, 5, [2, 1, 1, 1, 1]), (8, 6, [2, 2, 1, 1, 1, 1]), (4, 4, [1] * 4)]
)
def test_default_split_sums_to_the_marks(marks, n, split):
    assert default_split(marks, n) == split and sum(split) == marks


def test_every_bundled_essay_has_points_summing_to_its_marks():
    essays = [q for q in load_paths([bundled_bank_dir()]).questions if q.kind == "essay"]
    assert len(essays) >= 40
    for q in essays:
        assert sum(m for _, m in q.points) == q.marks, q.id
        assert all(m >= 1 for _, m in q.points), q.id


def test_weighted_points_and_mixed_lists():
    assert weighted_points([{"text": "a", "marks": 3}, "b", "c"], 5) == [
        ("a", 3.0),
        ("b", 1.0),
        ("c", 1.0),
    ]


def test_weighted_points_validate(cli, tmp_path):
    res = cli("bank", "validate", str(_bank(tmp_path, 6, WEIGHTED)))
    assert res.exit_code == 0, res.stdout


@pytest.mark.parametrize(
    ("marks", "points", "fragment"),
    [
        (8, WEIGHTED, "the weights sum to 6, the question has 8 marks"),
        (5, WEIGHTED, "the weights sum to 6, the question has 5 marks"),
        (6, '[{text = "a", marks = 0}, "b", "c"]', "marks must be a positive number, got 0"),
        (6, '[{text = "", marks = 2}, "b", "c"]', "with non-empty text"),
        (6, '[{text = "a", marks = 5}, "b", "c"]', "leaving under 1 mark for each of the 2"),
        (2, '["a", "b", "c"]', "3 points share 2 marks"),
    ],
)
def test_weights_that_do_not_sum_to_the_marks_fail(cli, tmp_path, marks, points, fragment):
    path = _bank(tmp_path, marks, points)
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1, res.stdout
    line = res.stdout.splitlines()[0]
    assert line.startswith(str(path)) and "[my-essay-1]" in line and fragment in line


def test_ticks_score_the_weights(tmp_path):
    (q,) = load_paths([_bank(tmp_path, 6, WEIGHTED)]).questions
    item = instantiate(q, 0)
    assert grade(item, "1,3").score == 4 and not grade(item, "1,3").correct
    assert "partial marks: 4/6" in grade(item, "1 3").message
    assert grade(item, "all").correct and grade(item, "all").score == 6
    assert grade(item, "none").score == 0 and grade(item, "3,3,1").score == 4
    assert problem(item, "4") and problem(item, "") and problem(item, "1,x")
    assert problem(item, "2,1") is None


def test_pipe_essay_multi_line_then_ticks(cli, tmp_path):
    bank = ["--no-bundled", "--bank", str(_bank(tmp_path, 6, WEIGHTED))]
    answer = "Max pooling keeps the largest value\nin each window.\n\n1, 2\n"
    res = cli("quiz", *bank, "--seed", "1", input=answer)
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "  Max pooling keeps the largest value\n  in each window.\n" in out
    assert "1. [3 marks] a" in out and "3. [1 mark] c" in out
    assert "Points you made (1-3, e.g. 1,3; all; none): 1, 2\n" in out
    assert "partial marks: 5/6 (points ticked: 1, 2)" in out
    assert "marks: 5/6" in out and out.rstrip().endswith("score: 0/1")
    data = json.loads(cli("quiz", *bank, "--seed", "1", "--json").stdout)
    assert data["questions"][0]["marking_points"][0] == {"text": "a", "marks": 3.0}
    # the end of input also ends the answer; then there is no line left for the points
    res = cli("quiz", *bank, "--seed", "1", input="only line")
    assert "  only line\n" in res.stdout and "Stopped after 0 of 1" in res.stdout


def test_terminal_essay_reads_lines_until_empty(tmp_path, monkeypatch):
    from rich.console import Console
    from rich.prompt import Prompt

    from dlcalc.cli.quiz_io import RichIO
    from dlcalc.quiz.session import run_quiz

    (q,) = load_paths([_bank(tmp_path, 6, WEIGHTED)]).questions
    lines = iter(["first line", "second line", ""])
    console = Console()
    monkeypatch.setattr(console, "input", lambda prompt="": next(lines))
    ticks = iter(["9", "1,2,3"])  # unreadable: asked again
    monkeypatch.setattr(Prompt, "ask", staticmethod(lambda prompt, **kw: next(ticks)))
    summary = run_quiz([instantiate(q, 0)], RichIO(console))
    ((_, verdict),) = summary.results
    assert verdict.correct and verdict.score == 6
