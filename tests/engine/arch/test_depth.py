"""arch --depth folds rows the way torchinfo's summary(depth=N) does.

torchinfo numbers the model's children depth 1, their children depth 2, ...; a module at
the depth limit is one row with the parameters of everything inside it. dlcalc's rows
follow torchvision's module names; its extra rows are the operations torchvision writes
in forward() rather than as modules: ``flatten`` (torch.flatten), a residual block's
``add`` and BasicConv2d's ``relu`` (F.relu); they have no parameters.
"""

from __future__ import annotations

from dlcalc import ops


def names(name, depth):
    return [r["name"] for r in ops.run("arch", {"name": name, "depth": depth})["layers"]]


def test_resnet50_depth_1_is_torchinfos_top_level():
    # torchinfo.summary(resnet50(), depth=1): Conv2d, BatchNorm2d, ReLU, MaxPool2d,
    # Sequential x4, AdaptiveAvgPool2d, Linear
    top = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"]
    assert names("resnet50", 1) == [*top, "avgpool", "flatten", "fc"]


def test_resnet50_depth_2_and_3_and_4():
    two = names("resnet50", 2)
    assert two[4:7] == ["layer1.0", "layer1.1", "layer1.2"] and len(two) == 4 + 16 + 3
    three = names("resnet50", 3)
    # torchinfo depth 3, Bottleneck: conv1 bn1 relu conv2 bn2 relu conv3 bn3 downsample relu
    block = [n.removeprefix("layer1.0.") for n in three if n.startswith("layer1.0.")]
    assert block == [
        "conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3", "downsample", "add",
        "relu",
    ]  # fmt: skip
    four = names("resnet50", 4)
    assert "layer1.0.downsample.0" in four and "layer1.0.downsample" not in four


def test_folded_rows_carry_their_contents_and_totals_do_not_change():
    rows = {d: ops.run("arch", {"name": "resnet50", "depth": d}) for d in (1, 2, 3, 4)}
    totals = {sol["total_params"] for sol in rows.values()}
    assert totals == {25_557_032}
    for sol in rows.values():
        assert sum(r["params"] for r in sol["layers"]) == 25_557_032
    ds = next(r for r in rows[3]["layers"] if r["name"] == "layer1.0.downsample")
    assert ds["params"] == 64 * 256 + 2 * 256  # torchinfo: layer1.0.downsample 16,896


def test_googlenet_depth_1_and_2():
    one = names("googlenet", 1)
    assert one[:6] == ["conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a"]
    assert one[-4:] == ["avgpool", "flatten", "dropout", "fc"]
    two = names("googlenet", 2)
    assert [n for n in two if n.startswith("inception3a.")] == [
        "inception3a.branch1",
        "inception3a.branch2",
        "inception3a.branch3",
        "inception3a.branch4",
    ]
