"""The misconceptions of the RL commands (dlcalc.engine.rl.mistakes): each computed by the
engine under its variant rule and checked against a hand-worked value; and follow-through
replays (a student's own intermediate carried downstream)."""

from __future__ import annotations

import numpy as np
import pytest
from slips import A, check_by_hand, check_catalogue_covered, run  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch
from dlcalc.engine.rl.mistakes import MISTAKES

RET = {"rewards": "1,0,0,10", "gamma": 0.9}

# Q-learning on Q = [[0, 1], [2, 0]], alpha 0.5, gamma 0.9, three transitions:
#   t0: (s0, a0, r=1, s'=1): target = 1 + 0.9*max(2, 0) = 2.8; Q(0,0) = 0 + 0.5*2.8 = 1.4
#   t1: (s1, a1, r=2, s'=0): target = 2 + 0.9*max(1.4, 1) = 3.26; Q(1,1) = 0.5*3.26 = 1.63
#   t2: (s0, a1, r=0, s'=1, done): target = 0; td = 0 - 1 = -1; Q(0,1) = 1 - 0.5 = 0.5
QL = {"q": "0,1; 2,0", "transitions": "0,0,1,1; 1,1,2,0; 0,1,0,1,done", "alpha": 0.5, "gamma": 0.9}
Q_RIGHT = [[1.4, 0.5], [2, 1.63]]

DQN = {"r": 1, "gamma": 0.99, "q_next": "2,5,3", "q_sa": 4}
# y = 1 + 0.99*5 = 5.95; td = 5.95 - 4 = 1.95; loss = 1.95^2 = 3.8025
DQN_TERM = {**DQN, "terminal": True}  # y = 1; td = 1 - 4 = -3; loss 9
DDQN = {"r": 1, "gamma": 0.99, "q_next": "2,5,3", "q_next_online": "1,0,4"}
# a* = argmax(1, 0, 4) = 2; y = 1 + 0.99*Q_target(s', 2) = 1 + 0.99*3 = 3.97

EG_TIES = {"q": "1,3,3,0", "epsilon": 0.2}  # greedy {1, 2}: 0.2/4 + 0.8/2 = 0.45, others 0.05
EG = {"q": "1,3,0", "epsilon": 0.3}  # greedy 1: 0.3/3 + 0.7 = 0.8, others 0.1

# two states, R per state (0, 1); s0: a0 -> s0/s1 with 1/2 each, a1 -> s1; s1: a0 -> s0, a1 -> s1
MDP = '{"P": [[[0.5,0.5],[0,1]], [[1,0],[0,1]]], "R": [0, 1]}'
VI = {"mdp": MDP, "gamma": 0.9}
# V(s1) = 1 + 0.9 V(s1) = 10; V(s0) = 0.9 max(0.5 V0 + 0.5 V1, V1) = 0.9*10 = 9
VI3 = {**VI, "max_iters": 3}
# right sweeps from V_0 = 0: V_1 = (0, 1); V_2 = (0.9 max(0.5, 1), 1 + 0.9*1) = (0.9, 1.9);
# V_3 = (0.9 max(1.4, 1.9), 1 + 0.9*1.9) = (1.71, 2.71)
PE = {"mdp": MDP, "policy": "1,1", "gamma": 0.9}
PE3 = {**PE, "method": "iterative", "max_iters": 3}
# r_pi = (0, 1), P_pi = [[0, 1], [0, 1]]: V_1 = (0, 1), V_2 = (0.9, 1.9), V_3 = (1.71, 2.71)

