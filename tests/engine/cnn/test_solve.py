"""conv-size run backwards: every value of one unknown that gives an output size."""

from __future__ import annotations

import pytest

from dlcalc import ops
from dlcalc.errors import InputError


def _solve(**args):
    return ops.run("conv-size", args)


def test_which_padding_keeps_32():
    # 32 + 2P - 5 + 1 = 32  =>  P = 2 ("same" padding for a 5x5 kernel)
    sol = _solve(input=32, kernel=5, output=32, solve="pad")
    assert sol["solutions"] == [2] and sol["unknown"] == "pad"
    assert "floor((32 + 2*2 - 5)/1) + 1" in sol.steps[0].substituted


def test_which_stride_gives_alexnets_55():
    # floor(216/S) + 1 = 55  =>  floor(216/S) = 54  =>  S in (216/55, 4]  =>  S = 4
    assert _solve(input=227, kernel=11, output=55, solve="stride")["solutions"] == [4]


def test_several_inputs_give_the_same_output_under_the_floor():
    # floor((W - 3)/2) + 1 = 112  =>  W - 3 in {222, 223}  =>  W in {225, 226}
    sol = _solve(kernel=3, stride=2, output=112, solve="input")
    assert sol["solutions"] == [225, 226]
    assert any("several values" in n for n in sol.notes)


def test_kernel_and_dilation():
    # 28 - K + 1 = 24  =>  K = 5;  28 - D(3-1) - 1 + 1 = 24  =>  D = 2
    assert _solve(input=28, output=24, solve="kernel")["solutions"] == [5]
    assert _solve(input=28, kernel=3, output=24, solve="dilation")["solutions"] == [2]


def test_no_solution_is_an_answer_not_an_error():
    # stride >= 1 can only shrink: 32 - 5 + 1 = 28 at most, never 40
    sol = _solve(input=32, kernel=5, output=40, solve="stride")
    assert sol["solutions"] == [] and "no integer stride" in sol.notes[0]


def test_a_bare_check_marks_the_solutions():
    sol = _solve(input=32, kernel=5, output=32, solve="pad")
    assert sol.check("2")["ok"] and not sol.check("3")["ok"]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        ({"input": 32, "kernel": 5, "output": 32}, "--solve"),
        ({"input": 32, "kernel": 5, "solve": "pad"}, "--output"),
        ({"kernel": 5, "output": 32, "solve": "pad"}, "--input"),
        ({"input": 32, "kernel": 5, "output": 32, "solve": "size"}, "--solve"),
    ],
)
def test_errors_name_the_flag(args, flag):
    with pytest.raises(InputError, match=flag):
        _solve(**args)
