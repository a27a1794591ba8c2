"""The layer mini-language of ``arch --layers`` and the ``--spec`` file format: parsed here,
before the engine, which receives the layers as :class:`~dlcalc.engine.arch.layers.Node` trees.

Layers are ``;``-separated (or one per line)::

    conv N kK [sS] [pP] [dD] [gG] [nobias]     maxpool kK [sS] [pP] [ceil]
    avgpool kK [sS] [pP] [ceil]                adaptiveavgpool N|HxW   (gap = 1x1)
    bn  lrn  relu  tanh  sigmoid  softmax  dropout [P]  flatten     fc N [nobias]
    basic N [sS]   bottleneck N [sS]   inception C1 C3R C3 C5R C5 POOL [tv]

``tv`` selects torchvision's Inception (conv+BN units, a 3x3 conv in the "5x5" branch).
A spec file (TOML shown; JSON holds the same data, or just the list)::

    input = "3x227x227"                         # optional when --input is given
    layers = ["conv 96 k11 s4", "maxpool k3 s2", "fc 10"]

    [[layers]]                                  # or one table per layer
    type = "conv"
    out = 96
    kernel = 11
    stride = 4
"""

from __future__ import annotations

import os
import re
from typing import Any

from dlcalc.engine.arch.layers import ACTIVATIONS, Node, conv, inception, leaf, pool
from dlcalc.errors import InputError, LimitError

MAX_LAYERS = 10_000

_ALIASES = {
    "conv": "conv",
    "conv2d": "conv",
    "maxpool": "maxpool",
    "pool": "maxpool",
    "max": "maxpool",
    "avgpool": "avgpool",
    "avg": "avgpool",
    "adaptiveavgpool": "adaptiveavgpool",
    "gap": "gap",
    "globalavgpool": "gap",
    "bn": "bn",
    "batchnorm": "bn",
    "lrn": "lrn",
    "dropout": "dropout",
    "flatten": "flatten",
    "fc": "fc",
    "linear": "fc",
    "dense": "fc",
    "basic": "basic",
    "bottleneck": "bottleneck",
    "inception": "inception",
    "subsample": "subsample",
    "rbf": "rbf",
    **{a: a for a in ACTIVATIONS},
}
_OPTION = re.compile(r"^(k|s|p|d|g)=?(\d+(?:x\d+)?)$")
_OPTION_HELP = "kK, sS, pP, dD, gG, ceil, nobias, tv"


def _where(flag: str, index: int, text: str) -> str:
    return f"{flag}: layer {index} '{text}'"


def _number(tok: Any, where: str, what: str, *, lo: int = 1) -> int:
    if isinstance(tok, bool):
        raise InputError(f"{where}: {what} must be a whole number, got {tok}")
    try:
        value = int(tok) if isinstance(tok, int) else int(str(tok).strip())
    except ValueError:
        raise InputError(f"{where}: {what} must be a whole number, got {tok!r}") from None
    if value < lo:
        raise InputError(f"{where}: {what} must be >= {lo}, got {value}")
    return value


def _size(tok: Any, where: str, what: str, lo: int = 1) -> tuple[int, int]:
    if isinstance(tok, list | tuple) and len(tok) == 2:
        return _number(tok[0], where, what, lo=lo), _number(tok[1], where, what, lo=lo)
    parts = str(tok).lower().split("x")
    if len(parts) == 1:
        n = _number(parts[0], where, what, lo=lo)
        return n, n
    if len(parts) == 2:
        return _number(parts[0], where, what, lo=lo), _number(parts[1], where, what, lo=lo)
    raise InputError(f"{where}: {what} must be N or HxW, got {tok!r}")


