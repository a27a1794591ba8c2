"""Exact working (fractions and surds) for small PCA and CCA problems, through SymPy.

Only for exam-sized inputs (at most ``MAX_POINTS`` samples in at most ``MAX_DIMS``
dimensions). SymPy objects are built from numbers with ``Rational``/``Integer`` only;
no user text ever reaches SymPy. SymPy is imported inside the functions.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from dlcalc.errors import InputError

MAX_POINTS = 6
MAX_DIMS = 3
_MAX_DENOMINATOR = 10**6


def check_small(n: int, dims: dict[str, int]) -> None:
    """Refuse --exact beyond exam sizes (the algebra grows quickly)."""
    big = {name: d for name, d in dims.items() if d > MAX_DIMS}
    if n > MAX_POINTS or big:
        shape = ", ".join(f"{name} has {d}" for name, d in dims.items())
        raise InputError(
            f"--exact: exact working is for small inputs (at most {MAX_POINTS} samples in at "
            f"most {MAX_DIMS} dimensions); got {n} samples ({shape} columns). Drop --exact"
        )


def rational_matrix(arr: np.ndarray, name: str) -> Any:
    """A float array -> a SymPy Matrix of Rationals (each entry a simple fraction)."""
    import sympy

    rows = []
    for row in np.atleast_2d(arr):
        out = []
        for v in row:
            f = Fraction(float(v)).limit_denominator(_MAX_DENOMINATOR)
            if abs(float(f) - float(v)) > 1e-12 * max(1.0, abs(float(v))):
                raise InputError(
                    f"--exact: {name}: {float(v)!r} is not a simple fraction; "
                    "exact working needs whole numbers, decimals or fractions like 1/3"
                )
            out.append(sympy.Rational(f.numerator, f.denominator))
        rows.append(out)
    return sympy.Matrix(rows)


def text(expr: Any) -> str:
    """A SymPy number as it would be written by hand: ``2 + sqrt(29)/4``, ``5/4``."""
    import sympy

    expr = sympy.nsimplify(sympy.radsimp(expr)) if expr.is_Rational is False else expr
    return str(expr).replace("**", "^")


def matrix_text(m: Any) -> str:
    return (
        "["
        + ", ".join("[" + ", ".join(text(v) for v in m.row(i)) + "]" for i in range(m.rows))
        + "]"
    )


def _eigenvalues(s: Any) -> tuple[list[Any] | None, str]:
    """Exact eigenvalues of a small symmetric matrix, descending (None when only
    trigonometric or complex radicals would express them) and the characteristic polynomial."""
    import sympy

    lam = sympy.Symbol("lambda")
    poly = s.charpoly(lam)
    roots = sympy.roots(poly)
    values = [sympy.simplify(r) for r, mult in roots.items() for _ in range(mult)]
    cp = str(poly.as_expr()).replace("**", "^")
    if len(values) != s.rows or any(v.has(sympy.I) for v in values):
        return None, cp
    values.sort(key=lambda v: float(v), reverse=True)
    return values, cp


def _null_vector(a: Any) -> Any:
    """A nonzero vector v with a v = 0 for a d x d matrix of rank d - 1 (d <= 3)."""
    import sympy

    d = a.rows
    if d == 1:
        return sympy.Matrix([1])
    if d == 2:
        cands = [sympy.Matrix([-a[i, 1], a[i, 0]]) for i in range(2)]
    else:
        rows = [a.row(i).T for i in range(3)]
        cands = [rows[i].cross(rows[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    return max(cands, key=lambda v: float(sum(abs(float(e)) for e in v)))


def _unit_signed(v: Any) -> list[Any]:
    """v / ||v||, flipped so the largest-|.| entry (first of near-ties) is positive."""
    import sympy

    norm = sympy.sqrt(sum(e**2 for e in v))
    u = [sympy.radsimp(sympy.simplify(e / norm)) for e in v]
    mags = [abs(float(e)) for e in u]
    top = max(mags)
    first = next(i for i, m in enumerate(mags) if m >= top * (1 - 1e-9))
    if float(u[first]) < 0:
        u = [-e for e in u]
    return u


def _same_sign(v: Any, u: list[Any]) -> bool:
    """True when v points the same way as the unit vector u (v = c u with c > 0)."""
    return sum(float(a) * float(b) for a, b in zip(v, u, strict=True)) > 0


def pca_exact(x: np.ndarray, *, k: int, standardize: bool, ddof: int = 0) -> dict[str, Any]:
    """Exact mean, centred data, S, eigenvalues, components, ratios and error (as text);
    S (and the standard deviations) divide by n - ddof."""
    import sympy

    n, d = x.shape
    check_small(n, {"--data": d})
    xm = rational_matrix(x, "--data")
    mean = sympy.Matrix([[sum(xm.col(j)) / n for j in range(d)]])
    z = xm - sympy.ones(n, 1) * mean
    std = None
    if standardize:
        std = [sympy.sqrt(sum(e**2 for e in z.col(j)) / (n - ddof)) for j in range(d)]
        z = sympy.Matrix(n, d, lambda i, j: z[i, j] / std[j])
    s = (z.T * z / (n - ddof)).applyfunc(sympy.simplify)
    eig, cp = _eigenvalues(s)
    notes = []
    comps = None
    if eig is None:
        notes.append(
            "--exact: the eigenvalues cannot be written with real radicals; "
            "they are given as decimals"
        )
    elif len({sympy.nsimplify(v) for v in eig[: k + 1]}) < min(k + 1, d):
        notes.append(
            "--exact: repeated eigenvalue, so exact eigenvectors are not unique; "
            "components are given as decimals"
        )
    else:
        dirs = [_null_vector(s - v * sympy.eye(d)) for v in eig[:k]]
        comps = [_unit_signed(v) for v in dirs]
        # each direction shown with the sign its unit vector ended up with
        dirs = [v if _same_sign(v, c) else -v for v, c in zip(dirs, comps, strict=True)]
    total = sum(s[j, j] for j in range(d))
    out: dict[str, Any] = {
        "mean": matrix_text(mean)[1:-1],
        "z": matrix_text(z),
        "std": "[" + ", ".join(text(v) for v in std) + "]" if std else "",
        "scatter": matrix_text(s),
        "charpoly": cp,
        "eigenvalues": [text(v) for v in eig] if eig else None,
        "components": [[text(e) for e in c] for c in comps] if comps else None,
        "directions": [[text(sympy.simplify(e)) for e in v] for v in dirs] if comps else None,
        "ratio": [text(sympy.simplify(v / total)) for v in eig[:k]] if eig else None,
        "error": text(sympy.simplify(sum(eig[k:], sympy.Integer(0)))) if eig else None,
        "notes": notes,
    }
    result: dict[str, Any] = {"scatter_exact": [[text(v) for v in s.row(i)] for i in range(d)]}
    if eig:
        result["eigenvalues_exact"] = out["eigenvalues"]
        result["explained_variance_ratio_exact"] = out["ratio"]
        result["reconstruction_error_exact"] = out["error"]
    if comps:
        result["components_exact"] = out["components"]
    out["result"] = result
    return out


def cca_exact(x: np.ndarray, y: np.ndarray, *, k: int, reg: float, ddof: int = 0) -> dict[str, Any]:
    """Exact S_xx, S_yy, S_xy and canonical correlations: rho^2 are the eigenvalues of
    S_xx^-1 S_xy S_yy^-1 S_yx (the squared singular values of S_xx^-1/2 S_xy S_yy^-1/2)."""
    import sympy

    n, p = x.shape
    q = y.shape[1]
    check_small(n, {"--x": p, "--y": q})
    xm, ym = rational_matrix(x, "--x"), rational_matrix(y, "--y")
    r = rational_matrix(np.array([[reg]]), "--reg")[0, 0]
    zx = xm - sympy.ones(n, 1) * sympy.Matrix([[sum(xm.col(j)) / n for j in range(p)]])
    zy = ym - sympy.ones(n, 1) * sympy.Matrix([[sum(ym.col(j)) / n for j in range(q)]])
    m_ = n - ddof  # the divisor: n (the slides) or n - 1
    sxx = zx.T * zx / m_ + r * sympy.eye(p)
    syy = zy.T * zy / m_ + r * sympy.eye(q)
    sxy = zx.T * zy / m_
    m = (sxx.inv() * sxy * syy.inv() * sxy.T).applyfunc(sympy.simplify)
    rho2, cp = _eigenvalues(m)
    notes = []
    corr = None
    if rho2 is None:
        notes.append("--exact: the squared correlations cannot be written with real radicals")
    else:
        corr = [sympy.radsimp(sympy.sqrt(sympy.Max(v, 0))) for v in rho2[:k]]
    out: dict[str, Any] = {
        "sxx": matrix_text(sxx),
        "syy": matrix_text(syy),
        "sxy": matrix_text(sxy),
        "m": matrix_text(m),
        "charpoly": cp,
        "rho2": [text(v) for v in rho2] if rho2 else None,
        "correlations": [text(v) for v in corr] if corr else None,
        "notes": notes,
    }
    result: dict[str, Any] = {
        "sxx_exact": [[text(v) for v in sxx.row(i)] for i in range(p)],
        "syy_exact": [[text(v) for v in syy.row(i)] for i in range(q)],
        "sxy_exact": [[text(v) for v in sxy.row(i)] for i in range(p)],
    }
    if corr:
        result["correlations_exact"] = out["correlations"]
    out["result"] = result
    return out
