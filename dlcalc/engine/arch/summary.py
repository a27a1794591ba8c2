"""``arch``: layer-by-layer output shapes, parameters and MACs of a CNN (pure Python).

The network comes from a preset (:mod:`dlcalc.engine.arch.presets`), the ``--layers``
mini-language or a ``--spec`` file (parsed before the engine by :mod:`dlcalc.parse.arch`); the shapes, per-layer
formulas and counts from :mod:`dlcalc.engine.arch.walk`. Totals are sums over the layers;
memory figures are at float32 (4 bytes a value), batch 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlcalc.engine._working import Working
from dlcalc.engine.arch.layers import Node
from dlcalc.engine.arch.solve import MAX_WIDTH, every_node, solve_width
from dlcalc.engine.arch.walk import (
    CONTAINERS,
    INPUT_FIELD,
    WINDOWS,
    Ctx,
    Field,
    Rec,
    num,
    shape_text,
    walk,
)
from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step, Table

_BYTES = 4  # float32


def _preset_input(
    given: tuple[int, ...] | None, default: tuple[int, ...], name: str
) -> tuple[int, ...]:
    if given is None:
        return default
    if len(given) == 2:  # HxW: keep the preset's channels
        return (default[0], *given)
    if len(given) != 3:
        raise InputError(
            f"--input: {name} takes an image CxHxW (e.g. {shape_text(default)}), "
            f"got {shape_text(given)}"
        )
    return given


def _custom_input(
    given: tuple[int, ...] | None, from_file: tuple[int, ...] | None, flag: str
) -> tuple[int, ...]:
    shape = given if given is not None else from_file
    where = "--input" if given is not None or from_file is None else flag
    if shape is None:
        raise InputError(
            f"--input: a {flag} network needs its input size: CxHxW for images "
            "(e.g. --input 3x227x227) or F for fully-connected layers (--input 784)"
        )
    if len(shape) not in (1, 3):
        raise InputError(
            f"{where}: expected CxHxW (e.g. 3x224x224) or a feature count F, "
            f"got {shape_text(shape)}"
        )
    return shape


def _auto_names(nodes: list[Node]) -> None:
    """Unnamed layers of a custom network become conv1, conv2, maxpool1, fc1, ..."""
    seen: dict[str, int] = {}
    for node in nodes:
        seen[node.kind] = seen.get(node.kind, 0) + 1
        if not node.name:
            node.name = f"{node.kind}{seen[node.kind]}"


def _rows(rec: Rec, depth: int) -> list[Rec]:
    if not rec.children or rec.depth >= depth:
        return [rec]
    return [row for child in rec.children for row in _rows(child, depth)]


def _max_depth(rec: Rec) -> int:
    return max([rec.depth] + [_max_depth(c) for c in rec.children])


def _leaf_steps(rec: Rec) -> list[Step]:
    return rec.steps + [s for c in rec.children for s in _leaf_steps(c)]


def _kinds(rec: Rec) -> set[str]:
    return {rec.kind}.union(*(_kinds(c) for c in rec.children))


def _si(n: float) -> str:
    """61100840 -> 61.10M (for the footer; the working keeps exact integers)."""
    for div, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            return f"{n / div:.2f}{prefix}"
    return f"{n:g}"


def _load(
    name: str | None,
    layers: Sequence[Node] | None,
    spec: tuple[Sequence[Node], tuple[int, ...] | None] | None,
    input: tuple[int, ...] | None,
) -> tuple[list[Node], tuple[int, ...], Ctx, int, list[str]]:
    """The network and its input: (nodes, input shape, walk context, default depth, notes)."""
    given = [
        f for f, v in (("NAME", name), ("--layers", layers), ("--spec", spec)) if v is not None
    ]
    if not given:
        raise InputError(
            "--layers: give a preset NAME (alexnet, vgg16, resnet50, ...), "
            '--layers "conv 96 k11 s4; maxpool k3 s2; ..." or --spec FILE'
        )
    if len(given) > 1:
        raise InputError(
            f"{given[1]}: give only one of NAME, --layers and --spec (got {' and '.join(given)})"
        )
    if name is not None:
        from dlcalc.engine.arch.presets import PRESETS

        key = name.strip().lower().replace("-", "_")
        if key not in PRESETS:
            import difflib

            close = difflib.get_close_matches(key, list(PRESETS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"NAME: unknown preset {name!r}{hint}; presets: {', '.join(PRESETS)}")
        preset = PRESETS[key]
        shape = _preset_input(input, preset.input, key)
        ctx = Ctx("--input", key, shape, False)
        return preset.build(), shape, ctx, preset.depth, [f"{key}: {preset.source}"]
    import copy

    if layers is not None:  # copied: the walk names the layers, and a replay runs again
        nodes, from_file, flag = copy.deepcopy(list(layers)), None, "--layers"
    else:
        assert spec is not None
        nodes, from_file = copy.deepcopy(list(spec[0])), spec[1]
        flag = "--spec"
    shape = _custom_input(input, from_file, flag)
    _auto_names(nodes)
    return nodes, shape, Ctx(flag, "", shape, False), 1, []  # one row per layer written


def _one(pair: tuple[Any, Any]) -> Any:
    """(3, 3) -> 3; (3, 5) -> [3, 5]: one number for square geometry."""
    return pair[0] if pair[0] == pair[1] else [pair[0], pair[1]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "x".join(f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _geometry(r: Rec) -> dict[str, Any]:
    """The JSON fields kernel/stride/pad (null where they do not apply)."""
    if r.geom is None:
        return {"kernel": None, "stride": None, "pad": None}
    k, s, p = r.geom
    return {"kernel": _one(k), "stride": _one(s), "pad": _one(p)}


def _field(field: Field | None) -> dict[str, Any]:
    """The JSON fields receptive_field/jump/start (null once the map is flattened)."""
    if field is None:
        return {"receptive_field": None, "jump": None, "start": None}
    (rh, jh, sh), (rw, jw, sw) = field
    return {
        "receptive_field": _one((rh, rw)),
        "jump": _one((jh, jw)),
        "start": _one((num(sh), num(sw))),
    }


def _tables(title: str, rows: list[Rec]) -> list[Table]:
    """The layer table (shapes, params, MACs), then the geometry and receptive field of
    the layers that see a map (two tables so that each fits a terminal)."""
    cells, cum_p, cum_m = [], 0, 0
    for r in rows:
        cum_p, cum_m = cum_p + r.params, cum_m + r.macs
        cells.append(
            (r.name, r.desc, shape_text(r.shape), f"{r.params:,}", f"{cum_p:,}", f"{r.macs:,}",
             f"{cum_m:,}")
        )  # fmt: skip
    columns = ("layer", "type", "output", "params", "cum. params", "MACs", "cum. MACs")
    geo = []
    for r in rows:
        g, f = _geometry(r), _field(r.field)
        if r.field is None or (r.geom is None and not r.children and r.kind != "adaptiveavgpool"):
            continue  # flat vectors, and layers that keep the field (ReLU, BN, dropout ...)
        geo.append(
            (r.name, shape_text(r.shape), _cell(g["kernel"]), _cell(g["stride"]),
             _cell(g["pad"]), _cell(f["receptive_field"]), _cell(f["jump"]), _cell(f["start"]))
        )  # fmt: skip
    out = [Table(title, columns, cells, first=True)]
    if geo:
        out.append(
            Table(
                "receptive field (RF) in input pixels, jump = product of strides, start = "
                "centre of the first unit's field",
                ("layer", "output", "kernel", "stride", "pad", "RF", "jump", "start"),
                geo,
                first=True,
            )
        )
    return out


def _last_spatial(recs: list[Rec]) -> Rec | None:
    """The last top-level layer or block with a sliding window (conv or pooling) and a
    known field: the end of the feature extractor (adaptive/global pooling excluded)."""

    def has_window(r: Rec) -> bool:
        return r.kind in WINDOWS or any(has_window(c) for c in r.children)

    found = [r for r in recs if r.field is not None and has_window(r)]
    return found[-1] if found else None


def _total_steps(recs: list[Rec], params: int, macs: int, acts: int) -> list[Step]:
    def added(attr: str) -> str:
        terms = [str(getattr(r, attr)) for r in recs if getattr(r, attr)]
        return " + ".join(terms) if len(terms) > 1 else ""

    return [
        Step("Total parameters", "total = sum of the layers' parameters", added("params"), params),
        Step("Total multiply-accumulates", "total = sum of the layers' MACs", added("macs"), macs),
        Step("Parameter memory (float32)", "bytes = params*4",
             f"{params}*4 = {params * _BYTES} bytes", f"{params * _BYTES / 1e6:.2f} MB"),
        Step("Activation memory (float32, batch 1)", "bytes = (sum of the layer outputs)*4",
             f"{acts}*4 = {acts * _BYTES} bytes", f"{acts * _BYTES / 1e6:.2f} MB"),
    ]  # fmt: skip


def arch(
    *,
    name: str | None = None,
    layers: Sequence[Node] | None = None,
    spec: tuple[Sequence[Node], tuple[int, ...] | None] | None = None,
    input: tuple[int, ...] | None = None,
    depth: int | None = None,
    unit: tuple[int, int] | None = None,
    list: bool = False,  # the CLI's --list (shadows the builtin here only)
    steps: bool = False,
    params: int | None = None,
) -> Solution:
    """Output shape, parameters and MACs of every layer of a network, and the totals.

    Exactly one source: ``name`` (a preset), ``layers`` (layer trees, parsed from the
    mini-language by :mod:`dlcalc.parse.arch`) or ``spec`` ((layers, input shape or None),
    read from a TOML/JSON file by the same module). ``input`` is
    (C, H, W) or (F,); ``depth`` collapses blocks below that nesting level in the rows;
    ``steps`` writes each layer's size/params/MACs formulas (always for flat networks).
    total_params = sum of the layers' params; total_macs likewise. ``unit`` (i, j): the
    input region the receptive field of that output unit of the last conv/pooling layer
    covers; ``list``: the presets and where each comes from, instead of a network.
    ``params``: the total parameter count to solve the one layer written ``conv ? ...`` or
    ``fc ?`` for: every width 1-4096 giving exactly that total (``solutions``; the network
    is shown with the first).
    """
    if list:
        given = [f for f, v in (("NAME", name), ("--layers", layers), ("--spec", spec)) if v]
        if given:
            raise InputError(f"--list: lists the presets; give it without {given[0]}")
        return _preset_list()
    nodes, shape, ctx, default_depth, notes = _load(name, layers, spec, input)
    unknown = next((n for n in every_node(nodes) if n.args.get("unknown")), None)
    if (unknown is None) != (params is None):
        raise InputError(
            "--params: solves a layer written with '?' (conv ? k3 or fc ?) for a total "
            "parameter count; give both"
            if unknown is None
            else "--params: the layer written with '?' needs the total parameter count to solve for"
        )
    solutions: list[int] | None = None
    if unknown is not None:
        assert params is not None
        solutions = solve_width(nodes, unknown, shape, params)
        if not solutions:
            sol = Solution(
                result={"solutions": [], "total_params": None},
                notes=[f"no width from 1 to {MAX_WIDTH} gives {params:,} parameters"],
            )
            sol.primary = "solutions"
            return sol
        unknown.args["out"] = solutions[0]
        notes.append(
            f"solved: the '?' layer ({unknown.label}) has {solutions[0]} "
            f"{'filters' if unknown.kind == 'conv' else 'outputs'} for {params:,} parameters"
            + (f" (also {', '.join(map(str, solutions[1:]))})" if len(solutions) > 1 else "")
        )
    ctx.want_steps = steps or all(n.kind not in CONTAINERS for n in nodes)
    w = Working()
    for rule in ("conv-no-bias", "fc-no-bias", "bn-running-stats"):  # the walk's variant rules
        if w.slip(rule):
            ctx.rule = rule
    recs: list[Rec] = []
    x, field = shape, INPUT_FIELD if len(shape) == 3 else None
    for node in nodes:
        ctx.label = node.label or node.name
        recs.append(walk(node, x, "", 1, ctx, field))
        x, field = recs[-1].shape, recs[-1].field
    params = sum(r.params for r in recs)
    macs = sum(r.macs for r in recs)
    acts = sum(r.acts for r in recs)
    show = depth if depth is not None else default_depth
    rows = [row for r in recs for row in _rows(r, show)]
    tables = _tables(f"{ctx.preset or 'network'}: input {shape_text(shape)}", rows)
    work = [s for r in recs for s in _leaf_steps(r)] + _total_steps(recs, params, macs, acts)

    notes += ctx.notes
    deepest = max(_max_depth(r) for r in recs)
    if show < deepest:
        notes.append(f"rows collapsed to depth {show}; --depth {deepest} lists every layer")
    if not ctx.want_steps:
        notes.append("--steps writes each layer's output-size, parameter and MAC formulas")
    kinds = set().union(*(_kinds(r) for r in recs))
    macs_note = "MACs count the multiply-accumulates of conv and fc layers"
    if kinds & {"subsample", "rbf"}:
        macs_note += " (and one per output of LeNet's trainable subsampling, F_in*F_out for RBF)"
    notes.append(macs_note + "; BN, pooling, activations and additions are excluded; batch 1")
    if "bn" in kinds:
        notes.append(
            "BatchNorm has 2 parameters per channel (gamma, beta); its running "
            "mean and variance are buffers, not parameters"
        )
    param_mb, act_mb = params * _BYTES / 1e6, acts * _BYTES / 1e6
    notes.append(
        f"total: {params:,} params ({_si(params)}) = {param_mb:.2f} MB at float32; "
        f"{macs:,} MACs ({_si(macs)}); activations {acts:,} values = {act_mb:.2f} MB "
        "at float32 (forward pass, batch 1)"
    )
    layer_dicts = [
        {"name": r.name, "type": r.kind, "output_shape": [*r.shape], "params": r.params,
         "macs": r.macs, **_geometry(r), **_field(r.field)}
        for r in rows
    ]  # fmt: skip
    last = _last_spatial(recs)
    result: dict[str, Any] = {
        "total_params": params,
        "total_macs": macs,
        "layers": layer_dicts,
        "input_shape": [*shape],
        "output_shape": [*x],
        "param_memory_mb": round(param_mb, 3),
        "activation_memory_mb": round(act_mb, 3),
        "receptive_field": _field(last.field)["receptive_field"] if last else None,
    }
    if last is not None:
        notes.append(
            f"receptive field of {last.name} (the last conv/pooling output): "
            f"{_cell(_field(last.field)['receptive_field'])} input pixels; RF = r_l = "
            "r_(l-1) + (K_eff-1)*j_(l-1), jump j_l = j_(l-1)*S (product of strides), start = "
            "centre of the first unit's field in input pixel indices (pixel 0 at 0); "
            "a residual block's field is its main path's, an inception module's its widest "
            "branch's"
        )
    if unit is not None:
        region, unit_steps = _unit_region(last, unit, shape)
        result["unit_region"] = region
        work += unit_steps
        notes.append(
            f"unit_region: rows and cols are inclusive 0-based input pixel ranges, clipped "
            f"to the {shape_text(shape[1:])} input (unclipped_* reach into the padding)"
        )
    if solutions is not None:
        result["solutions"] = solutions
    sol = w.solution(result, steps=work, notes=notes, tables=tables)
    if solutions is not None:
        sol.primary = "solutions"
    return sol


def _unit_region(
    last: Rec | None, unit: tuple[int, int], shape: tuple[int, ...]
) -> tuple[dict[str, Any], list[Step]]:
    """The input rows/cols that output unit (i, j) of ``last`` sees: its field is centred
    on start + i*j and spans r pixels, clipped to the input."""
    if last is None or last.field is None:
        raise InputError("--unit: the network has no conv or pooling layer with a known field")
    _, h, w = last.shape
    if not (unit[0] < h and unit[1] < w):
        raise InputError(
            f"--unit: {last.name} is {h}x{w}, so a unit is 0..{h - 1},0..{w - 1} "
            f"(0-based); got {unit[0]},{unit[1]}"
        )
    region: dict[str, Any] = {"layer": last.name, "unit": [unit[0], unit[1]]}
    steps, clipped, raw = [], {}, {}
    for axis, idx, (r, j, st), size in (
        ("rows", unit[0], last.field[0], shape[1]),
        ("cols", unit[1], last.field[1], shape[2]),
    ):
        centre = st + idx * j
        lo, hi = int(centre - (r - 1) / 2), int(centre + (r - 1) / 2)
        raw[axis], clipped[axis] = [lo, hi], [max(lo, 0), min(hi, size - 1)]
        half = num((r - 1) / 2)
        steps.append(
            Step(
                f"unit ({unit[0]},{unit[1]}) of {last.name}: input {axis}",
                "centre = start + i*j; range = centre -/+ (r-1)/2, clipped to [0, size-1]",
                f"centre = {num(st)} + {idx}*{j} = {num(centre)}; {num(centre)} -/+ {half} = "
                f"{lo}..{hi}; clipped to 0..{size - 1}",
                f"{clipped[axis][0]}..{clipped[axis][1]}",
            )
        )
    region.update(clipped)
    region.update({"unclipped_rows": raw["rows"], "unclipped_cols": raw["cols"]})
    return region, steps


def _preset_list() -> Solution:
    """``arch --list``: every preset, whether it is torchvision's model or a paper's."""
    from dlcalc.engine.arch.presets import PRESETS

    rows = [(key, p.origin, shape_text(p.input), p.source) for key, p in PRESETS.items()]
    table = Table("arch presets", ("name", "follows", "input", "source"), rows, first=True)
    notes = [
        "torchvision presets reproduce torchvision.models' parameter counts exactly; "
        "alexnet is torchvision's 64-filter model, the slides' 96-filter AlexNet on "
        "227x227 is alexnet_paper"
    ]
    result = {
        "presets": [*PRESETS],
        "follows": {key: p.origin for key, p in PRESETS.items()},
        "preset_inputs": {key: [*p.input] for key, p in PRESETS.items()},
    }
    return Solution(result=result, notes=notes, tables=[table])
