"""Output-size arithmetic for convolution and pooling (pure Python, no NumPy).

Kept apart from the layers so scalar commands (and ``arch``) start fast.
"""

from __future__ import annotations

from dlcalc.errors import InputError
from dlcalc.solution import Solution, Step


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


def _axis_step(
    axis: str, sym: str, n: int, k: int, s: int, p: int, d: int, ceil: bool
) -> tuple[Step, int, bool]:
    out, exact = out_size(n, k, s, p, d, ceil=ceil, axis=axis)
    rnd = "ceil" if ceil else "floor"
    num = n + 2 * p - d * (k - 1) - 1
    formula = f"{sym}2 = {rnd}(({sym} + 2P - D(K-1) - 1)/S) + 1"
    subst = f"{rnd}(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1 = {rnd}({num}/{s}) + 1"
    if ceil and (-(-num // s)) * s >= n + p:
        subst += f"; last window starts in the padding ({(out) * s} >= {n}+{p}), dropped"
    title = f"Output {axis}" if axis else "Output size"
    return Step(title, formula, subst, out), out, exact


def conv_size(
    *,
    input: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int] = (1, 1),
    pad: tuple[int, int] = (0, 0),
    dilation: tuple[int, int] = (1, 1),
    ceil: bool = False,
    transposed: bool = False,
    output_padding: tuple[int, int] = (0, 0),
    in_channels: int | None = None,
    out_channels: int | None = None,
    no_bias: bool = False,
) -> Solution:
    """Output size of a conv/pool layer; with channels, its parameters and MACs.

    Sizes are (H, W) pairs. params = (Kh*Kw*C + 1)*N (no +1 without bias);
    macs = out_h*out_w*N*Kh*Kw*C (transposed: in_h*in_w*N*Kh*Kw*C).
    """
    (h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw) = input, kernel, stride, pad, dilation
    steps: list[Step] = []
    notes: list[str] = []
    if transposed:
        oph, opw = output_padding
        for name, opv, sv, dv in (("height", oph, sh, dh), ("width", opw, sw, dw)):
            if opv >= max(sv, dv):
                raise InputError(
                    f"--output-padding: must be smaller than the stride or the dilation "
                    f"(max({sv}, {dv}) = {max(sv, dv)}) along the {name}, got {opv}"
                )
        out_h = transposed_out_size(h, kh, sh, ph, dh, oph)
        out_w = transposed_out_size(w, kw, sw, pw, dw, opw)
        if out_h < 1 or out_w < 1:
            raise InputError(f"--pad: padding {ph}x{pw} leaves no output ({out_h}x{out_w})")
        axes = [
            ("height", "H", h, kh, sh, ph, dh, oph, out_h),
            ("width", "W", w, kw, sw, pw, dw, opw, out_w),
        ]
        if (h, kh, sh, ph, dh, oph) == (w, kw, sw, pw, dw, opw):
            axes = [("size", "W", w, kw, sw, pw, dw, opw, out_w)]
        for axis, sym, n, k, s, p, d, opv, out in axes:
            steps.append(
                Step(
                    f"Transposed output {axis}",
                    f"{sym}2 = ({sym}-1)S - 2P + D(K-1) + output_padding + 1",
                    f"({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {opv} + 1",
                    out,
                )
            )
        exact = True
    else:
        if (h, kh, sh, ph, dh) == (w, kw, sw, pw, dw):
            step, out_w, exact = _axis_step("", "W", w, kw, sw, pw, dw, ceil)
            steps.append(step)
            out_h = out_w
        else:
            step_h, out_h, exact_h = _axis_step("height", "H", h, kh, sh, ph, dh, ceil)
            step_w, out_w, exact_w = _axis_step("width", "W", w, kw, sw, pw, dw, ceil)
            steps += [step_h, step_w]
            exact = exact_h and exact_w
        if not exact:
            notes.append(
                "the windows do not tile the padded input exactly: "
                + (
                    "ceil keeps a partial last window"
                    if ceil
                    else "the last rows/columns are never covered"
                )
            )
    result: dict[str, object] = {"out_h": out_h, "out_w": out_w, "exact": exact}
    if (in_channels is None) != (out_channels is None):
        missing = "--out-channels" if out_channels is None else "--in-channels"
        raise InputError(
            f"{missing}: needed together with the other channel count for params and MACs"
        )
    if in_channels is not None and out_channels is not None:
        c, n = in_channels, out_channels
        bias = 0 if no_bias else 1
        params = (kh * kw * c + bias) * n
        steps.append(
            Step(
                "Parameters",
                "params = (Kh*Kw*C + 1)*N" if bias else "params = Kh*Kw*C*N",
                f"({kh}*{kw}*{c} + 1)*{n}" if bias else f"{kh}*{kw}*{c}*{n}",
                params,
            )
        )
        if transposed:
            macs = h * w * n * kh * kw * c
            steps.append(
                Step(
                    "Multiply-accumulates",
                    "MACs = H*W*N*Kh*Kw*C",
                    f"{h}*{w}*{n}*{kh}*{kw}*{c}",
                    macs,
                )
            )
        else:
            macs = out_h * out_w * n * kh * kw * c
            steps.append(
                Step(
                    "Multiply-accumulates",
                    "MACs = H2*W2*N*Kh*Kw*C",
                    f"{out_h}*{out_w}*{n}*{kh}*{kw}*{c}",
                    macs,
                )
            )
        result["params"] = params
        result["macs"] = macs
    return Solution(result=result, steps=steps, notes=notes)
