"""MDP input: JSON validation and the grid-world text format."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc.engine.rl import gridworld, mdp
from dlcalc.engine.rl.value_iteration import load_mdp
from dlcalc.errors import InputError
from dlcalc.parse.rl import grid_param, mdp_param

# --mdp and --grid are parsed before the engine (dlcalc.parse.rl), as the registry does.


def mdp_from_json(value):
    return mdp.mdp_from_json(mdp_param(value, "mdp"))


def grid_mdp(text, **options):
    return gridworld.grid_mdp(grid_param(text, "grid"), **options)


def parse_grid(text, *, step_reward, goal_reward):
    return gridworld.Grid(
        grid_param(text, "grid"), step_reward=step_reward, goal_reward=goal_reward
    )


P2 = [[[0.5, 0.5], [0, 1]], [[1, 0], [0, 1]]]


def test_reward_forms():
    # R per state is copied to every action; per transition it is averaged under P:
    # r(0, 0) = 0.5*2 + 0.5*4 = 3
    assert mdp_from_json({"P": P2, "R": [1, 2]}).r.tolist() == [[1, 1], [2, 2]]
    assert mdp_from_json({"P": P2, "R": [[1, 2], [3, 4]]}).r.tolist() == [[1, 2], [3, 4]]
    r3 = [[[2, 4], [0, 6]], [[1, 9], [0, 0]]]
    assert mdp_from_json({"P": P2, "R": r3}).r.tolist() == [[3, 6], [1, 0]]


def test_optional_fields():
    m = mdp_from_json(
        {"P": P2, "R": [0, 1], "terminal": [1], "states": ["A", "B"], "actions": ["x", "y"]}
    )
    assert m.terminal.tolist() == [False, True]
    assert m.states == ["A", "B"] and m.actions == ["x", "y"]


@pytest.mark.parametrize(
    ("mdp", "fragment"),
    [
        ({"P": [[[0.5, 0.4], [0, 1]], [[1, 0], [0, 1]]], "R": [0, 1]}, "P[0][0]"),
        ({"P": [[[1.5, -0.5], [0, 1]], [[1, 0], [0, 1]]], "R": [0, 1]}, "P[0][0][0] = 1.5"),
        ({"P": [[0.5, 0.5], [1, 0]], "R": [0, 1]}, "P: expected S x A x S"),
        ({"P": P2, "R": [0, 1, 2]}, "R: expected 2 (per state), 2x2"),
        ({"P": P2}, "missing 'R'"),
        ({"P": P2, "R": [0, 1], "gamma": 0.9}, "unknown key(s) gamma"),
        ({"P": P2, "R": [0, 1], "terminal": [2]}, "terminal state 2 out of range"),
        ({"P": P2, "R": [0, 1], "states": ["a"]}, "'states' must be a list of 2 names"),
        ({"P": [[[0.5, 0.5], [1]], [[1, 0], [0, 1]]], "R": [0, 1]}, "P: ragged"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_mdp(mdp, fragment):
    with pytest.raises(InputError, match="^--mdp: ") as exc:
        mdp_from_json(mdp)
    assert fragment in str(exc.value)


def test_rows_summing_within_tolerance_accepted():
    p = [[[0.5, 0.5 + 1e-12]], [[0, 1]]]
    assert mdp_from_json({"P": p, "R": [0, 0]}).n_states == 2
    with pytest.raises(InputError, match=r"P\[0\]\[0\] .* sums to"):
        mdp_from_json({"P": [[[0.5, 0.5 + 1e-8]], [[0, 1]]], "R": [0, 0]})


def test_exactly_one_source():
    with pytest.raises(InputError, match="^--mdp: give exactly one"):
        load_mdp()
    with pytest.raises(InputError, match="^--mdp: give exactly one"):
        load_mdp(mdp={"P": P2, "R": [0, 1]}, grid=". G")


def test_grid_parse_cells():
    g = parse_grid("S . #; (2) G -3\n T x 1/2", step_reward=-0.1, goal_reward=5)
    assert (g.rows, g.cols) == (3, 3)
    assert [row[:] for row in g.kind] == [
        ["cell", "cell", "wall"],
        ["cell", "terminal", "terminal"],
        ["terminal", "wall", "terminal"],
    ]
    assert g.reward[0][:2] == [-0.1, -0.1]
    assert g.reward[1] == [2.0, 5, -3]
    assert g.reward[2][0] == 0 and g.reward[2][2] == 0.5
    assert g.start == 0 and len(g.index) == 7


@pytest.mark.parametrize(
    ("grid", "fragment"),
    [
        (". . .; . .", "row 2 has 2 cells, row 1 has 3"),
        (". ? .", "unknown cell '?' at row 1, column 2"),
        ("# #; # #", "every cell is a wall"),
        ("S . S", "a second start cell S"),
        ("  ;  ", "empty grid"),
    ],
)
def test_bad_grid(grid, fragment):
    with pytest.raises(InputError, match="^--grid: ") as exc:
        grid_mdp(grid)
    assert fragment in str(exc.value)


def test_grid_slip_transitions_by_hand():
    # 2x3 grid, wall at (1,1):   . . +1
    #                            . # -1
    # From (0,0) (state 0) moving right with slip 0.2: 0.8 to (0,1) (state 1);
    # 0.1 up (edge: stay in 0), 0.1 down to (1,0) (state 3).
    m = grid_mdp(". . +1; . # -1", step_reward=-0.04, slip=0.2)
    assert m.states == ["(0,0)", "(0,1)", "(0,2)", "(1,0)", "(1,2)"]
    np.testing.assert_allclose(m.p[0, 1], [0.1, 0.8, 0, 0.1, 0])
    # from (1,0) moving right bumps the wall (stay 0.8), sideways up 0.1 to (0,0), down 0.1 stays
    np.testing.assert_allclose(m.p[3, 1], [0.1, 0, 0, 0.9, 0])
    assert m.terminal.tolist() == [False, False, True, False, True]
    assert m.r[:, 0].tolist() == [-0.04, -0.04, 1, -0.04, -1]


def test_grid_deterministic_by_default():
    m = grid_mdp("S . G")
    # state 0 moving right goes to state 1; moving left bumps the edge and stays
    assert m.p[0, 1].tolist() == [0, 1, 0] and m.p[0, 3].tolist() == [1, 0, 0]
    assert m.r[:, 0].tolist() == [0, 0, 1]
