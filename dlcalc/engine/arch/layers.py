"""The layer tree of ``arch``: :class:`Node`, builders shared by presets and the parser.

A network is a list of nodes. Leaves are single layers (``conv``, ``maxpool``, ``fc`` ...);
containers hold children: ``seq``/``stage``/``basicconv`` (run in order), ``basic`` and
``bottleneck`` (residual blocks: main path, optional ``downsample`` shortcut, add, ReLU)
and ``inception`` (branches concatenated along channels). Pure Python (no NumPy).
"""

from __future__ import annotations

from typing import Any

ACTIVATIONS = ("relu", "tanh", "sigmoid", "softmax")
SHAPE_KEEPING = ("bn", "lrn", "dropout", *ACTIVATIONS)


class Node:
    """One layer or block. ``args``: kernel ``k``/stride ``s``/pad ``p``/dilation ``d`` as
    (h, w) pairs, ``out`` channels/features, ``bias``, ``ceil``, ``groups``, ``links``...

    ``label`` names the layer in error messages (``layer 3 'conv 256 k5 p2'``).
    """

    __slots__ = ("kind", "name", "args", "children", "label")

    def __init__(
        self,
        kind: str,
        name: str,
        children: list[Node] | None = None,
        label: str = "",
        **args: Any,
    ) -> None:
        self.kind, self.name, self.args = kind, name, args
        self.children = children if children is not None else []
        self.label = label

    def __repr__(self) -> str:
        return f"Node({self.kind!r}, {self.name!r}, {len(self.children)} children)"


def _pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _dim(v: tuple[int, int]) -> str:
    return str(v[0]) if v[0] == v[1] else f"{v[0]}x{v[1]}"


def describe(node: Node) -> str:
    """The layer written back in the mini-language: ``conv 64 k11 s4 p2``."""
    a, kind = node.args, node.kind
    if kind in ("conv", "maxpool", "avgpool", "subsample"):
        parts = [kind] + ([str(a["out"])] if kind == "conv" else [])
        parts.append("k" + _dim(a["k"]))
        if a["s"] != (1, 1) or kind != "conv":
            parts.append("s" + _dim(a["s"]))
        if a.get("p", (0, 0)) != (0, 0):
            parts.append("p" + _dim(a["p"]))
        if a.get("d", (1, 1)) != (1, 1):
            parts.append("d" + _dim(a["d"]))
        if a.get("groups", 1) != 1:
            parts.append(f"g{a['groups']}")
        if a.get("ceil"):
            parts.append("ceil")
        if kind == "conv" and not a["bias"]:
            parts.append("nobias")
        return " ".join(parts)
    if kind in ("fc", "rbf"):
        return f"{kind} {a['out']}" + ("" if a.get("bias", True) else " nobias")
    if kind == "adaptiveavgpool":
        return f"adaptiveavgpool {_dim(a['out'])}"
    if kind == "dropout":
        return f"dropout {a['rate']:g}"
    if kind in ("basic", "bottleneck"):
        return f"{kind} {a['planes']}" + (f" s{a['stride']}" if a["stride"] != 1 else "")
    if kind == "inception":
        return "inception " + " ".join(str(c) for c in a["ch"]) + (" tv" if a["tv"] else "")
    if kind == "stage":
        return f"{len(node.children)} {node.children[0].kind} blocks"
    if kind == "seq":
        return " -> ".join(describe(c) for c in node.children)
    if kind in ("basicconv", "convrelu"):
        unit = "conv+bn+relu " if kind == "basicconv" else "conv+relu "
        return unit + describe(node.children[0]).removeprefix("conv ").removesuffix(" nobias")
    return kind


# ---------------------------------------------------------------- builders (also used by presets)


def conv(
    name: str,
    out: int,
    k: Any,
    s: Any = 1,
    p: Any = 0,
    *,
    d: Any = 1,
    groups: int = 1,
    bias: bool = True,
    links: int | None = None,
    label: str = "",
) -> Node:
    """A convolution; ``links``: connected (input map, output map) pairs (LeNet-5's C3)."""
    return Node(
        "conv",
        name,
        label=label,
        out=out,
        k=_pair(k),
        s=_pair(s),
        p=_pair(p),
        d=_pair(d),
        groups=groups,
        bias=bias,
        links=links,
    )


