"""Reinforcement learning: return, qlearn, value-iteration, policy-eval, dqn-target, egreedy.

CONTRACT section 2, "Reinforcement learning". MDPs come as JSON (--mdp) or as grid-world
text (--grid); see the description of value-iteration for both formats.
"""

from dlcalc.ops import REQUIRED, Op, Param

_GAMMA = Param("gamma", "float", "discount factor gamma in [0, 1]", default=REQUIRED, lo=0, hi=1)

_MDP_FORMATS = (
    'MDP as --mdp JSON (or @file.json): {"P": [s][a][s\'] = P(s\'|s,a), "R": [s] | [s][a] | '
    '[s][a][s\'], optional "terminal": [state indices], "states"/"actions": names}; '
    "R per state is the slides' r(s), collected in s (V(s) = R(s) + gamma max_a sum P V); a "
    "terminal state is worth r(s) and ends the episode. Or as --grid text: rows separated by "
    "';' (or new lines), cells by spaces: '.' a cell with reward --step-reward, 'S' the start, "
    "'#' a wall, a number (+1, -1, 10) a terminal cell with that reward, 'G' a terminal worth "
    "--goal-reward, 'T' a terminal worth 0, '(x)' a non-terminal cell with reward x. Grid "
    "states are the non-wall cells in row-major order; actions 0..3 = up, right, down, left; "
    "a move goes the intended way with probability 1 - --slip and sideways with --slip/2 each; "
    "walls and edges leave the agent in place. E.g. --grid '. . . +1; . # . -1; S . . .' "
    "--step-reward -0.04 --slip 0.2 (Russell & Norvig's 4x3 world)."
)

_MDP_PARAMS = (
    Param(
        "mdp",
        "parsed",
        'MDP as JSON or @file.json: {"P": [s][a][s\'], "R": ...}',
        parser="dlcalc.parse.rl:mdp_param",
    ),
    Param(
        "grid",
        "parsed",
        "grid world text or @file.txt, e.g. '. . . +1; . # . -1; S . . .' (instead of --mdp)",
        parser="dlcalc.parse.rl:grid_param",
    ),
    Param("step_reward", "float", "--grid: reward of an ordinary cell (default 0)"),
    Param("slip", "float", "--grid: probability of slipping sideways (default 0)", lo=0, hi=1),
    Param("goal_reward", "float", "--grid: reward of a 'G' cell (default 1)"),
)

_ITER_PARAMS = (
    # CONTRACT's --tol; on these commands --check's tolerance is spelled --check-tol.
    Param("tol", "float", "stop when max_s |V_k+1(s) - V_k(s)| < tol", default="1e-10", lo=0),
    Param("max_iters", "int", "cap on the number of sweeps", default="10000", lo=1, hi=100_000),
)

