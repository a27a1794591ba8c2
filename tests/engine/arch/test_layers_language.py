"""arch --layers: dilation dD, groups gG (depthwise), residual and inception blocks,
each with parameters and MACs worked by hand."""

from __future__ import annotations

import pytest

from dlcalc import ops
from dlcalc.errors import InputError


def arch(**kwargs):
    return ops.run("arch", kwargs)


def test_depthwise_conv():
    # conv 64 k3 g64 on 64 maps: each filter sees C/G = 1 map: (3*3*1 + 1)*64 = 640;
    # output (8 - 3) + 1 = 6 -> MACs 6*6*64*3*3*1 = 20,736
    sol = arch(layers="conv 64 k3 g64", input=(64, 8, 8))
    assert sol["total_params"] == 64 * 3 * 3 + 64 == 640
    assert sol["total_macs"] == 6 * 6 * 64 * 9 == 20_736
    assert sol["layers"][0]["output_shape"] == [64, 6, 6]
    step = next(s for s in sol.steps if s.title == "conv1: parameters")
    assert step.formula == "params = (Kh*Kw*C/G + 1)*N" and step.substituted == "(3*3*64/64 + 1)*64"


def test_depthwise_separable_block():
    # MobileNet's unit: depthwise 3x3 (640) then pointwise 1x1 to 128: (64 + 1)*128 = 8,320;
    # a full 3x3 conv would need (3*3*64 + 1)*128 = 73,856
    sol = arch(layers="conv 64 k3 p1 g64; conv 128 k1", input=(64, 56, 56))
    assert [r["params"] for r in sol["layers"]] == [640, 8_320]
    full = arch(layers="conv 128 k3 p1", input=(64, 56, 56))
    assert full["total_params"] == 73_856


def test_grouped_conv_two_groups():
    # AlexNet's conv2 on two GPUs: 256 filters, each on 96/2 = 48 maps: (5*5*48 + 1)*256
    sol = arch(layers="conv 256 k5 p2 g2", input=(96, 27, 27))
    assert sol["total_params"] == 307_456
    assert sol["total_macs"] == 27 * 27 * 256 * 5 * 5 * 48


def test_groups_must_divide_channels():
    with pytest.raises(InputError, match="groups 3 must divide"):
        arch(layers="conv 64 k3 g3", input=(64, 8, 8))


def test_dilated_conv():
    # conv 8 k3 d2 on 1x9x9: span D(K-1)+1 = 5, out (9 - 5) + 1 = 5; the kernel still has
    # 3*3 weights: params (9 + 1)*8 = 80, MACs 5*5*8*9 = 1,800; receptive field 5
    sol = arch(layers="conv 8 k3 d2", input=(1, 9, 9))
    row = sol["layers"][0]
    assert row["output_shape"] == [8, 5, 5]
    assert (row["params"], row["macs"], row["receptive_field"]) == (80, 1_800, 5)
    size = next(s for s in sol.steps if s.title.endswith("output size"))
    assert size.substituted == "floor((9 + 2*0 - 2*(3-1) - 1)/1) + 1 = 5"


def test_basic_block():
    # basic 64 on 64x56x56: two 3x3 convs without bias + 2 BNs: 2*3*3*64*64 + 2*2*64 = 73,984
    # (torchvision resnet18 layer1.0); the identity shortcut has no parameters
    sol = arch(layers="basic 64", input=(64, 56, 56))
    assert sol["total_params"] == 73_984
    assert sol["output_shape"] == [64, 56, 56]
    # basic 128 s2 on 64x56x56: 3*3*64*128 + 256 + 3*3*128*128 + 256 = 221,696, plus the
    # downsample 1x1 conv 64*128 + BN 256 = 8,448 -> 230,144 (torchvision resnet18 layer2.0)
    down = arch(layers="basic 128 s2", input=(64, 56, 56), depth=2)
    assert down["total_params"] == 230_144
    assert down["output_shape"] == [128, 28, 28]
    ds = next(r for r in down["layers"] if r["name"] == "basic1.downsample")
    assert ds["params"] == 8_448


