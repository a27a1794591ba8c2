"""RoIPool and RoIAlign: maps worked by hand and loop references of torchvision's algorithm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.detection.roi import c_round, roi_align, roi_pool
from dlcalc.errors import InputError

# v[y, x] = 4y + x + 1: the 4x4 map 1..16. Bilinear interpolation of a linear map is exact,
# so inside the map f(y, x) = 4y + x + 1 for any real (y, x).
MAP = np.arange(1, 17, dtype=float).reshape(4, 4)


def _pool(roi, size=(2, 2), **kw):
    return roi_pool(input=MAP, roi=np.array([roi], float), output_size=size, **kw)


def _align(roi, size=(2, 2), x=MAP, **kw):
    return roi_align(input=x, roi=np.array([roi], float), output_size=size, **kw)


# ------------------------------------------------------------------ RoIPool by hand


def test_roi_pool_whole_map():
    # roi 0..3 -> h = w = 3 - 0 + 1 = 4 cells, bins 2x2: maxima of the four 2x2 quadrants
    assert _pool((0, 0, 3, 3))["output"].tolist() == [[6, 8], [14, 16]]


def test_roi_pool_overlapping_bins():
    # roi 0..2 -> 3 cells, bin size 1.5: rows [floor(0), ceil(1.5)) = 0..1 and
    # [floor(1.5), ceil(3)) = 1..2 (row 1 in both); cols likewise.
    # maxima: rows0-1 x cols0-1 -> 6; cols1-2 -> 7; rows1-2 x cols0-1 -> 10; cols1-2 -> 11
    assert _pool((0, 0, 2, 2))["output"].tolist() == [[6, 7], [10, 11]]


def test_roi_pool_rounds_halves_away_from_zero():
    # scale 0.5: (1,1,5,5) -> round(0.5) = 1, round(2.5) = 3 (C's round, not banker's),
    # so the RoI is cells 1..3: bins rows/cols 1..2 and 2..3 -> [[11, 12], [15, 16]].
    # (Python's round would give 0 and 2: [[6, 7], [10, 11]].)
    sol = _pool((1, 1, 5, 5), spatial_scale=0.5)
    assert sol["output"].tolist() == [[11, 12], [15, 16]]
    assert [c_round(v) for v in (0.5, 1.5, 2.5, -0.5, -2.5, 2.4)] == [1, 2, 3, -1, -3, 2]


def test_roi_pool_empty_bins_are_zero():
    # roi 3..6 -> 4 cells; bins cols [3,5) -> clipped to col 3, [5,7) -> clipped to nothing
    sol = _pool((3, 3, 6, 6))
    assert sol["output"].tolist() == [[16, 0], [0, 0]]
    assert any("empty bins are 0" in n for n in sol.notes)
    # an empty bin is 0 even where every value is negative
    neg = roi_pool(input=-MAP, roi=np.array([[3, 3, 6, 6]], float), output_size=(2, 2))
    assert neg["output"].tolist() == [[-16, 0], [0, 0]]


def test_roi_pool_malformed_roi_is_one_cell():
    # x2 < x1: width max(1 - 2 + 1, 1) = 1 -> the single cell at (y1', x1') = (2, 2): 11
    sol = _pool((2, 2, 1, 1), size=(1, 1))
    assert sol["output"].tolist() == [[11]]
    assert any("forced to at least 1x1" in n for n in sol.notes)


def test_roi_pool_channels_and_several_rois():
    x = np.stack([MAP, 10 * MAP])
    sol = roi_pool(input=x, roi=np.array([[0, 0, 3, 3], [0, 0, 2, 2]], float), output_size=(2, 2))
    out = np.asarray(sol["output"])
    assert out.shape == (2, 2, 2, 2)
    assert out[0, 1].tolist() == [[60, 80], [140, 160]]
    assert out[1, 0].tolist() == [[6, 7], [10, 11]]
    one = roi_pool(input=x, roi=np.array([[0, 0, 3, 3]], float), output_size=(1, 1))
    assert np.asarray(one["output"]).shape == (2, 1, 1)


@pytest.mark.parametrize(
    ("kw", "flag"),
    [
        ({"sampling_ratio": 2}, "--sampling-ratio"),
        ({"aligned": True}, "--aligned"),
        ({"spatial_scale": 0.0}, "--spatial-scale"),
    ],
)
def test_roi_pool_errors(kw, flag):
    with pytest.raises(InputError, match=f"^{flag}"):
        _pool((0, 0, 3, 3), **kw)


def test_roi_shape_errors():
    with pytest.raises(InputError, match="^--roi"):
        roi_pool(input=MAP, roi=np.array([[0, 0, 3]], float), output_size=(2, 2))
    with pytest.raises(InputError, match="^--input"):
        roi_align(
            input=np.zeros((1, 1, 2, 2)), roi=np.array([[0, 0, 1, 1]], float), output_size=(1, 1)
        )


# ------------------------------------------------------------------ RoIAlign by hand


def test_roi_align_first_bin_by_hand():
    # roi (0.5,0.5)-(2.5,2.5), 2x2 output, sampling_ratio 2: bins 1x1, samples at 0.25 and 0.75
    # of a bin, so bin (0,0) samples y, x in {0.75, 1.25}.
    # Sample (0.75, 0.75): yl = 0, yh = 1, ly = 0.75; xl = 0, xh = 1, lx = 0.75
    #   w1 = (1-0.75)(1-0.75) = 0.0625 (v[0,0] = 1), w2 = 0.25*0.75 = 0.1875 (v[0,1] = 2)
    #   w3 = 0.75*0.25 = 0.1875 (v[1,0] = 5),        w4 = 0.75*0.75 = 0.5625 (v[1,1] = 6)
    #   f = 0.0625 + 0.375 + 0.9375 + 3.375 = 4.75
    # Sample (0.75, 1.25): lx = 0.25, xl = 1: 0.1875*2 + 0.0625*3 + 0.5625*6 + 0.1875*7 = 5.25
    # Sample (1.25, 0.75): 0.1875*5 + 0.5625*6 + 0.0625*9 + 0.1875*10 = 6.75
    # Sample (1.25, 1.25): 0.5625*6 + 0.1875*7 + 0.1875*10 + 0.0625*11 = 7.25
    # bin (0,0) = (4.75 + 5.25 + 6.75 + 7.25)/4 = 24/4 = 6
    sol = _align((0.5, 0.5, 2.5, 2.5), sampling_ratio=2)
    out = sol["output"]
    assert out[0, 0] == pytest.approx(6.0)
    # the other bins by the linear map: centres (1,2), (2,1), (2,2) -> 7, 10, 11
    np.testing.assert_allclose(out, [[6, 7], [10, 11]])
    samples = [s.value for s in sol.steps if s.title.startswith("Sample (")]
    assert samples == pytest.approx([4.75, 5.25, 6.75, 7.25])
    first = next(s for s in sol.steps if s.title == "Sample (0,0) of bin (0,0)")
    assert "0.0625*1 + 0.1875*2 + 0.1875*5 + 0.5625*6" in first.substituted


def test_roi_align_aligned_shifts_half_a_pixel():
    # aligned: (1,1,3,3) - 0.5 = (0.5,0.5,2.5,2.5), the case above
    np.testing.assert_allclose(
        _align((1, 1, 3, 3), sampling_ratio=2, aligned=True)["output"], [[6, 7], [10, 11]]
    )


def test_roi_align_adaptive_grid():
    # roi 0..3: h = 3, bin 1.5, G = ceil(1.5) = 2; samples y = 0.375, 1.125 (bin 0),
    # 1.875, 2.625 (bin 1): means 0.75 and 2.25. f = 4y + x + 1:
    # [[3 + 0.75 + 1, 3 + 2.25 + 1], [9 + 0.75 + 1, 9 + 2.25 + 1]]
    sol = _align((0, 0, 3, 3), sampling_ratio=-1)
    np.testing.assert_allclose(sol["output"], [[4.75, 6.25], [10.75, 12.25]])
    np.testing.assert_allclose(_align((0, 0, 3, 3), sampling_ratio=0)["output"], sol["output"])


def test_roi_align_samples_outside_the_map():
    # roi (2,2)-(6,6), 1x1 output, G = 2: bin 4, samples at 2 + 1 = 3 and 2 + 3 = 5.
    # y = 3 sits on the last row (clamped, ly = 0): v[3,3] = 16; y = 5 > H = 4 -> 0.
    # mean over all 4 samples: (16 + 0 + 0 + 0)/4 = 4
    sol = _align((2, 2, 6, 6), size=(1, 1), sampling_ratio=2)
    assert sol["output"][0, 0] == pytest.approx(4.0)
    assert any("beyond [-1, H]" in n for n in sol.notes)


def test_roi_align_samples_between_minus_one_and_zero_are_clamped():
    # roi (-1,-1)-(1,1), 1x1, G = 2: samples at -0.5 (clamped to 0) and 0.5.
    # f: (0,0) = 1, (0,0.5) = 1.5, (0.5,0) = 3, (0.5,0.5) = 3.5 -> 9/4 = 2.25
    sol = _align((-1, -1, 1, 1), size=(1, 1), sampling_ratio=2)
    assert sol["output"][0, 0] == pytest.approx(2.25)


def test_roi_align_small_roi_forced_to_one_pixel():
    # not aligned: width 0.2 -> 1; one sample at 1 + 0.5 = 1.5: f = 6 + 1.5 + 1 = 8.5
    sol = _align((1, 1, 1.2, 1.2), size=(1, 1), sampling_ratio=1)
    assert sol["output"][0, 0] == pytest.approx(8.5)
    # aligned and empty: grid ceil(0) = 0 -> output 0
    sol = _align((1, 1, 1, 1), size=(1, 1), aligned=True)
    assert sol["output"][0, 0] == 0.0


def test_roi_align_spatial_scale_and_channels():
    # scale 0.5: (1,1,5,5) -> (0.5,0.5,2.5,2.5), the hand-worked case, in both channels
    x = np.stack([MAP, 2 * MAP])
    sol = roi_align(
        input=x,
        roi=np.array([[1, 1, 5, 5]], float),
        output_size=(2, 2),
        spatial_scale=0.5,
        sampling_ratio=2,
    )
    np.testing.assert_allclose(sol["output"], [[[6, 7], [10, 11]], [[12, 14], [20, 22]]])


# ------------------------------------------------------------------ loop references


def _bilinear(v, y, x):
    """torchvision's bilinear_interpolate, written out for one point."""
    h, w = v.shape
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= h - 1:
        y_high = y_low = h - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= w - 1:
        x_high = x_low = w - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    return (
        hy * hx * v[y_low, x_low]
        + hy * lx * v[y_low, x_high]
        + ly * hx * v[y_high, x_low]
        + ly * lx * v[y_high, x_high]
    )


