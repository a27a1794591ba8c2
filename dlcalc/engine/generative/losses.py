"""Deep generative models: the GAN value function and losses, and the VAE loss, in NumPy.

The log of a probability of exactly 0 is taken as -100, as torch.nn.BCELoss clamps it, so
a discriminator output of exactly 0 or 1 gives a large finite loss instead of infinity;
every positive probability has its exact log (log 1e-300 = -690.8, not -100).
"""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, fmt

LOG_CLAMP = -100.0  # torch.nn.BCELoss clamps its log outputs to >= -100
_MAX_TERMS = 12  # terms written out in one sum
_MAX_UNITS = 8  # latent units written out one by one
_CLAMP_NOTE = "log 0 is clamped to -100 (as torch.nn.BCELoss does), so the value stays finite"


def clamped_log(p: np.ndarray, base10: bool = False) -> tuple[np.ndarray, bool]:
    """log p elementwise for p in [0, 1], with log 0 taken as -100 (torch.nn.BCELoss's
    clamp), and whether any entry was 0. Positive p keep their exact log, however small.

    base10: the log to base 10 (a student's slip), log 0 taken the same way."""
    p = np.asarray(p, dtype=float)
    zero = p <= 0
    with np.errstate(divide="ignore"):
        out = np.where(zero, LOG_CLAMP, np.log(np.where(zero, 1.0, p)))
    return (out / math.log(10) if base10 else out), bool(np.any(zero))


def _check_probs(p: np.ndarray, name: str, what: str = "probabilities") -> None:
    bad = np.flatnonzero((p < 0) | (p > 1))
    if bad.size:
        raise InputError(
            f"--{name.replace('_', '-')}: expected {what} in [0, 1], "
            f"got {fmt(p[bad[0]])} (entry {bad[0] + 1})"
        )


def _p(v: float) -> str:
    """A number for use inside a formula: negatives in parentheses."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def _sum_text(terms: list[str], n: int) -> str:
    shown = " + ".join(terms[:_MAX_TERMS])
    return shown + (f" + ... ({n} terms)" if n > _MAX_TERMS else "")


def gan(
    *,
    d_real: np.ndarray | None = None,
    d_fake: np.ndarray | None = None,
    p_data: np.ndarray | None = None,
    p_g: np.ndarray | None = None,
) -> Solution:
    """GAN value function and losses, or the optimal discriminator for two distributions.

    Losses (d_real: D(x_i), n values; d_fake: D(G(z_j)), m values, each in [0, 1]):
    V = mean_i log D(x_i) + mean_j log(1 - D(G(z_j))), d_loss = -V,
    g_loss = mean_j log(1 - D(G(z_j))) (minimax), g_loss_nonsaturating = -mean_j log D(G(z_j)).
    Optimum (p_data, p_g: k values each): D* = p_data/(p_data + p_g) and
    V(D*, G) = sum p_data log D* + sum p_g log(1 - D*) = -log 4 + 2 JSD(p_data || p_g).
    """
    losses = d_real is not None or d_fake is not None
    optimum = p_data is not None or p_g is not None
    if losses and optimum:
        first = "--d-real" if d_real is not None else "--d-fake"
        raise InputError(
            f"{first}: give either --d-real/--d-fake (value and losses) or --p-data/--p-g "
            "(optimal discriminator), not both"
        )
    if not losses and not optimum:
        raise InputError(
            "--d-real: required with --d-fake (value and losses); "
            "or give --p-data and --p-g for the optimal discriminator"
        )
    if losses:
        if d_real is None:
            raise InputError("--d-real: required with --d-fake (D's outputs on real samples)")
        if d_fake is None:
            raise InputError("--d-fake: required with --d-real (D's outputs on generated samples)")
        return _gan_losses(d_real, d_fake)
    if p_data is None:
        raise InputError("--p-data: required with --p-g (the data distribution)")
    if p_g is None:
        raise InputError("--p-g: required with --p-data (the generator's distribution)")
    return _gan_optimum(p_data, p_g)


def _gan_losses(d_real: np.ndarray, d_fake: np.ndarray) -> Solution:
    _check_probs(d_real, "d_real", "discriminator outputs")
    _check_probs(d_fake, "d_fake", "discriminator outputs")
    w = Working()
    # variant rules: logs to base 10; D(G(z)) in place of 1 - D(G(z)) in the fake term;
    # sums instead of means; the discriminator loss +V; the non-saturating loss's sign
    b10 = w.slip("log10")
    log_real, c1 = clamped_log(d_real, b10)
    fake_in = d_fake if w.slip("d-fake-for-one-minus") else 1.0 - d_fake
    log_not_fake, c2 = clamped_log(fake_in, b10)
    log_fake, c3 = clamped_log(d_fake, b10)
    n, m = d_real.size, d_fake.size
    avg = np.sum if w.slip("sum-not-mean") else np.mean
    real_term = float(w.keep("real_term", float(avg(log_real))))
    fake_term = float(w.keep("fake_term", float(avg(log_not_fake))))
    value = float(w.keep("value", real_term + fake_term))
    d_loss = float(w.keep("d_loss", value if w.slip("d-loss-sign") else -value))
    g_loss = float(w.keep("g_loss", fake_term))
    g_ns = float(avg(log_fake)) if w.slip("ns-sign") else float(-avg(log_fake))
    g_ns = float(w.keep("g_loss_nonsaturating", g_ns))
    steps = [
        Step(
            "Real term",
            "E_x[log D(x)] = (1/n) sum_i log D(x_i)",
            f"({_sum_text([f'log {fmt(v)}' for v in d_real], n)})/{n}",
            real_term,
            name="real_term",
        ),
        Step(
            "Fake term",
            "E_z[log(1 - D(G(z)))] = (1/m) sum_j log(1 - D(G(z_j)))",
            f"({_sum_text([f'log(1 - {fmt(v)})' for v in d_fake], m)})/{m}",
            fake_term,
            name="fake_term",
        ),
        Step(
            "Value",
            "V(D,G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]",
            f"{fmt(real_term)} + {_p(fake_term)}",
            value,
            name="value",
        ),
        Step(
            "Discriminator loss",
            "L_D = -V (D maximises V; BCE with labels real=1, fake=0)",
            f"-({fmt(value)})",
            d_loss,
            name="d_loss",
        ),
        Step(
            "Generator loss (minimax)",
            "L_G = E_z[log(1 - D(G(z)))] (G minimises)",
            f"{fmt(fake_term)}",
            g_loss,
            name="g_loss",
        ),
        Step(
            "Generator loss (non-saturating)",
            "L_G_ns = -E_z[log D(G(z))] = -(1/m) sum_j log D(G(z_j))",
            f"-({_sum_text([f'log {fmt(v)}' for v in d_fake], m)})/{m}",
            g_ns,
            name="g_loss_nonsaturating",
        ),
    ]
    notes = ["the non-saturating loss gives G strong gradients early, when D(G(z)) is near 0"]
    if c1 or c2 or c3:
        notes.append(_CLAMP_NOTE)
    return w.solution(
        {
            "value": value,
            "d_loss": d_loss,
            "g_loss": g_loss,
            "g_loss_nonsaturating": g_ns,
            "real_term": real_term,
            "fake_term": fake_term,
        },
        steps=steps,
        notes=notes,
    )


def _xlogy(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p * log q with 0 log 0 = 0 (q > 0 wherever p > 0)."""
    out = np.zeros_like(p)
    pos = p > 0
    # q can underflow to 0 where p is subnormal (m = (p + q)/2): log of the smallest normal
    out[pos] = p[pos] * np.log(np.maximum(q[pos], np.finfo(float).tiny))
    return out


