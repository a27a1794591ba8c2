"""Principal component analysis as in the slides: scatter matrix, SVD, projection, error.

Shapes: data X is n x d (one sample per row); S is d x d; components U^T is k x d (unit
rows); projections Y = Z U are n x k.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine.unsupervised.common import (
    SHOW_DIM,
    centre,
    check_k,
    check_samples,
    clean,
    mean_terms,
    paren,
    scatter,
    scatter_terms,
    show,
    sign_rule,
)
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Plot, Solution, Step, fmt


def pca(
    *,
    data: np.ndarray,
    k: int = 1,
    standardize: bool = False,
    project: np.ndarray | None = None,
    exact: bool = False,
    plot: bool = False,
) -> Solution:
    """PCA of n samples in d dimensions, keeping k components.

    z_i = x_i - m (or (x_i - m) / s with ``standardize``, s the 1/n standard deviation);
    S = (1/n) sum_i z_i z_i^T (d x d); S = U Lambda U^T from the SVD of the symmetric S;
    components u_j (k x d, unit rows, largest-|.| entry positive); y_i = U^T z_i (n x k);
    explained_variance_ratio_j = lambda_j / tr(S);
    reconstruction_error = (1/n) sum_i ||z_i - U U^T z_i||^2 = lambda_{k+1} + ... + lambda_d.
    ``project``: a new point x (d values) -> y = U^T z, x_hat = m + (s *) U y.
    """
    x = data
    n, d = check_samples(x, "data")
    check_k(k, d, f"d = {d} columns of --data")
    if project is not None and project.shape != (d,):
        raise InputError(
            f"--project: expected {d} values (one per column of --data), got {project.size}"
        )
    if plot and d != 2:
        raise InputError(f"--plot: the plot is for 2-D data (d = 2), got d = {d}")
    if np.all(np.ptp(x, axis=0) == 0):
        raise InputError(
            "--data: all samples are identical (zero variance): there are no principal directions"
        )
    ex: dict[str, Any] | None = None
    if exact:
        from dlcalc.engine.unsupervised.exact import pca_exact

        ex = pca_exact(x, k=k, standardize=standardize)

    mean, z = centre(x, "data")
    steps = [
        Step(
            "Mean",
            "m = (1/n) sum_i x_i",
            mean_terms(x) + (f" = {ex['mean']}" if ex and ex["mean"] != fmt(mean) else ""),
            mean,
        )
    ]
    std = None
    if standardize:
        std = np.sqrt(np.mean(z**2, axis=0))
        flat = np.flatnonzero(std <= 1e-12 * np.maximum(np.abs(mean), 1.0))
        if flat.size:
            raise InputError(
                f"--standardize: column {flat[0] + 1} of --data is constant "
                "(standard deviation 0), so it cannot be standardised"
            )
        z = z / std
        steps.append(
            Step(
                "Standard deviations",
                "s_j = sqrt((1/n) sum_i (x_ij - m_j)^2)",
                f"s = {ex['std']}" if ex else "",
                std,
            )
        )
    steps.append(
        Step(
            "Standardised data" if standardize else "Centred data",
            "z_i = (x_i - m) / s" if standardize else "z_i = x_i - m",
            f"Z = {ex['z']}" if ex and not standardize and ex["z"] != fmt(z) else "",
            show(z),
        )
    )

    s_mat = scatter(z, "data")
    total = float(np.trace(s_mat))
    if total <= 0:
        raise ComputationError("--data: the variance underflows to 0; rescale the data")
    s_mat = clean(s_mat, total)
    sub = scatter_terms(z, z, "Z^T Z", symmetric=True) if not standardize else "(1/n) Z^T Z"
    if ex:
        sub += f"; S = {ex['scatter']}"
    steps.append(Step("Scatter matrix", "S = (1/n) sum_i z_i z_i^T", sub, show(s_mat)))

    u_full, sv, _ = np.linalg.svd(s_mat)
    eig = clean(sv, total)
    vecs = u_full.T
    vecs = clean(vecs * sign_rule(vecs)[:, None], 1.0)
    comps = vecs[:k]
    if d in (2, 3):
        steps.append(_charpoly_step(s_mat, eig, ex))
    steps.append(
        Step(
            "Eigenvalues by the SVD of S",
            "S = U Lambda U^T (S is symmetric PSD: singular values = eigenvalues, descending)",
            f"lambda = {', '.join(ex['eigenvalues'])}" if ex and ex["eigenvalues"] else "",
            eig,
        )
    )
    comp_sub = ""
    if ex and ex["components"]:
        comp_sub = "; ".join(
            f"(S - lambda_{j + 1} I) v = 0: v = [{', '.join(v)}], u_{j + 1} = v/||v|| = "
            f"[{', '.join(c)}]"
            for j, (v, c) in enumerate(zip(ex["directions"], ex["components"], strict=True))
        )
    steps.append(
        Step(
            "Principal components",
            "u_j = column j of U (unit length; sign: largest |entry| positive)",
            comp_sub,
            comps if d <= 2 * SHOW_DIM else show(comps),
        )
    )
    if d <= SHOW_DIM:
        u1 = comps[0]
        steps.append(
            Step(
                "Check: S u_1 = lambda_1 u_1",
                "S u_1 = lambda_1 u_1",
                f"S {fmt(u1)} = {fmt(s_mat @ u1)} = {fmt(eig[0])} * {fmt(u1)}",
                clean(s_mat @ u1, total),
            )
        )

    projected = clean(z @ comps.T, float(np.abs(z).max()))
    terms = " + ".join(f"{fmt(a)}*{paren(b)}" for a, b in zip(comps[0], z[0], strict=True))
    steps.append(
        Step(
            "Projections",
            "y_i = U^T z_i (one row per sample, one column per component)",
            f"y_1,1 = u_1 . z_1 = {terms} = {fmt(projected[0, 0])}" if d <= SHOW_DIM else "Y = Z U",
            show(projected),
        )
    )
    var_y = clean(np.mean(projected**2, axis=0), total)
    steps.append(
        Step(
            "Variance of each projection (maximised by PCA)",
            "Var(y_j) = (1/n) sum_i y_ij^2 = u_j^T S u_j = lambda_j",
            _variance_terms(projected[:, 0], var_y),
            eig[:k],
        )
    )
    ratio = eig[:k] / eig.sum()
    steps.append(
        Step(
            "Explained variance ratio",
            "r_j = lambda_j / (lambda_1 + ... + lambda_d) = lambda_j / tr(S)",
            "; ".join(f"r_{j + 1} = {fmt(eig[j])}/{fmt(eig.sum())}" for j in range(min(k, 8)))
            + (f" = {', '.join(ex['ratio'])}" if ex and ex["ratio"] else ""),
            ratio,
        )
    )

    residual = z - projected @ comps
    error = float(np.sum(residual**2) / n)
    error = 0.0 if error < 1e-13 * total else error
    discarded = float(eig[k:].sum())
    steps.append(
        Step(
            "Reconstruction error (minimised by PCA)",
            "E = (1/n) sum_i ||z_i - U U^T z_i||^2",
            "",
            error,
        )
    )
    dropped = " + ".join(fmt(v) for v in eig[k:][:8]) + (" + ..." if d - k > 8 else "")
    steps.append(
        Step(
            "Error = sum of the discarded eigenvalues",
            "E = lambda_{k+1} + ... + lambda_d = tr(S) - (lambda_1 + ... + lambda_k)",
            (dropped or "0 (k = d: nothing is discarded)")
            + (f" = {ex['error']}" if ex and ex["error"] else ""),
            discarded,
        )
    )

    result: dict[str, Any] = {
        "mean": mean,
        "scatter": s_mat,
        "eigenvalues": eig,
        "components": comps,
        "projected": projected,
        "explained_variance_ratio": ratio,
        "reconstruction_error": error,
    }
    if std is not None:
        result["std"] = std
    notes = [
        "maximising the variance of the projections and minimising the reconstruction error "
        "give the same U: tr(S) = (lambda_1 + ... + lambda_k) + E"
    ]
    if standardize:
        notes.append("with --standardize, S is the correlation matrix of the data")
    if k < d and np.isclose(eig[k - 1], eig[k], rtol=1e-9, atol=1e-12 * total):
        notes.append(
            f"lambda_{k} = lambda_{k + 1}: the best {k}-dimensional subspace is not unique"
        )
    if n <= d:
        notes.append(f"n = {n} <= d = {d}: at most n - 1 = {n - 1} eigenvalues are nonzero")
    if project is not None:
        steps += _project(project, mean, std, comps, result)
    if ex:
        result.update(ex["result"])
        notes += ex["notes"]
    plots = [_plot(x, mean, std, comps[0], projected[:, 0])] if plot else []
    return Solution(result=result, steps=steps, notes=notes, plots=plots)


def _variance_terms(y1: np.ndarray, var_y: np.ndarray) -> str:
    n = y1.size
    if n > 6:
        return f"Var(y) = {fmt(var_y)}"
    terms = " + ".join(f"{paren(v)}^2" for v in y1)
    return f"Var(y_1) = (1/{n})({terms}) = {fmt(var_y[0])}"


def _charpoly_step(s_mat: np.ndarray, eig: np.ndarray, ex: dict[str, Any] | None) -> Step:
    """The characteristic polynomial of a 2x2 or 3x3 S, as it is solved by hand."""
    tr = float(np.trace(s_mat))
    det = float(np.linalg.det(s_mat))
    if s_mat.shape[0] == 2:
        formula = (
            "det(S - lambda I) = lambda^2 - tr(S) lambda + det(S) = 0, "
            "lambda = (tr(S) +- sqrt(tr(S)^2 - 4 det(S)))/2"
        )
        sub = (
            f"lambda^2 - {fmt(tr)} lambda + {paren(det)} = 0, "
            f"lambda = ({fmt(tr)} +- sqrt({paren(tr)}^2 - 4*{paren(det)}))/2"
        )
    else:
        c2 = float(
            s_mat[0, 0] * s_mat[1, 1]
            - s_mat[0, 1] ** 2
            + s_mat[0, 0] * s_mat[2, 2]
            - s_mat[0, 2] ** 2
            + s_mat[1, 1] * s_mat[2, 2]
            - s_mat[1, 2] ** 2
        )
        formula = (
            "det(S - lambda I) = lambda^3 - tr(S) lambda^2 + c lambda - det(S) = 0, "
            "c = sum of the 2x2 principal minors"
        )
        sub = f"lambda^3 - {fmt(tr)} lambda^2 + {paren(c2)} lambda - {paren(det)} = 0"
    if ex and ex["charpoly"]:
        sub += f"; exactly: {ex['charpoly']} = 0"
    return Step("Characteristic polynomial", formula, sub, eig)


def _project(
    x_new: np.ndarray,
    mean: np.ndarray,
    std: np.ndarray | None,
    comps: np.ndarray,
    result: dict[str, Any],
) -> list[Step]:
    """Project a new point onto the components and map it back: the --project steps."""
    z = x_new - mean if std is None else (x_new - mean) / std
    size = float(np.abs(z).max())
    y = clean(comps @ z, size)
    z_hat = comps.T @ y
    x_hat = clean(mean + (z_hat if std is None else z_hat * std), float(np.abs(x_new).max()))
    err = float(np.sum((x_new - x_hat) ** 2))
    err = 0.0 if err < 1e-26 * max(float(np.sum((x_new - mean) ** 2)), 1e-300) else err
    result.update(projection=y, reconstruction=x_hat, projection_error=err)
    scale = "" if std is None else " / s"
    return [
        Step(
            "New point: projection",
            f"z = (x - m){scale}, y = U^T z",
            f"z = {fmt(z)}",
            y,
        ),
        Step(
            "New point: reconstruction",
            "x_hat = m + U y" if std is None else "x_hat = m + s * (U y)",
            f"U y = {fmt(z_hat)}",
            x_hat,
        ),
        Step(
            "New point: squared reconstruction error",
            "||x - x_hat||^2",
            " + ".join(f"{paren(v)}^2" for v in (x_new - x_hat)[:8]),
            err,
        ),
    ]


def _plot(
    x: np.ndarray, mean: np.ndarray, std: np.ndarray | None, u1: np.ndarray, y1: np.ndarray
) -> Plot:
    """Scatter of the points, the mean and the first principal axis through the mean."""
    reach = float(np.max(np.abs(y1))) or 1.0
    t = np.linspace(-reach, reach, 41)
    direction = u1 if std is None else u1 * std
    axis = mean + t[:, None] * direction
    return Plot(
        "PCA: data, mean and first principal axis",
        [
            ("points", x[:, 0], x[:, 1]),
            ("principal axis", axis[:, 0], axis[:, 1]),
            ("mean", [mean[0]], [mean[1]]),
        ],
        kind="scatter",
        xlabel="x1",
        ylabel="x2",
    )
