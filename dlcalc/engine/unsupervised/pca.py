"""Principal component analysis as in the slides: scatter matrix, SVD, projection, error.

Shapes: data X is n x d (one sample per row); S is d x d; components U^T is k x d (unit
rows); projections Y = Z U are n x k.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine._working import Working
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
from dlcalc.engine.unsupervised.common import (
    divisor as cov_divisor,
)
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Plot, Solution, Step, fmt


def pca(
    *,
    data: np.ndarray,
    k: int = 1,
    standardize: bool = False,
    ddof: int = 0,
    project: np.ndarray | None = None,
    exact: bool = False,
    plot: bool = False,
) -> Solution:
    """PCA of n samples in d dimensions, keeping k components.

    z_i = x_i - m (or (x_i - m) / s with ``standardize``, s the standard deviation with the
    same divisor as S); S = (1/n) sum_i z_i z_i^T (d x d; ``ddof=1``: 1/(n-1), the sample
    covariance); S = U Lambda U^T from the SVD of the symmetric S;
    components u_j (k x d, unit rows, largest-|.| entry positive); y_i = U^T z_i (n x k);
    explained_variance_ratio_j = lambda_j / tr(S);
    reconstruction_error = (1/n) sum_i ||z_i - U U^T z_i||^2 = lambda_{k+1} + ... + lambda_d
    (1/(n-1) with ``ddof=1``, so the equality holds).
    ``project``: a new point x (d values) -> y = U^T z, x_hat = m + (s *) U y.
    Named values, in computing order: mean, std, z, scatter, eigenvalues, components,
    projected, explained_variance_ratio, reconstruction_error.
    """
    x = data
    n, d = check_samples(x, "data")
    check_k(k, d, f"d = {d} columns of --data")
    if ddof not in (0, 1):
        raise InputError(f"--ddof: expected 0 (divide by n) or 1 (divide by n - 1), got {ddof}")
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
    w = Working()
    # the classic slips, consulted where they can show (a plain run uses none of them)
    divisor = cov_divisor(w, n, ddof)
    not_centred = w.slip("not-centred")
    unscaled = standardize and w.slip("standardize-forgotten")  # s found, never divided by
    smallest = k < d and w.slip("smallest-component")
    flipped = w.slip("component-sign")
    over = "n" if divisor == n else "(n-1)"
    ex: dict[str, Any] | None = None
    if exact and w.overrides is None and w.rule is None:  # the exact text is of a plain run
        from dlcalc.engine.unsupervised.exact import pca_exact

        ex = pca_exact(x, k=k, standardize=standardize, ddof=ddof)

    mean, z = centre(x, "data")
    mean = _kept(w, "mean", mean, (d,))
    z = x.astype(float) if not_centred else x - mean
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
        std = np.sqrt(np.sum(z**2, axis=0) / divisor)
        flat = np.flatnonzero(std <= 1e-12 * np.maximum(np.abs(mean), 1.0))
        if flat.size:
            raise InputError(
                f"--standardize: column {flat[0] + 1} of --data is constant "
                "(standard deviation 0), so it cannot be standardised"
            )
        std = _kept(w, "std", std, (d,))
        z = z if unscaled else z / std
        steps.append(
            Step(
                "Standard deviations",
                f"s_j = sqrt((1/{over}) sum_i (x_ij - m_j)^2)",
                f"s = {ex['std']}" if ex else "",
                std,
            )
        )
    z = _kept(w, "z", z, (n, d))
    steps.append(
        Step(
            "Standardised data" if standardize else "Centred data",
            "z_i = (x_i - m) / s" if standardize else "z_i = x_i - m",
            f"Z = {ex['z']}" if ex and not standardize and ex["z"] != fmt(z) else "",
            show(z),
        )
    )

    s_mat = scatter(z, "data", divisor)
    total = float(np.trace(s_mat))
    if total <= 0:
        raise ComputationError("--data: the variance underflows to 0; rescale the data")
    s_mat = clean(s_mat, total)
    kept = w.keep("scatter", s_mat)
    if kept is not s_mat:  # a student's own S: its trace sets the scale of round-off
        s_mat = np.asarray(kept, dtype=float).reshape(d, d)
        total = abs(float(np.trace(s_mat))) or total
    sub = (
        scatter_terms(z, z, "Z^T Z", symmetric=True, divisor=divisor)
        if not standardize
        else f"(1/{divisor}) Z^T Z"
    )
    if ex:
        sub += f"; S = {ex['scatter']}"
    steps.append(
        Step(
            "Scatter matrix",
            f"S = (1/{over}) sum_i z_i z_i^T",
            sub,
            show(s_mat),
        )
    )

    u_full, sv, _ = np.linalg.svd(s_mat)
    eig = clean(sv, total)
    eig = _kept(w, "eigenvalues", eig, (d,))
    vecs = u_full.T
    vecs = clean(vecs * sign_rule(vecs)[:, None], 1.0)
    chosen, comps = eig, vecs[:k]
    if smallest:  # the wrong end: the eigenvectors of the smallest eigenvalues
        chosen, comps = eig[::-1], vecs[::-1][:k]
    if flipped:
        comps = -comps + 0.0
    comps = _kept(w, "components", comps, (k, d))
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
                f"S {fmt(u1)} = {fmt(s_mat @ u1)} = {fmt(chosen[0])} * {fmt(u1)}",
                clean(s_mat @ u1, total),
            )
        )

    projected = clean(z @ comps.T, float(np.abs(z).max()))
    projected = _kept(w, "projected", projected, (n, k))
    terms = " + ".join(f"{fmt(a)}*{paren(b)}" for a, b in zip(comps[0], z[0], strict=True))
    steps.append(
        Step(
            "Projections",
            "y_i = U^T z_i (one row per sample, one column per component)",
            f"y_1,1 = u_1 . z_1 = {terms} = {fmt(projected[0, 0])}" if d <= SHOW_DIM else "Y = Z U",
            show(projected),
        )
    )
    var_y = clean(np.sum(projected**2, axis=0) / divisor, total)
    steps.append(
        Step(
            "Variance of each projection (maximised by PCA)",
            f"Var(y_j) = (1/{over}) sum_i y_ij^2 = u_j^T S u_j = lambda_j",
            _variance_terms(projected[:, 0], var_y, divisor),
            chosen[:k],
        )
    )
    ratio = chosen[:k] / eig.sum()
    ratio = _kept(w, "explained_variance_ratio", ratio, (k,))
    steps.append(
        Step(
            "Explained variance ratio",
            "r_j = lambda_j / (lambda_1 + ... + lambda_d) = lambda_j / tr(S)",
            "; ".join(f"r_{j + 1} = {fmt(chosen[j])}/{fmt(eig.sum())}" for j in range(min(k, 8)))
            + (f" = {', '.join(ex['ratio'])}" if ex and ex["ratio"] else ""),
            ratio,
        )
    )

    residual = z - projected @ comps
    error = float(np.sum(residual**2) / divisor)
    error = 0.0 if error < 1e-13 * total else error
    error = float(w.keep("reconstruction_error", error))
    discarded = float(chosen[k:].sum())
    steps.append(
        Step(
            "Reconstruction error (minimised by PCA)",
            f"E = (1/{over}) sum_i ||z_i - U U^T z_i||^2",
            "",
            error,
        )
    )
    dropped = " + ".join(fmt(v) for v in chosen[k:][:8]) + (" + ..." if d - k > 8 else "")
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
    if divisor == n:
        notes.append(f"S divides by n = {n} (ddof 0: the slides' 1/n); --ddof 1 divides by n - 1")
    else:
        notes.append(
            f"S divides by n - 1 = {divisor} (ddof 1: the sample covariance, as scikit-learn's "
            "explained_variance_); the slides' S divides by n (--ddof 0)"
        )
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
    return w.solution(result, steps=steps, notes=notes, plots=plots)


def _kept(w: Working, name: str, value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` named for checking and replay; a student's own value comes back as an
    array of ``shape`` (a plain run gets ``value`` itself, layout and all)."""
    kept = w.keep(name, value)
    return value if kept is value else np.asarray(kept, dtype=float).reshape(shape)


def _variance_terms(y1: np.ndarray, var_y: np.ndarray, divisor: int) -> str:
    if y1.size > 6:
        return f"Var(y) = {fmt(var_y)}"
    terms = " + ".join(f"{paren(v)}^2" for v in y1)
    return f"Var(y_1) = (1/{divisor})({terms}) = {fmt(var_y[0])}"


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
