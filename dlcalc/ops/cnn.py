"""CNN calculators: conv-size, conv, pool (CONTRACT section 2, "CNN")."""

from dlcalc.ops import REQUIRED, Op, Param

_GEOMETRY = (
    Param("stride", "size", "stride S or ShxSw", default="1"),
    Param("pad", "size", "zero padding P or PhxPw on each side", default="0", lo=0),
    Param("dilation", "size", "dilation D or DhxDw", default="1"),
)

OPS = [
    Op(
        name="conv-size",
        topic="cnn",
        func="dlcalc.engine.cnn.size:conv_size",
        summary="Output size (and params, MACs) of a conv or pooling layer.",
        description=(
            "out = floor((W + 2P - D(K-1) - 1)/S) + 1 per axis; --ceil uses ceil as pooling's "
            "ceil_mode does; --transposed gives (W-1)S - 2P + D(K-1) + output_padding + 1. "
            "With --in-channels/--out-channels also params = (K*K*C + 1)*N and MACs. "
            "Backwards: --output 32 --solve pad lists every padding (likewise input, kernel, "
            "stride, dilation) that gives that output, with the working for each. "
            "Answer keys: out_h and out_w (a bare --check 55 marks both)."
        ),
        params=(
            Param("input", "size", "input size W or HxW (required unless solved for)"),
            Param("kernel", "size", "kernel size K or KhxKw (required unless solved for)"),
            *_GEOMETRY,
            Param("ceil", "bool", "round up (pooling's ceil_mode)", default=False),
            Param("transposed", "bool", "transposed convolution", default=False),
            Param("output_padding", "size", "extra size for --transposed", default="0", lo=0),
            Param("in_channels", "int", "input channels C (for params and MACs)", lo=1),
            Param("out_channels", "int", "output channels N (filters)", lo=1),
            Param("no_bias", "bool", "the layer has no bias", default=False),
            Param("output", "size", "the output size to solve for (with --solve)"),
            Param(
                "solve",
                "choice",
                "the unknown: every value giving --output is listed",
                choices=("input", "kernel", "stride", "pad", "dilation"),
                metavar="NAME",
            ),
        ),
        result_keys=("out_w", "out_h", "exact", "params", "macs", "solutions", "unknown", "output"),
        answers=("out_h", "out_w"),
        example={"input": 227, "kernel": 11, "stride": 4, "in_channels": 3, "out_channels": 96},
    ),
    Op(
        name="conv",
        topic="cnn",
        func="dlcalc.engine.cnn.conv:conv",
        summary="2-D convolution (cross-correlation) of a map with a kernel.",
        description=(
            "out[i,j] = b + sum_{c,u,v} x[c, iS+uD-P, jS+vD-P] * k[c,u,v], as in deep-learning "
            "libraries (no kernel flip). Input HxW or CxHxW (JSON); kernel KxK or NxCxKxK. "
            "Answer key: output."
        ),
        params=(
            Param("input", "tensor", "input map: matrix or CxHxW JSON", default=REQUIRED),
            Param("kernel", "tensor", "kernel: matrix or NxCxKxK JSON", default=REQUIRED),
            *_GEOMETRY,
            Param("bias", "vector", "one bias per output channel"),
        ),
        result_keys=("output",),
        answers=("output",),
        example={"input": "1,2,3; 4,5,6; 7,8,9", "kernel": "1,0; 0,-1"},
    ),
    Op(
        name="pool",
        topic="cnn",
        func="dlcalc.engine.cnn.conv:pool",
        summary="Max or average pooling of a map.",
        description=(
            "Windows of KxK every S (default S = K); max pads with -inf, avg counts padded "
            "zeros in the divisor (PyTorch's count_include_pad=True). Answer key: output."
        ),
        params=(
            Param("input", "tensor", "input map: matrix or CxHxW JSON", default=REQUIRED),
            Param("size", "size", "window size K or KhxKw", default=REQUIRED),
            Param("stride", "size", "stride (default: the window size)"),
            Param("pad", "size", "padding on each side", default="0", lo=0),
            Param("mode", "choice", "max or avg", default="max", choices=("max", "avg")),
            Param("ceil", "bool", "round the output size up (ceil_mode)", default=False),
        ),
        result_keys=("output",),
        answers=("output",),
        example={"input": "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "size": 2},
    ),
]
