"""arch: receptive field size r, jump j and start per layer, hand-worked and published.

Recursion (Dang Ha The Hien, "A guide to receptive field arithmetic"; Araujo et al.,
"Computing Receptive Fields of Convolutional Neural Networks", Distill 2019), with
K_eff = D(K-1) + 1, starting from r = 1, j = 1, start = 0 (input pixel indices):
r_out = r_in + (K_eff-1)*j_in, j_out = j_in*S, start_out = start_in + ((K_eff-1)/2 - P)*j_in.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc import ops


def arch(**kwargs):
    return ops.run("arch", kwargs)


def field(sol, name):
    row = next(r for r in sol["layers"] if r["name"] == name)
    return row["receptive_field"], row["jump"], row["start"]


@pytest.mark.parametrize(
    ("text", "r", "j", "start"),
    [
        ("conv 8 k3; conv 8 k3", 5, 1, 2),  # 1 + 2*1 = 3; 3 + 2*1 = 5; start 1, then 2
        ("conv 8 k3 p1; conv 8 k3 p1", 5, 1, 0),  # 'same' padding keeps the centre on pixel 0
        ("conv 8 k3 s2; conv 8 k3", 7, 2, 3),  # 3, j 2; 3 + 2*2 = 7; start 1 + 1*2 = 3
        ("conv 8 k7 s2 p3; maxpool k3 s2 p1", 11, 4, 0),  # ResNet's stem: 7, j 2; 7 + 2*2
        ("conv 8 k3 d2", 5, 1, 2),  # K_eff = 2*(3-1) + 1 = 5
        ("conv 8 k3 d2 p2; conv 8 k3 d4 p4", 13, 1, 0),  # 1 + 4 = 5; 5 + 8 = 13
        ("maxpool k2 s2; maxpool k2 s2", 4, 4, 1.5),  # 2, j 2, start 0.5; 2 + 1*2 = 4, 1.5
        ("conv 8 k5; maxpool k2 s2; conv 8 k3", 10, 2, 4.5),  # 5; 6 (j 2, 2.5); 6 + 2*2
    ],
)
def test_small_stacks_by_hand(text, r, j, start):
    sol = arch(layers=text, input=(3, 32, 32))
    last = sol["layers"][-1]
    assert (last["receptive_field"], last["jump"], last["start"]) == (r, j, start)
    assert sol["receptive_field"] == r


def test_shape_keeping_layers_keep_the_field_and_fc_ends_it():
    sol = arch(layers="conv 4 k3; bn; relu; dropout; flatten; fc 10", input=(1, 8, 8))
    assert [row["receptive_field"] for row in sol["layers"]] == [3, 3, 3, 3, None, None]
    assert sol["receptive_field"] == 3


def test_non_square_kernel_gives_a_pair():
    sol = arch(layers="conv 4 k3x5 s1x2; conv 4 k3", input=(1, 16, 16))
    # H: 3, j 1; 3 + 2*1 = 5.  W: 5, j 2; 5 + 2*2 = 9
    assert field(sol, "conv2") == ([5, 9], [1, 2], [2, 4])
    assert sol["receptive_field"] == [5, 9]


def test_flat_network_shows_the_recursion_in_the_steps():
    sol = arch(layers="conv 8 k3 s2; conv 8 k3", input=(3, 32, 32))
    rf = [s for s in sol.steps if s.title.endswith("receptive field")]
    assert [s.value for s in rf] == [3, 7]
    assert rf[0].formula.startswith("r = r_in + (K-1)*j_in; j = j_in*S")
    assert rf[1].substituted.startswith("r = 3 + (3-1)*2 = 7; j = 2*1 = 2")
    dil = arch(layers="conv 8 k3 d2", input=(3, 32, 32))
    step = next(s for s in dil.steps if s.title.endswith("receptive field"))
    assert "D(K-1)*j_in" in step.formula and "r = 1 + (2*(3-1))*1 = 5" in step.substituted


def test_residual_block_field_is_its_main_path():
    # basic: two 3x3 convs: 1 + 2 + 2 = 5; the identity shortcut adds nothing
    sol = arch(layers="basic 8", input=(8, 16, 16))
    assert field(sol, "basic1") == (5, 1, 0)
    # bottleneck s2 (torchvision v1.5: the stride on the 3x3): 1x1 -> 1, 3x3 s2 -> 3 (j 2),
    # 1x1 -> 3; the 1x1 s2 downsample shortcut (r 1) does not enlarge it
    sol = arch(layers="bottleneck 4 s2", input=(8, 16, 16), depth=2)
    assert field(sol, "bottleneck1.conv2") == (3, 2, 0)
    assert field(sol, "bottleneck1.downsample") == (1, 2, 0)
    assert field(sol, "bottleneck1.add") == (3, 2, 0)
    assert arch(layers="bottleneck 4 s2", input=(8, 16, 16))["layers"][0]["receptive_field"] == 3


def test_inception_field_is_the_widest_branch():
    # paper: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 pool -> 1x1: max(1, 3, 5, 3) = 5
    paper = arch(layers="inception 4 4 4 4 4 4", input=(8, 16, 16))
    assert field(paper, "inception1") == (5, 1, 0)
    # torchvision's variant has a 3x3 in the "5x5" branch: max(1, 3, 3, 3) = 3
    tv = arch(layers="inception 4 4 4 4 4 4 tv", input=(8, 16, 16))
    assert field(tv, "inception1") == (3, 1, 0)


def test_alexnet_pool5_is_195():
    # torchvision alexnet: conv1 k11 s4: 11 (j 4); pool1 k3 s2: 11 + 2*4 = 19 (j 8);
    # conv2 k5: 19 + 4*8 = 51; pool2: 51 + 2*8 = 67 (j 16); conv3/4/5 k3: 99, 131, 163;
    # pool5: 163 + 2*16 = 195 (j 32). Distill 2019 Table 1 lists alexnet_v2 (TF-slim) at 195:
    # that is pool5, the last feature layer before the classifier (conv5 is 163); TF-slim's
    # alexnet_v2 has the same kernels and strides, so the figure is the same.
    sol = arch(name="alexnet")
    assert field(sol, "conv5") == (163, 16, 15)
    assert field(sol, "pool5") == (195, 32, 31)
    assert sol["receptive_field"] == 195
    # the slides' 96-filter AlexNet on 227x227 (no padding on conv1) has the same field
    paper = arch(name="alexnet_paper")
    assert paper["receptive_field"] == 195
    assert field(paper, "pool5")[:2] == (195, 32)


def test_vgg16_pool5_is_212():
    # 3x3 convs add 2*j, 2x2 pools add 1*j and double j:
    # conv1_x 3, 5; pool1 6 (j 2); conv2_x 10, 14; pool2 16 (j 4); conv3_x 24, 32, 40;
    # pool3 44 (j 8); conv4_x 60, 76, 92; pool4 100 (j 16); conv5_x 132, 164, 196;
    # pool5 212 (j 32). Distill's vgg_16 figure 212 is pool5; conv5_3 is 196 (not 212).
    sol = arch(name="vgg16")
    assert field(sol, "conv5_3")[:2] == (196, 16)
    assert field(sol, "pool5")[:2] == (212, 32)
    assert sol["receptive_field"] == 212


def test_resnet50_torchvision_is_427_and_the_original_483():
    # torchvision's ResNet-50 is v1.5 (stride on the 3x3 conv of a stage's first block):
    # stem 11 (j 4); layer1: 3 blocks * 2*4 = 35; layer2: 35 + 2*4 = 43 (j 8) + 3*16 = 91;
    # layer3: 91 + 2*8 = 107 (j 16) + 5*32 = 267; layer4: 267 + 2*16 = 299 (j 32) + 2*64 = 427
    sol = arch(name="resnet50")
    assert field(sol, "layer4.2") == (427, 32, 0)
    assert sol["receptive_field"] == 427
    # Distill's resnet_v1_50 = 483: there the stride sits where the 3x3 no longer sees the
    # finer grid (the original paper / Caffe model: the first 1x1 conv of a stage's first
    # block; TF-slim: the last block of a stage). The field is the main path's, so the chain
    # of convs reproduces it: stem 11; layer1 35; layer2: 4 * 2*8 = 99; layer3: 99 + 6*32 =
    # 291; layer4: 291 + 3*64 = 483.
    stages = []
    for n, first_stride in ((3, 1), (4, 2), (6, 2), (3, 2)):
        for i in range(n):
            s = first_stride if i == 0 else 1
            stages.append(f"conv 4 k1 s{s}; conv 4 k3 p1; conv 4 k1")
    v1 = arch(layers="conv 4 k7 s2 p3; maxpool k3 s2 p1; " + "; ".join(stages), input=(3, 224, 224))
    assert v1["receptive_field"] == 483
    assert v1["layers"][-1]["jump"] == 32


def test_lenet5_sees_the_whole_input():
    # c1 k5: 5; s2 k2: 6 (j 2); c3 k5: 6 + 4*2 = 14; s4: 16 (j 4); c5 k5: 16 + 4*4 = 32
    assert arch(name="lenet5")["receptive_field"] == 32


def test_feature_vector_network_has_no_field():
    sol = arch(layers="fc 10; relu; fc 2", input=(4,))
    assert sol["receptive_field"] is None
    assert all(r["receptive_field"] is None for r in sol["layers"])


def _extent(layers, unit):
    """Brute force: the input positions (padding included, as negative or >= size
    indices) that output position ``unit`` depends on, following each window back."""
    positions = {unit}
    for k, s, p, d in reversed(layers):
        positions = {u * s - p + d * t for u in positions for t in range(k)}
    return min(positions), max(positions)


def _sizes(n, layers):
    for k, s, p, d in layers:
        n = (n + 2 * p - d * (k - 1) - 1) // s + 1
    return n


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)
        ).filter(lambda t: t[2] <= (t[3] * (t[0] - 1)) // 2),
        min_size=1,
        max_size=4,
    ),
    st.integers(0, 50),
)
def test_matches_brute_force_dependency_extent(layers, pick):
    n = 40
    if _sizes(n, layers) < 1 or any(_sizes(n, layers[: i + 1]) < 1 for i in range(len(layers))):
        return
    text = "; ".join(f"conv 1 k{k} s{s} p{p} d{d}" for k, s, p, d in layers)
    unit = pick % _sizes(n, layers)
    sol = arch(layers=text, input=(1, n, n), unit=f"{unit},{unit}")
    lo, hi = _extent(layers, unit)
    assert sol["unit_region"]["unclipped_rows"] == [lo, hi]
    assert sol["receptive_field"] == hi - lo + 1
