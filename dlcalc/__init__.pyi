# Written by scripts/update_stub.py from the registry; do not edit by hand.
from collections.abc import Sequence
from typing import Any, Literal

from numpy.typing import ArrayLike

from dlcalc.solution import Solution

__version__: str

def run(op: str, args: dict[str, Any] | None = None, /, **kwargs: Any) -> Solution: ...
def conv_size(
    *,
    input: int | str | tuple[int, int] | None = ...,
    kernel: int | str | tuple[int, int] | None = ...,
    stride: int | str | tuple[int, int] = ...,
    pad: int | str | tuple[int, int] = ...,
    dilation: int | str | tuple[int, int] = ...,
    ceil: bool = ...,
    transposed: bool = ...,
    output_padding: int | str | tuple[int, int] = ...,
    in_channels: int | None = ...,
    out_channels: int | None = ...,
    no_bias: bool = ...,
    output: int | str | tuple[int, int] | None = ...,
    solve: Literal["input", "kernel", "stride", "pad", "dilation"] | None = ...,
) -> Solution:
    """Output size (and params, MACs) of a conv or pooling layer."""
    ...

def conv(
    *,
    input: ArrayLike,
    kernel: ArrayLike,
    stride: int | str | tuple[int, int] = ...,
    pad: int | str | tuple[int, int] = ...,
    dilation: int | str | tuple[int, int] = ...,
    bias: ArrayLike | None = ...,
) -> Solution:
    """2-D convolution (cross-correlation) of a map with a kernel."""
    ...

def pool(
    *,
    input: ArrayLike,
    size: int | str | tuple[int, int],
    stride: int | str | tuple[int, int] | None = ...,
    pad: int | str | tuple[int, int] = ...,
    mode: Literal["max", "avg"] = ...,
    ceil: bool = ...,
) -> Solution:
    """Max or average pooling of a map."""
    ...

def arch(
    name: str = ...,
    *,
    layers: Any | None = ...,
    spec: Any | None = ...,
    input: int | str | Sequence[int] | None = ...,
    depth: int | None = ...,
    params: int | None = ...,
    unit: Any | None = ...,
    list: bool = ...,
    steps: bool = ...,
) -> Solution:
    """Layer-by-layer output shapes, parameters, MACs and receptive fields of a CNN (preset or your own)."""
    ...

def act(
    name: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ],
    *,
    x: ArrayLike,
    alpha: float | None = ...,
    plot: bool = ...,
    range: ArrayLike | None = ...,
) -> Solution:
    """Value and derivative of an activation function."""
    ...

def perceptron(
    *,
    data: ArrayLike,
    labels: ArrayLike,
    lr: float = ...,
    epochs: int = ...,
    weights: ArrayLike | None = ...,
) -> Solution:
    """Train a perceptron epoch by epoch (w <- w + lr*y*x on mistakes)."""
    ...

def forward(
    *,
    x: ArrayLike,
    w1: ArrayLike,
    b1: ArrayLike,
    w2: ArrayLike,
    b2: ArrayLike,
    act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ] = ...,
    out_act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ]
    | None = ...,
    alpha: float | None = ...,
) -> Solution:
    """Forward pass of a one-hidden-layer network."""
    ...

def backprop(
    *,
    x: ArrayLike,
    w1: ArrayLike,
    b1: ArrayLike,
    w2: ArrayLike,
    b2: ArrayLike,
    act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ] = ...,
    out_act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ]
    | None = ...,
    alpha: float | None = ...,
    target: ArrayLike,
    lr: float,
) -> Solution:
    """One backpropagation step of a one-hidden-layer network (J = 1/2 sum (t-z)^2)."""
    ...

def init(
    scheme: Literal["xavier", "he"],
    *,
    fan_in: int,
    fan_out: int | None = ...,
    dist: Literal["uniform", "normal"] = ...,
    gain: float = ...,
) -> Solution:
    """Xavier/He initialisation: uniform bound, variance and std."""
    ...

def dropout(
    *,
    input: ArrayLike,
    p: float,
    mask: ArrayLike | None = ...,
    seed: int | None = ...,
    convention: Literal["lecture", "pytorch"] = ...,
) -> Solution:
    """Apply dropout to activations (lecture: p keeps; pytorch: p drops, rescaled)."""
    ...

