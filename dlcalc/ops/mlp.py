"""Multilayer-network calculators: act, perceptron, forward, backprop, init, dropout, ae
(CONTRACT section 2, "Multilayer networks")."""

from dlcalc.engine.mlp.activation_names import NAMES as ACTIVATIONS
from dlcalc.ops import REQUIRED, Op, Param

_ALPHA = Param(
    "alpha", "float", "leaky-relu negative slope [default 0.01] or elu scale [default 1]", lo=0
)

# A 2-2-2 sigmoid net (M. Mazur, "A Step by Step Backpropagation Example", 2015).
_NET = {
    "x": "0.05,0.1",
    "w1": "0.15,0.2; 0.25,0.3",
    "b1": "0.35,0.35",
    "w2": "0.4,0.45; 0.5,0.55",
    "b2": "0.6,0.6",
}


def _net_params() -> tuple[Param, ...]:
    return (
        Param("x", "vector", "input x (d values)", default=REQUIRED),
        Param("w1", "matrix", "input-to-hidden weights W1 (nH x d), w_ji", default=REQUIRED),
        Param("b1", "vector", "hidden biases b1 (nH values), w_j0", default=REQUIRED),
        Param("w2", "matrix", "hidden-to-output weights W2 (C x nH), w_kj", default=REQUIRED),
        Param("b2", "vector", "output biases b2 (C values), w_k0", default=REQUIRED),
        Param("act", "choice", "hidden activation f", default="sigmoid", choices=ACTIVATIONS),
        Param("out_act", "choice", "output activation [default: --act]", choices=ACTIVATIONS),
        _ALPHA,
    )


