"""The domain parsers of the RL and LSTM inputs (dlcalc.parse.rl, dlcalc.parse.rnn): what
the engine receives, and the errors raised before it runs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlcalc.errors import InputError
from dlcalc.parse.rl import grid_param, mdp_param, policy_param, transitions_param
from dlcalc.parse.rnn import weights_param

P2 = [[[0.5, 0.5], [0, 1]], [[1, 0], [0, 1]]]


def test_transitions_become_typed_tuples():
    assert transitions_param("0,1,1,1; 1,0,-0.5,0,done", "transitions") == [
        (0, 1, 1.0, 1, False),
        (1, 0, -0.5, 0, True),
    ]
    # already parsed: the same list again (the registry may parse twice)
    parsed = transitions_param([[0, 1, 5, 1]], "transitions")
    assert transitions_param(parsed, "transitions") == parsed == [(0, 1, 5.0, 1, False)]


def test_transition_range_is_left_to_the_engine():
    # 9 is a whole number; whether it is a state depends on --q, checked in the engine
    assert transitions_param("9,0,1,1", "transitions") == [(9, 0, 1.0, 1, False)]
    with pytest.raises(InputError, match="^--transitions: transition 1: state s must be a whole"):
        transitions_param("x,0,1,1", "transitions")


def test_mdp_json_text_to_arrays():
    spec = mdp_param(json.dumps({"P": P2, "R": [1, 2], "terminal": [1]}), "mdp")
    assert isinstance(spec.p, np.ndarray) and spec.p.shape == (2, 2, 2)
    assert spec.reward.tolist() == [1, 2] and spec.reward_form == "R(s)"
    assert spec.terminal.tolist() == [False, True]
    assert spec.states == ["s0", "s1"] and spec.actions == ["a0", "a1"]
    assert mdp_param(spec, "mdp") is spec
    with pytest.raises(InputError, match="^--mdp: R: expected 2 \\(per state\\)"):
        mdp_param({"P": P2, "R": [0, 1, 2]}, "mdp")


def test_grid_text_leaves_step_and_goal_rewards_open():
    g = grid_param("S (2) G; # 1 T", "grid")
    assert (g.rows, g.cols, g.start) == (2, 3, 0)
    assert g.kind == [["cell", "cell", "terminal"], ["wall", "terminal", "terminal"]]
    # None: --step-reward (an ordinary cell) or --goal-reward (G), known only to the engine
    assert g.reward == [[None, 2.0, None], [None, 1.0, 0.0]]
    assert g.index == {(0, 0): 0, (0, 1): 1, (0, 2): 2, (1, 1): 3, (1, 2): 4}
    with pytest.raises(InputError, match="^--grid: unknown cell '\\?' at row 1, column 2"):
        grid_param(". ? .", "grid")


def test_policy_forms():
    assert policy_param(" Random ", "policy").random
    p = policy_param("1, 0; 0, 1", "policy")
    assert p.tokens == ["1", "0", "0", "1"] and p.array.tolist() == [[1, 0], [0, 1]]
    names = policy_param("> > v", "policy")
    # names or arrows: which are actions is up to the MDP (the engine); not numbers
    assert names.tokens == [">", ">", "v"] and names.array is None
    assert str(names.error).startswith("--policy: ")
    assert policy_param([0, 1], "policy").array.tolist() == [0, 1]


def test_lstm_weights_to_arrays_with_the_slides_names():
    raw = {k: 0.5 for k in "w_fh w_fx b_f w_ih w_ix b_i w_oh w_ox b_o".split()}
    w = weights_param({**raw, "W-HH": 1, "w_hx": [[2]], "b_h": "3"}, "weights")
    assert sorted(w) == sorted([*raw, "w_ch", "w_cx", "b_c"])
    assert all(isinstance(v, np.ndarray) for v in w.values())
    assert w["w_ch"] == 1 and w["w_cx"].tolist() == [[2]] and w["b_c"] == 3
    assert len(w.notes) == 3 and w.notes[0].startswith("w_hh read as w_ch")
    with pytest.raises(InputError, match="^--weights: missing keys 'w_ch', 'w_cx', 'b_c'$"):
        weights_param(raw, "weights")
