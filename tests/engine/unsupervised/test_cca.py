"""CCA engine: hand-worked scatter matrices, independent references, hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from surds import surd_value

from dlcalc.engine.unsupervised.cca import cca
from dlcalc.errors import ComputationError, InputError

# Two views of five samples.
#   m_x = (15/5, 16/5) = (3, 3.2);  z_x = (-2,-1.2), (-1,-2.2), (0,0.8), (1,-0.2), (2,2.8)
#   m_y = (19/5, 15/5) = (3.8, 3);  z_y = (-1.8,-2), (-0.8,0), (-0.8,-1), (2.2,2), (1.2,1)
#   S_xx = [[(4+1+0+1+4)/5, (2.4+2.2+0-0.2+5.6)/5], [., (1.44+4.84+.64+.04+7.84)/5]]
#        = [[2, 2], [2, 2.96]]
#   S_yy = [[(3.24+.64+.64+4.84+1.44)/5, (3.6+0+.8+4.4+1.2)/5], [., (4+0+1+4+1)/5]]
#        = [[2.16, 2], [2, 2]]
#   S_xy = [[(3.6+.8+0+2.2+2.4)/5, (4+0+0+2+2)/5], [(2.16+1.76-.64-.44+3.36)/5, (2.4+0-.8-.4+2.8)/5]]
#        = [[1.8, 1.6], [1.24, 0.8]]
X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [5.0, 6.0]])
Y = np.array([[2.0, 1.0], [3.0, 3.0], [3.0, 2.0], [6.0, 5.0], [5.0, 4.0]])
SXX = np.array([[2.0, 2.0], [2.0, 2.96]])
SYY = np.array([[2.16, 2.0], [2.0, 2.0]])
SXY = np.array([[1.8, 1.6], [1.24, 0.8]])


def principal_angle_cosines(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Independent reference (Bjorck & Golub): cosines of the principal angles between the
    column spaces of the centred X and Y, from orthonormal bases by QR and an SVD."""
    qx, _ = np.linalg.qr(x - x.mean(axis=0))
    qy, _ = np.linalg.qr(y - y.mean(axis=0))
    return np.linalg.svd(qx.T @ qy, compute_uv=False)


def test_scalar_views_give_pearson_correlation():
    # x = 1,2,3,4; y = 2,1,4,3: z_x = (-1.5,-.5,.5,1.5), z_y = (-.5,-1.5,1.5,.5)
    # S_xx = S_yy = (2.25+.25+.25+2.25)/4 = 1.25; S_xy = (.75+.75+.75+.75)/4 = 0.75
    # rho = 0.75/1.25 = 0.6; u = v = 1/sqrt(1.25) (u^T S_xx u = 1)
    sol = cca(x=np.array([[1.0], [2.0], [3.0], [4.0]]), y=np.array([[2.0], [1.0], [4.0], [3.0]]))
    assert sol["sxx"].tolist() == [[1.25]] and sol["syy"].tolist() == [[1.25]]
    assert sol["sxy"].tolist() == [[0.75]]
    assert sol["correlations"].tolist() == pytest.approx([0.6])
    assert sol["u"][0, 0] == pytest.approx(1 / math.sqrt(1.25))
    assert sol["v"][0, 0] == pytest.approx(1 / math.sqrt(1.25))


def test_negative_correlation_flips_v_not_u():
    # y = -x: rho = 1, u > 0 by the sign rule, so v < 0 (u^T S_xy v = +1)
    x = np.array([[1.0], [2.0], [4.0]])
    sol = cca(x=x, y=-x)
    assert sol["correlations"][0] == pytest.approx(1.0)
    assert sol["u"][0, 0] > 0 > sol["v"][0, 0]


def test_hand_worked_scatter_matrices_and_correlations():
    sol = cca(x=X, y=Y, k=2)
    np.testing.assert_allclose(sol["sxx"], SXX, atol=1e-12)
    np.testing.assert_allclose(sol["syy"], SYY, atol=1e-12)
    np.testing.assert_allclose(sol["sxy"], SXY, atol=1e-12)
    # rho^2 are the eigenvalues of S_xx^-1 S_xy S_yy^-1 S_yx (a route without square roots)
    m = np.linalg.solve(SXX, SXY) @ np.linalg.solve(SYY, SXY.T)
    rho = np.sqrt(np.sort(np.linalg.eigvals(m).real)[::-1])
    np.testing.assert_allclose(sol["correlations"], rho, rtol=1e-10)
    np.testing.assert_allclose(sol["correlations"], principal_angle_cosines(X, Y), rtol=1e-10)
    u, v = sol["u"], sol["v"]
    np.testing.assert_allclose(u.T @ SXX @ u, np.eye(2), atol=1e-10)
    np.testing.assert_allclose(v.T @ SYY @ v, np.eye(2), atol=1e-10)
    np.testing.assert_allclose(u.T @ SXY @ v, np.diag(rho), atol=1e-10)


