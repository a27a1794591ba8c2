"""GAN value/losses and VAE loss: values worked out by hand, closed forms and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.generative.losses import gan, vae
from dlcalc.errors import ComputationError, InputError


def v(*xs):
    return np.array(xs, dtype=float)


# ------------------------------------------------------------------ GAN losses


def test_gan_losses_by_hand():
    # log 0.9 = -0.1053605, log 0.8 = -0.2231436 -> real term = -0.3285041/2 = -0.1642520
    # log(1-0.2) = -0.2231436, log(1-0.4) = -0.5108256 -> fake term = -0.7339692/2 = -0.3669846
    # V = -0.1642520 - 0.3669846 = -0.5312366; d_loss = 0.5312366; g_loss = -0.3669846
    # non-saturating: -(log 0.2 + log 0.4)/2 = -(-1.6094379 - 0.9162907)/2 = 1.2628643
    sol = gan(d_real=v(0.9, 0.8), d_fake=v(0.2, 0.4))
    assert sol["value"] == pytest.approx(-0.5312366, abs=1e-7)
    assert sol["d_loss"] == pytest.approx(0.5312366, abs=1e-7)
    assert sol["g_loss"] == pytest.approx(-0.3669846, abs=1e-7)
    assert sol["g_loss_nonsaturating"] == pytest.approx(1.2628643, abs=1e-7)
    assert list(sol)[:4] == ["value", "d_loss", "g_loss", "g_loss_nonsaturating"]


def test_gan_confused_discriminator():
    # D = 1/2 everywhere: V = log 1/2 + log 1/2 = -log 4; both generator losses are log 2
    sol = gan(d_real=v(0.5, 0.5, 0.5), d_fake=v(0.5))
    assert sol["value"] == pytest.approx(-math.log(4))
    assert sol["g_loss"] == pytest.approx(-math.log(2))
    assert sol["g_loss_nonsaturating"] == pytest.approx(math.log(2))


def test_gan_log_zero_is_clamped_like_bce():
    # D(x) = 0 on one real sample: log 0 -> -100, so the real term is (0 - 100)/2 = -50;
    # D(G(z)) = 1: log(1 - 1) -> -100, and -log D(G(z)) = -log 1 = 0.
    sol = gan(d_real=v(1, 0), d_fake=v(1))
    assert sol["value"] == pytest.approx(-150.0)
    assert sol["g_loss"] == pytest.approx(-100.0)
    assert sol["g_loss_nonsaturating"] == 0.0
    assert any("clamped to -100" in n for n in sol.notes)
    sol.to_json()  # finite: serialises


@pytest.mark.parametrize(
    ("kw", "flag"),
    [
        ({"d_real": v(0.5)}, "--d-fake"),
        ({"d_fake": v(0.5)}, "--d-real"),
        ({"p_data": v(0.5, 0.5)}, "--p-g"),
        ({"p_g": v(0.5, 0.5)}, "--p-data"),
        ({}, "--d-real"),
        ({"d_real": v(0.5), "d_fake": v(0.5), "p_data": v(1), "p_g": v(1)}, "--d-real"),
        ({"d_real": v(1.2), "d_fake": v(0.5)}, "--d-real"),
        ({"d_real": v(0.5), "d_fake": v(0.5, -0.1)}, "--d-fake"),
        ({"p_data": v(0.5, 0.5), "p_g": v(1.0)}, "--p-g"),
        ({"p_data": v(-0.5, 1.5), "p_g": v(0.5, 0.5)}, "--p-data"),
        ({"p_data": v(0, 0), "p_g": v(0.5, 0.5)}, "--p-data"),
    ],
)
def test_gan_errors(kw, flag):
    with pytest.raises(InputError, match=f"^{flag}"):
        gan(**kw)


# ------------------------------------------------------------------ GAN optimum


def test_optimal_discriminator_is_half_when_distributions_match():
    # slides: when p_g = p_data, D(x) = 1/2 and V = -log 4
    sol = gan(p_data=v(0.2, 0.3, 0.5), p_g=v(0.2, 0.3, 0.5))
    np.testing.assert_allclose(sol["d_star"], [0.5, 0.5, 0.5])
    assert sol["value"] == pytest.approx(-math.log(4))
    assert sol["jsd"] == pytest.approx(0.0, abs=1e-15)


def test_optimal_discriminator_by_hand():
    # p_data = (0.5, 0.5), p_g = (0.9, 0.1): D* = (0.5/1.4, 0.5/0.6) = (0.357143, 0.833333)
    # m = (0.7, 0.3); KL(p_data||m) = 0.5 ln(5/7) + 0.5 ln(5/3) = -0.168236 + 0.255413 = 0.087177
    # KL(p_g||m) = 0.9 ln(9/7) + 0.1 ln(1/3) = 0.226183 - 0.109861 = 0.116322
    # JSD = (0.087177 + 0.116322)/2 = 0.101749; V = -ln 4 + 2 JSD = -1.386294 + 0.203499
    #   = -1.182796
    sol = gan(p_data=v(0.5, 0.5), p_g=v(0.9, 0.1))
    np.testing.assert_allclose(sol["d_star"], [0.5 / 1.4, 0.5 / 0.6])
    assert sol["jsd"] == pytest.approx(0.101749, abs=1e-6)
    assert sol["value"] == pytest.approx(-1.182796, abs=1e-6)


def test_disjoint_supports_give_jsd_log2_and_value_zero():
    # D* = (1, 0); V = 1 log 1 + 1 log(1 - 0) = 0 = -log 4 + 2 log 2
    sol = gan(p_data=v(1, 0), p_g=v(0, 1))
    np.testing.assert_allclose(sol["d_star"], [1.0, 0.0])
    assert sol["jsd"] == pytest.approx(math.log(2))
    assert sol["value"] == pytest.approx(0.0, abs=1e-15)


def test_unnormalised_inputs_are_normalised_with_a_note():
    sol = gan(p_data=v(1, 1), p_g=v(9, 1))  # same as (0.5, 0.5) vs (0.9, 0.1)
    assert sol["jsd"] == pytest.approx(0.101749, abs=1e-6)
    assert any("normalised" in n for n in sol.notes)


def test_point_with_no_mass_gets_half():
    sol = gan(p_data=v(0.5, 0.5, 0), p_g=v(0.5, 0.5, 0))
    assert sol["d_star"][2] == 0.5
    assert any("any D is optimal" in n for n in sol.notes)


_dist = st.lists(st.floats(0, 1), min_size=3, max_size=3).filter(lambda p: sum(p) > 1e-3)


@settings(max_examples=50, deadline=None)
@given(_dist, _dist)
def test_value_at_optimum_is_minus_log4_plus_2jsd(p, q):
    sol = gan(p_data=v(*p), p_g=v(*q))
    assert 0.0 <= sol["jsd"] <= math.log(2) + 1e-12
    assert sol["value"] == pytest.approx(-math.log(4) + 2 * sol["jsd"], abs=1e-9)
    assert np.all((sol["d_star"] >= 0) & (sol["d_star"] <= 1))


# ------------------------------------------------------------------ VAE


def test_vae_bce_by_hand():
    # recon = -[ln 0.8 + ln(1 - 0.2) + ln 0.6] = 0.223144 + 0.223144 + 0.510826 = 0.957113
    # kl per unit = -0.5 (1 + 0 - 0.25 - 1) = 0.125; kl = 0.25; loss = 1.207113
    sol = vae(x=v(1, 0, 1), x_hat=v(0.8, 0.2, 0.6), mu=v(0.5, -0.5), logvar=v(0, 0))
    assert sol["recon"] == pytest.approx(0.957113, abs=1e-6)
    assert sol["kl"] == pytest.approx(0.25)
    assert sol["loss"] == pytest.approx(1.207113, abs=1e-6)
    assert list(sol)[:3] == ["recon", "kl", "loss"]


def test_vae_mse_and_sigma():
    # mse: (1 - 1.5)^2 + (2 - 1)^2 = 0.25 + 1 = 1.25
    # sigma 2, mu 0: kl = -0.5 (1 + ln 4 - 0 - 4) = -0.5 (1 + 1.386294 - 4) = 0.806853
    sol = vae(x=v(1, 2), x_hat=v(1.5, 1), mu=v(0), sigma=v(2), recon="mse")
    assert sol["recon"] == pytest.approx(1.25)
    assert sol["kl"] == pytest.approx(0.806853, abs=1e-6)
    assert sol["loss"] == pytest.approx(2.056853, abs=1e-6)
    same = vae(x=v(1, 2), x_hat=v(1.5, 1), mu=v(0), logvar=v(math.log(4)), recon="mse")
    assert same["kl"] == pytest.approx(sol["kl"])


def test_vae_standard_normal_posterior_has_zero_kl():
    sol = vae(x=v(0.5), x_hat=v(0.5), mu=v(0, 0, 0), logvar=v(0, 0, 0))
    assert sol["kl"] == 0.0
    assert sol["recon"] == pytest.approx(math.log(2))  # -(0.5 ln 0.5 + 0.5 ln 0.5)


def test_vae_bce_log_zero_clamped():
    # x = 1, x_hat = 0: -(1 * (-100) + 0 * ln 1) = 100; x = 0.5, x_hat = 0: -(0.5*(-100)) = 50
    sol = vae(x=v(1, 0.5), x_hat=v(0, 0), mu=v(0), logvar=v(0))
    assert sol["recon"] == pytest.approx(150.0)
    assert any("clamped" in n for n in sol.notes)


@pytest.mark.parametrize(
    ("kw", "flag"),
    [
        ({"logvar": v(0), "sigma": v(1)}, "--logvar"),
        ({}, "--logvar"),
        ({"sigma": v(0)}, "--sigma"),
        ({"sigma": v(1, 1)}, "--sigma"),
        ({"logvar": v(0), "x_hat": v(0.5, 0.5)}, "--x-hat"),
        ({"logvar": v(0), "x_hat": v(1.5)}, "--x-hat"),
        ({"logvar": v(0), "x": v(2)}, "--x"),
    ],
)
def test_vae_errors(kw, flag):
    args = {"x": v(1), "x_hat": v(0.5), "mu": v(0)} | kw
    with pytest.raises(InputError, match=f"^{flag}"):
        vae(**args)


def test_vae_mse_allows_any_range_and_overflow_is_an_error():
    assert vae(x=v(255), x_hat=v(250), mu=v(0), logvar=v(0), recon="mse")["recon"] == 25
    with pytest.raises(ComputationError, match="--logvar"):
        vae(x=v(1), x_hat=v(0.5), mu=v(0), logvar=v(800))
    with pytest.raises(ComputationError, match="--mu"):
        vae(x=v(1), x_hat=v(0.5), mu=v(1e200), logvar=v(0))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5), st.floats(0.05, 5)), min_size=1, max_size=4),
)
def test_vae_kl_matches_gaussian_closed_form(params):
    # KL(N(mu, s^2) || N(0, 1)) = ln(1/s) + (s^2 + mu^2)/2 - 1/2 per unit, >= 0
    mu = v(*(m for m, _ in params))
    s = v(*(sd for _, sd in params))
    sol = vae(x=v(1), x_hat=v(0.5), mu=mu, sigma=s)
    expected = sum(math.log(1 / sd) + (sd**2 + m**2) / 2 - 0.5 for m, sd in params)
    assert sol["kl"] == pytest.approx(expected, abs=1e-9)
    assert sol["kl"] >= -1e-12


def test_d_star_uses_densities_as_given():
    # Exam style: densities at one point, p_data(x) = 0.3, p_g(x) = 0.1:
    # D*(x) = 0.3/(0.3 + 0.1) = 0.75 (normalising each to 1 first would wrongly give 1/2).
    sol = gan(p_data=v(0.3), p_g=v(0.1))
    assert sol["d_star"].tolist() == pytest.approx([0.75])


def test_subnormal_probabilities_do_not_warn():
    # found by hypothesis in CI: m = (p + q)/2 underflows to 0 where q = 5e-324
    sol = gan(p_data=v(0.0, 1.0, 0.0), p_g=v(0.0, 1.0, 5e-324))
    assert sol["value"] == pytest.approx(-math.log(4), abs=1e-9)
