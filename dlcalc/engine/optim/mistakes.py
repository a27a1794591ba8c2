"""The classic slips of the optimizer calculations, as variant rules of the update rules.

Each id is consulted by :class:`dlcalc.engine.optim.rules.Optimizer` with
``Working.slip(id)`` on every step where it applies (the rule it is tagged to, in the
convention it belongs to); the marker (dlcalc.check) replays the run under it and names
the mistake when a student's numbers match.
"""

from dlcalc.engine._working import Mistake

_THETA = ("trajectory", "final")
_COMPARE = ("final", "params", "best")


def _optim() -> tuple[Mistake, ...]:
    return (
        Mistake(
            "adam-bias-corrected",
            "adam: m and v were bias-corrected (m/(1-beta1^t), v/(1-beta2^t)), "
            "but the slides' Adam does not correct them",
            "theta -= eta m / sqrt(v + eps) (the slides; --bias-correction for Kingma & Ba)",
            _THETA,
        ),
        Mistake(
            "adam-no-bias-correction",
            "adam: the bias correction m_hat = m/(1-beta1^t), v_hat = v/(1-beta2^t) is missing",
            "theta -= eta m_hat / (sqrt(v_hat) + eps), m_hat = m/(1-beta1^t), "
            "v_hat = v/(1-beta2^t)",
            _THETA,
        ),
        Mistake(
            "eps-outside-sqrt",
            "adagrad/adadelta/rmsprop/adam: eps was added outside the square root",
            "the slides put eps inside the root: sqrt(G + eps), sqrt(E[g^2] + eps), sqrt(v + eps)",
            _THETA,
        ),
        Mistake(
            "eps-inside-sqrt",
            "adagrad/rmsprop/adam: eps was put inside the square root",
            "here eps is added outside the root: sqrt(S) + eps, sqrt(v_hat) + eps "
            "(torch; Kingma & Ba)",
            _THETA,
        ),
        Mistake(
            "no-lr",
            "the learning rate eta was left out of the update",
            "every step is scaled by eta: theta -= eta g (momentum: v = gamma v + eta g)",
            ("v", "b", *_THETA),
        ),
        Mistake(
            "momentum-sign",
            "momentum/nag: v = gamma v - eta g mixed with theta -= v, so the step goes uphill",
            "v = gamma v + eta g; theta -= v (or v = gamma v - eta g; theta += v)",
            ("v", "lookahead", *_THETA),
        ),
        Mistake(
            "nag-grad-at-theta",
            "nag: the gradient was taken at theta instead of the look-ahead point",
            "v = gamma v + eta grad f(theta - gamma v); theta -= v",
            ("lookahead", "grads", "v", *_THETA),
        ),
        Mistake(
            "adagrad-no-accumulate",
            "adagrad: G was set to g^2 instead of accumulating the squared gradients",
            "G_t = G_{t-1} + g_t^2 (the sum of all squared gradients so far)",
            ("G", "S", *_THETA),
        ),
        Mistake(
            "no-one-minus-rho",
            "rmsprop/adadelta: the (1 - rho) factor on g^2 is missing",
            "E[g^2]_t = rho E[g^2]_{t-1} + (1 - rho) g_t^2",
            ("E", "D", "v", "u", "delta", "dx", *_THETA),
        ),
        Mistake(
            "betas-swapped",
            "adam: beta1 and beta2 were swapped",
            "m = beta1 m + (1 - beta1) g (beta1 = 0.9); v = beta2 v + (1 - beta2) g^2 "
            "(beta2 = 0.999)",
            ("m", "v", "m_hat", "v_hat", *_THETA),
        ),
    )


# Where each slip shows (dlcalc mistakes runs these; the optim example is adam on a bowl).
_BOWL = {"f": "x^2 + 10*y^2", "start": "1,1", "steps": 3}
_EXAMPLES = {
    "adam-no-bias-correction": {"name": "adam", **_BOWL, "lr": 0.1, "bias_correction": True},
    "eps-inside-sqrt": {"name": "rmsprop", "params": "1", "grads": "1e-4", "lr": 0.01,
                        "convention": "pytorch"},
    "momentum-sign": {"name": "momentum", **_BOWL, "lr": 0.01},
    "nag-grad-at-theta": {"name": "nag", **_BOWL, "lr": 0.01},
    "adagrad-no-accumulate": {"name": "adagrad", **_BOWL, "lr": 0.1},
    "no-one-minus-rho": {"name": "rmsprop", **_BOWL, "lr": 0.01},
}  # fmt: skip
_COMPARE_EXAMPLE = {
    "f": "x^2 + 10*y^2",
    "start": "1,1",
    "steps": 5,
    "optimizers": "momentum,nag,adagrad,rmsprop,adam",
}


def _with_example(m: Mistake, example: dict | None) -> Mistake:
    return Mistake(m.id, m.says, m.right, m.keys, example=example)


_ALL = tuple(_with_example(m, _EXAMPLES.get(m.id)) for m in _optim())
# optim compare runs the same update rules: the same slips change f(theta_N) per optimizer
_IN_COMPARE = (
    "adam-bias-corrected",
    "adam-no-bias-correction",
    "no-lr",
    "momentum-sign",
    "nag-grad-at-theta",
    "adagrad-no-accumulate",
    "no-one-minus-rho",
    "betas-swapped",
)

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "optim": _ALL,
    "optim-compare": tuple(
        Mistake(
            m.id,
            m.says,
            m.right,
            _COMPARE,
            example={**_COMPARE_EXAMPLE, "bias_correction": True}
            if m.id == "adam-no-bias-correction"
            else _COMPARE_EXAMPLE,
        )
        for m in _ALL
        if m.id in _IN_COMPARE
    ),
}