def parse_text(text: str, flag: str, start: int = 1) -> list[Node]:
    """``"conv 96 k11 s4; maxpool k3 s2; ..."`` -> nodes (layers numbered from ``start``)."""
    nodes: list[Node] = []
    items = [t.strip() for t in re.split(r"[;\n]", text)]
    for item in (t for t in items if t and not t.startswith("#")):
        index = start + len(nodes)
        where = _where(flag, index, item)
        toks = item.split()
        positional: list[str] = []
        opts: dict[str, Any] = {}
        for tok in toks[1:]:
            low = tok.lower()
            m = _OPTION.match(low)
            if m:
                opts[m.group(1)] = m.group(2)
            elif low in ("ceil", "nobias", "bias", "tv"):
                opts[low] = True
            elif re.fullmatch(r"[0-9.x]+", low) or low == "?":
                positional.append(low)
            else:
                raise InputError(f"{where}: unknown option '{tok}' (expected {_OPTION_HELP})")
        nodes.append(make(toks[0], positional, opts, where))
    if not nodes:
        raise InputError(f"{flag}: no layers given")
    return nodes


_DICT_KEYS = {
    "out": "out",
    "channels": "out",
    "out_channels": "out",
    "filters": "out",
    "units": "out",
    "features": "out",
    "out_features": "out",
    "planes": "out",
    "n": "out",
    "size": "out",
    "output_size": "out",
    "kernel": "k",
    "kernel_size": "k",
    "k": "k",
    "stride": "s",
    "s": "s",
    "p": "p",
    "pad": "p",
    "padding": "p",
    "dilation": "d",
    "d": "d",
    "groups": "g",
    "g": "g",
}


def parse_entry(entry: Any, flag: str, index: int) -> list[Node]:
    """One ``--spec`` list entry: a mini-language string or a table ``{type = "conv", ...}``."""
    if isinstance(entry, str):
        return parse_text(entry, flag, start=index)
    if not isinstance(entry, dict):
        raise InputError(f"{flag}: layer {index}: expected a string or a table, got {entry!r}")
    kind = entry.get("type", entry.get("layer"))
    text = ", ".join(f"{k}={v}" for k, v in entry.items())
    where = _where(flag, index, text)
    if not isinstance(kind, str):
        raise InputError(f"{where}: needs a 'type' (conv, maxpool, fc, ...)")
    positional: list[Any] = []
    opts: dict[str, Any] = {}
    for key, value in entry.items():
        key = str(key).lower()
        if key in ("type", "layer", "name"):
            continue
        if key in ("ceil", "ceil_mode", "bias"):
            opts["ceil" if key.startswith("ceil") else "bias"] = bool(value)
            if key == "bias" and not value:
                opts["nobias"] = True
        elif key in ("p", "rate") and kind.lower() == "dropout":
            positional = [value]
        elif key in ("ch", "channels") and kind.lower() == "inception":
            positional = list(value) if isinstance(value, list) else [value]
        elif key in _DICT_KEYS:
            canon = _DICT_KEYS[key]
            if canon == "out":
                positional = [value]
            else:
                opts[canon] = value
        else:
            raise InputError(f"{where}: unknown key '{key}'")
    node = make(kind, positional, opts, where)
    if isinstance(entry.get("name"), str) and entry["name"].strip():
        node.name = entry["name"].strip()
    return [node]


