"""Property-based fuzzing of every registered operation (issue 11).

Starting from each op's example (valid), hypothesis swaps argument values for
perturbed-but-plausible or hostile ones. Whatever comes in, an operation either
succeeds with a JSON-serialisable result holding its primary key, or raises a
DlcalcError whose message names a flag. Nothing else may escape: no TypeError,
no RuntimeWarning (pytest turns warnings into errors), no NaN in results.

CI runs a few thousand cases; `pytest -m fuzz_long` runs many more before a release.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcalc.errors import DlcalcError
from dlcalc.ops import registry, run
from dlcalc.render.text import RENDERERS

OPS = list(registry().values())
IDS = [op.name for op in OPS]
CI_EXAMPLES = int(os.environ.get("DLCALC_FUZZ_EXAMPLES", "80"))

HOSTILE = [
    "",
    " ",
    "abc",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "-1e308",
    "1e308",
    "0",
    "-1",
    "-0.5",
    "1/0",
    "1,2;3",
    "[[1,2],[3]]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "[]",
    "[[]]",
    "{}",
    '{"a": 1}',
    "@/nonexistent/file.csv",
    "@/etc/passwd",
    "@/dev/null.npy",
    "1,2,3,4,5,6,7,8,9,10,11,12",
    "1e-320",
    "99999999999999999999999",
    "0x10",
    "1_000",
    "__import__('os').system('echo pwned')",
    "true",
    "\u2212" + "1",
    "1;;2",
    "1x0",
    "0x3",
    "100000x100000",
    # issue 17: huge integers, deep nesting, expressions at their limits, dict values
    "9" * 400,
    "-" + "9" * 400,
    "1," + "9" * 400,
    "[" * 3000 + "1" + "]" * 3000,
    "sigmoid(" * 30 + "x" + ")" * 30,
    "(" * 200 + "x" + ")" * 200,
    "x" + "+x" * 2000,
    "\x1b[31mred\x1b[0m",
    "a\rb",
    "@/tmp",
    "@/dev/stdin",
]

number = st.one_of(
    st.integers(-5, 5),
    st.floats(-10, 10, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
)


def _perturb(value, draw):
    """A value of the same shape as ``value`` with nearby numbers."""
    if isinstance(value, bool):
        return draw(st.booleans())
    if isinstance(value, int):
        return max(0, value + draw(st.integers(-2, 2))) if value >= 0 else value
    if isinstance(value, float):
        return round(value * draw(st.floats(0.5, 1.5)), 4)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return json.dumps(_perturb(parsed, draw))
        parts = value.replace(";", " ; ").split()
        out = []
        for part in parts:
            pieces = part.split(",")
            new = []
            for piece in pieces:
                try:
                    num = float(piece)
                except ValueError:
                    new.append(piece)
                    continue
                new.append(
                    str(round(num + draw(number) * 0.1, 4)) if draw(st.booleans()) else piece
                )
            out.append(",".join(new))
        return " ".join(out).replace(" ; ", ";")
    if isinstance(value, list):
        return [_perturb(v, draw) for v in value]
    if isinstance(value, dict):
        return {k: _perturb(v, draw) for k, v in value.items()}
    return value


@st.composite
def arguments(draw, op):
    args = dict(op.example)
    mode = draw(st.sampled_from(["perturb", "hostile", "drop", "extra"]))
    names = [p.name for p in op.params]
    if mode == "perturb":
        for key in list(args):
            if draw(st.booleans()):
                args[key] = _perturb(args[key], draw)
    elif mode == "hostile":
        key = draw(st.sampled_from(names))
        args[key] = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20), number))
    elif mode == "drop" and args:
        args.pop(draw(st.sampled_from(sorted(args))))
    else:
        key = draw(st.sampled_from(names))
        args[key] = draw(
            st.one_of(
                st.none(),
                st.booleans(),
                st.lists(number, max_size=4),
                st.dictionaries(st.text(max_size=3), number, max_size=2),
                st.dictionaries(st.text(max_size=3), st.dictionaries(st.text(max_size=2), number)),
                st.integers(),  # unbounded: 400-digit integers are beyond the float range
            )
        )
    return args


def _check(op, args):
    try:
        sol = run(op.name, args)
    except DlcalcError as exc:
        message = str(exc)
        assert message and "\n" not in message.strip(), message
        assert "Traceback" not in message
        return "error"
    data = json.loads(sol.to_json())  # raises on NaN/inf: a finding
    assert any(key in data["result"] for key in op.result_keys), (args, data["result"])
    for render in RENDERERS.values():
        assert render(sol)
    return "ok"


def _argv(op, args) -> list[str] | None:
    """The same arguments as a command line (None when a value has no CLI spelling)."""
    argv = [op.name]
    for key, value in args.items():
        p = op.param(key)
        if value is None:
            continue
        if p.kind == "bool":
            if value is True:
                argv.append(p.flag)
            elif value is not False:
                return None
            continue
        values = value if (p.multiple and isinstance(value, list)) else [value]
        for v in values:
            text = v if isinstance(v, str) else json.dumps(v)
            argv += [text] if p.positional else [p.flag, text]
    return argv


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_cli_fuzz(op, cli):
    """Through the CLI: exit 0 with parseable JSON, or exit 2 with one `error:` line."""

    @settings(
        max_examples=max(5, CI_EXAMPLES // 4),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(args=arguments(op))
    def inner(args):
        argv = _argv(op, args)
        if argv is None:
            return
        res = cli(*argv, "--json")
        assert res.exit_code in (0, 2), (argv, res.exit_code, res.stderr, res.exception)
        if res.exit_code == 0:
            result = json.loads(res.stdout)["result"]
            assert any(key in result for key in op.result_keys), (argv, result)
        else:
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), (argv, res.stderr)
            assert res.stdout == ""

    inner()


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_registry_fuzz(op):
    @settings(
        max_examples=CI_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(args=arguments(op))
    def inner(args):
        _check(op, args)

    inner()


@pytest.mark.fuzz_long
@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_registry_fuzz_long(op):
    @settings(
        max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(args=arguments(op))
    def inner(args):
        _check(op, args)

    inner()
