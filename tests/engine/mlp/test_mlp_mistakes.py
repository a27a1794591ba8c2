"""The misconceptions of the multilayer-network commands (dlcalc.engine.mlp.mistakes): each
computed by the engine under its variant rule, checked against a hand-worked value; and
follow-through replays (a student's own intermediate carried downstream)."""

from __future__ import annotations

import numpy as np
import pytest
from slips import run  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch
from dlcalc.engine.mlp.mistakes import MISTAKES

A = pytest.approx


def close(value, rel=1e-9, abs=1e-12):
    return pytest.approx(value, rel=rel, abs=abs)


# A 2-2-1 sigmoid net (the one of test_mlp.py): x = (1, 2), W1 = [[0.1, 0.2], [0.3, -0.1]],
# b1 = (0, 0.1), W2 = [[0.5, -0.5]], b2 = 0.2, t = 1, eta = 0.5.
#   net_j = (0.1 + 0.4 + 0, 0.3 - 0.2 + 0.1) = (0.5, 0.2)
#   y = (sigma(0.5), sigma(0.2)) = (0.6224593, 0.5498340)
#   net_k = 0.5*0.6224593 - 0.5*0.5498340 + 0.2 = 0.2363127;  z = sigma(0.2363127) = 0.5588048
#   J = 1/2 (1 - 0.5588048)^2 = 0.0973266
#   delta_k = (1 - z) z (1 - z) = 0.4411952*0.5588048*0.4411952 = 0.1087732
#   delta_j = y_j(1 - y_j) w_kj delta_k = (0.2350037*0.5, 0.2475166*(-0.5))*0.1087732
#           = (0.0127810, -0.0134616)
#   w2_new = w2 + 0.5*0.1087732*y = (0.5338534, -0.4700964)
NET = {
    "x": "1,2",
    "w1": "0.1,0.2; 0.3,-0.1",
    "b1": "0,0.1",
    "w2": "0.5,-0.5",
    "b2": "0.2",
}
BP = {**NET, "target": "1", "lr": 0.5}
Y1, Y2 = 0.6224593312018546, 0.549833997312478
Z = 0.5588047649081526
DK = 0.10877315548416759


def val(sol, name):
    """A result key, else the named step (backprop's z is a step, not a result key)."""
    if name in sol.result:
        return np.asarray(sol.result[name])
    return np.asarray(sol.step(name).value)


def test_plain_backprop_is_the_hand_worked_one():
    sol = ops.run("backprop", BP)
    assert val(sol, "z") == close(Z)
    assert sol["delta_out"] == close([DK])
    assert sol["delta_hidden"] == A([0.0127810, -0.0134616], abs=1e-7)
    assert sol["w2_new"] == A(np.array([[0.5338534, -0.4700964]]), abs=1e-7)
    assert sol["loss"] == A(0.0973266, abs=1e-7)


# ---------------------------------------------------------------- backprop


def test_deriv_on_net():
    # sigma'(net) written net(1 - net): delta_k = (1 - z)*net_k(1 - net_k)
    #   = 0.4411952*0.2363127*0.7636873 = 0.0796221 (right: 0.1087732)
    # delta_j = net_j(1 - net_j)*w_kj*delta_k = (0.5*0.5*0.5, 0.2*0.8*(-0.5))*0.0796221
    #   = (0.0099528, -0.0063698)
    sol = run("backprop", BP, "deriv-on-net")
    assert sol["delta_out"] == A([0.0796221], abs=1e-7)
    assert sol["delta_hidden"] == A([0.0099528, -0.0063698], abs=1e-7)


def test_delta_sign():
    # delta_k = (z - t) z(1 - z) = -0.1087732; w2_new[0,0] = 0.5 + 0.5*(-0.1087732)*0.6224593
    #   = 0.4661466 (right: 0.5338534): the weight moves the wrong way
    sol = run("backprop", BP, "delta-sign")
    assert sol["delta_out"] == close([-DK])
    assert sol["w2_new"][0, 0] == A(0.4661466, abs=1e-7)
    assert sol["delta_hidden"] == A([-0.0127810, 0.0134616], abs=1e-7)


