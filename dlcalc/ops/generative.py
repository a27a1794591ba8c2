"""Generative-model calculators: gan, vae (CONTRACT section 2, "Generative models")."""

from dlcalc.ops import REQUIRED, Op, Param

OPS = [
    Op(
        name="gan",
        topic="generative",
        func="dlcalc.engine.generative.losses:gan",
        summary="GAN value V(D,G) and losses, or the optimal discriminator D*.",
        description=(
            "With --d-real/--d-fake (D's outputs on real and generated samples): "
            "V = mean log D(x) + mean log(1 - D(G(z))), d_loss = -V, g_loss (minimax) = "
            "mean log(1 - D(G(z))), g_loss_nonsaturating = -mean log D(G(z)). "
            "With --p-data/--p-g (two distributions over the same points): "
            "D* = p_data/(p_data + p_g) and V(D*, G) = -log 4 + 2 JSD(p_data || p_g). "
            "log 0 is clamped to -100 as torch's BCELoss does. Answer: value (check the "
            "losses by name: d_loss=..., g_loss=...)."
        ),
        params=(
            Param("d_real", "vector", "D(x) on real samples, each in [0,1]"),
            Param("d_fake", "vector", "D(G(z)) on generated samples, each in [0,1]"),
            Param("p_data", "vector", "data distribution p_data(x) over a set of points"),
            Param("p_g", "vector", "generator distribution p_g(x) over the same points"),
        ),
        result_keys=(
            "value",
            "d_loss",
            "g_loss",
            "g_loss_nonsaturating",
            "d_star",
            "jsd",
        ),
        answers=("value",),
        example={"d_real": "0.9,0.8", "d_fake": "0.2,0.4"},
    ),
    Op(
        name="vae",
        topic="generative",
        func="dlcalc.engine.generative.losses:vae",
        summary="VAE loss: reconstruction (BCE or MSE, summed) + KL to N(0, I).",
        description=(
            "recon = -sum[x log x_hat + (1-x) log(1-x_hat)] (bce, log clamped to >= -100 like "
            "torch) or sum (x - x_hat)^2 (mse); kl = -0.5 sum(1 + log s^2 - mu^2 - s^2); "
            "loss = recon + kl. Give the encoder's spread as --logvar (log s^2) or --sigma (s). "
            "Answer: loss (recon=..., kl=... by name)."
        ),
        params=(
            Param("x", "vector", "the input x (in [0,1] for bce)", default=REQUIRED),
            Param(
                "x_hat", "vector", "the reconstruction x_hat (in [0,1] for bce)", default=REQUIRED
            ),
            Param("mu", "vector", "encoder means mu, one per latent unit", default=REQUIRED),
            Param("logvar", "vector", "encoder log-variances log s^2 (or give --sigma)"),
            Param("sigma", "vector", "encoder standard deviations s > 0 (or give --logvar)"),
            Param(
                "recon",
                "choice",
                "reconstruction term: bce (cross-entropy) or mse (squared error)",
                default="bce",
                choices=("bce", "mse"),
            ),
        ),
        result_keys=("recon", "kl", "loss"),
        answers=("loss", "recon", "kl"),
        example={"x": "1,0,1", "x_hat": "0.8,0.2,0.6", "mu": "0.5,-0.5", "logvar": "0,0"},
    ),
]