def pool(
    kind: str, name: str, k: Any, s: Any = None, p: Any = 0, *, ceil: bool = False, label: str = ""
) -> Node:
    """Max or average pooling (stride defaults to the window, as in PyTorch)."""
    return Node(
        kind, name, label=label, k=_pair(k), s=_pair(k if s is None else s), p=_pair(p), ceil=ceil
    )


def leaf(kind: str, name: str, label: str = "", **args: Any) -> Node:
    return Node(kind, name, label=label, **args)


def seq(name: str, children: list[Node], kind: str = "seq", label: str = "", **args: Any) -> Node:
    return Node(kind, name, children, label=label, **args)


def basicconv(name: str, out: int, k: Any, s: Any = 1, p: Any = 0) -> Node:
    """torchvision's BasicConv2d: conv (no bias) + BatchNorm (eps 0.001) + ReLU."""
    return seq(
        name,
        [conv("conv", out, k, s, p, bias=False), leaf("bn", "bn"), leaf("relu", "relu")],
        kind="basicconv",
    )


def convrelu(name: str, out: int, k: Any, s: Any = 1, p: Any = 0) -> Node:
    """The paper's Inception units: conv (with bias) + ReLU."""
    return seq(name, [conv("conv", out, k, s, p), leaf("relu", "relu")], kind="convrelu")


def residual(
    name: str, kind: str, c_in: int, planes: int, stride: int = 1, label: str = ""
) -> Node:
    """torchvision's BasicBlock / Bottleneck (v1.5: the stride sits on the 3x3 conv).

    Children: the main path, then ``downsample`` (1x1 conv + BN, when the stride or the
    channel count changes), then the addition and the final ReLU.
    """
    if kind == "basic":
        c_out = planes
        main = [
            conv("conv1", planes, 3, stride, 1, bias=False),
            leaf("bn", "bn1"),
            leaf("relu", "relu"),
            conv("conv2", planes, 3, 1, 1, bias=False),
            leaf("bn", "bn2"),
        ]
    else:
        c_out = 4 * planes
        main = [
            conv("conv1", planes, 1, bias=False),
            leaf("bn", "bn1"),
            leaf("relu", "relu"),
            conv("conv2", planes, 3, stride, 1, bias=False),
            leaf("bn", "bn2"),
            leaf("relu", "relu"),
            conv("conv3", c_out, 1, bias=False),
            leaf("bn", "bn3"),
        ]
    children = main
    if stride != 1 or c_in != c_out:
        children = main + [
            seq("downsample", [conv("0", c_out, 1, stride, bias=False), leaf("bn", "1")])
        ]
    children = children + [leaf("add", "add"), leaf("relu", "relu")]
    return seq(name, children, kind=kind, label=label, planes=planes, stride=stride)


def inception(
    name: str, ch: tuple[int, ...], *, torchvision: bool = False, label: str = ""
) -> Node:
    """GoogLeNet's Inception module: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 maxpool -> 1x1.

    ``torchvision``: its conv+BN blocks and a 3x3 (not 5x5) third branch (pytorch/vision#906).
    """
    c1, c3r, c3, c5r, c5, pp = ch
    unit = basicconv if torchvision else convrelu
    k5, p5 = (3, 1) if torchvision else (5, 2)
    branches = [
        unit("branch1", c1, 1),
        seq("branch2", [unit("0", c3r, 1), unit("1", c3, 3, 1, 1)]),
        seq("branch3", [unit("0", c5r, 1), unit("1", c5, k5, 1, p5)]),
        seq("branch4", [pool("maxpool", "0", 3, 1, 1, ceil=True), unit("1", pp, 1)]),
    ]
    return seq(name, branches, kind="inception", label=label, ch=tuple(ch), tv=torchvision)
