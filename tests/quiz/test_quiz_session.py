"""dlcalc quiz: determinism by seed, exam shape, answers through a pipe, feedback, errors."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from dlcalc.check.address import lookup, parse_key
from dlcalc.ops import run
from dlcalc.quiz.bank import bundled_bank_dir, load_paths
from dlcalc.solution import jsonable

LETTERS = "ABCDE"


def quiz_json(cli, *args: str) -> dict:
    res = cli("quiz", *args, "--json")
    assert res.exit_code == 0, (res.stdout, res.stderr)
    return json.loads(res.stdout)


def test_same_seed_same_quiz(cli, only_good):
    a = quiz_json(cli, *only_good, "--seed", "11")
    b = quiz_json(cli, *only_good, "--seed", "11")
    assert a == b
    assert a["seed"] == 11
    assert len(a["questions"]) == 6  # -n 10 but the fixture bank holds 6


def test_other_seed_other_order(cli, only_good):
    orders = {
        tuple(
            (q["id"], tuple(q.get("choices", ())))
            for q in quiz_json(cli, *only_good, "--seed", str(s))["questions"]
        )
        for s in range(4)
    }
    assert len(orders) > 1


def test_shuffled_choices_keep_the_right_answer(cli, only_good, good):
    bank = {q.id: q for q in load_paths([good]).questions}
    for seed in range(5):
        for q in quiz_json(cli, *only_good, "--seed", str(seed), "--kind", "mcq")["questions"]:
            src = bank[q["id"]]
            right = src.get("choices")[LETTERS.index(src.get("answer"))]
            assert q["choices"][LETTERS.index(q["answer"])] == right
            assert sorted(q["choices"]) == sorted(src.get("choices"))


def test_filters_and_count(cli, only_good):
    data = quiz_json(cli, *only_good, "--topic", "cnn", "--kind", "mcq", "-n", "2", "--seed", "1")
    assert [(q["topic"], q["kind"]) for q in data["questions"]] == [("cnn", "mcq")] * 2
    data = quiz_json(cli, *only_good, "--kind", "mcq,essay", "--seed", "1")
    assert sorted(q["kind"] for q in data["questions"]) == ["essay"] + ["mcq"] * 4


def test_fixture_calc_answer_matches_hand_formula(cli, only_good):
    for seed in range(6):
        (q,) = quiz_json(cli, *only_good, "--kind", "calc", "--seed", str(seed))["questions"]
        w, k, s = q["params"]["input"], q["params"]["kernel"], q["params"]["stride"]
        assert (w - k) % s == 0  # require exact = true: the windows tile the input
        assert q["answer"] == (w - k) // s + 1  # out = (W - K)/S + 1 with no padding


def test_bundled_calc_answers_recomputed_through_the_registry(cli):
    data = quiz_json(cli, "--kind", "calc", "-n", "500", "--seed", "3")
    assert data["questions"]
    for q in data["questions"]:
        sol = run(q["op"], {**q["fixed"], **q["params"]})
        keys = q["answer_key"] if isinstance(q["answer_key"], list) else [q["answer_key"]]
        for key, part in zip(keys, q["parts"], strict=True):  # multi-part: one key per part
            expected = json.loads(json.dumps(jsonable(lookup(sol, parse_key(key)))))
            assert part["answer"] == expected, (q["id"], key)
        if len(keys) == 1:
            assert q["answer"] == q["parts"][0]["answer"], q["id"]
        text = q["prompt"] + " ".join(part["prompt"] for part in q["parts"])
        for name, value in q["params"].items():
            for part in value if isinstance(value, list) else [value]:  # a list: each shown
                shown = (
                    str(int(part)) if isinstance(part, float) and part.is_integer() else str(part)
                )
                assert shown in text, (q["id"], name)


def test_exam_shape(cli):
    data = quiz_json(cli, "--exam", "--seed", "5")
    kinds = [q["kind"] for q in data["questions"]]
    assert kinds == ["mcq"] * 8 + ["calc"] * 2 + ["essay"] * 4
    assert len({q["id"] for q in data["questions"]}) == 14


def test_exam_run_shows_clock_and_marks(cli):
    data = quiz_json(cli, "--exam", "--seed", "5")
    total = sum(q["marks"] for q in data["questions"])
    assert total == 100
    lines = sum(len(q["parts"]) for q in data["questions"] if q["kind"] == "calc")
    essays = "my answer\n\n1\n" * 4  # a one-line essay, then the points ticked
    res = cli("quiz", "--exam", "--seed", "5", input="A\n" * 8 + "0\n" * lines + essays)
    assert res.exit_code == 0, res.stderr
    assert "120 minutes" in res.stdout
    assert f"{total} marks" in res.stdout
    assert "time left 1" in res.stdout  # the clock is shown at each question: 1xx:xx
    assert res.stdout.count(", 2 marks]") == 8 and res.stdout.count(", 12 marks]") == 2
    assert res.stdout.count(", 15 marks]") == 4
    assert re.search(
        r"sections: choice [\d.]+/16, calculation [\d.]+/24, essay [\d.]+/60\n", res.stdout
    )
    assert re.search(r"score: [\d.]+/100\s*$", res.stdout)
    # feedback defaults to the end in exam mode: no verdict before the last question
    before_last = res.stdout.split("Question 14/14")[0]
    assert "wrong:" not in before_last and "correct:" not in before_last


def test_exam_needs_enough_questions(cli, only_good):
    cli.error("quiz", *only_good, "--exam", flag="--exam")


def _answers(data: dict, right: list[bool]) -> str:
    lines = []
    for q, ok in zip(data["questions"], right, strict=True):
        if q["kind"] == "mcq":
            wrong = next(letter for letter in LETTERS if letter != q["answer"])
            lines.append(q["answer"] if ok else wrong)
        elif q["kind"] == "calc":
            lines.append(str(q["answer"] if ok else q["answer"] + 1))
        else:  # an essay: its answer, an empty line, then the points made
            lines += ["An answer", "", "all" if ok else "none"]
    return "\n".join(lines) + "\n"


def test_pipe_answers_score_and_storage(cli, only_good, home):
    args = [*only_good, "--seed", "4"]
    data = quiz_json(cli, *args)
    right = [True, False, True, True, False, True]
    res = cli("quiz", *args, input=_answers(data, right))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.rstrip().endswith("score: 4/6")
    assert "\x1b[" not in res.stdout
    con = sqlite3.connect(home / "progress.db")
    rows = con.execute("SELECT question_id, correct FROM attempts ORDER BY id").fetchall()
    con.close()
    assert rows == [(q["id"], int(ok)) for q, ok in zip(data["questions"], right, strict=True)]


def test_wrong_calc_answer_shows_the_engines_working(cli, only_good):
    args = [*only_good, "--kind", "calc", "--seed", "2"]
    (q,) = quiz_json(cli, *args)["questions"]
    res = cli("quiz", *args, input=f"{q['answer'] + 1}\n")
    assert "wrong: the answer is " + str(q["answer"]) in res.stdout
    assert "Working:" in res.stdout and "floor(" in res.stdout
    assert res.stdout.rstrip().endswith("score: 0/1")
    res = cli("quiz", *args, input=f"{q['answer']}\n")
    assert "Working:" not in res.stdout
    assert res.stdout.rstrip().endswith("score: 1/1")


def _calc_item(op, args, key, **extra):
    """A calc item as the quiz makes it: the engine's Solution and its answer key."""
    from pathlib import Path

    from dlcalc import ops
    from dlcalc.quiz.bank import Question
    from dlcalc.quiz.generate import Item

    data = {"id": "t-calc", "kind": "calc", "topic": "cnn", "op": op, "answer_key": key, **extra}
    solution = ops.run(op, args)
    return Item(
        question=Question(data=data, file=Path("t.toml")),
        prompt="",
        answer=solution[key],
        solution=solution,
    )


