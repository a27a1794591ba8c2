"""The one marker: addressing, bare answers, named mistakes, follow-through, and the same
verdict through the CLI, batch, the quiz and the API. Values worked by hand in comments."""

from __future__ import annotations

import json

import pytest

from dlcalc import ops
from dlcalc.errors import InputError

# AlexNet conv1 (slides): out = floor((227 - 11)/4) + 1 = 55; params = (11*11*3 + 1)*96 = 34944;
# MACs = 55*55*96*11*11*3 = 105415200
ALEXNET = {"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96}
# the slides' 4x4 max-pool, size 2 stride 2 -> [[2, 3], [3, 4]]
POOL = {"input": "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "size": 2}


def _items(report):
    return {i["key"]: i for i in report["items"]}


def test_a_forgotten_bias_is_a_named_mistake_never_right():
    report = ops.run("conv-size", ALEXNET).check(params=34848)  # (11*11*3)*96
    (item,) = report["items"]
    assert report["ok"] is False and item["verdict"] == "mistake"
    assert item["mistake"]["id"] == "no-bias"
    assert item["message"].startswith("34848 is 11*11*3*96: the bias is missing")
    assert item["message"].endswith("params = (K*K*C + 1)*N")
    assert item["expected"] == 34944 and item["given"] == 34848


def test_follow_through_from_the_students_own_output_size():
    # out_w = 54 is the +1 forgotten; MACs from it: 54*54*96*11*11*3 = 101616768,
    # wrong against 105415200 but right given the student's own 54
    report = ops.run("conv-size", ALEXNET).check(out_w=54, macs=101616768)
    items = _items(report)
    assert items["out_w"]["verdict"] == "mistake"
    assert items["macs"]["verdict"] == "follow_through"
    assert items["macs"]["message"] == "correct given your out_w = 54 (follow-through)"
    assert items["macs"]["given_earlier"] == {"out_w": 54}
    # the same MACs alone is the +1 forgotten, carried into the MACs
    alone = ops.run("conv-size", ALEXNET).check(macs=101616768)["items"][0]
    assert alone["verdict"] == "mistake" and alone["mistake"]["id"] == "no-plus-one"
    # and a MACs count no rule explains is wrong, with the right value
    other = ops.run("conv-size", ALEXNET).check(macs=101616769)["items"][0]
    assert other["verdict"] == "wrong" and "105415200" in other["message"]


def test_a_bare_answer_goes_to_the_answer_keys_it_fits():
    sol = ops.run("conv-size", {"input": "227x231", "kernel": 11, "stride": 4})
    # out_h = 55, out_w = floor((231 - 11)/4) + 1 = 56
    keys = [i["key"] for i in sol.check("55")["items"]]
    assert set(keys) <= {"out_h", "out_w"} and keys
    with pytest.raises(InputError, match="fits none of the answer keys"):
        sol.check("1,2,3")


def test_elements_and_rows_are_addressable():
    sol = ops.run("pool", POOL)
    assert sol.check("output[0,1]=3")["ok"]
    assert sol.check("output[1][0]=3")["ok"]
    assert not sol.check("output[1,1]=3")["ok"]  # it is 4
    with pytest.raises(InputError, match="out of range"):
        sol.check("output[2,0]=1")
    with pytest.raises(InputError, match="no result or step 'nope'"):
        sol.check("nope=1")


def test_a_wrong_matrix_names_the_elements_that_differ():
    (item,) = ops.run("pool", POOL).check("2,3;4,3")["items"]  # true [[2,3],[3,4]]
    assert item["verdict"] == "wrong"
    assert item["elements"] == [[1, 0], [1, 1]]
    assert "elements [1,0], [1,1] differ" in item["message"]


def test_named_steps_of_the_working_are_addressable():
    sol = ops.run("conv-size", ALEXNET)
    assert sol.check("macs=105415200")["ok"]  # a step and a result of the same name
    assert [s.name for s in sol.steps][:2] == ["out_w", "params"]


def test_tolerance_replaces_the_written_precision():
    sol = ops.run("arch", {"name": "resnet50"})
    assert not sol.check(total_params=25.6e6)["ok"]  # a count is exact
    (item,) = sol.check(total_params=25.6e6, tol=0.01)["items"]
    assert item["verdict"] == "right" and item["precision"] == "within 0.01 relative"


# ---------------------------------------------------------------- one verdict, every front


CASES = [
    ("conv-size", ALEXNET, "params", 34848, "mistake"),
    ("conv-size", ALEXNET, "params", 34944, "right"),
    ("conv-size", ALEXNET, "out_w", 54, "mistake"),
    ("conv-size", ALEXNET, "macs", 105415201, "wrong"),
    ("vanishing", {"factor": 1.01, "steps": 1000}, "value", "2.10e4", "right"),
    ("vanishing", {"factor": 1.01, "steps": 1000}, "value", "21000", "wrong"),
    ("pool", POOL, "output", "2,3;3,4", "right"),
]


@pytest.mark.parametrize(("op", "args", "key", "answer", "verdict"), CASES)
def test_the_same_answer_gets_the_same_verdict_everywhere(cli, op, args, key, answer, verdict):
    from dlcalc.batch import run_record
    from dlcalc.quiz.grading import check as quiz_check

    api = ops.run(op, args).check(**{key: answer})["items"][0]
    flags = []
    for name, value in args.items():
        flags += [ops.get(op).param(name).flag, str(value)]
    res = cli(op, *flags, "--check", f"{key}={answer}", "--json")
    via_cli = json.loads(res.stdout)["check"]["items"][0]
    via_batch = run_record(1, {"op": op, "args": args, "check": {key: answer}})["check"]
    from pathlib import Path

    from dlcalc.quiz.bank import Question
    from dlcalc.quiz.generate import Item

    solution = ops.run(op, args)
    item = Item(
        question=Question(data={"id": "q", "kind": "calc", "answer_key": key}, file=Path("q")),
        prompt="",
        answer=solution[key],
        solution=solution,
    )
    via_quiz = quiz_check(item, str(answer))["items"][0]
    verdicts = {api["verdict"], via_cli["verdict"], via_batch["items"][0]["verdict"]}
    assert verdicts == {verdict} and via_quiz["verdict"] == verdict
    assert res.exit_code == (0 if verdict == "right" else 1)
    assert api["message"] == via_cli["message"] == via_quiz["message"]


def test_cli_report_names_the_slip_and_marks_the_working(cli):
    res = cli(*_flags("conv-size", ALEXNET), "--check", "params=34848", "--format", "plain")
    assert res.exit_code == 1
    first = res.stdout.splitlines()[0]
    assert first.startswith("mistake") and "the bias is missing" in first
    assert "Parameters <-- your working leaves the correct path here" in res.stdout
    assert "x you wrote params = 34848: mistake" in res.stdout


def test_batch_check_object_is_json(cli):
    line = {"op": "conv-size", "args": ALEXNET, "check": {"params": 34848}}
    res = cli("batch", "-", input=json.dumps(line) + "\n")
    record = json.loads(res.stdout)
    assert record["ok"] is True and record["check"]["items"][0]["mistake"]["id"] == "no-bias"


def test_batch_check_must_be_an_object():
    from dlcalc.batch import run_record

    record = run_record(1, {"op": "conv-size", "args": ALEXNET, "check": [55]})
    assert record["ok"] is False and '"check"' in record["error"]


def _flags(op, args):
    out = [op]
    for name, value in args.items():
        out += [ops.get(op).param(name).flag, str(value)]
    return out