def _gan_optimum(p_data: np.ndarray, p_g: np.ndarray) -> Solution:
    if p_g.size != p_data.size:
        raise InputError(
            f"--p-g: expected {p_data.size} values (one per point of --p-data), got {p_g.size}"
        )
    notes = []
    for name, p in (("p_data", p_data), ("p_g", p_g)):
        flag = "--" + name.replace("_", "-")
        if np.any(p < 0):
            raise InputError(f"{flag}: probabilities must be >= 0, got {fmt(p[p < 0][0])}")
        if p.max() <= 0:
            raise InputError(f"{flag}: expected a distribution, got all zeros")
        with np.errstate(over="ignore"):
            total = p.sum()
        if abs(total - 1.0) > 1e-9:
            notes.append(
                f"{flag} sums to {fmt(total)}: D* uses the values as given (densities at the "
                "points); the value and the JSD use them normalised to sum to 1"
            )
    # D* = p_data/(p_data + p_g) pointwise, from the values as given (one common rescaling
    # cannot change the ratio and keeps the sum from overflowing)
    w = Working()
    scale = max(p_data.max(), p_g.max())
    pd, pg = p_data / scale, p_g / scale
    given = pd + pg
    # variant rule: D* = p_g/(p_data + p_g), the generator's share
    swapped = w.slip("d-star-swapped")
    d_star = np.divide(pg if swapped else pd, given, out=np.full_like(pd, 0.5), where=given > 0)
    computed = d_star
    d_star = np.asarray(w.keep("d_star", d_star), dtype=float)
    if np.any(given == 0):
        notes.append("where p_data = p_g = 0 any D is optimal; D* is written as 1/2 there")
    # the value at the optimum and the JSD are about distributions
    p, q = p_data / p_data.max(), p_g / p_g.max()  # rescale first: the sums cannot overflow
    p, q = p / p.sum(), q / q.sum()
    total = p + q
    d_norm = np.divide(p, total, out=np.full_like(p, 0.5), where=total > 0)
    one_minus = np.divide(q, total, out=np.full_like(q, 0.5), where=total > 0)  # 1 - D*, exactly
    if swapped:
        d_norm, one_minus = one_minus, d_norm
    if d_star.shape != computed.shape or not np.array_equal(d_star, computed):
        # a student's own D*: the value follows from it (log 0 clamped to -100 as above)
        d_norm, one_minus = np.clip(d_star, 0, 1), np.clip(1.0 - d_star, 0, 1)
    value = float(_xlogy(p, d_norm).sum() + _xlogy(q, one_minus).sum())
    mix = total / 2
    jsd = float(
        0.5 * (_xlogy(p, p).sum() - _xlogy(p, mix).sum())
        + 0.5 * (_xlogy(q, q).sum() - _xlogy(q, mix).sum())
    )
    jsd = max(jsd, 0.0)
    if w.slip("log10"):  # logs to base 10
        value, jsd = value / math.log(10), jsd / math.log(10)
    value = float(w.keep("value", value))
    jsd = float(w.keep("jsd", jsd))
    k = p.size
    steps = [
        Step(
            "Optimal discriminator",
            "D*(x) = p_data(x) / (p_data(x) + p_g(x))",
            ", ".join(
                f"{fmt(a)}/({fmt(a)} + {fmt(b)})"
                for a, b in zip(p_data[:_MAX_TERMS], p_g, strict=False)
            )
            + (f", ... ({k} points)" if k > _MAX_TERMS else ""),
            d_star,
            name="d_star",
        ),
        Step(
            "Value at the optimum",
            "V(D*, G) = sum_x p_data(x) log D*(x) + sum_x p_g(x) log(1 - D*(x))",
            _sum_text([f"{fmt(a)} log {fmt(d)}" for a, d in zip(p, d_norm, strict=True)], k)
            + " + "
            + _sum_text([f"{fmt(b)} log {fmt(d)}" for b, d in zip(q, one_minus, strict=True)], k),
            value,
            name="value",
        ),
        Step(
            "Jensen-Shannon divergence",
            "JSD = 1/2 KL(p_data || m) + 1/2 KL(p_g || m), m = (p_data + p_g)/2 (nats)",
            f"m = {fmt(mix)}",
            jsd,
            name="jsd",
        ),
        Step(
            "Check: value from the JSD",
            "V(D*, G) = -log 4 + 2 JSD(p_data || p_g)",
            f"-{fmt(math.log(4))} + 2*{fmt(jsd)}",
            -math.log(4) + 2 * jsd,
        ),
    ]
    if np.allclose(p, q):
        notes.append("p_g = p_data: D* = 1/2 everywhere and V = -log 4, the global minimum over G")
    return w.solution(
        {"d_star": d_star, "value": value, "jsd": jsd},
        steps=steps,
        notes=notes,
        primary="d_star",
    )