def test_calc_is_marked_by_the_one_marker_at_the_precision_written():
    from dlcalc.quiz.grading import grade

    # 1.01^1000 = 20959.155... (CONTRACT: vanishing; tests/cli/test_rnn_cli.py)
    item = _calc_item("vanishing", {"factor": 1.01, "steps": 1000}, "value")
    assert grade(item, "20959").correct  # written to units, out by 0.16
    assert grade(item, "2.10e4").correct  # 3 s.f., +/- 50
    assert not grade(item, "21000").correct  # written to units, out by 41
    assert not grade(item, "2.1e4").correct  # 2 significant figures are too few
    # the question may ask for a precision instead: 2 decimal places
    asked = _calc_item("vanishing", {"factor": 1.01, "steps": 1000}, "value", decimals=2)
    assert grade(asked, "20959.16").correct and not grade(asked, "20959.2").correct


def test_calc_names_the_slip():
    from dlcalc.quiz.grading import grade

    conv = {"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96}
    item = _calc_item("conv-size", conv, "params")
    verdict = grade(item, "34848")  # (11*11*3)*96: the bias forgotten
    assert not verdict.correct and "the bias is missing" in verdict.message
    assert grade(item, "34944").correct  # (11*11*3 + 1)*96


def test_calc_answer_with_wrong_count_is_wrong_not_asked_again():
    # a matrix answer typed with too few values is marked wrong (asking again would
    # reveal how many values the answer has); the slides' 4x4 max-pool gives [[2,3],[3,4]]
    from dlcalc.quiz.grading import grade, problem

    item = _calc_item(
        "pool", {"input": "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "size": 2}, "output"
    )
    assert problem(item, "2,3") is None
    assert grade(item, "2,3").correct is False
    assert grade(item, "2,3;3,4").correct is True


def test_essay_is_self_marked_against_the_points(cli, only_good):
    args = [*only_good, "--kind", "essay", "--seed", "1"]
    res = cli("quiz", *args, input="3\n")  # "3" is the essay; input ends before the points
    assert "Stopped after 0 of 1" in res.stdout
    res = cli("quiz", *args, input="Pooling is\nsubsampling.\n\n1,3\n")
    assert "  Pooling is\n  subsampling.\n" in res.stdout  # both lines are the answer
    assert "Marking points:" in res.stdout and "2. [1 mark] point two" in res.stdout
    assert "1. [2 marks] point one" in res.stdout  # 4 marks over 3 points: 2, 1, 1
    assert "Model answer:" in res.stdout
    assert "partial marks: 3/4 (points ticked: 1, 3)" in res.stdout
    assert "marks: 3/4" in res.stdout
    assert res.stdout.rstrip().endswith("score: 0/1")  # 3 of 4 is not full marks
    res = cli("quiz", *args, input="Pooling.\n\nall\n")
    assert "full marks: 4/4" in res.stdout and res.stdout.rstrip().endswith("score: 1/1")
    res = cli("quiz", *args, input="Pooling.\n\n9\n")
    assert "counted as none" in res.stdout and "score: 0/1" in res.stdout


def test_unreadable_mcq_answer_counts_wrong_in_a_pipe(cli, only_good):
    res = cli("quiz", *only_good, "--kind", "mcq", "-n", "1", "--seed", "1", input="Z\n")
    assert "answer with a letter" in res.stdout
    assert res.stdout.rstrip().endswith("score: 0/1")


def test_eof_ends_gracefully_with_the_score_so_far(cli, only_good):
    args = [*only_good, "--kind", "mcq", "--seed", "8"]
    data = quiz_json(cli, *args)
    res = cli("quiz", *args, input=data["questions"][0]["answer"] + "\nZ\n")
    assert res.exit_code == 0
    assert "Traceback" not in res.stdout + res.stderr
    assert "Stopped after 2 of 4 questions." in res.stdout
    assert res.stdout.rstrip().endswith("score: 1/2")
    res = cli("quiz", *args, input="")
    assert res.exit_code == 0 and res.stdout.rstrip().endswith("score: 0/0")


def test_feedback_end_holds_verdicts_until_the_end(cli, only_good):
    args = [*only_good, "--kind", "mcq", "--seed", "8", "--feedback", "end"]
    res = cli("quiz", *args, input="A\nA\nA\nA\n")
    head, _, tail = res.stdout.partition("\nAnswers\n")
    assert "Why:" not in head
    assert tail.count("Why:") == 4


def test_no_save_writes_nothing(cli, only_good, home):
    res = cli("quiz", *only_good, "--no-save", "-n", "1", "--kind", "mcq", input="A\n")
    assert res.exit_code == 0
    assert not (home / "progress.db").exists()


def test_print_markdown_with_answer_key_on_a_new_page(cli, only_good):
    res = cli("quiz", *only_good, "--print", "--seed", "3")
    assert res.exit_code == 0
    assert res.stdout.startswith("# COMP5329 practice quiz")
    assert "Answer key" not in res.stdout
    assert "fx-cnn-calc-1" in res.stdout and "Answer: ___" in res.stdout
    keyed = cli("quiz", *only_good, "--print", "--with-answers", "--seed", "3").stdout
    questions, brk, key = keyed.partition('<div style="page-break-before: always"></div>')
    assert brk and questions.strip() == res.stdout.strip()
    assert "# Answer key" in key and "Marking points:" in key and "Result" in key


def test_print_exam_states_the_time(cli):
    res = cli("quiz", "--exam", "--print", "--seed", "1")
    assert "14 questions" in res.stdout and "120 minutes" in res.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--topic", "cnns"], "--topic"),
        (["--topic", "cnn,nope"], "--topic"),
        (["--kind", "truefalse"], "--kind"),
        (["--feedback", "later"], "--feedback"),
        (["--with-answers"], "--with-answers"),
        (["--print", "--json"], "--print"),
        (["--exam", "--kind", "mcq"], "--kind"),
        (["--no-bundled"], "--no-bundled"),
        (["--bank", "/no/such/dir"], "--bank"),
        (["-n", "0"], "-n"),
    ],
)
def test_quiz_errors_name_the_flag(cli, args, flag):
    cli.error("quiz", *args, flag=flag)


