"""The classic slips of the detection calculators (iou, nms, roi-pool, roi-align), as
variant rules of their engines (dlcalc.engine.detection.boxes and roi).

Each id is consulted by the engine with ``Working.slip(id)``; the marker (dlcalc.check)
replays the engine under it and names the mistake when a student's answer matches.
"""

from dlcalc.engine._working import Mistake

_IOU = ("union", "iou")

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "iou": (
        Mistake(
            "union-not-reduced",
            "the union is not reduced by the intersection",
            "U = area_A + area_B - I",
            _IOU,
        ),
        Mistake(
            "plus-one-pixel",
            "the +1 pixel convention is used: area = (x2 - x1 + 1)(y2 - y1 + 1)",
            "area = (x2 - x1)(y2 - y1) for continuous coordinates",
            ("area_a", "area_b", "intersection", "union", "iou"),
        ),
        Mistake(
            "over-smaller-area",
            "the intersection is divided by the smaller box's area, not the union",
            "IoU = I / (area_A + area_B - I)",
            _IOU,
        ),
        Mistake(
            "xywh-as-xyxy",
            "x,y,w,h boxes are read as corners x1,y1,x2,y2",
            "x2 = x + w, y2 = y + h",
            ("area_a", "area_b", "intersection", "union", "iou"),
        ),
    ),
    "nms": (
        Mistake(
            "index-order",
            "the boxes are visited in index order instead of by descending score",
            "visit the boxes by descending score",
            ("order", "keep"),
        ),
        Mistake(
            "suppress-ge",
            "a box is suppressed at IoU = threshold (>= instead of >)",
            "suppress when IoU > threshold",
            ("keep",),
        ),
        Mistake(
            "intersection-not-iou",
            "the threshold is compared with the intersection area, not the IoU",
            "suppress when I / (area_i + area_j - I) > threshold",
            ("ious", "keep"),
        ),
        Mistake(
            "over-smaller-area",
            "the overlap is the intersection over the smaller box, not the IoU",
            "suppress when I / (area_i + area_j - I) > threshold",
            ("ious", "keep"),
        ),
        Mistake(
            "suppressed-box-suppresses",
            "a box already suppressed still suppresses the boxes after it",
            "only kept boxes suppress (greedy NMS)",
            ("keep",),
        ),
    ),
    "roi-pool": (
        Mistake(
            "no-plus-one",
            "the RoI size is x2' - x1' without the +1 of the inclusive corner cells",
            "w = x2' - x1' + 1, h = y2' - y1' + 1",
            ("output",),
        ),
        Mistake(
            "floor-not-round",
            "the scaled corners are truncated instead of rounded",
            "x1' = round(x1*s), ... (halves away from zero)",
            ("output",),
        ),
        Mistake(
            "avg-not-max",
            "each bin was averaged instead of taking its maximum",
            "RoI pooling takes the max over the cells of each bin",
            ("output",),
        ),
    ),
    "roi-align": (
        Mistake(
            "rounded-roi",
            "the RoI is rounded to whole cells (RoIPool's quantisation)",
            "x1' = x1*s, no rounding",
            ("output",),
        ),
        Mistake(
            "one-sample-per-bin",
            "one sample at each bin's centre instead of the G x G grid",
            "mean of G x G bilinear samples at (i + 0.5)/G of the bin",
            ("output",),
        ),
        Mistake(
            "half-pixel-ignored",
            "--aligned without its half-pixel shift: the corners were not moved by -0.5",
            "aligned: x1' = x1*s - 0.5 (pixel centres at integer + 0.5)",
            ("output",),
            example={
                "input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16",
                "roi": "0,0,3,3",
                "output_size": "2x2",
                "aligned": True,
            },
        ),
    ),
}

# Where each slip shows when the command's own example does not (dlcalc mistakes runs these)
_BOXES = "0,0,10,10; 1,1,11,11; 20,20,30,30; 0,0,9,10"
_EXAMPLES = {
    ("iou", "xywh-as-xyxy"): {"a": "0,0,2,2", "b": "1,1,2,2", "box_format": "xywh"},
    ("nms", "index-order"): {"boxes": _BOXES, "scores": "0.8,0.9,0.7,0.6"},
    ("nms", "suppress-ge"): {"boxes": _BOXES, "scores": "0.9,0.8,0.7,0.6", "iou_threshold": 0.9},
    ("nms", "suppressed-box-suppresses"): {
        "boxes": "0,0,10,10; 3,0,13,10; 6,0,16,10", "scores": "0.9,0.8,0.7", "iou_threshold": 0.3,
    },
    ("roi-pool", "floor-not-round"): {
        "input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16", "roi": "0.6,0.6,2.6,2.6",
        "output_size": "2x2",
    },
    ("roi-pool", "avg-not-max"): {
        "input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16", "roi": "0,0,3,3",
        "output_size": "2x2",
    },
    ("roi-align", "one-sample-per-bin"): {
        "input": "0,0,0,0; 0,4,0,0; 0,0,0,0; 0,0,0,0", "roi": "0.5,0.5,2.5,2.5",
        "output_size": "2x2", "sampling_ratio": 2,
    },
}  # fmt: skip
for (_command, _id), _example in _EXAMPLES.items():
    next(m for m in MISTAKES[_command] if m.id == _id).example = _example
