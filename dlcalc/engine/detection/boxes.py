"""Box arithmetic for detection: intersection over union and greedy non-maximum suppression.

Boxes use continuous coordinates (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2, as
torchvision.ops does: area = (x2 - x1)(y2 - y1), no "+1" for pixel-inclusive boxes.
"""

from __future__ import annotations

import numpy as np

from dlcalc.engine._shapes import expect_shape
from dlcalc.engine._working import Working
from dlcalc.errors import InputError, LimitError
from dlcalc.solution import Solution, Step, Table, fmt

_MAX_KEPT_STEPS = 20  # kept boxes written out in the NMS working
_MAX_PAIRS = 12  # comparisons listed per kept box
_MAX_TABLE = 12  # boxes in the pairwise IoU table
_MAX_COORD = 1e100  # |coordinate|: keeps areas finite
_MAX_BOXES = 5000  # NMS builds an N x N IoU matrix


def _num(x: float) -> int | float:
    """A whole number as int (areas of integer boxes), anything else as float."""
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def to_xyxy(boxes: np.ndarray, name: str, box_format: str = "xyxy") -> np.ndarray:
    """N x 4 boxes in ``box_format`` -> N x 4 (x1, y1, x2, y2); rejects negative sizes."""
    if not np.all(np.abs(boxes) <= _MAX_COORD):
        raise InputError(f"--{name}: coordinates must lie within +-{_MAX_COORD:g}")
    if box_format == "xywh":
        w, h = boxes[:, 2], boxes[:, 3]
        bad = np.flatnonzero((w < 0) | (h < 0))
        if bad.size:
            row = f" (row {bad[0] + 1})" if boxes.shape[0] > 1 else ""
            raise InputError(
                f"--{name}: width and height must be >= 0 with --box-format xywh{row}, "
                f"got w={fmt(w[bad[0]])}, h={fmt(h[bad[0]])}"
            )
        return np.column_stack([boxes[:, 0], boxes[:, 1], boxes[:, 0] + w, boxes[:, 1] + h])
    bad = np.flatnonzero((boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1]))
    if bad.size:
        x1, y1, x2, y2 = boxes[bad[0]]
        row = f" (row {bad[0] + 1})" if boxes.shape[0] > 1 else ""
        raise InputError(
            f"--{name}: degenerate box{row}: expected x1 <= x2 and y1 <= y2 (x1,y1,x2,y2), "
            f"got {fmt(x1)},{fmt(y1)},{fmt(x2)},{fmt(y2)}"
        )
    return boxes


def pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``a`` (N x 4 xyxy) with every box in ``b`` (M x 4): N x M.

    A pair whose union is 0 (two zero-area boxes) gets IoU 0.
    """
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    w = np.clip(
        np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None
    )
    h = np.clip(
        np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None
    )
    inter = w * h
    union = area_a[:, None] + area_b[None, :] - inter
    out = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    tiny = (union < _TINY_AREA) & (inter >= 0)
    if np.any(tiny):  # areas that underflow (boxes of size 1e-200): IoU is scale-free
        for i, j in zip(*np.nonzero(tiny), strict=True):
            out[i, j] = _scaled_iou(a[i], b[j])
    return out


_TINY_AREA = 1e-250  # below this an area may have underflowed: compute IoU rescaled


def _scaled_iou(ba: np.ndarray, bb: np.ndarray) -> float:
    """IoU of two boxes computed on coordinates divided by their largest extent, so boxes
    whose areas underflow (1e-200 wide: area 1e-400) still get IoU = I/U; 0 if U is 0."""
    both = np.concatenate([ba, bb])
    scale = float(np.max(np.abs(both - both.min())))
    if scale == 0:
        return 0.0
    a, b = (ba - both.min()) / scale, (bb - both.min()) / scale
    area = lambda x: max(x[2] - x[0], 0.0) * max(x[3] - x[1], 0.0)  # noqa: E731
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = area(a) + area(b) - iw * ih
    return float(iw * ih / union) if union > 0 else 0.0


def _pairwise_overlap(b: np.ndarray, over: str) -> np.ndarray:
    """The intersection areas of every pair (over="intersection"), or each intersection
    over the smaller of the two areas (over="min", 0 where that area is 0)."""
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iw = np.clip(
        np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]), 0, None
    )
    ih = np.clip(
        np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]), 0, None
    )
    inter = iw * ih
    if over == "intersection":
        return inter
    small = np.minimum(area[:, None], area[None, :])
    return np.divide(inter, small, out=np.zeros_like(inter), where=small > 0)


def iou(*, a: np.ndarray, b: np.ndarray, box_format: str = "xyxy") -> Solution:
    """Intersection over union of two boxes: IoU = I / (area_a + area_b - I).

    a, b: 4 values, x1,y1,x2,y2 (or x,y,w,h with ``box_format="xywh"``).
    I = max(0, min(x2a, x2b) - max(x1a, x1b)) * max(0, min(y2a, y2b) - max(y1a, y1b)).
    """
    for name, box in (("a", a), ("b", b)):
        expect_shape(box, (4,), name, "x1,y1,x2,y2" if box_format == "xyxy" else "x,y,w,h")
    w = Working()
    if box_format == "xywh" and w.slip("xywh-as-xyxy"):
        # x,y,w,h read as corners: a "box" with x2 < x1 has no extent (clipped below)
        ba, bb = a.astype(float), b.astype(float)
        box_format = "xyxy"
    else:
        ba = to_xyxy(a[None], "a", box_format)[0]
        bb = to_xyxy(b[None], "b", box_format)[0]
    # the pixel-inclusive convention: every side counts one pixel more
    one = 1.0 if w.slip("plus-one-pixel") else 0.0
    plus = " + 1" if one else ""
    steps: list[Step] = []
    if box_format == "xywh":
        for label, raw, box in (("A", a, ba), ("B", b, bb)):
            steps.append(
                Step(
                    f"Box {label} as corners",
                    "x2 = x + w, y2 = y + h",
                    f"{fmt(raw[0])} + {fmt(raw[2])}, {fmt(raw[1])} + {fmt(raw[3])}",
                    f"({fmt(box[0])}, {fmt(box[1])}, {fmt(box[2])}, {fmt(box[3])})",
                )
            )
    area_a = max(ba[2] - ba[0] + one, 0.0) * max(ba[3] - ba[1] + one, 0.0)
    area_a = w.keep("area_a", area_a)
    area_b = max(bb[2] - bb[0] + one, 0.0) * max(bb[3] - bb[1] + one, 0.0)
    area_b = w.keep("area_b", area_b)
    for label, box, area in (("A", ba, area_a), ("B", bb, area_b)):
        steps.append(
            Step(
                f"Area of {label}",
                f"area = (x2 - x1{plus})(y2 - y1{plus})",
                f"({fmt(box[2])} - {fmt(box[0])}{plus})({fmt(box[3])} - {fmt(box[1])}{plus})",
                _num(area),
                name=f"area_{label.lower()}",
            )
        )
    iw = max(0.0, min(ba[2], bb[2]) - max(ba[0], bb[0]) + one)
    ih = max(0.0, min(ba[3], bb[3]) - max(ba[1], bb[1]) + one)
    inter = w.keep("intersection", iw * ih)
    steps.append(
        Step(
            "Intersection",
            "I = max(0, min(x2a, x2b) - max(x1a, x1b)) * max(0, min(y2a, y2b) - max(y1a, y1b))",
            f"max(0, {fmt(min(ba[2], bb[2]))} - {fmt(max(ba[0], bb[0]))}{plus}) * "
            f"max(0, {fmt(min(ba[3], bb[3]))} - {fmt(max(ba[1], bb[1]))}{plus}) = "
            f"{fmt(iw)} * {fmt(ih)}",
            _num(inter),
            name="intersection",
        )
    )
    # variant rules: the union not reduced by the intersection; the intersection over the
    # smaller box's area (intersection over minimum) instead of the union
    if w.slip("union-not-reduced"):
        union = area_a + area_b
        text = f"{fmt(area_a)} + {fmt(area_b)}"
    elif w.slip("over-smaller-area"):
        union = min(area_a, area_b)
        text = f"min({fmt(area_a)}, {fmt(area_b)})"
    else:
        union = area_a + area_b - inter
        text = f"{fmt(area_a)} + {fmt(area_b)} - {fmt(inter)}"
    union = w.keep("union", union)
    steps.append(Step("Union", "U = area_A + area_B - I", text, _num(union), name="union"))
    notes = []
    plain_rule = w.rule not in ("union-not-reduced", "over-smaller-area")
    if (
        union < _TINY_AREA
        and plain_rule
        and not one
        and _scaled_iou(np.asarray(ba), np.asarray(bb)) > 0
    ):
        # the areas underflowed (a box 1e-200 wide has area 1e-400): the ratio does not
        value = w.keep("iou", _scaled_iou(np.asarray(ba), np.asarray(bb)))
        steps.append(
            Step("IoU", "IoU = I / U", "computed on the boxes rescaled by their extent", value,
                 name="iou")
        )  # fmt: skip
        notes.append(
            "the areas are below the smallest float (they underflow to 0): IoU, a ratio, "
            "is computed on the boxes rescaled to unit size"
        )
    elif union > 0:
        value = w.keep("iou", inter / union)
        steps.append(Step("IoU", "IoU = I / U", f"{fmt(inter)} / {fmt(union)}", value, name="iou"))
    else:
        value = w.keep("iou", 0.0)
        steps.append(Step("IoU", "IoU = I / U (U = 0)", "0 / 0 taken as 0", value, name="iou"))
        notes.append("both boxes have zero area, so the union is 0: IoU is taken as 0")
    if inter == 0 and union > 0:
        notes.append("the boxes do not overlap (touching edges have zero intersection)")
    return w.solution(
        {
            "iou": float(value),
            "intersection": _num(inter),
            "union": _num(union),
            "area_a": _num(area_a),
            "area_b": _num(area_b),
        },
        steps=steps,
        notes=notes,
    )


def nms(
    *,
    boxes: np.ndarray,
    scores: np.ndarray,
    iou_threshold: float = 0.5,
    box_format: str = "xyxy",
) -> Solution:
    """Greedy non-maximum suppression, as torchvision.ops.nms.

    Visit boxes in descending score (ties keep the input order, a stable sort); a box not
    yet suppressed is kept and suppresses every later box j with IoU(i, j) > threshold.
    boxes: N x 4; scores: N. keep: kept indices (0-based) in descending score.
    """
    expect_shape(boxes, (None, 4), "boxes", "N boxes x 4 coordinates")
    n = boxes.shape[0]
    if n > _MAX_BOXES:
        raise LimitError(f"--boxes: {n:,} boxes; the limit is {_MAX_BOXES:,}")
    if scores.shape[0] != n:
        raise InputError(
            f"--scores: expected {n} values (one per box in --boxes), got {scores.size}"
        )
    xyxy = to_xyxy(boxes, "boxes", box_format)
    w = Working()
    # variant rules: the threshold compared with the intersection area, or with the
    # intersection over the smaller box, instead of the IoU
    if w.slip("intersection-not-iou"):
        ious = _pairwise_overlap(xyxy, "intersection")
    elif w.slip("over-smaller-area"):
        ious = _pairwise_overlap(xyxy, "min")
    else:
        ious = pairwise_iou(xyxy, xyxy)
    ious = np.asarray(w.keep("ious", ious), dtype=float)
    # variant rule: the boxes visited in index order instead of by score
    order = np.arange(n) if w.slip("index-order") else np.argsort(-scores, kind="stable")
    order = np.asarray(w.keep("order", [int(i) for i in order]), dtype=float).astype(np.int64)
    suppress_ge = w.slip("suppress-ge")  # IoU >= threshold suppresses
    # a box already suppressed still suppresses the boxes after it
    chain = n > 2 and w.slip("suppressed-box-suppresses")

    steps = [
        Step(
            "Order by score",
            "sort boxes by descending score (ties keep input order)",
            ", ".join(f"box {i} ({fmt(scores[i])})" for i in order[: _MAX_TABLE * 2]),
            [int(i) for i in order],
            name="order",
        )
    ]
    suppressed_by = np.full(n, -1)
    keep: list[int] = []
    suppressed: list[dict] = []
    for pos, i in enumerate(order):
        if suppressed_by[i] >= 0 and not chain:
            continue
        if suppressed_by[i] < 0:
            keep.append(int(i))
        shown, gone = [], []
        for j in order[pos + 1 :]:
            if suppressed_by[j] >= 0:
                continue
            v = ious[i, j]
            if v >= iou_threshold if suppress_ge else v > iou_threshold:
                suppressed_by[j] = i
                gone.append(int(j))
                suppressed.append({"index": int(j), "by": int(i), "iou": float(v)})
                verdict = f"> {fmt(iou_threshold)}: suppress {j}"
            else:
                verdict = f"<= {fmt(iou_threshold)}: {j} stays"
            shown.append(f"IoU({i},{j}) = {fmt(v, 4)} {verdict}")
        if len(keep) > _MAX_KEPT_STEPS:
            continue
        text = "; ".join(shown[:_MAX_PAIRS])
        if len(shown) > _MAX_PAIRS:
            text += f"; ... ({len(shown)} comparisons)"
        steps.append(
            Step(
                f"Keep box {i} (score {fmt(scores[i])})",
                f"suppress each remaining box j with IoU({i}, j) > {fmt(iou_threshold)}",
                text or "no boxes left to compare",
                f"suppressed {gone}" if gone else "none suppressed",
            )
        )
    keep = [int(i) for i in np.atleast_1d(np.asarray(w.keep("keep", keep), dtype=float))]
    steps.append(
        Step("Kept", "keep = boxes never suppressed, by descending score", "", keep, name="keep")
    )

    notes = []
    if len(keep) > _MAX_KEPT_STEPS:
        notes.append(f"the working lists the first {_MAX_KEPT_STEPS} of {len(keep)} kept boxes")
    if len(set(scores.tolist())) < n:
        notes.append("equal scores: the box given first is visited first (a stable sort)")
    tables = []
    if n <= _MAX_TABLE:
        rows = [[str(i), *(fmt(v, 4) for v in ious[i])] for i in range(n)]
        tables.append(Table("Pairwise IoU", ["box", *(str(j) for j in range(n))], rows))
    return w.solution(
        {"keep": keep, "suppressed": suppressed},
        steps=steps,
        notes=notes,
        tables=tables,
    )
