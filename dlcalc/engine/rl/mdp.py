"""Finite MDPs for value iteration and policy evaluation: JSON input and validation.

An MDP here is P (S x A x S', P[s, a, s'] = P(s' | s, a)), the expected immediate
reward r (S x A, r[s, a] = sum_s' P[s, a, s'] R(s, a, s')) and a terminal mask (S,).
Every backup is

    Q(s, a) = r(s, a) + gamma * (1 - terminal[s]) * sum_s' P(s' | s, a) V(s')

R may be given per state (the slides' r(s): R(s, a, s') = R[s], so
V(s) = R(s) + gamma max_a sum_s' P V(s'), and a terminal state is worth its own reward),
per state-action, or per transition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlcalc import parse
from dlcalc.errors import InputError, LimitError

ROW_TOL = 1e-9  # rows of P must sum to 1 within this
MAX_STATES = 500


class Mdp:
    """P (S x A x S), expected reward r (S x A), terminal mask, state and action labels.

    ``source``: the flag the MDP came from (``--mdp`` or ``--grid``), used in messages;
    ``grid``: the parsed grid world when it came from ``--grid`` (for grid-shaped output).
    """

    __slots__ = ("p", "r", "terminal", "states", "actions", "source", "grid", "reward_form")

    def __init__(
        self,
        *,
        p: np.ndarray,
        r: np.ndarray,
        terminal: np.ndarray,
        states: list[str],
        actions: list[str],
        source: str,
        grid: Any = None,
        reward_form: str = "R(s,a)",
    ) -> None:
        self.p, self.r, self.terminal = p, r, terminal
        self.states, self.actions = states, actions
        self.source, self.grid, self.reward_form = source, grid, reward_form

    @property
    def n_states(self) -> int:
        return self.p.shape[0]

    @property
    def n_actions(self) -> int:
        return self.p.shape[1]

    def backup(self, v: np.ndarray, gamma: float) -> np.ndarray:
        """Q(s, a) = r(s, a) + gamma (1 - terminal[s]) sum_s' P(s'|s,a) V(s'); shape S x A."""
        cont = np.where(self.terminal, 0.0, gamma)[:, None]
        return self.r + cont * np.einsum("ijk,k->ij", self.p, v)

    def q_text(self, s: int, a: int, v: np.ndarray, gamma: float) -> str:
        """``r + gamma*(p1*V(s1) + p2*V(s2))`` with numbers, nonzero P terms only."""
        from dlcalc.solution import fmt

        head = fmt(float(self.r[s, a]))
        if self.terminal[s]:
            return head
        terms = [
            f"{fmt(float(self.p[s, a, k]))}*{fmt(float(v[k]))}"
            for k in range(self.n_states)
            if self.p[s, a, k] != 0
        ]
        return f"{head} + {fmt(gamma)}*({' + '.join(terms)})"


def _sub_error(exc: InputError, flag: str, what: str) -> InputError:
    """Re-label a parser error ``--mdp: ...`` as ``--mdp: P: ...``."""
    msg = str(exc)
    prefix = f"{flag}: "
    rest = msg[len(prefix) :] if msg.startswith(prefix) else msg
    return InputError(f"{flag}: {what}: {rest}")


def _array(value: Any, flag: str, what: str) -> np.ndarray:
    try:
        return parse.parse_tensor(value, flag.lstrip("-"))
    except LimitError:
        raise
    except InputError as exc:
        raise _sub_error(exc, flag, what) from None


def check_probabilities(p: np.ndarray, flag: str) -> None:
    """Entries in [0, 1] and every P(. | s, a) summing to 1 within ROW_TOL."""
    bad = np.argwhere((p < 0) | (p > 1))
    if bad.size:
        s, a, k = (int(i) for i in bad[0])
        raise InputError(
            f"{flag}: P[{s}][{a}][{k}] = {p[s, a, k]:g} is not a probability (expected [0, 1])"
        )
    sums = p.sum(axis=2)
    bad = np.argwhere(np.abs(sums - 1.0) > ROW_TOL)
    if bad.size:
        s, a = (int(i) for i in bad[0])
        raise InputError(
            f"{flag}: P[{s}][{a}] (next-state probabilities for state {s}, action {a}) "
            f"sums to {sums[s, a]:.12g}, expected 1"
        )


def _labels(value: Any, n: int, flag: str, what: str, default: list[str]) -> list[str]:
    if value is None:
        return default
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n:
        raise InputError(f"{flag}: {what!r} must be a list of {n} names")
    return [str(v) for v in value]


def _terminal(value: Any, n: int, flag: str) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if value is None:
        return mask
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | float) or int(item) != item:
            raise InputError(f"{flag}: 'terminal' must list state indices, got {item!r}")
        if not 0 <= int(item) < n:
            raise InputError(
                f"{flag}: terminal state {int(item)} out of range (states are 0..{n - 1})"
            )
        mask[int(item)] = True
    return mask


