"""The classic slips of the multilayer-network calculators, as variant rules of their engines.

Each id is consulted by the engine with ``Working.slip(id)`` (only where it can apply: the
tanh rules with a tanh layer, the square-weight transpose with a square W...); the marker
(dlcalc.check) replays the engine under it and names the mistake when a student's answer
matches. Commands: forward, backprop, act, dropout, init, perceptron, ae.
"""

from dlcalc.engine._working import Mistake

# the ops' example net (M. Mazur's 2-2-2) with tanh units, where the tanh rules apply
_TANH_NET = {
    "x": "0.05,0.1",
    "w1": "0.15,0.2; 0.25,0.3",
    "b1": "0.35,0.35",
    "w2": "0.4,0.45; 0.5,0.55",
    "b2": "0.6,0.6",
    "target": "0.01,0.99",
    "lr": 0.5,
    "act": "tanh",
}

_FORWARD_KEYS = ("net_hidden", "y", "net_out", "z")
_UPDATES = ("dw2", "db2", "dw1", "db1", "w2_new", "b2_new", "w1_new", "b1_new")
_FROM_DELTA_OUT = ("delta_out", "delta_hidden", *_UPDATES)
_FROM_DELTA_HIDDEN = ("delta_hidden", "dw1", "db1", "w1_new", "b1_new")
_AFTER_FORWARD = ("loss", *_FROM_DELTA_OUT, "loss_after")

_FORWARD = (
    Mistake(
        "out-act-missing",
        "the activation is not applied at the output",
        "z_k = f(net_k), net_k = sum_j w_kj y_j + w_k0",
        ("z",),
    ),
    Mistake(
        "hidden-act-missing",
        "the activation is not applied at the hidden layer",
        "y_j = f(net_j), net_j = sum_i w_ji x_i + w_j0",
        ("y", "net_out", "z"),
    ),
    Mistake(
        "no-bias",
        "the biases are left out",
        "net_j = sum_i w_ji x_i + w_j0 = W1 x + b1 (and net_k = W2 y + b2)",
        _FORWARD_KEYS,
    ),
    Mistake(
        "weights-transposed",
        "W^T x used instead of W x (the rows of W are the units: w_ji = W[j, i])",
        "net_j = sum_i w_ji x_i + w_j0, row j of W1 times x",
        _FORWARD_KEYS,
    ),
    Mistake(
        "sigmoid-sign",
        "the sigmoid is written 1/(1 + e^s): the minus sign is lost",
        "sigma(s) = 1/(1 + e^(-s))",
        ("y", "net_out", "z"),
    ),
)

_BACKPROP = (
    Mistake(
        "deriv-on-net",
        "f' is evaluated on net instead of on f(net) (sigma'(net) written net(1 - net))",
        "sigmoid: f'(net) = f(net)(1 - f(net)) = z(1 - z); tanh: f'(net) = 1 - f(net)^2",
        _FROM_DELTA_OUT,
    ),
    Mistake(
        "delta-sign",
        "the error is z - t instead of t - z: the weights move the wrong way",
        "delta_k = (t_k - z_k) f'(net_k), new = old + eta delta (input)",
        _FROM_DELTA_OUT,
    ),
    Mistake(
        "no-lr",
        "the learning rate is left out",
        "Delta w_kj = eta delta_k y_j, Delta w_ji = eta delta_j x_i",
        _UPDATES,
    ),
    Mistake(
        "tanh-deriv-no-square",
        "tanh' is written 1 - f instead of 1 - f^2",
        "tanh'(net) = 1 - tanh(net)^2 = 1 - f^2",
        _FROM_DELTA_OUT,
        _TANH_NET,
    ),
    Mistake(
        "delta-hidden-new-w2",
        "delta_j uses the updated w_kj instead of the old ones",
        "delta_j = f'(net_j) sum_k w_kj delta_k with the weights of the forward pass",
        _FROM_DELTA_HIDDEN,
    ),
    Mistake(
        "no-deriv-out",
        "f'(net_k) is left out of delta_k",
        "delta_k = (t_k - z_k) f'(net_k)",
        _FROM_DELTA_OUT,
    ),
    Mistake(
        "no-deriv-hidden",
        "f'(net_j) is left out of delta_j",
        "delta_j = f'(net_j) sum_k w_kj delta_k",
        _FROM_DELTA_HIDDEN,
    ),
    Mistake(
        "dw2-uses-net",
        "Delta w_kj uses net_j instead of the hidden output y_j = f(net_j)",
        "Delta w_kj = eta delta_k y_j",
        ("dw2", "w2_new"),
    ),
    Mistake(
        "loss-no-half",
        "the 1/2 of the loss is missing (the loss is doubled)",
        "J = 1/2 sum_k (t_k - z_k)^2",
        ("loss", "loss_after"),
    ),
    *(Mistake(m.id, m.says, m.right, (*m.keys, *_AFTER_FORWARD)) for m in _FORWARD),
)

