"""Xavier/He scales and dropout in both conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcalc.engine.mlp.init_dropout import dropout, init
from dlcalc.errors import InputError


def test_xavier_400_300():
    # bound = sqrt(6/(400 + 300)) = sqrt(6/700) = 0.092582; Var = 2/700 = 0.002857
    sol = init(scheme="xavier", fan_in=400, fan_out=300)
    assert sol["bound"] == pytest.approx(math.sqrt(6 / 700))
    assert sol["bound"] == pytest.approx(0.092582, abs=1e-6)
    assert sol["variance"] == pytest.approx(2 / 700)
    assert sol["std"] == pytest.approx(math.sqrt(2 / 700))
    # U[-a, a] has variance a^2/3: 6/700/3 = 2/700
    assert sol["bound"] ** 2 / 3 == pytest.approx(sol["variance"])
    assert any(s.substituted.endswith("sqrt(6/700)") for s in sol.steps)


def test_he_256():
    # Var = 2/256 = 0.0078125; std = sqrt(2/256) = 0.088388; bound = sqrt(6/256) = 0.153093
    sol = init(scheme="he", fan_in=256)
    assert sol["variance"] == 0.0078125
    assert sol["std"] == pytest.approx(0.0883883, abs=1e-7)
    assert sol["bound"] == pytest.approx(0.1530931, abs=1e-7)


def test_gain_scales_std_and_normal_dist():
    # tanh gain 5/3: xavier std = 5/3 * sqrt(2/(10+20))
    sol = init(scheme="xavier", fan_in=10, fan_out=20, gain=5 / 3, dist="normal")
    assert sol["std"] == pytest.approx(5 / 3 * math.sqrt(2 / 30))
    assert sol["variance"] == pytest.approx(25 / 9 * 2 / 30)
    assert any("same variance" in n for n in sol.notes)


def test_he_ignores_fan_out_with_note():
    sol = init(scheme="he", fan_in=100, fan_out=50)
    assert sol["variance"] == pytest.approx(0.02)
    assert any("--fan-out is ignored" in n for n in sol.notes)


def test_xavier_needs_fan_out():
    with pytest.raises(InputError, match="^--fan-out: required for xavier"):
        init(scheme="xavier", fan_in=400)


Y = np.array([0.5, 1.2, -0.3, 2.0])
MASK = np.array([1.0, 0.0, 1.0, 1.0])


def test_lecture_convention_keeps_with_p():
    # r * y = (0.5, 0, -0.3, 2); test-time scale p = 0.8
    sol = dropout(input=Y, p=0.8, mask=MASK)
    assert sol["output"].tolist() == [0.5, 0.0, -0.3, 2.0]
    assert sol["mask"].tolist() == [1, 0, 1, 1]
    assert sol["scale"] == 0.8


def test_pytorch_convention_inverted_scaling():
    # p = 0.25 drops; kept units scale by 1/(1 - 0.25) = 4/3: 0.5*4/3 = 0.666667, 2*4/3 = 2.666667
    sol = dropout(input=Y, p=0.25, mask=MASK, convention="pytorch")
    assert sol["output"] == pytest.approx([2 / 3, 0.0, -0.4, 8 / 3])
    assert sol["scale"] == pytest.approx(4 / 3)


def test_integer_outputs_stay_integers():
    sol = dropout(
        input=np.array([2.0, 4.0]), p=0.5, mask=np.array([1.0, 0.0]), convention="pytorch"
    )
    assert sol["output"].tolist() == [4, 0] and sol["output"].dtype.kind == "i"


@pytest.mark.parametrize(
    ("convention", "p", "keep"), [("lecture", 0.3, 0.3), ("pytorch", 0.3, 0.7)]
)
def test_seeded_mask_is_numpy_default_rng(convention, p, keep):
    y = np.arange(1.0, 21.0)
    sol = dropout(input=y, p=p, seed=7, convention=convention)
    expected = np.random.default_rng(7).random(20) < keep
    assert sol["mask"].tolist() == expected.astype(int).tolist()
    again = dropout(input=y, p=p, seed=7, convention=convention)
    assert again["mask"].tolist() == sol["mask"].tolist()


def test_matrix_input_mask_same_size():
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    sol = dropout(input=y, p=0.5, mask=np.array([1.0, 0.0, 0.0, 1.0]))
    assert sol["output"].tolist() == [[1, 0], [0, 4]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mask": np.array([1.0, 0.0])}, "^--mask: expected 4 values"),
        ({"mask": np.array([1.0, 0.5, 1.0, 0.0])}, "^--mask: expected only 0"),
        ({"mask": MASK, "seed": 1}, "^--mask: give either"),
        ({}, "^--mask: required"),
        ({"mask": MASK, "p": 1.0, "convention": "pytorch"}, "^--p: 1 drops every unit"),
    ],
)
def test_dropout_errors(kwargs, match):
    args = {"input": Y, "p": 0.5, **kwargs}
    with pytest.raises(InputError, match=match):
        dropout(**args)
