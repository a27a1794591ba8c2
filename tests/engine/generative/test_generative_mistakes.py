"""The misconceptions of the generative commands (dlcalc.engine.generative.mistakes): each
computed by the engine under its variant rule and checked against a hand-worked value; and
follow-through replays (a student's own intermediate carried downstream)."""

from __future__ import annotations

import math

import pytest
from slips import A, check_by_hand, check_catalogue_covered, run  # tests/slips.py

from dlcalc import ops
from dlcalc.engine.generative.mistakes import MISTAKES

GAN = {"d_real": "0.9,0.8", "d_fake": "0.2,0.4"}
# real = (ln 0.9 + ln 0.8)/2 = (-0.1053605 - 0.2231436)/2 = -0.1642520
# fake = (ln 0.8 + ln 0.6)/2 = (-0.2231436 - 0.5108256)/2 = -0.3669846
# V = -0.5312366; d_loss = 0.5312366; g_ns = -(ln 0.2 + ln 0.4)/2 = 1.2628643
REAL, FAKE = -0.16425203348601958, -0.36698458756945415
V = REAL + FAKE
G_NS = 1.2628643221541278
OPT = {"p_data": "0.75,0.25", "p_g": "0.25,0.75"}
# D* = (0.75, 0.25); V* = 0.75 ln 0.75 + 0.25 ln 0.25 + 0.25 ln 0.25 + 0.75 ln 0.75
#    = 1.5 ln 0.75 + 0.5 ln 0.25 = -0.4315231 - 0.6931472 = -1.1246703
V_OPT = 1.5 * math.log(0.75) + 0.5 * math.log(0.25)

