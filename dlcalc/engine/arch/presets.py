"""The course's CNNs as data: layer lists built from :mod:`dlcalc.engine.arch.layers`.

Presets torchvision has follow ``torchvision/models/{alexnet,vgg,googlenet,resnet}.py``
module for module (names as torchvision's where it has them), so parameter counts match
its published ``num_params``. LeNet-5, ZFNet and the paper AlexNet follow their papers.
"""

from __future__ import annotations

from collections.abc import Callable

from dlcalc.engine.arch.layers import (
    Node,
    basicconv,
    conv,
    inception,
    leaf,
    pool,
    residual,
    seq,
)


def _classifier(dropout_first: bool = False) -> list[Node]:
    """fc6 4096 - fc7 4096 - fc8 1000 with ReLU and dropout (AlexNet / ZFNet / VGG)."""
    if dropout_first:  # torchvision's AlexNet: Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear
        return [
            leaf("dropout", "dropout6", rate=0.5),
            leaf("fc", "fc6", out=4096, bias=True),
            leaf("relu", "relu6"),
            leaf("dropout", "dropout7", rate=0.5),
            leaf("fc", "fc7", out=4096, bias=True),
            leaf("relu", "relu7"),
            leaf("fc", "fc8", out=1000, bias=True),
        ]
    return [
        leaf("fc", "fc6", out=4096, bias=True),
        leaf("relu", "relu6"),
        leaf("dropout", "dropout6", rate=0.5),
        leaf("fc", "fc7", out=4096, bias=True),
        leaf("relu", "relu7"),
        leaf("dropout", "dropout7", rate=0.5),
        leaf("fc", "fc8", out=1000, bias=True),
    ]


def lenet5() -> list[Node]:
    """LeCun et al. 1998: C3 uses the paper's connection table (60 of the 16x6 map pairs),
    S2/S4 are trainable subsampling (a coefficient and a bias per map), the output is RBF."""
    return [
        conv("c1", 6, 5),
        pool("subsample", "s2", 2),
        conv("c3", 16, 5, links=60),
        pool("subsample", "s4", 2),
        conv("c5", 120, 5),
        leaf("flatten", "flatten"),
        leaf("fc", "f6", out=84, bias=True),
        leaf("rbf", "output", out=10, bias=False),
    ]


def alexnet() -> list[Node]:
    """torchvision's AlexNet (the one-GPU variant of Krizhevsky 2014: 64-192-384-256-256)."""
    return [
        conv("conv1", 64, 11, 4, 2),
        leaf("relu", "relu1"),
        pool("maxpool", "pool1", 3, 2),
        conv("conv2", 192, 5, 1, 2),
        leaf("relu", "relu2"),
        pool("maxpool", "pool2", 3, 2),
        conv("conv3", 384, 3, 1, 1),
        leaf("relu", "relu3"),
        conv("conv4", 256, 3, 1, 1),
        leaf("relu", "relu4"),
        conv("conv5", 256, 3, 1, 1),
        leaf("relu", "relu5"),
        pool("maxpool", "pool5", 3, 2),
        leaf("adaptiveavgpool", "avgpool", out=(6, 6)),
        leaf("flatten", "flatten"),
        *_classifier(dropout_first=True),
    ]


def alexnet_paper() -> list[Node]:
    """Krizhevsky et al. 2012 as trained on two GPUs: 96-256-384-384-256 filters on a
    227x227 input, conv2/4/5 split in two groups, LRN after conv1 and conv2."""
    return [
        conv("conv1", 96, 11, 4),
        leaf("relu", "relu1"),
        leaf("lrn", "norm1"),
        pool("maxpool", "pool1", 3, 2),
        conv("conv2", 256, 5, 1, 2, groups=2),
        leaf("relu", "relu2"),
        leaf("lrn", "norm2"),
        pool("maxpool", "pool2", 3, 2),
        conv("conv3", 384, 3, 1, 1),
        leaf("relu", "relu3"),
        conv("conv4", 384, 3, 1, 1, groups=2),
        leaf("relu", "relu4"),
        conv("conv5", 256, 3, 1, 1, groups=2),
        leaf("relu", "relu5"),
        pool("maxpool", "pool5", 3, 2),
        leaf("flatten", "flatten"),
        *_classifier(),
    ]