def make(word: str, positional: list[Any], opts: dict[str, Any], where: str) -> Node:
    """Build one node from the parsed pieces of a layer; ``where`` prefixes error messages."""
    kind = _ALIASES.get(str(word).lower())
    if kind is None:
        known = ", ".join(sorted(set(_ALIASES.values()) - {"subsample", "rbf"}))
        raise InputError(f"{where}: unknown layer type '{word}' (expected one of {known})")
    label = where.split(": ", 1)[1]

    def want(n: int, what: str) -> None:
        if len(positional) != n:
            got = " ".join(str(p) for p in positional) or "nothing"
            raise InputError(f"{where}: {kind} takes {what}, got {got}")

    def geometry(s_default: Any) -> dict[str, Any]:
        if "k" not in opts:
            raise InputError(f"{where}: {kind} needs a kernel size kK (e.g. k3)")
        return {
            "k": _size(opts["k"], where, "kernel"),
            "s": _size(opts.get("s", s_default or opts["k"]), where, "stride"),
            "p": _size(opts.get("p", 0), where, "padding", lo=0),
        }

    if opts.get("tv") and kind != "inception":
        raise InputError(f"{where}: option 'tv' applies to inception only")
    if kind != "conv" and ({"d", "g", "nobias"} & set(opts)) and kind not in ("fc", "rbf"):
        bad = sorted({"d", "g", "nobias"} & set(opts))[0]
        raise InputError(f"{where}: option '{bad}' does not apply to {kind}")
    unknown = bool(positional) and str(positional[0]).strip() == "?"
    if unknown and kind not in ("conv", "fc"):
        raise InputError(f"{where}: only a conv's filters or an fc's outputs can be '?'")
    if kind == "conv":
        want(1, "the number of filters N (conv N kK ...)")
        g = geometry(1)
        node = conv(
            "",
            1 if unknown else _number(positional[0], where, "filters"),
            g["k"],
            g["s"],
            g["p"],
            d=_size(opts.get("d", 1), where, "dilation"),
            groups=_number(opts.get("g", 1), where, "groups"),
            bias=not opts.get("nobias"),
            label=label,
        )
        node.args["unknown"] = unknown  # conv ? k3: solved for arch --params
        return node
    if kind in ("maxpool", "avgpool", "subsample"):
        want(0, "no number (maxpool kK [sS] [pP])")
        g = geometry(None)
        return pool(kind, "", g["k"], g["s"], g["p"], ceil=bool(opts.get("ceil")), label=label)
    misplaced = {"k", "p", "ceil"} | ({"s"} if kind not in ("basic", "bottleneck") else set())
    if misplaced & set(opts):
        bad = sorted(misplaced & set(opts))[0]
        raise InputError(f"{where}: option '{bad}' does not apply to {kind}")
    if kind in ("fc", "rbf"):
        want(1, "the number of outputs (fc N)")
        node = leaf(
            kind,
            "",
            label,
            out=1 if unknown else _number(positional[0], where, "outputs"),
            bias=kind == "fc" and not opts.get("nobias"),
        )
        node.args["unknown"] = unknown  # fc ?: solved for arch --params
        return node
    if kind in ("adaptiveavgpool", "gap"):
        if kind == "gap":
            want(0, "no number")
        else:
            want(1, "the output size (adaptiveavgpool N or HxW)")
        size = (1, 1) if kind == "gap" else _size(positional[0], where, "output size")
        return leaf("adaptiveavgpool", "", label, out=size)
    if kind == "dropout":
        if len(positional) > 1:
            want(1, "at most a drop rate")
        rate = 0.5
        if positional:
            try:
                rate = float(positional[0])
            except (TypeError, ValueError):
                rate = -1.0
            if not 0 <= rate <= 1:
                raise InputError(f"{where}: drop rate must lie in [0, 1], got {positional[0]}")
        return leaf("dropout", "", label, rate=rate)
    if kind in ("basic", "bottleneck"):
        want(1, f"the number of planes ({kind} N [sS])")
        s = _size(opts.get("s", 1), where, "stride")
        if s[0] != s[1]:
            raise InputError(f"{where}: {kind} takes one stride, got {opts['s']}")
        planes = _number(positional[0], where, "planes")
        return leaf(kind, "", label, planes=planes, stride=s[0])
    if kind == "inception":
        want(6, "six channel counts (inception C1 C3R C3 C5R C5 POOL)")
        ch = tuple(_number(c, where, "channels") for c in positional)
        return inception("", ch, torchvision=bool(opts.get("tv")), label=label)
    want(0, "no number")
    return leaf(kind, "", label)


# ---------------------------------------------------------------- spec files

_FILE_KEYS = ("input", "layers", "layer", "name")


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a number")


