"""GAN and VAE through the CLI, in-process: both GAN modes, --check, errors."""

from __future__ import annotations

import math

import pytest


def test_gan_losses_json(cli):
    # V = (ln 0.9 + ln 0.8)/2 + (ln 0.8 + ln 0.6)/2 = -0.1642520 - 0.3669846 = -0.5312366
    # (hand-worked in tests/engine/test_generative.py); d_loss = -V
    data = cli.json("gan", "--d-real", "0.9,0.8", "--d-fake", "0.2,0.4")
    r = data["result"]
    assert r["value"] == pytest.approx(-0.5312366, abs=1e-7)
    assert r["d_loss"] == pytest.approx(0.5312366, abs=1e-7)
    assert set(r) >= {"value", "d_loss", "g_loss", "g_loss_nonsaturating"}


def test_gan_clamped_log_is_finite_with_note(cli):
    data = cli.json("gan", "--d-real", "1,0", "--d-fake", "1")
    assert data["result"]["value"] == pytest.approx(-150.0)
    assert any("clamped" in n for n in data["notes"])


def test_gan_optimum_huge_values_do_not_overflow(cli):
    # D* = 1e308/(1e308 + 1) = 1 in floating point; the sum 2e308 would overflow, and
    # normalised, both are (0.5, 0.5): the value at the optimum is -log 4.
    data = cli.json("gan", "--p-data", "1e308,1e308", "--p-g", "1,1")
    assert data["result"]["d_star"] == [1.0, 1.0]
    assert data["result"]["value"] == pytest.approx(-math.log(4))


def test_gan_optimum_json(cli):
    data = cli.json("gan", "--p-data", "0.25,0.75", "--p-g", "0.25,0.75")
    assert data["result"]["d_star"] == [0.5, 0.5]
    assert data["result"]["value"] == pytest.approx(-math.log(4))


def test_gan_check_in_both_modes(cli):
    # the primary answer is `value` for D outputs and `d_star` (CONTRACT) at the optimum
    losses = ("gan", "--d-real", "0.5", "--d-fake", "0.5")
    assert cli(*losses, "--check", "-1.386").exit_code == 0
    assert cli(*losses, "--check", "d_loss=1.386").exit_code == 0
    optimum = ("gan", "--p-data", "0.5,0.5", "--p-g", "0.5,0.5")
    assert cli(*optimum, "--check", "0.5,0.5").exit_code == 0  # D* = p_data/(p_data + p_g) = 1/2
    assert cli(*optimum, "--check", "value=-1.386").exit_code == 0  # -log 4
    assert cli(*optimum, "--check", "d_star=0.5,0.5").exit_code == 0
    assert cli(*optimum, "--check", "d_star=0.4,0.5").exit_code == 1


def test_vae_json_and_check(cli):
    base = ("vae", "--x", "1,0,1", "--x-hat", "0.8,0.2,0.6", "--mu", "0.5,-0.5")
    # recon = -(ln 0.8 + ln 0.8 + ln 0.6) = 0.957113; kl = 2 * -0.5(1 + 0 - 0.25 - 1) = 0.25;
    # loss = 1.207113 (tests/engine/test_generative.py)
    data = cli.json(*base, "--logvar", "0,0")
    assert data["result"]["kl"] == pytest.approx(0.25)
    assert data["result"]["loss"] == pytest.approx(1.207113, abs=1e-6)
    # the answer key is the loss (issue 15); recon is checked by name
    assert cli(*base, "--sigma", "1,1", "--check", "recon=0.957").exit_code == 0
    assert cli(*base, "--sigma", "1,1", "--check", "1.207").exit_code == 0  # loss
    assert cli(*base, "--sigma", "1,1", "--check", "loss=1.5").exit_code == 1
    data = cli.json(
        "vae", "--x", "1,2", "--x-hat", "1.5,1", "--mu", "0", "--sigma", "2", "--recon", "mse"
    )
    assert data["result"]["recon"] == pytest.approx(1.25)


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_formats(cli, fmt):
    res = cli("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0", "--logvar", "0", "--format", fmt)
    # recon = -(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2 = 0.693147
    assert res.exit_code == 0 and "0.693147" in res.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("gan",), "--d-real"),
        (("gan", "--d-real", "0.5"), "--d-fake"),
        (("gan", "--p-g", "0.5,0.5"), "--p-data"),
        (("gan", "--d-real", "0.5", "--d-fake", "0.5", "--p-data", "1", "--p-g", "1"), "--d-real"),
        (("gan", "--d-real", "1.5", "--d-fake", "0.5"), "--d-real"),
        (("gan", "--p-data", "0.5,0.5", "--p-g", "1"), "--p-g"),
        (("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0"), "--logvar"),
        (
            ("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0", "--logvar", "0", "--sigma", "1"),
            "--logvar",
        ),
        (("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0", "--sigma", "0"), "--sigma"),
        (("vae", "--x", "1", "--x-hat", "1.5", "--mu", "0", "--logvar", "0"), "--x-hat"),
        (("vae", "--x", "1,0", "--x-hat", "0.5", "--mu", "0", "--logvar", "0"), "--x-hat"),
        (
            ("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0", "--logvar", "0", "--recon", "l1"),
            "--recon",
        ),
        (("vae", "--x", "1", "--x-hat", "0.5", "--mu", "0", "--logvar", "900"), "--logvar"),
    ],
)
def test_errors(cli, args, flag):
    cli.error(*args, flag=flag)