OPS = [
    Op(
        name="return",
        topic="rl",
        func="dlcalc.engine.rl.td:discounted_return",
        summary="Discounted return G_t of a reward sequence, for every t.",
        description="G_t = r_t + gamma r_{t+1} + gamma^2 r_{t+2} + ... = r_t + gamma G_{t+1}.",
        params=(
            Param("rewards", "vector", "rewards r_0, r_1, ..., r_{T-1}", default=REQUIRED),
            _GAMMA,
        ),
        result_keys=("value", "returns"),
        answers=("value",),
        example={"rewards": "1,0,0,10", "gamma": 0.9},
    ),
    Op(
        name="qlearn",
        topic="rl",
        func="dlcalc.engine.rl.td:qlearn",
        summary="Tabular Q-learning updates applied in order, with a table of each update.",
        description=(
            "target = r + gamma max_a' Q(s',a') (just r when done); "
            "Q(s,a) <- Q(s,a) + alpha (target - Q(s,a)). States and actions are 0-based; "
            "transitions are 's,a,r,s2[,done]' separated by ';' (done: 1/0/true/false). "
            "Answer: the final table q (check one entry as q[s,a]=...); each update t "
            "names target[t], td_error[t], q_new[t] and the table after it, q_t[t]."
        ),
        params=(
            Param(
                "transitions",
                "parsed",
                "'s,a,r,s2[,done]; ...' applied in order",
                default=REQUIRED,
                parser="dlcalc.parse.rl:transitions_param",
            ),
            Param("alpha", "float", "learning rate alpha in [0, 1]", default=REQUIRED, lo=0, hi=1),
            _GAMMA,
            Param("q", "matrix", "initial Q table, states x actions (default zeros)"),
            Param("states", "int", "number of states (with --actions: Q starts at 0)", lo=1),
            Param("actions", "int", "number of actions", lo=1),
        ),
        result_keys=("q", "updates"),
        answers=("q",),
        example={
            "q": "0,0; 0,0",
            "transitions": "0,1,1,1; 1,0,0,0; 0,1,1,1,done",
            "alpha": 0.5,
            "gamma": 0.9,
        },
    ),
    Op(
        name="value-iteration",
        topic="rl",
        func="dlcalc.engine.rl.value_iteration:value_iteration",
        summary="Value iteration (Bellman optimality backups): V*, Q*, greedy policy.",
        description=(
            "V_{k+1}(s) = max_a [r(s,a) + gamma sum_s' P(s'|s,a) V_k(s')] from V_0 = 0 until "
            "the largest change is below --tol (at most --max-iters sweeps; gamma = 1 may not "
            "converge). policy = argmax_a Q(s,a), lowest index on ties. Answer: v and policy; "
            "the sweeps are v_k[k]. " + _MDP_FORMATS
        ),
        params=(*_MDP_PARAMS, _GAMMA, *_ITER_PARAMS),
        result_keys=("v", "q", "policy", "iterations", "converged"),
        answers=("v", "policy"),
        example={
            "mdp": '{"P": [[[0.5,0.5],[0,1]], [[1,0],[0,1]]], "R": [0, 1]}',
            "gamma": 0.9,
        },
    ),
    Op(
        name="policy-eval",
        topic="rl",
        func="dlcalc.engine.rl.policy_eval:policy_eval",
        summary="Evaluate a fixed policy: iterative backups and the exact linear solve.",
        description=(
            "V = r_pi + gamma P_pi V: iteratively from V_0 = 0, and exactly as "
            "(I - gamma P_pi)^-1 r_pi (singular with gamma = 1 unless every state reaches a "
            "terminal). --policy: an action index per state ('0 1 1'), an S x A matrix of "
            "probabilities, 'random' (uniform), or for a grid arrows/names per state or laid "
            "out like the grid ('> > > +1; ^ # ^ -1; ^ < < <'). " + _MDP_FORMATS
        ),
        params=(
            Param(
                "policy",
                "parsed",
                "action per state, S x A probabilities, or 'random'",
                default=REQUIRED,
                parser="dlcalc.parse.rl:policy_param",
            ),
            *_MDP_PARAMS,
            _GAMMA,
            Param(
                "method",
                "choice",
                "exact linear solve, iterative, or both (compared)",
                default="both",
                choices=("both", "exact", "iterative"),
            ),
            *_ITER_PARAMS,
        ),
        result_keys=("v", "q", "iterations", "converged", "v_iterative"),
        answers=("v",),
        example={
            "mdp": '{"P": [[[0.5,0.5],[0,1]], [[1,0],[0,1]]], "R": [0, 1]}',
            "policy": "1,1",
            "gamma": 0.9,
        },
    ),
    Op(
        name="dqn-target",
        topic="rl",
        func="dlcalc.engine.rl.td:dqn_target",
        summary="DQN target r + gamma max_a' Q(s',a') (r if terminal) and squared loss.",
        description=(
            "y = r for a terminal s', else r + gamma max_a' Q(s',a'); with --q-sa the loss "
            "(y - Q(s,a))^2. --q-next-online gives Double DQN: a* from the online network, "
            "its value from --q-next (the target network)."
        ),
        params=(
            Param("r", "float", "reward r", default=REQUIRED),
            _GAMMA,
            Param("q_next", "vector", "Q(s', a') for each action a' (target network)"),
            Param("terminal", "bool", "s' is terminal: y = r", default=False),
            Param("q_sa", "float", "the network's Q(s, a), for the loss"),
            Param("q_next_online", "vector", "Double DQN: online network's Q(s', .)"),
        ),
        result_keys=("target", "loss", "td_error"),
        answers=("target",),
        example={"r": 1, "gamma": 0.99, "q_next": "2,5,3", "q_sa": 4},
    ),
    Op(
        name="egreedy",
        topic="rl",
        func="dlcalc.engine.rl.td:egreedy",
        summary="Epsilon-greedy action probabilities (ties share the greedy mass).",
        description=(
            "pi(a|s) = eps/|A| + (1 - eps)/n_greedy for each of the n_greedy actions tied for "
            "max Q, eps/|A| otherwise. --q may be an S x A matrix (one row per state)."
        ),
        params=(
            Param("q", "tensor", "Q(s, a) for each action (or an S x A matrix)", default=REQUIRED),
            Param(
                "epsilon",
                "float",
                "exploration rate epsilon in [0, 1]",
                default=REQUIRED,
                lo=0,
                hi=1,
            ),
        ),
        result_keys=("probs", "greedy"),
        answers=("probs",),
        example={"q": "1,3,3,0", "epsilon": 0.2},
    ),
]