def test_no_lr():
    # Delta w_kj = delta_k y_j (eta = 0.5 forgotten) = 0.1087732*(0.6224593, 0.5498340)
    #   = (0.0677069, 0.0598072) (right: half of it)
    sol = run("backprop", BP, "no-lr")
    assert sol["dw2"] == A(np.array([[0.0677069, 0.0598072]]), abs=1e-7)
    assert sol["w2_new"] == A(np.array([[0.5677069, -0.4401928]]), abs=1e-7)
    assert sol["db2"] == close([DK])


def test_tanh_deriv_no_square():
    # tanh net: y = (tanh 0.5, tanh 0.2) = (0.4621172, 0.1973753)
    # net_k = 0.5*0.4621172 - 0.5*0.1973753 + 0.2 = 0.3323709; z = tanh(0.3323709) = 0.3206495
    # right: delta_k = (1 - z)(1 - z^2) = 0.6793505*0.8971839 = 0.6095023
    # slip:  delta_k = (1 - z)(1 - z)   = 0.6793505^2          = 0.4615170
    args = {**BP, "act": "tanh"}
    assert ops.run("backprop", args)["delta_out"] == A([0.6095023], abs=1e-7)
    assert run("backprop", args, "tanh-deriv-no-square")["delta_out"] == A([0.4615170], abs=1e-7)


def test_deriv_on_net_tanh():
    # tanh'(net) written 1 - net^2: delta_k = (1 - 0.3206495)*(1 - 0.3323709^2) = 0.6043023
    args = {**BP, "act": "tanh"}
    assert run("backprop", args, "deriv-on-net")["delta_out"] == A([0.6043023], abs=1e-7)


def test_delta_hidden_new_w2():
    # delta_j with w2_new = (0.5338534, -0.4700964) instead of (0.5, -0.5):
    #   (0.2350037*0.5338534, 0.2475166*(-0.4700964))*0.1087732 = (0.0136464, -0.0126565)
    #   (right: (0.0127810, -0.0134616))
    sol = run("backprop", BP, "delta-hidden-new-w2")
    assert sol["delta_hidden"] == A([0.0136464, -0.0126565], abs=1e-7)
    assert sol["delta_out"] == close([DK])
    assert sol["w2_new"] == A(
        np.array([[0.5338534, -0.4700964]]), abs=1e-7
    )  # w2 itself updated right


def test_no_deriv_out():
    # delta_k = t - z = 1 - 0.5588048 = 0.4411952 (f'(net_k) = 0.2465360 left out)
    sol = run("backprop", BP, "no-deriv-out")
    assert sol["delta_out"] == close([1 - Z])


def test_no_deriv_hidden():
    # delta_j = w_kj delta_k = (0.5, -0.5)*0.1087732 = (0.0543866, -0.0543866)
    sol = run("backprop", BP, "no-deriv-hidden")
    assert sol["delta_hidden"] == close([0.5 * DK, -0.5 * DK])
    assert sol["db1"] == close([0.25 * DK, -0.25 * DK])  # eta = 0.5


def test_dw2_uses_net():
    # Delta w_kj = eta delta_k net_j = 0.5*0.1087732*(0.5, 0.2) = (0.0271933, 0.0108773)
    # (right: 0.5*0.1087732*(0.6224593, 0.5498340) = (0.0338534, 0.0299036))
    sol = run("backprop", BP, "dw2-uses-net")
    assert sol["dw2"] == A(np.array([[0.0271933, 0.0108773]]), abs=1e-7)
    assert sol["w2_new"] == A(np.array([[0.5271933, -0.4891227]]), abs=1e-7)
    assert sol["dw1"] == close(ops.run("backprop", BP)["dw1"])  # delta_j unchanged


