"""Autoencoder: hand-worked forward pass and losses, saturation, and a backprop step checked
against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.mlp.activations import activate
from dlcalc.engine.mlp.autoencoder import ae
from dlcalc.errors import ComputationError, InputError

# x = (1, 0), one hidden unit: W1 = [0.5, -0.5], b1 = 0, W2 = [1; -1], b2 = 0.
NET = {
    "x": np.array([1.0, 0.0]),
    "w1": np.array([[0.5, -0.5]]),
    "b1": np.array([0.0]),
    "w2": np.array([[1.0], [-1.0]]),
    "b2": np.array([0.0, 0.0]),
}


def sig(s: float) -> float:
    return 1 / (1 + math.exp(-s))


def test_forward_and_square_loss():
    # net_j = 0.5*1 - 0.5*0 = 0.5; y = sigmoid(0.5) = 0.622459
    # net_k = (0.622459, -0.622459); z = (0.650778, 0.349222)
    # J = (1 - 0.650778)^2 + (0 - 0.349222)^2 = 2 * 0.349222^2 = 0.243912 (no 1/2)
    sol = ae(**NET)
    y = sig(0.5)
    z1, z2 = sig(y), sig(-y)
    assert sol["y"] == pytest.approx([y])
    assert sol["z"] == pytest.approx([z1, z2])
    assert sol["z"] == pytest.approx([0.650778, 0.349222], abs=1e-6)
    assert sol["loss"] == pytest.approx((1 - z1) ** 2 + z2**2)
    assert sol["loss"] == pytest.approx(0.243912, abs=1e-6)
    assert "delta_out" not in sol.result  # no step without --lr


def test_cross_entropy_loss():
    # J = -(1*ln 0.650778 + 0*ln 0.349222 + 0*ln 0.650778 + 1*ln(1 - 0.349222))
    #   = -2 ln 0.650778 = 0.859174
    sol = ae(**NET, loss="cross-entropy")
    assert sol["loss"] == pytest.approx(-2 * math.log(sig(sig(0.5))))
    assert sol["loss"] == pytest.approx(0.859174, abs=1e-6)


def test_cross_entropy_saturated_decoder_stays_finite():
    # net_k = +-1000*0.622459 = +-622.459: z rounds to (1, 0) in float64.
    # Reconstructing x = (0, 1): J = softplus(622.459) + softplus(622.459) = 1244.918
    net = {**NET, "x": np.array([0.0, 1.0]), "w2": np.array([[1000.0], [-1000.0]])}
    net["w1"] = np.array([[0.0, 0.5]])  # net_j = 0.5 again, with x = (0, 1)
    sol = ae(**net, loss="cross-entropy", lr=0.1)
    assert sol["loss"] == pytest.approx(2 * 1000 * sig(0.5), rel=1e-12)
    # sigmoid decoder + cross-entropy: delta_k = x_k - z_k
    assert sol["delta_out"] == pytest.approx([-1.0, 1.0])


def test_cross_entropy_needs_unit_interval_outputs():
    with pytest.raises(ComputationError, match="^--loss: cross-entropy needs 0 < z < 1"):
        ae(**NET, act="tanh", loss="cross-entropy")


def test_backprop_step_square_by_hand():
    # delta_k = 2(x_k - z_k) z_k(1 - z_k):
    #   delta_1 = 2*(1 - 0.650778)*0.650778*0.349222 = 0.158733
    #   delta_2 = 2*(0 - 0.349222)*0.349222*0.650778 = -0.158733
    # delta_j = y(1-y) (1*delta_1 - 1*delta_2) = 0.235004 * 0.317466 = 0.074606
    y = sig(0.5)
    z1 = sig(y)
    d1 = 2 * (1 - z1) * z1 * (1 - z1)
    dj = y * (1 - y) * (d1 + d1)
    sol = ae(**NET, lr=1.0)
    assert sol["delta_out"] == pytest.approx([d1, -d1])
    assert d1 == pytest.approx(0.158733, abs=1e-6)
    assert sol["delta_hidden"] == pytest.approx([dj])
    assert dj == pytest.approx(0.074606, abs=1e-6)
    assert sol["w1_new"] == pytest.approx(np.array([[0.5 + dj, -0.5]]))
    assert sol["w2_new"] == pytest.approx(np.array([[1 + d1 * y], [-1 - d1 * y]]))


def _loss(params, x, act, loss):
    w1, b1, w2, b2 = params
    y = activate(act, w1 @ x + b1)[0]
    z = activate("sigmoid", w2 @ y + b2)[0]
    if loss == "square":
        return float(np.sum((x - z) ** 2))
    return float(-np.sum(x * np.log(z) + (1 - x) * np.log(1 - z)))


@settings(max_examples=30, deadline=None)
@given(
    d=st.integers(1, 3),
    nh=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    act=st.sampled_from(["sigmoid", "tanh", "relu"]),
    loss=st.sampled_from(["square", "cross-entropy"]),
)
def test_changes_equal_minus_lr_times_numerical_gradient(d, nh, seed, act, loss):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=d)
    params = [
        rng.normal(size=(nh, d)),
        rng.normal(size=nh),
        rng.normal(size=(d, nh)),
        rng.normal(size=d),
    ]
    if act == "relu":  # keep away from the kink
        params[1] = params[1] + np.sign(params[1]) * 0.5
    lr, h = 0.3, 1e-6
    sol = ae(
        x=x,
        w1=params[0],
        b1=params[1],
        w2=params[2],
        b2=params[3],
        act=act,
        out_act="sigmoid",
        loss=loss,
        lr=lr,
    )
    assert sol["loss"] == pytest.approx(_loss(params, x, act, loss))
    for i, key in enumerate(("dw1", "db1", "dw2", "db2")):
        g = np.zeros_like(params[i])
        for idx in np.ndindex(g.shape):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[i][idx] += h
            minus[i][idx] -= h
            g[idx] = (_loss(plus, x, act, loss) - _loss(minus, x, act, loss)) / (2 * h)
        assert sol[key] == pytest.approx(-lr * g, abs=1e-6), key


def test_decoder_shape_must_reconstruct_x():
    with pytest.raises(InputError) as exc:
        ae(**{**NET, "w2": np.array([[1.0, -1.0]])})
    assert str(exc.value) == "--w2: expected 2x1 (inputs x hidden: z reconstructs x), got 1x2"
    with pytest.raises(InputError, match="^--b2: expected 2 values"):
        ae(**{**NET, "b2": np.array([0.0])})


def test_steps_name_encoder_and_decoder():
    titles = [s.title for s in ae(**NET).steps]
    assert "net_1 (encoder unit 1)" in titles and "net_2 (decoder unit 2)" in titles