def test_hand_worked_exact():
    # S_xx = [[2, 2], [2, 74/25]], S_yy = [[54/25, 2], [2, 2]], S_xy = [[9/5, 8/5], [31/25, 4/5]]
    sol = cca(x=X, y=Y, k=2, exact=True)
    assert sol["sxx_exact"] == [["2", "2"], ["2", "74/25"]]
    assert sol["syy_exact"] == [["54/25", "2"], ["2", "2"]]
    assert sol["sxy_exact"] == [["9/5", "8/5"], ["31/25", "4/5"]]
    exact = [surd_value(s) for s in sol["correlations_exact"]]
    np.testing.assert_allclose(exact, sol["correlations"], rtol=1e-12)
    # rho^2 = eigenvalues of S_xx^-1 S_xy S_yy^-1 S_yx with the fractions above: the roots of
    # 600 l^2 - 884 l + 289 = 0, l = (884 +- sqrt(884^2 - 4*600*289))/1200
    # = (884 +- sqrt(87856))/1200 = (884 +- 68 sqrt(19))/1200 = (221 +- 17 sqrt(19))/300;
    # rho = sqrt(0.983671) = 0.991802 and sqrt(0.489662) = 0.699759
    assert "sqrt(19)" in sol["correlations_exact"][0]
    rho = [math.sqrt((221 + s * 17 * math.sqrt(19)) / 300) for s in (1, -1)]
    np.testing.assert_allclose(exact, rho, rtol=1e-12)


def test_regularisation_adds_ridge_and_lowers_correlation():
    plain = cca(x=X, y=Y)
    ridge = cca(x=X, y=Y, reg=0.5)
    np.testing.assert_allclose(ridge["sxx"], SXX + 0.5 * np.eye(2), atol=1e-12)
    assert ridge["correlations"][0] < plain["correlations"][0]
    u = ridge["u"][:, 0]
    assert u @ (SXX + 0.5 * np.eye(2)) @ u == pytest.approx(1.0)


def test_singular_sxx_suggests_reg():
    x = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]])  # second column = 2 * first
    y = np.array([[1.0], [3.0], [2.0], [5.0]])
    with pytest.raises(ComputationError, match="--reg") as info:
        cca(x=x, y=y)
    assert "condition number" in str(info.value) and "--x" in str(info.value)
    sol = cca(x=x, y=y, reg=1e-3)
    assert 0 <= sol["correlations"][0] <= 1


def test_constant_y_column_is_singular():
    with pytest.raises(ComputationError, match="--y"):
        cca(x=X, y=np.column_stack([Y[:, 0], np.ones(5)]))


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"x": X, "y": Y[:4]}, "--y"),
        ({"x": X, "y": Y, "k": 3}, "--k"),
        ({"x": X[:1], "y": Y[:1]}, "--x"),
        ({"x": np.vstack([X, X]), "y": np.vstack([Y, Y + 1]), "exact": True}, "--exact"),
        ({"x": X + 0.123456789, "y": Y, "exact": True}, "--exact"),
    ],
)
def test_bad_input(kwargs, flag):
    with pytest.raises(InputError, match=flag):
        cca(**kwargs)


# ---------------------------------------------------------------- properties


@st.composite
def two_views(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    p, q = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    n = draw(st.integers(p + q + 2, 40))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * rng.uniform(0.1, 10, size=p) + rng.normal(size=p) * 5
    mix = rng.normal(size=(p, q)) * draw(st.floats(0, 2))
    y = x @ mix + rng.normal(size=(n, q))
    k = draw(st.integers(1, min(p, q)))
    return x, y, k


_PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPS
@given(two_views())
def test_properties(case):
    x, y, k = case
    sol = cca(x=x, y=y, k=k)
    rho = sol["correlations"]
    assert rho.shape == (k,)
    assert np.all((rho >= 0) & (rho <= 1)) and np.all(np.diff(rho) <= 1e-12)
    # equal to the cosines of the principal angles between the centred column spaces
    np.testing.assert_allclose(rho, principal_angle_cosines(x, y)[:k], atol=1e-8)
    # constraints: U^T S_xx U = I, V^T S_yy V = I, U^T S_xy V = diag(rho)
    u, v = sol["u"], sol["v"]
    np.testing.assert_allclose(u.T @ sol["sxx"] @ u, np.eye(k), atol=1e-8)
    np.testing.assert_allclose(v.T @ sol["syy"] @ v, np.eye(k), atol=1e-8)
    np.testing.assert_allclose(u.T @ sol["sxy"] @ v, np.diag(rho), atol=1e-8)
    # sign rule: each u column's largest |entry| is positive
    for col in u.T:
        big = np.abs(col).max()
        assert col[np.flatnonzero(np.abs(col) >= big * (1 - 1e-9))[0]] > 0


@_PROPS
@given(two_views(), st.floats(0.01, 100), st.booleans(), st.data())
def test_invariant_to_scaling_a_column_of_x(case, factor, negate, data):
    x, y, k = case
    j = data.draw(st.integers(0, x.shape[1] - 1))
    scaled = x.copy()
    scaled[:, j] *= -factor if negate else factor
    a, b = cca(x=x, y=y, k=k), cca(x=scaled, y=y, k=k)
    np.testing.assert_allclose(a["correlations"], b["correlations"], atol=1e-8)
