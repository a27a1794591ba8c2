"""Grid worlds typed as text, converted to the MDP that value iteration and policy-eval use.

Format: rows separated by ``;`` or new lines, cells by spaces (or commas)::

    . . . +1
    . # . -1
    S . . .

``.`` (or ``_``) an ordinary cell, reward ``--step-reward``; ``S`` the start (an ordinary
cell); ``#`` (or ``X``) a wall; a number such as ``+1``/``-1``/``10`` a terminal cell with
that reward; ``G`` a terminal goal worth ``--goal-reward`` (default 1); ``T`` a terminal
cell worth 0; ``(x)`` an ordinary (non-terminal) cell with reward x instead of the step
reward. States are the non-wall cells in row-major order, named ``(row,col)`` from the top
left (0-based). Actions are up, right, down, left (0..3). A move goes the intended way
with probability 1 - slip and to each side (at right angles) with slip/2; bumping into a
wall or the edge leaves the agent where it is. Rewards follow the slides' r(s): a cell's
reward is collected in that cell, V(s) = r(s) + gamma max_a sum_s' P V(s'), and a terminal
cell is worth its reward (the episode ends there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.engine.rl.mdp import Mdp
from dlcalc.errors import InputError

ACTIONS = ("up", "right", "down", "left")
ARROWS = ("^", ">", "v", "<")
_MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))


class Grid:
    """A grid world: cell kinds, rewards and the state index of every non-wall cell."""

    __slots__ = ("rows", "cols", "tokens", "kind", "reward", "index", "start")

    def __init__(self, text: Any, *, step_reward: float, goal_reward: float) -> None:
        """From parsed ``--grid`` text (dlcalc.parse.rl:grid_param), whose cells without a
        reward of their own get ``step_reward`` (ordinary) or ``goal_reward`` (``G``)."""
        self.tokens = text.tokens
        self.rows, self.cols = text.rows, text.cols
        self.kind = [list(row) for row in text.kind]  # cell | wall | terminal
        self.reward: list[list[float | None]] = [
            [
                (step_reward if k == "cell" else goal_reward) if r is None and k != "wall" else r
                for k, r in zip(kinds, rewards, strict=True)
            ]
            for kinds, rewards in zip(text.kind, text.reward, strict=True)
        ]
        self.index: dict[tuple[int, int], int] = dict(text.index)
        self.start: int | None = text.start

    def cells(self) -> list[tuple[int, int]]:
        """Non-wall cells in state order."""
        return sorted(self.index, key=self.index.get)

    def layout(self, values: dict[int, str], wall: str = "#") -> list[list[str]]:
        """Grid-shaped text: ``values[state]`` in each state's cell, ``wall`` in walls."""
        out = []
        for i in range(self.rows):
            row = []
            for j in range(self.cols):
                s = self.index.get((i, j))
                row.append(wall if s is None else values[s])
            out.append(row)
        return out


def grid_mdp(
    text: Any,
    *,
    step_reward: float | None = None,
    slip: float | None = None,
    goal_reward: float | None = None,
) -> Mdp:
    """Parsed grid-world text (dlcalc.parse.rl:grid_param) -> Mdp (P: S x 4 x S,
    r(s, a) = the cell's reward, terminal mask)."""
    step = 0.0 if step_reward is None else step_reward
    slip_p = 0.0 if slip is None else slip
    if not 0.0 <= slip_p <= 1.0:
        raise InputError(f"--slip: expected a probability in [0, 1], got {slip_p}")
    grid = Grid(text, step_reward=step, goal_reward=1.0 if goal_reward is None else goal_reward)
    n = len(grid.index)
    p = np.zeros((n, 4, n))
    r = np.zeros((n, 4))
    terminal = np.zeros(n, dtype=bool)
    for (i, j), s in grid.index.items():
        r[s, :] = grid.reward[i][j]
        if grid.kind[i][j] == "terminal":
            terminal[s] = True
            p[s, :, s] = 1.0  # absorbing; never used, the backup stops at terminals
            continue
        for a in range(4):
            for b, prob in (
                (a, 1.0 - slip_p),
                ((a + 1) % 4, slip_p / 2),
                ((a + 3) % 4, slip_p / 2),
            ):
                if prob == 0:
                    continue
                di, dj = _MOVES[b]
                target = grid.index.get((i + di, j + dj), s)  # walls and edges: stay put
                p[s, a, target] += prob
    return Mdp(
        p=p,
        r=r,
        terminal=terminal,
        states=[f"({i},{j})" for i, j in grid.cells()],
        actions=list(ACTIONS),
        source="--grid",
        grid=grid,
        reward_form="R(s)",
    )


def policy_tokens(mdp: Mdp, tokens: list[str]) -> np.ndarray | None:
    """Actions typed as names or arrows (``> > v; ^ # v``, split into tokens by
    dlcalc.parse.rl:policy_param) -> action index per state.

    Accepts one token per state, or (for a grid) one per grid cell with walls and terminal
    cells holding anything. Returns None when the text is not of this form (numbers).
    """
    lookup = {name: k for k, name in enumerate(mdp.actions)}
    lookup.update({name.lower(): k for k, name in enumerate(mdp.actions)})
    if mdp.grid is not None:
        for k, (arrow, name) in enumerate(zip(ARROWS, ACTIONS, strict=True)):
            lookup.update({arrow: k, name[0]: k, "↑→↓←"[k]: k, "nesw"[k]: k})
    if not any(t in lookup or t.lower() in lookup for t in tokens):
        return None
    grid = mdp.grid
    if grid is not None and len(tokens) == grid.rows * grid.cols and len(tokens) != mdp.n_states:
        skip = [grid.kind[i][j] != "cell" for i in range(grid.rows) for j in range(grid.cols)]
        tokens = [t for t, sk in zip(tokens, skip, strict=True) if not sk]
        states = [s for (s, _) in enumerate(grid.cells()) if not mdp.terminal[s]]
    else:
        if len(tokens) != mdp.n_states:
            raise InputError(
                f"--policy: expected one action per state ({mdp.n_states}), got {len(tokens)}"
            )
        states = list(range(mdp.n_states))
    out = np.zeros(mdp.n_states, dtype=np.int64)
    for s, tok in zip(states, tokens, strict=True):
        k = lookup.get(tok, lookup.get(tok.lower()))
        if k is None:
            if mdp.terminal[s]:
                continue
            names = ", ".join(mdp.actions)
            raise InputError(
                f"--policy: unknown action {tok!r} for state {s} {mdp.states[s]} (expected {names}"
                + (", ^ > v <" if grid is not None else "")
                + ")"
            )
        out[s] = k
    return out
