"""The classic slips of counting a network's parameters, as variant rules of the walk."""

from dlcalc.engine._working import Mistake

_TOTAL = ("total_params", "layers")

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "arch": (
        Mistake(
            "conv-no-bias",
            "the convolution biases are missing",
            "conv params = (Kh*Kw*C + 1)*N: one bias per filter",
            _TOTAL,
        ),
        Mistake(
            "fc-no-bias",
            "the fully-connected biases are missing",
            "fc params = (F_in + 1)*F_out",
            _TOTAL,
        ),
        Mistake(
            "bn-running-stats",
            "batch norm's running mean and variance were counted as parameters",
            "BN params = 2*C (gamma, beta); the running statistics are buffers",
            _TOTAL,
            example={"name": "resnet18"},
        ),
    ),
}
