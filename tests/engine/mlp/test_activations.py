"""Activation functions: hand-worked values, stability at |s| = 1e4, derivatives == finite
differences, and the ``act`` operation's working."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.mlp.activations import (
    NAMES,
    act,
    activate,
    check_name,
    deriv_text,
    jacobian,
    softmax,
    value_text,
)
from dlcalc.errors import InputError
from dlcalc.solution import Plot


@pytest.mark.parametrize(
    ("name", "s", "f", "df"),
    [
        # sigmoid(0) = 1/(1+1) = 0.5; f' = 0.5*(1-0.5) = 0.25
        ("sigmoid", 0.0, 0.5, 0.25),
        # sigmoid(2) = 1/(1+e^-2) = 1/1.135335 = 0.880797; f' = 0.880797*0.119203 = 0.104994
        ("sigmoid", 2.0, 1 / (1 + math.exp(-2)), math.exp(-2) / (1 + math.exp(-2)) ** 2),
        # tanh(0.5) = (e - 1)/(e + 1) = 1.718282/3.718282 = 0.462117; f' = 1 - 0.462117^2 = 0.786448
        ("tanh", 0.5, 0.46211715726000974, 1 - 0.46211715726000974**2),
        ("relu", -3.0, 0.0, 0.0),
        ("relu", 2.5, 2.5, 1.0),
        # leaky-relu, alpha 0.01: f(-2) = -0.02, f'(-2) = 0.01
        ("leaky-relu", -2.0, -0.02, 0.01),
        ("leaky-relu", 3.0, 3.0, 1.0),
        # elu, alpha 1: f(-1) = e^-1 - 1 = -0.632121; f' = e^-1 = 0.367879
        ("elu", -1.0, math.exp(-1) - 1, math.exp(-1)),
        # softplus(0) = ln 2; f' = sigmoid(0) = 0.5
        ("softplus", 0.0, math.log(2), 0.5),
        # gelu(1) = 1 * Phi(1) = 0.841345 (standard normal CDF at 1: (1 + erf(1/sqrt 2))/2);
        # f'(1) = Phi(1) + 1*phi(1) = 0.841345 + 0.241971 = 1.083315
        (
            "gelu",
            1.0,
            0.8413447460685429,
            0.8413447460685429 + math.exp(-0.5) / math.sqrt(2 * math.pi),
        ),
        ("linear", -1.5, -1.5, 1.0),
    ],
)
def test_hand_values(name, s, f, df):
    value, deriv = activate(name, np.array([s]))
    assert value[0] == pytest.approx(f, abs=1e-12)
    assert deriv[0] == pytest.approx(df, abs=1e-12)


def test_softmax_textbook_values():
    # e^1, e^2, e^3 = 2.718282, 7.389056, 20.085537; sum 30.192875
    # -> 0.090031, 0.244728, 0.665241
    f, df = activate("softmax", np.array([1.0, 2.0, 3.0]))
    total = math.e + math.e**2 + math.e**3
    assert f == pytest.approx([math.e / total, math.e**2 / total, math.e**3 / total], abs=1e-12)
    assert df == pytest.approx(f * (1 - f))
    assert f.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", NAMES)
def test_stable_for_large_inputs(name):
    s = np.array([-1e4, -1e3, -50.0, 0.0, 50.0, 1e3, 1e4])
    f, df = activate(name, s)  # pytest turns any RuntimeWarning into an error
    assert np.isfinite(f).all() and np.isfinite(df).all()


def test_large_input_limits():
    s = np.array([-1e4, 1e4])
    assert activate("sigmoid", s)[0].tolist() == [0.0, 1.0]
    assert activate("sigmoid", s)[1].tolist() == [0.0, 0.0]
    assert activate("tanh", s)[0].tolist() == [-1.0, 1.0]
    assert activate("softplus", s)[0].tolist() == [0.0, 1e4]
    assert activate("elu", s)[0].tolist() == [-1.0, 1e4]
    assert activate("gelu", s)[0].tolist() == pytest.approx([0.0, 1e4])
    assert softmax(np.array([1e4, 0.0, -1e4])).tolist() == [1.0, 0.0, 0.0]


def _fd(name, s, alpha=None, h=1e-6):
    return (activate(name, s + h, alpha)[0] - activate(name, s - h, alpha)[0]) / (2 * h)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from([n for n in NAMES if n != "softmax"]),
    s=st.floats(-20, 20),
    alpha=st.floats(0.01, 2),
)
def test_derivative_matches_central_difference(name, s, alpha):
    if name in ("relu", "leaky-relu", "elu") and abs(s) < 1e-4:
        return  # kink at 0
    arr = np.array([s])
    _, df = activate(name, arr, alpha)
    assert df[0] == pytest.approx(_fd(name, arr, alpha)[0], abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=5))
def test_softmax_jacobian_matches_central_difference(values):
    s = np.array(values)
    f, jac = jacobian("softmax", s)
    h = 1e-6
    for j in range(s.size):
        e = np.zeros_like(s)
        e[j] = h
        col = (softmax(s + e) - softmax(s - e)) / (2 * h)
        assert jac[:, j] == pytest.approx(col, abs=1e-7)


def test_jacobian_is_diagonal_for_elementwise():
    s = np.array([-1.0, 0.5])
    f, jac = jacobian("tanh", s)
    assert jac == pytest.approx(np.diag(1 - np.tanh(s) ** 2))


def test_names_and_aliases():
    assert check_name("leaky_relu") == "leaky-relu"
    assert check_name("Identity") == "linear"
    with pytest.raises(InputError, match="^--act: unknown activation 'swish'"):
        check_name("swish")


def test_working_texts():
    assert value_text("sigmoid", 0.5) == "1/(1 + e^(-0.5))"
    assert value_text("sigmoid", -1.0) == "1/(1 + e^(1))"
    assert deriv_text("sigmoid", 0.5, 0.622459) == "0.622459*(1 - 0.622459)"
    assert deriv_text("tanh", -0.5, -0.462117) == "1 - (-0.462117)^2"
    assert value_text("leaky-relu", -2.0, 0.01) == "0.01*(-2)"
    assert deriv_text("relu", 0.0, 0.0) == "0 (0 <= 0)"


def test_act_solution_scalar_keeps_shape():
    sol = act(name="sigmoid", x=np.array(0.0))
    assert sol["value"].shape == () and float(sol["value"]) == 0.5
    assert float(sol["derivative"]) == 0.25
    subs = [s.substituted for s in sol.steps]
    assert "1/(1 + e^(0))" in subs and "0.5*(1 - 0.5)" in subs


def test_act_matrix_input_and_softmax_rows():
    x = np.array([[1.0, 2.0], [0.0, 0.0]])
    sol = act(name="softmax", x=x)
    assert sol["value"].shape == (2, 2)
    assert sol["value"][1].tolist() == [0.5, 0.5]
    assert "jacobian" not in sol.result  # only for a single vector


def test_act_softmax_vector_has_jacobian():
    sol = act(name="softmax", x=np.array([0.0, 0.0]))
    # f = [0.5, 0.5]; J = diag(f) - f f^T = [[0.25, -0.25], [-0.25, 0.25]]
    assert sol["jacobian"].tolist() == [[0.25, -0.25], [-0.25, 0.25]]


def test_act_plot_attached_over_default_range():
    sol = act(name="tanh", x=np.array([0.0]), plot=True)
    (plot,) = sol.plots
    assert isinstance(plot, Plot)
    labels = [label for label, _, _ in plot.series]
    assert labels == ["f(s)", "f'(s)"]
    xs = plot.series[0][1]
    assert xs[0] == -5 and xs[-1] == 5
    assert act(name="tanh", x=np.array([0.0])).plots == []


def test_act_plot_custom_range_and_errors():
    sol = act(name="relu", x=np.array([1.0]), plot=True, range=np.array([-2.0, 3.0]))
    xs = sol.plots[0].series[0][1]
    assert (xs[0], xs[-1]) == (-2, 3)
    with pytest.raises(InputError, match="^--range"):
        act(name="relu", x=np.array([1.0]), plot=True, range=np.array([3.0, -2.0]))


def test_act_alpha_note_for_unused_alpha():
    sol = act(name="sigmoid", x=np.array([1.0]), alpha=0.2)
    assert any("--alpha" in n for n in sol.notes)
    sol = act(name="leaky-relu", x=np.array([-1.0]), alpha=0.2)
    assert float(sol["value"][0]) == pytest.approx(-0.2)


def test_gelu_of_a_scalar():
    # a 0-d input was an AttributeError (math.erf through np.frompyfunc returns a float):
    # gelu(0) = 0*Phi(0) = 0, gelu'(0) = Phi(0) + 0 = 0.5
    sol = act(name="gelu", x=np.array(0.0))
    assert float(sol["value"]) == 0.0
    assert float(sol["derivative"]) == pytest.approx(0.5, abs=1e-15)
