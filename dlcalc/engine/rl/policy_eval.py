"""Policy evaluation for a fixed policy: iterative sweeps and the exact linear solve.

V = r_pi + gamma P_pi V with r_pi(s) = sum_a pi(a|s) r(s,a) and
P_pi(s,s') = (1 - terminal[s]) sum_a pi(a|s) P(s'|s,a); the MDP as in dlcalc.engine.rl.value_iteration.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.engine.rl.gridworld import policy_tokens
from dlcalc.engine.rl.mdp import ROW_TOL, Mdp
from dlcalc.engine.rl.value_iteration import (
    STEP_STATES,
    Run,
    common_notes,
    finite,
    grid_outputs,
    iterate,
    iteration_table,
    load,
    slipped_model,
)
from dlcalc.errors import ComputationError, InputError
from dlcalc.solution import Solution, Step, fmt

_COND_MAX = 1e12


def _policy_matrix(mdp: Mdp, policy: Any) -> np.ndarray:
    """--policy (dlcalc.parse.rl:policy_param: names/arrows, an action per state, an S x A
    matrix, or 'random') -> S x A, checked against the MDP's states and actions."""
    n, m = mdp.n_states, mdp.n_actions
    if policy.random:
        return np.full((n, m), 1.0 / m)
    if policy.tokens is not None:
        actions = policy_tokens(mdp, policy.tokens)
        if actions is not None:
            return np.eye(m)[actions]
    if policy.array is None:
        raise policy.error
    arr = policy.array
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
    grid: Any = None,
    gamma: float,
    method: str = "both",
    tol: float = 1e-10,
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
    model = load(mdp, grid, step_reward, slip, goal_reward)
    pi = _policy_matrix(model, policy)
    n = model.n_states
    w = Working()
    # variant rule: the policy ignored, every action weighted equally (a random policy)
    if not np.allclose(pi, 1.0 / pi.shape[1]) and w.slip("policy-ignored"):
        pi = np.full_like(pi, 1.0 / pi.shape[1])
    r_sa, gamma_used = slipped_model(w, model, gamma)  # the variant rules of the backup
    r_pi = w.keep("r_pi", (pi * r_sa).sum(axis=1))
    p_pi = np.einsum("sa,sak->sk", pi, model.p) * (~model.terminal)[:, None]
    steps = [
        Step("Reward under pi", "r_pi(s) = sum_a pi(a|s) r(s,a)", "", r_pi, name="r_pi"),
        Step("Transitions under pi", "P_pi(s,s') = sum_a pi(a|s) P(s'|s,a)", "", p_pi),
    ]
    notes = common_notes(model)
    result: dict[str, Any] = {}
    v_exact = v_iter = None
    run = None
    iterations, converged = 0, True
    if method in ("iterative", "both"):
        run = iterate(
            lambda v: r_pi + gamma_used * (p_pi @ v),
            np.zeros(n),
            tol,
            max_iters,
            "policy evaluation",
            keep=lambda v, k: w.keep("v_k", v, at=k),
            cost=n * n,
        )
        v_iter, iterations, converged, delta = run.last, run.iterations, run.converged, run.delta
        if n <= STEP_STATES and iterations:
            steps += _sweep_steps(model, r_pi, p_pi, run, gamma)
        v_iter = np.asarray(w.keep("v_iterative", v_iter), dtype=np.float64)
        steps.append(
            Step(
                "Iterative policy evaluation",
                "V_{k+1} = r_pi + gamma P_pi V_k, until max|V_{k+1} - V_k| < tol",
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
        v_exact = _solve(p_pi, r_pi, gamma_used, n)
        steps.append(
            Step(
                "Exact solution",
                "(I - gamma P_pi) V = r_pi  =>  V = (I - gamma P_pi)^-1 r_pi",
                _equations(model, r_pi, p_pi, gamma) if n <= STEP_STATES else "",
                v_exact,
            )
        )
    v = np.asarray(w.keep("v", v_exact if v_exact is not None else v_iter), dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        cont = np.where(model.terminal, 0.0, gamma_used)[:, None]
        q = r_sa + cont * np.einsum("ijk,k->ij", model.p, v)
    finite(q, "Q")
    q = w.keep("q", q)
    steps.append(
        Step(
            "Q under pi",
            "Q^pi(s,a) = r(s,a) + gamma sum_s' P(s'|s,a) V^pi(s')",
            "",
            q,
            name="q",
        )
    )
    result.update({"v": v, "q": q, "iterations": iterations, "converged": converged})
    if method == "both":
        result["v_iterative"] = v_iter
        diff = float(np.max(np.abs(v_iter - v_exact)))
        result["max_diff"] = diff
        notes.append(f"iterative and exact values differ by at most {fmt(diff, 3)}")
    shown = np.where(pi.max(axis=1) == 1.0, pi.argmax(axis=1), -1)  # -1: stochastic (*)
    extra, grid_tables = grid_outputs(model, v, shown, run)
    result.update(extra)
    tables = iteration_table(model, run, "V per sweep") if run is not None else []
    return w.solution(result, steps=steps, notes=notes, tables=tables + grid_tables)


def _pi_terms(mdp: Mdp, p_pi: np.ndarray, s: int, value) -> str:
    """``0.2*V(s0) + 0.8*V(s1)`` (value(k) gives each V text), nonzero P_pi only."""
    return " + ".join(
        f"{fmt(float(p_pi[s, k]))}*{value(k)}" for k in range(mdp.n_states) if p_pi[s, k] != 0
    )


def _sweep_steps(mdp: Mdp, r_pi, p_pi, run: Run, gamma: float) -> list[Step]:
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
    finite(v, "policy evaluation")
    return v
