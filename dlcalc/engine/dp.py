"""Dynamic programming on a known MDP: value iteration and policy evaluation.

Both take the MDP as ``--mdp`` JSON or ``--grid`` text (see dlcalc.engine.mdp and
dlcalc.engine.gridworld) and use the backup

    Q(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V(s').
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from dlcalc import parse
from dlcalc.engine.mdp import ROW_TOL, Mdp, load_mdp
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, Table, fmt

_TABLE_STATES = 10  # V-per-iteration table only for MDPs this small
_TABLE_HEAD, _TABLE_TAIL = 21, 5
_STEP_STATES = 6  # backups written out state by state for MDPs this small
_COND_MAX = 1e12
_GRID_SWEEPS = 3  # V_1.. V_3 laid out on the grid


def _finite(v: np.ndarray, what: str) -> None:
    if not np.isfinite(v).all():
        raise ComputationError(f"{what}: the values overflowed (rewards too large for gamma)")


class _Run:
    """The sweeps of an iteration: the first and last value vectors, count, convergence."""

    __slots__ = ("head", "tail", "iterations", "converged", "delta")

    def __init__(self) -> None:
        self.head: list[np.ndarray] = []  # V_0 .. V_{_TABLE_HEAD - 1}
        self.tail: deque = deque(maxlen=_TABLE_TAIL)  # (k, V_k) of the last sweeps
        self.iterations, self.converged, self.delta = 0, False, float("inf")

    @property
    def last(self) -> np.ndarray:
        return self.tail[-1][1] if self.tail else self.head[-1]

    def rows(self) -> list[tuple[int, np.ndarray] | None]:
        """(k, V_k) for the table, with None where sweeps are skipped."""
        out: list[tuple[int, np.ndarray] | None] = list(enumerate(self.head))
        tail = [(k, v) for k, v in self.tail if k >= len(self.head)]
        if tail and tail[0][0] > len(self.head):
            out.append(None)
        return out + tail


def _iterate(update, v0: np.ndarray, theta: float, max_iters: int, what: str) -> _Run:
    """Run ``v <- update(v)`` from v0 until max|change| < theta or max_iters sweeps."""
    run = _Run()
    run.head.append(v0)
    v = v0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, max_iters + 1):
            new = update(v)
            _finite(new, what)
            run.delta = float(np.max(np.abs(new - v)))
            if k < _TABLE_HEAD:
                run.head.append(new)
            else:
                run.tail.append((k, new))
            run.iterations, v = k, new
            if run.delta < theta:
                run.converged = True
                break
    return run


def _q(mdp: Mdp, v: np.ndarray, gamma: float) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        q = mdp.backup(v, gamma)
    _finite(q, "Q")
    return q


def _iteration_table(mdp: Mdp, run: _Run, title: str) -> list[Table]:
    if mdp.n_states > _TABLE_STATES:
        return []
    rows = []
    for item in run.rows():
        if item is None:
            rows.append(("...", *["..."] * mdp.n_states))
        else:
            rows.append((item[0], *(float(x) for x in item[1])))
    return [Table(title, ("k", *(f"V({s})" for s in mdp.states)), rows)]


def _grid_outputs(
    mdp: Mdp, v: np.ndarray, policy: np.ndarray, run: _Run | None
) -> tuple[dict, list[Table]]:
    """Extra result keys (v_grid, policy_grid, states) and grid tables for --grid MDPs."""
    from dlcalc.engine.gridworld import ARROWS

    grid = mdp.grid
    if grid is None:
        return {}, []
    cells = grid.cells()
    arrows = {
        s: grid.tokens[i][j]
        if mdp.terminal[s]
        else (ARROWS[int(policy[s])] if policy[s] >= 0 else "*")
        for s, (i, j) in enumerate(cells)
    }
    cols = ("row", *(f"c{j}" for j in range(grid.cols)))

    def table(title: str, values: dict[int, str]) -> Table:
        return Table(title, cols, [(i, *r) for i, r in enumerate(grid.layout(values))])

    tables = []
    for k, vk in enumerate(run.head[1 : _GRID_SWEEPS + 1] if run is not None else [], start=1):
        if k < run.iterations:
            tables.append(
                table(f"V_{k} on the grid", {s: fmt(float(x), 4) for s, x in enumerate(vk)})
            )
    tables.append(table("V on the grid (# = wall)", {s: fmt(float(x), 4) for s, x in enumerate(v)}))
    tables.append(
        table("Policy on the grid (^ > v < = up right down left, * = stochastic)", arrows)
    )
    v_grid = [
        [float(v[grid.index[(i, j)]]) if (i, j) in grid.index else 0.0 for j in range(grid.cols)]
        for i in range(grid.rows)
    ]
    policy_rows = [" ".join(row) for row in grid.layout(arrows)]
    return {"v_grid": v_grid, "policy_grid": policy_rows, "states": mdp.states}, tables


def _backup_steps(mdp: Mdp, v: np.ndarray, gamma: float, k: int, *, greedy: bool) -> list[Step]:
    """The backups of one sweep written out per state (V_k -> V_{k+1})."""
    q = mdp.backup(v, gamma)
    steps = []
    for s in range(min(mdp.n_states, _STEP_STATES)):
        parts = [mdp.q_text(s, a, v, gamma) for a in range(mdp.n_actions)]
        if greedy and mdp.n_actions > 1 and not mdp.terminal[s]:
            sub = "max(" + ", ".join(parts) + ")"
            formula = f"V_{k + 1}(s) = max_a [r(s,a) + gamma sum_s' P(s'|s,a) V_{k}(s')]"
        else:
            sub = parts[0]
            formula = (
                f"V_{k + 1}(s) = r(s) (terminal)"
                if mdp.terminal[s]
                else f"V_{k + 1}(s) = r(s,a) + gamma sum_s' P(s'|s,a) V_{k}(s')"
            )
        steps.append(Step(f"V_{k + 1}({mdp.states[s]})", formula, sub, float(q[s].max())))
    return steps


def _ties(mdp: Mdp, q: np.ndarray) -> list[int]:
    best = q.max(axis=1, keepdims=True)
    close = np.abs(q - best) <= 1e-9 * np.maximum(1.0, np.abs(best))
    return [s for s in range(mdp.n_states) if close[s].sum() > 1 and not mdp.terminal[s]]


def value_iteration(
    *,
    mdp: Any = None,
    grid: str | None = None,
    gamma: float,
    theta: float = 1e-10,
    max_iters: int = 10_000,
    step_reward: float | None = None,
    slip: float | None = None,
    goal_reward: float | None = None,
) -> Solution:
    """Bellman optimality backups V_{k+1}(s) = max_a Q_k(s, a) from V_0 = 0 until max|dV| < theta.

    Q_k(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V_k(s').
    Result: v (S,), q (S x A), policy (S,) = argmax_a Q (lowest index on ties),
    iterations (sweeps done), converged.
    """
    model = _load(mdp, grid, step_reward, slip, goal_reward)
    v0 = np.zeros(model.n_states)
    run = _iterate(
        lambda v: model.backup(v, gamma).max(axis=1), v0, theta, max_iters, "value iteration"
    )
    v, iterations, converged, delta = run.last, run.iterations, run.converged, run.delta
    q = _q(model, v, gamma)
    policy = q.argmax(axis=1)

    steps = []
    if model.n_states <= _STEP_STATES:
        for k in range(min(2, iterations)):
            steps += _backup_steps(model, run.head[k], gamma, k, greedy=True)
    steps.append(
        Step(
            "Stop",
            "max_s |V_{k+1}(s) - V_k(s)| < theta",
            f"max change {fmt(delta, 3)} after {iterations} iterations (theta {fmt(theta)})",
            v,
        )
    )
    steps.append(Step("Q from V", "Q(s,a) = r(s,a) + gamma sum_s' P(s'|s,a) V(s')", "", q))
    steps.append(Step("Greedy policy", "pi*(s) = argmax_a Q(s,a)", "", policy))
    notes = _common_notes(model)
    if not converged:
        notes.append(
            f"did not converge within --max-iters {max_iters} (last max change {fmt(delta, 3)})"
            + ("; with --gamma 1 values may grow without bound" if gamma == 1 else "")
        )
    tied = _ties(model, q)
    if tied:
        names = ", ".join(model.states[s] for s in tied[:10])
        notes.append(f"tied best actions in {names}: the policy takes the lowest action index")
    result: dict[str, Any] = {
        "v": v,
        "q": q,
        "policy": policy,
        "iterations": iterations,
        "converged": converged,
    }
    extra, grid_tables = _grid_outputs(model, v, policy, run)
    result.update(extra)
    tables = _iteration_table(model, run, "V per iteration") + grid_tables
    return Solution(result=result, steps=steps, notes=notes, tables=tables)


def _load(mdp: Any, grid: str | None, step_reward, slip, goal_reward) -> Mdp:
    if mdp is not None:
        for name, val in (
            ("step_reward", step_reward),
            ("slip", slip),
            ("goal_reward", goal_reward),
        ):
            if val is not None:
                raise InputError(f"--{name.replace('_', '-')}: only applies to --grid, not --mdp")
    return load_mdp(mdp=mdp, grid=grid, step_reward=step_reward, slip=slip, goal_reward=goal_reward)


def _common_notes(mdp: Mdp) -> list[str]:
    notes = []
    if mdp.reward_form == "R(s)":
        notes.append("rewards per state (the slides' r(s)): a state's reward is collected in it")
    elif mdp.reward_form == "R(s,a,s')":
        notes.append("r(s,a) = sum_s' P(s'|s,a) R(s,a,s') (expected immediate reward)")
    if mdp.terminal.any():
        notes.append("terminal states: V(s) = r(s) (the episode ends; no discounted future)")
    if mdp.grid is not None:
        notes.append(
            "actions 0..3 = up, right, down, left; states are the non-wall cells (row,col)"
        )
    return notes


def _policy_matrix(mdp: Mdp, policy: Any) -> np.ndarray:
    """--policy (names/arrows, an action per state, an S x A matrix, or 'random') -> S x A."""
    n, m = mdp.n_states, mdp.n_actions
    if isinstance(policy, str):
        text = policy.strip()
        if text.lower() in {"random", "uniform"}:
            return np.full((n, m), 1.0 / m)
        if not text.startswith("@"):
            from dlcalc.engine.gridworld import policy_tokens

            actions = policy_tokens(mdp, text)
            if actions is not None:
                return np.eye(m)[actions]
    arr = parse.parse_tensor(policy, "policy")
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim == 1:
        if arr.shape[0] != n:
            raise InputError(f"--policy: expected one action per state ({n}), got {arr.shape[0]}")
        for s, a in enumerate(arr):
            if a != int(a) or not 0 <= a < m:
                raise InputError(
                    f"--policy: action {fmt(float(a))} for state {s} is not an action index "
                    f"0..{m - 1}"
                )
        return np.eye(m)[arr.astype(np.int64)]
    if arr.shape != (n, m):
        shape = "x".join(map(str, arr.shape))
        raise InputError(
            f"--policy: expected {n}x{m} (states x actions) probabilities, got {shape}"
        )
    bad = np.argwhere((arr < 0) | (arr > 1))
    if bad.size:
        s, a = (int(i) for i in bad[0])
        raise InputError(f"--policy: pi({a}|{s}) = {arr[s, a]:g} is not a probability")
    sums = arr.sum(axis=1)
    bad_rows = np.flatnonzero(np.abs(sums - 1.0) > ROW_TOL)
    if bad_rows.size:
        s = int(bad_rows[0])
        raise InputError(f"--policy: row {s} (state {s}) sums to {sums[s]:.12g}, expected 1")
    return arr


def policy_eval(
    *,
    policy: Any,
    mdp: Any = None,
    grid: str | None = None,
    gamma: float,
    method: str = "both",
    theta: float = 1e-10,
    max_iters: int = 10_000,
    step_reward: float | None = None,
    slip: float | None = None,
    goal_reward: float | None = None,
) -> Solution:
    """V^pi for a fixed policy: iterative backups and the exact linear solve.

    r_pi(s) = sum_a pi(a|s) r(s,a); P_pi(s,s') = (1 - terminal[s]) sum_a pi(a|s) P(s'|s,a).
    Iterative: V_{k+1} = r_pi + gamma P_pi V_k from V_0 = 0. Exact: (I - gamma P_pi) V = r_pi.
    Result: v (S,), q (S x A) = Q^pi, iterations, converged (and v_iterative with both).
    """
    model = _load(mdp, grid, step_reward, slip, goal_reward)
    pi = _policy_matrix(model, policy)
    n = model.n_states
    r_pi = (pi * model.r).sum(axis=1)
    p_pi = np.einsum("sa,sak->sk", pi, model.p) * (~model.terminal)[:, None]
    steps = [
        Step("Reward under pi", "r_pi(s) = sum_a pi(a|s) r(s,a)", "", r_pi),
        Step("Transitions under pi", "P_pi(s,s') = sum_a pi(a|s) P(s'|s,a)", "", p_pi),
    ]
    notes = _common_notes(model)
    result: dict[str, Any] = {}
    v_exact = v_iter = None
    run = None
    iterations, converged = 0, True
    if method in ("iterative", "both"):
        run = _iterate(
            lambda v: r_pi + gamma * (p_pi @ v), np.zeros(n), theta, max_iters, "policy evaluation"
        )
        v_iter, iterations, converged, delta = run.last, run.iterations, run.converged, run.delta
        if n <= _STEP_STATES and iterations:
            steps += _sweep_steps(model, r_pi, p_pi, run, gamma)
        steps.append(
            Step(
                "Iterative policy evaluation",
                "V_{k+1} = r_pi + gamma P_pi V_k, until max|V_{k+1} - V_k| < theta",
                f"max change {fmt(delta, 3)} after {iterations} sweeps",
                v_iter,
            )
        )
        if not converged:
            notes.append(
                f"iterative evaluation did not converge within --max-iters {max_iters} "
                f"(last max change {fmt(delta, 3)})"
            )
    if method in ("exact", "both"):
        v_exact = _solve(p_pi, r_pi, gamma, n)
        steps.append(
            Step(
                "Exact solution",
                "(I - gamma P_pi) V = r_pi  =>  V = (I - gamma P_pi)^-1 r_pi",
                _equations(model, r_pi, p_pi, gamma) if n <= _STEP_STATES else "",
                v_exact,
            )
        )
    v = v_exact if v_exact is not None else v_iter
    q = _q(model, v, gamma)
    steps.append(Step("Q under pi", "Q^pi(s,a) = r(s,a) + gamma sum_s' P(s'|s,a) V^pi(s')", "", q))
    result.update({"v": v, "q": q, "iterations": iterations, "converged": converged})
    if method == "both":
        result["v_iterative"] = v_iter
        diff = float(np.max(np.abs(v_iter - v_exact)))
        result["max_diff"] = diff
        notes.append(f"iterative and exact values differ by at most {fmt(diff, 3)}")
    shown = np.where(pi.max(axis=1) == 1.0, pi.argmax(axis=1), -1)  # -1: stochastic (*)
    extra, grid_tables = _grid_outputs(model, v, shown, run)
    result.update(extra)
    tables = _iteration_table(model, run, "V per sweep") if run is not None else []
    return Solution(result=result, steps=steps, notes=notes, tables=tables + grid_tables)


def _pi_terms(mdp: Mdp, p_pi: np.ndarray, s: int, value) -> str:
    """``0.2*V(s0) + 0.8*V(s1)`` (value(k) gives each V text), nonzero P_pi only."""
    return " + ".join(
        f"{fmt(float(p_pi[s, k]))}*{value(k)}" for k in range(mdp.n_states) if p_pi[s, k] != 0
    )


def _sweep_steps(mdp: Mdp, r_pi, p_pi, run: _Run, gamma: float) -> list[Step]:
    """The first two sweeps V_0 -> V_1 -> V_2, state by state."""
    steps = []
    for k in range(min(2, run.iterations)):
        v = run.head[k]
        for s in range(mdp.n_states):
            terms = _pi_terms(mdp, p_pi, s, lambda j, v=v: fmt(float(v[j])))
            sub = fmt(float(r_pi[s])) + (f" + {fmt(gamma)}*({terms})" if terms else "")
            steps.append(
                Step(
                    f"V_{k + 1}({mdp.states[s]})",
                    f"V_{k + 1}(s) = r_pi(s) + gamma sum_s' P_pi(s,s') V_{k}(s')",
                    sub,
                    float(run.head[k + 1][s]),
                )
            )
    return steps


def _equations(mdp: Mdp, r_pi, p_pi, gamma: float) -> str:
    """The Bellman expectation equations, one per state, with the numbers."""
    eqs = []
    for s in range(mdp.n_states):
        terms = _pi_terms(mdp, p_pi, s, lambda j: f"V({mdp.states[j]})")
        rhs = fmt(float(r_pi[s])) + (f" + {fmt(gamma)}*({terms})" if terms else "")
        eqs.append(f"V({mdp.states[s]}) = {rhs}")
    return "; ".join(eqs)


def _solve(p_pi: np.ndarray, r_pi: np.ndarray, gamma: float, n: int) -> np.ndarray:
    a = np.eye(n) - gamma * p_pi
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cond = np.linalg.cond(a)
    if not np.isfinite(cond) or cond > _COND_MAX:
        raise ComputationError(
            "(I - gamma P_pi) is singular"
            + (
                ": with --gamma 1 some states never reach a terminal state, so their values "
                "are unbounded or undefined; use --gamma < 1 or --method iterative"
                if gamma == 1
                else ""
            )
        )
    try:
        v = np.linalg.solve(a, r_pi)
    except np.linalg.LinAlgError:
        raise ComputationError("(I - gamma P_pi) is singular; use --method iterative") from None
    _finite(v, "policy evaluation")
    return v
