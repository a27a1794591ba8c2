"""arch: published parameter counts, hand-worked shapes and MACs, a reference implementation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc import ops
from dlcalc.errors import InputError


def arch(**kwargs):
    """The arch engine through the registry, which parses --layers and --spec first."""
    return ops.run("arch", kwargs)


# torchvision's published num_params (torchvision/models/{alexnet,vgg,resnet,googlenet}.py,
# the *_Weights.IMAGENET1K_V1 meta); googlenet is counted without its auxiliary heads,
# as torchvision's pretrained model is returned (aux_logits=False).
TORCHVISION_PARAMS = {
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg13": 133_047_848,
    "vgg16": 138_357_544,
    "vgg19": 143_667_240,
    "vgg11_bn": 132_868_840,
    "vgg13_bn": 133_053_736,
    "vgg16_bn": 138_365_992,
    "vgg19_bn": 143_678_248,
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "googlenet": 6_624_904,
}

# torchvision's published "_ops" (GFLOPS, counted as multiply-accumulates of conv and fc
# layers at 224x224), e.g. ResNet152_Weights.IMAGENET1K_V1 meta "_ops": 11.514.
TORCHVISION_GMACS = {
    "alexnet": 0.714,
    "vgg16": 15.470,
    "resnet18": 1.814,
    "resnet50": 4.089,
    "resnet152": 11.514,
    "googlenet": 1.498,
}


def layer(sol, name):
    return next(row for row in sol["layers"] if row["name"] == name)


@pytest.mark.parametrize(("name", "params"), TORCHVISION_PARAMS.items())
def test_torchvision_parameter_counts(name, params):
    sol = arch(name=name)
    assert sol["total_params"] == params
    assert sum(row["params"] for row in sol["layers"]) == params
    assert sol["output_shape"] == [1000]


@pytest.mark.parametrize(("name", "gmacs"), TORCHVISION_GMACS.items())
def test_torchvision_published_macs(name, gmacs):
    assert arch(name=name)["total_macs"] / 1e9 == pytest.approx(gmacs, abs=5e-4)


def test_alexnet_torchvision_by_hand():
    sol = arch(name="alexnet")
    # conv1: floor((224 + 2*2 - 11)/4) + 1 = floor(217/4) + 1 = 55; (11*11*3 + 1)*64 = 23296
    assert layer(sol, "conv1") == {
        "name": "conv1",
        "type": "conv",
        "output_shape": [64, 55, 55],
        "params": 23_296,
        "macs": 55 * 55 * 64 * 11 * 11 * 3,  # 70,276,800
        "kernel": 11,
        "stride": 4,
        "pad": 2,
        # r = 1 + (11-1)*1 = 11; j = 1*4 = 4; start = 0 + ((11-1)/2 - 2)*1 = 3
        "receptive_field": 11,
        "jump": 4,
        "start": 3,
    }
    # pool1: floor((55 - 3)/2) + 1 = 27; pool2: floor((27 - 3)/2) + 1 = 13; pool5: 6
    assert layer(sol, "pool1")["output_shape"] == [64, 27, 27]
    assert layer(sol, "pool2")["output_shape"] == [192, 13, 13]
    assert layer(sol, "pool5")["output_shape"] == [256, 6, 6]
    # fc6: (256*6*6 + 1)*4096 = 9217*4096
    assert layer(sol, "fc6")["params"] == 37_752_832


# The slides' AlexNet (one tower, 96 filters, 227x227 input), written in the mini-language.
ALEXNET_TEXT = (
    "conv 96 k11 s4 p0; relu; maxpool k3 s2; conv 256 k5 p2; relu; maxpool k3 s2; "
    "conv 384 k3 p1; relu; conv 384 k3 p1; relu; conv 256 k3 p1; relu; maxpool k3 s2; "
    "flatten; fc 4096; relu; dropout; fc 4096; relu; dropout; fc 1000"
)


def test_alexnet_first_layers_by_hand():
    sol = arch(layers=ALEXNET_TEXT, input=(3, 227, 227))
    shapes = [row["output_shape"] for row in sol["layers"] if row["type"] in ("conv", "maxpool")]
    assert shapes == [
        [96, 55, 55],  # (227 - 11)/4 + 1 = 55
        [96, 27, 27],  # (55 - 3)/2 + 1 = 27
        [256, 27, 27],  # (27 + 4 - 5)/1 + 1 = 27
        [256, 13, 13],  # (27 - 3)/2 + 1 = 13
        [384, 13, 13],  # (13 + 2 - 3) + 1 = 13
        [384, 13, 13],
        [256, 13, 13],
        [256, 6, 6],  # (13 - 3)/2 + 1 = 6
    ]
    # 34,944 + 614,656 + 885,120 + 1,327,488 + 884,992 (convs: (K*K*C + 1)*N)
    # + 37,752,832 + 16,781,312 + 4,097,000 (fcs: (in + 1)*out) = 62,378,344
    assert sol["total_params"] == 62_378_344
    assert layer(sol, "conv1")["params"] == (11 * 11 * 3 + 1) * 96


def test_alexnet_paper_two_gpu_groups():
    # conv2/4/5 see half the maps: (5*5*48 + 1)*256 = 307,456; (3*3*192 + 1)*384 = 663,936;
    # (3*3*192 + 1)*256 = 442,624; with conv1 34,944, conv3 885,120 and the fcs 58,631,144:
    # 60,965,224 (the figure Caffe's bvlc_alexnet reports)
    sol = arch(name="alexnet_paper")
    assert layer(sol, "conv2")["params"] == 307_456
    assert sol["total_params"] == 60_965_224
    assert layer(sol, "conv1")["output_shape"] == [96, 55, 55]


def test_vgg16_before_classifier_and_first_fc():
    sol = arch(name="vgg16")
    assert layer(sol, "pool5")["output_shape"] == [512, 7, 7]  # 224 / 2^5 = 7
    assert layer(sol, "fc6")["params"] == (512 * 7 * 7 + 1) * 4096  # 102,764,544
    # conv1_1: (3*3*3 + 1)*64 = 1,792; MACs 224*224*64*27 = 86,704,128
    assert layer(sol, "conv1_1")["params"] == 1_792
    assert layer(sol, "conv1_1")["macs"] == 86_704_128


def test_resnet50_shapes():
    sol = arch(name="resnet50")
    assert layer(sol, "layer4.2")["output_shape"] == [2048, 7, 7]
    assert layer(sol, "maxpool")["output_shape"] == [64, 56, 56]  # floor((112+2-3)/2)+1
    # layer1.0 by hand: 1x1 64->64 (4,096) + 3x3 64->64 (36,864) + 1x1 64->256 (16,384)
    # + downsample 1x1 64->256 (16,384) + BN 2*(64+64+256+256) = 1,280 -> 75,008
    assert layer(sol, "layer1.0")["params"] == 75_008


def test_resnet18_basic_block_by_hand():
    sol = arch(name="resnet18")
    # 2 * 3*3*64*64 + 2 BNs of 2*64 = 73,728 + 256 = 73,984
    assert layer(sol, "layer1.0")["params"] == 73_984
    assert layer(sol, "layer4.1")["output_shape"] == [512, 7, 7]


def test_depth_collapses_rows_and_keeps_totals():
    full = arch(name="resnet152", depth=4)
    stages = arch(name="resnet152", depth=1)
    names = [row["name"] for row in stages["layers"]]
    assert names == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
                     "avgpool", "flatten", "fc"]  # fmt: skip
    for sol in (full, stages):
        assert sum(r["params"] for r in sol["layers"]) == 60_192_808
        assert sum(r["macs"] for r in sol["layers"]) == full["total_macs"]
    assert "layer3.35.downsample.1" not in {r["name"] for r in full["layers"]}
    assert "layer3.0.downsample.1" in {r["name"] for r in full["layers"]}
    # blocks by default: stem conv1, bn1, relu, maxpool + avgpool, flatten, fc (7 rows)
    # + the 3 + 8 + 36 + 3 bottleneck blocks of layer1..layer4 (He et al. 2016, Table 1)
    assert len(arch(name="resnet152")["layers"]) == 7 + 3 + 8 + 36 + 3


def test_googlenet_shapes_follow_torchvision_comments():
    sol = arch(name="googlenet")
    # torchvision's forward(): N x 64 x 56 x 56 after maxpool1, 480 x 28 x 28 after 3b, ...
    assert layer(sol, "maxpool1")["output_shape"] == [64, 56, 56]
    assert layer(sol, "inception3b")["output_shape"] == [480, 28, 28]
    assert layer(sol, "maxpool3")["output_shape"] == [480, 14, 14]
    assert layer(sol, "inception4e")["output_shape"] == [832, 14, 14]
    assert layer(sol, "inception5b")["output_shape"] == [1024, 7, 7]
    # inception3a: 1x1 64 (192*64 + BN 128) + 1x1 96 (192*96 + 192) + 3x3 128 (9*96*128 + 256)
    # + 1x1 16 (192*16 + 32) + 3x3 32 (9*16*32 + 64) + pool proj 32 (192*32 + 64)
    # = 12,416 + 18,624 + 110,848 + 3,104 + 4,672 + 6,208 = 155,872
    assert layer(sol, "inception3a")["params"] == 155_872


def test_lenet5_paper_parameters():
    # LeCun et al. 1998, section II.B: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164;
    # the RBF output has 84*10 = 840 parameters.
    sol = arch(name="lenet5")
    params = {row["name"]: row["params"] for row in sol["layers"]}
    assert params == {"c1": 156, "s2": 12, "c3": 1516, "s4": 32, "c5": 48120, "flatten": 0,
                      "f6": 10164, "output": 840}  # fmt: skip
    assert [r["output_shape"] for r in sol["layers"]][:5] == [
        [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1]
    ]  # fmt: skip


def test_zfnet_paper_map_sizes():
    # Zeiler & Fergus 2013, Fig. 3: 224 -> 110 (conv1) -> 55 -> 26 (conv2) -> 13 -> 13 -> 6
    sol = arch(name="zfnet")
    sizes = [r["output_shape"][1] for r in sol["layers"] if r["type"] in ("conv", "maxpool")]
    assert sizes == [110, 55, 26, 13, 13, 13, 13, 6]
    assert layer(sol, "conv1")["params"] == 7 * 7 * 3 * 96 + 96  # 14,208


def test_macs_small_network_by_hand():
    # 1x8x8 -> conv 4 k3 (6x6): 6*6*4*3*3*1 = 1,296 MACs, (9+1)*4 = 40 params
    # -> maxpool k2 (3x3) -> conv 2 k3 p1 (3x3): 3*3*2*3*3*4 = 648 MACs, (36+1)*2 = 74 params
    # -> flatten (18) -> fc 5: 18*5 = 90 MACs, 19*5 = 95 params
    sol = arch(layers="conv 4 k3; maxpool k2; conv 2 k3 p1; flatten; fc 5", input=(1, 8, 8))
    assert [r["macs"] for r in sol["layers"]] == [1296, 0, 648, 0, 90]
    assert sol["total_macs"] == 1296 + 648 + 90
    assert sol["total_params"] == 40 + 74 + 95
    assert [r["name"] for r in sol["layers"]] == ["conv1", "maxpool1", "conv2", "flatten1", "fc1"]


def test_mlp_on_a_feature_vector():
    sol = arch(layers="fc 100; relu; bn; dropout 0.2; fc 10", input=(784,))
    # (784 + 1)*100 + 2*100 + (100 + 1)*10 = 78,500 + 200 + 1,010
    assert sol["total_params"] == 79_710
    assert sol["output_shape"] == [10]


def test_fc_on_a_map_flattens_with_a_note():
    sol = arch(layers="conv 2 k3; fc 3", input=(1, 4, 4))
    assert layer(sol, "fc1")["params"] == (2 * 2 * 2 + 1) * 3
    assert any("flattened to 8" in n for n in sol.notes)


def test_custom_blocks_match_the_presets():
    text = "bottleneck 64; bottleneck 64; bottleneck 64; bottleneck 128 s2"
    sol = arch(layers=text, input=(64, 56, 56))
    ref = arch(name="resnet50", depth=2)
    assert [r["params"] for r in sol["layers"]] == [
        layer(ref, n)["params"] for n in ("layer1.0", "layer1.1", "layer1.2", "layer2.0")
    ]
    assert sol["output_shape"] == [512, 28, 28]


def test_inception_paper_and_torchvision_variants():
    # paper: 5x5 conv with bias: (25*16 + 1)*32 = 12,832; torchvision's tv: 3x3, no bias + BN
    paper = arch(layers="inception 64 96 128 16 32 32", input=(192, 28, 28))
    tv = arch(layers="inception 64 96 128 16 32 32 tv", input=(192, 28, 28))
    assert tv["total_params"] == 155_872
    # 1x1: 192*64+64 = 12,352; 192*96+96 = 18,528; 9*96*128+128 = 110,720;
    # 192*16+16 = 3,088; 25*16*32+32 = 12,832; 192*32+32 = 6,176 -> 163,696
    assert paper["total_params"] == 163_696
    assert paper["output_shape"] == tv["output_shape"] == [256, 28, 28]


def test_ceil_mode_drops_a_window_starting_in_padding():
    # ceil((5 + 2 - 2)/2) + 1 = 4, but (4-1)*2 = 6 >= 5 + 1: the last window is dropped -> 3
    sol = arch(layers="maxpool k2 s2 p1 ceil", input=(1, 5, 5))
    assert sol["output_shape"] == [1, 3, 3]
    assert "dropped" in sol.steps[0].substituted


def test_non_square_and_dilated():
    # conv: H floor((10 + 2*1 - 2*(3-1) - 1)/1) + 1 = 8, W (20 + 2 - 5) + 1 = 18;
    # maxpool 1x1 stride 1x2: H 8, W floor((18 - 1)/2) + 1 = 9
    sol = arch(layers="conv 1 k3 p1 d2 s1; maxpool k1x1 s1x2", input=(1, 10, 20))
    assert layer(sol, "conv1")["output_shape"] == [1, 8, 18]
    assert sol["output_shape"] == [1, 8, 9]


def test_steps_flat_network_shows_formulas():
    sol = arch(name="alexnet")
    first = sol.steps[0]
    assert first.substituted == "floor((224 + 2*2 - 11)/4) + 1 = 55"
    assert first.value == "64x55x55"
    assert sol.steps[1].substituted == "(11*11*3 + 1)*64" and sol.steps[1].value == 23_296


def test_steps_deep_network_compact_unless_asked():
    compact = arch(name="resnet152")
    assert len(compact.steps) == 4  # totals and memory only
    full = arch(name="resnet18", steps=True)
    titles = [s.title for s in full.steps]
    assert "layer1.0.conv1: parameters" in titles
    assert any(t.startswith("layer2.0.downsample.0 (conv 128 k1 s2 nobias)") for t in titles)


def test_input_override_for_presets():
    assert arch(name="resnet50", input=(3, 448, 448))["total_params"] == 25_557_032
    assert layer(arch(name="vgg16", input=(320, 320)), "pool5")["output_shape"] == [512, 10, 10]


def test_memory_figures():
    sol = arch(name="vgg16")
    assert sol["param_memory_mb"] == pytest.approx(138_357_544 * 4 / 1e6, abs=1e-3)


# ---------------------------------------------------------------- spec files


def test_spec_toml_and_json_match_layers(tmp_path):
    text = "conv 4 k3; maxpool k2; conv 2 k3 p1; flatten; fc 5"
    ref = arch(layers=text, input=(1, 8, 8))
    toml = tmp_path / "net.toml"
    toml.write_text(
        'input = "1x8x8"\n'
        "[[layers]]\ntype = 'conv'\nout = 4\nkernel = 3\n"
        "[[layers]]\ntype = 'maxpool'\nkernel = 2\n"
        "[[layers]]\ntype = 'conv'\nout = 2\nkernel = 3\npadding = 1\n"
        "[[layers]]\ntype = 'flatten'\n"
        "[[layers]]\ntype = 'fc'\nout = 5\nname = 'head'\n"
    )
    sol = ops.run("arch", {"spec": str(toml)})
    assert sol.result["total_params"] == ref["total_params"]
    assert sol["layers"][-1]["name"] == "head"
    js = tmp_path / "net.json"
    js.write_text(json.dumps(text.split("; ")))
    assert ops.run("arch", {"spec": str(js), "input": "1x8x8"})["total_macs"] == ref["total_macs"]
    js.write_text(json.dumps({"input": [1, 8, 8], "layers": text}))
    assert ops.run("arch", {"spec": str(js)})["layers"] == ref["layers"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("layers = [\n 'conv 4 k3',\n oops\n]", "invalid TOML"),
        ('{"layers": ["conv 4 k3"],}', "line 1: invalid JSON"),
        ('input = "1x8x8"\nlayerz = []', "unknown key 'layerz'"),
        ("layers = []", "expected a list of layers"),
        ('layers = [{type = "conv", out = 4, kernal = 3}]', "unknown key 'kernal'"),
        ("layers = [{out = 4}]", "needs a 'type'"),
        ('layers = ["conv 4 k3", 7]', "layer 2: expected a string or a table"),
    ],
)
def test_spec_errors_name_the_file(tmp_path, content, needle):
    path = tmp_path / ("net.json" if content.startswith("{") else "net.toml")
    path.write_text(content)
    with pytest.raises(InputError) as err:
        ops.run("arch", {"spec": str(path), "input": "1x8x8"})
    msg = str(err.value)
    assert msg.startswith(f"--spec: {path.name}") and needle in msg, msg


def test_spec_layer_cap(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(["relu"] * 10_001))
    with pytest.raises(InputError, match="more than 10000 layers"):
        ops.run("arch", {"spec": str(path), "input": "3"})


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "start", "needles"),
    [
        (dict(name="alexnet", input=(3, 32, 32)), "--input:", ["pool5", "256x1x1", "3x3"]),
        (
            dict(
                layers="conv 6 k5; maxpool k2; conv 16 k5; maxpool k2; conv 120 k5",
                input=(1, 28, 28),
            ),
            "--layers: layer 5 'conv 120 k5'",
            ["16x4x4", "5x5 kernel"],
        ),
        (
            dict(layers="conv 6 k5; maxpool k2 q3", input=(1, 28, 28)),
            "--layers: layer 2",
            ["unknown option 'q3'"],
        ),
        (
            dict(layers="conv 6 k5; frob", input=(1, 8, 8)),
            "--layers: layer 2 'frob'",
            ["unknown layer type"],
        ),
        (dict(layers="conv 6 k5"), "--input:", ["CxHxW"]),
        (dict(layers="conv 6 k5", input=(8, 8)), "--input:", ["CxHxW"]),
        (dict(), "--layers:", ["NAME", "--spec"]),
        (dict(name="alexnet", layers="fc 1"), "--layers:", ["only one"]),
        (dict(name="resnet51"), "NAME:", ["did you mean resnet50"]),
        (dict(name="lenet5", input=(784,)), "--input:", ["CxHxW"]),
        (dict(layers="fc 10; conv 3 k3", input=(784,)), "--layers: layer 2", ["flat vector"]),
        (dict(layers="conv 10 k3 g3", input=(4, 8, 8)), "--layers: layer 1", ["groups 3"]),
        (dict(layers="maxpool k2 p2", input=(1, 8, 8)), "--layers: layer 1", ["half"]),
        (dict(layers="conv k3", input=(1, 8, 8)), "--layers: layer 1", ["number of filters"]),
        (dict(layers="conv 3 s2", input=(1, 8, 8)), "--layers: layer 1", ["kernel size"]),
        (dict(layers="dropout 2", input=(3,)), "--layers: layer 1", ["[0, 1]"]),
        (dict(layers="relu k3", input=(3,)), "--layers: layer 1", ["does not apply"]),
        (dict(layers=" ; ", input=(3,)), "--layers:", ["no layers"]),
        (dict(layers="bottleneck 4; conv 1 k9", input=(4, 8, 8)), "--layers: layer 2", ["9x9"]),
    ],
)
def test_errors(kwargs, start, needles):
    with pytest.raises(InputError) as err:
        arch(**kwargs)
    msg = str(err.value)
    assert msg.startswith(start), msg
    for needle in needles:
        assert needle in msg, msg


# ---------------------------------------------------------------- reference implementation


def _reference(layers: list[tuple], c: int, h: int, w: int) -> list[tuple] | None:
    """A plain loop: per layer (shape, params, macs); None when a map would vanish."""
    out = []
    for kind, n, k, s, p in layers:
        if kind == "fc":
            f_in = c * h * w if h else c
            c, h, w = n, 0, 0
            out.append(((n,), (f_in + 1) * n, f_in * n))
            continue
        if h + 2 * p < k or w + 2 * p < k:
            return None
        h2, w2 = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        if kind == "conv":
            out.append(((n, h2, w2), (k * k * c + 1) * n, h2 * w2 * n * k * k * c))
            c = n
        else:
            out.append(((c, h2, w2), 0, 0))
        h, w = h2, w2
    return out


_LAYER = st.one_of(
    st.tuples(st.just("conv"), st.integers(1, 8), st.integers(1, 5), st.integers(1, 3),
              st.integers(0, 2)),
    st.tuples(st.just("maxpool"), st.just(0), st.integers(1, 3), st.integers(1, 3),
              st.just(0)),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_LAYER, min_size=1, max_size=6),
    st.integers(1, 4),
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 9),
)
def test_matches_reference_loop(convs, c, h, w, n_out):
    layers = [*convs, ("fc", n_out, 0, 0, 0)]
    text = (
        "; ".join(
            f"conv {n} k{k} s{s} p{p}" if kind == "conv" else f"maxpool k{k} s{s}"
            for kind, n, k, s, p in convs
        )
        + f"; fc {n_out}"
    )
    ref = _reference(layers, c, h, w)
    if ref is None:
        with pytest.raises(InputError):
            arch(layers=text, input=(c, h, w))
        return
    sol = arch(layers=text, input=(c, h, w))
    got = [(tuple(r["output_shape"]), r["params"], r["macs"]) for r in sol["layers"]]
    assert got == ref
    assert sol["total_params"] == sum(r[1] for r in ref)
    assert sol["total_macs"] == sum(r[2] for r in ref)


def test_arch_needs_no_numpy():
    code = (
        "import sys\nfrom dlcalc.ops import run\n"
        "run('arch', name='resnet152').to_json()\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