def ae(
    *,
    x: ArrayLike,
    w1: ArrayLike,
    b1: ArrayLike,
    w2: ArrayLike,
    b2: ArrayLike,
    act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ] = ...,
    out_act: Literal[
        "sigmoid", "tanh", "relu", "leaky-relu", "elu", "softplus", "gelu", "softmax", "linear"
    ]
    | None = ...,
    loss: Literal["square", "cross-entropy"] = ...,
    lr: float | None = ...,
    alpha: float | None = ...,
) -> Solution:
    """Autoencoder forward pass and reconstruction loss (optionally one backprop step)."""
    ...

def optim(
    name: Literal["sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam"],
    *,
    f: Any | None = ...,
    start: ArrayLike | None = ...,
    params: ArrayLike | None = ...,
    grads: ArrayLike | None = ...,
    steps: int | None = ...,
    vars: str | None = ...,
    lr: float | None = ...,
    momentum: float | None = ...,
    rho: float | None = ...,
    beta1: float | None = ...,
    beta2: float | None = ...,
    eps: float | None = ...,
    dampening: float | None = ...,
    weight_decay: float | None = ...,
    bias_correction: bool = ...,
    convention: Literal["lecture", "pytorch"] = ...,
) -> Solution:
    """Run sgd, momentum, nag, adagrad, adadelta, rmsprop or adam step by step."""
    ...

def optim_compare(
    *,
    f: Any,
    start: ArrayLike,
    steps: int = ...,
    optimizers: str | Sequence[str] | None = ...,
    vars: str | None = ...,
    lr: float | None = ...,
    momentum: float | None = ...,
    rho: float | None = ...,
    beta1: float | None = ...,
    beta2: float | None = ...,
    eps: float | None = ...,
    weight_decay: float | None = ...,
    bias_correction: bool = ...,
    convention: Literal["lecture", "pytorch"] = ...,
    plot: bool = ...,
) -> Solution:
    """Compare optimizers on one objective: f after N steps (paths with --plot)."""
    ...

def bn(
    *,
    input: ArrayLike,
    gamma: ArrayLike | None = ...,
    beta: ArrayLike | None = ...,
    eps: float = ...,
) -> Solution:
    """Batch normalisation of a mini-batch (training mode, Algorithm 1)."""
    ...

def bn_infer(
    *,
    batch: ArrayLike | Sequence[ArrayLike],
    gamma: ArrayLike | None = ...,
    beta: ArrayLike | None = ...,
    eps: float = ...,
    x: ArrayLike | None = ...,
    momentum: float | None = ...,
) -> Solution:
    """Batch normalisation at inference: population statistics (Algorithm 2)."""
    ...

def rnn(
    *,
    x: ArrayLike,
    w_hh: ArrayLike,
    w_hx: ArrayLike,
    b_h: ArrayLike,
    w_yh: ArrayLike,
    h0: ArrayLike | None = ...,
) -> Solution:
    """Forward pass of a simple RNN: hidden states and outputs per step."""
    ...

def bptt(
    *,
    x: ArrayLike,
    w_hh: float,
    w_hx: float,
    b_h: float = ...,
    w_yh: float,
    target: float,
    h0: float = ...,
    loss: Literal["half", "square"] = ...,
) -> Solution:
    """Back-propagation through time in a scalar RNN: dE/dw_hh step by step."""
    ...

def lstm(
    *, x: ArrayLike, weights: Any, h0: ArrayLike | None = ..., c0: ArrayLike | None = ...
) -> Solution:
    """LSTM forward pass: gates f, i, o, candidate c~, cell c and h per step."""
    ...

def vanishing(*, factor: float, steps: int) -> Solution:
    """F^N: how a repeated gradient factor vanishes or explodes."""
    ...

def pca(
    *,
    data: ArrayLike,
    k: int = ...,
    standardize: bool = ...,
    ddof: int = ...,
    project: ArrayLike | None = ...,
    exact: bool = ...,
    plot: bool = ...,
) -> Solution:
    """Principal component analysis: scatter matrix, eigenvalues, projections."""
    ...