def test_bottleneck_blocks():
    # bottleneck 64 on 64x56x56: 1x1 64*64 + 128, 3x3 9*64*64 + 128, 1x1 64*256 + 512,
    # downsample (256 != 64 channels) 64*256 + 512: 4,224 + 36,992 + 16,896 + 16,896 = 75,008
    # (torchvision resnet50 layer1.0)
    sol = arch(layers="bottleneck 64", input=(64, 56, 56))
    assert sol["total_params"] == 75_008
    assert sol["output_shape"] == [256, 56, 56]
    # bottleneck 64 s2 on 256x56x56: 256*64 + 128 + 36,992 + 16,896 + downsample 256*256 +
    # 512 = 16,512 + 36,992 + 16,896 + 66,048 = 136,448; the 3x3 carries the stride
    s2 = arch(layers="bottleneck 64 s2", input=(256, 56, 56))
    assert s2["total_params"] == 136_448
    assert s2["output_shape"] == [256, 28, 28]
    # MACs: 1x1 56*56*64*256 (on the full map), 3x3 28*28*64*576, 1x1 28*28*256*64,
    # downsample 28*28*256*256
    assert s2["total_macs"] == (
        56 * 56 * 64 * 256 + 28 * 28 * 64 * 576 + 28 * 28 * 256 * 64 + 28 * 28 * 256 * 256
    )


def test_inception_blocks_by_hand():
    # inception 3a (paper: conv+ReLU units with bias) on 192x28x28:
    # 1x1 (192+1)*64 = 12,352 | (192+1)*96 = 18,528, (9*96+1)*128 = 110,720 |
    # (192+1)*16 = 3,088, (25*16+1)*32 = 12,832 | pool, (192+1)*32 = 6,176 -> 163,696
    paper = arch(layers="inception 64 96 128 16 32 32", input=(192, 28, 28), depth=2)
    assert paper["total_params"] == 163_696
    assert [r["params"] for r in paper["layers"]] == [12_352, 129_248, 15_920, 6_176]
    assert paper["output_shape"] == [64 + 128 + 32 + 32, 28, 28]
    # torchvision's variant (tv): no bias, BN (2*C), a 3x3 in the third branch:
    # 12,288 + 128 | 18,432 + 192, 110,592 + 256 | 3,072 + 32, 9*16*32 + 64 = 4,672 |
    # 6,144 + 64 -> 155,872 (torchvision googlenet inception3a)
    tv = arch(layers="inception 64 96 128 16 32 32 tv", input=(192, 28, 28))
    assert tv["total_params"] == 155_872
    ref = arch(name="googlenet")
    assert next(r for r in ref["layers"] if r["name"] == "inception3a")["params"] == 155_872


def test_blocks_in_a_spec_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(
        '{"input": "64x56x56", "layers": ["conv 64 k3 p1 g64", '
        '{"type": "bottleneck", "planes": 64, "stride": 2}, "basic 256"]}'
    )
    from dlcalc.parse.arch import spec_param

    sol = arch(spec=spec_param(str(path), "spec"))
    # 640 + (64-channel bottleneck 64 s2: 4,224 + 36,992 + 16,896 + 16,896 = 75,008)
    # + basic 256 on 256 maps: 2*(9*256*256 + 512) = 1,180,672
    assert sol["total_params"] == 640 + 75_008 + 1_180_672
    assert sol["output_shape"] == [256, 28, 28]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("maxpool k3 d2", "option 'd' does not apply to maxpool"),
        ("basic 64 k3", "option 'k' does not apply to basic"),
        ("bottleneck 64 s2x1", "one stride"),
        ("inception 1 2 3", "six channel counts"),
    ],
)
def test_block_option_errors(text, needle):
    with pytest.raises(InputError, match=needle):
        arch(layers=text, input=(64, 16, 16))
