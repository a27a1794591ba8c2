"""Shape propagation for ``arch``: each layer's output shape, parameters, MACs and working.

Per layer, with shapes (C, H, W) for maps and (F,) for vectors:

- conv: H2 = floor((H + 2P - D(K-1) - 1)/S) + 1 (same for W);
  params = (Kh*Kw*C/G + 1)*N (no +1 without bias); MACs = H2*W2*N*Kh*Kw*C/G
- pooling: the same size formula (ceil with ceil_mode), no parameters
- fc: params = (F_in + 1)*F_out; MACs = F_in*F_out
- BatchNorm: params = 2*C (gamma, beta; running statistics are buffers)
- receptive field per axis, from r = 1, j = 1, start = 0 at the input (pixel indices):
  r = r_in + (K_eff-1)*j_in, j = j_in*S, start = start_in + ((K_eff-1)/2 - P)*j_in with
  K_eff = D(K-1) + 1; residual blocks carry their main path's field (the shortcut does
  not widen it), inception modules their widest branch's; flatten/fc end it

Sizes come from :func:`dlcalc.engine.cnn.size.out_size`. Pure Python (no NumPy).
"""

from __future__ import annotations

from typing import Any

from dlcalc.engine.arch.layers import SHAPE_KEEPING, Node, describe
from dlcalc.engine.arch.layers import residual as _residual
from dlcalc.engine.cnn.size import out_size
from dlcalc.errors import InputError
from dlcalc.solution import Step

Axis = tuple[int, int, float]  # receptive field size r, jump j, start (input pixel index)
Field = tuple[Axis, Axis]  # (H axis, W axis)
INPUT_FIELD: Field = ((1, 1, 0), (1, 1, 0))

WINDOWS = ("conv", "maxpool", "avgpool", "subsample")
CONTAINERS = ("seq", "stage", "basicconv", "convrelu", "basic", "bottleneck", "inception")


class Rec:
    """A layer after shape propagation: its output shape, parameters, MACs and working."""

    __slots__ = (
        "name",
        "kind",
        "desc",
        "depth",
        "shape",
        "params",
        "macs",
        "acts",
        "children",
        "steps",
        "field",
        "geom",
    )

    def __init__(self, name: str, node: Node, depth: int) -> None:
        self.name, self.kind, self.desc, self.depth = name, node.kind, describe(node), depth
        self.shape: tuple[int, ...] = ()
        self.params = self.macs = self.acts = 0
        self.children: list[Rec] = []
        self.steps: list[Step] = []
        # receptive field per axis (H, W): (size r, jump j, start); None once flattened
        self.field: Field | None = None
        # (kernel, stride, pad) as (h, w) pairs: sliding windows, and conv units by their conv
        self.geom: tuple[tuple[int, int], ...] | None = None
        a = node.kind in WINDOWS and node.args
        if node.kind in ("basicconv", "convrelu"):
            a = node.children[0].args
        if a:
            self.geom = (a["k"], a["s"], a.get("p", (0, 0)))


class Ctx:
    """What the walk needs besides the shapes: how to word errors, whether to write steps."""

    def __init__(self, flag: str, preset: str, input_shape: tuple[int, ...], steps: bool) -> None:
        self.flag, self.preset, self.input, self.want_steps = flag, preset, input_shape, steps
        self.notes: list[str] = []
        self.label = ""
        self.rule: str | None = None  # a named misconception the walk is run under (marker)

    def fail(self, rec: Rec, msg: str) -> InputError:
        if self.preset:
            return InputError(
                f"--input: {shape_text(self.input)} does not fit {self.preset}: "
                f"{rec.name} ({rec.desc}) {msg}"
            )
        nested = f" ({rec.name})" if "." in rec.name else ""
        return InputError(f"{self.flag}: {self.label}{nested}: {msg}")


def shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(v) for v in shape)