def test_loss_no_half():
    # J = (1 - 0.5588048)^2 = 0.4411952^2 = 0.1946532 (right: half, 0.0973266)
    sol = run("backprop", BP, "loss-no-half")
    assert sol["loss"] == A(0.1946532, abs=1e-7)
    assert sol["delta_out"] == close([DK])  # the deltas do not change


# ---------------------------------------------------------------- forward


def test_forward_plain():
    sol = ops.run("forward", NET)
    assert sol["net_hidden"] == close([0.5, 0.2])
    assert sol["z"] == close([Z])


def test_out_act_missing():
    # z = net_k = 0.2363127 (sigma not applied; right: 0.5588048)
    assert run("forward", NET, "out-act-missing")["z"] == A([0.2363127], abs=1e-7)


def test_hidden_act_missing():
    # y = net_j = (0.5, 0.2); net_k = 0.5*0.5 - 0.5*0.2 + 0.2 = 0.35; z = sigma(0.35) = 0.5866176
    sol = run("forward", NET, "hidden-act-missing")
    assert sol["y"] == close([0.5, 0.2])
    assert sol["z"] == A([0.5866176], abs=1e-7)


def test_no_bias():
    # net_j = (0.1 + 0.4, 0.3 - 0.2) = (0.5, 0.1); y = (0.6224593, 0.5249792)
    # net_k = 0.5*0.6224593 - 0.5*0.5249792 = 0.0487401; z = sigma(0.0487401) = 0.5121826
    sol = run("forward", NET, "no-bias")
    assert sol["net_hidden"] == close([0.5, 0.1])
    assert sol["net_out"] == A([0.0487401], abs=1e-7)
    assert sol["z"] == A([0.5121826], abs=1e-7)


def test_weights_transposed():
    # W1^T x = [[0.1, 0.3], [0.2, -0.1]] (1, 2) = (0.7, 0); + b1 = (0.7, 0.1)
    # y = (0.6681878, 0.5249792); W2 (1x2) is not square: W2 y + b2 = 0.2716043
    # z = sigma(0.2716043) = 0.5674867
    sol = run("forward", NET, "weights-transposed")
    assert sol["net_hidden"] == close([0.7, 0.1])
    assert sol["z"] == A([0.5674867], abs=1e-7)


def test_weights_transposed_consulted_only_for_a_square_w():
    args = {"x": "1,2,3", "w1": "1,0,0; 0,1,0", "b1": "0,0", "w2": "1,1", "b2": "0"}
    assert "weights-transposed" not in ops.run("forward", args).slips


def test_sigmoid_sign():
    # y = 1/(1 + e^0.5), 1/(1 + e^0.2) = (0.3775407, 0.4501660)
    # net_k = 0.5*0.3775407 - 0.5*0.4501660 + 0.2 = 0.1636873; z = 1/(1 + e^0.1636873) = 0.4591693
    sol = run("forward", NET, "sigmoid-sign")
    assert sol["y"] == A([0.3775407, 0.4501660], abs=1e-7)
    assert sol["z"] == A([0.4591693], abs=1e-7)


# ---------------------------------------------------------------- follow-through


def test_backprop_follow_through_from_delta_out():
    # The student's delta_k = 0.1 (right: 0.1087732); eta = 0.5, y = (0.6224593, 0.5498340):
    #   dw2 = 0.5*0.1*(0.6224593, 0.5498340) = (0.0311230, 0.0274917)
    #   w2_new = (0.5 + 0.0311230, -0.5 + 0.0274917) = (0.5311230, -0.4725083)
    #   delta_j = y_j(1 - y_j) w_kj delta_k = (0.2350037*0.5*0.1, 0.2475166*(-0.5)*0.1)
    #           = (0.0117502, -0.0123758)
    #   w1_new = W1 + 0.5*delta_j x_i = [[0.1 + 0.0058751, 0.2 + 0.0117502],
    #                                    [0.3 - 0.0061879, -0.1 - 0.0123758]]
    #   b1_new = (0 + 0.0058751, 0.1 - 0.0061879)
    sol = run("backprop", BP, overrides={"delta_out": np.array([0.1])})
    assert sol["delta_out"] == close([0.1])
    assert sol["dw2"] == A(np.array([[0.0311230, 0.0274917]]), abs=1e-7)
    assert sol["w2_new"] == A(np.array([[0.5311230, -0.4725083]]), abs=1e-7)
    assert sol["b2_new"] == close([0.25])
    assert sol["delta_hidden"] == A([0.0117502, -0.0123758], abs=1e-7)
    assert sol["w1_new"] == A(np.array([[0.1058751, 0.2117502], [0.2938121, -0.1123758]]), abs=1e-7)
    assert sol["b1_new"] == A([0.0058751, 0.0938121], abs=1e-7)


