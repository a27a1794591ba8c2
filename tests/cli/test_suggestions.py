"""'Did you mean' on every front: commands, flags, choice values, topics, batch records."""

from __future__ import annotations

import json

import pytest

import dlcalc
from dlcalc.errors import InputError


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["convsize"], "error: unknown command 'convsize' (did you mean conv-size?)"),
        (["bank", "valdate"], "error: unknown command 'valdate' (did you mean validate?)"),
        (
            ["conv-size", "--input", "5", "--kernal", "3"],
            "error: unknown option '--kernal' (did you mean --kernel?)",
        ),
        (
            ["pool", "--input", "1,2;3,4", "--size", "2", "--mode", "maxx"],
            "error: --mode: expected one of max, avg; got 'maxx' (did you mean max?)",
        ),
        (["act", "sigmod", "--x", "1"], "(did you mean sigmoid?)"),
        (
            ["quiz", "--topic", "cnnn", "--print"],
            "error: --topic: unknown topic 'cnnn' (did you mean cnn?)",
        ),
        (["mistakes", "convsize"], "(did you mean conv-size?)"),
        (
            ["conv-size", "--input", "5", "--kernel", "3", "--format", "plian"],
            "(did you mean plain?)",
        ),
        (
            ["batch", "--to", "jsnl"],
            "error: --to: expected jsonl or csv, got 'jsnl' (did you mean jsonl?)",
        ),
        (["--verison"], "error: unknown option '--verison' (did you mean --version?)"),
        (["bank", "validate", "--jsn"], "error: unknown option '--jsn' (did you mean --json?)"),
        (
            ["quiz", "--kind", "mcqq", "--print"],
            "error: --kind: unknown kind 'mcqq' (did you mean mcq?)",
        ),
    ],
)
def test_mistyped_names_get_one_line_with_a_suggestion(cli, args, line):
    got = cli.error(*args)
    assert got == line if line.startswith("error:") else line in got


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["zzzqqq"], "error: unknown command 'zzzqqq' (see 'dlcalc --help')"),
        (
            ["conv-size", "--input", "5", "--zzzzzz", "3"],
            "error: unknown option '--zzzzzz' (see 'dlcalc conv-size --help')",
        ),
    ],
)
def test_without_a_close_match_points_at_help(cli, args, line):
    assert cli.error(*args) == line


def test_batch_record_with_a_mistyped_argument_gets_a_suggestion(cli):
    record = {"op": "conv-size", "args": {"input": 5, "kernal": 3}}
    res = cli("batch", "-", input=json.dumps(record) + "\n")
    out = json.loads(res.stdout.splitlines()[0])
    assert out["error"] == "--kernal: unknown argument for conv-size (did you mean --kernel?)"


def test_batch_unknown_argument_without_match_lists_the_expected_ones(cli):
    record = {"op": "iou", "args": {"a": "0,0,1,1", "b": "0,0,1,1", "qqqqq": 1}}
    res = cli("batch", "-", input=json.dumps(record) + "\n")
    error = json.loads(res.stdout.splitlines()[0])["error"]
    assert error.startswith("--qqqqq: unknown argument for iou (expected --a, --b")


def test_api_choice_suggestion():
    with pytest.raises(InputError, match=r"did you mean max\?"):
        dlcalc.pool(input=[[1, 2], [3, 4]], size=2, mode="maxx")
