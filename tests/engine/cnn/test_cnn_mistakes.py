"""conv and pool misconceptions, each worked by hand (values not from the code)."""

from __future__ import annotations

import numpy as np
from slips import under  # tests/slips.py

from dlcalc import ops
from dlcalc.engine.cnn.mistakes import MISTAKES

X3 = "1,2,3; 4,5,6; 7,8,9"
K2 = "1,2; 3,4"
# cross-correlation of X3 with K2 (no flip):
# out[0,0] = 1*1 + 2*2 + 4*3 + 5*4 = 37; out[0,1] = 2*1 + 3*2 + 5*3 + 6*4 = 47
# out[1,0] = 4*1 + 5*2 + 7*3 + 8*4 = 67; out[1,1] = 5*1 + 6*2 + 8*3 + 9*4 = 77
RIGHT = [[37, 47], [67, 77]]
SLIDES_MAP = "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2"


def mat(x) -> list:
    return np.asarray(x, dtype=float).tolist()


def test_answer_keys():
    assert ops.get("conv-size").answers == ("out_h", "out_w")
    assert ops.get("conv").answers == ("output",)
    assert ops.get("pool").answers == ("output",)


def test_a_bare_55_marks_both_output_sizes():
    # AlexNet conv1: (227 - 11)/4 + 1 = 55 along both axes
    args = {"input": 227, "kernel": 11, "stride": 4}
    report = ops.run("conv-size", args).check("55")
    assert report["ok"] and sorted(i["key"] for i in report["items"]) == ["out_h", "out_w"]
    # (227 - 11)/4 = 54: the +1 is missing (named on out_w; a square layer computes one
    # step out_w, which out_h repeats)
    report = ops.run("conv-size", args).check("54")
    verdicts = {i["key"]: i for i in report["items"]}
    assert verdicts["out_w"]["mistake"]["id"] == "no-plus-one"
    assert not report["ok"]


# ---------------------------------------------------------------- conv


def test_conv_flipped_kernel():
    # true convolution slides the kernel rotated by 180 degrees, [[4, 3], [2, 1]]:
    # out[0,0] = 1*4 + 2*3 + 4*2 + 5*1 = 23; out[0,1] = 2*4 + 3*3 + 5*2 + 6*1 = 33
    # out[1,0] = 4*4 + 5*3 + 7*2 + 8*1 = 53; out[1,1] = 5*4 + 6*3 + 8*2 + 9*1 = 63
    plain, slip = under("conv", "flipped-kernel", {"input": X3, "kernel": K2})
    assert mat(plain["output"]) == RIGHT
    assert mat(slip["output"]) == [[23, 33], [53, 63]]


def test_conv_flip_not_consulted_for_a_kernel_symmetric_under_rotation():
    # [[1, 2], [2, 1]] rotated by 180 degrees is itself: the flip cannot show
    assert "flipped-kernel" not in ops.run("conv", {"input": X3, "kernel": "1,2; 2,1"}).slips


def test_conv_bias_forgotten():
    # bias 1: right 37 + 1 = 38 etc.; slip: the bare sums
    plain, slip = under("conv", "no-bias", {"input": X3, "kernel": K2, "bias": "1"})
    assert mat(plain["output"]) == [[38, 48], [68, 78]]
    assert mat(slip["output"]) == RIGHT
    assert "no-bias" not in ops.run("conv", {"input": X3, "kernel": K2}).slips


def test_conv_padding_forgotten():
    # pad 1: the 5x5 padded map gives (3 + 2 - 2)/1 + 1 = 4 x 4;
    # out[0,0] = 0*1 + 0*2 + 0*3 + 1*4 = 4; out[1,1] = the unpadded out[0,0] = 37
    # slip: no padding, the 2x2 RIGHT
    plain, slip = under("conv", "no-padding", {"input": X3, "kernel": K2, "pad": 1})
    assert plain["output"].shape == (4, 4)
    assert plain["output"][0, 0] == 4 and plain["output"][1, 1] == 37
    assert mat(slip["output"]) == RIGHT


def test_conv_stride_ignored():
    # stride 2: floor((3 - 2)/2) + 1 = 1 window: [[37]]; slip: stride 1, RIGHT
    plain, slip = under("conv", "stride-ignored", {"input": X3, "kernel": K2, "stride": 2})
    assert mat(plain["output"]) == [[37]]
    assert mat(slip["output"]) == RIGHT