def _reference_align(v, roi, ph_n, pw_n, scale, ratio, aligned):
    off = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = (c * scale - off for c in roi)
    rw, rh = x2 - x1, y2 - y1
    if not aligned:
        rw, rh = max(rw, 1.0), max(rh, 1.0)
    bh, bw = rh / ph_n, rw / pw_n
    gh = ratio if ratio > 0 else math.ceil(rh / ph_n)
    gw = ratio if ratio > 0 else math.ceil(rw / pw_n)
    count = max(gh * gw, 1)
    out = np.zeros((ph_n, pw_n))
    for i in range(ph_n):
        for j in range(pw_n):
            total = 0.0
            for iy in range(gh):
                y = y1 + i * bh + (iy + 0.5) * bh / gh
                for ix in range(gw):
                    x = x1 + j * bw + (ix + 0.5) * bw / gw
                    total += _bilinear(v, y, x)
            out[i, j] = total / count
    return out


def _reference_pool(v, roi, ph_n, pw_n, scale):
    h, w = v.shape
    x1, y1, x2, y2 = (c_round(c * scale) for c in roi)
    rw, rh = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
    out = np.zeros((ph_n, pw_n))
    for i in range(ph_n):
        for j in range(pw_n):
            hs = min(max(math.floor(i * rh / ph_n) + y1, 0), h)
            he = min(max(math.ceil((i + 1) * rh / ph_n) + y1, 0), h)
            ws = min(max(math.floor(j * rw / pw_n) + x1, 0), w)
            we = min(max(math.ceil((j + 1) * rw / pw_n) + x1, 0), w)
            best = None
            for r in range(hs, he):
                for c in range(ws, we):
                    best = v[r, c] if best is None else max(best, v[r, c])
            out[i, j] = 0.0 if best is None else best
    return out