def walk(
    node: Node,
    shape: tuple[int, ...],
    prefix: str,
    depth: int,
    ctx: Ctx,
    field: Field | None = INPUT_FIELD,
) -> Rec:
    """Propagate ``shape`` (and the receptive ``field`` of its units) through ``node``;
    return its record (children included)."""
    if node.kind in ("basic", "bottleneck") and not node.children:  # from the mini-language
        if len(shape) != 3:
            raise ctx.fail(
                Rec(node.name, node, depth), f"needs a CxHxW input, got {shape_text(shape)}"
            )
        node = _residual(
            node.name,
            node.kind,
            shape[0],
            node.args["planes"],
            node.args["stride"],
            label=node.label,
        )
    name = f"{prefix}.{node.name}" if prefix else node.name
    rec = Rec(name, node, depth)
    if node.kind not in CONTAINERS:
        _leaf(rec, node, shape, ctx)
        rec.field = _leaf_field(rec, node, shape, field, ctx)
        rec.acts = numel(rec.shape)
        return rec
    if node.kind == "inception":
        outs = [walk(b, shape, name, depth + 1, ctx, field) for b in node.children]
        rec.children = outs
        fields = [o.field for o in outs]
        if all(f is not None for f in fields):  # the widest branch (a tie: the first)
            rec.field = max(fields, key=lambda f: (f[0][0], f[1][0]))  # type: ignore[index]
        spatial = {o.shape[1:] for o in outs}
        if len(spatial) != 1:
            raise ctx.fail(
                rec,
                "branches give different map sizes " + ", ".join(shape_text(o.shape) for o in outs),
            )
        rec.shape = (sum(o.shape[0] for o in outs), *outs[0].shape[1:])
    elif node.kind in ("basic", "bottleneck"):
        x, shortcut, x_field = shape, shape, field
        for child in node.children:
            if child.name == "downsample":  # the shortcut: it does not widen the field
                sub = walk(child, shape, name, depth + 1, ctx, field)
                shortcut = sub.shape
            elif child.kind == "add":
                sub = Rec(f"{name}.add", child, depth + 1)
                if x != shortcut:
                    raise ctx.fail(rec, f"cannot add {shape_text(x)} and {shape_text(shortcut)}")
                sub.shape, sub.acts, sub.field = x, numel(x), x_field
                if ctx.want_steps:
                    sub.steps = [
                        Step(
                            f"{sub.name}: residual addition",
                            "out = F(x) + x",
                            f"{shape_text(x)} + shortcut {shape_text(shortcut)}",
                            shape_text(x),
                        )
                    ]
            else:  # the main path
                sub = walk(child, x, name, depth + 1, ctx, x_field)
                x, x_field = sub.shape, sub.field
            rec.children.append(sub)
        rec.shape, rec.field = x, x_field
    else:  # seq, stage, basicconv, convrelu: in order
        x = shape
        for child in node.children:
            sub = walk(child, x, name, depth + 1, ctx, field)
            rec.children.append(sub)
            x, field = sub.shape, sub.field
        rec.shape, rec.field = x, field
    for sub in rec.children:
        rec.params += sub.params
        rec.macs += sub.macs
        rec.acts += sub.acts
    return rec


def numel(shape: tuple[int, ...]) -> int:
    n = 1
    for v in shape:
        n *= v
    return n


def _window(
    rec: Rec, a: dict[str, Any], shape: tuple[int, ...], ctx: Ctx, ceil: bool
) -> tuple[int, int]:
    """Output H, W of a sliding window (conv or pool) via conv_size.out_size, with a step."""
    c, h, w = shape
    (kh, kw), (sh, sw), (ph, pw) = a["k"], a["s"], a["p"]
    dh, dw = a.get("d", (1, 1))
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if h + 2 * ph < span_h or w + 2 * pw < span_w:
        what = "kernel" if rec.kind == "conv" else "window"
        padded = f" (padded {h + 2 * ph}x{w + 2 * pw})" if ph or pw else ""
        raise ctx.fail(
            rec, f"gets {shape_text(shape)}{padded}, smaller than its {span_h}x{span_w} {what}"
        )
    out_h, _ = out_size(h, kh, sh, ph, dh, ceil=ceil)
    out_w, _ = out_size(w, kw, sw, pw, dw, ceil=ceil)
    if ctx.want_steps:
        rnd = "ceil" if ceil else "floor"
        if (dh, dw) == (1, 1):
            formula = f"W2 = {rnd}((W + 2P - K)/S) + 1"
            sub = "{rnd}(({n} + 2*{p} - {k})/{s}) + 1 = {out}"
        else:
            formula = f"W2 = {rnd}((W + 2P - D(K-1) - 1)/S) + 1"
            sub = "{rnd}(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1 = {out}"
        axes = [("", h, kh, sh, ph, dh, out_h)]
        if (h, kh, sh, ph, dh) != (w, kw, sw, pw, dw):
            axes = [("H: ", h, kh, sh, ph, dh, out_h), ("W: ", w, kw, sw, pw, dw, out_w)]
        parts = []
        for t, n, k, s, p, d, o in axes:
            raw = -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1 if ceil else o
            part = t + sub.format(rnd=rnd, n=n, p=p, k=k, s=s, d=d, out=raw)
            if raw != o:  # PyTorch's ceil_mode rule
                part += (
                    f"; the last window would start in the padding ({raw - 1}*{s} >= {n} + {p}),"
                    f" so it is dropped: {o}"
                )
            parts.append(part)
        text = "; ".join(parts)
        out_c = a["out"] if rec.kind == "conv" else c
        rec.steps.append(
            Step(
                f"{rec.name} ({rec.desc}): output size",
                formula,
                text,
                shape_text((out_c, out_h, out_w)),
            )
        )
    return out_h, out_w