def test_backprop_follow_through_patch_on_mazur():
    # Mazur's 2-2-2 net (the op's example), eta = 0.5; the student's delta_out[1] = 0.04
    # (right: 0.0380982); y_2 = 0.5968844:  w2_new[1,1] = 0.55 + 0.5*0.04*0.5968844 = 0.5619377
    # w2_new[0, :] is the right one (0.3589165, 0.4086662)
    sol = run(
        "backprop",
        ops.get("backprop").example,
        overrides={"delta_out": Patch([((1,), 0.04)])},
    )
    assert sol["w2_new"][1, 1] == A(0.5619377, abs=1e-7)
    assert sol["w2_new"][0] == A([0.35891648, 0.408666186], abs=1e-8)


def test_backprop_follow_through_from_y():
    # The student's y = (0.5, 0.5): net_k = 0.5*0.5 - 0.5*0.5 + 0.2 = 0.2, z = sigma(0.2) = 0.5498340
    # delta_k = (1 - 0.5498340)*0.5498340*(1 - 0.5498340) = 0.1114235
    # delta_j = y_j(1 - y_j) w_kj delta_k, with the student's y: 0.25*(+-0.5)*0.1114235
    #         = (0.0139279, -0.0139279)
    sol = run("backprop", BP, overrides={"y": np.array([0.5, 0.5])})
    assert val(sol, "z") == A(0.5498340, abs=1e-7)
    assert sol["delta_out"] == A([0.1114235], abs=1e-7)
    assert sol["delta_hidden"] == A([0.0139279, -0.0139279], abs=1e-7)


def test_forward_follow_through_from_net_hidden():
    # net_j = (0, 0): y = (0.5, 0.5), net_k = 0.5*0.5 - 0.5*0.5 + 0.2 = 0.2, z = 0.5498340
    sol = run("forward", NET, overrides={"net_hidden": np.array([0.0, 0.0])})
    assert sol["y"] == close([0.5, 0.5])
    assert sol["net_out"] == close([0.2])
    assert sol["z"] == A([0.5498340], abs=1e-7)


def test_order_of_named_values():
    names = [n for n, _ in ops.run("backprop", BP).order]
    assert names == [
        "net_hidden", "y", "net_out", "z", "loss", "delta_out", "delta_hidden",
        "dw2", "db2", "dw1", "db1", "w2_new", "b2_new", "w1_new", "b1_new", "loss_after",
    ]  # fmt: skip


def test_answer_keys():
    assert ops.get("backprop").answers == ("w2_new", "b2_new", "w1_new", "b1_new")
    assert ops.get("forward").answers[0] == "z"


# ---------------------------------------------------------------- the catalogue


CATALOGUE = [pytest.param(cmd, m, id=f"{cmd}:{m.id}") for cmd, ms in MISTAKES.items() for m in ms]


@pytest.mark.parametrize(("cmd", "mistake"), CATALOGUE)
def test_every_mistake_is_consulted_and_changes_one_of_its_keys(cmd, mistake):
    args = mistake.example or ops.get(cmd).example
    sol = ops.run(cmd, args)
    assert mistake.id in sol.slips
    slipped = sol.replay(rule=mistake.id)
    changed = [
        k
        for k in mistake.keys
        if val(sol, k).shape != val(slipped, k).shape
        or not np.allclose(val(sol, k), val(slipped, k), rtol=1e-12, atol=0)
    ]
    assert changed, f"{cmd}: {mistake.id} changes none of {mistake.keys} on {args}"


