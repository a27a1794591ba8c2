"""The typed Python API: real signatures, positional arguments, the stub in step."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import dlcalc
from dlcalc import ops

STUB = Path(dlcalc.__file__).with_name("__init__.pyi")


def test_signatures_are_real():
    sig = inspect.signature(dlcalc.iou)
    assert list(sig.parameters) == ["a", "b", "box_format"]
    assert sig.parameters["a"].default is inspect.Parameter.empty  # required
    assert sig.parameters["box_format"].default == "xyxy"
    assert sig.parameters["b"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "Answer keys" in (dlcalc.iou.__doc__ or "")


def test_a_commands_positional_argument_may_come_first():
    by_position = dlcalc.optim("adam", params="0.5", grads="0.2", lr=0.1)
    by_name = dlcalc.optim(name="adam", params="0.5", grads="0.2", lr=0.1)
    assert by_position["final"] == by_name["final"]
    with pytest.raises(TypeError, match="positional argument"):
        dlcalc.optim("adam", "0.5")


def test_the_stub_lists_every_function_with_its_parameters():
    tree = ast.parse(STUB.read_text())
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for op in ops.registry().values():
        assert op.api_name in funcs, f"{op.api_name} missing: run scripts/update_stub.py"
        node = funcs[op.api_name]
        names = [a.arg for a in node.args.args] + [a.arg for a in node.args.kwonlyargs]
        assert names == list(inspect.signature(getattr(dlcalc, op.api_name)).parameters), (
            f"{op.api_name} is stale: run scripts/update_stub.py"
        )
