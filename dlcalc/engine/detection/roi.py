"""RoI pooling and RoIAlign with torchvision.ops.roi_pool / roi_align semantics, in NumPy.

Shapes: the feature map is H x W or C x H x W; ``roi`` is K x 4 rows (x1, y1, x2, y2) in
input-image coordinates, mapped onto the map by ``spatial_scale``. The output is
PH x PW (2-D map, one RoI), C x PH x PW (one RoI) or K x ... (several RoIs).

RoIAlign is separable: a sample's bilinear weight is (weight along y) x (weight along x),
so each RoI's output is ``Ay @ X @ Ax.T`` with Ay (PH x H) the y-weights averaged over a
bin's samples; ``_axis_samples`` computes them as torchvision's kernel does, one axis at a
time.
"""

from __future__ import annotations

import math

import numpy as np

from dlcalc.engine._shapes import expect_shape
from dlcalc.engine._working import Working
from dlcalc.errors import InputError, LimitError
from dlcalc.solution import Solution, Step, as_exact, fmt

_MAX_BINS = 16  # bins written out in the working
_MAX_SAMPLES = 16  # bilinear sample points written out (first bin of RoIAlign)
_MAX_CELLS = 36  # cell values written inside one RoIPool bin
_MAX_COORD = 1e9  # |roi coordinate * spatial_scale|
_MAX_OUT = 1_000_000  # output values, K x C x PH x PW
_MAX_BINS_TOTAL = 100_000  # bins over all RoIs, K x PH x PW (RoIPool visits each one)
_MAX_WEIGHTS = 20_000_000  # bilinear weights per axis of one RoI (bins x samples x size)
_MAX_SAMPLES_PER_ROI = 10_000_000  # sample points of one RoI, PH x PW x G_h x G_w


