"""The classic slips of the CNN calculators, as variant rules of their engines.

Each id is consulted by the engine with ``Working.slip(id)``; the marker (dlcalc.check)
replays the engine under it and names the mistake when a student's answer matches.
"""

from dlcalc.engine._working import Mistake

_SIZE = ("out_h", "out_w")
_CONV = {"input": "1,2,3; 4,5,6; 7,8,9", "kernel": "1,2; 3,4"}
_SLIDES_MAP = "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2"  # the slides' pooling example

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "conv-size": (
        Mistake("no-plus-one", "the +1 is missing", "W2 = floor((W1 + 2P - K)/S) + 1", _SIZE),
        Mistake(
            "pad-one-side",
            "the padding is counted on one side only",
            "W1 + 2P: P on each side",
            _SIZE,
            example={"input": 32, "kernel": 3, "pad": 1},  # 32 (same padding), slip: 31
        ),
        Mistake(
            "no-stride", "the stride is not divided by", "W2 = floor((W1 + 2P - K)/S) + 1", _SIZE
        ),
        Mistake(
            "ceil-not-floor",
            "rounded up instead of down",
            "W2 = floor((W1 + 2P - K)/S) + 1 (floor unless ceil_mode)",
            _SIZE,
            example={"input": 224, "kernel": 3, "stride": 2},  # floor(221/2) + 1 = 111; 112
        ),
        Mistake(
            "dilation-ignored",
            "the dilation is ignored",
            "a dilated kernel spans D(K-1) + 1",
            _SIZE,
            example={"input": 32, "kernel": 3, "dilation": 2},  # 32 - 5 + 1 = 28; slip: 30
        ),
        Mistake("no-bias", "the bias is missing", "params = (K*K*C + 1)*N", ("params",)),
        Mistake(
            "bias-once",
            "one bias for the whole layer instead of one per filter",
            "params = (K*K*C + 1)*N",
            ("params",),
        ),
        Mistake(
            "channels-ignored",
            "the input channels are left out",
            "params = (K*K*C + 1)*N, MACs = H2*W2*N*K*K*C",
            ("params", "macs"),
        ),
        Mistake(
            "macs-input-size",
            "the input size is used instead of the output size",
            "MACs = H2*W2*N*K*K*C",
            ("macs",),
        ),
        Mistake(
            "flops-for-macs",
            "FLOPs (2 x MACs) given for MACs",
            "MACs = H2*W2*N*K*K*C; FLOPs = 2 MACs",
            ("macs",),
        ),
    ),
    "conv": (  # examples: the 3x3 map 1..9 with the kernel [[1, 2], [3, 4]]
        Mistake(
            "flipped-kernel",
            "the kernel was flipped (true convolution) instead of slid as it is",
            "out[i,j] = b + sum_{c,u,v} x[c, iS+u-P, jS+v-P] k[c,u,v] (cross-correlation)",
            ("output",),
        ),
        Mistake(
            "no-bias",
            "the bias is missing",
            "out[i,j] = b + sum_{c,u,v} x[c, iS+u-P, jS+v-P] k[c,u,v]",
            ("output",),
            example={**_CONV, "bias": "1"},
        ),
        Mistake(
            "no-padding",
            "the zero padding was left out",
            "pad the input with P zeros on each side first",
            ("output",),
            example={**_CONV, "pad": 1},
        ),
        Mistake(
            "stride-ignored",
            "the kernel was moved one step at a time, ignoring the stride",
            "windows start every S: out[i,j] uses x[iS+u-P, jS+v-P]",
            ("output",),
            example={**_CONV, "stride": 2},
        ),
    ),
    "pool": (
        Mistake(
            "exclude-pad",
            "the padded zeros were left out of the average's divisor (count_include_pad=False)",
            "avg = (sum of the K*K window, padded zeros included) / (K*K)",
            ("output",),
            example={"input": "1,2; 3,4", "size": 2, "pad": 1, "mode": "avg"},
        ),
        Mistake(
            "max-not-avg",
            "the maximum was taken instead of the average",
            "avg-pool: (sum of the window) / (K*K)",
            ("output",),
            example={"input": _SLIDES_MAP, "size": 2, "mode": "avg"},
        ),
        Mistake(
            "avg-not-max",
            "the average was taken instead of the maximum",
            "max-pool: the largest entry of each window",
            ("output",),
        ),
        Mistake(
            "stride-one",
            "the windows were moved one step at a time instead of by the stride",
            "stride S (default: the window size K): windows start every S",
            ("output",),
        ),
    ),
}