def test_enough_mistakes_per_command():
    counts = {cmd: len(ms) for cmd, ms in MISTAKES.items()}
    assert counts["backprop"] >= 5 and counts["forward"] >= 3
    assert all(n >= 3 for n in counts.values()), counts


# ---------------------------------------------------------------- act


def test_act_deriv_on_net():
    # sigma'(s) written s(1 - s) at s = -1, 0, 2: (-1*2, 0*1, 2*(-1)) = (-2, 0, -2)
    # (right: sigma(s)(1 - sigma(s)) = (0.1966119, 0.25, 0.1049936))
    args = {"name": "sigmoid", "x": "-1,0,2"}
    assert ops.run("act", args)["derivative"] == A([0.1966119, 0.25, 0.1049936], abs=1e-7)
    assert run("act", args, "deriv-on-net")["derivative"] == close([-2.0, 0.0, -2.0])


def test_act_deriv_on_net_tanh():
    # tanh'(s) written 1 - s^2 at s = -1, 0, 2: (0, 1, -3) (right: (0.4199743, 1, 0.0706508))
    assert run("act", {"name": "tanh", "x": "-1,0,2"}, "deriv-on-net")["derivative"] == close(
        [0.0, 1.0, -3.0]
    )


def test_act_tanh_deriv_no_square():
    # 1 - tanh(s) at s = -1, 0, 2: 1 + 0.7615942, 1 - 0, 1 - 0.9640276 = (1.7615942, 1, 0.0359724)
    # (right: 1 - tanh^2 = (0.4199743, 1, 0.0706508))
    args = {"name": "tanh", "x": "-1,0,2"}
    assert ops.run("act", args)["derivative"] == A([0.4199743, 1.0, 0.0706508], abs=1e-7)
    got = run("act", args, "tanh-deriv-no-square")["derivative"]
    assert got == A([1.7615942, 1.0, 0.0359724], abs=1e-7)


def test_act_sigmoid_sign():
    # 1/(1 + e^s) at s = -1, 0, 2: (0.7310586, 0.5, 0.1192029) (right: (0.2689414, 0.5, 0.8807971))
    args = {"name": "sigmoid", "x": "-1,0,2"}
    assert run("act", args, "sigmoid-sign")["value"] == A([0.7310586, 0.5, 0.1192029], abs=1e-7)


def test_act_leaky_slope_swapped():
    # alpha = 0.1 at s = -2, 0, 3: right f = (-0.2, 0, 3), f' = (0.1, 0.1, 1)
    # slope on the positive side: f = (-2, 0, 0.3), f' = (1, 1, 0.1)
    args = {"name": "leaky-relu", "x": "-2,0,3", "alpha": 0.1}
    sol = ops.run("act", args)
    assert sol["value"] == close([-0.2, 0.0, 3.0])
    assert sol["derivative"] == close([0.1, 0.1, 1.0])
    slipped = run("act", args, "leaky-slope-swapped")
    assert slipped["value"] == close([-2.0, 0.0, 0.3])
    assert slipped["derivative"] == close([1.0, 1.0, 0.1])


def test_act_deriv_at_zero():
    # relu'(0) taken as 1: (0, 1, 1) at s = -1, 0, 2 (right: (0, 0, 1), PyTorch's left slope)
    args = {"name": "relu", "x": "-1,0,2"}
    assert ops.run("act", args)["derivative"] == close([0.0, 0.0, 1.0])
    assert run("act", args, "deriv-at-zero")["derivative"] == close([0.0, 1.0, 1.0])
    assert "deriv-at-zero" not in ops.run("act", {"name": "relu", "x": "-1,2"}).slips


def test_act_follow_through_from_value():
    # the student's sigma(0) = 0.6: f'(0) = f(1 - f) = 0.6*0.4 = 0.24 (right: 0.25)
    sol = run("act", {"name": "sigmoid", "x": "0"}, overrides={"value": 0.6})
    assert float(sol["derivative"]) == close(0.24)


