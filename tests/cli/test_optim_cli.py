"""optim and optim compare through the CLI, in-process: JSON keys, working, errors."""

from __future__ import annotations

import numpy as np
import pytest


def test_optim_json_keys_and_values(cli):
    data = cli.json("optim", "sgd", "--f", "x^2", "--start", "1", "--lr", "0.1", "--steps", "2")
    assert data["command"] == "optim"
    result = data["result"]
    assert list(result)[:3] == ["trajectory", "grads", "values"]
    # x1 = 1 - 0.1*2 = 0.8, x2 = 0.8 - 0.1*1.6 = 0.64
    np.testing.assert_allclose(result["trajectory"], [[1], [0.8], [0.64]], rtol=1e-12)
    np.testing.assert_allclose(result["grads"], [[2], [1.6]], rtol=1e-12)
    assert result["values"] == pytest.approx([1, 0.64, 0.4096])
    for step in data["steps"]:  # a step named for checking (issue 15) also has its name
        assert set(step) - {"name"} == {"title", "formula", "substituted", "value"}
    named = [(s["name"], s["value"]) for s in data["steps"] if "name" in s]
    assert ("trajectory", 0.8) in named and ("grads", 2) in named


def test_optim_with_given_grads_two_params(cli):
    # momentum lr 0.1 gamma 0.5: v1 = 0.1*[1, 2] = [0.1, 0.2], th1 = [0.9, 0.8]
    # v2 = 0.5*[0.1, 0.2] + 0.1*[2, -2] = [0.25, -0.1], th2 = [0.65, 0.9]
    data = cli.json(
        "optim", "momentum", "--params", "1,1", "--grads", "1,2; 2,-2",
        "--lr", "0.1", "--momentum", "0.5",
    )  # fmt: skip
    expected = [[1, 1], [0.9, 0.8], [0.65, 0.9]]
    np.testing.assert_allclose(data["result"]["trajectory"], expected, rtol=1e-12)
    assert "values" not in data["result"]


def test_optim_vars_orders_columns(cli):
    data = cli.json(
        "optim", "sgd", "--f", "x^2 + 10*y^2", "--vars", "y,x", "--start", "1,2",
        "--lr", "0.01", "--steps", "1",
    )  # fmt: skip
    # y = 1: 1 - 0.01*20 = 0.8; x = 2: 2 - 0.01*4 = 1.96
    assert data["result"]["trajectory"][1] == pytest.approx([0.8, 1.96])


def test_optim_plain_working(cli):
    res = cli(
        "optim", "adam", "--f", "x^2", "--start", "1", "--steps", "2", "--format", "plain",
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "Gradient (derived once)" in out and "2*x" in out
    assert "m_1 = beta1 m_0 + (1 - beta1) g_1" in out
    assert "0.9*0 + (1 - 0.9)*2" in out
    assert "Trajectory" in out


def test_optim_adam_bias_correction_flag(cli):
    base = ("optim", "adam", "--params", "0.5", "--grads", "0.2", "--lr", "0.1")
    # the slides: m = 0.1*0.2 = 0.02, v = 0.001*0.04 = 0.00004,
    # theta_1 = 0.5 - 0.1*0.02/sqrt(0.00004 + 1e-8)
    data = cli.json(*base)
    slides = 0.5 - 0.1 * 0.02 / (0.00004 + 1e-8) ** 0.5
    assert data["result"]["final"] == pytest.approx([slides], rel=1e-12)
    # --bias-correction: m_hat = 0.02/0.1 = 0.2, v_hat = 0.00004/0.001 = 0.04,
    # theta_1 = 0.5 - 0.1*0.2/(sqrt(0.04) + 1e-8) = 0.5 - 0.02/0.20000001
    data = cli.json(*base, "--bias-correction")
    assert data["result"]["final"] == pytest.approx([0.5 - 0.02 / (0.2 + 1e-8)], rel=1e-12)
    assert data["inputs"]["bias_correction"] is True


def test_optim_pytorch_convention_flag(cli):
    data = cli.json(
        "optim", "adagrad", "--f", "x^2", "--start", "1", "--steps", "1",
        "--convention", "pytorch",
    )  # fmt: skip
    # torch Adagrad defaults: lr 0.01, eps 1e-10 outside the root: 1 - 0.01*2/(2 + 1e-10)
    assert data["result"]["trajectory"][1][0] == pytest.approx(1 - 0.02 / (2 + 1e-10), rel=1e-14)
    assert data["result"]["hyperparameters"]["eps"] == 1e-10


def test_optim_check_final(cli):
    base = ("optim", "sgd", "--f", "x^2", "--start", "1", "--lr", "0.1", "--steps", "2")
    assert cli(*base, "--check", "final=0.64").exit_code == 0
    assert cli(*base, "--check", "final=0.7").exit_code == 1


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["optim", "nag", "--params", "1", "--grads", "1,2"], "--grads"),
        (["optim", "adam", "--f", "__import__('os').system('true')", "--start", "1"], "--f"),
        (["optim", "adam", "--f", "x.__class__", "--start", "1"], "--f"),
        (["optim", "adam", "--f", "9**9**9*x", "--start", "1"], "--f"),
        (["optim", "adam", "--f", "x^2 + y^2", "--start", "1"], "--start"),
        (["optim", "adam", "--f", "x^2", "--start", "1", "--steps", "1000000"], "--steps"),
        (["optim", "adam", "--f", "x^2", "--start", "1", "--beta2", "1"], "--beta2"),
        (["optim", "adam", "--f", "x^2", "--start", "1", "--momentum", "2"], "--momentum"),
        (["optim", "adamw", "--f", "x^2", "--start", "1"], "adamw"),
        (["optim", "sgd"], "--f"),
        (["optim", "compare", "--f", "x^2", "--start", "1", "--optimizers", "lbfgs"],
         "--optimizers"),
    ],
)  # fmt: skip
def test_errors_name_the_flag(cli, args, flag):
    cli.error(*args, flag=flag)


