"""The step toolkit: one expression gives the value, the formula, the substitution and LaTeX;
a run can be replayed with a student's own values and under a variant rule."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc import ops
from dlcalc.engine._working import Working, dot, floor, latex_name, replaying, sqrt

ALEXNET_CONV1 = {"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96}


def test_one_expression_gives_value_formula_substitution_and_latex():
    w = Working()
    W, K, P, S = w.given("W", 227), w.given("K", 11), w.given("P", 0), w.given("S", 4)
    out = w.step("out_w", floor((W + 2 * P - K) / S) + 1, sym="W2")
    assert out.value == 55  # (227 - 11)/4 = 54, + 1
    (step,) = w.steps
    assert step.formula == "W2 = floor((W + 2*P - K)/S) + 1"
    assert step.substituted == "floor((227 + 2*0 - 11)/4) + 1 = floor(216/4) + 1"
    assert (
        step.latex_formula == r"W_{2} = \left\lfloor \frac{W + 2 \cdot P - K}{S} \right\rfloor + 1"
    )


def test_negative_numbers_are_parenthesised_after_an_operator():
    w = Working()
    a, b = w.given("a", 2.0), w.given("b", -0.5)
    w.step("c", a * b - b)
    assert w.steps[0].substituted == "2*(-0.5) - (-0.5)"
    assert w.steps[0].value == -0.5


def test_sums_are_written_term_by_term_and_long_ones_elided():
    w = Working()
    net = w.step("net_j", dot([0.15, -0.2], [0.05, 0.1], "sum_i w_ji x_i + b_j", bias=0.35))
    assert net.value == pytest.approx(0.15 * 0.05 - 0.2 * 0.1 + 0.35)
    assert w.steps[0].substituted == "0.15*0.05 - 0.2*0.1 + 0.35"
    long = w.step("s", dot(np.ones(20), np.arange(20.0), "sum"))
    assert long.value == 190  # 0 + 1 + ... + 19
    assert "... (12 more)" in w.steps[1].substituted


def test_latex_names():
    assert latex_name("delta_k") == r"\delta_{k}"
    assert latex_name("m_hat") == r"\hat{m}"
    assert latex_name("W2") == r"W_{2}"
    w = Working()
    v = w.given("v", 0.04)
    w.step("denom", sqrt(v + 1e-8))
    assert w.steps[0].latex_substituted == r"\sqrt{0.04 + 1 \times 10^{-8}}"


def test_overrides_replace_a_step_and_everything_downstream_follows():
    with replaying({"out_w": 54}):
        sol = ops.run("conv-size", ALEXNET_CONV1)
    assert sol["out_w"] == 54 and sol["out_h"] == 54
    assert sol["params"] == 34944  # (11*11*3 + 1)*96: does not depend on the output size
    assert sol["macs"] == 101_616_768  # 54*54 = 2916; *96 = 279,936; *363 = 101,616,768


def test_replay_of_a_solution():
    sol = ops.run("conv-size", ALEXNET_CONV1)
    assert sol["macs"] == 105_415_200  # 55*55*96*11*11*3
    again = sol.replay(overrides={"out_w": 54})
    assert again["macs"] == 101_616_768
    assert sol["macs"] == 105_415_200  # the original is untouched


@pytest.mark.parametrize(
    ("rule", "args", "key", "slip_value"),
    [
        ("no-bias", ALEXNET_CONV1, "params", 34_848),  # 11*11*3*96
        ("bias-once", ALEXNET_CONV1, "params", 34_849),  # 11*11*3*96 + 1
        ("no-plus-one", ALEXNET_CONV1, "out_w", 54),  # (227 - 11)/4
        ("flops-for-macs", ALEXNET_CONV1, "macs", 210_830_400),  # 2 * 105,415,200
        ("macs-input-size", ALEXNET_CONV1, "macs", 1_795_682_592),  # 51529*96 = 4946784; *363
        ("channels-ignored", ALEXNET_CONV1, "params", 11_712),  # (11*11*1 + 1)*96
        ("pad-one-side", {"input": 32, "kernel": 5, "pad": 2}, "out_w", 30),  # 32 + 2 - 5 + 1
        ("no-stride", {"input": 32, "kernel": 5, "stride": 2}, "out_w", 28),  # 32 - 5 + 1
        ("ceil-not-floor", {"input": 32, "kernel": 5, "stride": 2}, "out_w", 15),  # ceil(27/2)+1
        ("dilation-ignored", {"input": 32, "kernel": 3, "dilation": 2}, "out_w", 30),  # 32-3+1
    ],
)
def test_variant_rules_compute_the_misconception(rule, args, key, slip_value):
    sol = ops.run("conv-size", args)
    assert rule in sol.slips
    assert sol.replay(rule=rule)[key] == slip_value


def test_every_catalogued_conv_size_mistake_is_consulted_by_the_engine():
    from dlcalc.engine.cnn.mistakes import MISTAKES

    full = ops.run("conv-size", dict(ALEXNET_CONV1, dilation=2))
    assert {m.id for m in MISTAKES["conv-size"]} <= set(full.slips)


def test_rules_not_consulted_do_not_apply():
    sol = ops.run("conv-size", {"input": 32, "kernel": 5})
    assert "no-bias" not in sol.slips  # no channels, no parameter count
    assert "dilation-ignored" not in sol.slips


def test_keep_names_a_value_and_a_patch_overrides_single_elements_and_rows():
    from dlcalc.engine._working import Patch

    def engine():
        w = Working()
        d = w.keep("delta_out", np.array([0.1, -0.2]))
        rows = [w.keep("trajectory", np.array([t, 2.0 * t]), at=t) for t in range(3)]
        return w.solution({"delta_out": d, "trajectory": np.array(rows)})

    plain = engine()
    assert plain.order == (("delta_out", None),) + tuple(("trajectory", t) for t in range(3))
    with replaying({"delta_out": Patch([((1,), 0.5)]), "trajectory": Patch([((2, 0), 9.0)])}):
        sol = engine()
    assert sol["delta_out"].tolist() == [0.1, 0.5]  # element 1 replaced, element 0 kept
    assert sol["trajectory"].tolist() == [[0, 0], [1, 2], [9, 4]]  # only row 2, entry 0
    with replaying({"trajectory": Patch([((1,), [7.0, 7.0])])}):
        assert engine()["trajectory"][1].tolist() == [7, 7]  # a whole row
