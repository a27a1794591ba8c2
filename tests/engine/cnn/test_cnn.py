"""CNN engine: values worked out by hand or taken from the slides and papers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc import ops
from dlcalc.engine.cnn.conv import conv, pool
from dlcalc.engine.cnn.size import conv_size, out_size
from dlcalc.errors import InputError


def test_alexnet_first_layer():
    # AlexNet conv1 (Krizhevsky et al. 2012 as implemented with a 227x227 input):
    # (227 - 11)/4 + 1 = 216/4 + 1 = 55; params (11*11*3 + 1)*96 = 364*96 = 34,944.
    sol = conv_size(
        input=(227, 227), kernel=(11, 11), stride=(4, 4), in_channels=3, out_channels=96
    )
    assert sol["out_h"] == sol["out_w"] == 55
    assert sol["exact"] is True
    assert sol["params"] == 34_944
    # MACs = 55*55*96*11*11*3 = 3025*96*363 = 105,415,200
    assert sol["macs"] == 105_415_200


@pytest.mark.parametrize(
    ("n", "k", "s", "p", "d", "expected", "exact"),
    [
        (32, 5, 1, 0, 1, 28, True),  # LeNet: 32 - 5 + 1 = 28
        (224, 3, 1, 1, 1, 224, True),  # VGG "same" conv: (224 + 2 - 3)/1 + 1
        (224, 7, 2, 3, 1, 112, False),  # ResNet stem: floor((224 + 6 - 7)/2) + 1 = floor(111.5) + 1
        (55, 3, 2, 0, 1, 27, True),  # AlexNet pool1: (55 - 3)/2 + 1 = 27
        (7, 3, 1, 0, 2, 3, True),  # dilation 2: span 5, (7 - 5)/1 + 1 = 3
        (10, 3, 3, 0, 1, 3, False),  # floor(7/3) + 1 = 3, remainder 1
    ],
)
def test_out_size_hand_worked(n, k, s, p, d, expected, exact):
    assert out_size(n, k, s, p, d) == (expected, exact)


def test_ceil_mode_matches_pytorch_rule():
    # 6x6, k3 s2: floor: floor(3/2)+1 = 2; ceil: ceil(3/2)+1 = 3 (last window starts at 4 < 6).
    assert out_size(6, 3, 2, ceil=False)[0] == 2
    assert out_size(6, 3, 2, ceil=True)[0] == 3
    # 5x5, k2 s2 p1: ceil((5+2-2)/2)+1 = 4, but window 3 starts at 3*2 = 6 >= 5 + 1 -> dropped: 3.
    assert out_size(5, 2, 2, 1, ceil=True)[0] == 3


def test_transposed_size():
    # (4-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 6 - 2 + 2 + 2 = 8 (a 2x up-sampling layer)
    sol = conv_size(
        input=(4, 4),
        kernel=(3, 3),
        stride=(2, 2),
        pad=(1, 1),
        transposed=True,
        output_padding=(1, 1),
    )
    assert (sol["out_h"], sol["out_w"]) == (8, 8)


def test_rectangular_and_no_bias():
    # H: (224 - 3)/1 + 1 = 222; W: (192 + 2 - 5)/1 + 1 = 190; params 3*5*16*32 = 7680
    sol = conv_size(
        input=(224, 192), kernel=(3, 5), pad=(0, 1), in_channels=16, out_channels=32, no_bias=True
    )
    assert (sol["out_h"], sol["out_w"]) == (222, 190)
    assert sol["params"] == 7680


def test_kernel_larger_than_padded_input():
    with pytest.raises(InputError, match="--kernel"):
        out_size(4, 7, 1, 1)


def test_slides_max_pool_example():
    # Slides, "Pooling": the 4x4 feature map, filter 2x2, stride 2 -> [[2,3],[3,4]].
    fmap = np.array([[-1, 2, 0, 0], [0, 1, 3, -2], [0, 0, -1, 4], [3, -1, -2, -2]], float)
    out = pool(input=fmap, size=(2, 2))["output"]
    assert out.tolist() == [[2, 3], [3, 4]]


def test_avg_pool_counts_padding():
    # 2x2 input [[1,2],[3,4]], k2 s2 p1 -> 2x2 windows, each holding one real value and
    # three padded zeros: 1/4, 2/4, 3/4, 4/4 (count_include_pad=True).
    out = pool(input=np.array([[1.0, 2], [3, 4]]), size=(2, 2), pad=(1, 1), mode="avg")["output"]
    np.testing.assert_allclose(out, [[0.25, 0.5], [0.75, 1.0]])


def test_avg_pool_ceil_overhang_not_counted():
    # 3x3 of ones, k2 s2 ceil: windows at 0 and 2; the last covers one column only and
    # PyTorch divides by the 1 (or 2) real cells, so every output is exactly 1.
    out = pool(input=np.ones((3, 3)), size=(2, 2), mode="avg", ceil=True)["output"]
    np.testing.assert_allclose(out, np.ones((2, 2)))


def test_conv_hand_worked():
    # x = [[1,2,3],[4,5,6],[7,8,9]], k = [[1,0],[0,-1]] (cross-correlation, no flip):
    # out[0,0] = 1*1 + 5*(-1) = -4; out[0,1] = 2 - 6 = -4; every cell is x[i,j] - x[i+1,j+1] = -4.
    x = np.arange(1, 10, dtype=float).reshape(3, 3)
    out = conv(input=x, kernel=np.array([[1.0, 0], [0, -1]]))["output"]
    assert out.tolist() == [[-4, -4], [-4, -4]]


def test_conv_stride_pad_bias_hand_worked():
    # x = [[1,2],[3,4]] padded by 1 -> 4x4; k = ones(2x2), stride 2, bias 10:
    # windows: [0,0,0,1] -> 1, [0,0,2,0] -> 2, [0,3,0,0] -> 3, [4,0,0,0] -> 4; plus 10.
    x = np.array([[1.0, 2], [3, 4]])
    sol = conv(input=x, kernel=np.ones((2, 2)), stride=(2, 2), pad=(1, 1), bias=np.array([10.0]))
    assert sol["output"].tolist() == [[11, 12], [13, 14]]


def test_conv_multichannel_against_loops():
    # An independent reference: the definition written as plain loops.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 6))
    k = rng.normal(size=(3, 2, 3, 2))
    b = rng.normal(size=3)
    s, p, d = (2, 1), (1, 0), (1, 2)
    out = conv(input=x, kernel=k, stride=s, pad=p, dilation=d, bias=b)["output"]
    xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])))
    ho = (5 + 2 * p[0] - d[0] * 2 - 1) // s[0] + 1
    wo = (6 + 2 * p[1] - d[1] * 1 - 1) // s[1] + 1
    ref = np.zeros((3, ho, wo))
    for n in range(3):
        for i in range(ho):
            for j in range(wo):
                acc = b[n]
                for c in range(2):
                    for u in range(3):
                        for v in range(2):
                            acc += xp[c, i * s[0] + u * d[0], j * s[1] + v * d[1]] * k[n, c, u, v]
                ref[n, i, j] = acc
    np.testing.assert_allclose(out, ref)


def test_conv_channel_mismatch():
    with pytest.raises(InputError, match="--kernel: expected 2 input channel"):
        conv(input=np.ones((2, 4, 4)), kernel=np.ones((1, 3, 2, 2)))


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
)
def test_conv_shape_matches_conv_size(h, w, k, s, p, d):
    span = d * (k - 1) + 1
    if span > min(h, w) + 2 * p:
        return
    x = np.ones((h, w))
    kern = np.ones((k, k))
    out = conv(input=x, kernel=kern, stride=(s, s), pad=(p, p), dilation=(d, d))["output"]
    size = conv_size(input=(h, w), kernel=(k, k), stride=(s, s), pad=(p, p), dilation=(d, d))
    assert out.shape == (size["out_h"], size["out_w"])


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 10), k=st.integers(1, 4), s=st.integers(1, 3), ceil=st.booleans())
def test_pool_shape_matches_conv_size(h, k, s, ceil):
    if k > h:
        return
    out = pool(input=np.zeros((h, h)), size=(k, k), stride=(s, s), ceil=ceil)["output"]
    size = conv_size(input=(h, h), kernel=(k, k), stride=(s, s), ceil=ceil)
    assert out.shape == (size["out_h"], size["out_w"])


def test_registry_parses_strings():
    sol = ops.run("conv-size", {"input": "227", "kernel": "11", "stride": "4"})
    assert sol["out_w"] == 55
    assert sol.command == "conv-size"


def test_huge_padding_or_work_is_refused_not_allocated():
    from dlcalc.errors import LimitError

    with pytest.raises(LimitError, match="--input: the padded input"):
        conv(input=np.ones((3, 3)), kernel=np.ones((2, 2)), pad=(1_000_000, 1_000_000))
    with pytest.raises(LimitError, match="--size"):
        pool(input=np.zeros((1, 3000, 3000)), size=(400, 400), stride=(1, 1))
