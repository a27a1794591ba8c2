"""Reinforcement learning from samples: returns, Q-learning, DQN targets, epsilon-greedy.

(Planning on a known MDP, value iteration and policy evaluation, is in dlcalc.engine.rl.value_iteration.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import ComputationError, InputError, LimitError
from dlcalc.solution import Solution, Step, Table, as_exact, fmt

MAX_REWARDS = 100_000
_SHOW_TERMS = 12  # terms of sum_k gamma^k r_k written out
_SHOW_STEPS = 10  # recursion steps / updates written out as steps
_TABLE_ROWS = 200


def _check_finite(x: Any, what: str) -> None:
    if not np.isfinite(x).all():
        raise ComputationError(f"{what}: the values overflowed")


def discounted_return(*, rewards: np.ndarray, gamma: float) -> Solution:
    """G_t = sum_{k>=t} gamma^(k-t) r_k = r_t + gamma G_{t+1} (G_T = 0) for every t.

    rewards: (T,) r_0 .. r_{T-1}. Result: value = G_0, returns (T,).
    """
    n = rewards.shape[0]
    if n > MAX_REWARDS:
        raise LimitError(f"--rewards: {n:,} rewards; the limit is {MAX_REWARDS:,}")
    w = Working()
    # variant rules: gamma^(k+1) for reward k; gamma forgotten; discounting from the end
    off_by_one = w.slip("gamma-exponent-off-by-one")
    no_gamma = w.slip("no-discount")
    reversed_ = n > 1 and w.slip("discount-reversed")
    g_eff = 1.0 if no_gamma else gamma
    g = np.zeros(n)
    acc = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n - 1, -1, -1):
            if reversed_:  # sum_{k>=t} gamma^(T-1-k) r_k: the last reward undiscounted
                acc = float(rewards[t]) * g_eff ** (n - 1 - t) + acc
            elif off_by_one:  # sum_{k>=t} gamma^(k-t+1) r_k
                acc = g_eff * (float(rewards[t]) + acc)
            else:
                acc = float(rewards[t]) + g_eff * acc
            acc = float(w.keep("returns", acc, at=t))  # G_t, computed backwards
            g[t] = acc
    _check_finite(g, "return")
    returns = as_exact(g)
    value = w.keep("value", returns[0].item())

    def term(k: int) -> str:
        r = fmt(float(rewards[k]))
        if k == 0:
            return r
        return f"{fmt(gamma)}*{r}" if k == 1 else f"{fmt(gamma)}^{k}*{r}"

    shown = " + ".join(term(k) for k in range(min(n, _SHOW_TERMS)))
    if n > _SHOW_TERMS:
        shown += f" + ... ({n} terms)"
    steps = [
        Step(
            "Return from t = 0",
            "G_0 = r_0 + gamma r_1 + gamma^2 r_2 + ...",
            shown,
            value,
            name="value",
        )
    ]
    for t in range(n - 1, max(n - 1 - _SHOW_STEPS, -1), -1):
        nxt = "0" if t == n - 1 else fmt(float(g[t + 1]))
        steps.append(
            Step(
                f"G_{t}",
                f"G_{t} = r_{t} + gamma G_{t + 1}",
                f"{fmt(float(rewards[t]))} + {fmt(gamma)}*{nxt}",
                returns[t].item(),
            )
        )
    rows = [(t, float(rewards[t]), float(g[t])) for t in range(min(n, _TABLE_ROWS))]
    notes = [] if n <= _TABLE_ROWS else [f"the table lists the first {_TABLE_ROWS} steps"]
    return w.solution(
        {"value": value, "returns": returns},
        steps=steps,
        notes=notes,
        tables=[
            Table(
                "Returns (computed backwards: G_t = r_t + gamma G_{t+1})", ("t", "r_t", "G_t"), rows
            )
        ],
    )


def _in_range(transitions: list[tuple], n_states: int, n_actions: int) -> list[tuple]:
    """The parsed transitions (dlcalc.parse.rl:transitions_param), indices checked against
    the Q table's states and actions."""
    for i, (s, a, _r, s2, _done) in enumerate(transitions, start=1):
        where = f"--transitions: transition {i}"
        for k, n, what in ((s, n_states, "state s"), (a, n_actions, "action a")):
            if not 0 <= k < n:
                raise InputError(f"{where}: {what} = {k} out of range (0..{n - 1})")
        if not 0 <= s2 < n_states:
            raise InputError(f"{where}: next state s2 = {s2} out of range (0..{n_states - 1})")
    return transitions


