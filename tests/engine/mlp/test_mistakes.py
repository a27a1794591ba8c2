"""The misconceptions of the multilayer-network commands (dlcalc.engine.mlp.mistakes): each
computed by the engine under its variant rule, checked against a hand-worked value; and
follow-through replays (a student's own intermediate carried downstream)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc import ops
from dlcalc.engine._working import Patch, replaying
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


def run(cmd, args, rule=None, overrides=None):
    with replaying(overrides, rule):
        return ops.run(cmd, args)


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