def test_bundled_bank_dir_in_source_tree_and_installed_layout(monkeypatch, tmp_path):
    import dlcalc

    assert (bundled_bank_dir() / "README.md").is_file()
    pkg = tmp_path / "site" / "dlcalc"
    (pkg / "question_bank").mkdir(parents=True)
    monkeypatch.setattr(dlcalc, "__file__", str(pkg / "__init__.py"))
    assert bundled_bank_dir() == (pkg / "question_bank").resolve()


def test_bank_stats_counts_topic_by_kind(cli, only_good):
    res = cli("bank", "stats", *only_good, "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["total"] == 6
    assert data["kinds"] == {"mcq": 4, "calc": 1, "essay": 1}
    assert data["topics"]["cnn"] == {"mcq": 3, "calc": 1, "essay": 1, "total": 5}
    assert data["topics"]["rl"]["total"] == 1 and data["topics"]["intro"]["total"] == 0
    text = cli("bank", "stats", *only_good).stdout
    assert re.search(r"^cnn\s+3\s+1\s+1\s+5$", text, re.M)
    assert re.search(r"^total\s+4\s+1\s+1\s+6$", text, re.M)


def test_bank_stats_of_bundled_bank_adds_up(cli):
    data = json.loads(cli("bank", "stats", "--json").stdout)
    assert data["total"] == sum(t["total"] for t in data["topics"].values()) > 0
