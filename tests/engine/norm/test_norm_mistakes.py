"""Batch-norm misconceptions and follow-through, each worked by hand (values not from the code)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from slips import under, vec  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch, replaying
from dlcalc.engine.norm.mistakes import MISTAKES

# x = [1, 5]: mu = 3, var = ((1-3)^2 + (5-3)^2)/2 = 4, std = 2 (eps 0), x_hat = [-1, 1]
X15 = {"input": "1,5", "eps": 0}
# two batches of one feature: means 2 and 4 (E = 3); variances 2/3 and 8/3 (mean 5/3);
# Var = 3/2 * 5/3 = 2.5
INFER = {"batch": ["1,2,3", "2,4,6"], "eps": 0, "x": "1"}


# ---------------------------------------------------------------- bn


def test_bn_unbiased_variance():
    # right: var = 8/2 = 4, x_hat = [-2/2, 2/2] = [-1, 1]
    # slip:  var = 8/1 = 8, x_hat = [-2/sqrt(8), 2/sqrt(8)] = [-0.707107, 0.707107]
    plain, slip = under("bn", "unbiased-var", X15)
    assert plain["var"] == 4 and vec(plain["output"]) == pytest.approx([-1, 1])
    assert slip["var"] == pytest.approx(8)
    assert vec(slip["output"]) == pytest.approx([-2 / math.sqrt(8), 2 / math.sqrt(8)], rel=1e-12)
    assert vec(slip["output"])[1] == pytest.approx(0.707107, abs=1e-6)


def test_bn_eps_outside_the_root_large_eps():
    # x = [1, 3]: mu = 2, var = 1; eps = 0.21:
    # right x_hat = [-1, 1]/sqrt(1.21) = [-1, 1]/1.1 = [-0.909091, 0.909091]
    # slip  x_hat = [-1, 1]/(sqrt(1) + 0.21) = [-1, 1]/1.21 = [-0.826446, 0.826446]
    plain, slip = under("bn", "eps-outside-sqrt", {"input": "1,3", "eps": 0.21})
    assert vec(plain["output"]) == pytest.approx([-1 / 1.1, 1 / 1.1], rel=1e-12)
    assert vec(slip["output"]) == pytest.approx([-1 / 1.21, 1 / 1.21], rel=1e-12)
    assert vec(slip["x_hat"])[1] == pytest.approx(0.826446, abs=1e-6)


def test_bn_eps_outside_the_root_small_variance():
    # x = [0.1, 0.3]: mu = 0.2, var = 0.01, default eps 1e-5:
    # right x_hat[1] = 0.1/sqrt(0.01001) = 0.1/0.1000500 = 0.99950
    # slip  x_hat[1] = 0.1/(0.1 + 0.00001) = 0.99990 (differs in the 4th significant figure)
    plain, slip = under("bn", "eps-outside-sqrt", {"input": "0.1,0.3"})
    assert vec(plain["output"])[1] == pytest.approx(0.1 / math.sqrt(0.01001), rel=1e-9)
    assert vec(slip["output"])[1] == pytest.approx(0.1 / 0.10001, rel=1e-9)
    assert (
        round(vec(plain["output"])[1], 4) == 0.9995 and round(vec(slip["output"])[1], 4) == 0.9999
    )


def test_bn_divide_by_variance():
    # right: (x - 3)/2 = [-1, 1]; slip: (x - 3)/4 = [-0.5, 0.5]
    plain, slip = under("bn", "divide-by-var", X15)
    assert vec(slip["x_hat"]) == pytest.approx([-0.5, 0.5], rel=1e-12)
    assert vec(plain["x_hat"]) == pytest.approx([-1, 1], rel=1e-12)


def test_bn_gamma_beta_forgotten():
    # gamma 2, beta 1: right y = 2*[-1, 1] + 1 = [-1, 3]; slip y = x_hat = [-1, 1]
    plain, slip = under("bn", "no-affine", {**X15, "gamma": "2", "beta": "1"})
    assert vec(plain["output"]) == pytest.approx([-1, 3], rel=1e-12)
    assert vec(slip["output"]) == pytest.approx([-1, 1], rel=1e-12)
    # without gamma and beta the slip cannot show: not consulted
    assert "no-affine" not in ops.run("bn", X15).slips


def test_every_bn_mistake_is_consulted_and_changes_the_output():
    sol = ops.run("bn", {**X15, "gamma": "2", "beta": "1", "eps": 0.5})
    ids = {m.id for m in MISTAKES["bn"]}
    assert len(ids) >= 3 and ids <= set(sol.slips)
    for rule in ids:
        assert not np.allclose(sol.replay(rule=rule)["output"], sol["output"]), rule
    assert ops.get("bn").answers == ("output",)


def test_bn_follow_through_from_a_wrong_variance():
    # gamma 2, beta 1; the student's var = 16: std = 4, x_hat = [-2/4, 2/4] = [-0.5, 0.5],
    # y = 2*[-0.5, 0.5] + 1 = [0, 2]
    args = {**X15, "gamma": "2", "beta": "1"}
    with replaying({"var": 16}):
        sol = ops.run("bn", args)
    assert vec(sol["x_hat"]) == pytest.approx([-0.5, 0.5]) and vec(sol["output"]) == pytest.approx(
        [0, 2]
    )


def test_bn_follow_through_from_one_feature_mean_and_one_x_hat():
    # [[1, 2], [3, 6], [5, 4]], eps 0: feature 2 has mu 4, var 8/3.
    # The student's mean of feature 2 is 5: var_2 = ((2-5)^2 + (6-5)^2 + (4-5)^2)/3 = 11/3,
    # x_hat[0, 1] = (2 - 5)/sqrt(11/3) = -3/1.914854 = -1.566699; feature 1 unchanged (-sqrt(1.5))
    x = {"input": "1,2; 3,6; 5,4", "eps": 0}
    with replaying({"mean": Patch([((1,), 5.0)])}):
        sol = ops.run("bn", x)
    assert vec(sol["var"]) == pytest.approx([8 / 3, 11 / 3], rel=1e-12)
    assert sol["x_hat"][0, 1] == pytest.approx(-3 / math.sqrt(11 / 3), rel=1e-12)
    assert sol["x_hat"][0, 0] == pytest.approx(-math.sqrt(1.5), rel=1e-12)
    # one x_hat entry: x_hat[0, 0] = -1.2 gives y[0, 0] = 2*(-1.2) + 1 = -1.4 with gamma 2, beta 1
    with replaying({"x_hat": Patch([((0, 0), -1.2)])}):
        sol = ops.run("bn", {**x, "gamma": "2", "beta": "1"})
    assert sol["output"][0, 0] == pytest.approx(-1.4, rel=1e-12)
    assert sol["output"][1, 0] == pytest.approx(1, rel=1e-12)  # x_hat 0: 2*0 + 1


def test_bn_named_values():
    sol = ops.run("bn", X15)
    assert [n for n, _ in sol.order] == ["mean", "var", "std", "x_hat", "output"]
    assert [s.name for s in sol.steps] == ["mean", "var", "x_hat", "output"]


# ---------------------------------------------------------------- bn-infer


def test_bn_infer_without_the_m_over_m_minus_1_correction():
    # right: Var = 2.5, scale = 1/sqrt(2.5) = 0.632456, shift = -3/sqrt(2.5) = -1.897367,
    #   y(1) = (1 - 3)/sqrt(2.5) = -1.264911
    # slip: Var = 5/3, scale = 1/sqrt(5/3) = 0.774597, shift = -3*0.774597 = -2.323790,
    #   y(1) = -2*0.774597 = -1.549193
    plain, slip = under("bn-infer", "no-unbiased-correction", INFER)
    assert plain["var"] == pytest.approx(2.5) and plain["scale"] == pytest.approx(
        1 / math.sqrt(2.5)
    )
    assert slip["var"] == pytest.approx(5 / 3, rel=1e-12)
    assert slip["scale"] == pytest.approx(1 / math.sqrt(5 / 3), rel=1e-12)
    assert slip["shift"] == pytest.approx(-3 / math.sqrt(5 / 3), rel=1e-12)
    assert vec(slip["output"]) == pytest.approx([-2 / math.sqrt(5 / 3)], rel=1e-12)
    assert slip["shift"] == pytest.approx(-2.323790, abs=1e-6)


def test_bn_infer_mean_of_stds():
    # unbiased batch variances 3/2*2/3 = 1 and 3/2*8/3 = 4: stds 1 and 2, mean 1.5,
    # slip Var = 1.5^2 = 2.25 (right 2.5); scale = 1/1.5 = 0.666667, shift = -3/1.5 = -2
    plain, slip = under("bn-infer", "mean-of-stds", INFER)
    assert slip["var"] == pytest.approx(2.25, rel=1e-12)
    assert slip["scale"] == pytest.approx(1 / 1.5) and slip["shift"] == pytest.approx(-2)
    assert plain["var"] == pytest.approx(2.5)


def test_bn_infer_eps_outside_the_root():
    # eps 0.5: right scale = 1/sqrt(2.5 + 0.5) = 1/sqrt(3) = 0.577350
    # slip scale = 1/(sqrt(2.5) + 0.5) = 1/2.081139 = 0.480506
    plain, slip = under("bn-infer", "eps-outside-sqrt", {**INFER, "eps": 0.5})
    assert plain["scale"] == pytest.approx(1 / math.sqrt(3), rel=1e-12)
    assert slip["scale"] == pytest.approx(1 / (math.sqrt(2.5) + 0.5), rel=1e-12)
    assert slip["scale"] == pytest.approx(0.480506, abs=1e-6)


def test_bn_infer_shift_not_scaled():
    # gamma 2, beta 1: scale = 2/sqrt(2.5) = 1.264911;
    # right shift = 1 - 2*3/sqrt(2.5) = 1 - 3.794733 = -2.794733, y(1) = 1.264911 - 2.794733 = -1.529822
    # slip  shift = 1 - 2*3 = -5, y(1) = 1.264911 - 5 = -3.735089
    plain, slip = under("bn-infer", "shift-not-scaled", {**INFER, "gamma": "2", "beta": "1"})
    assert plain["shift"] == pytest.approx(1 - 6 / math.sqrt(2.5), rel=1e-12)
    assert vec(plain["output"]) == pytest.approx([(1 - 3) * 2 / math.sqrt(2.5) + 1], rel=1e-12)
    assert slip["shift"] == pytest.approx(-5)
    assert vec(slip["output"]) == pytest.approx([2 / math.sqrt(2.5) - 5], rel=1e-12)
    assert vec(slip["output"])[0] == pytest.approx(-3.735089, abs=1e-6)


def test_every_bn_infer_mistake_is_consulted_and_changes_its_keys():
    sol = ops.run("bn-infer", {**INFER, "gamma": "2", "beta": "1", "eps": 0.5})
    ids = {m.id for m in MISTAKES["bn-infer"]}
    assert len(ids) >= 3 and ids <= set(sol.slips)
    for rule in ids:
        again = sol.replay(rule=rule)
        assert again["shift"] != pytest.approx(sol["shift"]), rule
        assert vec(again["output"]) != pytest.approx(vec(sol["output"])), rule
    assert ops.get("bn-infer").answers == ("scale", "shift", "output")


def test_bn_infer_follow_through_from_a_wrong_variance():
    # the student's Var = 4: scale = 1/2, shift = 0 - 0.5*3 = -1.5, y(1) = 0.5 - 1.5 = -1
    with replaying({"var": 4}):
        sol = ops.run("bn-infer", INFER)
    assert sol["scale"] == pytest.approx(0.5) and sol["shift"] == pytest.approx(-1.5)
    assert vec(sol["output"]) == pytest.approx([-1])


def test_bn_infer_follow_through_from_a_wrong_batch_mean_and_a_wrong_shift():
    # the student's mean of batch 2 is 5 (right 4): E = (2 + 5)/2 = 3.5;
    #   batch 2 variance from it: ((2-5)^2 + (4-5)^2 + (6-5)^2)/3 = 11/3; batch 1: 2/3;
    #   Var = 3/2 * (2/3 + 11/3)/2 = 3/2 * 13/6 = 3.25; y(1) = (1 - 3.5)/sqrt(3.25) = -1.386750
    with replaying({"batch_means": Patch([((1,), 5.0)])}):
        sol = ops.run("bn-infer", INFER)
    assert sol["mean"] == pytest.approx(3.5) and sol["var"] == pytest.approx(3.25)
    assert vec(sol["output"]) == pytest.approx([-2.5 / math.sqrt(3.25)], rel=1e-12)
    # a wrong shift alone: y = scale*x + shift = 0.632456*1 + (-1) = -0.367544
    with replaying({"shift": -1.0}):
        sol = ops.run("bn-infer", INFER)
    assert vec(sol["output"]) == pytest.approx([1 / math.sqrt(2.5) - 1], rel=1e-12)


def test_bn_infer_named_values():
    sol = ops.run("bn-infer", INFER)
    assert [n for n, _ in sol.order] == [
        "batch_means", "batch_vars", "mean", "var", "scale", "shift", "output",
    ]  # fmt: skip
    assert [s.name for s in sol.steps if s.name] == ["mean", "var", "scale", "shift", "output"]
