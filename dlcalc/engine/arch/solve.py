"""``arch --params``: the width of the one layer written ``?`` that gives a total parameter
count (the walk run for each width, no working)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlcalc.engine.arch.layers import Node
from dlcalc.engine.arch.walk import INPUT_FIELD, Ctx, walk

MAX_WIDTH = 4096  # filters / outputs tried for a '?' layer


def every_node(nodes: Sequence[Node]) -> Any:
    for node in nodes:
        yield node
        yield from every_node(node.children)


def total_params(nodes: Sequence[Node], shape: tuple[int, ...]) -> int:
    """The network's total parameters (the walk without working)."""
    ctx = Ctx("--layers", "", shape, False)
    x, field, total = shape, INPUT_FIELD if len(shape) == 3 else None, 0
    for node in nodes:
        ctx.label = node.label or node.name
        rec = walk(node, x, "", 1, ctx, field)
        x, field, total = rec.shape, rec.field, total + rec.params
    return total


def solve_width(nodes: Sequence[Node], node: Node, shape: tuple[int, ...], target: int) -> list:
    """Every width 1..MAX_WIDTH of ``node`` giving ``target`` parameters. The total grows
    with the width, so the search stops past the target."""
    found = []
    for width in range(1, MAX_WIDTH + 1):
        node.args["out"] = width
        total = total_params(nodes, shape)
        if total == target:
            found.append(width)
        elif total > target:
            break
    return found
