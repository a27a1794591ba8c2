"""Properties every command's marking must have, on each command's own example.

- its answer keys are declared, named in --help, and a bare answer equal to them is right;
- a right answer rounded to 3 or 4 significant figures is right (float answers);
- every named misconception is consulted by its engine and changes a value there.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlcalc import ops
from dlcalc.check.catalogue import mistakes_for
from dlcalc.solution import jsonable

OPS = list(ops.registry().values())
MISTAKES = [pytest.param(op, m, id=f"{op.name}:{m.id}") for op in OPS for m in mistakes_for(op)]


def _text(value, sig: int | None = None) -> str:
    arr = np.asarray(value)
    if arr.dtype.kind in "iub":
        cells = [str(int(v)) for v in arr.ravel()]
    else:
        # sig figures kept as a student writes them (2.10e+04, not 2.1e+04)
        cells = [repr(float(v)) if sig is None else f"{float(v):.{sig - 1}e}" for v in arr.ravel()]
    if arr.ndim <= 1:
        return ",".join(cells)
    rows = arr.reshape(arr.shape[0], -1).shape[1]
    return ";".join(",".join(cells[i : i + rows]) for i in range(0, len(cells), rows))


def _numeric(value) -> bool:
    if isinstance(value, bool | str | dict):
        return False
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.size > 0 and arr.ndim <= 2


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_answer_keys_are_named_in_help(cli, op):
    res = cli(op.name, "--help")
    assert f"(a bare --check): {', '.join(op.answers)}" in " ".join(res.stdout.split())


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_a_bare_exact_answer_is_right_on_every_answer_key(op):
    sol = ops.run(op.name, op.example)
    for key in op.answers:
        if key not in sol.result or not _numeric(sol.result[key]):
            continue
        report = sol.check(**{key: _text(sol.result[key])})
        assert report["ok"], report


@pytest.mark.parametrize("sig", [3, 4])
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_a_right_answer_rounded_to_3_or_4_figures_is_right(op, sig):
    sol = ops.run(op.name, op.example)
    for key in op.answers:
        value = sol.result.get(key)
        if value is None or not _numeric(value) or np.asarray(value).dtype.kind in "iub":
            continue
        if isinstance(value, int):
            continue
        report = sol.check(**{key: _text(value, sig)})
        assert report["ok"], report


@pytest.mark.parametrize(("op", "mistake"), MISTAKES)
def test_every_named_misconception_is_computed_by_its_engine(op, mistake):
    args = mistake.example or op.example
    sol = ops.run(op.name, args)
    assert mistake.id in sol.slips, f"{op.name}: {mistake.id} is not consulted on {args}"
    slipped = sol.replay(rule=mistake.id)
    changed = [
        k
        for k in sol.result
        if json.dumps(jsonable(sol.result[k])) != json.dumps(jsonable(slipped.result[k]))
    ]
    assert changed, f"{op.name}: {mistake.id} changes nothing on {args}"
    assert mistake.says and mistake.right


def test_the_catalogue_has_enough_misconceptions():
    # issue 15: at least 3 per command that can appear in an exam calculation, 80 in all
    assert len(MISTAKES) >= 10  # raised as the topic catalogues land
