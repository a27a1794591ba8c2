"""Hyper-parameters of the optimizers: names, each convention's defaults, the rules in brief.

Lecture defaults (CONTRACT): lr 0.01 (rmsprop 0.001), momentum 0.9, rho 0.9, eps 1e-8
(adadelta 1e-6), betas 0.9/0.999; Adadelta has no lr. PyTorch defaults: those of
``torch.optim`` (SGD lr 1e-3, Adagrad lr 1e-2 eps 1e-10, Adadelta lr 1.0, RMSprop lr 1e-2
alpha 0.99, Adam lr 1e-3), with momentum 0.9 for "momentum"/"nag", where torch needs one.
"""

from __future__ import annotations

from dlcalc.errors import InputError

NAMES: tuple[str, ...] = ("sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam")
CONVENTIONS: tuple[str, ...] = ("lecture", "pytorch")
HYPER: tuple[str, ...] = (
    "lr",
    "momentum",
    "rho",
    "beta1",
    "beta2",
    "eps",
    "dampening",
    "weight_decay",
)
# Letters used in the working, as the slides write them.
LETTER = {
    "lr": "eta",
    "momentum": "gamma",
    "rho": "rho",
    "beta1": "beta1",
    "beta2": "beta2",
    "eps": "eps",
    "dampening": "tau",
    "weight_decay": "wd",
}

DEFAULTS: dict[str, dict[str, dict[str, float]]] = {
    "lecture": {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nag": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-8},
        "adadelta": {"rho": 0.9, "eps": 1e-6},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-8},
        "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    },
    "pytorch": {  # torch.optim defaults; momentum 0.9 where torch needs one to be given
        "sgd": {"lr": 1e-3},
        "momentum": {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0},
        "nag": {"lr": 1e-3, "momentum": 0.9},
        "adagrad": {"lr": 1e-2, "eps": 1e-10},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "rmsprop": {"lr": 1e-2, "rho": 0.99, "eps": 1e-8, "momentum": 0.0},
        "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    },
}

# Adam with Kingma & Ba's bias correction (--bias-correction; torch always corrects).
ADAM_CORRECTED = (
    "m = beta1 m + (1-beta1) g; v = beta2 v + (1-beta2) g^2; "
    "m_hat = m/(1-beta1^t); v_hat = v/(1-beta2^t); theta -= eta m_hat / (sqrt(v_hat) + eps)"
)

# The rule as one line, for tables and the compare command.
RULES: dict[str, dict[str, str]] = {
    "lecture": {
        "sgd": "theta -= eta g",
        "momentum": "v = gamma v + eta g; theta -= v",
        "nag": "v = gamma v + eta grad f(theta - gamma v); theta -= v",
        "adagrad": "G += g^2; theta -= eta g / sqrt(G + eps)",
        "adadelta": "E = rho E + (1-rho) g^2; d = -sqrt(D + eps)/sqrt(E + eps) g; "
        "D = rho D + (1-rho) d^2; theta += d",
        "rmsprop": "E = rho E + (1-rho) g^2; theta -= eta g / sqrt(E + eps)",
        "adam": "m = beta1 m + (1-beta1) g; v = beta2 v + (1-beta2) g^2; "
        "theta -= eta m / sqrt(v + eps)",
    },
    "pytorch": {
        "sgd": "theta -= eta g",
        "momentum": "b = g (t=1), b = gamma b + (1-tau) g; theta -= eta b",
        "nag": "b = g (t=1), b = gamma b + g; theta -= eta (g + gamma b)",
        "adagrad": "S += g^2; theta -= eta g / (sqrt(S) + eps)",
        "adadelta": "v = rho v + (1-rho) g^2; dx = sqrt(u + eps)/sqrt(v + eps) g; "
        "u = rho u + (1-rho) dx^2; theta -= eta dx",
        "rmsprop": "v = rho v + (1-rho) g^2; theta -= eta g / (sqrt(v) + eps)",
        "adam": ADAM_CORRECTED,
    },
}


def rule(name: str, convention: str, bias_correction: bool = False) -> str:
    """The rule as one line; lecture Adam is the slides' formula unless bias-corrected."""
    if name == "adam" and bias_correction:
        return ADAM_CORRECTED
    return RULES[convention][name]


def resolve(
    name: str, convention: str, given: dict[str, float | None]
) -> tuple[dict[str, float], list[str]]:
    """The hyper-parameters used: the convention's defaults, overridden by ``given``.

    Returns (values, notes); a flag the rule does not use gives a note, not an error.
    """
    hp = dict(DEFAULTS[convention][name])
    hp["weight_decay"] = 0.0
    notes = []
    for key in HYPER:
        value = given.get(key)
        if value is None:
            continue
        if key in hp:
            hp[key] = float(value)
        elif key == "dampening" and name == "nag" and convention == "pytorch":
            if value != 0:
                raise InputError("--dampening: Nesterov momentum needs zero dampening (as torch)")
        else:
            notes.append(f"--{key.replace('_', '-')} is not used by {name} ({convention}); ignored")
    for key in ("beta1", "beta2"):
        if key in hp and hp[key] >= 1:
            raise InputError(f"--{key}: must be < 1 (bias correction divides by 1 - {key}^t)")
    if name == "nag" and convention == "pytorch" and hp["momentum"] <= 0:
        raise InputError("--momentum: Nesterov momentum needs a momentum > 0 (as torch)")
    return hp, notes
