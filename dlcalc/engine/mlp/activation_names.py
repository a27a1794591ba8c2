"""Activation names and defaults: plain data, shared by the engine and the op specs.

Kept apart from activations.py so the CLI can list the choices without importing NumPy.
"""

NAMES: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky-relu",
    "elu",
    "softplus",
    "gelu",
    "softmax",
    "linear",
)
DEFAULT_ALPHA = {"leaky-relu": 0.01, "elu": 1.0}
