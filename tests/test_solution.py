"""The Solution and its JSON form (CONTRACT section 1)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlcalc.errors import ComputationError
from dlcalc.solution import Solution, Step, as_exact, fmt, jsonable


def test_json_keys_and_integers_stay_integers():
    sol = Solution(
        {"n": 55, "x": np.array([[1, 2]]), "f": 0.5, "ok": True}, [Step("t", "f", "s", 3)]
    )
    sol.command, sol.inputs = "demo", {"a": np.array([1.0, 2.0])}
    data = json.loads(sol.to_json())
    assert list(data) == ["command", "inputs", "result", "steps"]
    assert data["result"] == {"n": 55, "x": [[1, 2]], "f": 0.5, "ok": True}
    assert data["inputs"] == {"a": [1, 2]}  # whole-number inputs are echoed as integers
    assert data["steps"] == [{"title": "t", "formula": "f", "substituted": "s", "value": 3}]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.array([1.0, np.inf])])
def test_non_finite_never_reaches_json(bad):
    with pytest.raises(ComputationError):
        jsonable({"v": bad}, "result")


def test_negative_zero_is_written_as_zero():
    assert (
        json.dumps(jsonable({"v": np.array([-0.0, 1.5]), "s": -0.0}))
        == '{"v": [0.0, 1.5], "s": 0.0}'
    )


def test_as_exact_and_fmt():
    assert as_exact(np.array([2.0, 3.0])).dtype == np.int64
    assert as_exact(np.array([2.5])).dtype == np.float64
    assert fmt(55) == "55" and fmt(0.7310585786) == "0.731059" and fmt(2.0) == "2"
    assert fmt(np.array([1.0, 0.5])) == "[1, 0.5]"


def test_solution_is_a_mapping_of_results():
    sol = Solution({"out_w": 55, "out_h": 54})
    assert sol["out_w"] == 55 and list(sol) == ["out_w", "out_h"] and len(sol) == 2
    assert dict(sol) == {"out_w": 55, "out_h": 54}
