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

import numpy as np

from dlcalc import parse
from dlcalc.engine.rl.mdp import MAX_STATES, Mdp
from dlcalc.errors import InputError, LimitError

ACTIONS = ("up", "right", "down", "left")
ARROWS = ("^", ">", "v", "<")
_MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))
_EMPTY = {".", "_", "s"}
_WALL = {"#", "x"}


class Grid:
    """A parsed grid: cell kinds, rewards and the state index of every non-wall cell."""

    __slots__ = ("rows", "cols", "tokens", "kind", "reward", "index", "start")

    def __init__(self, tokens: list[list[str]]) -> None:
        self.tokens = tokens
        self.rows, self.cols = len(tokens), len(tokens[0])
        self.kind = [["cell"] * self.cols for _ in range(self.rows)]  # cell | wall | terminal
        self.reward: list[list[float | None]] = [[None] * self.cols for _ in range(self.rows)]
        self.index: dict[tuple[int, int], int] = {}
        self.start: int | None = None

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


def _split_rows(text: str) -> list[list[str]]:
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    tokens = [r.replace(",", " ").split() for r in rows]
    if not tokens:
        raise InputError("--grid: empty grid; expected rows like '. . . +1; . # . -1'")
    width = len(tokens[0])
    for i, row in enumerate(tokens[1:], start=2):
        if len(row) != width:
            raise InputError(f"--grid: row {i} has {len(row)} cells, row 1 has {width}")
    return tokens


def parse_grid(text: str, *, step_reward: float, goal_reward: float) -> Grid:
    """Grid text -> :class:`Grid` (cell kinds, rewards, state indices)."""
    if len(text) > 100_000:
        raise LimitError("--grid: longer than 100,000 characters")
    from_file = getattr(text, "path", None) is not None  # @file text: errors never quote it
    grid = Grid(_split_rows(text.translate(str.maketrans({"\u2212": "-"}))))
    for i, row in enumerate(grid.tokens):
        for j, tok in enumerate(row):
            low = tok.lower()
            where = f"row {i + 1}, column {j + 1}"
            if low in _WALL:
                grid.kind[i][j] = "wall"
                continue
            if low in _EMPTY:
                grid.reward[i][j] = step_reward
                if low == "s":
                    if grid.start is not None:
                        raise InputError(f"--grid: a second start cell S at {where}")
                    grid.start = len(grid.index)
            elif low == "g":
                grid.kind[i][j], grid.reward[i][j] = "terminal", goal_reward
            elif low == "t":
                grid.kind[i][j], grid.reward[i][j] = "terminal", 0.0
            elif tok.startswith("(") and tok.endswith(")"):
                grid.reward[i][j] = float(
                    _cell_number(tok[1:-1], None if from_file else tok, where)
                )
            else:
                grid.kind[i][j], grid.reward[i][j] = (
                    "terminal",
                    float(_cell_number(tok, None if from_file else tok, where)),
                )
            grid.index[(i, j)] = len(grid.index)
    if not grid.index:
        raise InputError("--grid: every cell is a wall; expected at least one state")
    if len(grid.index) > MAX_STATES:
        raise LimitError(f"--grid: {len(grid.index)} states; the limit is {MAX_STATES}")
    return grid


def _cell_number(body: str, tok: str | None, where: str) -> float:
    shown = f"{tok[:20]!r} " if tok is not None else ""  # None: from a file, never quoted
    try:
        return parse.number(body, "grid")
    except InputError:
        raise InputError(
            f"--grid: unknown cell {shown}at {where} (expected . S # G T, a number for a "
            "terminal reward, or (x) for a cell with reward x)"
        ) from None


def grid_mdp(
    text: str,
    *,
    step_reward: float | None = None,
    slip: float | None = None,
    goal_reward: float | None = None,
) -> Mdp:
    """Grid-world text -> Mdp (P: S x 4 x S, r(s, a) = the cell's reward, terminal mask)."""
    step = 0.0 if step_reward is None else step_reward
    slip_p = 0.0 if slip is None else slip
    if not 0.0 <= slip_p <= 1.0:
        raise InputError(f"--slip: expected a probability in [0, 1], got {slip_p}")
    grid = parse_grid(
        text, step_reward=step, goal_reward=1.0 if goal_reward is None else goal_reward
    )
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


def policy_tokens(mdp: Mdp, raw: str) -> np.ndarray | None:
    """Actions typed as names or arrows (``> > v; ^ # v``) -> action index per state.

    Accepts one token per state, or (for a grid) one per grid cell with walls and terminal
    cells holding anything. Returns None when the text is not of this form (numbers).
    """
    rows = [r for r in raw.replace("\n", ";").split(";") if r.strip()]
    tokens = [t for r in rows for t in r.replace(",", " ").split()]
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