def qlearn(
    *,
    transitions: list[tuple],
    alpha: float,
    gamma: float,
    q: np.ndarray | None = None,
    states: int | None = None,
    actions: int | None = None,
) -> Solution:
    """Tabular Q-learning updates applied in order.

    target = r + gamma max_a' Q(s', a') (just r when done);
    Q(s, a) <- Q(s, a) + alpha (target - Q(s, a)).
    q: initial S x A table (or zeros of --states x --actions). Result: q, updates.
    """
    if q is None:
        if states is None or actions is None:
            raise InputError("--q: give the initial Q table, or --states and --actions for zeros")
        table = np.zeros((states, actions))
    else:
        if states is not None and q.shape[0] != states:
            raise InputError(f"--q: has {q.shape[0]} rows but --states is {states}")
        if actions is not None and q.shape[1] != actions:
            raise InputError(f"--q: has {q.shape[1]} columns but --actions is {actions}")
        table = q.astype(np.float64, copy=True)
    n_s, n_a = table.shape
    w = Working()
    updates, steps, rows = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for t, (s, a, r, s2, done) in enumerate(_in_range(transitions, n_s, n_a)):
            i = t + 1
            # variant rules: Q(s', a) of the action taken instead of the max; gamma
            # forgotten; bootstrapping from a terminal s'; Q <- target (alpha forgotten);
            # the TD error the wrong way round (Q - target)
            if w.slip("q-of-action-taken"):
                best = float(table[s2, a])
            else:
                best = float(table[s2].max())
            row = ", ".join(fmt(float(x)) for x in table[s2])  # before the update
            g_eff = 1.0 if w.slip("no-gamma") else gamma
            cut = done and not w.slip("bootstrap-terminal")
            target = float(w.keep("target", r if cut else r + g_eff * best, at=t))
            q_old = float(table[s, a])
            td = float(
                w.keep("td_error", q_old - target if w.slip("td-sign") else target - q_old, at=t)
            )
            q_new = target if w.slip("no-alpha") else q_old + alpha * td
            q_new = float(w.keep("q_new", q_new, at=t))
            if not all(np.isfinite([target, td, q_new])):
                raise ComputationError(f"--transitions: transition {i}: the values overflowed")
            table[s, a] = q_new
            # the table after update t: a wrong earlier Q carries into later targets
            table = np.array(w.keep("q_t", table.copy(), at=t), dtype=np.float64)
            updates.append(
                {
                    "s": s,
                    "a": a,
                    "r": r,
                    "s_next": s2,
                    "target": target,
                    "td_error": td,
                    "q_old": q_old,
                    "q_new": q_new,
                }
            )
            rows.append((i, s, a, r, s2, "yes" if done else "", target, td, q_old, q_new))
            if i <= _SHOW_STEPS:
                row = row if not done else ""
                tgt = (
                    f"{fmt(r)} (done)"
                    if done
                    else f"{fmt(r)} + {fmt(gamma)}*max({row}) = {fmt(target)}"
                )
                steps.append(
                    Step(
                        f"Update {i}: Q({s},{a}) from (s={s}, a={a}, r={fmt(r)}, s'={s2})",
                        "Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]",
                        f"target = {tgt}; Q = {fmt(q_old)} + {fmt(alpha)}*({fmt(target)} - "
                        f"{fmt(q_old)})",
                        q_new,
                    )
                )
    table = w.keep("q", table)
    steps.append(Step("Final Q table", "Q(s,a), rows s, columns a", "", table))
    notes = []
    if len(updates) > _SHOW_STEPS:
        notes.append(f"the first {_SHOW_STEPS} updates are written out; the table lists all")
    cols = ("t", "s", "a", "r", "s'", "done", "target", "TD error", "Q old", "Q new")
    return w.solution(
        {"q": table, "updates": updates},
        steps=steps,
        notes=notes,
        tables=[Table("Q-learning updates", cols, rows[:_TABLE_ROWS])],
    )