def zfnet() -> list[Node]:
    """Zeiler & Fergus 2013, Fig. 3: 7x7/2 first layer; pools round up (Caffe) to give the
    paper's 110 -> 55 and 26 -> 13 maps."""
    return [
        conv("conv1", 96, 7, 2, 1),
        leaf("relu", "relu1"),
        pool("maxpool", "pool1", 3, 2, ceil=True),
        leaf("lrn", "norm1"),
        conv("conv2", 256, 5, 2, 0),
        leaf("relu", "relu2"),
        pool("maxpool", "pool2", 3, 2, ceil=True),
        leaf("lrn", "norm2"),
        conv("conv3", 384, 3, 1, 1),
        leaf("relu", "relu3"),
        conv("conv4", 384, 3, 1, 1),
        leaf("relu", "relu4"),
        conv("conv5", 256, 3, 1, 1),
        leaf("relu", "relu5"),
        pool("maxpool", "pool5", 3, 2, ceil=True),
        leaf("flatten", "flatten"),
        *_classifier(),
    ]


# torchvision's cfgs "A", "B", "D", "E": convolutions per stage (all 3x3, pad 1).
_VGG = {
    "vgg11": (1, 1, 2, 2, 2),
    "vgg13": (2, 2, 2, 2, 2),
    "vgg16": (2, 2, 3, 3, 3),
    "vgg19": (2, 2, 4, 4, 4),
}


def _vgg(per_stage: tuple[int, ...], bn: bool) -> list[Node]:
    nodes: list[Node] = []
    for stage, (n, width) in enumerate(zip(per_stage, (64, 128, 256, 512, 512), strict=True), 1):
        for i in range(1, n + 1):
            nodes.append(conv(f"conv{stage}_{i}", width, 3, 1, 1))
            if bn:
                nodes.append(leaf("bn", f"bn{stage}_{i}"))
            nodes.append(leaf("relu", f"relu{stage}_{i}"))
        nodes.append(pool("maxpool", f"pool{stage}", 2, 2))
    nodes += [leaf("adaptiveavgpool", "avgpool", out=(7, 7)), leaf("flatten", "flatten")]
    return nodes + _classifier()


# torchvision's resnetNN: block kind and blocks per stage.
_RESNET = {
    "resnet18": ("basic", (2, 2, 2, 2)),
    "resnet34": ("basic", (3, 4, 6, 3)),
    "resnet50": ("bottleneck", (3, 4, 6, 3)),
    "resnet101": ("bottleneck", (3, 4, 23, 3)),
    "resnet152": ("bottleneck", (3, 8, 36, 3)),
}


def _resnet(kind: str, blocks: tuple[int, ...]) -> list[Node]:
    nodes = [
        conv("conv1", 64, 7, 2, 3, bias=False),
        leaf("bn", "bn1"),
        leaf("relu", "relu"),
        pool("maxpool", "maxpool", 3, 2, 1),
    ]
    c_in = 64
    for stage, (n, planes) in enumerate(zip(blocks, (64, 128, 256, 512), strict=True), 1):
        stride = 1 if stage == 1 else 2
        stage_blocks = []
        for i in range(n):
            stage_blocks.append(residual(str(i), kind, c_in, planes, stride if i == 0 else 1))
            c_in = planes * (4 if kind == "bottleneck" else 1)
        nodes.append(seq(f"layer{stage}", stage_blocks, kind="stage"))
    return nodes + [
        leaf("adaptiveavgpool", "avgpool", out=(1, 1)),
        leaf("flatten", "flatten"),
        leaf("fc", "fc", out=1000, bias=True),
    ]


