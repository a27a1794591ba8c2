"""Reinforcement-learning inputs, parsed before the engine: ``qlearn --transitions``,
``--mdp`` JSON, ``--grid`` text and ``policy-eval --policy``.

The checks that need the other arguments (state and action indices in range of the Q
table, a policy's actions against the MDP's) and the models built from the input (the
grid world's P and rewards) stay in the engine (dlcalc.engine.rl).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlcalc import parse
from dlcalc.engine.rl.mdp import MAX_STATES, ROW_TOL
from dlcalc.errors import InputError, LimitError, flag

MAX_TRANSITIONS = 100_000

_DONE_WORDS = {
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "t": True,
    "f": False,
    "done": True,
    "terminal": True,
    "yes": True,
    "no": False,
}


# ---------------------------------------------------------------- transitions


def _transition_items(transitions: Any, name: str) -> list[list[Any]]:
    """``"s,a,r,s2[,done]; ..."`` or a list of lists / dicts -> list of 4- or 5-item lists."""
    opt = flag(name)
    if isinstance(transitions, str):
        text = transitions.strip()
        if text.startswith("["):
            transitions = parse.parse_json(text, name)
        else:
            rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
            return [r.replace(",", " ").split() for r in rows]
    if not isinstance(transitions, list | tuple):
        raise InputError(f'{opt}: expected "s,a,r,s2[,done]; ..." or a list of transitions')
    items = []
    for i, tr in enumerate(transitions, start=1):
        if isinstance(tr, Mapping):
            try:
                row = [tr["s"], tr["a"], tr["r"], tr.get("s_next", tr.get("s2"))]
            except KeyError as exc:
                raise InputError(f"{opt}: transition {i} has no {exc.args[0]!r}") from None
            row.append(tr.get("done", False))
            items.append(row)
        elif isinstance(tr, list | tuple):
            items.append(list(tr))
        else:
            raise InputError(f"{opt}: transition {i}: expected s,a,r,s2[,done]")
    return items


def _whole(raw: Any, name: str, where: str, what: str) -> int:
    try:
        return parse.parse_int(raw, name)
    except InputError:
        raise InputError(f"{where}: {what} must be a whole number, got {raw!r}") from None


def transitions_param(raw: Any, name: str) -> list[tuple[int, int, float, int, bool]]:
    """``--transitions "s,a,r,s2[,done]; ..."`` (or JSON lists / objects) -> a list of
    ``(s, a, r, s2, done)``: whole-number indices, a float reward, a bool. Whether the
    indices are in range of the Q table is checked in the engine."""
    opt = flag(name)
    items = _transition_items(raw, name)
    if not items:
        raise InputError(f'{opt}: no transitions; expected "s,a,r,s2[,done]; ..."')
    if len(items) > MAX_TRANSITIONS:
        raise LimitError(f"{opt}: {len(items):,} transitions; the limit is {MAX_TRANSITIONS:,}")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"{opt}: transition {i}"
        if len(item) not in (4, 5) or (len(item) == 4 and item[3] is None):
            raise InputError(f"{where}: expected s,a,r,s2[,done], got {len(item)} values")
        done = False
        if len(item) == 5:
            d = item[4]
            if isinstance(d, bool):
                done = d
            elif str(d).strip().lower() in _DONE_WORDS:
                done = _DONE_WORDS[str(d).strip().lower()]
            elif isinstance(d, int | float) and d in (0, 1):
                done = bool(d)
            else:
                raise InputError(f"{where}: done must be 0/1 or true/false, got {d!r}")
        s = _whole(item[0], name, where, "state s")
        a = _whole(item[1], name, where, "action a")
        try:
            r = parse.parse_float(item[2], name)
        except InputError:
            raise InputError(f"{where}: reward r must be a number, got {item[2]!r}") from None
        s2 = _whole(item[3], name, where, "next state s2")
        out.append((s, a, r, s2, done))
    return out


# ---------------------------------------------------------------- MDP JSON


class MdpInput:
    """``--mdp`` parsed: P (S x A x S, rows checked to be distributions), R as given with
    its form (``R(s)``, ``R(s,a)`` or ``R(s,a,s')``, its shape checked against P), the
    terminal mask and the state and action names. The engine builds the model from it
    (dlcalc.engine.rl.mdp:mdp_from_json)."""

    __slots__ = ("p", "reward", "reward_form", "terminal", "states", "actions", "flag")

    def __init__(self, **fields: Any) -> None:
        for key, value in fields.items():
            setattr(self, key, value)


def _sub_error(exc: InputError, opt: str, what: str) -> InputError:
    """Re-label a parser error ``--mdp: ...`` as ``--mdp: P: ...``."""
    msg = str(exc)
    prefix = f"{opt}: "
    rest = msg[len(prefix) :] if msg.startswith(prefix) else msg
    return InputError(f"{opt}: {what}: {rest}")


def _array(value: Any, name: str, what: str) -> np.ndarray:
    try:
        return parse.parse_tensor(value, name)
    except LimitError:
        raise
    except InputError as exc:
        raise _sub_error(exc, flag(name), what) from None


def check_probabilities(p: np.ndarray, opt: str) -> None:
    """Entries in [0, 1] and every P(. | s, a) summing to 1 within ROW_TOL."""
    bad = np.argwhere((p < 0) | (p > 1))
    if bad.size:
        s, a, k = (int(i) for i in bad[0])
        raise InputError(
            f"{opt}: P[{s}][{a}][{k}] = {p[s, a, k]:g} is not a probability (expected [0, 1])"
        )
    sums = p.sum(axis=2)
    bad = np.argwhere(np.abs(sums - 1.0) > ROW_TOL)
    if bad.size:
        s, a = (int(i) for i in bad[0])
        raise InputError(
            f"{opt}: P[{s}][{a}] (next-state probabilities for state {s}, action {a}) "
            f"sums to {sums[s, a]:.12g}, expected 1"
        )


def _labels(value: Any, n: int, opt: str, what: str, default: list[str]) -> list[str]:
    if value is None:
        return default
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n:
        raise InputError(f"{opt}: {what!r} must be a list of {n} names")
    return [str(v) for v in value]


def _terminal(value: Any, n: int, opt: str) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if value is None:
        return mask
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | float) or int(item) != item:
            raise InputError(f"{opt}: 'terminal' must list state indices, got {item!r}")
        if not 0 <= int(item) < n:
            raise InputError(
                f"{opt}: terminal state {int(item)} out of range (states are 0..{n - 1})"
            )
        mask[int(item)] = True
    return mask


def mdp_param(raw: Any, name: str) -> MdpInput:
    """``--mdp '{"P": [s][a][s'], "R": [s] | [s][a] | [s][a][s'], "terminal"?, "states"?,
    "actions"?}'`` (or @file.json) -> :class:`MdpInput`."""
    if isinstance(raw, MdpInput):
        return raw
    opt = flag(name)
    value = parse.parse_json(raw, name)
    if not isinstance(value, Mapping):
        raise InputError(f'{opt}: expected a JSON object {{"P": [s][a][s\'], "R": ...}}')
    keys = {str(k) for k in value}
    unknown = keys - {"P", "R", "terminal", "states", "actions"}
    if unknown:
        raise InputError(
            f"{opt}: unknown key(s) {', '.join(sorted(unknown))} "
            "(expected P, R and optionally terminal, states, actions)"
        )
    for key in ("P", "R"):
        if key not in value:
            raise InputError(
                f"{opt}: missing {key!r} (P: [s][a][s'], R: [s] | [s][a] | [s][a][s'])"
            )
    p = _array(value["P"], name, "P")
    if p.ndim != 3 or p.shape[0] != p.shape[2]:
        shape = "x".join(map(str, p.shape)) or "a single number"
        raise InputError(f"{opt}: P: expected S x A x S (P[s][a][s'] = P(s'|s,a)), got {shape}")
    n, m = p.shape[0], p.shape[1]
    if n > MAX_STATES:
        raise LimitError(f"{opt}: {n} states; the limit is {MAX_STATES}")
    check_probabilities(p, opt)
    rr = _array(value["R"], name, "R")
    if rr.ndim == 0:
        rr = rr.reshape(1)
    forms = {(n,): "R(s)", (n, m): "R(s,a)", (n, m, n): "R(s,a,s')"}
    if rr.shape not in forms:
        shape = "x".join(map(str, rr.shape)) or "a single number"
        raise InputError(
            f"{opt}: R: expected {n} (per state), {n}x{m} (per state-action) or "
            f"{n}x{m}x{n} (per transition), got {shape}"
        )
    return MdpInput(
        p=p,
        reward=rr,
        reward_form=forms[rr.shape],
        terminal=_terminal(value.get("terminal"), n, opt),
        states=_labels(value.get("states"), n, opt, "states", [f"s{i}" for i in range(n)]),
        actions=_labels(value.get("actions"), m, opt, "actions", [f"a{j}" for j in range(m)]),
        flag=opt,
    )


# ---------------------------------------------------------------- grid worlds

_EMPTY = {".", "_", "s"}
_WALL = {"#", "x"}


class GridText:
    """``--grid`` parsed: cell tokens, kinds (cell | wall | terminal), the rewards the
    text fixes (None: an ordinary cell's ``--step-reward``, or a ``G`` terminal's
    ``--goal-reward``, filled in by the engine), the state index of every non-wall cell
    (row-major) and the start state."""

    __slots__ = ("rows", "cols", "tokens", "kind", "reward", "index", "start")

    def __init__(self, tokens: list[list[str]]) -> None:
        self.tokens = tokens
        self.rows, self.cols = len(tokens), len(tokens[0])
        self.kind = [["cell"] * self.cols for _ in range(self.rows)]
        self.reward: list[list[float | None]] = [[None] * self.cols for _ in range(self.rows)]
        self.index: dict[tuple[int, int], int] = {}
        self.start: int | None = None


def _split_rows(text: str, opt: str) -> list[list[str]]:
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    tokens = [r.replace(",", " ").split() for r in rows]
    if not tokens:
        raise InputError(f"{opt}: empty grid; expected rows like '. . . +1; . # . -1'")
    width = len(tokens[0])
    for i, row in enumerate(tokens[1:], start=2):
        if len(row) != width:
            raise InputError(f"{opt}: row {i} has {len(row)} cells, row 1 has {width}")
    return tokens


def _cell_number(body: str, tok: str | None, where: str, name: str) -> float:
    shown = f"{tok[:20]!r} " if tok is not None else ""  # None: from a file, never quoted
    try:
        return parse.number(body, name)
    except InputError:
        raise InputError(
            f"{flag(name)}: unknown cell {shown}at {where} (expected . S # G T, a number for a "
            "terminal reward, or (x) for a cell with reward x)"
        ) from None


def grid_param(raw: Any, name: str) -> GridText:
    """Grid-world text (or @file.txt) -> :class:`GridText` (see dlcalc.engine.rl.gridworld)."""
    if isinstance(raw, GridText):
        return raw
    opt = flag(name)
    text = parse.parse_text(raw, name)
    if len(text) > 100_000:
        raise LimitError(f"{opt}: longer than 100,000 characters")
    from_file = getattr(text, "path", None) is not None  # @file text: errors never quote it
    grid = GridText(_split_rows(text.translate(str.maketrans({"\u2212": "-"})), opt))
    for i, row in enumerate(grid.tokens):
        for j, tok in enumerate(row):
            low = tok.lower()
            where = f"row {i + 1}, column {j + 1}"
            if low in _WALL:
                grid.kind[i][j] = "wall"
                continue
            if low in _EMPTY:
                if low == "s":
                    if grid.start is not None:
                        raise InputError(f"{opt}: a second start cell S at {where}")
                    grid.start = len(grid.index)
            elif low == "g":
                grid.kind[i][j] = "terminal"  # reward None: --goal-reward
            elif low == "t":
                grid.kind[i][j], grid.reward[i][j] = "terminal", 0.0
            elif tok.startswith("(") and tok.endswith(")"):
                grid.reward[i][j] = float(
                    _cell_number(tok[1:-1], None if from_file else tok, where, name)
                )
            else:
                grid.kind[i][j], grid.reward[i][j] = (
                    "terminal",
                    float(_cell_number(tok, None if from_file else tok, where, name)),
                )
            grid.index[(i, j)] = len(grid.index)
    if not grid.index:
        raise InputError(f"{opt}: every cell is a wall; expected at least one state")
    if len(grid.index) > MAX_STATES:
        raise LimitError(f"{opt}: {len(grid.index)} states; the limit is {MAX_STATES}")
    return grid


# ---------------------------------------------------------------- policies


class PolicyInput:
    """``--policy`` parsed: ``random`` (uniform); ``tokens``, the text split into tokens
    when it may name actions (names or arrows: which ones the MDP decides, in the engine);
    ``array``, the numbers (an action index per state or an S x A matrix), or ``error``,
    why the text is not numbers (raised by the engine when it names no action either)."""

    __slots__ = ("random", "tokens", "array", "error")

    def __init__(
        self,
        *,
        random: bool = False,
        tokens: list[str] | None = None,
        array: np.ndarray | None = None,
        error: InputError | None = None,
    ) -> None:
        self.random, self.tokens, self.array, self.error = random, tokens, array, error


def policy_param(raw: Any, name: str) -> PolicyInput:
    """``--policy``: 'random', action names or arrows (``> > v; ^ # v``), an action index
    per state, or an S x A matrix of probabilities -> :class:`PolicyInput`."""
    if isinstance(raw, PolicyInput):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in {"random", "uniform"}:
            return PolicyInput(random=True)
        if not text.startswith("@"):
            rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
            tokens = [t for r in rows for t in r.replace(",", " ").split()]
            try:
                return PolicyInput(tokens=tokens, array=parse.parse_tensor(raw, name))
            except InputError as exc:
                return PolicyInput(tokens=tokens, error=exc)
    return PolicyInput(array=parse.parse_tensor(raw, name))
