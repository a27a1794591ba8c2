"""The classic slips of PCA and CCA, as variant rules of their engines.

Each id is consulted by the engine with ``Working.slip(id)`` where it can show; the marker
(dlcalc.check) replays the engine under it and names the mistake when a student's numbers
match.
"""

from dlcalc.engine._working import Mistake

_PCA = {"data": "1,0; 2,3; 4,2; 5,3", "k": 1}  # the op's example
_CCA = {"x": "1,2; 2,1; 3,4; 4,3; 5,6", "y": "2,1; 3,3; 3,2; 6,5; 5,4", "k": 1}
_PCA_S = ("std", "scatter", "eigenvalues", "reconstruction_error")
_PCA_ALL = ("scatter", "eigenvalues", "components", "projected", "explained_variance_ratio")
_CCA_S = ("sxx", "syy", "sxy", "u", "v")
_CCA_RIGHT = "U = S_xx^-1/2 W_u, V = S_yy^-1/2 W_v from the SVD of S_xx^-1/2 S_xy S_yy^-1/2"

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "pca": (
        Mistake(
            "sample-cov",
            "S was divided by n - 1 instead of n",
            "S = (1/n) sum_i z_i z_i^T (as on the slides; n - 1 only with --ddof 1)",
            _PCA_S,
        ),
        Mistake(
            "population-cov",
            "S was divided by n instead of n - 1",
            "with --ddof 1, S = (1/(n-1)) sum_i z_i z_i^T (the sample covariance)",
            _PCA_S,
            example={**_PCA, "ddof": 1},
        ),
        Mistake(
            "not-centred",
            "the data were not centred (the mean was not subtracted)",
            "z_i = x_i - m, then S = (1/n) sum_i z_i z_i^T",
            _PCA_ALL,
        ),
        Mistake(
            "smallest-component",
            "the eigenvector of the smallest eigenvalue was taken instead of the largest",
            "the principal components are the eigenvectors of the k largest eigenvalues",
            ("components", "projected", "explained_variance_ratio", "reconstruction_error"),
        ),
        Mistake(
            "component-sign",
            "the component has the opposite sign",
            "sign convention: each component's largest-|.| entry is positive",
            ("components", "projected"),
        ),
        Mistake(
            "standardize-forgotten",
            "the data were centred but not divided by their standard deviations",
            "with --standardize, z_i = (x_i - m) / s, so S is the correlation matrix",
            _PCA_ALL,
            example={**_PCA, "standardize": True},
        ),
    ),
    "cca": (
        Mistake(
            "sample-cov",
            "the covariances were divided by n - 1 instead of n",
            "S_xx = (1/n) sum_i (x_i - m_x)(x_i - m_x)^T, S_yy and S_xy likewise",
            _CCA_S,
        ),
        Mistake(
            "population-cov",
            "the covariances were divided by n instead of n - 1",
            "with --ddof 1, S_xx = (1/(n-1)) sum_i (x_i - m_x)(x_i - m_x)^T, S_yy, S_xy likewise",
            _CCA_S,
            example={**_CCA, "ddof": 1},
        ),
        Mistake(
            "not-centred",
            "the data were not centred (the means were not subtracted)",
            "S_xy = (1/n) sum_i (x_i - m_x)(y_i - m_y)^T",
            ("sxx", "syy", "sxy", "correlations", "u", "v"),
        ),
        Mistake(
            "no-reg",
            "the ridge reg*I was not added to S_xx and S_yy",
            "S_xx + reg I and S_yy + reg I",
            ("sxx", "syy", "correlations", "u", "v"),
            example={**_CCA, "reg": 0.5},
        ),
        Mistake(
            "no-whitening",
            "the SVD was taken of S_xy itself, without S_xx^-1/2 and S_yy^-1/2",
            "correlations: singular values of S_xx^-1/2 S_xy S_yy^-1/2",
            ("correlations", "u", "v"),
        ),
        Mistake(
            "uv-not-whitened",
            "U and V are W_u and W_v: the S_xx^-1/2, S_yy^-1/2 back-transform is missing",
            _CCA_RIGHT,
            ("u", "v"),
        ),
    ),
}
