"""pca and cca through the CLI, in-process: JSON keys, --exact, --check, files, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

DATA = "1,0; 2,3; 4,2; 5,3"  # hand-worked in tests/engine/test_pca.py
L1, L2 = 2 + math.sqrt(29) / 4, 2 - math.sqrt(29) / 4
PCA_KEYS = [
    "mean",
    "scatter",
    "eigenvalues",
    "components",
    "projected",
    "explained_variance_ratio",
    "reconstruction_error",
]
X = "1,2; 2,1; 3,4; 4,3; 5,6"
Y = "2,1; 3,3; 3,2; 6,5; 5,4"


def test_pca_json(cli):
    data = cli.json("pca", "--data", DATA, "--k", "1")
    assert data["command"] == "pca"
    res = data["result"]
    assert list(res)[: len(PCA_KEYS)] == PCA_KEYS
    assert res["mean"] == [3, 2]
    assert res["eigenvalues"] == pytest.approx([L1, L2])
    assert len(res["components"]) == 1 and len(res["components"][0]) == 2
    assert len(res["projected"]) == 4 and len(res["projected"][0]) == 1
    assert res["reconstruction_error"] == pytest.approx(L2)
    assert data["inputs"]["k"] == 1
    for step in data["steps"]:
        assert set(step) == {"title", "formula", "substituted", "value"}


def test_pca_exact_json_keeps_floats_and_adds_strings(cli):
    res = cli.json("pca", "--data", DATA, "--exact")["result"]
    assert res["eigenvalues"] == pytest.approx([L1, L2])
    assert res["scatter_exact"] == [["5/2", "5/4"], ["5/4", "3/2"]]
    assert all("sqrt(29)" in s for s in res["eigenvalues_exact"])


def test_pca_plain_working(cli):
    res = cli("pca", "--data", DATA, "--format", "plain", "--exact")
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "lambda^2 - 4 lambda + 2.1875 = 0" in out
    assert "35/16" in out and "sqrt(29)/4" in out
    assert "sum of the discarded eigenvalues" in out
    assert "\x1b[" not in out


@pytest.mark.parametrize(
    ("checks", "code"),
    [
        # 2 +- sqrt(29)/4 = 2 +- 1.346291
        (["--check", "eigenvalues=3.346,0.654"], 0),
        (["--check", "reconstruction_error=0.654"], 0),
        (["--check", "reconstruction_error=0.7"], 1),
        (["--check", "mean=3,2"], 0),  # the answer keys are now components and eigenvalues
        # u1 = (5, sqrt(29) - 2)/sqrt(58 - 4 sqrt(29)) = (5, 3.385165)/6.038157 = (0.828, 0.561)
        (["--check", "components=0.828,0.561"], 0),
        (["--check", "components=-0.828,-0.561"], 1),  # sign rule: largest entry positive
    ],
)
def test_pca_check(cli, checks, code):
    res = cli("pca", "--data", DATA, *checks)
    assert res.exit_code == code, res.stdout + res.stderr


def test_pca_project(cli):
    res = cli.json("pca", "--data", DATA, "--project", "3,3")["result"]
    assert len(res["projection"]) == 1 and len(res["reconstruction"]) == 2
    # z = (3,3) - m = (0, 1); u1 = (5, sqrt29 - 2)/n1 with n1 = sqrt(58 - 4 sqrt29) = 6.038157
    # y = u1 . z = (sqrt29 - 2)/n1 = 0.560629; x_hat = m + y u1 = (3.464238, 2.314305)
    # error = (u2 . z)^2 = (5/n1)^2 = 25/36.459341 = 0.685695
    r29 = math.sqrt(29)
    n1 = math.sqrt(58 - 4 * r29)
    y = (r29 - 2) / n1
    assert res["projection"] == pytest.approx([y])
    assert res["reconstruction"] == pytest.approx([3 + y * 5 / n1, 2 + y * (r29 - 2) / n1])
    assert res["projection_error"] == pytest.approx(25 / n1**2)


def test_pca_plot_flag_accepted(cli):
    data = cli.json("pca", "--data", DATA, "--plot")
    assert "plots" not in data  # plots are drawn, not serialised
    res = cli("pca", "--data", DATA, "--plot", "--format", "plain")
    assert res.exit_code == 0, res.stderr
    assert "principal axis" in res.stdout


def test_pca_npy_file(cli, tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "x.npy"
    np.save(path, rng.normal(size=(300, 6)))
    data = cli.json("pca", "--data", f"@{path}", "--k", "2")
    assert len(data["result"]["projected"]) == 300
    assert sum(data["result"]["eigenvalues"]) == pytest.approx(
        float(np.trace(np.cov(np.load(path), rowvar=False, bias=True)))
    )
    # the working summarises big arrays instead of listing every row
    assert any(isinstance(s["value"], str) and "300 x 2" in s["value"] for s in data["steps"])


def test_cca_json(cli):
    data = cli.json("cca", "--x", X, "--y", Y, "--k", "2")
    res = data["result"]
    assert list(res)[:6] == ["sxx", "syy", "sxy", "correlations", "u", "v"]
    assert res["sxx"] == [[2, 2], [2, pytest.approx(2.96)]]
    # rho^2 are the eigenvalues of S_xx^-1 S_xy S_yy^-1 S_yx for the hand-worked S's of
    # tests/engine/test_cca.py: (221 +- 17 sqrt(19))/300 -> rho = 0.991802, 0.699759
    rho = [math.sqrt((221 + sign * 17 * math.sqrt(19)) / 300) for sign in (1, -1)]
    assert res["correlations"] == pytest.approx(rho)


def test_cca_exact(cli):
    res = cli.json("cca", "--x", X, "--y", Y, "--exact")["result"]
    assert res["sxy_exact"] == [["9/5", "8/5"], ["31/25", "4/5"]]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("pca", "--data", DATA, "--k", "3"), "--k"),
        (("pca", "--data", DATA, "--k", "0"), "--k"),
        (("pca", "--data", "1,2,3"), "--data"),
        (("pca", "--data", "1,2; 1,2"), "--data"),
        (("pca", "--data", "1,2; 3,x"), "--data"),
        (("pca", "--data", "1,2; 3"), "--data"),
        (("pca", "--data", DATA, "--project", "1,2,3"), "--project"),
        (("pca", "--data", "1,2; 1,3; 1,4", "--standardize"), "--standardize"),
        (("pca", "--data", "1,2,3; 4,5,7; 1,0,0", "--plot"), "--plot"),
        (("pca", "--data", "1;2;3;4;5;6;7", "--exact"), "--exact"),
        (("pca", "--data", "0.123456789,1; 2,3", "--exact"), "--exact"),
        (("cca", "--x", X, "--y", "1,2; 3,4"), "--y"),
        (("cca", "--x", X, "--y", Y, "--k", "3"), "--k"),
        (("cca", "--x", X, "--y", Y, "--reg", "-1"), "--reg"),
        (("cca", "--x", "1,2; 2,4; 3,6; 4,8", "--y", "1;3;2;5"), "--reg"),
        (("cca", "--x", "1,2; 2,4; 3,6; 4,8", "--y", "1;3;2;5"), "condition number"),
    ],
)
def test_errors(cli, args, flag):
    cli.error(*args, flag=flag)


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex"])
def test_formats(cli, fmt):
    for args in (("pca", "--data", DATA, "--exact"), ("cca", "--x", X, "--y", Y)):
        res = cli(*args, "--format", fmt)
        assert res.exit_code == 0, res.stderr


def test_op_examples_run(cli):
    from dlcalc import ops

    for name in ("pca", "cca"):
        op = ops.get(name)
        sol = ops.run(name, op.example)
        assert list(sol.result)[: len(op.result_keys)] == list(op.result_keys)
