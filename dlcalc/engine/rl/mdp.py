"""Finite MDPs for value iteration and policy evaluation (``--mdp`` JSON is parsed and
checked in dlcalc.parse.rl; ``--grid`` worlds are built in dlcalc.engine.rl.gridworld).

An MDP here is P (S x A x S', P[s, a, s'] = P(s' | s, a)), the expected immediate
reward r (S x A, r[s, a] = sum_s' P[s, a, s'] R(s, a, s')) and a terminal mask (S,).
Every backup is

    Q(s, a) = r(s, a) + gamma * (1 - terminal[s]) * sum_s' P(s' | s, a) V(s')

R may be given per state (the slides' r(s): R(s, a, s') = R[s], so
V(s) = R(s) + gamma max_a sum_s' P V(s'), and a terminal state is worth its own reward),
per state-action, or per transition.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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


def mdp_from_json(spec: Any) -> Mdp:
    """The model from ``--mdp`` as dlcalc.parse.rl:mdp_param parsed and checked it:
    r(s, a) from R per state (copied to every action), per state-action, or per
    transition (averaged under P: r(s, a) = sum_s' P(s'|s,a) R(s,a,s'))."""
    p, rr, form = spec.p, spec.reward, spec.reward_form
    if form == "R(s)":
        r = np.repeat(rr[:, None], p.shape[1], axis=1)
    elif form == "R(s,a)":
        r = rr
    else:
        r = np.einsum("ijk,ijk->ij", p, rr)
    return Mdp(
        p=p,
        r=r,
        terminal=spec.terminal,
        states=list(spec.states),
        actions=list(spec.actions),
        source=spec.flag,
        reward_form=form,
    )
