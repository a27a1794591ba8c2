"""Output-size arithmetic for convolution and pooling (pure Python, no NumPy).

Kept apart from the layers so scalar commands (and ``arch``) start fast.
"""

from __future__ import annotations

from dlcalc.engine._working import Sym, Working, ceil, floor
from dlcalc.errors import InputError
from dlcalc.solution import Solution


def out_size(
    n: int, k: int, s: int = 1, p: int = 0, d: int = 1, *, ceil: bool = False, axis: str = ""
) -> tuple[int, bool]:
    """Output length of one axis and whether the windows tile it exactly.

    out = floor((n + 2p - d(k-1) - 1)/s) + 1, or with ``ceil`` (PyTorch's ceil_mode)
    ceil(...) + 1, dropping a last window that would start inside the right padding:
    if (out-1)*s >= n + p: out -= 1.
    """
    span = d * (k - 1) + 1
    num = n + 2 * p - span
    if num < 0:
        along = f" along the {axis}" if axis else ""
        raise InputError(
            f"--kernel: the {'dilated ' if d > 1 else ''}kernel spans {span}{along}, "
            f"more than the padded input {n} + 2*{p} = {n + 2 * p}"
        )
    exact = num % s == 0
    if ceil:
        out = -(-num // s) + 1
        if (out - 1) * s >= n + p:
            out -= 1
    else:
        out = num // s + 1
    return out, exact


def transposed_out_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, op: int = 0) -> int:
    """out = (n-1)s - 2p + d(k-1) + output_padding + 1 (as torch.nn.ConvTranspose2d)."""
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def _axis_step(w: Working, name: str, axis: str, sym: str, n, k, s, p, d, ceil_: bool) -> Sym:
    """One axis: the slides' W2 = floor((W1 + 2P - K)/S) + 1 (dilated: D(K-1) + 1 for K)."""
    out, _ = out_size(n, k, s, p, d, ceil=ceil_, axis=axis)
    W, K, S, P, D = (w.given(x, v) for x, v in ((sym, n), ("K", k), ("S", s), ("P", p), ("D", d)))
    padded = W + P if w.slip("pad-one-side") else W + 2 * P
    span = D * (K - 1) + 1 if d > 1 and not w.slip("dilation-ignored") else K
    num = padded - span
    ratio = num if w.slip("no-stride") else num / S
    rounded = ceil(ratio) if ceil_ or w.slip("ceil-not-floor") else floor(ratio)
    title = f"Output {axis}" if axis else "Output size"
    dropped = ceil_ and (-(-(n + 2 * p - d * (k - 1) - 1) // s)) * s >= n + p
    if dropped:  # ceil(...) + 1 - 1: PyTorch drops a last window that starts in the padding
        title += " (ceil mode: the last window would start in the padding and is dropped)"
        expr = rounded - 1 if w.slip("no-plus-one") else rounded
    else:
        expr = rounded if w.slip("no-plus-one") else rounded + 1
    got = w.step(name, expr, title=title, sym=f"{sym}2")
    assert w.overrides is not None or w.rule is not None or got.value == out
    return got


SOLVABLE = ("input", "kernel", "stride", "pad", "dilation")
_RANGES = {"input": (1, 4096), "kernel": (1, 64), "stride": (1, 64), "pad": (0, 64),
           "dilation": (1, 64)}  # fmt: skip
MAX_SHOWN = 8  # solutions written out step by step


def solve_size(
    unknown: str,
    output: tuple[int, int],
    known: dict[str, tuple[int, int] | None],
    ceil_: bool,
) -> Solution:
    """Every integer value of ``unknown`` (one of SOLVABLE, the same on both axes) in its
    range (input 1-4096, kernel/stride/dilation 1-64, pad 0-64) for which
    floor((W + 2P - D(K-1) - 1)/S) + 1 gives ``output`` (H, W); none is a result too."""
    lo, hi = _RANGES[unknown]
    w = Working()
    found: list[int] = []
    for v in range(lo, hi + 1):
        geo = {**known, unknown: (v, v)}
        try:
            got = tuple(
                out_size(geo["input"][a], geo["kernel"][a], geo["stride"][a], geo["pad"][a],
                         geo["dilation"][a], ceil=ceil_)[0]
                for a in (0, 1)
            )  # fmt: skip
        except InputError:
            continue
        if got == tuple(output):
            found.append(v)
    steps = []
    for v in found[:MAX_SHOWN]:
        geo = {**known, unknown: (v, v)}
        sub = Working()
        n, k, st, p, d = (geo[x][1] for x in SOLVABLE)
        _axis_step(sub, "out_w", "", "W", n, k, st, p, d, ceil_)
        step = sub.steps[-1]
        step.title = f"{unknown} = {v}: output size"
        steps.append(step)
    target = output[1] if output[0] == output[1] else f"{output[0]}x{output[1]}"
    notes = []
    if not found:
        notes.append(f"no integer {unknown} from {lo} to {hi} gives an output of {target}")
    elif len(found) > MAX_SHOWN:
        notes.append(f"{len(found)} values work; the first {MAX_SHOWN} are written out")
    if len(found) > 1 and unknown in ("input", "stride"):
        notes.append("the floor makes several values give the same output size")
    result = {"unknown": unknown, "solutions": found, "output": list(output)}
    sol = w.solution(result, steps=steps, notes=notes)
    sol.primary = "solutions"
    return sol


def conv_size(
    *,
    input: tuple[int, int] | None = None,
    kernel: tuple[int, int] | None = None,
    stride: tuple[int, int] = (1, 1),
    pad: tuple[int, int] = (0, 0),
    dilation: tuple[int, int] = (1, 1),
    ceil: bool = False,
    transposed: bool = False,
    output_padding: tuple[int, int] = (0, 0),
    in_channels: int | None = None,
    out_channels: int | None = None,
    no_bias: bool = False,
    output: tuple[int, int] | None = None,
    solve: str | None = None,
) -> Solution:
    """Output size of a conv/pool layer; with channels, its parameters and MACs; with
    ``output`` and ``solve`` (one of input, kernel, stride, pad, dilation), every value
    of the unknown that gives that output (:func:`solve_size`).

    Sizes are (H, W) pairs. params = (Kh*Kw*C + 1)*N (no +1 without bias);
    macs = out_h*out_w*N*Kh*Kw*C (transposed: in_h*in_w*N*Kh*Kw*C).
    Named steps: out_h, out_w (one step ``out_w`` when both axes agree), params, macs.
    """
    if solve is not None or output is not None:
        if solve is None or output is None:
            missing = "--solve" if solve is None else "--output"
            raise InputError(
                f"{missing}: --output and --solve go together (--output 32 --solve pad: "
                "which padding gives 32)"
            )
        if transposed or in_channels is not None or out_channels is not None:
            raise InputError("--solve: solves the output size of a plain conv or pooling layer")
        given = {"input": input, "kernel": kernel, "stride": stride, "pad": pad,
                 "dilation": dilation}  # fmt: skip
        for name, value in given.items():
            if name != solve and value is None:
                raise InputError(f"--{name}: required (it is not the unknown --solve {solve})")
        return solve_size(solve, output, given, ceil)
    if input is None or kernel is None:
        raise InputError(f"--{'input' if input is None else 'kernel'}: required for conv-size")
    (h, w_), (kh, kw), (sh, sw), (ph, pw), (dh, dw) = input, kernel, stride, pad, dilation
    w = Working()
    if w.lean and not transposed and in_channels is None and out_channels is None:
        # results only (batch without --steps): the same out_size the steps are asserted
        # against, without building the working
        if (h, kh, sh, ph, dh) == (w_, kw, sw, pw, dw):
            oh_, ex_h = ow_, ex_w = out_size(w_, kw, sw, pw, dw, ceil=ceil)
        else:
            oh_, ex_h = out_size(h, kh, sh, ph, dh, ceil=ceil, axis="height")
            ow_, ex_w = out_size(w_, kw, sw, pw, dw, ceil=ceil, axis="width")
        return Solution(result={"out_h": oh_, "out_w": ow_, "exact": ex_h and ex_w})
    notes: list[str] = []
    if (in_channels is None) != (out_channels is None):
        missing = "--out-channels" if out_channels is None else "--in-channels"
        raise InputError(
            f"{missing}: needed together with the other channel count for params and MACs"
        )
    if transposed:
        oph, opw = output_padding
        for axis, opv, sv, dv in (("height", oph, sh, dh), ("width", opw, sw, dw)):
            if opv >= max(sv, dv):
                raise InputError(
                    f"--output-padding: must be smaller than the stride or the dilation "
                    f"(max({sv}, {dv}) = {max(sv, dv)}) along the {axis}, got {opv}"
                )
        if (
            transposed_out_size(h, kh, sh, ph, dh, oph) < 1
            or transposed_out_size(w_, kw, sw, pw, dw, opw) < 1
        ):
            out_h = transposed_out_size(h, kh, sh, ph, dh, oph)
            out_w = transposed_out_size(w_, kw, sw, pw, dw, opw)
            raise InputError(f"--pad: padding {ph}x{pw} leaves no output ({out_h}x{out_w})")
        axes = [
            ("out_h", "height", "H", h, kh, sh, ph, dh, oph),
            ("out_w", "width", "W", w_, kw, sw, pw, dw, opw),
        ]
        if (h, kh, sh, ph, dh, oph) == (w_, kw, sw, pw, dw, opw):
            axes = [("out_w", "size", "W", w_, kw, sw, pw, dw, opw)]
        outs = []
        for name, axis, sym, n, k, s, p, d, opv in axes:
            W, K, S, P, D = (
                w.given(x, v) for x, v in ((sym, n), ("K", k), ("S", s), ("P", p), ("D", d))
            )
            OP = w.given("output_padding", opv)
            expr = (W - 1) * S - 2 * P + D * (K - 1) + OP + 1
            outs.append(w.step(name, expr, title=f"Transposed output {axis}", sym=f"{sym}2"))
        oh, ow = (outs[0], outs[-1])
        exact = True
    else:
        if (h, kh, sh, ph, dh) == (w_, kw, sw, pw, dw):
            ow = _axis_step(w, "out_w", "", "W", w_, kw, sw, pw, dw, ceil)
            oh = Sym("out_w", ow.value, "H2")  # the same step, written H2 where it is the height
            exact = out_size(w_, kw, sw, pw, dw, ceil=ceil)[1]
        else:
            oh = _axis_step(w, "out_h", "height", "H", h, kh, sh, ph, dh, ceil)
            ow = _axis_step(w, "out_w", "width", "W", w_, kw, sw, pw, dw, ceil)
            exact = out_size(h, kh, sh, ph, dh)[1] and out_size(w_, kw, sw, pw, dw)[1]
        if not exact:
            notes.append(
                "the windows do not tile the padded input exactly: "
                + (
                    "ceil keeps a partial last window"
                    if ceil
                    else "the last rows/columns are never covered"
                )
            )
    result: dict[str, object] = {"out_h": oh.value, "out_w": ow.value, "exact": exact}
    if in_channels is not None and out_channels is not None:
        Kh, Kw = w.given("Kh", kh), w.given("Kw", kw)
        C, N = w.given("C", in_channels), w.given("N", out_channels)
        if w.slip("channels-ignored"):
            C = w.given("C", 1)
        if no_bias:
            params = w.step("params", Kh * Kw * C * N, title="Parameters")
        elif w.slip("no-bias"):
            params = w.step("params", (Kh * Kw * C) * N, title="Parameters")
        elif w.slip("bias-once"):
            params = w.step("params", Kh * Kw * C * N + 1, title="Parameters")
        else:
            params = w.step("params", (Kh * Kw * C + 1) * N, title="Parameters")
        if transposed:
            H, W = w.given("H", h), w.given("W", w_)
        elif w.slip("macs-input-size"):
            H, W = w.given("H", h), w.given("W", w_)
        else:
            H, W = oh, ow
        macs_expr = H * W * N * Kh * Kw * C
        if w.slip("flops-for-macs"):
            macs_expr = 2 * macs_expr
        macs = w.step("macs", macs_expr, title="Multiply-accumulates", sym="MACs")
        result["params"] = params.value
        result["macs"] = macs.value
    return w.solution(result, notes=notes)
