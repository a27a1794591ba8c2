"""pca and cca: --ddof, misconceptions and follow-through, each worked by hand (values not
from the code) or taken from a published tutorial."""

from __future__ import annotations

import math

import numpy as np
import pytest
from slips import under  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch, replaying
from dlcalc.engine.unsupervised.mistakes import MISTAKES


def close(a, b, tol=1e-12) -> bool:
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=0, atol=tol)


def test_answer_keys():
    assert ops.get("pca").answers == ("components", "eigenvalues")
    assert ops.get("cca").answers == ("correlations",)


# ---------------------------------------------------------------- pca --ddof
# Lindsay I. Smith, "A tutorial on Principal Components Analysis" (2002), section 3.1:
# the covariance (n - 1) of these 10 points and its eigenvalues as published.
SMITH = {
    "data": "2.5,2.4; 0.5,0.7; 2.2,2.9; 1.9,2.2; 3.1,3.0; 2.3,2.7; 2,1.6; 1,1.1; 1.5,1.6; 1.1,0.9"
}
SMITH_COV = [[0.616555556, 0.615444444], [0.615444444, 0.716555556]]
SMITH_EIG = [1.28402771, 0.0490833989]
SMITH_U1 = [0.677873399, 0.735178656]  # published as -0.677873399, -0.735178656: sign rule


def test_pca_ddof_1_reproduces_the_published_covariance_and_eigenvalues():
    sol = ops.run("pca", {**SMITH, "ddof": 1})
    assert close(sol["scatter"], SMITH_COV, 5e-10)  # published to 9 decimals
    assert sol["eigenvalues"][0] == pytest.approx(SMITH_EIG[0], abs=5e-9)
    assert sol["eigenvalues"][1] == pytest.approx(SMITH_EIG[1], abs=5e-11)
    assert close(sol["components"], [SMITH_U1], 5e-10)
    assert any("n - 1 = 9" in note for note in sol.notes)  # the working states its divisor


def test_pca_ddof_0_is_the_slides_1_over_n_default():
    # 1/n = 9/10 of the n - 1 figures: S11 = 0.9*0.616555556 = 0.554900000,
    # lambda_1 = 0.9*1.28402771 = 1.155624939
    sol = ops.run("pca", SMITH)
    assert close(sol["scatter"], 0.9 * np.array(SMITH_COV), 5e-10)
    assert sol["eigenvalues"][0] == pytest.approx(0.9 * SMITH_EIG[0], abs=5e-9)
    assert sol["eigenvalues"][1] == pytest.approx(0.9 * SMITH_EIG[1], abs=5e-11)
    assert close(sol["components"], [SMITH_U1], 5e-10)  # the directions do not change
    assert any("n = 10" in note for note in sol.notes)
    assert ops.run("pca", {**SMITH, "ddof": 0})["scatter"].tolist() == sol["scatter"].tolist()


def test_pca_ddof_must_be_0_or_1():
    from dlcalc.errors import InputError

    with pytest.raises(InputError, match="--ddof"):
        ops.run("pca", {**SMITH, "ddof": 2})


def test_pca_the_wrong_divisor_both_ways():
    # ddof 0 asked, n - 1 used: the published figures; ddof 1 asked, n used: 9/10 of them
    _, slip = under("pca", "sample-cov", SMITH)
    assert close(slip["scatter"], SMITH_COV, 5e-10)
    _, slip = under("pca", "population-cov", {**SMITH, "ddof": 1})
    assert close(slip["scatter"], 0.9 * np.array(SMITH_COV), 5e-10)
    assert slip["eigenvalues"][0] == pytest.approx(0.9 * SMITH_EIG[0], abs=5e-9)