def test_every_conv_mistake_is_consulted_and_changes_the_output():
    args = {"input": X3, "kernel": K2, "bias": "1", "pad": 1, "stride": 2}
    sol = ops.run("conv", args)
    ids = {m.id for m in MISTAKES["conv"]}
    assert len(ids) >= 3 and ids <= set(sol.slips)
    for rule in ids:
        other = sol.replay(rule=rule)["output"]
        assert other.shape != sol["output"].shape or not np.array_equal(other, sol["output"]), rule


# ---------------------------------------------------------------- pool


def test_pool_average_instead_of_max():
    # slides' map, 2x2 windows, stride 2: max [[2, 3], [3, 4]];
    # averages: (-1 + 2 + 0 + 1)/4 = 0.5, (0 + 0 + 3 - 2)/4 = 0.25,
    #           (0 + 0 + 3 - 1)/4 = 0.5, (-1 + 4 - 2 - 2)/4 = -0.25
    plain, slip = under("pool", "avg-not-max", {"input": SLIDES_MAP, "size": 2})
    assert mat(plain["output"]) == [[2, 3], [3, 4]]
    assert mat(slip["output"]) == [[0.5, 0.25], [0.5, -0.25]]


def test_pool_max_instead_of_average():
    plain, slip = under("pool", "max-not-avg", {"input": SLIDES_MAP, "size": 2, "mode": "avg"})
    assert mat(plain["output"]) == [[0.5, 0.25], [0.5, -0.25]]
    assert mat(slip["output"]) == [[2, 3], [3, 4]]


def test_pool_stride_one_instead_of_the_window_size():
    # stride 1 gives (4 - 2)/1 + 1 = 3 x 3 windows:
    # rows 0-1: max(-1,2,0,1) = 2, max(2,0,1,3) = 3, max(0,0,3,-2) = 3
    # rows 1-2: max(0,1,0,0) = 1, max(1,3,0,-1) = 3, max(3,-2,-1,4) = 4
    # rows 2-3: max(0,0,3,-1) = 3, max(0,-1,-1,-2) = 0, max(-1,4,-2,-2) = 4
    plain, slip = under("pool", "stride-one", {"input": SLIDES_MAP, "size": 2})
    assert mat(plain["output"]) == [[2, 3], [3, 4]]
    assert mat(slip["output"]) == [[2, 3, 3], [1, 3, 4], [3, 0, 4]]


def test_pool_average_ignoring_padded_zeros():
    # [[1, 2], [3, 4]], 2x2 windows, stride 2, pad 1: (2 + 2 - 2)/2 + 1 = 2 x 2 windows,
    # each holding one real entry and three padded zeros:
    # right (count_include_pad=True): [[1/4, 2/4], [3/4, 4/4]] = [[0.25, 0.5], [0.75, 1]]
    # slip (count_include_pad=False): each real entry over 1: [[1, 2], [3, 4]]
    args = {"input": "1,2; 3,4", "size": 2, "pad": 1, "mode": "avg"}
    plain, slip = under("pool", "exclude-pad", args)
    assert np.allclose(plain["output"], [[0.25, 0.5], [0.75, 1.0]], rtol=0, atol=1e-12)
    assert np.allclose(slip["output"], [[1, 2], [3, 4]], rtol=0, atol=1e-12)
    # without padding every window is full: the rule cannot show and is not consulted
    assert "exclude-pad" not in ops.run("pool", {**args, "pad": 0}).slips


def test_every_pool_mistake_is_consulted_and_changes_the_output():
    ids = {m.id for m in MISTAKES["pool"]}
    assert len(ids) >= 3
    seen = set()
    for args in (
        {"input": SLIDES_MAP, "size": 2},
        {"input": SLIDES_MAP, "size": 2, "pad": 1, "mode": "avg"},
    ):
        sol = ops.run("pool", args)
        for rule in set(sol.slips) & ids:
            other = sol.replay(rule=rule)["output"]
            assert other.shape != sol["output"].shape or not np.allclose(other, sol["output"])
            seen.add(rule)
    assert seen == ids