_ACT = (
    Mistake(
        "deriv-on-net",
        "f' is evaluated on s instead of on f(s) (sigma'(s) written s(1 - s))",
        "sigmoid: f'(s) = f(s)(1 - f(s)); tanh: f'(s) = 1 - f(s)^2",
        ("derivative",),
    ),
    Mistake(
        "tanh-deriv-no-square",
        "tanh' is written 1 - f instead of 1 - f^2",
        "tanh'(s) = 1 - tanh(s)^2",
        ("derivative",),
        {"name": "tanh", "x": "-1,0,2"},
    ),
    Mistake(
        "sigmoid-sign",
        "the sigmoid is written 1/(1 + e^s): the minus sign is lost",
        "sigma(s) = 1/(1 + e^(-s))",
        ("value",),
    ),
    Mistake(
        "leaky-slope-swapped",
        "the leaky slope alpha is applied to the positive side",
        "f(s) = s if s >= 0 else alpha*s; f'(s) = 1 if s > 0 else alpha",
        ("value", "derivative"),
        {"name": "leaky-relu", "x": "-2,0,3", "alpha": 0.1},
    ),
    Mistake(
        "deriv-at-zero",
        "f'(0) is taken as 1 (the right slope)",
        "f'(0) is the left slope, as in PyTorch: relu 0, leaky-relu alpha",
        ("derivative",),
        {"name": "relu", "x": "-1,0,2"},
    ),
)

_DROPOUT = (
    Mistake(
        "keep-drop-swapped",
        "the keep and drop probabilities are swapped",
        "lecture: p keeps a unit (r ~ Bernoulli(p), test-time scale p); "
        "pytorch: p drops a unit (output r*y/(1 - p))",
        ("output", "mask", "scale"),
        {"input": "0.5,1.2,-0.3,2", "p": 0.8, "mask": "1,0,1,1"},
    ),
    Mistake(
        "inverted-in-lecture",
        "the inverted (PyTorch) scaling 1/p is applied under the lecture convention",
        "lecture: output = r*y at training time, weights scaled by p at test time",
        ("output",),
    ),
    Mistake(
        "test-scale-at-train",
        "the test-time scale p is applied at training time",
        "lecture: output = r*y at training time; the scale p is for test time",
        ("output",),
    ),
    Mistake(
        "scale-forgotten",
        "the scaling is forgotten",
        "lecture: test-time scale p (W_test = p W); pytorch: output = r*y/(1 - p)",
        ("output", "scale"),
    ),
)

_INIT = (
    Mistake(
        "fan-in-only",
        "Xavier with n_in only instead of n_in + n_out",
        "xavier: a = gain*sqrt(6/(n_in + n_out)), Var = gain^2*2/(n_in + n_out)",
        ("bound", "variance", "std"),
    ),
    Mistake(
        "he-fan-sum",
        "He with n_in + n_out instead of n_in",
        "he: Var = 2/n_in, a = sqrt(6/n_in)",
        ("bound", "variance", "std"),
        {"scheme": "he", "fan_in": 400, "fan_out": 300},
    ),
    Mistake(
        "he-one-over-n",
        "He with 1/n: the ReLU factor 2 is missing",
        "he: Var = 2/n_in (E[x^2] = Var[y]/2 under ReLU)",
        ("bound", "variance", "std"),
        {"scheme": "he", "fan_in": 400},
    ),
    Mistake(
        "std-is-variance",
        "the variance is given as the standard deviation (the square root is missing)",
        "std = sqrt(Var[W])",
        ("std",),
    ),
    Mistake(
        "bound-is-std",
        "the standard deviation is given as the uniform bound (the sqrt(3) is missing)",
        "a = sqrt(3)*std = gain*sqrt(6/n): U[-a, a] has variance a^2/3",
        ("bound",),
    ),
)

_PERCEPTRON = (
    Mistake(
        "update-without-y",
        "the update leaves out the label y",
        "on a mistake w <- w + eta*y*x~",
        ("weights", "converged", "epochs", "mistakes"),
    ),
    Mistake(
        "no-augmented-one",
        "the augmented 1 is forgotten: the bias w0 is never updated",
        "x~ = [1, x], so a mistake updates w0 by eta*y",
        ("weights", "converged", "epochs", "mistakes"),
    ),
    Mistake(
        "tie-rule-reversed",
        "w.x~ = 0 is predicted -1",
        "y^ = +1 if w.x~ >= 0 else -1",
        ("weights", "converged", "epochs", "mistakes"),
    ),
)

# the ae op's example with the cross-entropy loss
_AE_CE = {
    "x": "1,0",
    "w1": "0.5,-0.5",
    "b1": "0",
    "w2": "1; -1",
    "b2": "0,0",
    "loss": "cross-entropy",
}

_AE = (
    Mistake(
        "loss-no-square",
        "the norm is not squared",
        "J = ||x - z||^2 = sum_k (x_k - z_k)^2",
        ("loss",),
    ),
    Mistake(
        "square-half",
        "a 1/2 is put in front of the square loss",
        "autoencoder (slides): J = ||x - z||^2, without the 1/2",
        ("loss",),
    ),
    Mistake(
        "loss-mean",
        "the mean is taken instead of the sum",
        "J sums over the d outputs",
        ("loss",),
        _AE_CE,  # on the square loss of the example, the mean over d = 2 is the 1/2 slip's value
    ),
    Mistake(
        "ce-log10",
        "the logarithm is taken to base 10",
        "J = -sum_k [x_k ln z_k + (1 - x_k) ln(1 - z_k)], natural log",
        ("loss",),
        _AE_CE,
    ),
    Mistake(
        "ce-sign",
        "the minus sign of the cross-entropy is lost",
        "J = -sum_k [x_k ln z_k + (1 - x_k) ln(1 - z_k)] >= 0",
        ("loss",),
        _AE_CE,
    ),
)

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "forward": _FORWARD,
    "backprop": _BACKPROP,
    "act": _ACT,
    "dropout": _DROPOUT,
    "init": _INIT,
    "perceptron": _PERCEPTRON,
    "ae": _AE,
}
