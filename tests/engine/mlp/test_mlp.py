"""Forward pass and backprop: a hand-worked 2-2-1 sigmoid net, a published worked example,
and the property "weight change == -lr * finite-difference gradient of J"."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.mlp.activations import activate
from dlcalc.engine.mlp.network import backprop, forward
from dlcalc.errors import InputError


def sig(s: float) -> float:
    return 1 / (1 + math.exp(-s))


# A 2-2-1 sigmoid net: x = (1, 2), W1 = [[0.1, 0.2], [0.3, -0.1]], b1 = (0, 0.1),
# W2 = [[0.5, -0.5]], b2 = (0.2), t = 1, eta = 1.
NET = {
    "x": np.array([1.0, 2.0]),
    "w1": np.array([[0.1, 0.2], [0.3, -0.1]]),
    "b1": np.array([0.0, 0.1]),
    "w2": np.array([[0.5, -0.5]]),
    "b2": np.array([0.2]),
}


def test_hand_worked_221_forward():
    # net_1 = 0.1*1 + 0.2*2 + 0 = 0.5;  net_2 = 0.3*1 - 0.1*2 + 0.1 = 0.2
    # y_1 = 1/(1+e^-0.5) = 0.622459;    y_2 = 1/(1+e^-0.2) = 0.549834
    # net_k = 0.5*0.622459 - 0.5*0.549834 + 0.2 = 0.236313
    # z = 1/(1+e^-0.236313) = 1/(1 + 0.789534) = 0.558805
    sol = forward(**NET)
    assert sol["net_hidden"] == pytest.approx([0.5, 0.2])
    y1, y2 = sig(0.5), sig(0.2)
    assert sol["y"] == pytest.approx([y1, y2])
    assert sol["y"] == pytest.approx([0.622459, 0.549834], abs=1e-6)
    net_k = 0.5 * y1 - 0.5 * y2 + 0.2
    assert sol["net_out"] == pytest.approx([net_k])
    assert sol["z"] == pytest.approx([sig(net_k)])
    assert sol["z"][0] == pytest.approx(0.558805, abs=1e-6)
    subs = [s.substituted for s in sol.steps]
    assert "0.1*1 + 0.2*2 + 0" in subs
    assert "0.3*1 - 0.1*2 + 0.1" in subs
    assert "1/(1 + e^(-0.5))" in subs


def test_hand_worked_221_backprop():
    y1, y2 = sig(0.5), sig(0.2)
    z = sig(0.5 * y1 - 0.5 * y2 + 0.2)  # 0.558805
    # J = 1/2 (1 - 0.558805)^2 = 1/2 * 0.441195^2 = 0.097327
    loss = 0.5 * (1 - z) ** 2
    # delta_k = (t - z) z (1 - z) = 0.441195 * 0.558805 * 0.441195 = 0.108773
    dk = (1 - z) * z * (1 - z)
    # delta_1 = y1(1-y1) * w_11 delta_k = 0.622459*0.377541*0.5*0.108773 = 0.012781
    # delta_2 = y2(1-y2) * w_12 delta_k = 0.549834*0.450166*(-0.5)*0.108773 = -0.013462
    d1 = y1 * (1 - y1) * 0.5 * dk
    d2 = y2 * (1 - y2) * -0.5 * dk
    sol = backprop(**NET, target=np.array([1.0]), lr=1.0)
    assert sol["loss"] == pytest.approx(loss)
    assert sol["loss"] == pytest.approx(0.097327, abs=1e-6)
    assert sol["delta_out"] == pytest.approx([dk])
    assert dk == pytest.approx(0.108773, abs=1e-6)
    assert sol["delta_hidden"] == pytest.approx([d1, d2])
    assert (d1, d2) == pytest.approx((0.012781, -0.013462), abs=1e-6)
    # Delta w_kj = eta delta_k y_j;  Delta w_ji = eta delta_j x_i  (x = (1, 2))
    assert sol["dw2"] == pytest.approx(np.array([[dk * y1, dk * y2]]))
    assert sol["db2"] == pytest.approx([dk])
    assert sol["dw1"] == pytest.approx(np.array([[d1, 2 * d1], [d2, 2 * d2]]))
    assert sol["db1"] == pytest.approx([d1, d2])
    assert sol["w2_new"] == pytest.approx(np.array([[0.5 + dk * y1, -0.5 + dk * y2]]))
    assert sol["w1_new"] == pytest.approx(
        np.array([[0.1 + d1, 0.2 + 2 * d1], [0.3 + d2, -0.1 + 2 * d2]])
    )
    assert sol["b1_new"] == pytest.approx([d1, 0.1 + d2])
    assert sol["b2_new"] == pytest.approx([0.2 + dk])
    assert sol["loss_after"] < sol["loss"]
    subs = [s.substituted for s in sol.steps]
    assert any(s.startswith("(1 - 0.558805) * 0.558805*(1 - 0.558805)") for s in subs)


def test_mazur_published_example():
    # M. Mazur, "A Step by Step Backpropagation Example" (2015): E_total = 0.298371109,
    # w5..w8 -> 0.35891648, 0.408666186, 0.511301270, 0.561370121,
    # w1..w4 -> 0.149780716, 0.19956143, 0.24975114, 0.29950229 (eta = 0.5).
    sol = backprop(
        x=np.array([0.05, 0.10]),
        w1=np.array([[0.15, 0.20], [0.25, 0.30]]),
        b1=np.array([0.35, 0.35]),
        w2=np.array([[0.40, 0.45], [0.50, 0.55]]),
        b2=np.array([0.60, 0.60]),
        target=np.array([0.01, 0.99]),
        lr=0.5,
    )
    assert sol["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert sol["w2_new"].ravel() == pytest.approx(
        [0.35891648, 0.408666186, 0.511301270, 0.561370121], abs=1e-8
    )
    assert sol["w1_new"].ravel() == pytest.approx(
        [0.149780716, 0.19956143, 0.24975114, 0.29950229], abs=1e-8
    )
    values = {s.title: s.value for s in sol.steps}
    assert values["y_1 = f(net_j) (sigmoid)"] == pytest.approx(0.593269992, abs=1e-9)
    assert values["z_1 = f(net_k) (sigmoid)"] == pytest.approx(0.75136507, abs=1e-8)


def test_out_act_linear_and_relu_hidden():
    # net_j = (1*2 - 1*3, 1*2 + 1*3) + 0 = (-1, 5); relu -> (0, 5); net_k = 2*0 + 1*5 - 1 = 4
    sol = forward(
        x=np.array([2.0, 3.0]),
        w1=np.array([[1.0, -1.0], [1.0, 1.0]]),
        b1=np.zeros(2),
        w2=np.array([[2.0, 1.0]]),
        b2=np.array([-1.0]),
        act="relu",
        out_act="linear",
    )
    assert sol["y"].tolist() == [0, 5]
    assert sol["z"].tolist() == [4]


# ---------------------------------------------------------------- finite-difference property


def _loss(params, x, t, act, out_act):
    w1, b1, w2, b2 = params
    y = activate(act, w1 @ x + b1)[0]
    z = activate(out_act, w2 @ y + b2)[0]
    return 0.5 * float(np.sum((t - z) ** 2))


def _fd_grad(params, x, t, act, out_act, h=1e-6):
    grads = []
    for i, p in enumerate(params):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[i][idx] += h
            minus[i][idx] -= h
            g[idx] = (_loss(plus, x, t, act, out_act) - _loss(minus, x, t, act, out_act)) / (2 * h)
        grads.append(g)
    return grads


@settings(max_examples=40, deadline=None)
@given(
    dims=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
    seed=st.integers(0, 2**32 - 1),
    act=st.sampled_from(["sigmoid", "tanh", "softplus", "linear", "gelu"]),
    out_act=st.sampled_from(["sigmoid", "tanh", "linear", "softmax"]),
    lr=st.floats(0.05, 2.0),
)
def test_weight_changes_equal_minus_lr_times_numerical_gradient(dims, seed, act, out_act, lr):
    d, nh, c = dims
    rng = np.random.default_rng(seed)
    x, t = rng.normal(size=d), rng.uniform(0, 1, size=c)
    w1, b1 = rng.normal(size=(nh, d)), rng.normal(size=nh)
    w2, b2 = rng.normal(size=(c, nh)), rng.normal(size=c)
    sol = backprop(x=x, w1=w1, b1=b1, w2=w2, b2=b2, target=t, lr=lr, act=act, out_act=out_act)
    g_w1, g_b1, g_w2, g_b2 = _fd_grad([w1, b1, w2, b2], x, t, act, out_act)
    assert sol["loss"] == pytest.approx(_loss([w1, b1, w2, b2], x, t, act, out_act))
    for key, g in (("dw1", g_w1), ("db1", g_b1), ("dw2", g_w2), ("db2", g_b2)):
        assert sol[key] == pytest.approx(-lr * g, abs=1e-6), key


# ---------------------------------------------------------------- shapes


def _net(d=3, nh=4, c=2):
    return {
        "x": np.ones(d),
        "w1": np.ones((nh, d)),
        "b1": np.ones(nh),
        "w2": np.ones((c, nh)),
        "b2": np.ones(c),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"w2": np.ones((4, 2))}, "--w2: expected 2x4 (outputs x hidden), got 4x2"),
        ({"w1": np.ones((3, 4))}, "--w1: expected 4x3 (hidden x inputs), got 3x4"),
        (
            {"b1": np.ones(3)},
            "--b1: expected 4 values (one per hidden unit, the rows of --w1), got 3",
        ),
        (
            {"b2": np.ones(3)},
            "--b2: expected 2 values (one per output unit, the rows of --w2), got 3",
        ),
        ({"x": np.ones(2)}, "--w1: expected 4x2 (hidden x inputs), got 4x3"),
    ],
)
def test_shape_errors_name_the_flag(change, message):
    with pytest.raises(InputError) as exc:
        forward(**{**_net(), **change})
    assert str(exc.value) == message


def test_target_length_checked():
    with pytest.raises(InputError, match="^--target: expected 2 values"):
        backprop(**_net(), target=np.ones(3), lr=0.1)


def test_unknown_activation():
    with pytest.raises(InputError, match="^--out-act"):
        forward(**_net(), out_act="swish")


def test_wide_layers_show_vectors():
    sol = forward(**_net(d=3, nh=12, c=2))
    titles = [s.title for s in sol.steps]
    assert "Net input, hidden layer" in titles
    assert "net_1 (output unit 1)" in titles
