"""Batch normalisation engine: hand-worked batches, Algorithm 2 by hand, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlcalc.engine.norm.batchnorm import bn
from dlcalc.engine.norm.inference import bn_infer
from dlcalc.errors import ComputationError, InputError

R = math.sqrt(1.5)  # sqrt(3/2) = 1.224745


def test_bn_hand_worked_3x2():
    # Batch (rows = samples): [1, 2], [3, 6], [5, 4]; eps = 0 so the arithmetic is exact.
    # feature 1: mu = (1+3+5)/3 = 3; var = ((1-3)^2 + 0 + (5-3)^2)/3 = 8/3
    #   x_hat = (x - 3)/sqrt(8/3): -2/1.632993 = -1.224745 = -sqrt(3/2), 0, +sqrt(3/2)
    # feature 2: mu = (2+6+4)/3 = 4; var = (4 + 4 + 0)/3 = 8/3; x_hat = -sqrt(3/2), sqrt(3/2), 0
    # gamma = [2, 0.5], beta = [1, -1]:
    #   y1 = 2*x_hat + 1 = -1.449490, 1, 3.449490; y2 = 0.5*x_hat - 1 = -1.612372, -0.387628, -1
    x = np.array([[1.0, 2], [3, 6], [5, 4]])
    sol = bn(input=x, gamma=np.array([2.0, 0.5]), beta=np.array([1.0, -1]), eps=0.0)
    assert sol["mean"] == pytest.approx([3, 4])
    assert sol["var"] == pytest.approx([8 / 3, 8 / 3])
    assert sol["x_hat"] == pytest.approx(np.array([[-R, -R], [0, R], [R, 0]]))
    expected = np.array([[-1.449490, -1.612372], [1, -0.387628], [3.449490, -1]])
    assert sol["output"] == pytest.approx(expected, abs=1e-6)


def test_bn_default_eps_slightly_shrinks():
    # eps = 1e-5: x_hat = -2/sqrt(8/3 + 1e-5) = -2/1.6329962 = -1.2247426 (vs -1.2247449)
    sol = bn(input=np.array([[1.0], [3], [5]]))
    assert sol["x_hat"][0, 0] == pytest.approx(-2 / math.sqrt(8 / 3 + 1e-5), rel=1e-12)
    assert abs(sol["x_hat"][0, 0]) < R


def test_bn_vector_is_one_feature():
    # 1,2,3: mu = 2, var = (1 + 0 + 1)/3 = 2/3, x_hat = (-1, 0, 1)/sqrt(2/3) = -1.224745, 0, 1.224745
    sol = bn(input=np.array([1.0, 2, 3]), eps=0.0)
    assert sol["mean"] == 2.0 and sol["var"] == pytest.approx(2 / 3)
    assert sol["output"] == pytest.approx([-R, 0, R])


def test_bn_4d_per_channel():
    # N=2, C=2, H=1, W=2. Channel 0 holds 1,3 | 5,7 -> mu = 4, var = (9+1+1+9)/4 = 5;
    # channel 1 holds 0,2 | 2,4 -> mu = 2, var = (4+0+0+4)/4 = 2.
    x = np.array([[[[1.0, 3]], [[0, 2]]], [[[5, 7]], [[2, 4]]]])
    sol = bn(input=x, eps=0.0)
    assert sol["mean"] == pytest.approx([4, 2])
    assert sol["var"] == pytest.approx([5, 2])
    assert sol["output"].shape == x.shape
    # channel 0, sample 1, first pixel: (5 - 4)/sqrt(5) = 0.447214
    assert sol["output"][1, 0, 0, 0] == pytest.approx(1 / math.sqrt(5))
    # channel 1, sample 0, second pixel: (2 - 2)/sqrt(2) = 0
    assert sol["output"][0, 1, 0, 1] == pytest.approx(0)


def _reference_nchw(x, gamma, beta, eps):
    """A loop over channels: statistics over everything but axis 1."""
    out = np.empty_like(x)
    for c in range(x.shape[1]):
        vals = x[:, c]
        mu = vals.mean()
        var = ((vals - mu) ** 2).mean()
        out[:, c] = gamma[c] * (vals - mu) / math.sqrt(var + eps) + beta[c]
    return out


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.float64, st.tuples(*[st.integers(1, 3)] * 4), elements=st.floats(-10, 10)),
    st.floats(0.1, 3),
    st.floats(-2, 2),
)
def test_bn_4d_matches_channel_loop(x, g, b):
    c = x.shape[1]
    gamma, beta = np.full(c, g), np.full(c, b)
    sol = bn(input=x, gamma=gamma, beta=beta, eps=1e-3)
    assert sol["output"] == pytest.approx(_reference_nchw(x, gamma, beta, 1e-3), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 4)), elements=st.floats(-50, 50))
)
def test_bn_output_has_zero_mean_unit_variance(x):
    assume(np.all(x.std(axis=0) > 1e-3))
    y = bn(input=x, eps=0.0)["output"]
    assert np.allclose(y.mean(axis=0), 0, atol=1e-9)
    assert np.allclose(y.var(axis=0), 1, atol=1e-9)


def test_bn_scalar_gamma_broadcasts():
    sol = bn(input=np.array([[1.0, 2], [3, 6], [5, 4]]), gamma=np.array([2.0]), eps=0.0)
    assert sol["output"][0] == pytest.approx([-2 * R, -2 * R])


def test_bn_errors():
    x = np.array([[1.0, 2], [3, 4]])
    with pytest.raises(InputError, match="^--gamma: expected 2 values"):
        bn(input=x, gamma=np.array([1.0, 2, 3]))
    with pytest.raises(InputError, match="^--beta"):
        bn(input=x, beta=np.array([1.0, 2, 3]))
    with pytest.raises(InputError, match="^--input"):
        bn(input=np.zeros((1, 1, 1, 1, 1)))
    with pytest.raises(ComputationError, match="^--eps: feature 2 has zero variance"):
        bn(input=np.array([[1.0, 5], [3, 5]]), eps=0.0)


def test_bn_single_sample_gives_beta():
    sol = bn(input=np.array([[4.0, 7]]), beta=np.array([0.5, -1]))
    assert sol["output"] == pytest.approx(np.array([[0.5, -1]]))
    assert any("one sample" in n for n in sol.notes)


# ---------------------------------------------------------------- Algorithm 2


def test_bn_infer_hand_worked_m_over_m_minus_1():
    # Batches (m = 3, one feature): [1,2,3] and [2,4,6].
    # mu_B: 2 and 4 -> E[x] = (2 + 4)/2 = 3
    # sigma_B^2 (biased): (1+0+1)/3 = 2/3 and (4+0+4)/3 = 8/3 -> mean 5/3
    # Var[x] = m/(m-1) * 5/3 = 3/2 * 5/3 = 5/2
    # eps = 0: scale = 1/sqrt(2.5) = 0.632456; shift = -3/sqrt(2.5) = -1.897367
    # x = 1: y = 0.632456 - 1.897367 = -1.264911
    sol = bn_infer(batch=[np.array([1.0, 2, 3]), np.array([2.0, 4, 6])], x=np.array([1.0]), eps=0.0)
    assert sol["mean"] == pytest.approx(3)
    assert sol["var"] == pytest.approx(2.5)
    assert sol["scale"] == pytest.approx(0.632456, rel=1e-6)
    assert sol["shift"] == pytest.approx(-1.897367, rel=1e-6)
    assert sol["output"] == pytest.approx([-1.264911], rel=1e-6)
    assert sol["batch_means"] == pytest.approx([2, 4])
    assert sol["batch_vars"] == pytest.approx([2 / 3, 8 / 3])
    assert any("Algorithm 2" in n for n in sol.notes)


def test_bn_infer_two_features_and_gamma_beta():
    # Batch 1 [[1,2],[3,6],[5,4]]: mu = [3,4], var = [8/3, 8/3]
    # Batch 2 [[2,0],[4,2],[6,4]]: mu = [4,2], var = [8/3, 8/3]
    # E = [3.5, 3]; Var = 3/2 * 8/3 = [4, 4]; gamma = [2, 1], beta = [0, 1], eps = 0:
    # scale = gamma/2 = [1, 0.5]; shift = beta - gamma*E/2 = [-3.5, 1 - 1.5] = [-3.5, -0.5]
    # x = [3, 3] (one sample): y = [3 - 3.5, 1.5 - 0.5] = [-0.5, 1]
    b1 = np.array([[1.0, 2], [3, 6], [5, 4]])
    b2 = np.array([[2.0, 0], [4, 2], [6, 4]])
    sol = bn_infer(
        batch=[b1, b2],
        gamma=np.array([2.0, 1]),
        beta=np.array([0.0, 1]),
        eps=0.0,
        x=np.array([3.0, 3]),
    )
    assert sol["mean"] == pytest.approx([3.5, 3])
    assert sol["var"] == pytest.approx([4, 4])
    assert sol["scale"] == pytest.approx([1, 0.5])
    assert sol["shift"] == pytest.approx([-3.5, -0.5])
    assert sol["output"] == pytest.approx([-0.5, 1])


def test_bn_infer_momentum_hand_worked():
    # PyTorch-style running averages, M = 0.1, start mean 0, var 1; batches [1,2,3], [2,4,6].
    # unbiased batch variances: 3/2 * 2/3 = 1 and 3/2 * 8/3 = 4
    # after batch 1: mean = 0.9*0 + 0.1*2 = 0.2;    var = 0.9*1 + 0.1*1 = 1.0
    # after batch 2: mean = 0.9*0.2 + 0.1*4 = 0.58; var = 0.9*1.0 + 0.1*4 = 1.3
    sol = bn_infer(batch=[np.array([1.0, 2, 3]), np.array([2.0, 4, 6])], momentum=0.1, eps=0.0)
    assert sol["mean"] == pytest.approx(0.58)
    assert sol["var"] == pytest.approx(1.3)
    assert sol["scale"] == pytest.approx(1 / math.sqrt(1.3))
    assert any("running averages" in n and "not Algorithm 2" in n for n in sol.notes)


def test_bn_infer_unequal_batches_use_each_correction():
    # [0, 2] (m=2): mu 1, var 1, unbiased 2; [0, 3, 6] (m=3): mu 3, var 6, unbiased 9
    # E = 2; Var = (2 + 9)/2 = 5.5
    sol = bn_infer(batch=[np.array([0.0, 2]), np.array([0.0, 3, 6])])
    assert sol["mean"] == pytest.approx(2)
    assert sol["var"] == pytest.approx(5.5)
    assert any("sizes differ" in n for n in sol.notes)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5),
    st.integers(1, 3),
    st.integers(1, 4),
    st.data(),
)
def test_inference_equals_training_transform_with_population_stats(m, f, n, data):
    floats = st.floats(-20, 20)
    batches = [data.draw(arrays(np.float64, (m, f), elements=floats)) for _ in range(n)]
    gamma = data.draw(arrays(np.float64, f, elements=st.floats(0.1, 3)))
    beta = data.draw(arrays(np.float64, f, elements=st.floats(-3, 3)))
    x = data.draw(arrays(np.float64, (3, f), elements=floats))
    eps = 1e-3
    sol = bn_infer(batch=batches, gamma=gamma, beta=beta, eps=eps, x=x)
    # population statistics written out independently
    e_x = np.mean([b.mean(axis=0) for b in batches], axis=0)
    var_x = m / (m - 1) * np.mean([b.var(axis=0) for b in batches], axis=0)
    assert sol["mean"] == pytest.approx(e_x)
    assert sol["var"] == pytest.approx(var_x)
    # the training transform (normalise, scale, shift) with E[x] and Var[x] in place of mu_B
    train_form = gamma * (x - e_x) / np.sqrt(var_x + eps) + beta
    assert sol["output"] == pytest.approx(train_form, abs=1e-9)
    # ... and the folded form y = scale x + shift
    assert sol["output"] == pytest.approx(sol["scale"] * x + sol["shift"], abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 3)), elements=st.floats(-9, 9))
)
def test_one_batch_inference_vs_training(x):
    # One batch, eps = 0: inference divides by the unbiased sqrt(m/(m-1) var), training by
    # the biased sqrt(var), so y_inf = y_train * sqrt((m-1)/m).
    assume(np.all(x.std(axis=0) > 1e-3))
    m = x.shape[0]
    train = bn(input=x, eps=0.0)["output"]
    infer = bn_infer(batch=[x], eps=0.0, x=x)["output"]
    assert infer == pytest.approx(train * math.sqrt((m - 1) / m), abs=1e-9)


def test_bn_infer_4d_batches():
    # Two 1x2x1x2 batches; channel 0: [1,3] and [5,7] -> mu_B 2, 6 -> E = 4;
    # biased var 1 and 1, m = 2 -> Var = 2/1 * 1 = 2.
    b1 = np.array([[[[1.0, 3]], [[0, 0]]]])
    b2 = np.array([[[[5.0, 7]], [[2, 4]]]])
    sol = bn_infer(batch=[b1, b2], x=b1, eps=0.0)
    assert sol["mean"][0] == pytest.approx(4)
    assert sol["var"][0] == pytest.approx(2)
    assert sol["output"].shape == b1.shape
    assert sol["output"][0, 0, 0, 0] == pytest.approx((1 - 4) / math.sqrt(2))


def test_bn_infer_errors():
    b = np.array([[1.0, 2], [3, 4]])
    with pytest.raises(InputError, match="^--batch: batch 2 has 3 features, batch 1 has 2"):
        bn_infer(batch=[b, np.ones((2, 3))])
    with pytest.raises(InputError, match=r"^--batch: batch 1 has m = 1 .* m >= 2"):
        bn_infer(batch=[np.array([[1.0, 2]])])
    with pytest.raises(InputError, match="^--batch: batch 2 is 1-D"):
        bn_infer(batch=[b, np.array([1.0, 2])])
    with pytest.raises(InputError, match="^--x: expected 2 values"):
        bn_infer(batch=[b], x=np.array([1.0, 2, 3]))
    with pytest.raises(InputError, match="^--x: expected 2 features"):
        bn_infer(batch=[b], x=np.ones((2, 3)))
    with pytest.raises(InputError, match="^--batch"):
        bn_infer(batch=[])
    with pytest.raises(InputError, match="^--gamma"):
        bn_infer(batch=[b], gamma=np.array([1.0, 2, 3]))
