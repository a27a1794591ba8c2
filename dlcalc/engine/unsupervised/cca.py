"""Canonical correlation analysis as in the slides: scatter matrices, whitening, SVD.

Shapes: X is n x p, Y is n x q (the same n samples in both views); S_xx p x p, S_yy q x q,
S_xy p x q; U is p x k, V is q x k.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.unsupervised.common import (
    centre,
    check_k,
    check_samples,
    clean,
    cross_scatter,
    mean_terms,
    scatter,
    scatter_terms,
    show,
    sign_rule,
)
from dlcalc.engine.unsupervised.common import (
    divisor as cov_divisor,
)
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, fmt

MAX_CONDITION = 1e10  # beyond this S^-1/2 amplifies round-off too much to trust


def cca(
    *,
    x: np.ndarray,
    y: np.ndarray,
    k: int = 1,
    reg: float = 0.0,
    ddof: int = 0,
    exact: bool = False,
) -> Solution:
    """CCA of two views of n samples, keeping k canonical pairs.

    S_xx = (1/n) sum (x_i - m_x)(x_i - m_x)^T + reg I (p x p), S_yy likewise (q x q),
    S_xy = (1/n) sum (x_i - m_x)(y_i - m_y)^T (p x q);
    S_xx^-1/2 S_xy S_yy^-1/2 = W_u D W_v^T; correlations = diag(D)[:k] (descending);
    U = S_xx^-1/2 W_u[:, :k] (p x k), V = S_yy^-1/2 W_v[:, :k] (q x k), so that
    u^T S_xx u = v^T S_yy v = 1 and u^T S_xy v = rho. Sign: each u column's largest-|.|
    entry positive, its v column flipped with it. ``ddof=1``: S_xx, S_yy, S_xy divide by
    n - 1 (the correlations do not change unless reg > 0; U and V scale by sqrt((n-1)/n)).
    Named values, in computing order: mean_x, mean_y, sxx, syy, sxy, correlations, u, v.
    """
    n, p = check_samples(x, "x")
    if y.shape[0] != n:
        raise InputError(f"--y: expected {n} rows (the same samples as --x), got {y.shape[0]}")
    q = y.shape[1]
    check_k(k, min(p, q), f"min(p, q) for p = {p} columns of --x and q = {q} of --y")
    if ddof not in (0, 1):
        raise InputError(f"--ddof: expected 0 (divide by n) or 1 (divide by n - 1), got {ddof}")
    w = Working()
    # the classic slips, consulted where they can show (a plain run uses none of them)
    divisor = cov_divisor(w, n, ddof)
    not_centred = w.slip("not-centred")
    if reg and w.slip("no-reg"):
        reg = 0.0
    unwhitened = w.slip("no-whitening")
    uv_unwhitened = w.slip("uv-not-whitened")
    over = "n" if divisor == n else "(n-1)"

    (mx, zx), (my, zy) = centre(x, "x"), centre(y, "y")
    mx, my = _kept(w, "mean_x", mx, (p,)), _kept(w, "mean_y", my, (q,))
    zx = x.astype(float) if not_centred else x - mx
    zy = y.astype(float) if not_centred else y - my
    sxx = _kept(w, "sxx", scatter(zx, "x", divisor) + reg * np.eye(p), (p, p))
    syy = _kept(w, "syy", scatter(zy, "y", divisor) + reg * np.eye(q), (q, q))
    sxy = _kept(w, "sxy", cross_scatter(zx, zy, "x", divisor), (p, q))
    with np.errstate(over="ignore"):  # a trace of variances near 1e308 overflows
        traces = [float(np.trace(sxx)), float(np.trace(syy))]
    scale = max(*(t if np.isfinite(t) else np.finfo(float).max for t in traces), 1e-300)
    sxx_is, wx = _inv_sqrt(sxx, "x", "S_xx")
    syy_is, wy = _inv_sqrt(syy, "y", "S_yy")
    ex: dict[str, Any] | None = None
    if exact and w.overrides is None and w.rule is None:  # the exact text is of a plain run
        from dlcalc.engine.unsupervised.exact import cca_exact

        ex = cca_exact(x, y, k=k, reg=reg, ddof=ddof)

    ridge = " + reg I" if reg else ""
    steps = [
        Step("Mean of x", "m_x = (1/n) sum_i x_i", mean_terms(x), mx),
        Step("Mean of y", "m_y = (1/n) sum_i y_i", mean_terms(y, "y"), my),
        Step(
            "S_xx",
            f"S_xx = (1/{over}) sum_i (x_i - m_x)(x_i - m_x)^T{ridge}",
            _sub(
                scatter_terms(zx, zx, "Z_x^T Z_x", True, "S_xx", divisor),
                reg,
                ex and f"S_xx = {ex['sxx']}",
            ),
            show(sxx),
        ),
        Step(
            "S_yy",
            f"S_yy = (1/{over}) sum_i (y_i - m_y)(y_i - m_y)^T{ridge}",
            _sub(
                scatter_terms(zy, zy, "Z_y^T Z_y", True, "S_yy", divisor),
                reg,
                ex and f"S_yy = {ex['syy']}",
            ),
            show(syy),
        ),
        Step(
            "S_xy",
            f"S_xy = (1/{over}) sum_i (x_i - m_x)(y_i - m_y)^T",
            _sub(
                scatter_terms(zx, zy, "Z_x^T Z_y", False, "S_xy", divisor),
                0,
                ex and f"S_xy = {ex['sxy']}",
            ),
            show(sxy),
        ),
        Step(
            "S_xx^-1/2",
            "S_xx = Q diag(w) Q^T (eigen-decomposition), S_xx^-1/2 = Q diag(1/sqrt(w)) Q^T",
            f"w = {fmt(wx)}, condition number {fmt(wx.max() / wx.min(), 4)}",
            show(clean(sxx_is, 1.0)),
        ),
        Step(
            "S_yy^-1/2",
            "S_yy = Q diag(w) Q^T, S_yy^-1/2 = Q diag(1/sqrt(w)) Q^T",
            f"w = {fmt(wy)}, condition number {fmt(wy.max() / wy.min(), 4)}",
            show(clean(syy_is, 1.0)),
        ),
    ]
    m = sxy if unwhitened else sxx_is @ sxy @ syy_is
    steps.append(Step("Whitened cross-scatter", "M = S_xx^-1/2 S_xy S_yy^-1/2", "", show(m)))
    wu, dvals, wvt = np.linalg.svd(m, full_matrices=False)
    dvals = clean(dvals, 1.0) if unwhitened else np.clip(clean(dvals, 1.0), 0.0, 1.0)
    small = max(p, q) <= 4
    steps.append(
        Step(
            "SVD",
            "M = W_u D W_v^T (singular values descending)",
            f"W_u = {fmt(wu)}, W_v = {fmt(wvt.T)}" if small else "",
            dvals,
        )
    )
    corr = _kept(w, "correlations", dvals[:k], (k,))
    corr_sub = ""
    if ex:
        corr_sub += (
            f"rho^2 are the eigenvalues of S_xx^-1 S_xy S_yy^-1 S_yx = {ex['m']}: "
            f"{ex['charpoly']} = 0"
        )
        if ex["correlations"]:
            corr_sub += f", so rho = {', '.join(ex['correlations'])}"
    steps.append(Step("Canonical correlations", "rho_j = D_jj", corr_sub, corr))

    if unwhitened or uv_unwhitened:  # the whitening not undone: U = W_u, V = W_v
        u, v = wu[:, :k], wvt.T[:, :k]
    else:
        u = sxx_is @ wu[:, :k]
        v = syy_is @ wvt.T[:, :k]
    signs = sign_rule(u.T)
    u, v = u * signs, v * signs
    u, v = _kept(w, "u", u, (p, k)), _kept(w, "v", v, (q, k))
    steps += [
        Step(
            "Projection matrix U",
            "U = S_xx^-1/2 W_u[:, 1:k] (sign: largest |entry| of each column positive)",
            "",
            show(u),
        ),
        Step(
            "Projection matrix V",
            "V = S_yy^-1/2 W_v[:, 1:k] (columns flipped with U's)",
            "",
            show(v),
        ),
    ]
    u1, v1 = u[:, 0], v[:, 0]
    steps.append(
        Step(
            "Check: constraints and correlation of the first pair",
            "u_1^T S_xx u_1 = 1, v_1^T S_yy v_1 = 1, corr = u_1^T S_xy v_1 = rho_1",
            f"u_1^T S_xx u_1 = {fmt(u1 @ sxx @ u1)}, v_1^T S_yy v_1 = {fmt(v1 @ syy @ v1)}",
            float(u1 @ sxy @ v1),
        )
    )
    result: dict[str, Any] = {
        "sxx": clean(sxx, scale),
        "syy": clean(syy, scale),
        "sxy": clean(sxy, scale),
        "correlations": corr,
        "u": u,
        "v": v,
    }
    notes = [
        f"S_xx, S_yy, S_xy divide by n = {n} (ddof 0: the slides' 1/n); --ddof 1 divides by n - 1"
        if divisor == n
        else f"S_xx, S_yy, S_xy divide by n - 1 = {divisor} (ddof 1: sample covariances); "
        "the slides divide by n (--ddof 0)"
    ]
    if reg:
        notes.append(f"with --reg {fmt(reg)}, the constraint is u^T (S_xx + reg I) u = 1")
    if corr[0] > 1 - 1e-9:
        notes.append("a canonical correlation of 1: a combination of x equals one of y exactly")
    if ex:
        result.update(ex["result"])
        notes += ex["notes"]
    return w.solution(result, steps=steps, notes=notes)


def _kept(w: Working, name: str, value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` named for checking and replay (a student's own matrix, reshaped)."""
    kept = w.keep(name, value)
    return value if kept is value else np.asarray(kept, dtype=float).reshape(shape)


def _sub(terms: str, reg: float, exact: str | None) -> str:
    text = terms + (f" + {fmt(reg)} I" if reg else "")
    return f"{text}; {exact}" if exact else text


def _inv_sqrt(s: np.ndarray, name: str, label: str) -> tuple[np.ndarray, np.ndarray]:
    """S^-1/2 of a symmetric PSD matrix and its eigenvalues (descending).

    Raises ComputationError when S is singular or its condition number exceeds
    ``MAX_CONDITION`` (n <= p, a constant column, or collinear columns).
    """
    w, qmat = np.linalg.eigh(s)
    top, low = float(w.max()), float(w.min())
    if top <= 0 or low <= top / MAX_CONDITION:
        cond = "infinite" if low <= 0 else f"{top / low:.3g}"
        raise ComputationError(
            f"--{name}: {label} is singular or ill-conditioned (condition number {cond}): "
            f"a column of --{name} is constant or a combination of others, or there are "
            "too few samples; add a ridge, e.g. --reg 1e-3"
        )
    return (qmat / np.sqrt(w)) @ qmat.T, w[::-1]