def _need_map(rec: Rec, shape: tuple[int, ...], ctx: Ctx) -> None:
    if len(shape) != 3:
        raise ctx.fail(rec, f"needs a CxHxW map, got the flat vector {shape_text(shape)}")


def _leaf(rec: Rec, node: Node, shape: tuple[int, ...], ctx: Ctx) -> None:
    """Fill in one layer's output shape, parameters, MACs (and its steps)."""
    a, kind = node.args, node.kind
    steps = rec.steps if ctx.want_steps else None
    if kind == "conv":
        _need_map(rec, shape, ctx)
        c, g, n = shape[0], a["groups"], a["out"]
        if c % g or n % g:
            raise ctx.fail(rec, f"groups {g} must divide the input channels {c} and filters {n}")
        out_h, out_w = _window(rec, a, shape, ctx, ceil=False)
        (kh, kw), bias = a["k"], a["bias"]
        links = a["links"] if a["links"] is not None else n * c // g
        rec.shape = (n, out_h, out_w)
        rec.params = links * kh * kw + (n if bias and ctx.rule != "conv-no-bias" else 0)
        rec.macs = out_h * out_w * links * kh * kw
        if steps is not None:
            cg = f"{c}/{g}" if g > 1 else str(c)
            if a["links"] is not None:
                f_p, s_p = "params = links*Kh*Kw + N", f"{links}*{kh}*{kw} + {n}"
                f_m, s_m = "MACs = H2*W2*links*Kh*Kw", f"{out_h}*{out_w}*{links}*{kh}*{kw}"
            else:
                cf = "C/G" if g > 1 else "C"
                f_p = f"params = (Kh*Kw*{cf} + 1)*N" if bias else f"params = Kh*Kw*{cf}*N"
                s_p = f"({kh}*{kw}*{cg} + 1)*{n}" if bias else f"{kh}*{kw}*{cg}*{n}"
                f_m, s_m = f"MACs = H2*W2*N*Kh*Kw*{cf}", f"{out_h}*{out_w}*{n}*{kh}*{kw}*{cg}"
            steps.append(Step(f"{rec.name}: parameters", f_p, s_p, rec.params))
            steps.append(Step(f"{rec.name}: multiply-accumulates", f_m, s_m, rec.macs))
    elif kind in ("maxpool", "avgpool", "subsample"):
        _need_map(rec, shape, ctx)
        (kh, kw), (ph, pw) = a["k"], a["p"]
        if kind != "subsample" and (2 * ph > kh or 2 * pw > kw):
            raise ctx.fail(rec, f"padding {ph}x{pw} is more than half the {kh}x{kw} window")
        out_h, out_w = _window(rec, a, shape, ctx, ceil=a["ceil"])
        rec.shape = (shape[0], out_h, out_w)
        if kind == "subsample":  # LeNet-5: a trainable coefficient and bias per map
            rec.params, rec.macs = 2 * shape[0], numel(rec.shape)
            if steps is not None:
                steps.append(
                    Step(
                        f"{rec.name}: parameters",
                        "params = 2*C (coefficient, bias)",
                        f"2*{shape[0]}",
                        rec.params,
                    )
                )
    elif kind == "adaptiveavgpool":
        _need_map(rec, shape, ctx)
        rec.shape = (shape[0], *a["out"])
        if steps is not None:
            steps.append(
                Step(
                    f"{rec.name} ({rec.desc}): output size",
                    "adaptive pooling: the output size is fixed, windows adapt",
                    f"{shape_text(shape)} -> {shape_text(rec.shape)}",
                    shape_text(rec.shape),
                )
            )
    elif kind == "flatten":
        rec.shape = (numel(shape),)
        if steps is not None and len(shape) > 1:
            steps.append(
                Step(
                    f"{rec.name}: output size",
                    "F = C*H*W",
                    "*".join(str(v) for v in shape),
                    rec.shape[0],
                )
            )
    elif kind in ("fc", "rbf"):
        if len(shape) > 1:
            ctx.notes.append(
                f"{rec.name}: its {shape_text(shape)} input is flattened to {numel(shape)} features"
            )
        f_in, f_out, bias = numel(shape), a["out"], a["bias"]
        rec.shape = (f_out,)
        rec.params = f_in * f_out + (f_out if bias and ctx.rule != "fc-no-bias" else 0)
        rec.macs = f_in * f_out
        if steps is not None:
            f_p = "params = (F_in + 1)*F_out" if bias else "params = F_in*F_out"
            s_p = f"({f_in} + 1)*{f_out}" if bias else f"{f_in}*{f_out}"
            steps.append(Step(f"{rec.name} ({rec.desc}): parameters", f_p, s_p, rec.params))
            steps.append(
                Step(
                    f"{rec.name}: multiply-accumulates",
                    "MACs = F_in*F_out",
                    f"{f_in}*{f_out}",
                    rec.macs,
                )
            )
    elif kind in SHAPE_KEEPING:
        if kind == "lrn":
            _need_map(rec, shape, ctx)
        rec.shape = shape
        if kind == "bn":  # (the slip: the running mean and variance counted as parameters)
            rec.params = (4 if ctx.rule == "bn-running-stats" else 2) * shape[0]
            if steps is not None:
                steps.append(
                    Step(
                        f"{rec.name}: parameters",
                        "params = 2*C (gamma, beta)",
                        f"2*{shape[0]}",
                        rec.params,
                    )
                )
    else:  # pragma: no cover - the parser and presets only make the kinds above
        raise ctx.fail(rec, f"unknown layer kind {kind}")