# ---------------------------------------------------------------- dropout

DROP = {"input": "0.5,1.2,-0.3,2", "p": 0.8, "mask": "1,0,1,1"}


def test_dropout_keep_drop_swapped():
    # lecture, p = 0.8 keeps: test-time scale p = 0.8; swapped: 1 - p = 0.2
    assert ops.run("dropout", DROP)["scale"] == close(0.8)
    assert run("dropout", DROP, "keep-drop-swapped")["scale"] == close(0.2)
    # pytorch, p = 0.2 drops: r*y/(1 - 0.2) = (0.625, 0, -0.375, 2.5); swapped: r*y/0.2
    #   = (2.5, 0, -1.5, 10)
    torch = {**DROP, "p": 0.2, "convention": "pytorch"}
    assert ops.run("dropout", torch)["output"] == close([0.625, 0.0, -0.375, 2.5])
    assert run("dropout", torch, "keep-drop-swapped")["output"] == close([2.5, 0.0, -1.5, 10.0])


def test_dropout_inverted_in_lecture():
    # r*y/p = (0.5, 0, -0.3, 2)/0.8 = (0.625, 0, -0.375, 2.5) (right: r*y = (0.5, 0, -0.3, 2))
    assert ops.run("dropout", DROP)["output"] == close([0.5, 0.0, -0.3, 2.0])
    assert run("dropout", DROP, "inverted-in-lecture")["output"] == close([0.625, 0, -0.375, 2.5])
    torch = {**DROP, "p": 0.2, "convention": "pytorch"}
    assert "inverted-in-lecture" not in ops.run("dropout", torch).slips


def test_dropout_test_scale_at_train():
    # p*r*y = 0.8*(0.5, 0, -0.3, 2) = (0.4, 0, -0.24, 1.6)
    assert run("dropout", DROP, "test-scale-at-train")["output"] == close([0.4, 0.0, -0.24, 1.6])


def test_dropout_scale_forgotten():
    # lecture: test-time scale 1 instead of p = 0.8; pytorch: r*y not divided by 1 - p = 0.8
    assert run("dropout", DROP, "scale-forgotten")["scale"] == close(1.0)
    torch = {**DROP, "p": 0.2, "convention": "pytorch"}
    assert run("dropout", torch, "scale-forgotten")["output"] == close([0.5, 0.0, -0.3, 2.0])


def test_dropout_follow_through_from_mask():
    # the student's mask (1, 1, 0, 1): r*y = (0.5, 1.2, 0, 2)
    sol = run("dropout", DROP, overrides={"mask": np.array([1.0, 1.0, 0.0, 1.0])})
    assert sol["output"] == close([0.5, 1.2, 0.0, 2.0])


# ---------------------------------------------------------------- init

XAVIER = {"scheme": "xavier", "fan_in": 400, "fan_out": 300}
HE = {"scheme": "he", "fan_in": 400}


def test_init_fan_in_only():
    # xavier 400 -> 300: a = sqrt(6/700) = 0.0925820; with n_in only sqrt(6/400) = 0.1224745
    assert ops.run("init", XAVIER)["bound"] == A(0.0925820, abs=1e-7)
    sol = run("init", XAVIER, "fan-in-only")
    assert sol["bound"] == A(0.1224745, abs=1e-7)
    assert sol["variance"] == close(0.005)  # 2/400 (right: 2/700 = 0.0028571)


def test_init_he_fan_sum():
    # he with n_in + n_out: Var = 2/700 = 0.0028571 (right: 2/400 = 0.005)
    args = {**HE, "fan_out": 300}
    assert ops.run("init", args)["variance"] == close(0.005)
    assert run("init", args, "he-fan-sum")["variance"] == close(2 / 700)


def test_init_he_one_over_n():
    # Var = 1/400 = 0.0025, std = 0.05, a = sqrt(3/400) = 0.0866025
    # (right: 2/400 = 0.005, std 0.0707107, a = sqrt(6/400) = 0.1224745)
    sol = run("init", HE, "he-one-over-n")
    assert sol["variance"] == close(0.0025)
    assert sol["std"] == close(0.05)
    assert sol["bound"] == A(0.0866025, abs=1e-7)