CASES = [
    # the policy (action 1 everywhere) ignored, actions weighted 1/2: P_pi(s0) = (0.25, 0.75),
    # P_pi(s1) = (0.5, 0.5); V0 = 0.9(0.25 V0 + 0.75 V1), V1 = 1 + 0.45(V0 + V1):
    # V = (27/4.9, 31/4.9) = (5.5102041, 6.3265306); right (9, 10)
    ("policy-eval", PE, "policy-ignored", "v", [27 / 4.9, 31 / 4.9], [9, 10]),
    # (command, args, rule, key, the slip's value, the right value)
    # G_t = gamma (r_t + G_{t+1}): G_3 = 9, G_2 = 8.1, G_1 = 7.29, G_0 = 0.9*(1 + 7.29) = 7.461
    ("return", RET, "gamma-exponent-off-by-one", "value", 7.461, 8.29),
    ("return", RET, "no-discount", "value", 11, 8.29),  # 1 + 0 + 0 + 10
    ("return", RET, "discount-reversed", "value", 10.729, 8.29),  # 0.9^3*1 + 10
    # Q(s', a) of the action taken: t1 target = 2 + 0.9*Q(0, 1) = 2.9, Q(1,1) = 1.45
    ("qlearn", QL, "q-of-action-taken", "q", [[1.4, 0.5], [2, 1.45]], Q_RIGHT),
    # no gamma: t0 target 1 + 2 = 3 -> 1.5; t1 target 2 + 1.5 = 3.5 -> 1.75; t2 0 -> 0.5
    ("qlearn", QL, "no-gamma", "q", [[1.5, 0.5], [2, 1.75]], Q_RIGHT),
    # t2 bootstraps: target = 0 + 0.9*max(2, 1.63) = 1.8; Q(0,1) = 1 + 0.5*(1.8 - 1) = 1.4
    ("qlearn", QL, "bootstrap-terminal", "q", [[1.4, 1.4], [2, 1.63]], Q_RIGHT),
    # Q <- target: Q(0,0) = 2.8; t1 target 2 + 0.9*2.8 = 4.52; t2 Q(0,1) = 0
    ("qlearn", QL, "no-alpha", "q", [[2.8, 0], [2, 4.52]], Q_RIGHT),
    # td = Q - target: t0 -2.8 -> Q(0,0) = -1.4; t1 target 2 + 0.9*max(-1.4, 1) = 2.9,
    # td = -2.9 -> -1.45; t2 td = 1 - 0 = 1 -> 1 + 0.5 = 1.5
    ("qlearn", QL, "td-sign", "q", [[-1.4, 1.5], [2, -1.45]], Q_RIGHT),
    ("dqn-target", DQN, "no-gamma", "target", 6, 5.95),  # 1 + 5
    ("dqn-target", DQN_TERM, "bootstrap-terminal", "target", 5.95, 1),  # 1 + 0.99*5
    ("dqn-target", DQN, "td-sign", "td_error", -1.95, 1.95),  # 4 - 5.95
    ("dqn-target", DQN, "loss-not-squared", "loss", 1.95, 3.8025),  # |5.95 - 4|
    ("dqn-target", DDQN, "double-online-value", "target", 4.96, 3.97),  # 1 + 0.99*4
    ("dqn-target", DDQN, "double-target-max", "target", 5.95, 3.97),  # 1 + 0.99*5
    ("egreedy", EG, "greedy-no-share", "probs", [0.1, 0.7, 0.1], [0.1, 0.8, 0.1]),
    ("egreedy", EG, "eps-over-others", "probs", [0.15, 0.7, 0.15], [0.1, 0.8, 0.1]),  # 0.3/2
    # (1 - 0.3)/3 = 0.2333..., the greedy 0.3 + 0.2333... = 0.5333...
    ("egreedy", EG, "eps-swapped", "probs", [0.7 / 3, 0.3 + 0.7 / 3, 0.7 / 3], [0.1, 0.8, 0.1]),
    # all of 0.8 to action 1: 0.05 + 0.8 = 0.85
    ("egreedy", EG_TIES, "ties-not-shared", "probs", [0.05, 0.85, 0.05, 0.05],
     [0.05, 0.45, 0.45, 0.05]),
    # V0 = 0.9 (0.25 V0 + 0.75 V1), V1 = 1 + 0.45 (V0 + V1): V0 = 27/31 V1, V1 (0.55 -
    # 0.45*27/31) = 1 -> V1 = 31/4.9 = 6.3265306, V0 = 27/4.9 = 5.5102041
    ("value-iteration", VI, "mean-over-actions", "v", [27 / 4.9, 31 / 4.9], [9, 10]),
    # gamma 1, three sweeps: V_1 = (0, 1); V_2 = (max(0.5, 1), 1 + 1) = (1, 2); V_3 = (2, 3)
    ("value-iteration", VI3, "no-gamma", "v", [2, 3], [1.71, 2.71]),
    # r(s,a) = sum_s' P R(s') = [[0.5, 1], [0, 1]]: V(s) = 1 + 0.9 V(s) = 10 in both states
    ("value-iteration", VI, "reward-next-state", "v", [10, 10], [9, 10]),
    ("policy-eval", PE3, "no-gamma", "v", [2, 3], [1.71, 2.71]),  # (0,1), (1,2), (2,3)
    # r_pi(s) = R(s1) = 1 in both states: V = 1 + 0.9 V(s1) = 10
    ("policy-eval", PE, "reward-next-state", "v", [10, 10], [9, 10]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cmd", "args", "rule", "key", "slipped", "right"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_each_mistake_by_hand(cmd, args, rule, key, slipped, right):
    check_by_hand(cmd, args, rule, key, slipped, right, rel=1e-8)


def test_every_mistake_has_a_case_is_consulted_and_changes_its_key():
    check_catalogue_covered(CASES, MISTAKES)


def test_return_rows_and_follow_through():
    sol = run("return", RET)
    assert sol["returns"].tolist() == A([8.29, 8.1, 9, 10])
    # a student's own G_2 = 9.9 carries: G_1 = 0.9*9.9 = 8.91, G_0 = 1 + 0.9*8.91 = 9.019
    sol = run("return", RET, overrides={"returns": Patch([((2,), 9.9)])})
    assert sol["returns"].tolist() == A([9.019, 8.91, 9.9, 10])
    assert sol["value"] == A(9.019)


def test_qlearn_per_transition_values():
    sol = run("qlearn", QL)
    assert [u["target"] for u in sol["updates"]] == A([2.8, 3.26, 0])
    assert [u["td_error"] for u in sol["updates"]] == A([2.8, 3.26, -1])
    assert [u["q_new"] for u in sol["updates"]] == A([1.4, 1.63, 0.5])
    assert [name for name, _ in sol.order[:4]] == ["target", "td_error", "q_new", "q_t"]


def test_qlearn_follow_through_a_wrong_first_update_carries_into_the_second_target():
    # the student forgot alpha in the first update only: Q(0,0) = 2.8 (right: 1.4). Then
    # t1: target = 2 + 0.9*max(2.8, 1) = 4.52, td = 4.52 - 0, Q(1,1) = 0.5*4.52 = 2.26;
    # t2: target 0, Q(0,1) = 1 + 0.5*(0 - 1) = 0.5
    sol = run("qlearn", QL, overrides={"q_new": Patch([((0,), 2.8)])})
    assert sol["updates"][1]["target"] == A(4.52)
    assert sol["updates"][1]["q_new"] == A(2.26)
    assert sol["q"] == A(np.array([[2.8, 0.5], [2, 2.26]]))


def test_qlearn_follow_through_of_the_table_after_an_update():
    # the student's table after t0 has Q(1,0) = 3 (a copying slip): t1's target is
    # 2 + 0.9*max(1.4, 1) = 3.26 still (s' = 0), but t2 (done) does not read s' = 1
    # either; the final Q keeps Q(1,0) = 3
    sol = run("qlearn", QL, overrides={"q_t": Patch([((0, 1, 0), 3.0)])})
    assert sol["q"] == A(np.array([[1.4, 0.5], [3, 1.63]]))


def test_dqn_follow_through():
    # the student's y = 6: td = 6 - 4 = 2, loss = 4
    sol = run("dqn-target", DQN, overrides={"target": 6})
    assert sol["td_error"] == A(2) and sol["loss"] == A(4)


def test_egreedy_follow_through_of_the_greedy_set():
    # the student counts only action 1 as greedy: 0.05 + 0.8 = 0.85 for it, 0.05 for the rest
    sol = run("egreedy", EG_TIES, overrides={"greedy": [1]})
    assert sol["probs"] == A(np.array([0.05, 0.85, 0.05, 0.05]))


def test_value_iteration_follow_through_of_a_sweep():
    # the student's V_1 = (0, 2): V_2 = (0.9 max(0.5*0 + 0.5*2, 2), 1 + 0.9 max(0, 2))
    #   = (1.8, 2.8) (right: (0.9, 1.9))
    sol = run("value-iteration", {**VI, "max_iters": 2}, overrides={"v_k": Patch([((1,), [0, 2])])})
    assert sol["v"] == A(np.array([1.8, 2.8]))
    assert run("value-iteration", {**VI, "max_iters": 2})["v"] == A(np.array([0.9, 1.9]))


def test_policy_eval_follow_through_of_a_sweep():
    # V_1 = (0, 2): V_2 = r_pi + 0.9 P_pi V_1 = (0 + 0.9*2, 1 + 0.9*2) = (1.8, 2.8)
    args = {**PE, "method": "iterative", "max_iters": 2}
    sol = run("policy-eval", args, overrides={"v_k": Patch([((1,), [0, 2])])})
    assert sol["v"] == A(np.array([1.8, 2.8]))


def test_answer_keys():
    assert ops.get("return").answers == ("value",)
    assert ops.get("qlearn").answers == ("q",)
    assert ops.get("dqn-target").answers == ("target",)
    assert ops.get("egreedy").answers == ("probs",)
    assert ops.get("value-iteration").answers == ("v", "policy")
    assert ops.get("policy-eval").answers == ("v",)


def test_value_iteration_work_is_bounded(monkeypatch):
    # issue 17 defect 10: 500 states x 100,000 sweeps took 36 s; a run that has not
    # converged when its sweeps reach the work budget stops with an error naming --max-iters
    from dlcalc.engine.rl import value_iteration as vi
    from dlcalc.errors import LimitError

    monkeypatch.setattr(vi, "WORK_BUDGET", 2 * 2 * 2 * 400)  # 2 x 2 states x 2 actions: 400 sweeps
    slow = {"mdp": MDP, "gamma": 0.999999, "tol": 1e-300, "max_iters": 1000}
    with pytest.raises(LimitError, match="--max-iters"):
        run("value-iteration", slow)
    assert run("value-iteration", VI)["v"] == A([9, 10], rel=1e-8)  # gamma 0.9 converges in fewer