def dqn_target(
    *,
    r: float,
    gamma: float,
    q_next: np.ndarray | None = None,
    terminal: bool = False,
    q_sa: float | None = None,
    q_next_online: np.ndarray | None = None,
) -> Solution:
    """DQN target y = r (terminal) or r + gamma max_a' Q(s', a'); loss = (y - Q(s, a))^2.

    q_next: (A,) target-network Q(s', .). With q_next_online (Double DQN) the action is
    argmax of the online network's Q(s', .) and its value is read from q_next.
    """
    w = Working()
    steps = []
    notes = []
    g_eff = 1.0 if w.slip("no-gamma") else gamma
    # a terminal s' is bootstrapped from (when its Q values are given)
    cut = terminal and not (q_next is not None and w.slip("bootstrap-terminal"))
    if cut:
        target = w.keep("target", r)
        steps.append(Step("Target (terminal s')", "y = r", fmt(r), target, name="target"))
        if q_next is not None:
            notes.append("s' is terminal: --q-next is not used")
    else:
        if q_next is None:
            raise InputError("--q-next: required unless --terminal (Q(s', a') for each a')")
        values = ", ".join(fmt(float(x)) for x in q_next)
        if q_next_online is not None:
            if q_next_online.shape != q_next.shape:
                raise InputError(
                    f"--q-next-online: expected {q_next.shape[0]} values like --q-next, "
                    f"got {q_next_online.shape[0]}"
                )
            a_star = int(w.keep("a_star", int(q_next_online.argmax())))
            # Double DQN slips: Q(s', a*) read from the online network; the target
            # network's max taken, ignoring a* (plain DQN)
            if w.slip("double-online-value"):
                best = float(q_next_online[a_star])
            elif w.slip("double-target-max"):
                best = float(q_next.max())
            else:
                best = float(q_next[a_star])
            steps.append(
                Step(
                    "Double DQN action",
                    "a* = argmax_a' Q_online(s', a')",
                    "argmax(" + ", ".join(fmt(float(x)) for x in q_next_online) + ")",
                    a_star,
                    name="a_star",
                )
            )
            target = w.keep("target", r + g_eff * best)
            steps.append(
                Step(
                    "Target",
                    "y = r + gamma Q_target(s', a*)",
                    f"{fmt(r)} + {fmt(gamma)}*{fmt(best)}",
                    target,
                    name="target",
                )
            )
        else:
            best = float(q_next.max())
            target = w.keep("target", r + g_eff * best)
            steps.append(
                Step(
                    "Target",
                    "y = r + gamma max_a' Q(s', a')",
                    f"{fmt(r)} + {fmt(gamma)}*max({values})",
                    target,
                    name="target",
                )
            )
    result: dict[str, Any] = {"target": target}
    if q_sa is not None:
        td = w.keep("td_error", q_sa - target if w.slip("td-sign") else target - q_sa)
        loss = w.keep("loss", abs(td) if w.slip("loss-not-squared") else td * td)
        result.update({"loss": loss, "td_error": td})
        steps.append(
            Step(
                "TD error",
                "delta = y - Q(s,a)",
                f"{fmt(target)} - {fmt(q_sa)}",
                td,
                name="td_error",
            )
        )
        steps.append(
            Step("Squared loss", "l = (y - Q(s,a))^2", f"({fmt(td)})^2", loss, name="loss")
        )
    if not all(np.isfinite(list(result.values()))):
        raise ComputationError("dqn-target: the values overflowed")
    return w.solution(result, steps=steps, notes=notes)


