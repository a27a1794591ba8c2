"""The classic slips of batch normalisation (bn, bn-infer), as variant rules of the engines.

Each id is consulted by the engine with ``Working.slip(id)`` where it applies; the marker
(dlcalc.check) replays the engine under it and names the mistake when a student's numbers
match.
"""

from dlcalc.engine._working import Mistake

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "bn": (
        Mistake(
            "unbiased-var",
            "the variance was divided by m - 1 (unbiased) instead of m",
            "sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2 (biased, as in Algorithm 1)",
            ("var", "std", "x_hat", "output"),
        ),
        Mistake(
            "eps-outside-sqrt",
            "eps was added outside the square root",
            "x_hat = (x - mu_B) / sqrt(sigma_B^2 + eps)",
            ("std", "x_hat", "output"),
        ),
        Mistake(
            "divide-by-var",
            "x - mu was divided by the variance instead of the standard deviation",
            "x_hat = (x - mu_B) / sqrt(sigma_B^2 + eps)",
            ("std", "x_hat", "output"),
        ),
        Mistake(
            "no-affine",
            "gamma and beta were not applied (the output is x_hat)",
            "y = gamma x_hat + beta",
            ("output",),
            example={"input": "1,2; 3,6; 5,4", "gamma": "2,0.5", "beta": "1,0"},
        ),
    ),
    "bn-infer": (
        Mistake(
            "no-unbiased-correction",
            "the m/(m-1) correction of the batch variances is missing",
            "Var[x] = m/(m-1) E_B[sigma_B^2]",
            ("var", "scale", "shift", "output"),
        ),
        Mistake(
            "mean-of-stds",
            "the batch standard deviations were averaged (and squared) instead of the variances",
            "Var[x] = m/(m-1) E_B[sigma_B^2]: average the variances",
            ("var", "scale", "shift", "output"),
            # batch variances differ (8/3 and 32/3): the mean of the stds squared is not theirs
            example={"batch": ["1,2; 3,6; 5,4", "0,0; 4,2; 8,4"], "x": "3,3"},
        ),
        Mistake(
            "eps-outside-sqrt",
            "eps was added outside the square root",
            "scale = gamma / sqrt(Var[x] + eps)",
            ("scale", "shift", "output"),
        ),
        Mistake(
            "shift-not-scaled",
            "gamma E[x] in the shift was not divided by sqrt(Var[x] + eps)",
            "shift = beta - gamma E[x] / sqrt(Var[x] + eps)",
            ("shift", "output"),
        ),
    ),
}
