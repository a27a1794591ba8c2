"""The golden renderings: five commands in every output format at a fixed width.

``scripts/update_golden.py`` writes tests/render/golden/ from these; test_golden.py
compares. Regenerate after a deliberate change to the working and read the diff.
"""

from __future__ import annotations

CASES = {
    "conv-size": {"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96},
    "pool": {"input": "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "size": 2},
    "backprop": {"x": "1", "w1": "0.5", "b1": "0", "w2": "1", "b2": "0", "target": "1", "lr": 0.5},
    "optim": {"name": "sgd", "params": "1", "grads": "1;1", "lr": 0.1},
    "iou": {"a": "0,0,2,2", "b": "1,1,3,3"},
    "bn": {"input": "1,2; 3,6; 5,4"},
}
FORMATS = ("plain", "markdown", "latex", "rich", "json")
WIDTH = 100


def render(command: str, fmt: str) -> str:
    """The text ``dlcalc COMMAND ... --format FMT`` prints (json: the --json object)."""
    import io
    import json

    from dlcalc import ops
    from dlcalc.cli.env import OutputEnv
    from dlcalc.render.text import RENDERERS

    sol = ops.run(command, CASES[command])
    if fmt == "json":
        return json.dumps(sol.to_dict(), indent=2) + "\n"
    if fmt != "rich":
        return RENDERERS[fmt](sol) + "\n"
    from dlcalc.render.rich import render as rich_render

    out = io.StringIO()
    env = OutputEnv(out, io.StringIO(), io.StringIO(), tty=False, color=False, width=WIDTH)
    rich_render(sol, env.console())
    return out.getvalue()
