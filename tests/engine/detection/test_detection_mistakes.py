"""The misconceptions of the detection commands (dlcalc.engine.detection.mistakes): each
computed by the engine under its variant rule and checked against a hand-worked value; and
follow-through replays (a student's own intermediate carried downstream)."""

from __future__ import annotations

import pytest
from slips import A, check_by_hand, check_catalogue_covered, run  # tests/slips.py

from dlcalc import ops
from dlcalc.engine._working import Patch
from dlcalc.engine.detection.mistakes import MISTAKES

# areas 2*2 = 4 each; I = (2 - 1)(2 - 1) = 1; U = 4 + 4 - 1 = 7; IoU = 1/7
IOU = {"a": "0,0,2,2", "b": "1,1,3,3"}
# the same boxes as x,y,w,h: a = (0,0,2,2), b = (1,1,2,2) -> corners (1,1,3,3); IoU 1/7
IOU_XYWH = {"a": "0,0,2,2", "b": "1,1,2,2", "box_format": "xywh"}

# IoU(0,1) = 81/119 = 0.681 > 0.5; IoU(0,2) = 0; IoU(0,3) = 90/100 = 0.9;
# IoU(1,3) = 72/118 = 0.610; IoU(1,2) = IoU(2,3) = 0
BOXES = "0,0,10,10; 1,1,11,11; 20,20,30,30; 0,0,9,10"
NMS = {"boxes": BOXES, "scores": "0.9,0.8,0.7,0.6"}  # keep [0, 2]
NMS_ORDER = {"boxes": BOXES, "scores": "0.8,0.9,0.7,0.6"}
NMS_EQ = {**NMS, "iou_threshold": 0.9}  # IoU(0,3) = 0.9 is not > 0.9: keep all
# IoU(0,1) = 50/150 = 0.333, IoU(0,2) = 16/100 = 0.16, IoU(1,2) = 4/112 = 0.036: keep all;
# intersections 50, 16, 4; over the smaller area 50/100 = 0.5, 16/16 = 1, 4/16 = 0.25
NMS_OVL = {"boxes": "0,0,10,10; 5,0,15,10; 2,2,6,6", "scores": "0.9,0.8,0.7"}
# IoU(0,1) = 70/130 = 0.538 > 0.3 (1 suppressed); IoU(0,2) = 40/160 = 0.25 (2 stays);
# IoU(1,2) = 70/130 = 0.538
NMS_CHAIN = {
    "boxes": "0,0,10,10; 3,0,13,10; 6,0,16,10",
    "scores": "0.9,0.8,0.7",
    "iou_threshold": 0.3,
}

MAP = "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16"
POOL = {"input": MAP, "roi": "0,0,3,3", "output_size": "2x2"}
# round(0.6) = 1, round(2.6) = 3: corners (1,1,3,3), h = w = 3, bins 1.5: rows 1..2 and
# 2..3, cols likewise: max(6,7,10,11) = 11, 12, 15, 16
POOL_FRAC = {"input": MAP, "roi": "0.6,0.6,2.6,2.6", "output_size": "2x2"}
# a single 4 at (1, 1): f(y, x) = 4 hat(y - 1) hat(x - 1) with hat(d) = max(0, 1 - |d|)
PEAK = "0,0,0,0; 0,4,0,0; 0,0,0,0; 0,0,0,0"
ALIGN = {"input": PEAK, "roi": "0.5,0.5,2.5,2.5", "output_size": "2x2", "sampling_ratio": 2}
# bins 1x1 from 0.5; samples at 0.75, 1.25 (bin 0) and 1.75, 2.25 (bin 1):
# mean hat = (0.75 + 0.75)/2 = 0.75 (bin 0), (0.25 + 0)/2 = 0.125 (bin 1);
# output = 4 * (0.75, 0.125) outer (0.75, 0.125) = [[2.25, 0.375], [0.375, 0.0625]]
ALIGN_RIGHT = [[2.25, 0.375], [0.375, 0.0625]]