# ---------------------------------------------------------------- pca misconceptions
# x = (1,0), (2,3), (4,2), (5,3); m = (3, 2); z = (-2,-2), (-1,1), (1,0), (2,1)
# S = [[10/4, 5/4], [5/4, 6/4]] = [[2.5, 1.25], [1.25, 1.5]]; lambda = 2 +- sqrt(29)/4
DATA = {"data": "1,0; 2,3; 4,2; 5,3"}
Z = np.array([[-2.0, -2.0], [-1.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
R29 = math.sqrt(29)
L1, L2 = 2 + R29 / 4, 2 - R29 / 4
N1 = math.sqrt(5**2 + (R29 - 2) ** 2)
U1 = np.array([5 / N1, (R29 - 2) / N1])
U2 = np.array([-(R29 - 2) / N1, 5 / N1])


def test_pca_divided_by_n_minus_1_on_the_exam_example():
    # S = (1/3) [[10, 5], [5, 6]] = [[10/3, 5/3], [5/3, 2]]; lambda = (4/3)(2 +- sqrt(29)/4)
    plain, slip = under("pca", "sample-cov", DATA)
    assert close(plain["scatter"], [[2.5, 1.25], [1.25, 1.5]])
    assert close(slip["scatter"], [[10 / 3, 5 / 3], [5 / 3, 2]])
    assert close(slip["eigenvalues"], [4 / 3 * L1, 4 / 3 * L2])


def test_pca_data_not_centred():
    # S = (1/4) X^T X: S11 = (1 + 4 + 16 + 25)/4 = 11.5, S22 = (0 + 9 + 4 + 9)/4 = 5.5,
    # S12 = (0 + 6 + 8 + 15)/4 = 7.25; tr 17, det 63.25 - 52.5625 = 10.6875,
    # lambda = (17 +- sqrt(289 - 42.75))/2 = (17 +- sqrt(246.25))/2
    _, slip = under("pca", "not-centred", DATA)
    assert close(slip["scatter"], [[11.5, 7.25], [7.25, 5.5]])
    r = math.sqrt(246.25)
    assert close(slip["eigenvalues"], [(17 + r) / 2, (17 - r) / 2])


def test_pca_smallest_eigenvalue_component():
    # u = the eigenvector of lambda_2: U2; ratio = lambda_2 / 4; error = lambda_1 (discarded)
    plain, slip = under("pca", "smallest-component", DATA)
    assert close(plain["components"], [U1])
    assert close(slip["components"], [U2])
    assert close(slip["explained_variance_ratio"], [L2 / 4])
    assert slip["reconstruction_error"] == pytest.approx(L1, rel=1e-12)
    assert close(slip["eigenvalues"], [L1, L2])  # the eigenvalues themselves are right


def test_pca_component_sign():
    # -u_1, so every projection flips sign: y = -Z u_1
    _, slip = under("pca", "component-sign", DATA)
    assert close(slip["components"], [-U1])
    assert close(slip["projected"][:, 0], -(Z @ U1))


def test_pca_standardize_forgotten():
    # standardised: S is the correlation matrix [[1, r], [r, 1]], r = 1.25/sqrt(2.5*1.5)
    # = 1.25/sqrt(3.75) = 0.645497, eigenvalues 1 +- r; the slip gives the covariance S
    args = {**DATA, "standardize": True}
    plain, slip = under("pca", "standardize-forgotten", args)
    r = 1.25 / math.sqrt(3.75)
    assert close(plain["scatter"], [[1, r], [r, 1]])
    assert close(plain["eigenvalues"], [1 + r, 1 - r])
    assert close(slip["scatter"], [[2.5, 1.25], [1.25, 1.5]])
    assert close(slip["eigenvalues"], [L1, L2])
    assert "standardize-forgotten" not in ops.run("pca", DATA).slips


def test_pca_follow_through_mean_scatter_eigenvalues():
    # the student's mean (3, 1): z = (-2,-1), (-1,2), (1,1), (2,2);
    # S11 = (4+1+1+4)/4 = 2.5, S22 = (1+4+1+4)/4 = 2.5, S12 = (2-2+1+4)/4 = 1.25;
    # lambda = 2.5 +- 1.25 = 3.75, 1.25; u_1 = (1, 1)/sqrt(2)
    with replaying({"mean": Patch([((1,), 1.0)])}):
        sol = ops.run("pca", DATA)
    assert close(sol["scatter"], [[2.5, 1.25], [1.25, 2.5]])
    assert close(sol["eigenvalues"], [3.75, 1.25])
    assert close(sol["components"], [[1 / math.sqrt(2), 1 / math.sqrt(2)]])
    # the student's S = [[2, 1], [1, 2]]: lambda = 3, 1; u_1 = (1, 1)/sqrt(2); ratio 3/4
    with replaying({"scatter": [[2.0, 1.0], [1.0, 2.0]]}):
        sol = ops.run("pca", DATA)
    assert close(sol["eigenvalues"], [3, 1])
    assert close(sol["components"], [[1 / math.sqrt(2), 1 / math.sqrt(2)]])
    assert close(sol["explained_variance_ratio"], [0.75])
    # the student's eigenvalues 3, 1 with the right S: ratio = 3/(3 + 1) = 0.75
    with replaying({"eigenvalues": [3.0, 1.0]}):
        sol = ops.run("pca", DATA)
    assert close(sol["explained_variance_ratio"], [0.75])
    assert close(sol["components"], [U1])


def test_every_pca_mistake_is_consulted_and_changes_its_keys():
    ids = {m.id: m for m in MISTAKES["pca"]}
    assert len(ids) >= 3
    seen = set()
    for args in ({**DATA, "standardize": True}, {**DATA, "ddof": 1}):
        sol = ops.run("pca", args)
        for rule in set(sol.slips) & set(ids):
            other = sol.replay(rule=rule)
            keys = [key for key in ids[rule].keys if key in sol.result and key in other.result]
            assert any(not close(other[key], sol[key], 1e-9) for key in keys), rule
            seen.add(rule)
    assert seen == set(ids)


# ---------------------------------------------------------------- cca
# x = 1, 2, 3; y = 1, 3, 2 (n = 3): m_x = m_y = 2; z_x = -1, 0, 1; z_y = -1, 1, 0
# S_xx = 2/3, S_yy = 2/3, S_xy = (1 + 0 + 0)/3 = 1/3; rho = (1/3)/(2/3) = 0.5
# u = S_xx^-1/2 = sqrt(3/2) = 1.224745, v = sqrt(3/2)
CCA = {"x": "1;2;3", "y": "1;3;2"}
S32 = math.sqrt(1.5)


def test_cca_plain_and_ddof_1():
    sol = ops.run("cca", CCA)
    assert close(sol["sxx"], [[2 / 3]]) and close(sol["sxy"], [[1 / 3]])
    assert close(sol["correlations"], [0.5])
    assert close(sol["u"], [[S32]]) and close(sol["v"], [[S32]])
    # ddof 1: S_xx = 2/2 = 1, S_xy = 1/2; rho = 0.5 (unchanged); u = v = 1
    sol = ops.run("cca", {**CCA, "ddof": 1})
    assert close(sol["sxx"], [[1]]) and close(sol["sxy"], [[0.5]])
    assert close(sol["correlations"], [0.5])
    assert close(sol["u"], [[1]]) and close(sol["v"], [[1]])


def test_cca_the_wrong_divisor_both_ways():
    _, slip = under("cca", "sample-cov", CCA)
    assert close(slip["sxx"], [[1]]) and close(slip["u"], [[1]])
    assert close(slip["correlations"], [0.5])  # the correlation does not see the divisor
    _, slip = under("cca", "population-cov", {**CCA, "ddof": 1})
    assert close(slip["sxx"], [[2 / 3]]) and close(slip["u"], [[S32]])


def test_cca_divisor_changes_the_correlation_with_a_ridge():
    # reg 0.5: ddof 0: S_xx = 2/3 + 1/2 = 7/6, rho = (1/3)/(7/6) = 2/7;
    # n - 1: S_xx = 1 + 1/2 = 3/2, rho = (1/2)/(3/2) = 1/3
    plain, slip = under("cca", "sample-cov", {**CCA, "reg": 0.5})
    assert close(plain["correlations"], [2 / 7])
    assert close(slip["correlations"], [1 / 3])


def test_cca_ridge_forgotten():
    # reg 0.5: right rho = 2/7, u = (7/6)^-1/2 = sqrt(6/7); slip rho = 0.5, u = sqrt(3/2)
    plain, slip = under("cca", "no-reg", {**CCA, "reg": 0.5})
    assert close(plain["u"], [[math.sqrt(6 / 7)]])
    assert close(slip["correlations"], [0.5]) and close(slip["u"], [[S32]])
    assert "no-reg" not in ops.run("cca", CCA).slips


def test_cca_not_centred():
    # S_xx = (1 + 4 + 9)/3 = 14/3, S_yy = (1 + 9 + 4)/3 = 14/3, S_xy = (1 + 6 + 6)/3 = 13/3;
    # rho = 13/14; u = (14/3)^-1/2 = sqrt(3/14)
    _, slip = under("cca", "not-centred", CCA)
    assert close(slip["sxy"], [[13 / 3]])
    assert close(slip["correlations"], [13 / 14])
    assert close(slip["u"], [[math.sqrt(3 / 14)]])


def test_cca_no_whitening():
    # the SVD of S_xy = [[1/3]] itself: "rho" = 1/3, u = v = 1
    _, slip = under("cca", "no-whitening", CCA)
    assert close(slip["correlations"], [1 / 3])
    assert close(slip["u"], [[1]]) and close(slip["v"], [[1]])


def test_cca_u_v_not_whitened():
    # rho right (0.5), but U = W_u = 1, V = W_v = 1 instead of sqrt(3/2)
    _, slip = under("cca", "uv-not-whitened", CCA)
    assert close(slip["correlations"], [0.5])
    assert close(slip["u"], [[1]]) and close(slip["v"], [[1]])


def test_cca_follow_through_from_a_wrong_sxx():
    # the student's S_xx = 1: M = 1^-1/2 (1/3) (2/3)^-1/2 = (1/3) sqrt(3/2) = 1/sqrt(6)
    # = 0.408248; u = 1; v = sqrt(3/2) unchanged
    with replaying({"sxx": [[1.0]]}):
        sol = ops.run("cca", CCA)
    assert close(sol["correlations"], [1 / math.sqrt(6)])
    assert close(sol["u"], [[1]]) and close(sol["v"], [[S32]])


def test_every_cca_mistake_is_consulted_and_changes_its_keys():
    ids = {m.id: m for m in MISTAKES["cca"]}
    assert len(ids) >= 3
    seen = set()
    for args in ({**CCA, "reg": 0.5}, {**CCA, "ddof": 1, "reg": 0.25}):
        sol = ops.run("cca", args)
        for rule in set(sol.slips) & set(ids):
            other = sol.replay(rule=rule)
            assert any(not close(other[key], sol[key], 1e-9) for key in ids[rule].keys), rule
            seen.add(rule)
    assert seen == set(ids)


def test_exact_working_follows_ddof():
    # n - 1 = 3: S = (1/3) [[10, 5], [5, 6]]
    sol = ops.run("pca", {**DATA, "exact": True, "ddof": 1})
    assert sol["scatter_exact"] == [["10/3", "5/3"], ["5/3", "2"]]
    # n - 1 = 2: S_xx = 2/2 = 1, S_xy = 1/2
    sol = ops.run("cca", {**CCA, "exact": True, "ddof": 1})
    assert sol["sxx_exact"] == [["1"]] and sol["sxy_exact"] == [["1/2"]]


def test_api_takes_ddof():
    import dlcalc

    assert close(dlcalc.pca(data=SMITH["data"], ddof=1)["scatter"], SMITH_COV, 5e-10)


def test_marker_names_the_n_minus_1_divisor():
    # the published (n - 1) eigenvalues given where the slides' 1/n is asked for
    report = ops.run("pca", SMITH).check(eigenvalues="1.284,0.04908")
    (item,) = report["items"]
    assert item["verdict"] == "mistake" and item["mistake"]["id"] == "sample-cov"
    # and with --ddof 1 they are right
    assert ops.run("pca", {**SMITH, "ddof": 1}).check(eigenvalues="1.284,0.04908")["ok"]