def egreedy(*, q: np.ndarray, epsilon: float) -> Solution:
    """epsilon-greedy probabilities: eps/|A| + (1 - eps)/n_greedy for each greedy action.

    Greedy actions are the ties for max_a Q(s, a) (within 1e-12 relative), sharing the
    greedy mass. q: (A,) for one state or S x A (one row of probabilities per state).
    """
    if q.ndim not in (1, 2):
        raise InputError(f"--q: expected a vector Q(s,.) or an S x A matrix, got {q.ndim}-D")
    table = q[None] if q.ndim == 1 else q
    n_a = table.shape[1]
    w = Working()
    best = table.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        greedy_mask = np.abs(table - best) <= 1e-12 * np.maximum(1.0, np.abs(best))
    n_greedy = greedy_mask.sum(axis=1, keepdims=True)
    if n_greedy.max() > 1 and w.slip("ties-not-shared"):
        # all the greedy mass to the first of the tied actions
        greedy_mask = greedy_mask & (np.cumsum(greedy_mask, axis=1) == 1)
        n_greedy = greedy_mask.sum(axis=1, keepdims=True)
    greedy = [np.flatnonzero(row).tolist() for row in greedy_mask]
    greedy = w.keep("greedy", greedy[0] if q.ndim == 1 else greedy)
    if q.ndim == 1:
        greedy = [greedy]
    greedy = [[int(a) for a in np.atleast_1d(np.asarray(row, dtype=float))] for row in greedy]
    greedy_mask = np.zeros(table.shape, dtype=bool)  # from the (kept) greedy actions
    for i, row in enumerate(greedy):
        greedy_mask[i, row] = True
    n_greedy = np.maximum(greedy_mask.sum(axis=1, keepdims=True), 1)
    # variant rules: the greedy action gets 1 - eps only (not eps/|A| as well); the
    # non-greedy share eps/(|A| - 1) with the greedy 1 - eps; eps and 1 - eps swapped
    if w.slip("greedy-no-share"):
        probs = np.where(greedy_mask, (1.0 - epsilon) / n_greedy, epsilon / n_a)
    elif n_a > 1 and w.slip("eps-over-others"):
        probs = np.where(greedy_mask, (1.0 - epsilon) / n_greedy, epsilon / (n_a - 1))
    elif w.slip("eps-swapped"):
        probs = (1.0 - epsilon) / n_a + np.where(greedy_mask, epsilon / n_greedy, 0.0)
    else:
        probs = epsilon / n_a + np.where(greedy_mask, (1.0 - epsilon) / n_greedy, 0.0)
    probs = np.asarray(w.keep("probs", probs[0] if q.ndim == 1 else probs), dtype=float)
    probs = probs.reshape(table.shape)
    steps = []
    for i in range(min(table.shape[0], _SHOW_STEPS)):
        who = "" if q.ndim == 1 else f" in state {i}"
        g = greedy[i]
        steps.append(
            Step(
                f"Greedy actions{who}",
                "argmax_a Q(s,a)",
                "argmax(" + ", ".join(fmt(float(x)) for x in table[i]) + ")",
                g,
            )
        )
        steps.append(
            Step(
                f"Probabilities{who}",
                "pi(a|s) = eps/|A| + (1 - eps)/n_greedy if a is greedy, else eps/|A|",
                f"greedy: {fmt(epsilon)}/{n_a} + (1 - {fmt(epsilon)})/{len(g)} = "
                f"{fmt(float(probs[i, g[0]]))}"
                + (f"; other: {fmt(epsilon)}/{n_a} = {fmt(epsilon / n_a)}" if len(g) < n_a else ""),
                probs[i],
                name="probs" if q.ndim == 1 else "",
            )
        )
    out = probs[0] if q.ndim == 1 else probs
    return w.solution({"probs": out, "greedy": greedy[0] if q.ndim == 1 else greedy}, steps=steps)
