"""Hostile values through all three fronts: the API, the CLI and batch must agree (issue 17).

For every op and every parameter, one hostile value replaces the example's argument.
The API either returns or raises a DlcalcError (never OverflowError, MemoryError,
RecursionError...); the CLI exits 0 or 2 (never 70, the hidden-traceback internal error);
batch gives an ok record exactly when the API succeeded.
"""

from __future__ import annotations

import json

import pytest

from dlcalc.errors import DlcalcError
from dlcalc.ops import registry, run

OPS = list(registry().values())
BIG = "9" * 400  # beyond the float range: 1e400
HOSTILE = {
    "big-int": BIG,
    "big-negative": "-" + BIG,
    "big-in-list": "1," + BIG,
    "big-in-json": "[[1," + BIG + "]]",
    "deep-json": "[" * 5000 + "1" + "]" * 5000,
}
CASES = [
    (op, p, label) for op in OPS for p in op.params if p.kind not in ("bool",) for label in HOSTILE
]


def _api(op, args) -> bool:
    try:
        run(op.name, args)
    except DlcalcError:
        return False
    return True


@pytest.mark.parametrize(
    ("op", "param", "label"), CASES, ids=[f"{o.name}-{p.name}-{lab}" for o, p, lab in CASES]
)
def test_fronts_agree(op, param, label, cli):
    args = {k: v for k, v in op.example.items()}
    args[param.name] = HOSTILE[label]
    api_ok = _api(op, args)
    argv = [op.name]
    for key, value in args.items():
        q = op.param(key)
        if q.kind == "bool":
            if value is True:
                argv.append(q.flag)
            continue
        values = value if (q.multiple and isinstance(value, list)) else [value]
        for v in values:
            text = v if isinstance(v, str) else json.dumps(v)
            argv += [text] if q.positional else [q.flag, text]
    res = cli(*argv, "--json")
    assert res.exit_code in (0, 2), (argv[:3], res.exit_code, res.stderr[:300])
    assert (res.exit_code == 0) == api_ok, (label, res.stderr[:300])
    record = json.dumps({"op": op.name, "args": args})
    out = json.loads(cli("batch", input=record + "\n").stdout)
    assert out["ok"] == api_ok, (label, out.get("error", "")[:300])