def _decode(text: str, path: str, where: str) -> Any:
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json" or (ext != ".toml" and text.lstrip()[:1] in ("[", "{")):
        import json

        try:
            return json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where} line {exc.lineno}: invalid JSON ({exc.msg})") from None
        except ValueError as exc:
            raise InputError(f"{where}: invalid JSON ({exc})") from None
        except RecursionError:
            raise InputError(f"{where}: the JSON is nested too deeply") from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: invalid TOML: {exc}") from None


def load_spec(path: str) -> tuple[list[Node], tuple[int, ...] | None]:
    """Read a spec file: its layers and, when it says, its input shape."""
    from dlcalc.parse import parse_dims, read_file_text

    if not isinstance(path, str) or not path.strip():
        raise InputError("--spec: expected the path of a TOML or JSON file")
    path = path[1:] if path.startswith("@") else path
    text = read_file_text(path, "spec")
    where = f"--spec: {os.path.basename(path)}"
    data = _decode(text, path, where)
    shape = None
    if isinstance(data, dict):
        unknown = sorted(set(data) - set(_FILE_KEYS))
        if unknown:
            raise InputError(f"{where}: unknown key '{unknown[0]}' (expected input, layers)")
        if "input" in data:
            raw = data["input"]
            shape = parse_dims(raw if not isinstance(raw, list) else list(raw), "spec")
        layers = data.get("layers", data.get("layer"))
    else:
        layers = data
    if isinstance(layers, str):
        layers = [layers]
    if not isinstance(layers, list) or not layers:
        raise InputError(f'{where}: expected a list of layers (layers = ["conv 6 k5", ...])')
    nodes: list[Node] = []
    for entry in layers:
        nodes += parse_entry(entry, where, len(nodes) + 1)
        if len(nodes) > MAX_LAYERS:
            raise LimitError(f"{where}: more than {MAX_LAYERS} layers")
    return nodes, shape


class Layers(tuple):
    """The parsed ``--layers`` text: a tuple of layer trees (the engine copies before use)."""

    __slots__ = ()


class Spec(tuple):
    """A parsed ``--spec`` file: (layers, input shape or None)."""

    __slots__ = ()


def layers_param(raw: Any, name: str) -> Layers:
    """``--layers "conv 96 k11 s4; maxpool k3 s2"`` (or a list of such strings / tables)."""
    flag = "--" + name.replace("_", "-")
    if isinstance(raw, Layers):
        return raw
    if isinstance(raw, list | tuple):
        nodes: list[Node] = []
        for entry in raw:
            nodes += parse_entry(entry, flag, len(nodes) + 1)
            if len(nodes) > MAX_LAYERS:
                raise LimitError(f"{flag}: more than {MAX_LAYERS} layers")
        return Layers(nodes)
    if not isinstance(raw, str):
        raise InputError(f'{flag}: expected layer text such as "conv 96 k11 s4; fc 10"')
    nodes = parse_text(raw, flag)
    if sum(1 for n in _all_nodes(nodes) if n.args.get("unknown")) > 1:
        raise InputError(f"{flag}: at most one layer may be '?' (the one --params solves)")
    return Layers(nodes)


def _all_nodes(nodes: Any) -> Any:
    for node in nodes:
        yield node
        yield from _all_nodes(node.children)


def spec_param(raw: Any, name: str) -> Spec:
    """``--spec FILE``: read and parse the file (its layers and optional input shape)."""
    if isinstance(raw, Spec):
        return raw
    nodes, shape = load_spec(str(raw) if isinstance(raw, str) else raw)
    return Spec((tuple(nodes), shape))


def unit_param(raw: Any, name: str) -> tuple[int, int]:
    """``--unit i,j`` (0-based row, column of an output unit; ``--unit i`` means i,i)."""
    flag = "--" + name.replace("_", "-")
    if isinstance(raw, int | str) and not isinstance(raw, bool):
        parts = [p for p in re.split(r"[,\sx]+", str(raw).strip().strip("()[]")) if p]
    elif isinstance(raw, list | tuple):
        parts = list(raw)
    else:
        parts = []
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise InputError(f"{flag}: expected a 0-based output unit i,j (e.g. 0,0), got {raw!r}")
    i, j = (_number(p, flag, "a unit index", lo=0) for p in parts)
    return i, j
