"""Multi-part calculation questions (issue 16 item 1): parts (a), (b), ... each with its own
prompt, key and marks, marked by the one marker with follow-through from earlier parts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlcalc.quiz.bank import bundled_bank_dir, load_paths
from dlcalc.quiz.generate import instantiate
from dlcalc.quiz.grading import grade_parts, part_item, problem
from dlcalc.quiz.validate import validate_paths

# 32x32x3 input, 16 filters 5x5, stride 1, pad 2: out_w = 32, params = (5*5*3 + 1)*16 = 1216,
# macs = 32*32 * 5*5*3 * 16 = 1228800
CONV = """
[[question]]
id = "t-parts-001"
kind = "calc"
topic = "cnn"
prompt = "A conv layer takes a 32x32x3 input and applies 16 filters of size 5x5x3, stride 1, padding 2, one bias each."
op = "conv-size"
[question.fixed]
input = 32
kernel = 5
stride = 1
pad = 2
in_channels = 3
out_channels = 16
[[question.parts]]
prompt = "What is the output width?"
answer_key = "out_w"
marks = {m1}
[[question.parts]]
prompt = "How many learnable parameters?"
answer_key = "{k2}"
marks = 3
[[question.parts]]
prompt = "How many MACs for one image?"
answer_key = "macs"
marks = 4
"""


def bank(tmp_path, text: str = CONV, **fmt) -> str:
    path = tmp_path / "parts.toml"
    path.write_text(text.format(**{"m1": 2, "k2": "params", **fmt}))
    return str(path)


def quiz(cli, path: str, *args: str, input: str = ""):
    return cli("quiz", "--no-bundled", "--bank", path, "--seed", "1", *args, input=input)


def test_pipe_marks_each_part_with_follow_through_from_a_wrong_earlier_part(cli, tmp_path):
    # (a) forgets the +1 (31); (b) is right; (c) is computed from the student's 31: 31*31*75*16
    res = quiz(cli, bank(tmp_path), input="31\n1216\n1153200\n")
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    # the stem, then each part with its marks, one answer line per part, in order
    assert out.index("32x32x3 input") < out.index("(a) What is the output width? [2 marks]")
    assert "(b) How many learnable parameters? [3 marks]\nYour answer (b): 1216" in out
    assert "(c) How many MACs for one image? [4 marks]\nYour answer (c): 1153200" in out
    # feedback per part after the last one: a named mistake, right, follow-through
    assert re.search(r"\(a\) wrong \(31 .*the \+1 is missing.*\): the answer is 32 \[0/2\]", out)
    assert "(b) right: 1216 [3/3]" in out
    assert "(c) follow-through: correct given your (a) = 31 (the answer is 1228800) [4/4]" in out
    assert "7/9 marks" in out
    assert "Working:" in out  # a part is not right: the working is shown
    assert "marks: 7/9" in out and re.search(r"score: 0/1\s*$", out)


def test_all_parts_right_is_correct_and_earns_every_mark(cli, tmp_path):
    res = quiz(cli, bank(tmp_path), input="32\n1216\n1228800\n")
    assert "9/9 marks" in res.stdout and "Working:" not in res.stdout
    assert "marks: 9/9" in res.stdout and re.search(r"score: 1/1\s*$", res.stdout)


def test_input_ending_mid_question_stops_without_marking_it(cli, tmp_path):
    res = quiz(cli, bank(tmp_path), input="32\n")
    assert res.exit_code == 0
    assert "Stopped after 0 of 1 questions." in res.stdout
    assert "marks" not in res.stdout.split("Your answer (b):")[-1].split("Stopped")[0]


def test_unreadable_part_scores_zero_and_later_parts_are_still_marked(tmp_path):
    path = bank(tmp_path)
    item = instantiate(load_paths([path]).questions[0], 1)
    assert problem(part_item(item, 0), "abc") is not None  # a terminal asks again
    assert problem(part_item(item, 0), "32") is None
    verdict = grade_parts(item, ["abc", "1216", "1228800"])
    assert [p.score for p in verdict.parts] == [0, 3, 4]
    assert verdict.parts[0].message.startswith("(a) wrong:") and not verdict.correct
    assert (verdict.score, verdict.max_score) == (7, 9)


def test_json_lists_the_parts_and_marks_of_every_calc_question(cli, tmp_path, only_good):
    res = quiz(cli, bank(tmp_path), "--json")
    (q,) = json.loads(res.stdout)["questions"]
    assert q["marks"] == 9
    assert q["parts"] == [
        {"label": "a", "prompt": "What is the output width?", "marks": 2, "answer": 32},
        {"label": "b", "prompt": "How many learnable parameters?", "marks": 3, "answer": 1216},
        {"label": "c", "prompt": "How many MACs for one image?", "marks": 4, "answer": 1228800},
    ]
    # a one-part question (today's templates) has one part carrying all its marks
    res = cli("quiz", *only_good, "--kind", "calc", "--seed", "1", "--json")
    (one,) = json.loads(res.stdout)["questions"]
    assert one["parts"] == [
        {"label": "a", "prompt": "", "marks": one["marks"], "answer": one["answer"]}
    ]


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ({"k2": "w9_new"}, "parts[2].answer_key: 'w9_new' is not a result, element or named value"),
        ({"k2": "out_w[3]"}, "parts[2].answer_key"),
        ({"m1": 0}, "parts[1].marks: expected a positive integer, got 0"),
        ({"m1": '"2"'}, "parts[1].marks: expected a positive integer, got '2'"),
        ({"k2": "out_w"}, "parts[2].answer_key: 'out_w' is asked twice"),
    ],
)
def test_validation_names_the_bad_part(tmp_path, fmt, message):
    _, issues = validate_paths([Path(bank(tmp_path, **fmt))])
    assert any(message in str(i) for i in issues), [str(i) for i in issues]


def test_validation_counts_the_parts_and_forbids_a_second_key(tmp_path):
    two = CONV.rsplit("[[question.parts]]", 1)[0]
    _, issues = validate_paths([Path(bank(tmp_path, two))])
    assert any("parts: expected 3-5 parts, got 2" in str(i) for i in issues)
    both = CONV.replace('op = "conv-size"', 'op = "conv-size"\nanswer_key = "out_w"')
    _, issues = validate_paths([Path(bank(tmp_path, both))])
    assert any("answer_key: a multi-part question" in str(i) for i in issues)
    wrong_total = CONV.replace('op = "conv-size"', 'op = "conv-size"\nmarks = 5')
    _, issues = validate_paths([Path(bank(tmp_path, wrong_total))])
    assert any("parts' marks add up to 9" in str(i) for i in issues)


def test_bundled_multi_part_templates():
    qs = [q for q in load_paths([bundled_bank_dir()]).questions if q.parts]
    assert len(qs) >= 24
    assert all(3 <= len(q.parts) <= 5 and 8 <= q.marks <= 15 for q in qs)
    calc_topics = {q.topic for q in load_paths([bundled_bank_dir()]).questions if q.kind == "calc"}
    assert {q.topic for q in qs} == calc_topics


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_exam_draws_two_multi_part_calculations(cli, seed):
    res = cli("quiz", "--exam", "--seed", str(seed), "--json")
    calc = [q for q in json.loads(res.stdout)["questions"] if q["kind"] == "calc"]
    assert len(calc) == 2
    assert all(3 <= len(q["parts"]) <= 5 for q in calc)
    # in an exam a calculation counts its section's share (12); its parts keep their own marks
    assert all(q["question_marks"] == sum(p["marks"] for p in q["parts"]) for q in calc)
    assert sum(q["question_marks"] for q in calc) == 20  # the same whatever the seed


def test_terminal_asks_each_part_again_on_an_unreadable_answer_and_stores_the_marks(
    tmp_path, home, monkeypatch
):
    from rich.console import Console
    from rich.prompt import Prompt

    from dlcalc.cli.quiz_io import RichIO
    from dlcalc.quiz.review import Recorder
    from dlcalc.quiz.session import run_quiz
    from dlcalc.store import Store

    item = instantiate(load_paths([bank(tmp_path)]).questions[0], 1)
    script = iter(["abc", "31", "1216", "", "1153200"])  # (a) and (c) asked twice
    asked = []

    def fake_ask(prompt, **kw):
        asked.append(str(prompt))
        return next(script)

    monkeypatch.setattr(Prompt, "ask", staticmethod(fake_ask))
    with Store() as store:
        summary = run_quiz(
            [item], RichIO(Console()), record=Recorder(store, mode="quiz", session="t")
        )
        rows = store.attempts()
    assert len(asked) == 5 and all("(a)" in a for a in asked[:2]) and "(c)" in asked[4]
    assert summary.marks == (7, 9) and summary.correct == 0
    assert [(r["correct"], r["score"], r["max_score"]) for r in rows] == [(0, 7, 9)]
