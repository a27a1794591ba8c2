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
# 1-1-1 sigmoid net: net_j = 0.5, y = s(0.5) = 0.622459, net_k = y, z = s(y) = 0.650778;
# delta_k = (1 - z) z (1 - z) = 0.0793664; w2' = 1 + 0.5*delta_k*y = 1.024701
NET = {"x": "1", "w1": "0.5", "b1": "0", "w2": "1", "b2": "0"}
BP = {**NET, "target": "1", "lr": 0.5}
RET = {"rewards": "1,0,0,10", "gamma": 0.9}
# Q = [[0, 1], [2, 0]], alpha 0.5, gamma 0.9: t0 (0,0,1,1): 1 + 0.9*2 = 2.8 -> Q(0,0) = 1.4;
# t1 (1,1,2,0): 2 + 0.9*max(1.4, 1) = 3.26 -> Q(1,1) = 1.63; t2 (0,1,0,1,done): 0 -> 0.5
QL = {"q": "0,1; 2,0", "transitions": "0,0,1,1; 1,1,2,0; 0,1,0,1,done", "alpha": 0.5, "gamma": 0.9}
DQN = {"r": 1, "gamma": 0.99, "q_next": "2,5,3", "q_sa": 4}
MDP = '{"P": [[[0.5,0.5],[0,1]], [[1,0],[0,1]]], "R": [0, 1]}'
VAE_LV = {"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "1,0", "logvar": "2,0"}

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
    # ---- backprop (BP above)
    ("backprop", BP, "delta_out", "0.07937", "-0.07937", "delta-sign"),  # (z - t) f'
    # f'(net_k) on net_k = y instead of on z: (1 - z) y (1 - y) = 0.349222*0.235004 = 0.0820685
    ("backprop", BP, "delta_out", "0.07937", "0.08207", "deriv-on-net"),
    ("backprop", BP, "delta_out", "0.07937", "0.3492", "no-deriv-out"),  # 1 - z, f' left out
    ("backprop", BP, "w2_new", "1.0247", "1.0494", "no-lr"),  # 1 + 0.0793664*0.622459
    ("backprop", BP, "w2_new", "1.0247", "1.0198", "dw2-uses-net"),  # 1 + 0.5*0.0793664*0.5
    ("backprop", BP, "loss", "0.06098", "0.1220", "loss-no-half"),  # (1 - z)^2 = 0.121956
    # delta_j with the updated w2 = 1.024701: 0.622459*0.377541*1.024701*0.0793664 = 0.0191121
    ("backprop", BP, "delta_hidden", "0.01865", "0.01911", "delta-hidden-new-w2"),
    # tanh: y = tanh(0.5) = 0.462117, z = tanh(y) = 0.431951; (1 - z)(1 - z^2) = 0.462248;
    # tanh' written 1 - f: (1 - z)(1 - z) = 0.322842
    ("backprop", {**BP, "act": "tanh"}, "delta_out", "0.4622", "0.3228",
     "tanh-deriv-no-square"),
    # ---- forward: z = s(0.622459) = 0.650778; output activation left out: z = net_k = 0.622459
    ("forward", NET, "z", "0.6508", "0.6225", "out-act-missing"),
    # ---- act: s'(2) = s(2)(1 - s(2)) = 0.880797*0.119203 = 0.104994; on x itself: 2(1 - 2) = -2
    ("act", {"name": "sigmoid", "x": "2"}, "derivative", "0.1050", "-2", "deriv-on-net"),
    # tanh'(1) = 1 - tanh(1)^2 = 0.419974; 1 - tanh(1) = 0.238406
    ("act", {"name": "tanh", "x": "1"}, "derivative", "0.4200", "0.2384",
     "tanh-deriv-no-square"),
    # ---- dropout, lecture: p = 0.8 keeps; output r*y = [1, 0, 3, 4]; test-time scale 0.8
    ("dropout", {"input": "1,2,3,4", "p": 0.8, "mask": "1,0,1,1"}, "output", "1,0,3,4",
     "1.25,0,3.75,5", "inverted-in-lecture"),  # r*y/p
    ("dropout", {"input": "1,2,3,4", "p": 0.8, "mask": "1,0,1,1"}, "output", "1,0,3,4",
     "0.8,0,2.4,3.2", "test-scale-at-train"),  # p*r*y while training
    ("dropout", {"input": "1,2,3,4", "p": 0.8, "mask": "1,0,1,1"}, "scale", "0.8", "0.2",
     "keep-drop-swapped"),  # 1 - p
    # ---- init: xavier bound sqrt(6/(400 + 300)) = 0.0925820
    ("init", {"scheme": "xavier", "fan_in": 400, "fan_out": 300}, "bound", "0.09258",
     "0.1225", "fan-in-only"),  # sqrt(6/400)
    ("init", {"scheme": "xavier", "fan_in": 400, "fan_out": 300}, "bound", "0.09258",
     "0.05345", "bound-is-std"),  # sqrt(2/700), the sqrt(3) missing
    # he: variance 2/400 = 0.005; with 1/n: 0.0025
    ("init", {"scheme": "he", "fan_in": 400}, "variance", "0.005", "0.0025", "he-one-over-n"),
    # ---- return: G_0 = 1 + 0.9^3*10 = 8.29
    ("return", RET, "value", "8.29", "7.461", "gamma-exponent-off-by-one"),  # 0.9*(1 + 7.29)
    ("return", RET, "value", "8.29", "11", "no-discount"),  # 1 + 0 + 0 + 10
    # ---- qlearn (QL above): Q = [[1.4, 0.5], [2, 1.63]]
    ("qlearn", QL, "q[1,1]", "1.63", "1.45", "q-of-action-taken"),  # 0.5*(2 + 0.9*Q(0,1))
    ("qlearn", QL, "q[0,0]", "1.4", "2.8", "no-alpha"),  # Q <- target = 1 + 0.9*2
    ("qlearn", QL, "q[0,1]", "0.5", "1.4", "bootstrap-terminal"),  # 1 + 0.5*(0.9*2 - 1)
    # ---- dqn-target: y = 1 + 0.99*max(2, 5, 3) = 5.95; (5.95 - 4)^2 = 3.8025
    ("dqn-target", DQN, "target", "5.95", "6.0", "no-gamma"),  # 1 + 5
    ("dqn-target", {**DQN, "terminal": True}, "target", "1", "5.95", "bootstrap-terminal"),
    ("dqn-target", DQN, "loss", "3.8025", "1.95", "loss-not-squared"),
    # ---- egreedy: eps 0.3 over 3 actions: 0.1 each, greedy 0.1 + 0.7 = 0.8
    ("egreedy", {"q": "1,3,0", "epsilon": 0.3}, "probs", "0.1,0.8,0.1", "0.1,0.7,0.1",
     "greedy-no-share"),
    # ---- value-iteration: V(s1) = 1 + 0.9 V(s1) = 10, V(s0) = 0.9*10 = 9;
    # with R(s'): r(s,a) = [[0.5, 1], [0, 1]], V = 1 + 0.9 V = 10 in both states
    ("value-iteration", {"mdp": MDP, "gamma": 0.9}, "v", "9,10", "10,10", "reward-next-state"),
    # ---- iou: areas 4 and 4, I = 1, U = 7: 1/7 = 0.142857
    ("iou", {"a": "0,0,2,2", "b": "1,1,3,3"}, "iou", "0.1429", "0.125", "union-not-reduced"),
    # +1 pixel: areas 3*3 = 9, I = 2*2 = 4, U = 14: 4/14 = 0.285714
    ("iou", {"a": "0,0,2,2", "b": "1,1,3,3"}, "iou", "0.1429", "0.2857", "plus-one-pixel"),
    # ---- nms: IoU(0,1) = 50/150, IoU(0,2) = 16/100: nothing over 0.5, keep all;
    # intersections 50 and 16 compared with 0.5 suppress both
    ("nms", {"boxes": "0,0,10,10; 5,0,15,10; 2,2,6,6", "scores": "0.9,0.8,0.7"}, "keep",
     "0,1,2", "0", "intersection-not-iou"),
    # ---- gan: V = (ln 0.9 + ln 0.8)/2 + (ln 0.8 + ln 0.6)/2 = -0.5312366; log10: /ln 10
    ("gan", {"d_real": "0.9,0.8", "d_fake": "0.2,0.4"}, "value", "-0.5312", "-0.2307", "log10"),
    # ---- vae: logvar (2, 0), mu (1, 0): KL = -0.5(1 + 2 - 1 - e^2) = 2.694528;
    # sigma for sigma^2 (sigma = e): -0.5(1 + 2 - 1 - e) = 0.359141
    ("vae", VAE_LV, "kl", "2.6945", "0.35914", "sigma-for-var"),
    # recon = -(ln 0.8 + ln 0.8 + ln 0.6) = 0.957113; log base 10: 0.957113/ln 10 = 0.415669
    ("vae", {**VAE_LV, "mu": "0.5,-0.5", "logvar": "0,0"}, "recon", "0.9571", "0.4157",
     "bce-log10"),
    # ---- arch: torchvision AlexNet 61,100,840 params; its conv biases 64+192+384+256+256 =
    # 1152, its fc biases 4096+4096+1000 = 9192
    ("arch", {"name": "alexnet"}, "total_params", "61100840", "61099688", "conv-no-bias"),
    ("arch", {"name": "alexnet"}, "total_params", "61100840", "61091648", "fc-no-bias"),
    # ResNet-18: 11,689,512; BN channels 64 + 4*64 + (4*128 + 128) + (4*256 + 256) +
    # (4*512 + 512) = 4800, so counting running mean and variance adds 2*4800 = 9600
    ("arch", {"name": "resnet18"}, "total_params", "11689512", "11699112", "bn-running-stats"),
    # ---- roi-pool: RoI (0,0,3,3) of the 4x4 map 1..16 in 2x2 bins: max [[6,8],[14,16]];
    # averaged: [[(1+2+5+6)/4, (3+4+7+8)/4], [(9+10+13+14)/4, (11+12+15+16)/4]]
    ("roi-pool", {"input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16", "roi": "0,0,3,3",
                  "output_size": "2x2"}, "output", "6,8;14,16", "3.5,5.5;11.5,13.5",
     "avg-not-max"),
    # ---- policy-eval, action 1 everywhere: V = (9, 10); ignoring the policy (1/2 each):
    # V0 = 0.9(0.25 V0 + 0.75 V1), V1 = 1 + 0.45(V0 + V1): (27/4.9, 31/4.9)
    ("policy-eval", {"mdp": MDP, "policy": "1,1", "gamma": 0.9}, "v", "9,10", "5.510,6.327",
     "policy-ignored"),
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
    assert len(SLIPS) >= 40 and len(commands) >= 15
