"""Architecture calculator: arch (CONTRACT section 2, "CNN" / architectures)."""

from dlcalc.ops import Op, Param

PRESET_NAMES = (
    "lenet5",
    "alexnet",
    "alexnet_paper",
    "zfnet",
    "vgg11",
    "vgg13",
    "vgg16",
    "vgg19",
    "vgg11_bn",
    "vgg13_bn",
    "vgg16_bn",
    "vgg19_bn",
    "googlenet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
)

OPS = [
    Op(
        name="arch",
        topic="architectures",
        func="dlcalc.engine.arch.summary:arch",
        summary=(
            "Layer-by-layer output shapes, parameters, MACs and receptive fields of a CNN "
            "(preset or your own)."
        ),
        description=(
            "Presets (--list shows each one's source): " + ", ".join(PRESET_NAMES) + ". "
            "alexnet, vgg*, googlenet (no aux heads) and resnet* are torchvision's models and "
            "match its parameter counts (alexnet is torchvision's 64-filter one-GPU model on "
            "224x224; the slides' 96-filter AlexNet on 227x227 is alexnet_paper, Krizhevsky "
            "2012 with its two-GPU groups; resnet* are torchvision's v1.5, the stride on the "
            "3x3 conv); zfnet "
            "follows Zeiler & Fergus 2013 Fig. 3; lenet5 follows LeCun 1998 (C3 connection "
            "table, trainable subsampling, RBF output: 60,840 params). "
            "--layers, ';'-separated: conv N kK [sS] [pP] [dD] [gG] [nobias], "
            "maxpool|avgpool kK [sS] [pP] [ceil], adaptiveavgpool N|HxW, gap, bn, lrn, relu, "
            "tanh, sigmoid, softmax, dropout [P], flatten, fc N, basic N [sS], "
            "bottleneck N [sS], inception C1 C3R C3 C5R C5 POOL [tv] (tv: torchvision's "
            "conv+BN variant). --spec FILE: TOML/JSON "
            'with input = "3x227x227" and layers = [...] (strings or tables). '
            "Each layer's receptive field r (input pixels), jump j (product of strides) and "
            "start (centre of the first unit's field, input pixel index): r = r_in + "
            "(K_eff-1)*j_in, j = j_in*S, start = start_in + ((K_eff-1)/2 - P)*j_in, K_eff = "
            "D(K-1)+1; a residual block's is its main path's, an inception module's its "
            "widest branch's; receptive_field is that of the last conv/pooling output."
        ),
        params=(
            Param(
                "name",
                "str",
                "preset network (lenet5, alexnet, vgg16, vgg16_bn, googlenet, resnet50, ...)",
                positional=True,
                metavar="NAME",
            ),
            Param(
                "layers",
                "parsed",
                'layer list: "conv 96 k11 s4; maxpool k3 s2; ...; fc 1000"',
                parser="dlcalc.parse.arch:layers_param",
                metavar="TEXT",
            ),
            Param(
                "spec",
                "parsed",
                "TOML or JSON file listing the layers",
                parser="dlcalc.parse.arch:spec_param",
                metavar="FILE",
            ),
            Param(
                "input",
                "dims",
                "input CxHxW (or F features); presets default to their paper size",
                metavar="CxHxW",
            ),
            Param(
                "depth",
                "int",
                "show rows down to this nesting level (resnets: 1 stages, 2 blocks, 3 layers) "
                "[default: 2 for resnets, else 1]",
                lo=1,
            ),
            Param(
                "params",
                "int",
                "total parameter count: solve the one layer written '?' (conv ? k3, fc ?) "
                "for it (result solutions)",
                lo=1,
            ),
            Param(
                "unit",
                "parsed",
                "0-based output unit i,j of the last conv/pooling layer: the input rows and "
                "columns its receptive field covers (result unit_region)",
                parser="dlcalc.parse.arch:unit_param",
                metavar="I,J",
            ),
            Param(
                "list",
                "bool",
                "list the presets: which are torchvision's models, which follow the papers",
                default=False,
            ),
            Param(
                "steps",
                "bool",
                "write every layer's size/params/MACs formulas (always for plain layer lists)",
                default=False,
            ),
        ),
        result_keys=(
            "total_params",
            "total_macs",
            "layers",
            "input_shape",
            "output_shape",
            "param_memory_mb",
            "activation_memory_mb",
            "receptive_field",
            "solutions",
        ),
        example={"name": "alexnet"},
    ),
]