def test_init_std_is_variance():
    # std given as Var = 2/700 = 0.0028571 (right: sqrt(2/700) = 0.0534522)
    assert ops.run("init", XAVIER)["std"] == A(0.0534522, abs=1e-7)
    assert run("init", XAVIER, "std-is-variance")["std"] == close(2 / 700)


def test_init_bound_is_std():
    # bound given as the std sqrt(2/700) = 0.0534522 (right: sqrt(6/700) = 0.0925820)
    assert run("init", XAVIER, "bound-is-std")["bound"] == A(0.0534522, abs=1e-7)


def test_init_follow_through_from_variance():
    # normal: the student's Var = 0.004: std = sqrt(0.004) = 0.0632456,
    # a = sqrt(3)*0.0632456 = 0.1095445
    args = {**XAVIER, "dist": "normal"}
    sol = run("init", args, overrides={"variance": 0.004})
    assert sol["std"] == A(0.0632456, abs=1e-7)
    assert sol["bound"] == A(0.1095445, abs=1e-7)


def test_init_plain_normal_unchanged():
    sol = ops.run("init", {**XAVIER, "dist": "normal"})
    assert sol["bound"] == A(0.0925820, abs=1e-7)
    assert sol["std"] == A(0.0534522, abs=1e-7)


# ---------------------------------------------------------------- perceptron

# x = 2 (y = +1), x = -1 (y = -1), eta = 1, w = (0, 0):
#   epoch 1: [1,2].w = 0 -> +1 right; [1,-1].w = 0 -> +1 wrong: w = (0,0) - (1,-1) = (-1, 1)
#   epoch 2: -1 + 2 = 1 -> +1 right; -1 - 1 = -2 -> -1 right: converged, w = (-1, 1)
PER = {"data": "2; -1", "labels": "1,-1"}


def test_perceptron_plain():
    sol = ops.run("perceptron", PER)
    assert sol["weights"].tolist() == [-1, 1]
    assert sol["mistakes"] == [1, 0]


def test_perceptron_update_without_y():
    # w <- w + x~ on a mistake (3 epochs):
    #   epoch 1: x1 right (tie +1); x2: 0 -> +1 wrong: w = (1, -1)
    #   epoch 2: x1: 1 - 2 = -1 wrong: w = (2, 1); x2: 2 - 1 = 1 wrong: w = (3, 0)
    #   epoch 3: x1: 3 right; x2: 3 wrong: w = (4, -1)
    sol = run("perceptron", {**PER, "epochs": 3}, "update-without-y")
    assert sol["weights"].tolist() == [4, -1]
    assert sol["mistakes"] == [1, 2, 1]
    assert sol["converged"] is False


def test_perceptron_no_augmented_one():
    # x~ = [0, x]: epoch 1: x1: 0 -> +1 right; x2: 0 -> +1 wrong: w = (0,0) - (0,-1) = (0, 1)
    # epoch 2: 2 -> +1 right; -1 -> -1 right: w = (0, 1) (right: (-1, 1))
    assert run("perceptron", PER, "no-augmented-one")["weights"].tolist() == [0, 1]


def test_perceptron_tie_rule_reversed():
    # w.x~ = 0 -> -1: epoch 1: x1: 0 -> -1 wrong: w = (1, 2); x2: 1 - 2 = -1 right
    # epoch 2: 5 right, -1 right: w = (1, 2)
    assert run("perceptron", PER, "tie-rule-reversed")["weights"].tolist() == [1, 2]


# ---------------------------------------------------------------- ae

