"""IoU and NMS: hand-worked boxes, a pixel-counting IoU reference and a loop NMS reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.detection.boxes import iou, nms
from dlcalc.errors import InputError


def _iou(a, b, **kw):
    return iou(a=np.array(a, float), b=np.array(b, float), **kw)


@pytest.mark.parametrize(
    ("a", "b", "inter", "union", "value"),
    [
        # areas 4 and 4; overlap [1,2]x[1,2] = 1; union 4 + 4 - 1 = 7
        ((0, 0, 2, 2), (1, 1, 3, 3), 1, 7, 1 / 7),
        # areas 4*3 = 12 and 4*4 = 16; overlap (4-2)*(3-1) = 4; union 12 + 16 - 4 = 24
        ((0, 0, 4, 3), (2, 1, 6, 5), 4, 24, 1 / 6),
        # B inside A: 4 / 16
        ((0, 0, 4, 4), (1, 1, 3, 3), 4, 16, 0.25),
        # identical boxes
        ((1, 2, 5, 7), (1, 2, 5, 7), 20, 20, 1.0),
        # disjoint, and touching along an edge: zero intersection
        ((0, 0, 1, 1), (5, 5, 6, 6), 0, 2, 0.0),
        ((0, 0, 1, 1), (1, 0, 2, 1), 0, 2, 0.0),
        # non-integer: overlap 0.5 * 0.5 = 0.25; union 1 + 1 - 0.25 = 1.75
        ((0, 0, 1, 1), (0.5, 0.5, 1.5, 1.5), 0.25, 1.75, 0.25 / 1.75),
    ],
)
def test_iou_hand_worked(a, b, inter, union, value):
    sol = _iou(a, b)
    assert sol["intersection"] == pytest.approx(inter)
    assert sol["union"] == pytest.approx(union)
    assert sol["iou"] == pytest.approx(value)
    assert list(sol)[:3] == ["iou", "intersection", "union"]


def test_iou_integer_areas_stay_integers():
    sol = _iou((0, 0, 2, 2), (1, 1, 3, 3))
    assert sol["intersection"] == 1 and isinstance(sol["intersection"], int)
    assert isinstance(sol["union"], int) and isinstance(sol["iou"], float)


def test_iou_xywh():
    # (1,1,2,2) as x,y,w,h is the corner box (1,1,3,3): same as the first hand-worked case
    sol = _iou((0, 0, 2, 2), (1, 1, 2, 2), box_format="xywh")
    assert sol["iou"] == pytest.approx(1 / 7)
    assert any("x2 = x + w" in s.formula for s in sol.steps)


def test_iou_zero_union_is_zero_with_note():
    sol = _iou((1, 1, 1, 1), (1, 1, 1, 1))
    assert sol["iou"] == 0.0 and sol["union"] == 0
    assert any("union is 0" in n for n in sol.notes)


@pytest.mark.parametrize(
    ("a", "b", "fmt", "flag"),
    [
        ((2, 0, 1, 1), (0, 0, 1, 1), "xyxy", "--a"),  # x2 < x1
        ((0, 0, 1, 1), (0, 3, 1, 2), "xyxy", "--b"),  # y2 < y1
        ((0, 0, -1, 1), (0, 0, 1, 1), "xywh", "--a"),  # negative width
        ((0, 0, 1), (0, 0, 1, 1), "xyxy", "--a"),  # three values
    ],
)
def test_iou_bad_boxes(a, b, fmt, flag):
    with pytest.raises(InputError, match=f"^{flag}"):
        _iou(a, b, box_format=fmt)


def _pixel_iou(a, b):
    """Independent reference for integer boxes: count the unit cells each box covers."""
    grid_a = np.zeros((12, 12), bool)
    grid_b = np.zeros((12, 12), bool)
    grid_a[a[1] : a[3], a[0] : a[2]] = True
    grid_b[b[1] : b[3], b[0] : b[2]] = True
    inter, union = (grid_a & grid_b).sum(), (grid_a | grid_b).sum()
    return inter, union


_coord = st.integers(0, 10)
_int_box = st.tuples(_coord, _coord, _coord, _coord).map(
    lambda t: (min(t[0], t[2]), min(t[1], t[3]), max(t[0], t[2]), max(t[1], t[3]))
)


@settings(max_examples=60, deadline=None)
@given(_int_box, _int_box)
def test_iou_matches_pixel_count(a, b):
    sol = _iou(a, b)
    inter, union = _pixel_iou(a, b)
    assert sol["intersection"] == inter and sol["union"] == union
    assert sol["iou"] == pytest.approx(inter / union if union else 0.0)
    assert _iou(b, a)["iou"] == pytest.approx(sol["iou"])  # symmetric
    assert 0.0 <= sol["iou"] <= 1.0


# NMS on 4 boxes, worked by hand:
#   0: (0,0,10,10)  area 100     1: (1,1,11,11) area 100
#   2: (20,20,30,30) area 100    3: (0,0,9,10)  area 90
#   IoU(0,1) = 9*9 / (100 + 100 - 81) = 81/119 = 0.6807
#   IoU(0,3) = 9*10 / (100 + 90 - 90) = 90/100 = 0.9
#   IoU(1,3) = 8*9 / (100 + 90 - 72) = 72/118 = 0.6102
#   IoU(2, anything else) = 0
BOXES = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 9, 10]], float)


def test_nms_four_boxes_by_hand():
    # order 0 (0.9), 1, 2, 3: keep 0, which suppresses 1 (0.68) and 3 (0.9); keep 2.
    sol = nms(boxes=BOXES, scores=np.array([0.9, 0.8, 0.7, 0.6]))
    assert sol["keep"] == [0, 2]
    assert [(s["index"], s["by"]) for s in sol["suppressed"]] == [(1, 0), (3, 0)]
    assert sol["suppressed"][0]["iou"] == pytest.approx(81 / 119)
    assert sol["suppressed"][1]["iou"] == pytest.approx(0.9)


def test_nms_visits_by_descending_score():
    # scores 0.6, 0.9, 0.7, 0.8 -> order 1, 3, 2, 0; box 1 suppresses 3 (72/118 = 0.61) and
    # 0 (0.68); box 2 is kept. keep lists indices by descending score: [1, 2].
    sol = nms(boxes=BOXES, scores=np.array([0.6, 0.9, 0.7, 0.8]))
    assert sol["keep"] == [1, 2]
    assert {s["index"] for s in sol["suppressed"]} == {0, 3}


def test_nms_threshold():
    # at 0.7: IoU(0,1) = 0.68 <= 0.7 survives, IoU(0,3) = 0.9 does not
    sol = nms(boxes=BOXES, scores=np.array([0.9, 0.8, 0.7, 0.6]), iou_threshold=0.7)
    assert sol["keep"] == [0, 1, 2]


def test_nms_suppresses_only_strictly_above_threshold():
    # (0,0,2,2) and (0,0,2,1): I = 2, U = 4 + 2 - 2 = 4, IoU = 0.5 exactly -> both kept
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 1]], float)
    assert nms(boxes=boxes, scores=np.array([0.9, 0.8]), iou_threshold=0.5)["keep"] == [0, 1]
    assert nms(boxes=boxes, scores=np.array([0.9, 0.8]), iou_threshold=0.49)["keep"] == [0]


def test_nms_ties_keep_input_order():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10]], float)
    sol = nms(boxes=boxes, scores=np.array([0.5, 0.5, 0.5]))
    assert sol["keep"] == [0]
    assert any("stable" in n for n in sol.notes)


def test_nms_xywh_and_errors():
    xywh = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 10, 10], [0, 0, 9, 10]], float)
    sol = nms(boxes=xywh, scores=np.array([0.9, 0.8, 0.7, 0.6]), box_format="xywh")
    assert sol["keep"] == [0, 2]
    with pytest.raises(InputError, match="^--scores"):
        nms(boxes=BOXES, scores=np.array([0.9, 0.8]))
    with pytest.raises(InputError, match="^--boxes"):
        nms(boxes=BOXES[:, :3], scores=np.array([0.9, 0.8, 0.7, 0.6]))
    with pytest.raises(InputError, match=r"^--boxes: degenerate box \(row 2\)"):
        nms(boxes=np.array([[0, 0, 1, 1], [3, 0, 1, 1]], float), scores=np.array([1.0, 0.5]))


def _reference_nms(boxes, scores, thr):
    """The documented greedy algorithm, written plainly."""

    def box_iou(p, q):
        iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
        ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
        union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - iw * ih
        return iw * ih / union if union > 0 else 0.0

    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if all(box_iou(boxes[k], boxes[i]) <= thr for k in keep):
            keep.append(i)
    return keep


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_int_box, st.integers(0, 5)), min_size=1, max_size=8),
    st.sampled_from([0.0, 0.3, 0.5, 0.7]),
)
def test_nms_matches_reference(items, thr):
    boxes = np.array([b for b, _ in items], float)
    scores = np.array([s / 5 for _, s in items])
    sol = nms(boxes=boxes, scores=scores, iou_threshold=thr)
    assert sol["keep"] == _reference_nms(boxes.tolist(), scores.tolist(), thr)