def cca(
    *,
    x: ArrayLike,
    y: ArrayLike,
    k: int = ...,
    reg: float = ...,
    ddof: int = ...,
    exact: bool = ...,
) -> Solution:
    """Canonical correlation analysis: S_xx, S_yy, S_xy and the canonical pairs."""
    ...

def iou(*, a: ArrayLike, b: ArrayLike, box_format: Literal["xyxy", "xywh"] = ...) -> Solution:
    """Intersection over union of two boxes."""
    ...

def nms(
    *,
    boxes: ArrayLike,
    scores: ArrayLike,
    iou_threshold: float = ...,
    box_format: Literal["xyxy", "xywh"] = ...,
) -> Solution:
    """Greedy non-maximum suppression (torchvision.ops.nms semantics)."""
    ...

def roi_pool(
    *,
    input: ArrayLike,
    roi: ArrayLike,
    output_size: int | str | tuple[int, int],
    spatial_scale: float = ...,
    sampling_ratio: int | None = ...,
    aligned: bool = ...,
) -> Solution:
    """RoI max pooling (torchvision.ops.roi_pool semantics)."""
    ...

def roi_align(
    *,
    input: ArrayLike,
    roi: ArrayLike,
    output_size: int | str | tuple[int, int],
    spatial_scale: float = ...,
    sampling_ratio: int = ...,
    aligned: bool = ...,
) -> Solution:
    """RoIAlign: bilinear sampling, no rounding (torchvision.ops.roi_align semantics)."""
    ...

def gan(
    *,
    d_real: ArrayLike | None = ...,
    d_fake: ArrayLike | None = ...,
    p_data: ArrayLike | None = ...,
    p_g: ArrayLike | None = ...,
) -> Solution:
    """GAN value V(D,G) and losses, or the optimal discriminator D*."""
    ...

def vae(
    *,
    x: ArrayLike,
    x_hat: ArrayLike,
    mu: ArrayLike,
    logvar: ArrayLike | None = ...,
    sigma: ArrayLike | None = ...,
    recon: Literal["bce", "mse"] = ...,
) -> Solution:
    """VAE loss: reconstruction (BCE or MSE, summed) + KL to N(0, I)."""
    ...

def return_(*, rewards: ArrayLike, gamma: float) -> Solution:
    """Discounted return G_t of a reward sequence, for every t."""
    ...

def qlearn(
    *,
    transitions: Any,
    alpha: float,
    gamma: float,
    q: ArrayLike | None = ...,
    states: int | None = ...,
    actions: int | None = ...,
) -> Solution:
    """Tabular Q-learning updates applied in order, with a table of each update."""
    ...

def value_iteration(
    *,
    mdp: Any | None = ...,
    grid: Any | None = ...,
    step_reward: float | None = ...,
    slip: float | None = ...,
    goal_reward: float | None = ...,
    gamma: float,
    tol: float = ...,
    max_iters: int = ...,
) -> Solution:
    """Value iteration (Bellman optimality backups): V*, Q*, greedy policy."""
    ...

def policy_eval(
    *,
    policy: Any,
    mdp: Any | None = ...,
    grid: Any | None = ...,
    step_reward: float | None = ...,
    slip: float | None = ...,
    goal_reward: float | None = ...,
    gamma: float,
    method: Literal["both", "exact", "iterative"] = ...,
    tol: float = ...,
    max_iters: int = ...,
) -> Solution:
    """Evaluate a fixed policy: iterative backups and the exact linear solve."""
    ...

def dqn_target(
    *,
    r: float,
    gamma: float,
    q_next: ArrayLike | None = ...,
    terminal: bool = ...,
    q_sa: float | None = ...,
    q_next_online: ArrayLike | None = ...,
) -> Solution:
    """DQN target r + gamma max_a' Q(s',a') (r if terminal) and squared loss."""
    ...

def egreedy(*, q: ArrayLike, epsilon: float) -> Solution:
    """Epsilon-greedy action probabilities (ties share the greedy mass)."""
    ...
