"""rnn, bptt, lstm and vanishing misconceptions and follow-through, each worked by hand
(values not from the code: the formulas are written out here with math.tanh)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from slips import under, vec  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch, replaying
from dlcalc.engine.rnn.mistakes import MISTAKES

tanh = math.tanh


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_answer_keys():
    assert ops.get("rnn").answers == ("h",)
    assert ops.get("bptt").answers == ("grad",)
    assert ops.get("lstm").answers == ("h", "c")
    assert ops.get("vanishing").answers == ("value",)


# ---------------------------------------------------------------- rnn
# x = 1, 2; w_hh 0.5, w_hx 1, b_h 0.1, w_yh 2, h_0 0.4:
# a_1 = 0.5*0.4 + 1*1 + 0.1 = 1.3, h_1 = tanh(1.3) = 0.861723
# a_2 = 0.5*h_1 + 1*2 + 0.1 = 2.1 + 0.430862 = 2.530862, h_2 = tanh(a_2) = 0.987...; y = 2 h
RNN = {"x": "1,2", "w_hh": 0.5, "w_hx": 1, "b_h": 0.1, "w_yh": 2, "h0": 0.4}
H1 = tanh(1.3)
H2 = tanh(2.1 + 0.5 * H1)


def test_rnn_plain_run():
    sol = ops.run("rnn", RNN)
    assert vec(sol["h"]) == pytest.approx([H1, H2], rel=1e-12)
    assert vec(sol["y"]) == pytest.approx([2 * H1, 2 * H2], rel=1e-12)
    assert H1 == pytest.approx(0.861723, abs=1e-6)


def test_rnn_tanh_forgotten():
    # h_1 = a_1 = 1.3; h_2 = 0.5*1.3 + 2 + 0.1 = 2.75; y = [2.6, 5.5]
    _, slip = under("rnn", "no-tanh", RNN)
    assert vec(slip["h"]) == pytest.approx([1.3, 2.75], rel=1e-12)
    assert vec(slip["y"]) == pytest.approx([2.6, 5.5], rel=1e-12)


def test_rnn_bias_forgotten():
    # a_1 = 0.2 + 1 = 1.2; a_2 = 0.5 tanh(1.2) + 2
    _, slip = under("rnn", "no-bias", RNN)
    assert vec(slip["h"]) == pytest.approx([tanh(1.2), tanh(2 + 0.5 * tanh(1.2))], rel=1e-12)
    assert "no-bias" not in ops.run("rnn", {**RNN, "b_h": 0}).slips


def test_rnn_h0_ignored():
    # h_0 taken as 0: a_1 = 1 + 0.1 = 1.1; a_2 = 0.5 tanh(1.1) + 2.1
    _, slip = under("rnn", "h0-ignored", RNN)
    assert vec(slip["h"]) == pytest.approx([tanh(1.1), tanh(2.1 + 0.5 * tanh(1.1))], rel=1e-12)
    assert "h0-ignored" not in ops.run("rnn", {**RNN, "h0": None}).slips


def test_rnn_recurrent_term_forgotten():
    # a_1 = 1 + 0.1 = 1.1; a_2 = 2 + 0.1 = 2.1 (no W_hh h_{t-1})
    _, slip = under("rnn", "no-recurrence", RNN)
    assert vec(slip["h"]) == pytest.approx([tanh(1.1), tanh(2.1)], rel=1e-12)


def test_rnn_output_from_the_pre_activation():
    # y_1 = 2*1.3 = 2.6; y_2 = 2*(2.1 + 0.5 h_1); h unchanged
    plain, slip = under("rnn", "y-before-tanh", RNN)
    assert vec(slip["y"]) == pytest.approx([2.6, 2 * (2.1 + 0.5 * H1)], rel=1e-12)
    assert vec(slip["h"]) == vec(plain["h"])


def test_rnn_follow_through_from_a_wrong_h1():
    # the student's h_1 = 0.5: a_2 = 0.5*0.5 + 2.1 = 2.35, h_2 = tanh(2.35), y_2 = 2 tanh(2.35)
    with replaying({"h": Patch([((0,), 0.5)])}):
        sol = ops.run("rnn", RNN)
    assert vec(sol["h"]) == pytest.approx([0.5, tanh(2.35)], rel=1e-12)
    assert vec(sol["y"]) == pytest.approx([1.0, 2 * tanh(2.35)], rel=1e-12)


def test_every_rnn_mistake_is_consulted_and_changes_h_or_y():
    sol = ops.run("rnn", RNN)
    ids = {m.id for m in MISTAKES["rnn"]}
    assert len(ids) >= 3 and ids <= set(sol.slips)
    for rule in ids:
        other = sol.replay(rule=rule)
        assert not (np.allclose(other["h"], sol["h"]) and np.allclose(other["y"], sol["y"])), rule


# ---------------------------------------------------------------- bptt
# x = 1, 0.5; w_hh 0.5, w_hx 1, b 0, w_yh 2, target 1, h_0 0.5 (E = 1/2 (y - t)^2):
# a_1 = 0.5*0.5 + 1 = 1.25, h_1 = tanh(1.25); a_2 = 0.5 h_1 + 0.5, h_2 = tanh(a_2)
# dh_1/dw = (1 - h_1^2)(h_0 + 0.5*0) = 0.5 (1 - h_1^2)
# dh_2/dw = (1 - h_2^2)(h_1 + 0.5 dh_1/dw); grad = (2 h_2 - 1) * 2 * dh_2/dw
BPTT = {"x": "1,0.5", "w_hh": 0.5, "w_hx": 1, "b_h": 0, "w_yh": 2, "target": 1, "h0": 0.5}
B_H1 = tanh(1.25)
B_A2 = 0.5 * B_H1 + 0.5
B_H2 = tanh(B_A2)
B_DE = 2 * (2 * B_H2 - 1)  # dE/dy * w_yh


def test_bptt_plain_run():
    g1 = 0.5 * (1 - B_H1**2)
    g2 = (1 - B_H2**2) * (B_H1 + 0.5 * g1)
    sol = ops.run("bptt", BPTT)
    assert vec(sol["dh_dw"]) == pytest.approx([g1, g2], rel=1e-12)
    assert sol["grad"] == pytest.approx(B_DE * g2, rel=1e-12)


def test_bptt_recurrent_term_forgotten():
    # dh_2/dw = (1 - h_2^2) h_1 only (h_1 taken as a constant)
    _, slip = under("bptt", "no-recurrent-term", BPTT)
    assert slip["grad"] == pytest.approx(B_DE * (1 - B_H2**2) * B_H1, rel=1e-12)


def test_bptt_tanh_derivative_forgotten():
    # dh_1/dw = 0.5; dh_2/dw = h_1 + 0.5*0.5 = h_1 + 0.25
    _, slip = under("bptt", "no-tanh-prime", BPTT)
    assert vec(slip["dh_dw"]) == pytest.approx([0.5, B_H1 + 0.25], rel=1e-12)
    assert slip["grad"] == pytest.approx(B_DE * (B_H1 + 0.25), rel=1e-12)


def test_bptt_tanh_derivative_of_the_pre_activation():
    # (tanh)' taken as 1 - a^2: dh_1/dw = (1 - 1.25^2)*0.5 = -0.28125
    # dh_2/dw = (1 - a_2^2)(h_1 + 0.5*(-0.28125))
    _, slip = under("bptt", "tanh-prime-of-a", BPTT)
    g2 = (1 - B_A2**2) * (B_H1 - 0.140625)
    assert vec(slip["dh_dw"]) == pytest.approx([-0.28125, g2], rel=1e-12)
    assert slip["grad"] == pytest.approx(B_DE * g2, rel=1e-12)


def test_bptt_follow_through_from_a_wrong_dh1():
    # the student's dh_1/dw = 0.2: dh_2/dw = (1 - h_2^2)(h_1 + 0.5*0.2); grad follows
    with replaying({"dh_dw": Patch([((0,), 0.2)])}):
        sol = ops.run("bptt", BPTT)
    g2 = (1 - B_H2**2) * (B_H1 + 0.1)
    assert vec(sol["dh_dw"]) == pytest.approx([0.2, g2], rel=1e-12)
    assert sol["grad"] == pytest.approx(B_DE * g2, rel=1e-12)


def test_bptt_follow_through_from_a_wrong_output_error():
    # the student's dE/dy = 0.5: grad = 0.5 * 2 * dh_2/dw
    g1 = 0.5 * (1 - B_H1**2)
    g2 = (1 - B_H2**2) * (B_H1 + 0.5 * g1)
    with replaying({"de_dy": 0.5}):
        assert ops.run("bptt", BPTT)["grad"] == pytest.approx(g2, rel=1e-12)


def test_every_bptt_mistake_is_consulted_and_changes_the_gradient():
    sol = ops.run("bptt", BPTT)
    ids = {m.id for m in MISTAKES["bptt"]}
    assert len(ids) >= 2 and ids <= set(sol.slips)
    for rule in ids:
        assert sol.replay(rule=rule)["grad"] != pytest.approx(sol["grad"], rel=1e-6), rule


# ---------------------------------------------------------------- lstm
# x = 1, h_0 = 0, c_0 = 1; every W_*h and W_*x is 0, so the biases are the pre-activations:
# f = sigmoid(ln 3) = 3/4, i = sigmoid(0) = 1/2, o = sigmoid(-ln 3) = 1/4,
# c~ = tanh(ln 2) = (4 - 1)/(4 + 1) = 0.6
# right: c = 0.75*1 + 0.5*0.6 = 1.05, h = 0.25 tanh(1.05)
LN3, LN2 = math.log(3), math.log(2)
WEIGHTS = {
    **{f"w_{g}{s}": 0 for g in "fioc" for s in "hx"},
    "b_f": LN3,
    "b_i": 0,
    "b_o": -LN3,
    "b_c": LN2,
}
LSTM = {"x": "1", "weights": WEIGHTS, "h0": "0", "c0": "1"}


def test_lstm_plain_run():
    sol = ops.run("lstm", LSTM)
    assert vec(sol["f"]) == pytest.approx([0.75], rel=1e-12)
    assert vec(sol["o"]) == pytest.approx([0.25], rel=1e-12)
    assert vec(sol["c_tilde"]) == pytest.approx([0.6], rel=1e-12)
    assert vec(sol["c"]) == pytest.approx([1.05], rel=1e-12)
    assert vec(sol["h"]) == pytest.approx([0.25 * tanh(1.05)], rel=1e-12)


def test_lstm_output_gate_for_the_forget_gate():
    # c = 0.25*1 + 0.5*0.6 = 0.55, h = 0.25 tanh(0.55)
    _, slip = under("lstm", "o-for-f", LSTM)
    assert vec(slip["c"]) == pytest.approx([0.55], rel=1e-12)
    assert vec(slip["h"]) == pytest.approx([0.25 * tanh(0.55)], rel=1e-12)


def test_lstm_h_without_tanh():
    # h = 0.25 * 1.05 = 0.2625
    _, slip = under("lstm", "h-without-tanh", LSTM)
    assert vec(slip["h"]) == pytest.approx([0.2625], rel=1e-12)
    assert vec(slip["c"]) == pytest.approx([1.05], rel=1e-12)


def test_lstm_sigmoid_candidate():
    # c~ = sigmoid(ln 2) = 2/3; c = 0.75 + 0.5*2/3 = 13/12; h = 0.25 tanh(13/12)
    _, slip = under("lstm", "sigmoid-candidate", LSTM)
    assert vec(slip["c_tilde"]) == pytest.approx([2 / 3], rel=1e-12)
    assert vec(slip["c"]) == pytest.approx([13 / 12], rel=1e-12)
    assert vec(slip["h"]) == pytest.approx([0.25 * tanh(13 / 12)], rel=1e-12)


def test_lstm_input_gate_forgotten():
    # c = 0.75 + 0.6 = 1.35, h = 0.25 tanh(1.35)
    _, slip = under("lstm", "no-input-gate", LSTM)
    assert vec(slip["c"]) == pytest.approx([1.35], rel=1e-12)
    assert vec(slip["h"]) == pytest.approx([0.25 * tanh(1.35)], rel=1e-12)


def test_lstm_follow_through_per_time_step():
    # two steps of the same input (the gates do not depend on h): c_2 = 0.75 c_1 + 0.3.
    # the student's c_1 = 2: h_1 = 0.25 tanh(2); c_2 = 1.5 + 0.3 = 1.8, h_2 = 0.25 tanh(1.8)
    args = {**LSTM, "x": "1,1"}
    with replaying({"c": Patch([((0,), 2.0)])}):
        sol = ops.run("lstm", args)
    assert vec(sol["c"]) == pytest.approx([2.0, 1.8], rel=1e-12)
    assert vec(sol["h"]) == pytest.approx([0.25 * tanh(2), 0.25 * tanh(1.8)], rel=1e-12)
    # the student's f_2 = 0.5: c_2 = 0.5*1.05 + 0.3 = 0.825, h_2 = 0.25 tanh(0.825)
    with replaying({"f": Patch([((1,), 0.5)])}):
        sol = ops.run("lstm", args)
    assert vec(sol["c"]) == pytest.approx([1.05, 0.825], rel=1e-12)
    assert vec(sol["h"])[1] == pytest.approx(0.25 * tanh(0.825), rel=1e-12)


def test_every_lstm_mistake_is_consulted_and_changes_h():
    sol = ops.run("lstm", LSTM)
    ids = {m.id for m in MISTAKES["lstm"]}
    assert len(ids) >= 3 and ids <= set(sol.slips)
    for rule in ids:
        assert not np.allclose(sol.replay(rule=rule)["h"], sol["h"]), rule
    # with c_0 = 0 and one step, f * c_prev is 0 whatever the gate: o-for-f cannot show
    assert "o-for-f" not in ops.run("lstm", {**LSTM, "c0": None}).slips


# ---------------------------------------------------------------- vanishing
# F = 0.5, N = 3: F^N = 0.125


@pytest.mark.parametrize(
    ("rule", "slip_value"),
    [
        ("times-not-power", 1.5),  # 0.5*3
        ("one-fewer-factor", 0.25),  # 0.5^2
        ("linear-growth", -0.5),  # 1 + 3*(0.5 - 1)
    ],
)
def test_vanishing_mistakes(rule, slip_value):
    plain, slip = under("vanishing", rule, {"factor": 0.5, "steps": 3})
    assert plain["value"] == 0.125
    assert slip["value"] == pytest.approx(slip_value, rel=1e-12)


def test_vanishing_slides_example_under_the_slips():
    # 1.01^1000 = 20959.16 (slides: ~21000); 1.01*1000 = 1010; 1 + 1000*0.01 = 11
    sol = ops.run("vanishing", {"factor": 1.01, "steps": 1000})
    assert sol["value"] == pytest.approx(20959.16, rel=1e-6)
    assert sol.replay(rule="times-not-power")["value"] == pytest.approx(1010, rel=1e-12)
    assert sol.replay(rule="linear-growth")["value"] == pytest.approx(11, rel=1e-12)
    assert {m.id for m in MISTAKES["vanishing"]} <= set(sol.slips)


# ---------------------------------------------------------------- through the marker


def test_marker_names_the_forgotten_tanh_and_follows_y_through():
    # h = 1.3, 2.75 (no tanh, above); y = 2h = 2.6, 5.5 follows from the student's own h
    report = ops.run("rnn", RNN).check(h="1.3,2.75", y="2.6,5.5")
    items = {i["key"]: i for i in report["items"]}
    assert items["h"]["verdict"] == "mistake" and items["h"]["mistake"]["id"] == "no-tanh"
    assert items["y"]["verdict"] == "follow_through"


def test_marker_follows_an_lstm_cell_through_to_h():
    # the student's c = 2, 1.8 (wrong): h = 0.25 tanh(2) = 0.241007, 0.25 tanh(1.8) = 0.236702
    report = ops.run("lstm", {**LSTM, "x": "1,1"}).check(c="2,1.8", h="0.241007,0.236702")
    items = {i["key"]: i for i in report["items"]}
    assert items["h"]["verdict"] == "follow_through"