OPS = [
    Op(
        name="act",
        topic="mlp",
        func="dlcalc.engine.mlp.activations:act",
        summary="Value and derivative of an activation function.",
        description=(
            "sigmoid 1/(1+e^-s), f' = f(1-f); tanh, f' = 1-f^2; relu max(0,s); leaky-relu "
            "s or alpha*s; elu, softplus, gelu, softmax (along the last axis), linear. "
            "Stable for any finite s. --plot draws f and f' over --range."
        ),
        params=(
            Param(
                "name",
                "choice",
                "activation function",
                default=REQUIRED,
                choices=ACTIVATIONS,
                positional=True,
                metavar="NAME",
            ),
            Param("x", "tensor", "input value(s) s: scalar, vector or matrix", default=REQUIRED),
            _ALPHA,
            Param("plot", "bool", "plot f and f' in the terminal", default=False),
            Param("range", "vector", "plot range LO,HI [default: -5,5]", metavar="LO,HI"),
        ),
        result_keys=("value", "derivative"),
        example={"name": "sigmoid", "x": "-1,0,2"},
    ),
    Op(
        name="perceptron",
        topic="mlp",
        func="dlcalc.engine.mlp.perceptron:perceptron",
        summary="Train a perceptron epoch by epoch (w <- w + lr*y*x on mistakes).",
        description=(
            "Augmented x~ = [1, x]; predict +1 if w.x~ >= 0 else -1; on a mistake "
            "w <- w + lr*y*x~. Labels {-1,1} or {0,1}; samples in order; stops after the "
            "first epoch without a mistake."
        ),
        params=(
            Param("data", "matrix", "samples, one per row (n x d)", default=REQUIRED),
            Param("labels", "vector", "n labels in {-1,1} or {0,1}", default=REQUIRED),
            Param("lr", "float", "learning rate eta", default="1", lo=0),
            Param("epochs", "int", "maximum number of epochs", default="100", lo=1, hi=100_000),
            Param("weights", "vector", "initial weights w0,w1,..,wd [default: zeros]"),
        ),
        result_keys=("weights", "converged", "epochs", "mistakes"),
        example={"data": "0,0; 0,1; 1,0; 1,1", "labels": "0,0,0,1"},
    ),
    Op(
        name="forward",
        topic="mlp",
        func="dlcalc.engine.mlp.network:forward",
        summary="Forward pass of a one-hidden-layer network.",
        description=(
            "net_j = W1 x + b1, y = f(net_j), net_k = W2 y + b2, z = f_out(net_k), unit by unit. "
            "The answer: the output z."
        ),
        params=_net_params(),
        result_keys=("net_hidden", "y", "net_out", "z"),
        answers=("z",),
        example=dict(_NET),
    ),
    Op(
        name="backprop",
        topic="mlp",
        func="dlcalc.engine.mlp.network:backprop",
        summary="One backpropagation step of a one-hidden-layer network (J = 1/2 sum (t-z)^2).",
        description=(
            "delta_k = (t_k - z_k) f'(net_k); delta_j = f'(net_j) sum_k w_kj delta_k; "
            "Delta w_kj = eta delta_k y_j; Delta w_ji = eta delta_j x_i; Delta b = eta delta; "
            "new = old + Delta. The answer: the updated weights w2_new, b2_new, w1_new, "
            "b1_new; loss, deltas and the forward values (net_hidden, y, net_out, z) can be "
            "checked by name."
        ),
        params=(
            *_net_params(),
            Param("target", "vector", "target t (C values)", default=REQUIRED),
            Param("lr", "float", "learning rate eta", default=REQUIRED, lo=0),
        ),
        result_keys=(
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
            "loss_after",
        ),
        answers=("w2_new", "b2_new", "w1_new", "b1_new"),
        example={**_NET, "target": "0.01,0.99", "lr": 0.5},
    ),
    Op(
        name="init",
        topic="mlp",
        func="dlcalc.engine.mlp.init_dropout:init",
        summary="Xavier/He initialisation: uniform bound, variance and std.",
        description=(
            "xavier: bound = gain*sqrt(6/(n_in+n_out)), Var = gain^2*2/(n_in+n_out); "
            "he: Var = 2/n_in, bound = sqrt(6/n_in) (times gain)."
        ),
        params=(
            Param(
                "scheme",
                "choice",
                "xavier or he",
                default=REQUIRED,
                choices=("xavier", "he"),
                positional=True,
                metavar="xavier|he",
            ),
            Param("fan_in", "int", "inputs of the layer n_in", default=REQUIRED, lo=1),
            Param("fan_out", "int", "outputs of the layer n_out (xavier)", lo=1),
            Param(
                "dist",
                "choice",
                "uniform or normal",
                default="uniform",
                choices=("uniform", "normal"),
            ),
            Param("gain", "float", "gain multiplying the std", default="1", lo=0),
        ),
        result_keys=("bound", "variance", "std"),
        example={"scheme": "xavier", "fan_in": 400, "fan_out": 300},
    ),
    Op(
        name="dropout",
        topic="mlp",
        func="dlcalc.engine.mlp.init_dropout:dropout",
        summary="Apply dropout to activations (lecture: p keeps; pytorch: p drops, rescaled).",
        description=(
            "lecture: r ~ Bernoulli(p), output = r*y, test-time scale p. pytorch: p drops, "
            "output = r*y/(1-p). The mask is given with --mask or drawn with --seed."
        ),
        params=(
            Param("input", "tensor", "activations y", default=REQUIRED),
            Param(
                "p",
                "float",
                "keep (lecture) or drop (pytorch) probability",
                default=REQUIRED,
                lo=0,
                hi=1,
            ),
            Param("mask", "tensor", "mask r of 0/1, one per input"),
            Param("seed", "int", "seed for NumPy's default_rng to draw the mask", lo=0),
            Param(
                "convention",
                "choice",
                "what p means",
                default="lecture",
                choices=("lecture", "pytorch"),
            ),
        ),
        result_keys=("output", "mask", "scale"),
        example={"input": "0.5,1.2,-0.3,2", "p": 0.5, "mask": "1,0,1,1"},
    ),
    Op(
        name="ae",
        topic="mlp",
        func="dlcalc.engine.mlp.autoencoder:ae",
        summary="Autoencoder forward pass and reconstruction loss (optionally one backprop step).",
        description=(
            "y = f(W1 x + b1), z = f(W2 y + b2); square: ||x - z||^2; cross-entropy: "
            "-sum x ln z + (1-x) ln(1-z). With --lr one gradient step on the loss. The answer: "
            "the reconstruction z and the loss."
        ),
        params=(
            Param("x", "vector", "input x (d values), also the target", default=REQUIRED),
            Param("w1", "matrix", "encoder weights W1 (nH x d)", default=REQUIRED),
            Param("b1", "vector", "encoder biases b1 (nH values)", default=REQUIRED),
            Param("w2", "matrix", "decoder weights W2 (d x nH)", default=REQUIRED),
            Param("b2", "vector", "decoder biases b2 (d values)", default=REQUIRED),
            Param("act", "choice", "activation f", default="sigmoid", choices=ACTIVATIONS),
            Param("out_act", "choice", "decoder activation [default: --act]", choices=ACTIVATIONS),
            Param(
                "loss",
                "choice",
                "reconstruction loss",
                default="square",
                choices=("square", "cross-entropy"),
            ),
            Param("lr", "float", "learning rate: also do one backprop step", lo=0),
            _ALPHA,
        ),
        result_keys=("y", "z", "loss"),
        answers=("z", "loss"),
        example={
            "x": "1,0",
            "w1": "0.5,-0.5",
            "b1": "0",
            "w2": "1; -1",
            "b2": "0,0",
        },
    ),
]