def _prepare(
    input: np.ndarray, roi: np.ndarray, spatial_scale: float, output_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    if input.ndim == 2:
        x = input[None]
    elif input.ndim == 3:
        x = input
    else:
        raise InputError(f"--input: expected an HxW matrix or a CxHxW tensor, got {input.ndim}-D")
    expect_shape(roi, (None, 4), "roi", "x1,y1,x2,y2 per RoI")
    if not spatial_scale > 0:
        raise InputError(f"--spatial-scale: expected a number > 0, got {fmt(spatial_scale)}")
    with np.errstate(over="ignore"):
        scaled = roi * spatial_scale
    if not np.all(np.abs(scaled) <= _MAX_COORD):
        raise InputError(
            f"--roi: coordinates times --spatial-scale must lie within +-{_MAX_COORD:g}"
        )
    bins = roi.shape[0] * output_size[0] * output_size[1]
    if bins > _MAX_BINS_TOTAL or bins * x.shape[0] > _MAX_OUT:
        raise LimitError(
            f"--output-size: {roi.shape[0]} RoI(s) x {x.shape[0]} channel(s) x "
            f"{output_size[0]}x{output_size[1]} bins is too large (limit {_MAX_BINS_TOTAL:,} bins)"
        )
    return x, roi


def _shape_output(out: np.ndarray, input: np.ndarray) -> np.ndarray:
    """K x C x PH x PW -> drop the RoI axis for one RoI and the channel axis for a 2-D map."""
    if input.ndim == 2:
        out = out[:, 0]
    return out[0] if out.shape[0] == 1 else out


def c_round(v: float) -> int:
    """C's round(): halves away from zero (2.5 -> 3, -2.5 -> -3), unlike Python's round."""
    return int(math.copysign(math.floor(abs(v) + 0.5), v))


def pool_bins(start: int, length: int, n_out: int, size: int) -> list[tuple[int, int]]:
    """RoIPool bin edges along one axis: [floor(i*b) + start, ceil((i+1)*b) + start), clipped."""
    b = length / n_out
    out = []
    for i in range(n_out):
        lo = min(max(math.floor(i * b) + start, 0), size)
        hi = min(max(math.ceil((i + 1) * b) + start, 0), size)
        out.append((lo, hi))
    return out


def roi_pool(
    *,
    input: np.ndarray,
    roi: np.ndarray,
    output_size: tuple[int, int],
    spatial_scale: float = 1.0,
    sampling_ratio: int | None = None,
    aligned: bool = False,
) -> Solution:
    """RoI max pooling, as torchvision.ops.roi_pool.

    x1' = round(x1*s) (halves away from zero), likewise y1', x2', y2'; h = max(y2'-y1'+1, 1),
    w likewise; bin (i, j) covers rows [floor(i h/PH), ceil((i+1) h/PH)) + y1' and columns
    likewise, clipped to the map; its value is the max over those cells, 0 for an empty bin.
    """
    if sampling_ratio is not None:
        raise InputError(
            "--sampling-ratio: roi-pool takes the max over every cell of a bin and has no "
            "sampling grid; use roi-align"
        )
    if aligned:
        raise InputError("--aligned: roi-pool rounds the RoI to whole cells; use roi-align")
    x, roi = _prepare(input, roi, spatial_scale, output_size)
    c, h, w = x.shape
    ph_n, pw_n = output_size
    out = np.zeros((roi.shape[0], c, ph_n, pw_n))
    wk = Working()
    # variant rules: the scaled corners truncated (floor) instead of rounded; the RoI's
    # size without the +1 of its inclusive corner cells
    rnd = math.floor if wk.slip("floor-not-round") else c_round
    avg = wk.slip("avg-not-max")  # variant rule: each bin averaged instead of its maximum
    one = 0 if wk.slip("no-plus-one") else 1
    plans = []
    for k, (rx1, ry1, rx2, ry2) in enumerate(roi):
        sx1, sy1 = rnd(rx1 * spatial_scale), rnd(ry1 * spatial_scale)
        sx2, sy2 = rnd(rx2 * spatial_scale), rnd(ry2 * spatial_scale)
        rw, rh = max(sx2 - sx1 + one, 1), max(sy2 - sy1 + one, 1)
        rows, cols = pool_bins(sy1, rh, ph_n, h), pool_bins(sx1, rw, pw_n, w)
        for i, (h0, h1) in enumerate(rows):
            for j, (w0, w1) in enumerate(cols):
                if h1 > h0 and w1 > w0:
                    cells = x[:, h0:h1, w0:w1]
                    out[k, :, i, j] = cells.mean(axis=(1, 2)) if avg else cells.max(axis=(1, 2))
        plans.append(((sx1, sy1, sx2, sy2), (rw, rh), rows, cols))
    if np.all(x == np.round(x)):
        out = as_exact(out)
    out = np.asarray(wk.keep("output", _shape_output(out, input))).reshape(out.shape)

    (sx1, sy1, sx2, sy2), (rw, rh), rows, cols = plans[0]
    rx1, ry1, rx2, ry2 = roi[0]
    s = fmt(spatial_scale)
    steps = [
        Step(
            "RoI on the feature map",
            "x1' = round(x1*s), y1' = round(y1*s), x2' = round(x2*s), y2' = round(y2*s)",
            f"round({fmt(rx1)}*{s}), round({fmt(ry1)}*{s}), "
            f"round({fmt(rx2)}*{s}), round({fmt(ry2)}*{s})",
            f"({sx1}, {sy1}, {sx2}, {sy2})",
        ),
        Step(
            "RoI size and bin size",
            "h = max(y2' - y1' + 1, 1), w = max(x2' - x1' + 1, 1); bin = h/PH x w/PW",
            f"h = {sy2} - {sy1} + 1, w = {sx2} - {sx1} + 1; bin = {rh}/{ph_n} x {rw}/{pw_n}",
            f"{rh} x {rw} cells, bins {fmt(rh / ph_n)} x {fmt(rw / pw_n)}",
        ),
    ]
    listed = 0
    for ch in range(c):
        for i, (h0, h1) in enumerate(rows):
            for j, (w0, w1) in enumerate(cols):
                if listed == _MAX_BINS:
                    break
                where = f"channel {ch}, " if c > 1 else ""
                bh, bw = rh / ph_n, rw / pw_n
                formula = (
                    f"{where}rows floor({i}*{fmt(bh)})+{sy1} .. ceil({i + 1}*{fmt(bh)})+{sy1}-1, "
                    f"cols floor({j}*{fmt(bw)})+{sx1} .. ceil({j + 1}*{fmt(bw)})+{sx1}-1: max"
                )
                if h1 <= h0 or w1 <= w0:
                    subst = "empty bin (outside the map): 0"
                else:
                    cells = x[ch, h0:h1, w0:w1].ravel()
                    shown = ", ".join(fmt(v) for v in cells[:_MAX_CELLS])
                    more = f", ... ({cells.size} cells)" if cells.size > _MAX_CELLS else ""
                    subst = f"rows {h0}..{h1 - 1}, cols {w0}..{w1 - 1}: max({shown}{more})"
                steps.append(Step(f"Bin ({i},{j})", formula, subst, out[0, ch, i, j]))
                listed += 1
    result_out = _shape_output(out, input)
    steps.append(Step("Output", f"RoIPool {ph_n}x{pw_n}", "", result_out, name="output"))
    notes = _common_notes(roi, c * ph_n * pw_n, listed)
    if sx2 < sx1 or sy2 < sy1:
        notes.append("the rounded RoI has x2' < x1' or y2' < y1': it is forced to at least 1x1")
    if any(h1 <= h0 for h0, h1 in rows) or any(w1 <= w0 for w0, w1 in cols):
        notes.append("some bins fall outside the map: empty bins are 0")
    return wk.solution({"output": result_out}, steps=steps, notes=notes)


def _common_notes(roi: np.ndarray, total: int, listed: int) -> list[str]:
    notes = []
    if total > listed:
        notes.append(f"the working lists {listed} of {total} bins of the first RoI")
    if roi.shape[0] > 1:
        notes.append(f"{roi.shape[0]} RoIs: the working follows the first; output is K x ...")
    return notes


def _axis_samples(
    start: float, bin_size: float, n_out: int, grid: int, size: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Bilinear weights along one axis for every sample: (n_out, grid, size) and the details.

    Sample t of bin i sits at start + i*bin + (t + 0.5)*bin/grid. Outside [-1, size] its
    weight is 0; otherwise it is clamped to [0, size - 1] and split between floor and
    floor + 1 as (1 - l, l).
    """
    g = max(grid, 0)
    pos = (
        start
        + np.arange(n_out)[:, None] * bin_size
        + (np.arange(g)[None, :] + 0.5) * bin_size / max(g, 1)
    )
    valid = (pos >= -1.0) & (pos <= size)
    p = np.where(valid, np.maximum(pos, 0.0), 0.0)
    low = np.floor(p).astype(np.int64)
    edge = low >= size - 1
    low = np.where(edge, size - 1, low)
    high = np.where(edge, low, low + 1)
    p = np.where(edge, low.astype(float), p)
    frac = p - low
    weights = np.zeros((n_out, g, size))
    ii, tt = np.nonzero(valid)
    np.add.at(weights, (ii, tt, low[ii, tt]), 1.0 - frac[ii, tt])
    np.add.at(weights, (ii, tt, high[ii, tt]), frac[ii, tt])
    return weights, {"pos": pos, "valid": valid, "low": low, "high": high, "frac": frac}


def roi_align(
    *,
    input: np.ndarray,
    roi: np.ndarray,
    output_size: tuple[int, int],
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> Solution:
    """RoIAlign, as torchvision.ops.roi_align: bins averaged over bilinear samples.

    x1' = x1*s - o with o = 0.5 if aligned else 0 (likewise y1', x2', y2'); h = y2' - y1',
    w = x2' - x1', each at least 1 when not aligned. Bin (i, j) has size bh = h/PH, bw = w/PW
    and a grid of G_h x G_w samples (G = sampling_ratio, or ceil(h/PH) when it is <= 0) at
    y = y1' + i*bh + (iy + 0.5) bh/G_h, x likewise; output = mean of the bilinear values
    f(y, x) = sum of the 4 neighbours weighted (1-ly)(1-lx), (1-ly)lx, ly(1-lx), ly lx.
    """
    x, roi = _prepare(input, roi, spatial_scale, output_size)
    c, h, w = x.shape
    ph_n, pw_n = output_size
    off = 0.5 if aligned else 0.0
    out = np.zeros((roi.shape[0], c, ph_n, pw_n))
    wk = Working()
    # variant rules: the RoI rounded to whole cells as RoIPool does (what RoIAlign avoids);
    # one sample at each bin's centre instead of the G x G grid
    rounded = wk.slip("rounded-roi")
    if aligned and wk.slip("half-pixel-ignored"):  # --aligned without its -0.5 shift
        off = 0.0
    plans = []
    for k, (rx1, ry1, rx2, ry2) in enumerate(roi):
        sx1, sy1 = rx1 * spatial_scale - off, ry1 * spatial_scale - off
        sx2, sy2 = rx2 * spatial_scale - off, ry2 * spatial_scale - off
        if rounded:
            sx1, sy1, sx2, sy2 = (float(c_round(v)) for v in (sx1, sy1, sx2, sy2))
        rw, rh = sx2 - sx1, sy2 - sy1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph_n, rw / pw_n
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph_n)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw_n)
        if max(gh, gw) > 1 and wk.slip("one-sample-per-bin"):
            gh, gw = 1, 1
        if ph_n * pw_n * max(gh, 1) * max(gw, 1) > _MAX_SAMPLES_PER_ROI:
            raise LimitError(
                f"--sampling-ratio: {ph_n}x{pw_n} bins x {max(gh, 1)}x{max(gw, 1)} samples is "
                f"more than {_MAX_SAMPLES_PER_ROI:,} sample points per RoI; give a smaller "
                "--sampling-ratio"
            )
        if max(ph_n * gh * h, pw_n * gw * w) > _MAX_WEIGHTS:
            raise LimitError(
                f"--sampling-ratio: {max(gh, 0)}x{max(gw, 0)} samples per bin over a {h}x{w} map "
                "is too many; give a smaller --sampling-ratio"
            )
        wy, dy = _axis_samples(sy1, bh, ph_n, gh, h)
        wx, dx = _axis_samples(sx1, bw, pw_n, gw, w)
        if gh > 0 and gw > 0:
            ay, ax = wy.sum(axis=1) / gh, wx.sum(axis=1) / gw
            out[k] = ay @ x @ ax.T
        plans.append(((sx1, sy1, sx2, sy2), (rw, rh), (bh, bw), (gh, gw), (wy, dy), (wx, dx)))

    out = np.asarray(wk.keep("output", _shape_output(out, input))).reshape(out.shape)
    (sx1, sy1, sx2, sy2), (rw, rh), (bh, bw), (gh, gw), (wy, dy), (wx, dx) = plans[0]
    rx1, ry1, rx2, ry2 = roi[0]
    s = fmt(spatial_scale)
    o = " - 0.5" if aligned else ""
    steps = [
        Step(
            "RoI on the feature map (no rounding)",
            f"x1' = x1*s{o}, y1' = y1*s{o}, x2' = x2*s{o}, y2' = y2*s{o}",
            f"{fmt(rx1)}*{s}{o}, {fmt(ry1)}*{s}{o}, {fmt(rx2)}*{s}{o}, {fmt(ry2)}*{s}{o}",
            f"({fmt(sx1)}, {fmt(sy1)}, {fmt(sx2)}, {fmt(sy2)})",
        ),
        Step(
            "RoI size and bin size",
            ("h = y2' - y1'" if aligned else "h = max(y2' - y1', 1)")
            + ", w likewise; bin = h/PH x w/PW",
            f"h = {fmt(sy2)} - {fmt(sy1)}, w = {fmt(sx2)} - {fmt(sx1)}; "
            f"bin = {fmt(rh)}/{ph_n} x {fmt(rw)}/{pw_n}",
            f"bins {fmt(bh)} x {fmt(bw)}",
        ),
        Step(
            "Samples per bin",
            f"G = sampling_ratio = {sampling_ratio}"
            if sampling_ratio > 0
            else "G_h = ceil(h/PH), G_w = ceil(w/PW) (adaptive)",
            "" if sampling_ratio > 0 else f"ceil({fmt(rh)}/{ph_n}), ceil({fmt(rw)}/{pw_n})",
            f"{max(gh, 0)} x {max(gw, 0)} samples",
        ),
    ]
    steps += _sample_steps(x[0], dy, dx, gh, gw, bh, bw, sy1, sx1)
    listed = 0
    for i in range(ph_n):
        for j in range(pw_n):
            if listed == _MAX_BINS:
                break
            if gh <= 0 or gw <= 0:
                subst = "no samples (empty grid): 0"
            else:
                vals = (wy[i] @ x[0] @ wx[j].T).ravel()
                shown = " + ".join(fmt(v, 4) for v in vals[:_MAX_SAMPLES])
                more = f" + ... ({vals.size} samples)" if vals.size > _MAX_SAMPLES else ""
                subst = f"({shown}{more})/{vals.size}"
            where = "channel 0: " if c > 1 else ""
            steps.append(
                Step(
                    f"Bin ({i},{j})",
                    f"{where}mean of the {max(gh, 0)}x{max(gw, 0)} bilinear samples",
                    subst,
                    out[0, 0, i, j],
                )
            )
            listed += 1
    result_out = _shape_output(out, input)
    steps.append(Step("Output", f"RoIAlign {ph_n}x{pw_n}", "", result_out, name="output"))
    notes = _common_notes(roi, ph_n * pw_n, listed)
    if c > 1:
        notes.append("the bins are written out for channel 0; every channel uses the same weights")
    if not aligned and (sx2 - sx1 < 1 or sy2 - sy1 < 1):
        notes.append("the RoI is narrower than 1 cell: its size is forced to at least 1")
    if gh <= 0 or gw <= 0:
        notes.append("the RoI has no extent (aligned, x2 <= x1 or y2 <= y1): the output is 0")
    if np.any(~dy["valid"]) or np.any(~dx["valid"]):
        notes.append("samples beyond [-1, H] x [-1, W] count as 0 (they still count in the mean)")
    return wk.solution({"output": result_out}, steps=steps, notes=notes)


def _sample_steps(
    x0: np.ndarray,
    dy: dict[str, np.ndarray],
    dx: dict[str, np.ndarray],
    gh: int,
    gw: int,
    bh: float,
    bw: float,
    sy1: float,
    sx1: float,
) -> list[Step]:
    """The bilinear sample points of bin (0, 0), channel 0, with their four weights."""
    steps = []
    for iy in range(max(gh, 0)):
        for ix in range(max(gw, 0)):
            if len(steps) == _MAX_SAMPLES:
                return steps
            y, xx = dy["pos"][0, iy], dx["pos"][0, ix]
            title = f"Sample ({iy},{ix}) of bin (0,0)"
            where = (
                f"y = {fmt(sy1)} + ({iy} + 0.5)*{fmt(bh)}/{gh} = {fmt(y)}, "
                f"x = {fmt(sx1)} + ({ix} + 0.5)*{fmt(bw)}/{gw} = {fmt(xx)}"
            )
            if not (dy["valid"][0, iy] and dx["valid"][0, ix]):
                steps.append(Step(title, "outside [-1, H] x [-1, W]: f = 0", where, 0.0))
                continue
            yl, yh, ly = dy["low"][0, iy], dy["high"][0, iy], dy["frac"][0, iy]
            xl, xh, lx = dx["low"][0, ix], dx["high"][0, ix], dx["frac"][0, ix]
            ws = ((1 - ly) * (1 - lx), (1 - ly) * lx, ly * (1 - lx), ly * lx)
            vs = (x0[yl, xl], x0[yl, xh], x0[yh, xl], x0[yh, xh])
            terms = " + ".join(f"{fmt(wt, 4)}*{fmt(v)}" for wt, v in zip(ws, vs, strict=True))
            steps.append(
                Step(
                    title,
                    "f = w1 v[yl,xl] + w2 v[yl,xh] + w3 v[yh,xl] + w4 v[yh,xh]; "
                    "w1 = (1-ly)(1-lx), w2 = (1-ly)lx, w3 = ly(1-lx), w4 = ly lx",
                    f"{where}; yl={yl}, yh={yh}, ly={fmt(ly, 4)}, xl={xl}, xh={xh}, "
                    f"lx={fmt(lx, 4)}; f = {terms}",
                    float(sum(wt * v for wt, v in zip(ws, vs, strict=True))),
                )
            )
    return steps