_coord = st.floats(-3, 12, allow_nan=False).map(lambda t: round(t * 4) / 4)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    roi=st.tuples(_coord, _coord, _coord, _coord),
    out=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    scale=st.sampled_from([1.0, 0.5, 0.25, 2.0]),
    ratio=st.sampled_from([-1, 0, 1, 2, 3]),
    aligned=st.booleans(),
)
def test_roi_align_matches_loop_reference(seed, roi, out, scale, ratio, aligned):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(5, 6))
    sol = roi_align(
        input=v,
        roi=np.array([roi]),
        output_size=out,
        spatial_scale=scale,
        sampling_ratio=ratio,
        aligned=aligned,
    )
    ref = _reference_align(v, roi, *out, scale, ratio, aligned)
    np.testing.assert_allclose(sol["output"], ref, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    roi=st.tuples(_coord, _coord, _coord, _coord),
    out=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    scale=st.sampled_from([1.0, 0.5, 0.25, 2.0]),
)
def test_roi_pool_matches_loop_reference(seed, roi, out, scale):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(5, 6))
    sol = roi_pool(input=v, roi=np.array([roi]), output_size=out, spatial_scale=scale)
    np.testing.assert_array_equal(sol["output"], _reference_pool(v, roi, *out, scale))


def test_linear_map_roi_align_is_value_at_bin_centre():
    # For a linear map and samples inside [0, H-1] x [0, W-1], each bin equals the map at the
    # bin's centre: an independent closed form on a larger map.
    y, x = np.mgrid[0:20, 0:30]
    v = 0.5 * y - 2.0 * x + 3.0
    roi = (2.0, 3.0, 14.0, 11.0)  # x1, y1, x2, y2 -> bins 8/2 = 4 tall, 12/3 = 4 wide
    sol = _align(roi, size=(2, 3), x=v.astype(float))
    cy = 3.0 + 4.0 * (np.arange(2) + 0.5)
    cx = 2.0 + 4.0 * (np.arange(3) + 0.5)
    np.testing.assert_allclose(sol["output"], 0.5 * cy[:, None] - 2.0 * cx[None, :] + 3.0)