# torchvision's GoogLeNet inception channels: 1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5", pool proj.
_INCEPTION = {
    "inception3a": (64, 96, 128, 16, 32, 32),
    "inception3b": (128, 128, 192, 32, 96, 64),
    "inception4a": (192, 96, 208, 16, 48, 64),
    "inception4b": (160, 112, 224, 24, 64, 64),
    "inception4c": (128, 128, 256, 24, 64, 64),
    "inception4d": (112, 144, 288, 32, 64, 64),
    "inception4e": (256, 160, 320, 32, 128, 128),
    "inception5a": (256, 160, 320, 32, 128, 128),
    "inception5b": (384, 192, 384, 48, 128, 128),
}


def googlenet() -> list[Node]:
    """torchvision's GoogLeNet without the auxiliary heads (as in eval mode)."""

    def inc(name: str) -> Node:
        return inception(name, _INCEPTION[name], torchvision=True)

    return [
        basicconv("conv1", 64, 7, 2, 3),
        pool("maxpool", "maxpool1", 3, 2, ceil=True),
        basicconv("conv2", 64, 1),
        basicconv("conv3", 192, 3, 1, 1),
        pool("maxpool", "maxpool2", 3, 2, ceil=True),
        inc("inception3a"),
        inc("inception3b"),
        pool("maxpool", "maxpool3", 3, 2, ceil=True),
        inc("inception4a"),
        inc("inception4b"),
        inc("inception4c"),
        inc("inception4d"),
        inc("inception4e"),
        pool("maxpool", "maxpool4", 2, 2, ceil=True),
        inc("inception5a"),
        inc("inception5b"),
        leaf("adaptiveavgpool", "avgpool", out=(1, 1)),
        leaf("flatten", "flatten"),
        leaf("dropout", "dropout", rate=0.2),
        leaf("fc", "fc", out=1000, bias=True),
    ]


class Preset:
    """A named network: its builder, default input (C, H, W), default --depth and source."""

    __slots__ = ("build", "input", "depth", "source")

    def __init__(
        self, build: Callable[[], list[Node]], input: tuple[int, ...], depth: int, source: str
    ) -> None:
        self.build, self.input, self.depth, self.source = build, input, depth, source

    @property
    def origin(self) -> str:
        """``torchvision`` (module for module as torchvision.models) or ``paper``."""
        return "torchvision" if self.source.startswith("torchvision.") else "paper"


_TV = "torchvision.models.{} (parameter count as torchvision's num_params)"
PRESETS: dict[str, Preset] = {
    "lenet5": Preset(
        lenet5,
        (1, 32, 32),
        1,
        "LeCun et al. 1998: C3 connection table, trainable subsampling, RBF output; the "
        "scaled-tanh squashing after each layer has no parameters and is not listed",
    ),
    "alexnet": Preset(
        alexnet,
        (3, 224, 224),
        1,
        _TV.format("alexnet") + "; the 64-filter one-GPU model, not the slides' 96-filter "
        "AlexNet on 227x227 (alexnet_paper)",
    ),
    "alexnet_paper": Preset(
        alexnet_paper,
        (3, 227, 227),
        1,
        "Krizhevsky et al. 2012, two-GPU grouped convolutions, 227x227 input",
    ),
    "zfnet": Preset(zfnet, (3, 224, 224), 1, "Zeiler & Fergus 2013, Fig. 3"),
    **{
        name: Preset(lambda n=n: _vgg(n, False), (3, 224, 224), 1, _TV.format(name))
        for name, n in _VGG.items()
    },
    **{
        f"{name}_bn": Preset(lambda n=n: _vgg(n, True), (3, 224, 224), 1, _TV.format(name + "_bn"))
        for name, n in _VGG.items()
    },
    "googlenet": Preset(googlenet, (3, 224, 224), 1, _TV.format("googlenet") + ", no aux heads"),
    **{
        name: Preset(lambda k=k, b=b: _resnet(k, b), (3, 224, 224), 2, _TV.format(name))
        for name, (k, b) in _RESNET.items()
    },
}