def num(x: float) -> int | float:
    """3.0 -> 3, 2.5 -> 2.5 (starts are whole or half pixels)."""
    return int(x) if float(x).is_integer() else float(x)


def _leaf_field(
    rec: Rec, node: Node, shape: tuple[int, ...], field: Field | None, ctx: Ctx
) -> Field | None:
    """The receptive field of the layer's output units, per axis (Dang Ha The Hien's
    receptive field arithmetic): with K_eff = D(K-1) + 1,
    r = r_in + (K_eff-1)*j_in, j = j_in*S, start = start_in + ((K_eff-1)/2 - P)*j_in."""
    a, kind = node.args, node.kind
    if field is None or kind in ("flatten", "fc", "rbf"):
        return None
    if kind in SHAPE_KEEPING:
        return field
    if kind == "adaptiveavgpool":  # uniform windows only when the size divides
        (h, w), (oh, ow) = shape[1:], a["out"]
        if h % oh or w % ow:
            return None
        k, s, p, d = (h // oh, w // ow), (h // oh, w // ow), (0, 0), (1, 1)
    else:
        k, s, p, d = a["k"], a["s"], a.get("p", (0, 0)), a.get("d", (1, 1))
    out: list[Axis] = []
    texts: list[str] = []
    for (r, j, st), kk, ss, pp, dd in zip(field, k, s, p, d, strict=True):
        span = dd * (kk - 1) + 1
        out.append((r + (span - 1) * j, j * ss, st + ((span - 1) / 2 - pp) * j))
        km1 = f"{kk}-1" if dd == 1 else f"{dd}*({kk}-1)"
        r2, j2, st2 = out[-1]
        texts.append(
            f"r = {r} + ({km1})*{j} = {r2}; j = {j}*{ss} = {j2}; "
            f"start = {num(st)} + (({km1})/2 - {pp})*{j} = {num(st2)}"
        )
    if ctx.want_steps and kind != "adaptiveavgpool":
        keff = "K" if d == (1, 1) else "D(K-1)+1"
        formula = (
            f"r = r_in + ({keff}-1)*j_in; j = j_in*S; start = start_in + (({keff}-1)/2 - P)*j_in"
        )
        if d != (1, 1):
            formula = formula.replace("(D(K-1)+1-1)", "D(K-1)")
        same = texts[0] == texts[1]
        text = texts[0] if same else f"H: {texts[0]}; W: {texts[1]}"
        value = out[0][0] if out[0][0] == out[1][0] else f"{out[0][0]}x{out[1][0]}"
        rec.steps.append(Step(f"{rec.name}: receptive field", formula, text, value))
    return out[0], out[1]