# x = (1, 0), W1 = (0.5, -0.5), b1 = 0: net_j = 0.5, y = sigma(0.5) = 0.6224593
# W2 = (1; -1), b2 = 0: z = (sigma(0.6224593), sigma(-0.6224593)) = (0.6507777, 0.3492223)
# square: J = (1 - 0.6507777)^2 + (0 - 0.3492223)^2 = 0.1219562*2 = 0.2439125
# cross-entropy: J = -(ln 0.6507777 + ln(1 - 0.3492223)) = 0.8591744
AE = {"x": "1,0", "w1": "0.5,-0.5", "b1": "0", "w2": "1; -1", "b2": "0,0"}
AE_CE = {**AE, "loss": "cross-entropy"}


def test_ae_plain():
    assert ops.run("ae", AE)["loss"] == A(0.2439125, abs=1e-7)
    assert ops.run("ae", AE_CE)["loss"] == A(0.8591744, abs=1e-7)


def test_ae_loss_no_square():
    # ||x - z|| = sqrt(0.2439125) = 0.4938749
    assert run("ae", AE, "loss-no-square")["loss"] == A(0.4938749, abs=1e-7)


def test_ae_square_half():
    # 1/2 ||x - z||^2 = 0.1219562
    assert run("ae", AE, "square-half")["loss"] == A(0.1219562, abs=1e-7)


def test_ae_loss_mean():
    # mean over d = 2: 0.2439125/2 = 0.1219562; cross-entropy 0.8591744/2 = 0.4295872
    assert run("ae", AE, "loss-mean")["loss"] == A(0.1219562, abs=1e-7)
    assert run("ae", AE_CE, "loss-mean")["loss"] == A(0.4295872, abs=1e-7)


def test_ae_ce_log10():
    # log base 10: 0.8591744/ln 10 = 0.3731347
    assert run("ae", AE_CE, "ce-log10")["loss"] == A(0.3731347, abs=1e-7)


def test_ae_ce_sign():
    # the minus lost: -0.8591744
    assert run("ae", AE_CE, "ce-sign")["loss"] == A(-0.8591744, abs=1e-7)


def test_ae_follow_through_from_z():
    # the student's z = (0.6, 0.4): J = 0.4^2 + 0.4^2 = 0.32
    assert run("ae", AE, overrides={"z": np.array([0.6, 0.4])})["loss"] == close(0.32)


def test_the_working_of_a_slip_shows_the_students_numbers():
    # the marker writes "0.0866 is 1 * sqrt(3/400): He with 1/n ..." from the replayed step
    assert run("init", HE, "he-one-over-n").step("bound").substituted == "1 * sqrt(3/400)"
    normal = {**XAVIER, "dist": "normal"}
    assert run("init", normal, "fan-in-only").step("variance").substituted == "1^2 * 2/400"
    assert ops.run("init", normal).step("variance").substituted == (
        "1^2 * 2/(400 + 300) = 1^2 * 2/700"
    )
    assert run("backprop", BP, "loss-no-half").step("loss").substituted == "1*((1 - 0.558805)^2)"
    # a forward rule: the one-unit z is a step of its own, without the right formula's text
    assert run("backprop", BP, "sigmoid-sign").step("z").substituted == ""
    assert ops.run("backprop", BP).step("z").substituted == "1/(1 + e^(-0.236313))"


def test_ae_backprop_step_follows_through_from_delta_out():
    # with --lr 1, the student's delta_out = (0.1, -0.1): y = 0.6224593
    #   dw2 = delta_k y_j = (0.1*0.6224593, -0.1*0.6224593) = (0.0622459, -0.0622459) (d x nH)
    #   delta_j = y(1 - y) (w_1j delta_1 + w_2j delta_2) = 0.2350037*(1*0.1 + (-1)*(-0.1))
    #           = 0.2350037*0.2 = 0.0470007
    sol = run("ae", {**AE, "lr": 1}, overrides={"delta_out": np.array([0.1, -0.1])})
    assert sol["dw2"] == A(np.array([[0.0622459], [-0.0622459]]), abs=1e-7)
    assert sol["delta_hidden"] == A([0.0470007], abs=1e-7)
    assert sol["w1_new"] == A(np.array([[0.5470007, -0.5]]), abs=1e-7)  # x = (1, 0)
