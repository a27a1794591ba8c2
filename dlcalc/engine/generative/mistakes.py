"""The classic slips of the generative-model calculators (gan, vae), as variant rules of
their engine (dlcalc.engine.generative.losses).

Each id is consulted by the engine with ``Working.slip(id)``; the marker (dlcalc.check)
replays the engine under it and names the mistake when a student's answer matches.
"""

from dlcalc.engine._working import Mistake

_V = ("real_term", "fake_term", "value", "d_loss", "g_loss")
_KL = ("kl_terms", "kl", "loss")

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "gan": (
        Mistake(
            "log10",
            "the logs are taken to base 10",
            "natural logs: V = mean ln D(x) + mean ln(1 - D(G(z)))",
            (*_V, "g_loss_nonsaturating", "jsd"),
        ),
        Mistake(
            "d-fake-for-one-minus",
            "D(G(z)) is used in place of 1 - D(G(z)) in the fake term",
            "E_z[log(1 - D(G(z)))]",
            ("fake_term", "value", "d_loss", "g_loss"),
        ),
        Mistake(
            "sum-not-mean",
            "the logs are summed instead of averaged over the samples",
            "V = (1/n) sum_i log D(x_i) + (1/m) sum_j log(1 - D(G(z_j)))",
            (*_V, "g_loss_nonsaturating"),
        ),
        Mistake(
            "d-loss-sign",
            "the discriminator loss is +V (D maximises V, so its loss is -V)",
            "L_D = -V",
            ("d_loss",),
        ),
        Mistake(
            "ns-sign",
            "the non-saturating generator loss has the wrong sign",
            "L_G = -E_z[log D(G(z))]",
            ("g_loss_nonsaturating",),
        ),
        Mistake(
            "d-star-swapped",
            "the optimal discriminator is written p_g/(p_data + p_g)",
            "D*(x) = p_data(x)/(p_data(x) + p_g(x))",
            ("d_star", "value"),
        ),
    ),
    "vae": (
        Mistake(
            "sigma-for-var",
            "sigma is used for sigma^2 in the KL term",
            "kl = -0.5 sum(1 + log s^2 - mu^2 - s^2)",
            _KL,
        ),
        Mistake(
            "logvar-as-log-sigma",
            "log sigma^2 and log sigma are confused (logvar read as log sigma)",
            "logvar = log s^2: s^2 = exp(logvar), log s^2 = 2 log s",
            ("log_var", *_KL),
        ),
        Mistake(
            "kl-sign",
            "the KL term's -0.5 is written +0.5",
            "kl = -0.5 sum(1 + log s^2 - mu^2 - s^2)",
            _KL,
        ),
        Mistake(
            "kl-no-one",
            "the 1 in the KL term is forgotten",
            "kl = -0.5 sum(1 + log s^2 - mu^2 - s^2)",
            _KL,
        ),
        Mistake(
            "recon-mean",
            "the reconstruction error is averaged instead of summed",
            "recon = sum_i (summed over the entries)",
            ("recon", "loss"),
        ),
        Mistake(
            "bce-log10",
            "the cross-entropy uses logs to base 10",
            "recon = -sum[x ln x_hat + (1 - x) ln(1 - x_hat)]",
            ("recon", "loss"),
        ),
    ),
}

# Where each slip shows when the command's own example does not (dlcalc mistakes runs these)
_VAE_LOGVAR = {"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "1,0", "logvar": "2,0"}
_EXAMPLES = {
    ("gan", "d-star-swapped"): {"p_data": "0.75,0.25", "p_g": "0.25,0.75"},
    ("vae", "sigma-for-var"): _VAE_LOGVAR,
    ("vae", "logvar-as-log-sigma"): _VAE_LOGVAR,
}
for (_command, _id), _example in _EXAMPLES.items():
    next(m for m in MISTAKES[_command] if m.id == _id).example = _example
