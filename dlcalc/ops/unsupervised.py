"""Unsupervised feature learning: pca, cca (CONTRACT section 2, "Unsupervised")."""

from dlcalc.ops import REQUIRED, Op, Param

_EXACT = Param(
    "exact",
    "bool",
    "exact working (fractions and surds, via SymPy) for small inputs: <= 6 points, <= 3 dims",
    default=False,
)


def _ddof(what: str) -> Param:
    return Param(
        "ddof",
        "int",
        f"divisor of {what}: 0 divides by n (the slides' 1/n), 1 by n - 1 (sample covariance)",
        default="0",
        lo=0,
        hi=1,
        metavar="0|1",
    )


OPS = [
    Op(
        name="pca",
        topic="unsupervised",
        func="dlcalc.engine.unsupervised.pca:pca",
        summary="Principal component analysis: scatter matrix, eigenvalues, projections.",
        description=(
            "z = x - mean (divided by the standard deviation with --standardize); "
            "S = (1/n) sum z z^T (--ddof 1: 1/(n-1), the sample covariance, as scikit-learn's "
            "explained_variance_; the standard deviation and the error then divide by n-1 too); "
            "eigenvalues and eigenvectors from the SVD of S (descending); "
            "components: the top k eigenvectors as unit rows, each flipped so its largest-|.| "
            "entry (the first of ties) is positive; y = U^T z; explained variance ratio "
            "lambda_j / tr(S); reconstruction error (1/n) sum ||z - U U^T z||^2, which equals "
            "the sum of the discarded eigenvalues. Answer keys: components and eigenvalues."
        ),
        params=(
            Param("data", "matrix", "data, one sample per row (n x d)", default=REQUIRED),
            Param("k", "int", "number of components to keep (1..d)", default="1", lo=1),
            Param(
                "standardize",
                "bool",
                "divide each centred column by its standard deviation (1/n; 1/(n-1) with --ddof 1)",
                default=False,
            ),
            _ddof("S (and of the standard deviations and the error)"),
            Param("project", "vector", "a new point (d values) to project and reconstruct"),
            _EXACT,
            Param(
                "plot",
                "bool",
                "plot the points, the mean and the principal axis (d = 2)",
                default=False,
            ),
        ),
        result_keys=(
            "mean",
            "scatter",
            "eigenvalues",
            "components",
            "projected",
            "explained_variance_ratio",
            "reconstruction_error",
        ),
        answers=("components", "eigenvalues"),
        example={"data": "1,0; 2,3; 4,2; 5,3", "k": 1},
    ),
    Op(
        name="cca",
        topic="unsupervised",
        func="dlcalc.engine.unsupervised.cca:cca",
        summary="Canonical correlation analysis: S_xx, S_yy, S_xy and the canonical pairs.",
        description=(
            "S_xx, S_yy, S_xy with 1/n on centred data (--ddof 1: 1/(n-1); the correlations "
            "change only with a ridge) (+ reg*I on S_xx and S_yy); SVD of "
            "S_xx^-1/2 S_xy S_yy^-1/2 = W_u D W_v^T; correlations = diag(D)[:k]; "
            "U = S_xx^-1/2 W_u[:, :k], V = S_yy^-1/2 W_v[:, :k] (so u^T S_xx u = 1); each u "
            "column flipped so its largest-|.| entry is positive, its v column with it. "
            "Answer key: correlations (u and v are checked as u=..., v=...: with p = q they "
            "have the same shape, so a bare answer cannot tell them apart)."
        ),
        params=(
            Param("x", "matrix", "first view, one sample per row (n x p)", default=REQUIRED),
            Param("y", "matrix", "second view, the same n samples (n x q)", default=REQUIRED),
            Param("k", "int", "number of canonical pairs (1..min(p, q))", default="1", lo=1),
            Param("reg", "float", "ridge added to S_xx and S_yy (reg * I)", default="0", lo=0),
            _ddof("S_xx, S_yy and S_xy"),
            _EXACT,
        ),
        result_keys=("sxx", "syy", "sxy", "correlations", "u", "v"),
        answers=("correlations",),
        example={"x": "1,2; 2,1; 3,4; 4,3; 5,6", "y": "2,1; 3,3; 3,2; 6,5; 5,4", "k": 1},
    ),
]
