"""RL engine from samples: returns, Q-learning, DQN targets, epsilon-greedy, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.rl import td
from dlcalc.engine.rl.td import discounted_return, dqn_target, egreedy
from dlcalc.errors import InputError
from dlcalc.parse.rl import transitions_param


def qlearn(**kwargs):
    """--transitions is parsed before the engine (dlcalc.parse.rl), as the registry does."""
    kwargs["transitions"] = transitions_param(kwargs["transitions"], "transitions")
    return td.qlearn(**kwargs)


def test_return_by_hand():
    # rewards 1, 0, 0, 10 with gamma 0.9, backwards:
    # G_3 = 10; G_2 = 0 + 0.9*10 = 9; G_1 = 0 + 0.9*9 = 8.1; G_0 = 1 + 0.9*8.1 = 8.29
    # (= 1 + 0.9^3 * 10 = 1 + 7.29)
    sol = discounted_return(rewards=np.array([1.0, 0, 0, 10]), gamma=0.9)
    assert sol["value"] == pytest.approx(8.29)
    np.testing.assert_allclose(sol["returns"], [8.29, 8.1, 9, 10])
    assert "1 + 0.9*0 + 0.9^2*0 + 0.9^3*10" in sol.steps[0].substituted


def test_return_whole_numbers_stay_integers():
    # gamma 0.5, rewards -1, 2, 4: G_2 = 4, G_1 = 2 + 0.5*4 = 4, G_0 = -1 + 0.5*4 = 1
    sol = discounted_return(rewards=np.array([-1.0, 2, 4]), gamma=0.5)
    assert sol["value"] == 1 and isinstance(sol["value"], int)
    assert sol["returns"].tolist() == [1, 4, 4]


def test_return_gamma_zero_is_the_rewards():
    sol = discounted_return(rewards=np.array([3.0, -2, 5]), gamma=0.0)
    assert sol["returns"].tolist() == [3, -2, 5]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=20),
    st.floats(0, 1),
)
def test_return_matches_direct_sum(rewards, gamma):
    # independent reference: G_t = sum_{k>=t} gamma^(k-t) r_k, written out directly
    sol = discounted_return(rewards=np.array(rewards), gamma=gamma)
    n = len(rewards)
    direct = [sum(gamma ** (k - t) * rewards[k] for k in range(t, n)) for t in range(n)]
    np.testing.assert_allclose(sol["returns"], direct, atol=1e-9)


def test_qlearn_two_states_by_hand():
    # Q = [[1, 2], [3, 0]], alpha 0.5, gamma 0.9; the slides' update
    # Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]:
    # 1) (s=0, a=0, r=1, s'=1): target = 1 + 0.9*max(3, 0) = 3.7; td = 3.7 - 1 = 2.7;
    #    Q(0,0) = 1 + 0.5*2.7 = 2.35
    # 2) (s=1, a=1, r=-1, s'=0): target = -1 + 0.9*max(2.35, 2) = 1.115; td = 1.115;
    #    Q(1,1) = 0 + 0.5*1.115 = 0.5575
    # 3) (s=0, a=1, r=0, s'=1, done): target = 0; td = 0 - 2 = -2; Q(0,1) = 2 - 1 = 1
    sol = qlearn(
        q=np.array([[1.0, 2], [3, 0]]),
        transitions="0,0,1,1; 1,1,-1,0; 0,1,0,1,done",
        alpha=0.5,
        gamma=0.9,
    )
    np.testing.assert_allclose(sol["q"], [[2.35, 1], [3, 0.5575]])
    ups = sol["updates"]
    assert [u["target"] for u in ups] == pytest.approx([3.7, 1.115, 0])
    assert [u["td_error"] for u in ups] == pytest.approx([2.7, 1.115, -2])
    assert [u["q_old"] for u in ups] == pytest.approx([1, 0, 2])
    assert [u["q_new"] for u in ups] == pytest.approx([2.35, 0.5575, 1])
    assert ups[1] | {"target": 0, "td_error": 0, "q_new": 0} == {
        "s": 1, "a": 1, "r": -1.0, "s_next": 0, "target": 0, "td_error": 0, "q_old": 0.0,
        "q_new": 0,
    }  # fmt: skip
    assert len(sol.tables[0].rows) == 3


def test_qlearn_zeros_from_sizes_and_list_input():
    # Q starts at 0 (2 states x 2 actions): (0,1,5,1): target 5 + 0.5*0 = 5, Q = 0 + 0.1*5 = 0.5
    sol = qlearn(transitions=[[0, 1, 5, 1]], alpha=0.1, gamma=0.5, states=2, actions=2)
    np.testing.assert_allclose(sol["q"], [[0, 0.5], [0, 0]])
    sol = qlearn(
        transitions=[{"s": 0, "a": 1, "r": 5, "s_next": 1, "done": True}],
        alpha=1.0,
        gamma=0.5,
        states=2,
        actions=2,
    )
    assert sol["q"][0, 1] == 5


@pytest.mark.parametrize(
    ("transitions", "fragment"),
    [
        ("0,2,1,1", "transition 1: action a = 2 out of range (0..1)"),
        ("0,0,1,1; 5,0,1,1", "transition 2: state s = 5 out of range"),
        ("0,0,1,3", "next state s2 = 3 out of range"),
        ("0,0,1", "expected s,a,r,s2[,done], got 3 values"),
        ("0,0,1,1,maybe", "done must be"),
        ("0.5,0,1,1", "state s must be a whole number"),
        ("0,0,x,1", "--transitions"),
    ],
)
def test_qlearn_bad_transitions(transitions, fragment):
    with pytest.raises(InputError, match="^--transitions") as exc:
        qlearn(transitions=transitions, alpha=0.5, gamma=0.9, states=2, actions=2)
    assert fragment in str(exc.value)


def test_qlearn_needs_a_table():
    with pytest.raises(InputError, match="^--q: give the initial Q table"):
        qlearn(transitions="0,0,1,1", alpha=0.5, gamma=0.9, states=2)
    with pytest.raises(InputError, match="^--q: has 2 rows but --states is 3"):
        qlearn(transitions="0,0,1,1", alpha=0.5, gamma=0.9, q=np.zeros((2, 2)), states=3)


def test_dqn_target_and_loss():
    # y = 1 + 0.99*max(2, 5, 3) = 1 + 4.95 = 5.95; loss = (5.95 - 4)^2 = 1.95^2 = 3.8025
    sol = dqn_target(r=1.0, gamma=0.99, q_next=np.array([2.0, 5, 3]), q_sa=4.0)
    assert sol["target"] == pytest.approx(5.95)
    assert sol["td_error"] == pytest.approx(1.95)
    assert sol["loss"] == pytest.approx(3.8025)


def test_dqn_terminal_target_is_reward():
    # terminal s': y = r = -1; loss = (-1 - 0.5)^2 = 2.25
    sol = dqn_target(r=-1.0, gamma=0.99, q_next=np.array([2.0, 5]), terminal=True, q_sa=0.5)
    assert sol["target"] == -1 and sol["loss"] == pytest.approx(2.25)
    assert "loss" not in dqn_target(r=2.0, gamma=0.5, terminal=True).result


def test_double_dqn():
    # online Q(s',.) = (1, 0, 7) picks a* = 2; target net's Q(s', 2) = 3: y = 1 + 0.99*3 = 3.97
    sol = dqn_target(
        r=1.0, gamma=0.99, q_next=np.array([2.0, 5, 3]), q_next_online=np.array([1.0, 0, 7])
    )
    assert sol["target"] == pytest.approx(3.97)


def test_dqn_needs_q_next():
    with pytest.raises(InputError, match="^--q-next: required unless --terminal"):
        dqn_target(r=1.0, gamma=0.9)


def test_egreedy_ties_share_greedy_mass():
    # |A| = 4, eps = 0.2: eps/|A| = 0.05; two greedy actions (Q = 3): 0.05 + 0.8/2 = 0.45
    sol = egreedy(q=np.array([1.0, 3, 3, 0]), epsilon=0.2)
    np.testing.assert_allclose(sol["probs"], [0.05, 0.45, 0.45, 0.05])
    assert sol["greedy"] == [1, 2]


def test_egreedy_single_greedy_and_extremes():
    # eps 0.1, 3 actions: others 0.1/3, greedy 0.1/3 + 0.9 = 0.9333...
    sol = egreedy(q=np.array([0.5, -1, 0.2]), epsilon=0.1)
    np.testing.assert_allclose(sol["probs"], [0.1 / 3 + 0.9, 0.1 / 3, 0.1 / 3])
    np.testing.assert_allclose(egreedy(q=np.array([1.0, 2]), epsilon=1.0)["probs"], [0.5, 0.5])
    np.testing.assert_allclose(egreedy(q=np.array([1.0, 2]), epsilon=0.0)["probs"], [0, 1])


def test_egreedy_matrix_rows_per_state():
    sol = egreedy(q=np.array([[1.0, 0], [2, 2]]), epsilon=0.5)
    # state 0: greedy a0: 0.25 + 0.5 = 0.75, 0.25; state 1: tie: 0.25 + 0.25 each = 0.5
    np.testing.assert_allclose(sol["probs"], [[0.75, 0.25], [0.5, 0.5]])
    assert sol["greedy"] == [[0], [0, 1]]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=8), st.floats(0, 1))
def test_egreedy_is_a_distribution(q, eps):
    probs = egreedy(q=np.array(q, dtype=float), epsilon=eps)["probs"]
    assert probs.sum() == pytest.approx(1.0)
    greedy = np.array(q) == max(q)
    assert np.all(probs[greedy] >= probs[~greedy].max(initial=0) - 1e-12)
