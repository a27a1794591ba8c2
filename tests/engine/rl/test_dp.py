"""Value iteration and policy evaluation: exact solutions, published grid-world figures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.rl import policy_eval as pe
from dlcalc.engine.rl import value_iteration as vi
from dlcalc.errors import ComputationError, InputError
from dlcalc.parse.rl import grid_param, mdp_param, policy_param

_PARSERS = {"mdp": mdp_param, "grid": grid_param, "policy": policy_param}


def _parsed(kwargs):
    """--mdp, --grid and --policy are parsed before the engine (dlcalc.parse.rl), as the
    registry does."""
    for key, parser in _PARSERS.items():
        if kwargs.get(key) is not None:
            kwargs[key] = parser(kwargs[key], key)
    return kwargs


def value_iteration(**kwargs):
    return vi.value_iteration(**_parsed(kwargs))


def policy_eval(**kwargs):
    return pe.policy_eval(**_parsed(kwargs))


# Two states, actions 0 = stay, 1 = move.
# s0: stay -> s0 (reward 0); move -> s1 w.p. 0.8, s0 w.p. 0.2 (reward -1)
# s1: stay -> s1 (reward 2); move -> s0 (reward 0)
MDP2 = {
    "P": [[[1, 0], [0.2, 0.8]], [[0, 1], [1, 0]]],
    "R": [[0, -1], [2, 0]],
}


def test_value_iteration_two_states_exact():
    # Optimal policy (move, stay). Its Bellman equations with gamma = 0.9:
    #   V1 = 2 + 0.9 V1                          -> V1 = 20
    #   V0 = -1 + 0.9 (0.2 V0 + 0.8 V1)          -> 0.82 V0 = 13.4 -> V0 = 670/41 = 16.3415
    # solved here as a linear system, independently of the engine:
    a = np.array([[1 - 0.9 * 0.2, -0.9 * 0.8], [0, 1 - 0.9]])
    v_star = np.linalg.solve(a, [-1, 2])
    assert v_star == pytest.approx([670 / 41, 20])
    sol = value_iteration(mdp=MDP2, gamma=0.9)
    np.testing.assert_allclose(sol["v"], v_star, atol=1e-8)
    assert sol["policy"].tolist() == [1, 0]
    assert sol["converged"] is True
    # the other actions are worse: Q(s0, stay) = 0.9 V0 = 14.71 < V0; Q(s1, move) = 0.9 V0 < 20
    np.testing.assert_allclose(sol["q"], [[0.9 * v_star[0], v_star[0]], [20, 0.9 * v_star[0]]])
    # gamma^k contraction from V_0 = 0: about log(1e-10 / 20) / log(0.9) ~ 250 sweeps
    assert 150 < sol["iterations"] < 400


def test_value_iteration_first_sweeps_by_hand():
    # V_1 = max_a r(s,a) = (max(0, -1), max(2, 0)) = (0, 2)
    # V_2(s0) = max(0 + 0.9*0, -1 + 0.9*(0.2*0 + 0.8*2)) = max(0, 0.44) = 0.44
    # V_2(s1) = max(2 + 0.9*2, 0 + 0.9*0) = 3.8
    sol = value_iteration(mdp=MDP2, gamma=0.9)
    by_title = {s.title: s for s in sol.steps}
    assert by_title["V_1(s0)"].value == 0 and by_title["V_1(s1)"].value == 2
    assert by_title["V_2(s0)"].value == pytest.approx(0.44)
    assert by_title["V_2(s1)"].value == pytest.approx(3.8)
    assert by_title["V_2(s0)"].substituted == "max(0 + 0.9*(1*0), -1 + 0.9*(0.2*0 + 0.8*2))"
    table = sol.tables[0]
    assert table.columns == ("k", "V(s0)", "V(s1)")
    assert table.rows[2] == (2, pytest.approx(0.44), pytest.approx(3.8))


def test_value_iteration_cap_reported():
    # one state, reward 1, gamma 1: V_k = k grows forever; stopped at the cap with a note
    sol = value_iteration(mdp={"P": [[[1]]], "R": [1]}, gamma=1.0, max_iters=50)
    assert sol["converged"] is False and sol["iterations"] == 50
    assert sol["v"].tolist() == [50]
    assert any("did not converge within --max-iters 50" in n for n in sol.notes)


def test_value_iteration_terminal_state():
    # s1 terminal with reward 10 (slides' r(s)); s0 reward -1 moves to s1:
    # V(s1) = 10, V(s0) = -1 + 0.5*10 = 4
    mdp = {"P": [[[0, 1]], [[0, 1]]], "R": [-1, 10], "terminal": [1]}
    sol = value_iteration(mdp=mdp, gamma=0.5)
    assert sol["v"].tolist() == [4, 10]


# Russell & Norvig, AIMA 3rd ed., Fig. 17.3: utilities of the 4x3 world with R(s) = -0.04,
# gamma = 1, 0.8 intended / 0.1 each side; Fig. 17.2(a): the optimal policy.
AIMA_GRID = ". . . +1; . # . -1; S . . ."
AIMA_V = [[0.812, 0.868, 0.918, 1], [0.762, 0, 0.660, -1], [0.705, 0.655, 0.611, 0.388]]
AIMA_POLICY = ["> > > +1", "^ # ^ -1", "^ < < <"]


def test_value_iteration_aima_4x3():
    sol = value_iteration(grid=AIMA_GRID, step_reward=-0.04, slip=0.2, gamma=1.0)
    np.testing.assert_allclose(sol["v_grid"], AIMA_V, atol=5e-4)
    assert sol["policy_grid"] == AIMA_POLICY
    assert sol["converged"] is True
    assert [t.title for t in sol.tables][:2] == ["V_1 on the grid", "V_2 on the grid"]


def test_policy_eval_aima_optimal_policy_gives_the_utilities():
    sol = policy_eval(
        grid=AIMA_GRID, step_reward=-0.04, slip=0.2, gamma=1.0, policy="> > > +1; ^ # ^ -1; ^ < < <"
    )
    np.testing.assert_allclose(sol["v_grid"], AIMA_V, atol=5e-4)
    # the same policy typed one action per state (terminals: any token)
    per_state = policy_eval(
        grid=AIMA_GRID, step_reward=-0.04, slip=0.2, gamma=1.0, policy="r r r . u u . u l l l"
    )
    np.testing.assert_allclose(per_state["v"], sol["v"])


def test_policy_eval_sutton_barto_random_walk():
    # Sutton & Barto (2018), Fig. 4.1: 4x4 grid, terminal corners, -1 per step, equiprobable
    # random policy, gamma = 1: v_pi as printed in the book.
    sol = policy_eval(grid="T . . .; . . . .; . . . .; . . . T", step_reward=-1, policy="random",
                      gamma=1.0)  # fmt: skip
    expected = [[0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0]]
    np.testing.assert_allclose(sol["v_grid"], expected, atol=1e-6)
    assert sol["policy_grid"][1] == "* * * *"


def test_policy_eval_deterministic_by_hand():
    # policy (move, stay) on MDP2 is the optimal one: same values as value iteration
    sol = policy_eval(mdp=MDP2, policy="1 0", gamma=0.9)
    np.testing.assert_allclose(sol["v"], [670 / 41, 20], atol=1e-9)
    np.testing.assert_allclose(sol["v_iterative"], [670 / 41, 20], atol=1e-8)
    # policy (stay, stay): V0 = 0, V1 = 2/(1 - 0.9) = 20
    np.testing.assert_allclose(policy_eval(mdp=MDP2, policy="0,0", gamma=0.9)["v"], [0, 20])


def test_policy_eval_stochastic_by_hand():
    # pi(.|s) = (0.5, 0.5) in both states, gamma 0.5:
    # r_pi = (0.5*0 + 0.5*-1, 0.5*2 + 0.5*0) = (-0.5, 1)
    # P_pi = [[0.5*1 + 0.5*0.2, 0.5*0.8], [0.5*1, 0.5*1]] = [[0.6, 0.4], [0.5, 0.5]]
    # V = r_pi + 0.5 P_pi V:  0.7 V0 - 0.2 V1 = -0.5;  -0.25 V0 + 0.75 V1 = 1
    # -> V0 = (-0.5*0.75 + 0.2*1) / (0.7*0.75 - 0.2*0.25) = -0.175 / 0.475 = -7/19
    #    V1 = (1 + 0.25 V0) / 0.75 = (1 - 7/76) / 0.75 = 69/57
    sol = policy_eval(mdp=MDP2, policy="0.5,0.5; 0.5,0.5", gamma=0.5, method="exact")
    np.testing.assert_allclose(sol["v"], [-7 / 19, 69 / 57])
    assert sol["iterations"] == 0 and "v_iterative" not in sol


def test_policy_eval_singular_at_gamma_one():
    with pytest.raises(ComputationError, match="singular: with --gamma 1"):
        policy_eval(mdp=MDP2, policy="0 0", gamma=1.0, method="exact")


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ("0 2", "action 2 for state 1 is not an action index 0..1"),
        ("0 1 1", "expected one action per state (2), got 3"),
        ("0.5,0.6; 1,0", "row 0 (state 0) sums to 1.1"),
        ("1.5,-0.5; 1,0", "is not a probability"),
        ("0.5,0.5,0; 1,0,0", "expected 2x2 (states x actions)"),
    ],
)
def test_policy_eval_bad_policy(policy, fragment):
    with pytest.raises(InputError, match="^--policy: ") as exc:
        policy_eval(mdp=MDP2, policy=policy, gamma=0.9)
    assert fragment in str(exc.value)


def test_grid_options_rejected_with_mdp():
    with pytest.raises(InputError, match="^--slip: only applies to --grid"):
        value_iteration(mdp=MDP2, gamma=0.9, slip=0.2)


def test_bad_grid_policy_token():
    with pytest.raises(InputError, match="^--policy: unknown action 'q' for state 1"):
        policy_eval(grid="S . G", policy="> q .", gamma=0.9)


def _reference_backup(p, r, pi, v, gamma):
    """Loop reference of the Bellman expectation equation, written out state by state."""
    n, m = r.shape
    out = np.zeros(n)
    for s in range(n):
        for a in range(m):
            out[s] += pi[s, a] * (r[s, a] + gamma * sum(p[s, a, k] * v[k] for k in range(n)))
    return out


@st.composite
def small_mdps(draw):
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    raw = draw(st.lists(st.integers(0, 5), min_size=n * m * n, max_size=n * m * n))
    p = np.array(raw, dtype=float).reshape(n, m, n) + 1e-3
    p /= p.sum(axis=2, keepdims=True)
    r = np.array(draw(st.lists(st.integers(-5, 5), min_size=n * m, max_size=n * m)), float)
    wts = np.array(draw(st.lists(st.integers(0, 3), min_size=n * m, max_size=n * m)), float)
    pi = wts.reshape(n, m) + 0.5
    pi /= pi.sum(axis=1, keepdims=True)
    gamma = draw(st.sampled_from([0.0, 0.3, 0.5, 0.8, 0.9]))
    return p, r.reshape(n, m), pi, gamma


@settings(max_examples=40, deadline=None)
@given(small_mdps())
def test_policy_eval_iterative_equals_exact(case):
    p, r, pi, gamma = case
    sol = policy_eval(mdp={"P": p.tolist(), "R": r.tolist()}, policy=pi, gamma=gamma)
    np.testing.assert_allclose(sol["v_iterative"], sol["v"], atol=1e-8)
    # and v is the fixed point of the Bellman expectation equation (loop reference)
    np.testing.assert_allclose(_reference_backup(p, r, pi, sol["v"], gamma), sol["v"], atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(small_mdps())
def test_value_iteration_is_greedy_fixed_point(case):
    p, r, _, gamma = case
    sol = value_iteration(mdp={"P": p.tolist(), "R": r.tolist()}, gamma=gamma)
    n, m = r.shape
    # the greedy policy's exact value equals V*, and no action improves on it
    pi = np.eye(m)[sol["policy"]]
    v_pi = np.linalg.solve(np.eye(n) - gamma * np.einsum("sa,sak->sk", pi, p), (pi * r).sum(1))
    np.testing.assert_allclose(sol["v"], v_pi, atol=1e-8)
    for a in range(m):
        assert np.all(_reference_backup(p, r, np.eye(m)[[a] * n], v_pi, gamma) <= v_pi + 1e-8)


def test_policy_eval_working_by_hand():
    # policy (move, stay), gamma 0.9: r_pi = (-1, 2), P_pi = [[0.2, 0.8], [0, 1]]
    # V_1 = r_pi = (-1, 2); V_2(s0) = -1 + 0.9*(0.2*-1 + 0.8*2) = -1 + 1.26 = 0.26,
    # V_2(s1) = 2 + 0.9*2 = 3.8
    sol = policy_eval(mdp=MDP2, policy="1 0", gamma=0.9)
    by_title = {s.title: s for s in sol.steps}
    assert by_title["V_1(s0)"].value == -1 and by_title["V_1(s1)"].value == 2
    assert by_title["V_2(s0)"].substituted == "-1 + 0.9*(0.2*-1 + 0.8*2)"
    assert by_title["V_2(s0)"].value == pytest.approx(0.26)
    assert by_title["Exact solution"].substituted == (
        "V(s0) = -1 + 0.9*(0.2*V(s0) + 0.8*V(s1)); V(s1) = 2 + 0.9*(1*V(s1))"
    )