def test_divergence_is_one_error_line(cli):
    line = cli.error("optim", "sgd", "--f", "x^2", "--start", "1", "--lr", "2", "--steps", "2000")
    assert "diverged" in line and "nan" not in line.lower()


def test_compare_alias_json(cli):
    data = cli.json(
        "optim", "compare", "--f", "x^2 + 10*y^2", "--start", "1,1", "--steps", "20",
        "--optimizers", "sgd,adam", "--lr", "0.05",
    )  # fmt: skip
    assert data["command"] == "optim-compare"
    final = data["result"]["final"]
    assert list(final) == ["sgd", "adam"]
    # sgd lr 0.05: y hits 0 after one step, x <- 0.9 x: f = 0.9^40
    assert final["sgd"] == pytest.approx(0.9**40)
    assert data["result"]["best"] in final


def test_compare_plot_json_still_one_object(cli):
    data = cli.json(
        "optim", "compare", "--f", "x^2", "--start", "1", "--steps", "5", "--plot",
    )  # fmt: skip
    assert set(data["result"]["final"]) == {
        "sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam",
    }  # fmt: skip


def test_compare_plot_draws_paths_and_curves(cli):
    res = cli(
        "optim", "compare", "--f", "x^2 + 10*y^2", "--start", "1,1", "--steps", "10",
        "--optimizers", "sgd,adam", "--plot", "--format", "plain",
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert "Paths from theta_0" in res.stdout and "f(theta_t) over 10 steps" in res.stdout
    assert "\x1b[" not in res.stdout


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_every_format_renders(cli, fmt):
    res = cli("optim", "nag", "--f", "x^2 + y^2", "--start", "1,2", "--steps", "4", "--format", fmt)
    assert res.exit_code == 0, res.stderr
    assert "look-ahead" in res.stdout


def test_check_on_a_table_valued_key_is_an_error_not_a_crash(cli):
    # issue 17 defect 5: a dict-valued result key used to exit 70 (TypeError)
    cli.error(
        "optim",
        "adam",
        "--f",
        "x^2",
        "--start",
        "1",
        "--check",
        "hyperparameters=1",
        flag="--check",
    )


def test_optim_compare_budget_counts_every_optimizer(cli):
    # 100,000 steps x 2 variables x 7 optimizers = 1.4M updates: refused before any runs
    line = cli.error(
        "optim", "compare", "--f", "x^2+y^2", "--start", "1,1", "--steps", "100000", flag="--steps"
    )
    assert "7 optimizers" in line and "350,000" in line
    # the same steps for one optimizer of one variable fit: 100,000 x 1 x 1
    res = cli("optim", "compare", "--f", "x^2", "--start", "1", "--steps", "20000",
              "--optimizers", "sgd", "--json")  # fmt: skip
    assert res.exit_code == 0