def mdp_from_json(value: Any, flag: str = "--mdp") -> Mdp:
    """``{"P": [s][a][s'], "R": [s] | [s][a] | [s][a][s'], "terminal"?, "states"?, "actions"?}``."""
    if not isinstance(value, Mapping):
        raise InputError(f'{flag}: expected a JSON object {{"P": [s][a][s\'], "R": ...}}')
    keys = {str(k) for k in value}
    unknown = keys - {"P", "R", "terminal", "states", "actions"}
    if unknown:
        raise InputError(
            f"{flag}: unknown key(s) {', '.join(sorted(unknown))} "
            "(expected P, R and optionally terminal, states, actions)"
        )
    for key in ("P", "R"):
        if key not in value:
            raise InputError(
                f"{flag}: missing {key!r} (P: [s][a][s'], R: [s] | [s][a] | [s][a][s'])"
            )
    p = _array(value["P"], flag, "P")
    if p.ndim != 3 or p.shape[0] != p.shape[2]:
        shape = "x".join(map(str, p.shape)) or "a single number"
        raise InputError(f"{flag}: P: expected S x A x S (P[s][a][s'] = P(s'|s,a)), got {shape}")
    n, m = p.shape[0], p.shape[1]
    if n > MAX_STATES:
        raise LimitError(f"{flag}: {n} states; the limit is {MAX_STATES}")
    check_probabilities(p, flag)
    rr = _array(value["R"], flag, "R")
    if rr.ndim == 0:
        rr = rr.reshape(1)
    if rr.shape == (n,):
        r, form = np.repeat(rr[:, None], m, axis=1), "R(s)"
    elif rr.shape == (n, m):
        r, form = rr, "R(s,a)"
    elif rr.shape == (n, m, n):
        r, form = np.einsum("ijk,ijk->ij", p, rr), "R(s,a,s')"
    else:
        shape = "x".join(map(str, rr.shape)) or "a single number"
        raise InputError(
            f"{flag}: R: expected {n} (per state), {n}x{m} (per state-action) or "
            f"{n}x{m}x{n} (per transition), got {shape}"
        )
    return Mdp(
        p=p,
        r=r,
        terminal=_terminal(value.get("terminal"), n, flag),
        states=_labels(value.get("states"), n, flag, "states", [f"s{i}" for i in range(n)]),
        actions=_labels(value.get("actions"), m, flag, "actions", [f"a{j}" for j in range(m)]),
        source=flag,
        reward_form=form,
    )


def load_mdp(
    *,
    mdp: Any = None,
    grid: str | None = None,
    step_reward: float = 0.0,
    slip: float = 0.0,
    goal_reward: float = 1.0,
) -> Mdp:
    """The MDP from exactly one of ``--mdp`` (JSON) and ``--grid`` (grid-world text)."""
    if (mdp is None) == (grid is None):
        raise InputError("--mdp: give exactly one of --mdp (JSON) and --grid (grid-world text)")
    if mdp is not None:
        return mdp_from_json(mdp)
    from dlcalc.engine.rl.gridworld import grid_mdp

    return grid_mdp(grid, step_reward=step_reward, slip=slip, goal_reward=goal_reward)
