"""Batch normalisation: bn, bn-infer (CONTRACT section 2, "Normalisation")."""

from dlcalc.ops import REQUIRED, Op, Param

_AFFINE = (
    Param("gamma", "vector", "scale gamma, one per feature or one for all (default 1)"),
    Param("beta", "vector", "shift beta, one per feature or one for all (default 0)"),
    Param("eps", "float", "epsilon added to the variance", default="1e-5", lo=0),
)

OPS = [
    Op(
        name="bn",
        topic="optimization",
        func="dlcalc.engine.norm.batchnorm:bn",
        summary="Batch normalisation of a mini-batch (training mode, Algorithm 1).",
        description=(
            "Per feature: mu = (1/m) sum x_i, var = (1/m) sum (x_i - mu)^2 (biased), "
            "x_hat = (x - mu)/sqrt(var + eps), y = gamma x_hat + beta. Rows are samples "
            "(m x features); a vector is m values of one feature; JSON N x C x H x W "
            "(or N x C x L) is normalised per channel. The answer is output."
        ),
        params=(
            Param(
                "input",
                "tensor",
                "mini-batch: m x features (rows = samples), or N x C x H x W JSON",
                default=REQUIRED,
            ),
            *_AFFINE,
        ),
        result_keys=("mean", "var", "x_hat", "output"),
        answers=("output",),
        example={"input": "1,2; 3,6; 5,4", "gamma": "1,1", "beta": "0,0"},
    ),
    Op(
        name="bn-infer",
        topic="optimization",
        func="dlcalc.engine.norm.inference:bn_infer",
        summary="Batch normalisation at inference: population statistics (Algorithm 2).",
        description=(
            "E[x] = mean of the batch means; Var[x] = m/(m-1) * mean of the batch variances; "
            "scale = gamma/sqrt(Var + eps), shift = beta - gamma E[x]/sqrt(Var + eps); "
            "y = scale x + shift for --x. With --momentum M, the running averages of "
            "frameworks instead (PyTorch: start at 0 and 1, E <- (1-M)E + M mu_B, "
            "Var <- (1-M)Var + M m/(m-1) sigma_B^2). The answers are scale and shift (and "
            "output with --x)."
        ),
        params=(
            Param(
                "batch",
                "tensor",
                "a training mini-batch (m x features); repeat for each batch",
                default=REQUIRED,
                multiple=True,
            ),
            *_AFFINE,
            Param("x", "tensor", "input(s) to normalise with the population statistics"),
            Param(
                "momentum",
                "float",
                "use framework running averages with this momentum (PyTorch: 0.1)",
                lo=0,
                hi=1,
            ),
        ),
        result_keys=("mean", "var", "scale", "shift", "output", "batch_means", "batch_vars"),
        answers=("scale", "shift", "output"),
        example={"batch": ["1,2; 3,6; 5,4", "2,0; 4,2; 6,4"], "x": "3,3"},
    ),
]
