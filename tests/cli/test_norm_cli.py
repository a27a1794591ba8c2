"""bn and bn-infer through the CLI, in-process: JSON keys, repeated --batch, errors."""

from __future__ import annotations

import json
import math

import pytest

BATCH = "1,2; 3,6; 5,4"


def test_bn_json_keys_and_values(cli):
    data = cli.json("bn", "--input", BATCH, "--eps", "0")
    assert data["command"] == "bn"
    result = data["result"]
    assert list(result)[:4] == ["mean", "var", "x_hat", "output"]
    # mu = [3, 4], var = [8/3, 8/3] (worked out in tests/engine/test_norm.py)
    assert result["mean"] == [3, 4]
    assert result["var"] == pytest.approx([8 / 3, 8 / 3])
    r = math.sqrt(1.5)
    assert result["x_hat"][0] == pytest.approx([-r, -r])
    titles = [s["title"] for s in data["steps"]]
    assert "Mini-batch mean (feature 1)" in titles and "Scale and shift (feature 2)" in titles


def test_bn_4d_json_input(cli):
    x = json.dumps([[[[1, 3]], [[0, 2]]], [[[5, 7]], [[2, 4]]]])
    data = cli.json("bn", "--input", x, "--eps", "0")
    assert data["result"]["mean"] == [4, 2]
    assert data["result"]["var"] == [5, 2]
    assert any("per channel" in n for n in data["notes"])


def test_bn_plain_working_shows_sums(cli):
    res = cli("bn", "--input", BATCH, "--format", "plain")
    assert res.exit_code == 0
    assert "(1/3)(1 + 3 + 5)" in res.stdout
    assert "(1/3)((1 - 3)^2 + (3 - 3)^2 + (5 - 3)^2)" in res.stdout


def test_bn_check_primary_is_output(cli):
    # the answer key is the normalised output (issue 15): x = [1, 3], mu = 2, var = 1, eps 0:
    # x_hat = y = [-1, 1]
    assert cli("bn", "--input", "1,3", "--eps", "0", "--check", "-1,1").exit_code == 0
    # one number fits no answer key of two values: an error naming --check and the shapes
    line = cli.error("bn", "--input", "1,3", "--eps", "0", "--check", "2", flag="--check")
    assert "output (2 values)" in line
    assert cli("bn", "--input", BATCH, "--check", "mean=3,4").exit_code == 0
    assert cli("bn", "--input", BATCH, "--check", "var=2.667,2.667").exit_code == 0
    assert cli("bn", "--input", BATCH, "--check", "0,0; 0,0; 0,0").exit_code == 1


def test_bn_infer_repeated_batch(cli):
    data = cli.json("bn-infer", "--batch", "1,2,3", "--batch", "2,4,6", "--eps", "0", "--x", "1")
    result = data["result"]
    # E = 3, Var = 3/2 * 5/3 = 2.5; y(1) = (1 - 3)/sqrt(2.5) = -1.264911
    assert result["mean"] == 3 and result["var"] == pytest.approx(2.5)
    assert result["output"] == pytest.approx([-1.264911], rel=1e-6)
    assert any("Algorithm 2" in n for n in data["notes"])
    assert any(s["formula"] == "Var[x] = m/(m-1) E_B[sigma_B^2]" for s in data["steps"])


def test_bn_infer_momentum_says_which(cli):
    data = cli.json("bn-infer", "--batch", "1,2,3", "--batch", "2,4,6", "--momentum", "0.1")
    assert data["result"]["mean"] == pytest.approx(0.58)
    assert data["result"]["var"] == pytest.approx(1.3)
    assert any("running averages with momentum 0.1" in n for n in data["notes"])


def test_bn_infer_plain_has_table(cli):
    res = cli("bn-infer", "--batch", BATCH, "--batch", "2,0; 4,2; 6,4", "--format", "plain")
    assert res.exit_code == 0
    assert "Mini-batch statistics" in res.stdout and "3/2 * [2.66667, 2.66667]" in res.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("bn", "--input", BATCH, "--gamma", "1,2,3"), "--gamma"),
        (("bn", "--input", BATCH, "--beta", "1,2,3"), "--beta"),
        (("bn", "--input", BATCH, "--eps", "-1"), "--eps"),
        (("bn", "--input", "1,5; 3,5", "--eps", "0"), "--eps"),  # zero variance, eps 0
        (("bn", "--input", "1,2;3"), "--input"),
        (("bn",), "--input"),
        (("bn-infer", "--batch", "1,2; 3,4", "--batch", "1,2,3; 4,5,6"), "--batch"),
        (("bn-infer", "--batch", "[[1,2]]"), "--batch"),  # m = 1
        (("bn-infer", "--batch", BATCH, "--x", "1,2,3"), "--x"),
        (("bn-infer", "--batch", BATCH, "--momentum", "2"), "--momentum"),
        (("bn-infer",), "--batch"),
    ],
)
def test_errors_name_the_flag(cli, args, flag):
    cli.error(*args, flag=flag)


def test_bn_infer_vector_batch_is_one_feature(cli):
    # 0,2 is m = 2 values of one feature: mu 1, biased var 1, Var = 2/1 * 1 = 2
    result = cli.json("bn-infer", "--batch", "0,2")["result"]
    assert result["mean"] == 1 and result["var"] == 2


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_formats(cli, fmt):
    res = cli(
        "bn-infer", "--batch", BATCH, "--batch", "2,0; 4,2; 6,4", "--x", "3,3", "--format", fmt
    )
    assert res.exit_code == 0 and "shift" in res.stdout.lower()
