"""Optimizer misconceptions and follow-through, each worked by hand (values not from the code).

Most examples use f(x) = x^2 (g = 2x) from x0 = 1, or one given gradient g = 0.2 at
theta_0 = 0.5 with lr 0.1 and Adam's defaults beta1 0.9, beta2 0.999, eps 1e-8.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcalc import ops
from dlcalc.engine._working import Patch, replaying
from dlcalc.engine.optim.mistakes import MISTAKES

X2 = {"f": "x^2", "start": "1"}
ADAM1 = {"name": "adam", "params": "0.5", "grads": "0.2", "lr": 0.1}


def xs(sol) -> list[float]:
    return [row[0] for row in np.asarray(sol["trajectory"]).tolist()]


def final(sol) -> float:
    return float(np.asarray(sol["final"]).ravel()[0])


def under(rule: str, args: dict):
    """(plain run, run under ``rule``); the rule must be one the plain run consults."""
    plain = ops.run("optim", args)
    assert rule in plain.slips, (rule, plain.slips)
    with replaying(rule=rule):
        return plain, ops.run("optim", args)


# ---------------------------------------------------------------- each mistake


def test_adam_bias_corrected_when_the_slides_do_not():
    # right (slides): m = 0.1*0.2 = 0.02, v = 0.001*0.04 = 0.00004,
    #   theta_1 = 0.5 - 0.1*0.02/sqrt(0.00004 + 1e-8) = 0.5 - 0.002/0.0063253 = 0.18381
    # slip: m_hat = 0.02/0.1 = 0.2, v_hat = 0.00004/0.001 = 0.04,
    #   theta_1 = 0.5 - 0.1*0.2/sqrt(0.04 + 1e-8) = 0.5 - 0.02/0.2 = 0.4
    plain, slip = under("adam-bias-corrected", ADAM1)
    assert final(plain) == pytest.approx(0.5 - 0.1 * 0.02 / math.sqrt(0.00004 + 1e-8), rel=1e-9)
    assert final(slip) == pytest.approx(0.5 - 0.1 * 0.2 / math.sqrt(0.04 + 1e-8), rel=1e-9)
    assert final(slip) == pytest.approx(0.4, abs=1e-6)
    assert "adam-no-bias-correction" not in plain.slips


@pytest.mark.parametrize("extra", [{"bias_correction": True}, {"convention": "pytorch"}])
def test_adam_without_the_bias_correction_asked_for(extra):
    # right (Kingma & Ba): m_hat = 0.2, v_hat = 0.04, theta_1 = 0.5 - 0.1*0.2/(0.2 + 1e-8) = 0.4
    # slip: theta_1 = 0.5 - 0.1*0.02/(sqrt(0.00004) + 1e-8) = 0.5 - 0.002/0.00632457 = 0.18377
    plain, slip = under("adam-no-bias-correction", {**ADAM1, **extra})
    assert final(plain) == pytest.approx(0.5 - 0.1 * 0.2 / (0.2 + 1e-8), rel=1e-9)
    assert final(slip) == pytest.approx(0.5 - 0.1 * 0.02 / (math.sqrt(0.00004) + 1e-8), rel=1e-9)
    assert final(slip) == pytest.approx(0.18377, abs=1e-5)
    assert "adam-bias-corrected" not in plain.slips


def test_eps_outside_the_root_lecture_adagrad():
    # eps = 5 so that it shows. G_1 = 4.
    # right: 1 - 0.1*2/sqrt(4 + 5) = 1 - 0.2/3 = 0.933333
    # slip:  1 - 0.1*2/(sqrt(4) + 5) = 1 - 0.2/7 = 0.971429
    plain, slip = under(
        "eps-outside-sqrt", {**X2, "name": "adagrad", "lr": 0.1, "eps": 5, "steps": 1}
    )
    assert final(plain) == pytest.approx(1 - 0.2 / 3, rel=1e-12)
    assert final(slip) == pytest.approx(1 - 0.2 / 7, rel=1e-12)


def test_eps_outside_the_root_lecture_rmsprop_and_adam():
    # rmsprop rho 0.5, eps 1: E = 0.5*4 = 2; right 1 - 0.1*2/sqrt(3) = 0.884530;
    #   slip 1 - 0.2/(sqrt(2) + 1) = 1 - 0.2/2.414214 = 0.917157
    args = {**X2, "name": "rmsprop", "lr": 0.1, "rho": 0.5, "eps": 1, "steps": 1}
    plain, slip = under("eps-outside-sqrt", args)
    assert final(plain) == pytest.approx(1 - 0.2 / math.sqrt(3), rel=1e-12)
    assert final(slip) == pytest.approx(1 - 0.2 / (math.sqrt(2) + 1), rel=1e-12)
    # adam (slides) eps 0.01: m = 0.02, v = 0.00004;
    #   right 0.5 - 0.002/sqrt(0.01004) = 0.5 - 0.002/0.1002 = 0.480040
    #   slip  0.5 - 0.002/(0.0063246 + 0.01) = 0.5 - 0.002/0.0163246 = 0.377485
    plain, slip = under("eps-outside-sqrt", {**ADAM1, "eps": 0.01})
    assert final(plain) == pytest.approx(0.5 - 0.002 / math.sqrt(0.01004), rel=1e-9)
    assert final(slip) == pytest.approx(0.5 - 0.002 / (math.sqrt(0.00004) + 0.01), rel=1e-9)


def test_eps_inside_the_root_pytorch_adagrad():
    # torch: 1 - 0.1*2/(sqrt(4) + 5) = 0.971429; slip: 1 - 0.2/sqrt(9) = 0.933333
    args = {**X2, "name": "adagrad", "lr": 0.1, "eps": 5, "steps": 1, "convention": "pytorch"}
    plain, slip = under("eps-inside-sqrt", args)
    assert final(plain) == pytest.approx(1 - 0.2 / 7, rel=1e-12)
    assert final(slip) == pytest.approx(1 - 0.2 / 3, rel=1e-12)
    assert "eps-outside-sqrt" not in plain.slips


def test_learning_rate_forgotten():
    # sgd: right 1 - 0.1*2 = 0.8; slip 1 - 2 = -1
    plain, slip = under("no-lr", {**X2, "name": "sgd", "lr": 0.1, "steps": 1})
    assert final(plain) == pytest.approx(0.8) and final(slip) == pytest.approx(-1)
    # momentum: v1 = 0.9*0 + 2 = 2 instead of 0.2: x1 = -1
    plain, slip = under("no-lr", {**X2, "name": "momentum", "lr": 0.1, "steps": 1})
    assert final(plain) == pytest.approx(0.8) and final(slip) == pytest.approx(-1)
    # adadelta has no learning rate: not consulted
    assert "no-lr" not in ops.run("optim", {**X2, "name": "adadelta", "steps": 1}).slips


def test_momentum_sign_confusion():
    # right: v1 = 0.2, x1 = 0.8; v2 = 0.18 + 0.16 = 0.34, x2 = 0.46
    # slip v = gamma v - eta g, theta -= v:
    #   v1 = 0 - 0.1*2 = -0.2, x1 = 1 + 0.2 = 1.2; g2 = 2.4,
    #   v2 = 0.9*(-0.2) - 0.1*2.4 = -0.18 - 0.24 = -0.42, x2 = 1.2 + 0.42 = 1.62
    args = {**X2, "name": "momentum", "lr": 0.1, "momentum": 0.9, "steps": 2}
    plain, slip = under("momentum-sign", args)
    assert xs(plain) == pytest.approx([1, 0.8, 0.46], rel=1e-12)
    assert xs(slip) == pytest.approx([1, 1.2, 1.62], rel=1e-12)


def test_nag_gradient_at_theta_not_the_look_ahead():
    # right: look-ahead 0.8 - 0.9*0.2 = 0.62, g2 = 1.24, v2 = 0.18 + 0.124 = 0.304, x2 = 0.496
    # slip (plain momentum): g2 = 1.6, v2 = 0.18 + 0.16 = 0.34, x2 = 0.46
    args = {**X2, "name": "nag", "lr": 0.1, "momentum": 0.9, "steps": 2}
    plain, slip = under("nag-grad-at-theta", args)
    assert xs(plain) == pytest.approx([1, 0.8, 0.496], rel=1e-12)
    assert xs(slip) == pytest.approx([1, 0.8, 0.46], rel=1e-12)
    assert slip["grads"].ravel().tolist() == pytest.approx([2, 1.6], rel=1e-12)


def test_adagrad_without_accumulating():
    # right: G1 = 4, x1 = 0.9; g2 = 1.8, G2 = 4 + 3.24 = 7.24, x2 = 0.9 - 0.18/sqrt(7.24) = 0.833104
    # slip: G2 = 1.8^2 = 3.24, x2 = 0.9 - 0.18/1.8 = 0.8
    args = {**X2, "name": "adagrad", "lr": 0.1, "eps": 0, "steps": 2}
    plain, slip = under("adagrad-no-accumulate", args)
    assert final(plain) == pytest.approx(0.9 - 0.18 / math.sqrt(7.24), rel=1e-12)
    assert final(slip) == pytest.approx(0.8, rel=1e-12)


def test_one_minus_rho_forgotten():
    # rmsprop rho 0.5, eps 0: right E = 0.5*4 = 2, x1 = 1 - 0.2/sqrt(2) = 0.858579
    # slip: E = 0.5*0 + 4 = 4, x1 = 1 - 0.2/2 = 0.9
    args = {**X2, "name": "rmsprop", "lr": 0.1, "rho": 0.5, "eps": 0, "steps": 1}
    plain, slip = under("no-one-minus-rho", args)
    assert final(plain) == pytest.approx(1 - 0.2 / math.sqrt(2), rel=1e-12)
    assert final(slip) == pytest.approx(0.9, rel=1e-12)
    # adadelta rho 0.5 eps 0.25: right E = 2, d1 = -(0.5/1.5)*2 = -2/3, x1 = 1/3;
    # slip E = 4, d1 = -(0.5/sqrt(4.25))*2 = -0.485071, x1 = 0.514929
    args = {**X2, "name": "adadelta", "rho": 0.5, "eps": 0.25, "steps": 1}
    plain, slip = under("no-one-minus-rho", args)
    assert final(plain) == pytest.approx(1 / 3, rel=1e-12)
    assert final(slip) == pytest.approx(1 - 1 / math.sqrt(4.25), rel=1e-12)


def test_betas_swapped():
    # right: 0.18381 (see above)
    # slip: m = 0.001*0.2 = 0.0002, v = 0.1*0.04 = 0.004,
    #   theta_1 = 0.5 - 0.1*0.0002/sqrt(0.004 + 1e-8) = 0.5 - 0.00002/0.0632456 = 0.499684
    plain, slip = under("betas-swapped", ADAM1)
    assert final(slip) == pytest.approx(0.5 - 0.1 * 0.0002 / math.sqrt(0.004 + 1e-8), rel=1e-9)
    assert final(slip) == pytest.approx(0.499684, abs=1e-6)
    assert final(plain) == pytest.approx(0.18381, abs=1e-5)


EXAMPLES = [  # (args, mistakes this example shows)
    (ADAM1, ["adam-bias-corrected", "betas-swapped", "no-lr"]),
    ({**ADAM1, "bias_correction": True}, ["adam-no-bias-correction"]),
    ({**ADAM1, "eps": 0.01}, ["eps-outside-sqrt"]),
    ({**X2, "name": "adagrad", "eps": 5, "steps": 2}, ["adagrad-no-accumulate"]),
    ({**X2, "name": "adagrad", "eps": 5, "steps": 1, "convention": "pytorch"}, ["eps-inside-sqrt"]),
    ({**X2, "name": "nag", "steps": 2}, ["nag-grad-at-theta", "momentum-sign", "no-lr"]),
    ({**X2, "name": "rmsprop", "steps": 1}, ["no-one-minus-rho"]),
]


def test_every_optim_mistake_is_consulted_and_changes_the_final_answer():
    ids = {m.id for m in MISTAKES["optim"]}
    assert len(ids) >= 6
    shown = set()
    for args, rules in EXAMPLES:
        sol = ops.run("optim", args)
        for rule in rules:
            assert rule in sol.slips, (rule, args)
            again = sol.replay(rule=rule)
            assert not np.allclose(again["final"], sol["final"], rtol=1e-6, atol=0), rule
            shown.add(rule)
    assert shown == ids
    for m in MISTAKES["optim"]:
        assert "final" in m.keys and m.says and m.right


def test_answer_keys():
    assert ops.get("optim").answers == ("final",)
    assert ops.get("optim-compare").answers == ("final",)


# ---------------------------------------------------------------- compare


def test_compare_mistakes_apply_to_each_optimizer():
    # sgd lr 0.1 on x^2, one step: right x1 = 0.8, f = 0.64; no lr: x1 = -1, f = 1
    args = {"f": "x^2", "start": "1", "steps": 1, "optimizers": "sgd", "lr": 0.1}
    sol = ops.run("optim-compare", args)
    assert sol["final"]["sgd"] == pytest.approx(0.64)
    assert sol.replay(rule="no-lr")["final"]["sgd"] == pytest.approx(1)
    # every catalogued compare mistake is consulted on a run of all seven (with and
    # without --bias-correction, whose Adam slips differ) and changes f(theta_N) there
    ids = {m.id for m in MISTAKES["optim-compare"]}
    assert len(ids) >= 3
    seen = set()
    for extra in ({}, {"bias_correction": True}):
        every = ops.run("optim-compare", {"f": "x^2", "start": "1", "steps": 2, "lr": 0.1, **extra})
        for rule in ids & set(every.slips):
            assert every.replay(rule=rule)["final"] != every["final"], rule
            seen.add(rule)
    assert seen == ids


# ---------------------------------------------------------------- follow-through


def test_a_wrong_trajectory_row_carries_into_the_next_steps():
    # sgd lr 0.1 on x^2: right 1, 0.8, 0.64, 0.512. A student writes theta_1 = 0.7:
    #   g_2 = 2*0.7 = 1.4, theta_2 = 0.7 - 0.14 = 0.56; g_3 = 1.12, theta_3 = 0.56 - 0.112 = 0.448
    args = {**X2, "name": "sgd", "lr": 0.1, "steps": 3}
    with replaying({"trajectory": Patch([((1,), 0.7)])}):
        sol = ops.run("optim", args)
    assert xs(sol) == pytest.approx([1, 0.7, 0.56, 0.448], rel=1e-12)
    assert sol["grads"].ravel().tolist() == pytest.approx([2, 1.4, 1.12], rel=1e-12)
    assert final(sol) == pytest.approx(0.448, rel=1e-12)
    assert sol["values"][-1] == pytest.approx(0.448**2, rel=1e-12)


def test_a_wrong_momentum_velocity_carries_forward():
    # momentum lr 0.1 gamma 0.9: the student's v_1 = 0.3 (instead of 0.2):
    #   theta_1 = 1 - 0.3 = 0.7; g_2 = 1.4; v_2 = 0.9*0.3 + 0.1*1.4 = 0.27 + 0.14 = 0.41;
    #   theta_2 = 0.7 - 0.41 = 0.29
    args = {**X2, "name": "momentum", "lr": 0.1, "momentum": 0.9, "steps": 2}
    with replaying({"v": Patch([((1,), 0.3)])}):
        sol = ops.run("optim", args)
    assert xs(sol) == pytest.approx([1, 0.7, 0.29], rel=1e-12)


def test_a_wrong_adam_m_carries_into_theta_and_the_next_m():
    # slides' Adam, theta_0 = 0.5, g = 0.2 then 0.4, lr 0.1. The student forgets (1-beta1) in m_1:
    #   m_1 = 0.2 (right 0.02); v_1 = 0.00004;
    #   theta_1 = 0.5 - 0.1*0.2/sqrt(0.00004 + 1e-8) = 0.5 - 0.02/0.0063253 = -2.661882
    #   m_2 = 0.9*0.2 + 0.1*0.4 = 0.22; v_2 = 0.999*0.00004 + 0.001*0.16 = 0.00019996;
    #   theta_2 = theta_1 - 0.1*0.22/sqrt(0.00019996 + 1e-8)
    args = {**ADAM1, "grads": "0.2; 0.4"}
    with replaying({"m": Patch([((1,), 0.2)])}):
        sol = ops.run("optim", args)
    th1 = 0.5 - 0.1 * 0.2 / math.sqrt(0.00004 + 1e-8)
    th2 = th1 - 0.1 * 0.22 / math.sqrt(0.00019996 + 1e-8)
    assert xs(sol) == pytest.approx([0.5, th1, th2], rel=1e-9)
    assert th1 == pytest.approx(-2.661882, abs=1e-6)


def test_one_entry_of_a_two_parameter_row():
    # momentum lr 0.1 gamma 0.5 with gradients [1, 2] then [2, -2], start [1, 1]:
    # right theta_1 = [0.9, 0.8]. The student writes theta_1 = [0.9, 0.7]: the gradients are
    # given, so only the second parameter moves on from 0.7: v_2 = 0.5*0.2 + 0.1*(-2) = -0.1,
    # theta_2 = [0.9 - 0.25, 0.7 + 0.1] = [0.65, 0.8]
    args = {"name": "momentum", "params": "1,1", "grads": "1,2; 2,-2", "lr": 0.1, "momentum": 0.5}
    with replaying({"trajectory": Patch([((1, 1), 0.7)])}):
        sol = ops.run("optim", args)
    np.testing.assert_allclose(sol["trajectory"], [[1, 1], [0.9, 0.7], [0.65, 0.8]], rtol=1e-12)


def test_named_values_and_their_order():
    sol = ops.run("optim", {**ADAM1, "grads": "0.2; 0.4", "bias_correction": True})
    assert sol.order == (
        ("trajectory", 0),
        ("grads", 0), ("m", 1), ("v", 1), ("m_hat", 1), ("v_hat", 1), ("trajectory", 1),
        ("grads", 1), ("m", 2), ("v", 2), ("m_hat", 2), ("v_hat", 2), ("trajectory", 2),
        ("final", None),
    )  # fmt: skip
    named = [(s.name, s.value) for s in sol.steps if s.name]
    # m_1 = 0.02, v_1 = 0.00004, m_hat_1 = 0.2, v_hat_1 = 0.04
    assert ("m", pytest.approx(0.02)) in named and ("v_hat", pytest.approx(0.04)) in named
    assert named[0][0] == "trajectory" and named[-1][0] == "final"
    slides = ops.run("optim", ADAM1)
    assert [n for n, _ in slides.order] == ["trajectory", "grads", "m", "v", "trajectory", "final"]
    nag = ops.run("optim", {**X2, "name": "nag", "steps": 1})
    assert [n for n, _ in nag.order] == [
        "trajectory",
        "lookahead",
        "grads",
        "v",
        "trajectory",
        "final",
    ]