def vae(
    *,
    x: np.ndarray,
    x_hat: np.ndarray,
    mu: np.ndarray,
    logvar: np.ndarray | None = None,
    sigma: np.ndarray | None = None,
    recon: str = "bce",
) -> Solution:
    """VAE loss = reconstruction + KL(N(mu, s^2) || N(0, I)).

    x, x_hat: n values; mu and logvar (log s^2) or sigma (s): d values (the latent units).
    recon = -sum_i [x_i log x_hat_i + (1 - x_i) log(1 - x_hat_i)] (bce, logs clamped to
    >= -100) or sum_i (x_i - x_hat_i)^2 (mse); kl = -0.5 sum_k (1 + log s_k^2 - mu_k^2 - s_k^2).
    """
    if x_hat.size != x.size:
        raise InputError(
            f"--x-hat: expected {x.size} values (one per entry of --x), got {x_hat.size}"
        )
    if (logvar is None) == (sigma is None):
        raise InputError(
            "--logvar: give exactly one of --logvar (log s^2) and --sigma (s)"
            + (", not both" if logvar is not None else "")
        )
    spread = logvar if logvar is not None else sigma
    name = "--logvar" if logvar is not None else "--sigma"
    if spread.size != mu.size:
        raise InputError(
            f"{name}: expected {mu.size} values (one per entry of --mu), got {spread.size}"
        )
    notes = []
    steps = []
    n = x.size
    w = Working()
    # variant rule: the reconstruction error averaged over the n entries instead of summed
    total = np.mean if w.slip("recon-mean") else np.sum
    if recon == "bce":
        _check_probs(x, "x", "targets")
        _check_probs(x_hat, "x_hat", "reconstructions (probabilities)")
        b10 = w.slip("bce-log10")  # logs to base 10
        log_p, c1 = clamped_log(x_hat, b10)
        log_q, c2 = clamped_log(1.0 - x_hat, b10)
        recon_val = float(-total(x * log_p + (1.0 - x) * log_q))
        recon_val = float(w.keep("recon", recon_val))
        terms = [
            f"{fmt(a)} log {fmt(b)} + {fmt(1 - a)} log(1 - {fmt(b)})"
            for a, b in zip(x, x_hat, strict=True)
        ]
        steps.append(
            Step(
                "Reconstruction (cross-entropy, summed)",
                "recon = -sum_i [x_i log x_hat_i + (1 - x_i) log(1 - x_hat_i)]",
                f"-[{_sum_text(terms, n)}]",
                recon_val,
                name="recon",
            )
        )
        if c1 or c2:
            notes.append(_CLAMP_NOTE)
    else:
        with np.errstate(over="ignore"):
            recon_val = float(total((x - x_hat) ** 2))
        if not math.isfinite(recon_val):
            raise ComputationError("--x-hat: the squared error overflows (values too large)")
        recon_val = float(w.keep("recon", recon_val))
        terms = [f"({fmt(a)} - {fmt(b)})^2" for a, b in zip(x, x_hat, strict=True)]
        steps.append(
            Step(
                "Reconstruction (squared error, summed)",
                "recon = sum_i (x_i - x_hat_i)^2",
                _sum_text(terms, n),
                recon_val,
                name="recon",
            )
        )
    if sigma is not None:
        if np.any(sigma <= 0):
            raise InputError(
                f"--sigma: expected standard deviations > 0, got {fmt(sigma[sigma <= 0][0])}"
            )
        # variant rule: log s written for log s^2
        lv = np.log(sigma) if w.slip("logvar-as-log-sigma") else 2.0 * np.log(sigma)
        lv = np.asarray(w.keep("log_var", lv), dtype=float)
        with np.errstate(over="ignore"):
            var = sigma**2
        steps.append(
            Step(
                "Log-variance",
                "log s^2 = 2 log s",
                ", ".join(f"2 log {fmt(s)}" for s in sigma[:_MAX_UNITS]),
                lv,
                name="log_var",
            )
        )
        sd = sigma
    else:
        if np.any(logvar > 700):
            raise ComputationError("--logvar: s^2 = exp(log s^2) overflows for log s^2 > 700")
        if w.slip("logvar-as-log-sigma"):  # --logvar read as log s: s^2 = exp(2 logvar)
            if np.any(logvar > 350):
                raise ComputationError("--logvar: exp(2 logvar) overflows")
            lv, var = 2.0 * logvar, np.exp(2.0 * logvar)
        else:
            lv, var = logvar, np.exp(logvar)
        sd = np.sqrt(var)
    # variant rules: s for s^2 in the KL; the 1 forgotten; +0.5 for -0.5
    if w.slip("sigma-for-var"):
        var = sd
    one = 0.0 if w.slip("kl-no-one") else 1.0
    half = 0.5 if w.slip("kl-sign") else -0.5
    with np.errstate(over="ignore", invalid="ignore"):
        kl_terms = half * (one + lv - mu**2 - var)
    if not np.all(np.isfinite(kl_terms)):
        raise ComputationError("--mu: the KL term overflows (mu^2 or s^2 too large)")
    kl_terms = np.asarray(w.keep("kl_terms", kl_terms), dtype=float)
    for k in range(min(mu.size, _MAX_UNITS)):
        steps.append(
            Step(
                f"KL, latent unit {k + 1}",
                "-0.5 (1 + log s^2 - mu^2 - s^2)",
                f"-0.5 (1 + {_p(lv[k])} - {_p(mu[k])}^2 - {fmt(var[k])})",
                float(kl_terms[k]),
            )
        )
    kl = float(w.keep("kl", float(kl_terms.sum())))
    steps.append(
        Step(
            "KL divergence",
            "kl = sum_k -0.5 (1 + log s_k^2 - mu_k^2 - s_k^2)",
            _sum_text([_p(t) for t in kl_terms], mu.size),
            kl,
            name="kl",
        )
    )
    loss = float(w.keep("loss", recon_val + kl))
    steps.append(
        Step("Loss", "loss = recon + kl", f"{fmt(recon_val)} + {_p(kl)}", loss, name="loss")
    )
    if mu.size > _MAX_UNITS:
        notes.append(f"the working lists {_MAX_UNITS} of {mu.size} latent units one by one")
    if not math.isfinite(loss):
        raise ComputationError("--mu: the VAE loss overflows (values too large)")
    return w.solution(
        {"recon": recon_val, "kl": kl, "loss": loss, "kl_terms": kl_terms},
        steps=steps,
        notes=notes,
    )
