"""Dynamic programming on a known MDP: value iteration, and what policy evaluation shares.

Value iteration and policy evaluation (dlcalc.engine.rl.policy_eval) take the MDP as
``--mdp`` JSON or ``--grid`` text (see dlcalc.engine.rl.mdp and dlcalc.engine.rl.gridworld) and
use the backup

    Q(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V(s').
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.rl.gridworld import grid_mdp
from dlcalc.engine.rl.mdp import Mdp, mdp_from_json
from dlcalc.errors import ComputationError, InputError, LimitError
from dlcalc.solution import Solution, Step, Table, fmt

_TABLE_STATES = 10  # V-per-iteration table only for MDPs this small
_TABLE_HEAD, _TABLE_TAIL = 21, 5
STEP_STATES = 6  # backups written out state by state for MDPs this small
_GRID_SWEEPS = 3  # V_1.. V_3 laid out on the grid


def finite(v: np.ndarray, what: str) -> None:
    if not np.isfinite(v).all():
        raise ComputationError(f"{what}: the values overflowed (rewards too large for gamma)")


class Run:
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


WORK_BUDGET = 5_000_000_000  # multiply-adds over all sweeps (about 5 s)


def iterate(
    update, v0: np.ndarray, theta: float, max_iters: int, what: str, keep=None, cost: int = 1
) -> Run:
    """Run ``v <- update(v)`` from v0 until max|change| < theta or max_iters sweeps.

    keep(v, k): the value to go on with after sweep k (a Working's ``keep`` of ``v_k``
    row k, so a student's own V_1 carries into V_2 and on). cost: multiply-adds of one
    sweep (states x states x actions); a run that has not converged when the sweeps done
    reach WORK_BUDGET stops with an error naming --max-iters (500 states x 100,000 sweeps
    took 36 s).
    """
    limit = max(1, WORK_BUDGET // max(cost, 1))
    run = Run()
    run.head.append(v0)
    v = v0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, max_iters + 1):
            if k > limit:
                raise LimitError(
                    f"--max-iters: {what} did not converge in {limit:,} sweeps, the most this "
                    f"model ({cost:,} multiply-adds a sweep) may take; give fewer --max-iters "
                    "or a looser --tol"
                )
            new = update(v)
            if keep is not None:
                new = np.asarray(keep(new, k), dtype=np.float64)
            finite(new, what)
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


def q_table(mdp: Mdp, v: np.ndarray, gamma: float) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        q = mdp.backup(v, gamma)
    finite(q, "Q")
    return q


def iteration_table(mdp: Mdp, run: Run, title: str) -> list[Table]:
    if mdp.n_states > _TABLE_STATES:
        return []
    rows = []
    for item in run.rows():
        if item is None:
            rows.append(("...", *["..."] * mdp.n_states))
        else:
            rows.append((item[0], *(float(x) for x in item[1])))
    return [Table(title, ("k", *(f"V({s})" for s in mdp.states)), rows)]


def grid_outputs(
    mdp: Mdp, v: np.ndarray, policy: np.ndarray, run: Run | None
) -> tuple[dict, list[Table]]:
    """Extra result keys (v_grid, policy_grid, states) and grid tables for --grid MDPs."""
    from dlcalc.engine.rl.gridworld import ARROWS

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


def _backup_steps(
    mdp: Mdp, v: np.ndarray, gamma: float, k: int, *, greedy: bool, new: np.ndarray
) -> list[Step]:
    """The backups of one sweep written out per state (V_k -> V_{k+1} = ``new``)."""
    steps = []
    for s in range(min(mdp.n_states, STEP_STATES)):
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
        steps.append(Step(f"V_{k + 1}({mdp.states[s]})", formula, sub, float(new[s])))
    return steps


def _ties(mdp: Mdp, q: np.ndarray) -> list[int]:
    best = q.max(axis=1, keepdims=True)
    close = np.abs(q - best) <= 1e-9 * np.maximum(1.0, np.abs(best))
    return [s for s in range(mdp.n_states) if close[s].sum() > 1 and not mdp.terminal[s]]


def value_iteration(
    *,
    mdp: Any = None,
    grid: Any = None,
    gamma: float,
    tol: float = 1e-10,
    max_iters: int = 10_000,
    step_reward: float | None = None,
    slip: float | None = None,
    goal_reward: float | None = None,
) -> Solution:
    """Bellman optimality backups V_{k+1}(s) = max_a Q_k(s, a) from V_0 = 0 until max|dV| < tol.

    Q_k(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V_k(s').
    Result: v (S,), q (S x A), policy (S,) = argmax_a Q (lowest index on ties),
    iterations (sweeps done), converged.
    """
    model = load(mdp, grid, step_reward, slip, goal_reward)
    w = Working()
    backup = slipped_backup(w, model, gamma)
    # variant rule: the mean over the actions (a uniformly random policy) instead of the max
    over = np.mean if w.slip("mean-over-actions") else np.max
    v0 = np.zeros(model.n_states)
    run = iterate(
        lambda v: over(backup(v), axis=1),
        v0,
        tol,
        max_iters,
        "value iteration",
        keep=lambda v, k: w.keep("v_k", v, at=k),
        cost=model.n_states * model.n_states * model.n_actions,
    )
    v, iterations, converged, delta = run.last, run.iterations, run.converged, run.delta
    # gamma 1 run to the default cap without converging: no finite V* (an asked-for number
    # of sweeps, --max-iters 2, is V_2 whatever gamma: that is an answer, with a note)
    if gamma == 1 and not converged and max_iters == 10_000 and w.rule is None:
        raise InputError(
            f"--gamma: with gamma = 1 the values did not converge in {iterations} sweeps "
            f"(V still changes by {fmt(delta, 3)} per sweep): undiscounted values are finite "
            "only when every state reaches a terminal state; use --gamma below 1 or add "
            "terminal states"
        )
    v = np.asarray(w.keep("v", v), dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        q = backup(v)
    finite(q, "Q")
    q = np.asarray(w.keep("q", q), dtype=np.float64)
    policy = w.keep("policy", q.argmax(axis=1))

    steps = []
    if model.n_states <= STEP_STATES:
        for k in range(min(2, iterations)):
            steps += _backup_steps(model, run.head[k], gamma, k, greedy=True, new=run.head[k + 1])
    steps.append(
        Step(
            "Stop",
            "max_s |V_{k+1}(s) - V_k(s)| < tol",
            f"max change {fmt(delta, 3)} after {iterations} iterations (tol {fmt(tol)})",
            v,
            name="v",
        )
    )
    steps.append(
        Step("Q from V", "Q(s,a) = r(s,a) + gamma sum_s' P(s'|s,a) V(s')", "", q, name="q")
    )
    steps.append(Step("Greedy policy", "pi*(s) = argmax_a Q(s,a)", "", policy, name="policy"))
    notes = common_notes(model)
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
    extra, grid_tables = grid_outputs(model, v, policy, run)
    result.update(extra)
    tables = iteration_table(model, run, "V per iteration") + grid_tables
    return w.solution(result, steps=steps, notes=notes, tables=tables)


def slipped_model(w: Working, mdp: Mdp, gamma: float) -> tuple[np.ndarray, float]:
    """r(s, a) and gamma under the variant rules of a backup: gamma forgotten; with
    rewards per state, the reward of the next state collected instead of R(s)
    (r(s, a) = sum_s' P(s'|s,a) R(s') for a non-terminal s)."""
    g = 1.0 if w.slip("no-gamma") else gamma
    r = mdp.r
    if mdp.reward_form == "R(s)" and w.slip("reward-next-state"):
        r_next = np.einsum("ijk,k->ij", mdp.p, mdp.r[:, 0])
        r = np.where(mdp.terminal[:, None], mdp.r, r_next)
    return r, g


def slipped_backup(w: Working, mdp: Mdp, gamma: float):
    """Q(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V(s') as a function
    of V, under the variant rules of :func:`slipped_model`."""
    r, g = slipped_model(w, mdp, gamma)
    cont = np.where(mdp.terminal, 0.0, g)[:, None]
    return lambda v: r + cont * np.einsum("ijk,k->ij", mdp.p, v)


def load_mdp(
    *,
    mdp: Any = None,
    grid: Any = None,
    step_reward: float = 0.0,
    slip: float = 0.0,
    goal_reward: float = 1.0,
) -> Mdp:
    """The MDP from exactly one of ``--mdp`` (JSON) and ``--grid`` (grid-world text), as
    dlcalc.parse.rl:mdp_param and grid_param parsed them."""
    if (mdp is None) == (grid is None):
        raise InputError("--mdp: give exactly one of --mdp (JSON) and --grid (grid-world text)")
    if mdp is not None:
        return mdp_from_json(mdp)
    return grid_mdp(grid, step_reward=step_reward, slip=slip, goal_reward=goal_reward)


def load(mdp: Any, grid: Any, step_reward, slip, goal_reward) -> Mdp:
    """The MDP from --mdp or --grid; the grid-only options are refused with --mdp."""
    if mdp is not None:
        for name, val in (
            ("step_reward", step_reward),
            ("slip", slip),
            ("goal_reward", goal_reward),
        ):
            if val is not None:
                raise InputError(f"--{name.replace('_', '-')}: only applies to --grid, not --mdp")
    return load_mdp(mdp=mdp, grid=grid, step_reward=step_reward, slip=slip, goal_reward=goal_reward)


def common_notes(mdp: Mdp) -> list[str]:
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
