"""The classic slips of the reinforcement-learning calculators, as variant rules of their
engines (dlcalc.engine.rl.td, value_iteration, policy_eval).

Each id is consulted by the engine with ``Working.slip(id)``; the marker (dlcalc.check)
replays the engine under it and names the mistake when a student's answer matches.
"""

from dlcalc.engine._working import Mistake

_QL = ("target", "td_error", "q_new", "q_t", "q")
_VI = ("v_k", "v", "q", "policy")
_PE = ("r_pi", "v_k", "v_iterative", "v", "q")

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "return": (
        Mistake(
            "gamma-exponent-off-by-one",
            "reward k is discounted by gamma^(k+1): the first reward is discounted too",
            "G_t = sum_k gamma^k r_{t+k} (r_t undiscounted)",
            ("returns", "value"),
        ),
        Mistake(
            "no-discount",
            "gamma is forgotten: the rewards are just added up",
            "G_t = r_t + gamma G_{t+1}",
            ("returns", "value"),
        ),
        Mistake(
            "discount-reversed",
            "the discount runs from the end: the last reward is undiscounted",
            "G_0 = r_0 + gamma r_1 + gamma^2 r_2 + ...",
            ("returns", "value"),
        ),
    ),
    "qlearn": (
        Mistake(
            "q-of-action-taken",
            "Q(s', a) of the action taken is used instead of the max over a'",
            "target = r + gamma max_a' Q(s', a')",
            _QL,
        ),
        Mistake(
            "no-gamma",
            "gamma is forgotten in the target",
            "target = r + gamma max_a' Q(s', a')",
            _QL,
        ),
        Mistake(
            "bootstrap-terminal",
            "the target bootstraps from a terminal s'",
            "target = r when s' is terminal (done)",
            _QL,
        ),
        Mistake(
            "no-alpha",
            "alpha is forgotten: Q is replaced by the target",
            "Q(s,a) <- Q(s,a) + alpha (target - Q(s,a))",
            ("q_new", "q_t", "q"),
        ),
        Mistake(
            "td-sign",
            "the TD error is taken the wrong way round (Q - target)",
            "delta = target - Q(s,a); Q(s,a) <- Q(s,a) + alpha delta",
            ("td_error", "q_new", "q_t", "q"),
        ),
    ),
    "dqn-target": (
        Mistake("no-gamma", "gamma is forgotten", "y = r + gamma max_a' Q(s', a')", ("target",)),
        Mistake(
            "bootstrap-terminal",
            "the target bootstraps from a terminal s'",
            "y = r when s' is terminal",
            ("target", "td_error", "loss"),
        ),
        Mistake(
            "td-sign",
            "the TD error is taken the wrong way round (Q(s,a) - y)",
            "delta = y - Q(s,a)",
            ("td_error",),
        ),
        Mistake(
            "loss-not-squared",
            "the TD error is not squared",
            "loss = (y - Q(s,a))^2",
            ("loss",),
        ),
        Mistake(
            "double-online-value",
            "Double DQN: Q(s', a*) is read from the online network",
            "y = r + gamma Q_target(s', argmax_a' Q_online(s', a'))",
            ("target", "td_error", "loss"),
        ),
        Mistake(
            "double-target-max",
            "Double DQN: the target network's own max is taken (plain DQN)",
            "y = r + gamma Q_target(s', argmax_a' Q_online(s', a'))",
            ("target", "td_error", "loss"),
        ),
    ),
    "egreedy": (
        Mistake(
            "greedy-no-share",
            "the greedy action gets 1 - eps only, without its eps/|A| share",
            "pi(greedy) = 1 - eps + eps/|A|, pi(other) = eps/|A|",
            ("probs",),
        ),
        Mistake(
            "eps-over-others",
            "eps is split over the |A| - 1 other actions only",
            "pi(a) = eps/|A| for every a, plus 1 - eps for the greedy action",
            ("probs",),
        ),
        Mistake(
            "eps-swapped",
            "eps and 1 - eps are swapped: eps goes to the greedy action",
            "pi(greedy) = 1 - eps + eps/|A|, pi(other) = eps/|A|",
            ("probs",),
        ),
        Mistake(
            "ties-not-shared",
            "tied greedy actions do not share the greedy mass: it all goes to the first",
            "each of the n tied actions gets (1 - eps)/n + eps/|A|",
            ("greedy", "probs"),
        ),
    ),
    "value-iteration": (
        Mistake(
            "mean-over-actions",
            "the mean over the actions is taken instead of the max",
            "V(s) = max_a [r(s,a) + gamma sum_s' P(s'|s,a) V(s')]",
            _VI,
        ),
        Mistake(
            "no-gamma",
            "gamma is forgotten in the backup",
            "V(s) = max_a [r(s,a) + gamma sum_s' P(s'|s,a) V(s')]",
            _VI,
        ),
        Mistake(
            "reward-next-state",
            "the reward of the next state R(s') is collected instead of R(s)",
            "V(s) = R(s) + gamma max_a sum_s' P(s'|s,a) V(s')",
            _VI,
        ),
    ),
    "policy-eval": (
        Mistake(
            "no-gamma",
            "gamma is forgotten in the backup",
            "V(s) = r_pi(s) + gamma sum_s' P_pi(s,s') V(s')",
            _PE,
        ),
        Mistake(
            "reward-next-state",
            "the reward of the next state R(s') is collected instead of R(s)",
            "V(s) = R(s) + gamma sum_s' P_pi(s,s') V(s')",
            _PE,
        ),
        Mistake(
            "policy-ignored",
            "the policy was ignored: every action weighted equally",
            "V^pi(s) = sum_a pi(a|s) [r(s,a) + gamma sum_s' P(s'|s,a) V^pi(s')]",
            _PE,
        ),
    ),
}

# Where each slip shows when the command's own example does not (dlcalc mistakes runs these)
_MDP = '{"P": [[[0.5,0.5],[0,1]], [[1,0],[0,1]]], "R": [0, 1]}'
_DQN = {"r": 1, "gamma": 0.99, "q_next": "2,5,3", "q_sa": 4}
_EXAMPLES = {
    ("policy-eval", "no-gamma"): {"mdp": _MDP, "policy": "1,1", "gamma": 0.9,
                                  "method": "iterative", "max_iters": 3},
    ("dqn-target", "bootstrap-terminal"): {**_DQN, "terminal": True},
    ("dqn-target", "double-online-value"): {"r": 1, "gamma": 0.99, "q_next": "2,5,3",
                                            "q_next_online": "1,0,4"},
    ("dqn-target", "double-target-max"): {"r": 1, "gamma": 0.99, "q_next": "2,5,3",
                                          "q_next_online": "1,0,4"},
}  # fmt: skip
for (_command, _id), _example in _EXAMPLES.items():
    next(m for m in MISTAKES[_command] if m.id == _id).example = _example
