"""PCA engine: hand-worked examples (arithmetic in comments) and hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from surds import surd_value

from dlcalc.engine.unsupervised.pca import pca
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Plot

# The exam-style example: four points in 2-D.
#   x = (1,0), (2,3), (4,2), (5,3);  m = (12/4, 8/4) = (3, 2)
#   z = (-2,-2), (-1,1), (1,0), (2,1)
#   S11 = (4 + 1 + 1 + 4)/4 = 5/2,  S22 = (4 + 1 + 0 + 1)/4 = 3/2,
#   S12 = (4 - 1 + 0 + 2)/4 = 5/4
#   det(S - l I) = l^2 - 4 l + (15/4 - 25/16) = l^2 - 4 l + 35/16 = 0
#   l = (4 +- sqrt(16 - 35/4))/2 = (4 +- sqrt(29)/2)/2 = 2 +- sqrt(29)/4
#   (S - l1 I) v = 0, first row: (5/2 - l1) v1 + (5/4) v2 = 0  ->  v = (5/4, l1 - 5/2)
#   = (5/4, sqrt(29)/4 - 1/2), proportional to (5, sqrt(29) - 2)
DATA = np.array([[1.0, 0.0], [2.0, 3.0], [4.0, 2.0], [5.0, 3.0]])
Z = np.array([[-2.0, -2.0], [-1.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
R29 = math.sqrt(29)
L1, L2 = 2 + R29 / 4, 2 - R29 / 4
N1 = math.sqrt(5**2 + (R29 - 2) ** 2)  # = sqrt(58 - 4 sqrt(29))
U1 = np.array([5 / N1, (R29 - 2) / N1])  # largest entry (5/N1) already positive
U2 = np.array([-(R29 - 2) / N1, 5 / N1])  # perpendicular; largest |entry| 5/N1 positive


def test_hand_worked_2d_example():
    sol = pca(data=DATA, k=1)
    assert sol["mean"].tolist() == [3, 2]
    np.testing.assert_allclose(sol["scatter"], [[2.5, 1.25], [1.25, 1.5]], atol=1e-12)
    np.testing.assert_allclose(sol["eigenvalues"], [L1, L2], rtol=1e-12)
    np.testing.assert_allclose(sol["components"], [U1], rtol=1e-12)
    # y_i = u1 . z_i, e.g. y_1 = -2*(5 + sqrt(29) - 2)/N1 = -2(3 + sqrt(29))/N1
    np.testing.assert_allclose(sol["projected"][:, 0], Z @ U1, rtol=1e-12)
    assert sol["projected"][0, 0] == pytest.approx(-2 * (3 + R29) / N1)
    # ratio = l1 / tr(S) = (2 + sqrt(29)/4) / 4 = 1/2 + sqrt(29)/16 = 0.836573
    np.testing.assert_allclose(sol["explained_variance_ratio"], [0.5 + R29 / 16], rtol=1e-12)
    # error = discarded eigenvalue l2 = 2 - sqrt(29)/4 = 0.653709
    assert sol["reconstruction_error"] == pytest.approx(L2, rel=1e-12)


def test_hand_worked_working_shows_the_characteristic_polynomial():
    sol = pca(data=DATA, k=1)
    titles = [s.title for s in sol.steps]
    assert "Characteristic polynomial" in titles
    poly = sol.steps[titles.index("Characteristic polynomial")]
    assert "lambda^2 - 4 lambda + 2.1875 = 0" in poly.substituted  # 35/16 = 2.1875
    scat = sol.steps[titles.index("Scatter matrix")]
    assert "(1/4)((-2)*(-2) + (-1)*(-1) + 1*1 + 2*2)" in scat.substituted  # S11 by hand
    err = sol.steps[titles.index("Error = sum of the discarded eigenvalues")]
    assert err.value == pytest.approx(L2)


def test_hand_worked_exact():
    sol = pca(data=DATA, k=2, exact=True)
    assert sol["scatter_exact"] == [["5/2", "5/4"], ["5/4", "3/2"]]
    assert sol["eigenvalues_exact"] == ["sqrt(29)/4 + 2", "2 - sqrt(29)/4"]
    assert [surd_value(v) for v in sol["eigenvalues_exact"]] == pytest.approx([L1, L2], rel=1e-15)
    # ratio = (2 +- sqrt(29)/4)/4 = 1/2 +- sqrt(29)/16
    assert sol["explained_variance_ratio_exact"] == ["sqrt(29)/16 + 1/2", "1/2 - sqrt(29)/16"]
    # k = 2 keeps everything: nothing discarded
    assert sol["reconstruction_error_exact"] == "0"
    comps = [[surd_value(e) for e in row] for row in sol["components_exact"]]
    np.testing.assert_allclose(comps, [U1, U2], rtol=1e-12)
    steps = " ".join(s.substituted for s in sol.steps)
    assert "35/16" in steps and "sqrt(29)/4" in steps


def test_symmetric_example_rational_eigenvalues():
    # x = (1,1), (2,3), (3,2), (4,4); m = (2.5, 2.5); z = (-1.5,-1.5), (-.5,.5), (.5,-.5), (1.5,1.5)
    # S11 = S22 = (2.25 + .25 + .25 + 2.25)/4 = 5/4; S12 = (2.25 - .25 - .25 + 2.25)/4 = 1
    # l = 5/4 +- 1 = 9/4, 1/4; u1 = (1,1)/sqrt2, u2 = (1,-1)/sqrt2 (tie: first entry positive)
    x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [4.0, 4.0]])
    sol = pca(data=x, k=2, exact=True)
    np.testing.assert_allclose(sol["eigenvalues"], [2.25, 0.25], rtol=1e-12)
    h = 1 / math.sqrt(2)
    np.testing.assert_allclose(sol["components"], [[h, h], [h, -h]], rtol=1e-12)
    assert sol["eigenvalues_exact"] == ["9/4", "1/4"]
    assert sol["components_exact"] == [["sqrt(2)/2", "sqrt(2)/2"], ["sqrt(2)/2", "-sqrt(2)/2"]]
    np.testing.assert_allclose(sol["explained_variance_ratio"], [0.9, 0.1])  # 9/4 / (10/4)


def test_three_dimensional_exact():
    # z = (-1.5,-1.5,1), (-.5,.5,-1), (.5,-.5,-1), (1.5,1.5,1): the third column is orthogonal
    # to the first two, with variance (1+1+1+1)/4 = 1, so S = [[5/4,1,0],[1,5/4,0],[0,0,1]]
    # and the eigenvalues are 9/4, 1, 1/4 with eigenvectors (1,1,0)/sqrt2, (0,0,1), (1,-1,0)/sqrt2.
    x = np.array([[1.0, 1.0, 1.0], [2.0, 3.0, -1.0], [3.0, 2.0, -1.0], [4.0, 4.0, 1.0]])
    sol = pca(data=x, k=2, exact=True)
    np.testing.assert_allclose(sol["eigenvalues"], [2.25, 1.0, 0.25], atol=1e-12)
    assert sol["eigenvalues_exact"] == ["9/4", "1", "1/4"]
    assert sol["components_exact"] == [["sqrt(2)/2", "sqrt(2)/2", "0"], ["0", "0", "1"]]
    assert sol["reconstruction_error"] == pytest.approx(0.25)
    assert sol["reconstruction_error_exact"] == "1/4"


def test_three_dimensional_exact_without_closed_form():
    # S = [[5/2, 5/4, 1/4], [5/4, 3/2, 0], [1/4, 0, 5/4]] has three irrational real eigenvalues
    # (casus irreducibilis): the exact working keeps S and the polynomial, values stay decimal.
    x = np.array([[1.0, 0.0, 2.0], [2.0, 3.0, 1.0], [4.0, 2.0, 0.0], [5.0, 3.0, 3.0]])
    sol = pca(data=x, k=1, exact=True)
    assert sol["scatter_exact"][0] == ["5/2", "5/4", "1/4"]
    assert "eigenvalues_exact" not in sol
    assert any("real radicals" in n for n in sol.notes)
    assert sum(sol["eigenvalues"]) == pytest.approx(2.5 + 1.5 + 1.25)


def test_standardize_gives_correlation_matrix():
    # s = sqrt(5/2), sqrt(3/2); r = (5/4)/sqrt(15/4) = sqrt(15)/6; eigenvalues 1 +- r
    sol = pca(data=DATA, k=1, standardize=True)
    r = math.sqrt(15) / 6
    np.testing.assert_allclose(sol["scatter"], [[1, r], [r, 1]], rtol=1e-12)
    np.testing.assert_allclose(sol["eigenvalues"], [1 + r, 1 - r], rtol=1e-12)
    np.testing.assert_allclose(sol["std"], [math.sqrt(2.5), math.sqrt(1.5)], rtol=1e-12)
    h = 1 / math.sqrt(2)
    np.testing.assert_allclose(sol["components"], [[h, h]], rtol=1e-12)
    ex = pca(data=DATA, k=1, standardize=True, exact=True)
    assert ex["scatter_exact"] == [["1", "sqrt(15)/6"], ["sqrt(15)/6", "1"]]


def test_project_new_point():
    # x = (3,3): z = x - m = (0,1); y = u1 . z = (sqrt29 - 2)/N1; x_hat = m + y u1
    sol = pca(data=DATA, k=1, project=np.array([3.0, 3.0]))
    y = (R29 - 2) / N1
    np.testing.assert_allclose(sol["projection"], [y], rtol=1e-12)
    x_hat = np.array([3.0, 2.0]) + y * U1
    np.testing.assert_allclose(sol["reconstruction"], x_hat, rtol=1e-12)
    assert sol["projection_error"] == pytest.approx(float(np.sum((np.array([3, 3]) - x_hat) ** 2)))
    # the discarded part of z is its component along u2: error = (u2 . z)^2 = (5/N1)^2
    assert sol["projection_error"] == pytest.approx((5 / N1) ** 2)


def test_project_standardized_round_trip_with_all_components():
    sol = pca(data=DATA, k=2, standardize=True, project=np.array([7.0, -1.0]))
    np.testing.assert_allclose(sol["reconstruction"], [7.0, -1.0], atol=1e-12)
    assert sol["projection_error"] == pytest.approx(0.0, abs=1e-20)


def test_plot_for_2d():
    sol = pca(data=DATA, k=1, plot=True)
    (plot,) = sol.plots
    assert isinstance(plot, Plot) and plot.kind == "scatter"
    series = {label: (np.asarray(xs), np.asarray(ys)) for label, xs, ys in plot.series}
    assert series["points"][0].tolist() == [1, 2, 4, 5]
    assert series["mean"][0].tolist() == [3] and series["mean"][1].tolist() == [2]
    ax, ay = series["principal axis"]
    # the axis passes through the mean along u1: (x - 3, y - 2) parallel to (5, sqrt29 - 2)
    np.testing.assert_allclose((ax - 3) * (R29 - 2), (ay - 2) * 5, atol=1e-9)


@pytest.mark.parametrize(
    "x",
    [
        [[9e-222], [0.0]],  # the variance underflows
        [[1e200, 1.0], [-1e200, 2.0]],  # the scatter overflows
        [[1e308], [1.7e308]],  # the mean overflows
    ],
)
def test_extreme_values_are_computation_errors(x):
    with pytest.raises(ComputationError, match="--data"):
        pca(data=np.array(x))


def test_big_input_working_stays_compact():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 20))
    sol = pca(data=x, k=3)
    assert sol["projected"].shape == (500, 3)
    for step in sol.steps:
        value = step.value
        assert isinstance(value, str) or np.size(value) <= 60, step.title
        assert len(step.substituted) < 400, step.title


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"data": DATA, "k": 3}, "--k"),
        ({"data": np.array([[1.0, 2.0]])}, "--data"),
        ({"data": np.array([[1.0, 2.0], [1.0, 2.0]])}, "--data"),
        ({"data": DATA, "project": np.array([1.0, 2.0, 3.0])}, "--project"),
        ({"data": np.array([[1.0, 2.0], [1.0, 3.0]]), "standardize": True}, "--standardize"),
        ({"data": np.hstack([DATA, DATA]), "plot": True}, "--plot"),
        ({"data": np.arange(14.0).reshape(7, 2) ** 2, "exact": True}, "--exact"),
        ({"data": np.arange(8.0).reshape(2, 4) ** 2, "exact": True}, "--exact"),
        ({"data": DATA + 0.123456789, "exact": True}, "--exact"),
    ],
)
def test_bad_input(kwargs, flag):
    with pytest.raises(InputError, match=flag):
        pca(**kwargs)


# ---------------------------------------------------------------- properties


def _loop_scatter(x: np.ndarray) -> np.ndarray:
    """Independent reference: S = (1/n) sum_i (x_i - m)(x_i - m)^T with explicit loops."""
    n, d = x.shape
    m = [sum(x[i, j] for i in range(n)) / n for j in range(d)]
    s = np.zeros((d, d))
    for i in range(n):
        z = [x[i, j] - m[j] for j in range(d)]
        for a in range(d):
            for b in range(d):
                s[a, b] += z[a] * z[b] / n
    return s


@st.composite
def data_and_k(draw):
    n = draw(st.integers(2, 12))
    d = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, d), elements=st.floats(-100, 100, allow_subnormal=False)))
    k = draw(st.integers(1, d))
    return x, k


_PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPS
@given(data_and_k())
def test_properties(case):
    x, k = case
    if np.all(np.ptp(x, axis=0) == 0):
        with pytest.raises(InputError):
            pca(data=x, k=k)
        return
    s_ref = _loop_scatter(x)
    if np.trace(s_ref) < 1e-280:  # tiny values whose squares underflow
        with pytest.raises(ComputationError, match="--data"):
            pca(data=x, k=k)
        return
    sol = pca(data=x, k=k)
    scale = max(float(np.trace(s_ref)), 1e-300)
    tol = 1e-9 * scale
    np.testing.assert_allclose(sol["scatter"], s_ref, atol=tol)
    eig = sol["eigenvalues"]
    # eigenvalues: all d, descending, non-negative, summing to the trace of S
    assert eig.shape == (x.shape[1],)
    assert np.all(np.diff(eig) <= tol) and np.all(eig >= 0)
    assert eig.sum() == pytest.approx(np.trace(s_ref), abs=tol)
    # components: orthonormal rows satisfying S u = lambda u, largest |entry| positive
    c = sol["components"]
    np.testing.assert_allclose(c @ c.T, np.eye(k), atol=1e-9)
    np.testing.assert_allclose(c @ s_ref, eig[:k, None] * c, atol=1e-7 * scale)
    for row in c:
        big = np.abs(row).max()
        assert row[np.flatnonzero(np.abs(row) >= big * (1 - 1e-9))[0]] > 0
    # reconstruction error = sum of the discarded eigenvalues (= tr S - retained)
    assert sol["reconstruction_error"] == pytest.approx(eig[k:].sum(), abs=1e-8 * scale)
    assert sol["reconstruction_error"] >= 0
    ratio = sol["explained_variance_ratio"]
    assert np.all((ratio >= 0) & (ratio <= 1 + 1e-12)) and ratio.sum() <= 1 + 1e-9


@_PROPS
@given(st.integers(0, 2**32 - 1), st.integers(3, 30), st.integers(2, 6))
def test_projected_variance_is_the_eigenvalue(seed, n, d):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=d)
    sol = pca(data=x, k=d)
    y = sol["projected"]
    scale = float(np.trace(sol["scatter"]))
    # Var(y_j) = u_j^T S u_j = lambda_j, and the projections are uncorrelated
    np.testing.assert_allclose(y.T @ y / n, np.diag(sol["eigenvalues"]), atol=1e-9 * scale)
    assert sol["reconstruction_error"] == pytest.approx(0.0, abs=1e-9 * scale)
