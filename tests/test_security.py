"""Hostile input (issue 11): nothing typed, read or loaded from a bank runs as code."""

from __future__ import annotations

import json
import os

import pytest

HOSTILE_EXPRESSIONS = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__bases__[0].__subclasses__()",
    'exec(\'open("{marker}", "w")\')',
    "eval('1')",
    "x.__class__",
    "lambda: 0",
    "'a'*10**9",
    "9**9**9",
    "[x for x in range(10**9)]",
    "open('{marker}', 'w')",
    "x; import os",
    "globals()",
    "sympify('x')",
]


@pytest.mark.parametrize("expr", HOSTILE_EXPRESSIONS)
def test_hostile_expressions_are_refused(cli, tmp_path, expr):
    marker = tmp_path / "pwned"
    cli.error("optim", "sgd", "--f", expr.format(marker=marker), "--start", "1", flag="--f")
    assert not marker.exists()


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd",
        "/etc/passwd",
        "/etc/shadow.csv",
        "~/.ssh/id_rsa",
        "",
        "@",
        "/dev/stdin",
    ],
)
def test_hostile_file_names_are_clear_errors(cli, name):
    cli.error("pool", "--input", f"@{name}", "--size", "1", flag="--input")


def test_special_files_are_not_read(cli, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block forever
    msg = cli.error("pool", "--input", f"@{fifo}", "--size", "1", flag="--input")
    assert "not a regular file" in msg
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")  # reading it would never end
    assert "not a regular file" in cli.error("pool", "--input", f"@{link}", "--size", "1")


def test_a_bank_file_cannot_run_code(cli, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    mcq = tmp_path / "evil_mcq.toml"
    mcq.write_text(
        f"""
[[question]]
id = "evil-mcq-1"
kind = "mcq"
topic = "cnn"
prompt = "{payload}"
choices = ["{payload}", "b", "c", "d"]
answer = "A"
explanation = "{payload}"
"""
    )
    calc = tmp_path / "evil_calc.toml"
    calc.write_text(
        f"""
[[question]]
id = "evil-calc-1"
kind = "calc"
topic = "cnn"
prompt = "{{input}}"
op = "conv-size"
answer_key = "out_w"
[question.params]
input = ["{payload}"]
[question.fixed]
kernel = 3
"""
    )
    res = cli("bank", "validate", str(calc))
    assert res.exit_code == 1  # the parameter is not a size: reported, not run
    assert "evil-calc-1" in res.stdout + res.stderr
    res = cli("quiz", "--no-bundled", "--bank", str(mcq), "--seed", "1", input="A\n")
    assert res.exit_code == 0, res.stderr
    assert payload in res.stdout  # shown as text
    assert not marker.exists()


def test_npy_pickle_and_object_arrays_refused(cli, tmp_path):
    import numpy as np

    path = tmp_path / "evil.npy"
    np.save(path, np.array([object()], dtype=object), allow_pickle=True)
    assert "pickle" in cli.error("pool", "--input", f"@{path}", "--size", "1", flag="--input")


def test_batch_records_cannot_name_files_to_write(cli, tmp_path):
    # batch only writes where --out says; a record's arguments are inputs, never outputs
    target = tmp_path / "x.csv"
    args = {"input": "1,2;3,4", "size": 1, "out": str(target)}
    record = json.dumps({"op": "pool", "args": args})
    res = cli("batch", input=record + "\n")
    assert res.exit_code == 1 and "--out" in res.stdout
    assert not target.exists()
