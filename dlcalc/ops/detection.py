"""Detection calculators: iou, nms, roi-pool, roi-align (CONTRACT section 2, "Applications").

The box format flag is ``--box-format`` (not ``--format``, which every command already uses
for the output format of the working).
"""

from dlcalc.ops import REQUIRED, Op, Param

_BOX_FORMAT = Param(
    "box_format",
    "choice",
    "box coordinates: xyxy (x1,y1,x2,y2) or xywh (x,y,width,height)",
    default="xyxy",
    choices=("xyxy", "xywh"),
)

_ROI = (
    Param("input", "tensor", "feature map: matrix HxW or CxHxW JSON", default=REQUIRED),
    Param(
        "roi",
        "matrix",
        "region x1,y1,x2,y2 in input-image coordinates (several: rows separated by ;)",
        default=REQUIRED,
    ),
    Param("output_size", "size", "pooled output size PH or PHxPW", default=REQUIRED),
    Param(
        "spatial_scale",
        "float",
        "feature-map pixels per image pixel (e.g. 1/16 after a stride-16 backbone)",
        default="1",
    ),
)

OPS = [
    Op(
        name="iou",
        topic="applications",
        func="dlcalc.engine.detection.boxes:iou",
        summary="Intersection over union of two boxes.",
        description=(
            "IoU = |A n B| / |A u B| with continuous coordinates: area = (x2-x1)(y2-y1), no +1; "
            "intersection width max(0, min(x2a,x2b) - max(x1a,x1b)), height likewise. "
            "--box-format xywh reads boxes as x,y,width,height."
        ),
        params=(
            Param("a", "vector", "first box x1,y1,x2,y2 (or x,y,w,h)", default=REQUIRED),
            Param("b", "vector", "second box x1,y1,x2,y2 (or x,y,w,h)", default=REQUIRED),
            _BOX_FORMAT,
        ),
        result_keys=("iou", "intersection", "union", "area_a", "area_b"),
        answers=("iou",),
        example={"a": "0,0,2,2", "b": "1,1,3,3"},
    ),
    Op(
        name="nms",
        topic="applications",
        func="dlcalc.engine.detection.boxes:nms",
        summary="Greedy non-maximum suppression (torchvision.ops.nms semantics).",
        description=(
            "Visit boxes by descending score (ties keep input order); keep a box unless it "
            "was suppressed, then suppress every later box with IoU > --iou-threshold. "
            "Returns the kept indices (0-based) in score order (the answer: keep); the "
            "pairwise overlaps compared are ious[i,j]."
        ),
        params=(
            Param(
                "boxes", "matrix", "N x 4 boxes, one per row: x1,y1,x2,y2; ...", default=REQUIRED
            ),
            Param("scores", "vector", "N scores, one per box", default=REQUIRED),
            Param("iou_threshold", "float", "suppress when IoU > this", default="0.5", lo=0, hi=1),
            _BOX_FORMAT,
        ),
        result_keys=("keep", "suppressed"),
        answers=("keep",),
        example={
            "boxes": "0,0,10,10; 1,1,11,11; 20,20,30,30; 0,0,9,10",
            "scores": "0.9,0.8,0.7,0.6",
        },
    ),
    Op(
        name="roi-pool",
        topic="applications",
        func="dlcalc.engine.detection.roi:roi_pool",
        summary="RoI max pooling (torchvision.ops.roi_pool semantics).",
        description=(
            "The RoI is scaled and rounded to whole cells, x1' = round(x1*scale) ..., its size "
            "is max(x2'-x1'+1, 1); bin (i,j) spans rows floor(i*bh)..ceil((i+1)*bh)-1 (plus y1', "
            "clipped to the map) with bh = height/PH; each bin is the max of its cells, 0 if "
            "empty. --sampling-ratio and --aligned belong to roi-align only."
        ),
        params=(
            *_ROI,
            Param("sampling_ratio", "int", "roi-align only (RoIPool takes every cell of a bin)"),
            Param("aligned", "bool", "roi-align only (RoIPool rounds instead)", default=False),
        ),
        result_keys=("output",),
        answers=("output",),
        example={
            "input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16",
            "roi": "0,0,3,3",
            "output_size": "2x2",
        },
    ),
    Op(
        name="roi-align",
        topic="applications",
        func="dlcalc.engine.detection.roi:roi_align",
        summary="RoIAlign: bilinear sampling, no rounding (torchvision.ops.roi_align semantics).",
        description=(
            "x1' = x1*scale - 0.5 (the 0.5 only with --aligned); without --aligned the RoI is at "
            "least 1x1. Each bin of size (h/PH, w/PW) averages a grid of G x G bilinear samples "
            "at (iy+0.5)/G of the bin; G = --sampling-ratio, or ceil(size/output) when it is "
            "<= 0. Samples beyond [-1, H] x [-1, W] count 0; others are clamped to the map."
        ),
        params=(
            *_ROI,
            Param(
                "sampling_ratio",
                "int",
                "samples per bin side; <= 0 means adaptive ceil(roi size / output size)",
                default="-1",
            ),
            Param("aligned", "bool", "shift by -0.5 pixel (half-pixel centres)", default=False),
        ),
        result_keys=("output",),
        answers=("output",),
        example={
            "input": "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16",
            "roi": "0.5,0.5,2.5,2.5",
            "output_size": "2x2",
            "sampling_ratio": 2,
        },
    ),
]
