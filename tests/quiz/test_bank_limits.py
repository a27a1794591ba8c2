"""Bank loading limits and hygiene (issue 17 defects 7, 10, 13)."""

from __future__ import annotations

import pytest

from dlcalc.quiz import generate
from dlcalc.quiz.bank import BankError, load_file

CALC = """
[[question]]
id = "x-calc"
kind = "calc"
topic = "cnn"
prompt = "Input {input}: output width?"
op = "conv-size"
answer_key = "out_w"
tolerance = 0
fixed = { kernel = 3 }
[question.params]
input = { min = 3, max = 10000 }
[question.require]
out_w = { min = 1000000 }
"""


def test_deep_toml_is_a_bank_error_not_a_crash(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "1" + "]" * 5000 + "\n")
    with pytest.raises(BankError, match="nested"):
        load_file(path)
    within = tmp_path / "d40.toml"  # 40 levels: parses, but over the 32-level limit
    within.write_text("x = " + "[" * 40 + "1" + "]" * 40 + "\n")
    with pytest.raises(BankError, match="32 levels"):
        load_file(within)


def test_cli_deep_toml_exit_2(cli, tmp_path):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 5000 + "1" + "]" * 5000 + "\n")
    res = cli("bank", "validate", str(tmp_path))
    assert res.exit_code in (1, 2), (res.exit_code, res.stderr)
    assert "nested" in res.stdout + res.stderr


def test_ansi_escapes_stripped_from_bank_text(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(
        '[[question]]\nid = "a"\nkind = "essay"\ntopic = "cnn"\n'
        'prompt = "Explain\\u001b[2J\\u001b]0;owned\\u0007 pooling.\\nWhy?"\n'
    )
    (q,) = load_file(path)
    assert q.prompt == "Explain pooling.\nWhy?"  # newline kept, escapes gone


def test_unmet_require_is_bounded_in_time(tmp_path, monkeypatch):
    path = tmp_path / "b.toml"
    path.write_text(CALC)
    (q,) = load_file(path)
    import time

    from dlcalc import ops

    real = ops.run

    def slow(*a, **kw):  # an op taking 0.1 s per draw: 200 draws would take 20 s
        time.sleep(0.1)
        return real(*a, **kw)

    monkeypatch.setattr(ops, "run", slow)
    monkeypatch.setattr(generate, "DRAW_SECONDS", 0.5)
    import random

    start = time.monotonic()
    with pytest.raises(generate.DrawError, match="0.5 s"):
        generate.draw_calc(q, random.Random(0))
    assert time.monotonic() - start < 2


def test_unmet_require_validation_error(cli, tmp_path):
    (tmp_path / "b.toml").write_text(CALC)
    res = cli("bank", "validate", str(tmp_path))
    assert res.exit_code == 1 and "require: cannot be met" in res.stdout + res.stderr
