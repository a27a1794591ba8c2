"""Result keys promised by CONTRACT.md section 2, checked on each op's example.

The lists below are copied from the contract (not from the code), so a renamed or
missing key fails here even if the op's own spec agrees with its engine.
"""

from __future__ import annotations

import pytest

import dlcalc
from dlcalc.ops import registry

CONTRACT = {
    "conv-size": ["out_h", "out_w", "exact"],
    "conv": ["output"],
    "pool": ["output"],
    "arch": ["layers", "total_params", "total_macs"],
    "act": ["value", "derivative"],
    "perceptron": ["weights", "converged", "epochs", "mistakes"],
    "forward": ["net_hidden", "y", "net_out", "z"],
    "backprop": [
        "loss",
        "delta_out",
        "delta_hidden",
        "dw2",
        "db2",
        "dw1",
        "db1",
        "w2_new",
        "b2_new",
        "w1_new",
        "b1_new",
    ],
    "init": ["bound", "variance", "std"],
    "dropout": ["output", "mask", "scale"],
    "ae": ["y", "z", "loss"],
    "optim": ["trajectory", "grads"],
    "bn": ["mean", "var", "x_hat", "output"],
    "bn-infer": ["mean", "var", "scale", "shift"],
    "rnn": ["h", "y"],
    "lstm": ["f", "i", "o", "c_tilde", "c", "h"],
    "vanishing": ["value", "regime"],
    "pca": [
        "mean",
        "scatter",
        "eigenvalues",
        "components",
        "projected",
        "explained_variance_ratio",
        "reconstruction_error",
    ],
    "cca": ["sxx", "syy", "sxy", "correlations", "u", "v"],
    "iou": ["iou", "intersection", "union"],
    "nms": ["keep"],
    "roi-pool": ["output"],
    "roi-align": ["output"],
    "gan": ["value", "d_loss", "g_loss", "g_loss_nonsaturating"],
    "vae": ["recon", "kl", "loss"],
    "return": ["value", "returns"],
    "qlearn": ["q", "updates"],
    "value-iteration": ["v", "q", "policy", "iterations"],
    "dqn-target": ["target"],
    "egreedy": ["probs"],
}
UPDATE_KEYS = {"s", "a", "r", "s_next", "target", "td_error", "q_old", "q_new"}


def test_every_contract_command_is_registered():
    assert set(CONTRACT) <= set(registry())


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_keys_present(name):
    op = registry()[name]
    result = dlcalc.run(name, op.example)
    missing = [k for k in CONTRACT[name] if k not in result]
    assert not missing, f"{name} lacks {missing}"


def test_optional_keys_when_asked():
    # conv-size with channels adds params and macs; gan at the optimum gives d_star;
    # bn-infer with --x adds output; optim with --f adds values; dqn-target with --q-sa adds loss
    assert {"params", "macs"} <= set(
        dlcalc.conv_size(input=227, kernel=11, in_channels=3, out_channels=96)
    )
    assert "d_star" in dlcalc.gan(p_data="0.5,0.5", p_g="0.5,0.5")
    assert "output" in dlcalc.bn_infer(batch=["1;2;3", "2;3;4"], x="2")
    assert "values" in dlcalc.optim(name="sgd", f="x^2", start="1", steps=2)
    assert "loss" in dlcalc.dqn_target(r=1, gamma=0.9, q_next="1,2", q_sa=1)


def test_qlearn_update_records():
    sol = dlcalc.qlearn(states=2, actions=2, transitions="0,1,1,1", alpha=0.5, gamma=0.9)
    assert UPDATE_KEYS <= set(sol["updates"][0])
