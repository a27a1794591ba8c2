"""Multilayer-network commands through the CLI, in-process: JSON keys, --check, errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

MAZUR = (
    "--x", "0.05,0.1",
    "--w1", "0.15,0.2; 0.25,0.3",
    "--b1", "0.35,0.35",
    "--w2", "0.4,0.45; 0.5,0.55",
    "--b2", "0.6,0.6",
)  # fmt: skip


def test_act_positional_name_and_keys(cli):
    data = cli.json("act", "sigmoid", "--x", "0")
    assert data["command"] == "act"
    assert data["result"] == {"value": 0.5, "derivative": 0.25}


def test_act_negative_values_and_leaky_alpha(cli):
    data = cli.json("act", "leaky-relu", "--x", "-2,3", "--alpha", "0.1")
    assert data["result"]["value"] == pytest.approx([-0.2, 3.0])
    assert data["result"]["derivative"] == pytest.approx([0.1, 1.0])


def test_act_large_inputs_finite(cli):
    data = cli.json("act", "sigmoid", "--x", "-1e4,1e4")
    assert data["result"]["value"] == [0.0, 1.0]


def test_act_plot_flag_accepted(cli):
    data = cli.json("act", "tanh", "--x", "0", "--plot", "--range=-2,2")
    assert data["result"]["value"] == 0.0


def test_act_working_shows_sigmoid_derivative(cli):
    res = cli("act", "sigmoid", "--x", "0.5", "--format", "plain")
    assert res.exit_code == 0
    assert "1/(1 + e^(-0.5))" in res.stdout
    assert "0.622459*(1 - 0.622459)" in res.stdout


def test_act_check(cli):
    assert cli("act", "sigmoid", "--x", "0", "--check", "0.5").exit_code == 0
    assert cli("act", "sigmoid", "--x", "0", "--check", "derivative=0.25").exit_code == 0
    assert cli("act", "sigmoid", "--x", "0", "--check", "0.6").exit_code == 1


def test_act_unknown_name(cli):
    line = cli.error("act", "swish", "--x", "1")
    assert "sigmoid" in line


def test_perceptron_and(cli):
    data = cli.json("perceptron", "--data", "0,0; 0,1; 1,0; 1,1", "--labels", "0,0,0,1")
    assert data["result"] == {
        "weights": [-3, 2, 1],
        "converged": True,
        "epochs": 6,
        "mistakes": [2, 3, 3, 2, 1, 0],
    }


def test_perceptron_xor_note(cli):
    res = cli("perceptron", "--data", "0,0; 0,1; 1,0; 1,1", "--labels", "0,1,1,0", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["result"]["converged"] is False
    assert any("not linearly separable" in n for n in data["notes"])


def test_perceptron_errors(cli):
    cli.error("perceptron", "--data", "0,0; 1,1", "--labels", "1,0,1", flag="--labels")
    cli.error("perceptron", "--data", "0,0; 1,1", "--labels", "1,0", "--weights", "1",
              flag="--weights")  # fmt: skip


def test_forward_keys(cli):
    data = cli.json("forward", *MAZUR)
    assert list(data["result"]) == ["net_hidden", "y", "net_out", "z"]
    # M. Mazur, "A Step by Step Backpropagation Example" (2015): out_o1, out_o2
    assert data["result"]["z"] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)


def test_backprop_mazur(cli):
    data = cli.json("backprop", *MAZUR, "--target", "0.01,0.99", "--lr", "0.5")
    res = data["result"]
    # published figures of Mazur (2015), see tests/engine/test_mlp.py: E_total, w5+
    for key in ("loss", "delta_out", "delta_hidden", "dw2", "db2", "dw1", "db1",
                "w2_new", "b2_new", "w1_new", "b1_new"):  # fmt: skip
        assert key in res
    assert res["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert res["w2_new"][0][0] == pytest.approx(0.35891648, abs=1e-8)
    # the answer keys are the updated weights (issue 15): the loss is checked by name
    code = cli("backprop", *MAZUR, "--target", "0.01,0.99", "--lr", "0.5", "--check", "loss=0.2984")
    assert code.exit_code == 0
    w5_w8 = "w2_new=0.3589,0.4087;0.5113,0.5614"  # Mazur's w5..w8
    code = cli("backprop", *MAZUR, "--target", "0.01,0.99", "--lr", "0.5", "--check", w5_w8)
    assert code.exit_code == 0


def test_backprop_working_per_unit(cli):
    res = cli("backprop", *MAZUR, "--target", "0.01,0.99", "--lr", "0.5", "--format", "plain")
    assert res.exit_code == 0
    assert "(0.01 - 0.751365) * 0.751365*(1 - 0.751365)" in res.stdout
    assert "delta_j = f'(net_j) sum_k w_kj delta_k" in res.stdout


def test_forward_shape_error(cli):
    line = cli.error(
        "forward", "--x", "1,2,3", "--w1", "1,1,1;1,1,1;1,1,1;1,1,1", "--b1", "0,0,0,0",
        "--w2", "1,1;1,1;1,1;1,1", "--b2", "0,0",
    )  # fmt: skip
    assert line == "error: --w2: expected 2x4 (outputs x hidden), got 4x2"


def test_backprop_missing_target(cli):
    cli.error("backprop", *MAZUR, "--lr", "0.5", flag="--target")


def test_bad_activation_choice(cli):
    cli.error("forward", *MAZUR, "--act", "swish", flag="--act")


def test_init_xavier(cli):
    data = cli.json("init", "xavier", "--fan-in", "400", "--fan-out", "300")
    assert data["result"]["bound"] == pytest.approx(math.sqrt(6 / 700))
    # sqrt(6/700) = 0.092582, within 1 % of 0.0926
    assert cli("init", "xavier", "--fan-in", "400", "--fan-out", "300",
               "--check", "0.0926").exit_code == 0  # fmt: skip


def test_init_errors(cli):
    cli.error("init", "xavier", "--fan-in", "400", flag="--fan-out")
    cli.error("init", "lecun", "--fan-in", "400")
    cli.error("init", "he", "--fan-in", "0", flag="--fan-in")


def test_dropout_conventions(cli):
    base = ("dropout", "--input", "1,2,3,4", "--mask", "1,0,1,0")
    assert cli.json(*base, "--p", "0.5")["result"] == {
        "output": [1, 0, 3, 0],
        "mask": [1, 0, 1, 0],
        "scale": 0.5,
    }
    res = cli.json(*base, "--p", "0.5", "--convention", "pytorch")["result"]
    assert res["output"] == [2, 0, 6, 0] and res["scale"] == 2.0


def test_dropout_seed_and_errors(cli):
    data = cli.json("dropout", "--input", "1,2,3,4", "--p", "0.5", "--seed", "3")
    # seeded masks are numpy's default_rng(seed).random(n) < keep probability (lecture: p)
    mask = (np.random.default_rng(3).random(4) < 0.5).astype(int).tolist()
    assert data["result"]["mask"] == mask
    assert data["result"]["output"] == [m * v for m, v in zip(mask, [1, 2, 3, 4], strict=True)]
    cli.error("dropout", "--input", "1,2,3,4", "--p", "0.5", flag="--mask")
    cli.error("dropout", "--input", "1,2,3,4", "--p", "1.5", flag="--p")
    cli.error("dropout", "--input", "1,2,3,4", "--p", "0.5", "--mask", "1,0", flag="--mask")


def test_ae(cli):
    args = ("ae", "--x", "1,0", "--w1", "0.5,-0.5", "--b1", "0", "--w2", "1; -1", "--b2", "0,0")
    data = cli.json(*args)
    assert list(data["result"]) == ["y", "z", "loss"]
    # hand-worked in tests/engine/test_autoencoder.py: y = sigmoid(0.5) = 0.622459,
    # z = (sigmoid(0.622459), sigmoid(-0.622459)) = (0.650778, 0.349222);
    # square: 2*0.349222^2 = 0.243912; cross-entropy: -2 ln 0.650778 = 0.859174
    assert data["result"]["loss"] == pytest.approx(0.243912, abs=1e-6)
    data = cli.json(*args, "--loss", "cross-entropy", "--lr", "0.1")
    assert data["result"]["loss"] == pytest.approx(0.859174, abs=1e-6)
    assert "w1_new" in data["result"]
    cli.error("ae", "--x", "1,0", "--w1", "0.5,-0.5", "--b1", "0", "--w2", "1,-1", "--b2", "0,0",
              flag="--w2")  # fmt: skip
