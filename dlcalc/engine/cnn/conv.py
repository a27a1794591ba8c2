"""Convolution (cross-correlation, as in deep-learning libraries) and pooling, in NumPy.

Shapes: a map is H x W or C x H x W; conv kernels are Kh x Kw or N x C x Kh x Kw.
Both are vectorised: windows come from ``sliding_window_view`` and one ``einsum``/
reduction, with no Python loop over pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlcalc.engine._shapes import MAX_ELEMENTS
from dlcalc.engine._working import Working
from dlcalc.engine.cnn.size import out_size
from dlcalc.errors import InputError, LimitError
from dlcalc.solution import Solution, Step, as_exact, fmt

_MAX_TERMS = 27  # multiply-adds written out in the working for one output cell
_MAX_WINDOWS = 16  # pooling windows listed in the working
MAX_MACS = 2_000_000_000  # about a second of NumPy work


def _as_chw(x: np.ndarray, name: str) -> np.ndarray:
    if x.ndim == 2:
        return x[None]
    if x.ndim == 3:
        return x
    raise InputError(f"--{name}: expected an HxW matrix or a CxHxW tensor, got {x.ndim}-D")


def _windows(
    x: np.ndarray, k: tuple[int, int], s: tuple[int, int], d: tuple[int, int]
) -> np.ndarray:
    """C x H x W (already padded) -> C x H2 x W2 x Kh x Kw views of each (dilated) window."""
    (kh, kw), (sh, sw), (dh, dw) = k, s, d
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    win = sliding_window_view(x, (span_h, span_w), axis=(-2, -1))
    return win[:, ::sh, ::sw, ::dh, ::dw]


def conv(
    *,
    input: np.ndarray,
    kernel: np.ndarray,
    stride: tuple[int, int] = (1, 1),
    pad: tuple[int, int] = (0, 0),
    dilation: tuple[int, int] = (1, 1),
    bias: np.ndarray | None = None,
) -> Solution:
    """2-D cross-correlation: out[n,i,j] = b[n] + sum_{c,u,v} x[c, iS+uD-P, jS+vD-P] k[n,c,u,v].

    input: HxW or CxHxW; kernel: KhxKw (C = 1), CxKhxKw (N = 1) or NxCxKhxKw.
    output: H2xW2 when input and kernel are 2-D, else N x H2 x W2.
    """
    two_d = input.ndim == 2 and kernel.ndim == 2
    x = _as_chw(input, "input")
    if kernel.ndim == 2:
        k = kernel[None, None]
    elif kernel.ndim == 3:
        k = kernel[None]
    elif kernel.ndim == 4:
        k = kernel
    else:
        raise InputError(f"--kernel: expected KxK, CxKxK or NxCxKxK, got {kernel.ndim}-D")
    c, h, w = x.shape
    n, kc, kh, kw = k.shape
    if kc != c:
        raise InputError(f"--kernel: expected {c} input channel(s) to match --input, got {kc}")
    wk = Working()
    # the classic slips, consulted where they can show (plain runs use the given values)
    if stride != (1, 1) and wk.slip("stride-ignored"):
        stride = (1, 1)
    if pad != (0, 0) and wk.slip("no-padding"):
        pad = (0, 0)
    if not np.array_equal(k, k[:, :, ::-1, ::-1]) and wk.slip("flipped-kernel"):
        k = k[:, :, ::-1, ::-1]  # true convolution: the kernel rotated by 180 degrees
    if bias is not None and np.any(bias) and wk.slip("no-bias"):
        bias = None
    (sh, sw), (ph, pw), (dh, dw) = stride, pad, dilation
    out_h, exact_h = out_size(h, kh, sh, ph, dh, axis="height")
    out_w, exact_w = out_size(w, kw, sw, pw, dw, axis="width")
    padded = c * (h + 2 * ph) * (w + 2 * pw)
    macs = n * out_h * out_w * c * kh * kw
    if padded > MAX_ELEMENTS or macs > MAX_MACS:
        raise LimitError(
            f"--input: the padded input has {padded:,} values and the convolution needs "
            f"{macs:,} multiply-adds; the limits are {MAX_ELEMENTS:,} and {MAX_MACS:,}"
        )
    if bias is not None and bias.shape != (n,):
        raise InputError(f"--bias: expected {n} value(s), one per output channel, got {bias.size}")
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    win = _windows(xp, (kh, kw), (sh, sw), (dh, dw))[:, :out_h, :out_w]
    out = np.einsum("chwuv,ncuv->nhw", win, k, optimize=True)
    if bias is not None:
        out = out + bias[:, None, None]
    ints = all(np.all(a == np.round(a)) for a in (x, k) + (() if bias is None else (bias,)))
    out = as_exact(out) if ints else out

    steps = [
        Step(
            "Output size",
            "H2 = floor((H + 2P - D(K-1) - 1)/S) + 1, W2 likewise",
            f"H2 = floor(({h} + 2*{ph} - {dh}*({kh}-1) - 1)/{sh}) + 1, "
            f"W2 = floor(({w} + 2*{pw} - {dw}*({kw}-1) - 1)/{sw}) + 1",
            f"{n} x {out_h} x {out_w}" if not two_d else f"{out_h} x {out_w}",
        )
    ]
    n_terms = c * kh * kw
    cells = ((ci, uu, vv) for ci in range(c) for uu in range(kh) for vv in range(kw))
    terms = [
        f"{fmt(xp[ci, uu * dh, vv * dw])}*{fmt(k[0, ci, uu, vv])}"
        for _, (ci, uu, vv) in zip(range(_MAX_TERMS), cells, strict=False)
    ]
    shown = " + ".join(terms) + (f" + ... ({n_terms} terms)" if n_terms > _MAX_TERMS else "")
    if bias is not None:
        shown += f" + {fmt(bias[0])}"
    first = out[0, 0, 0]
    steps.append(
        Step(
            "First output cell",
            "out[0,0] = b + sum_{c,u,v} x[c, u*D - P, v*D - P] * k[c,u,v]",
            shown,
            first,
        )
    )
    result_out = wk.keep("output", out[0] if two_d else out)
    steps.append(
        Step("Output", "out = x (*) k" + (" + b" if bias is not None else ""), "", result_out)
    )
    notes = []
    if not (exact_h and exact_w):
        notes.append("the stride does not tile the padded input: the last rows/columns are unused")
    if ph or pw:
        notes.append(f"the input is zero-padded by {ph} row(s) and {pw} column(s) on each side")
    return wk.solution({"output": result_out}, steps=steps, notes=notes)


def pool(
    *,
    input: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int] | None = None,
    pad: tuple[int, int] = (0, 0),
    mode: str = "max",
    ceil: bool = False,
) -> Solution:
    """Max or average pooling over K x K windows (stride defaults to K).

    Padding is -inf for max and zeros for avg; avg divides by the window size including
    padding (PyTorch's count_include_pad=True) but not by any overhang from ``ceil``.
    input: HxW or CxHxW; output: same rank.
    """
    x = _as_chw(input, "input")
    c, h, w = x.shape
    kh, kw = size
    sh, sw = stride if stride is not None else size
    ph, pw = pad
    if ph > kh // 2 or pw > kw // 2:
        raise InputError(
            f"--pad: must be at most half the pool size ({kh // 2}x{kw // 2}), got {ph}x{pw}"
        )
    wk = Working()
    # the classic slips, consulted where they can show (plain runs use the given values)
    if mode == "avg" and wk.slip("max-not-avg"):
        mode = "max"
    elif mode == "max" and wk.slip("avg-not-max"):
        mode = "avg"
    exclude_pad = mode == "avg" and (ph or pw) and wk.slip("exclude-pad")
    if (sh, sw) != (1, 1) and wk.slip("stride-one"):
        sh, sw = 1, 1
    out_h, exact_h = out_size(h, kh, sh, ph, ceil=ceil, axis="height")
    out_w, exact_w = out_size(w, kw, sw, pw, ceil=ceil, axis="width")
    need_h, need_w = (out_h - 1) * sh + kh, (out_w - 1) * sw + kw
    if c * out_h * out_w * kh * kw > MAX_MACS:
        raise LimitError(
            f"--size: {c * out_h * out_w:,} windows of {kh}x{kw} exceed the limit of "
            f"{MAX_MACS:,} values to compare"
        )
    fill = -np.inf if mode == "max" else 0.0
    xp = np.full((c, max(need_h, h + 2 * ph), max(need_w, w + 2 * pw)), fill)
    xp[:, ph : ph + h, pw : pw + w] = x
    win = _windows(xp, (kh, kw), (sh, sw), (1, 1))[:, :out_h, :out_w]
    if mode == "max":
        out = win.max(axis=(-2, -1))
        out = as_exact(out) if np.all(x == np.round(x)) else out
        divisor = None
    else:
        starts_h = np.arange(out_h) * sh - ph
        starts_w = np.arange(out_w) * sw - pw
        if exclude_pad:  # count_include_pad=False: only the real entries of each window
            len_h = np.minimum(starts_h + kh, h) - np.maximum(starts_h, 0)
            len_w = np.minimum(starts_w + kw, w) - np.maximum(starts_w, 0)
        else:
            len_h = np.minimum(starts_h + kh, h + ph) - starts_h
            len_w = np.minimum(starts_w + kw, w + pw) - starts_w
        divisor = np.outer(len_h, len_w)
        out = win.sum(axis=(-2, -1)) / divisor

    steps = [
        Step(
            "Output size",
            f"H2 = {'ceil' if ceil else 'floor'}((H + 2P - K)/S) + 1, W2 likewise",
            f"H2 = {'ceil' if ceil else 'floor'}(({h} + 2*{ph} - {kh})/{sh}) + 1, "
            f"W2 = {'ceil' if ceil else 'floor'}(({w} + 2*{pw} - {kw})/{sw}) + 1",
            f"{out_h} x {out_w}",
        )
    ]
    op = "max" if mode == "max" else "avg"
    listed = 0
    for ci in range(c):
        for i in range(out_h):
            for j in range(out_w):
                if listed == _MAX_WINDOWS:
                    break
                r0, c0 = i * sh - ph, j * sw - pw
                vals = win[ci, i, j].ravel()
                shown = ", ".join("pad" if not np.isfinite(v) else fmt(v) for v in vals)
                if mode == "max":
                    subst = f"max({shown})"
                else:
                    subst = f"({' + '.join(fmt(v) for v in vals)})/{int(divisor[i, j])}"
                where = f"channel {ci}, " if c > 1 else ""
                steps.append(
                    Step(
                        f"Window ({i},{j})",
                        f"{where}rows {r0}..{r0 + kh - 1}, cols {c0}..{c0 + kw - 1}: {op} of window",
                        subst,
                        out[ci, i, j],
                    )
                )
                listed += 1
    total = c * out_h * out_w
    notes = []
    if total > listed:
        notes.append(f"the working lists {listed} of {total} windows")
    if not (exact_h and exact_w) and not ceil:
        notes.append("the windows do not tile the input: the last rows/columns are unused")
    result_out = wk.keep("output", out[0] if input.ndim == 2 else out)
    steps.append(Step("Output", f"{op}-pool {kh}x{kw}, stride {sh}x{sw}", "", result_out))
    return wk.solution({"output": result_out}, steps=steps, notes=notes)