ALIGNED = {"input": MAP, "roi": "0,0,3,3", "output_size": "2x2", "aligned": True}
# the map is f(y, x) = 4y + x + 1, which bilinear sampling reproduces (clamped at y, x < 0).
# aligned: x1' = -0.5, w = 3, bins 1.5, G = 2: samples -0.125 (clamped to 0), 0.625 -> mean
# 0.3125; 1.375, 2.125 -> 1.75; output 4*ym + xm + 1 = [[2.5625, 4], [8.3125, 9.75]].
# Without the shift: samples 0.375, 1.125 -> 0.75; 1.875, 2.625 -> 2.25:
# [[4.75, 6.25], [10.75, 12.25]]
CASES = [
    # RoI (0,0,3,3): bins of 2x2 cells [1,2,5,6], [3,4,7,8], [9,10,13,14], [11,12,15,16]:
    # max [[6, 8], [14, 16]]; averaged [[3.5, 5.5], [11.5, 13.5]]
    ("roi-pool", POOL, "avg-not-max", "output", [[3.5, 5.5], [11.5, 13.5]], [[6, 8], [14, 16]]),
    ("roi-align", ALIGNED, "half-pixel-ignored", "output", [[4.75, 6.25], [10.75, 12.25]],
     [[2.5625, 4], [8.3125, 9.75]]),
    ("iou", IOU, "union-not-reduced", "iou", 1 / 8, 1 / 7),  # 1/(4 + 4)
    # areas (2 - 0 + 1)^2 = 9; I = (2 - 1 + 1)^2 = 4; U = 9 + 9 - 4 = 14: 4/14
    ("iou", IOU, "plus-one-pixel", "iou", 4 / 14, 1 / 7),
    ("iou", IOU, "over-smaller-area", "iou", 1 / 4, 1 / 7),  # 1/min(4, 4)
    # b read as corners (1,1,2,2): area 1, I = 1, U = 4 + 1 - 1 = 4: 1/4
    ("iou", IOU_XYWH, "xywh-as-xyxy", "iou", 1 / 4, 1 / 7),
    # by score: box 1 first suppresses 0 (0.681) and 3 (0.610): [1, 2];
    # in index order box 0 first suppresses 1 and 3: [0, 2]
    ("nms", NMS_ORDER, "index-order", "keep", [0, 2], [1, 2]),
    ("nms", NMS_EQ, "suppress-ge", "keep", [0, 1, 2], [0, 1, 2, 3]),  # 0.9 >= 0.9
    ("nms", NMS_OVL, "intersection-not-iou", "keep", [0], [0, 1, 2]),  # 50, 16 > 0.5
    ("nms", NMS_OVL, "over-smaller-area", "keep", [0, 1], [0, 1, 2]),  # 16/16 > 0.5
    ("nms", NMS_CHAIN, "suppressed-box-suppresses", "keep", [0], [0, 2]),  # 1 kills 2
    # right: corners (0,0,3,3), 4x4 cells, bins 2x2: [[6, 8], [14, 16]]. Without the +1:
    # 3x3 cells, bins 1.5: rows 0..1 and 1..2, cols likewise: [[6, 7], [10, 11]]
    ("roi-pool", POOL, "no-plus-one", "output", [[6, 7], [10, 11]], [[6, 8], [14, 16]]),
    # floor(0.6) = 0, floor(2.6) = 2: corners (0,0,2,2), rows 0..1, 1..2: [[6, 7], [10, 11]]
    ("roi-pool", POOL_FRAC, "floor-not-round", "output", [[6, 7], [10, 11]],
     [[11, 12], [15, 16]]),
    # round(0.5) = 1, round(2.5) = 3: bins from 1: samples 1.25, 1.75 (hat 0.75, 0.25,
    # mean 0.5) and 2.25, 2.75 (hat 0): [[4*0.5*0.5, 0], [0, 0]]
    ("roi-align", ALIGN, "rounded-roi", "output", [[1, 0], [0, 0]], ALIGN_RIGHT),
    # one sample at the centres 1 and 2: hat 1 and 0: [[4, 0], [0, 0]]
    ("roi-align", ALIGN, "one-sample-per-bin", "output", [[4, 0], [0, 0]], ALIGN_RIGHT),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cmd", "args", "rule", "key", "slipped", "right"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_each_mistake_by_hand(cmd, args, rule, key, slipped, right):
    check_by_hand(cmd, args, rule, key, slipped, right)


def test_every_mistake_has_a_case_is_consulted_and_changes_its_key():
    check_catalogue_covered(CASES, MISTAKES)


def test_iou_named_values_and_follow_through():
    sol = run("iou", IOU)
    assert [n for n, _ in sol.order] == ["area_a", "area_b", "intersection", "union", "iou"]
    # the student's I = 2: U = 4 + 4 - 2 = 6, IoU = 2/6
    sol = run("iou", IOU, overrides={"intersection": 2})
    assert sol["union"] == 6 and sol["iou"] == A(1 / 3)


def test_nms_follow_through_of_a_pairwise_iou():
    # the student's IoU(0,3) = 0.4 (right 0.9): box 3 is not suppressed by box 0, and
    # IoU(2,3) = 0: keep [0, 2, 3]
    sol = run("nms", NMS, overrides={"ious": Patch([((0, 3), 0.4)])})
    assert sol["keep"] == [0, 2, 3]
    assert run("nms", NMS)["keep"] == [0, 2]


def test_answer_keys():
    assert ops.get("iou").answers == ("iou",)
    assert ops.get("nms").answers == ("keep",)
    assert ops.get("roi-pool").answers == ("output",)
    assert ops.get("roi-align").answers == ("output",)


def test_iou_of_boxes_whose_areas_underflow_is_still_the_ratio():
    # issue 17 defect 12: 1e-200-wide boxes have areas 1e-400, below the smallest float;
    # IoU is scale-free: identical boxes 1, and the 2x2 boxes offset by 1 give 1/7 at any scale
    assert run("iou", {"a": "0,0,1e-200,1e-200", "b": "0,0,1e-200,1e-200"})["iou"] == A(1.0)
    tiny = run("iou", {"a": "0,0,2e-200,2e-200", "b": "1e-200,1e-200,3e-200,3e-200"})
    assert tiny["iou"] == A(1 / 7, rel=1e-12)
    # nms suppresses the duplicate: its IoU with the kept box is 1 > 0.5
    boxes = {"boxes": "0,0,1e-200,1e-200; 0,0,1e-200,1e-200", "scores": "0.9,0.8"}
    assert run("nms", boxes)["keep"] == [0]


def test_roi_align_sample_budget_is_checked_before_the_work():
    # issue 17 defect 10: 2x2 bins x 20000x20000 samples = 1.6e9 points (17 s, 6 GB before)
    from dlcalc.errors import LimitError

    args = {"input": "1,2;3,4", "roi": "0,0,1,1", "output_size": "2x2", "sampling_ratio": 20000}
    with pytest.raises(LimitError, match="--sampling-ratio"):
        run("roi-align", args)
    # 2x2 x 1500x1500 = 9e6 points fit
    assert run("roi-align", {**args, "sampling_ratio": 1500})["output"].shape == (2, 2)