VAE = {"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "0.5,-0.5", "logvar": "0,0"}
# recon = -(ln 0.8 + ln 0.8 + ln 0.6) = 0.4462871 + 0.5108256 = 0.9571127;
# kl = 2 * -0.5 (1 + 0 - 0.25 - 1) = 0.25; loss = 1.2071127
RECON = 0.9571127263944101
VAE_MSE = {**VAE, "recon": "mse"}  # 0.04 + 0.04 + 0.16 = 0.24
VAE_LV = {"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "1,0", "logvar": "2,0"}
# unit 1: -0.5 (1 + 2 - 1 - e^2) = -0.5 (2 - 7.3890561) = 2.6945280; unit 2: -0.5 (1 + 0 - 0 - 1) = 0
KL_LV = 2.694528049465325

CASES = [
    # (command, args, rule, key, the slip's value, the right value)
    # (log10 0.9 + log10 0.8)/2 + (log10 0.8 + log10 0.6)/2 = -0.0713338 - 0.1593794
    ("gan", GAN, "log10", "value", V / math.log(10), V),
    # fake = (ln 0.2 + ln 0.4)/2 = -1.2628643: V = -0.1642520 - 1.2628643 = -1.4271164
    ("gan", GAN, "d-fake-for-one-minus", "value", REAL - G_NS, V),
    ("gan", GAN, "sum-not-mean", "value", 2 * V, V),  # sums: twice the means with n = m = 2
    ("gan", GAN, "d-loss-sign", "d_loss", V, -V),  # +V = -0.5312366
    ("gan", GAN, "ns-sign", "g_loss_nonsaturating", -G_NS, G_NS),  # (ln 0.2 + ln 0.4)/2
    # D* = (0.25, 0.75): V = 0.75 ln 0.25 + 0.25 ln 0.75 + 0.25 ln 0.75 + 0.75 ln 0.25
    #    = 1.5 ln 0.25 + 0.5 ln 0.75 = -2.0794415 - 0.1438410 = -2.2232826
    ("gan", OPT, "d-star-swapped", "value", 1.5 * math.log(0.25) + 0.5 * math.log(0.75), V_OPT),
    # sd = e^1 = 2.7182818: unit 1: -0.5 (1 + 2 - 1 - 2.7182818) = 0.3591409; unit 2: 0
    ("vae", VAE_LV, "sigma-for-var", "kl", -0.5 * (2 - math.e), KL_LV),
    # logvar read as log s: log s^2 = 4, s^2 = e^4 = 54.59815: -0.5 (1 + 4 - 1 - 54.59815)
    ("vae", VAE_LV, "logvar-as-log-sigma", "kl", -0.5 * (4 - math.exp(4)), KL_LV),
    ("vae", VAE_LV, "kl-sign", "kl", -KL_LV, KL_LV),  # +0.5 (...) = -2.6945280
    # without the 1: -0.5 (2 - 1 - e^2) + -0.5 (0 - 0 - 1) = 3.1945280 + 0.5 = 3.6945280
    ("vae", VAE_LV, "kl-no-one", "kl", -0.5 * (1 - math.exp(2)) + 0.5, KL_LV),
    ("vae", VAE_MSE, "recon-mean", "recon", 0.08, 0.24),  # 0.24/3
    # -(2 log10 0.8 + log10 0.6) = 0.1938200 + 0.2218487 = 0.4156688
    ("vae", VAE, "bce-log10", "recon", RECON / math.log(10), RECON),
]


@pytest.mark.parametrize(
    ("cmd", "args", "rule", "key", "slipped", "right"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_each_mistake_by_hand(cmd, args, rule, key, slipped, right):
    check_by_hand(cmd, args, rule, key, slipped, right)


def test_the_hand_worked_examples():
    sol = run("gan", GAN)
    assert sol["value"] == A(-0.5312366, rel=1e-7)
    assert sol["g_loss_nonsaturating"] == A(1.2628643, rel=1e-7)
    assert run("gan", OPT)["value"] == A(-1.1246703, rel=1e-7)
    assert run("vae", VAE)["loss"] == A(1.2071127, rel=1e-7)
    assert run("vae", VAE_LV)["kl"] == A(2.6945280, rel=1e-7)
    # log10 spelled out: (log10 0.9 + log10 0.8)/2 + (log10 0.8 + log10 0.6)/2
    ten = (math.log10(0.9) + math.log10(0.8)) / 2 + (math.log10(0.8) + math.log10(0.6)) / 2
    assert run("gan", GAN, "log10")["value"] == A(ten)
    assert run("vae", VAE, "recon-mean")["recon"] == A(RECON / 3)  # bce averaged too


def test_every_mistake_has_a_case_is_consulted_and_changes_its_key():
    check_catalogue_covered(CASES, MISTAKES)


def test_gan_follow_through():
    # the student's real term -0.2: V = -0.2 - 0.3669846 = -0.5669846, d_loss = 0.5669846
    sol = run("gan", GAN, overrides={"real_term": -0.2})
    assert sol["value"] == A(-0.2 + FAKE) and sol["d_loss"] == A(0.2 - FAKE)
    # the student's D* = (0.5, 0.5): V = (0.75 + 0.25 + 0.25 + 0.75) ln 0.5 = 2 ln 0.5
    sol = run("gan", OPT, overrides={"d_star": [0.5, 0.5]})
    assert sol["value"] == A(2 * math.log(0.5))


def test_vae_follow_through():
    # the student's kl = 1: loss = 0.9571127 + 1
    assert run("vae", VAE, overrides={"kl": 1.0})["loss"] == A(RECON + 1)
    # the student's log s^2 from --sigma 1, 1 written (0.5, 0): unit 1 = -0.5 (1 + 0.5 -
    # 0.25 - 1) = -0.125, unit 2 = -0.5 (1 + 0 - 0.25 - 1) = 0.125: kl = 0
    args = {"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "0.5,-0.5", "sigma": "1,1"}
    sol = run("vae", args, overrides={"log_var": [0.5, 0.0]})
    assert sol["kl"] == A(0.0) and sol["loss"] == A(RECON)


def test_answer_keys():
    assert ops.get("gan").answers == ("value",)
    assert ops.get("vae").answers == ("loss", "recon", "kl")


def test_tiny_probabilities_keep_their_exact_log():
    # issue 17 defect 12: only log 0 is taken as -100 (BCELoss's clamp); ln 1e-300 =
    # -300 ln 10 = -690.7755279, so V = -690.7755279 + ln 0.5 = -691.4686751
    assert run("gan", {"d_real": "1e-300", "d_fake": "0.5"})["value"] == A(-691.4686751, rel=1e-9)
    recon = run("vae", {"x": "1", "x_hat": "1e-300", "mu": "0", "logvar": "0"})["recon"]
    assert recon == A(690.7755279, rel=1e-9)
    assert run("gan", {"d_real": "0", "d_fake": "0.5"})["real_term"] == A(-100)  # log 0
