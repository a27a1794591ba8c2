"""arch through the CLI, in-process: JSON per CONTRACT, --check, flags, errors, formats."""

from __future__ import annotations

import pytest


def test_preset_json_per_contract(cli):
    data = cli.json("arch", "alexnet")
    assert data["command"] == "arch"
    result = data["result"]
    assert result["total_params"] == 61_100_840  # torchvision's AlexNet num_params
    # conv1 55*55*64*(11*11*3) = 70,276,800; conv2 27*27*192*(5*5*64) = 223,948,800;
    # conv3 13*13*384*(3*3*192) = 112,140,288; conv4 13*13*256*(3*3*384) = 149,520,384;
    # conv5 13*13*256*(3*3*256) = 99,680,256; fc 9216*4096 + 4096*4096 + 4096*1000
    # = 58,621,952; total 714,188,480 (torchvision's published AlexNet "_ops": 0.714 GFLOPS)
    assert result["total_macs"] == 714_188_480
    assert isinstance(result["layers"], list)
    for row in result["layers"]:
        assert {"name", "type", "output_shape", "params", "macs"} <= set(row)
    assert result["layers"][0] == {
        "name": "conv1",
        "type": "conv",
        "output_shape": [64, 55, 55],
        "params": 23_296,
        "macs": 70_276_800,
        "kernel": 11,
        "stride": 4,
        "pad": 2,
        "receptive_field": 11,
        "jump": 4,
        "start": 3,
    }
    assert result["layers"][-1]["kernel"] is None  # fc8: no kernel, no field
    assert result["layers"][-1]["receptive_field"] is None
    assert result["receptive_field"] == 195  # pool5
    assert data["inputs"] == {"name": "alexnet", "list": False, "steps": False}
    for step in data["steps"]:
        assert set(step) == {"title", "formula", "substituted", "value"}


def test_layers_and_input(cli):
    data = cli.json(
        "arch",
        "--layers",
        "conv 96 k11 s4 p0; maxpool k3 s2; flatten; fc 10",
        "--input",
        "3x227x227",
    )
    # conv: (227 - 11)/4 + 1 = 55; pool: (55 - 3)/2 + 1 = 27; fc: (96*27*27 + 1)*10
    shapes = [row["output_shape"] for row in data["result"]["layers"]]
    assert shapes == [[96, 55, 55], [96, 27, 27], [69984], [10]]
    assert data["result"]["total_params"] == 34_944 + 699_850


def test_spec_file(cli, tmp_path):
    path = tmp_path / "lenet.toml"
    path.write_text('input = "1x32x32"\nlayers = ["conv 6 k5", "maxpool k2", "fc 10"]\n')
    data = cli.json("arch", "--spec", str(path))
    # conv 6 k5: (25 + 1)*6 = 156; fc on 6x14x14 = 1176 features: 1177*10 = 11,770
    assert data["result"]["total_params"] == 156 + 11_770


@pytest.mark.parametrize(
    ("checks", "code"),
    [
        (["--check", "25557032"], 0),
        (["--check", "25.6e6"], 1),  # a count is marked exactly (CONTRACT section 5)
        (["--check", "25.6e6", "--tol", "0.01"], 0),  # unless a relative tolerance is asked
        (["--check", "23.5e6", "--tol", "0.01"], 1),
        (["--check", "total_macs=4.09e9", "--tol", "0.001"], 0),  # torchvision: 4.089 GFLOPS
    ],
)
def test_check(cli, checks, code):
    res = cli("arch", "resnet50", *checks)
    assert res.exit_code == code, res.stdout + res.stderr


def test_depth_and_steps_flags(cli):
    stages = cli.json("arch", "resnet34", "--depth", "1")
    assert [r["name"] for r in stages["result"]["layers"]][4:8] == [
        "layer1",
        "layer2",
        "layer3",
        "layer4",
    ]
    few = cli.json("arch", "resnet34")["steps"]
    many = cli.json("arch", "resnet34", "--steps")["steps"]
    assert len(few) == 4 and len(many) > 100
    assert any(s["substituted"] == "(3*3*64*64)" or s["substituted"] == "3*3*64*64" for s in many)


def test_plain_output_has_table_and_footer(cli):
    res = cli("arch", "vgg16", "--format", "plain")
    assert res.exit_code == 0
    out = res.stdout
    assert "pool5" in out and "512x7x7" in out
    assert "138,357,544" in out  # cumulative params column / footer
    assert "floor((224 + 2*1 - 3)/1) + 1 = 224" in out
    assert "MB at float32" in out
    assert "\x1b[" not in out


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_formats(cli, fmt):
    res = cli("arch", "googlenet", "--format", fmt)
    assert res.exit_code == 0 and "inception5b" in res.stdout


def test_help_names_presets_and_variants(cli):
    res = cli("arch", "--help")
    text = " ".join(res.stdout.split())
    assert res.exit_code == 0
    for word in ("resnet152", "vgg16_bn", "lenet5", "Zeiler", "LeCun", "torchvision"):
        assert word in text


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("arch", "resnet51"), "NAME"),
        (("arch",), "--layers"),
        (("arch", "alexnet", "--layers", "fc 10"), "--layers"),
        (("arch", "--layers", "conv 6 k5"), "--input"),
        (("arch", "--layers", "conv 6 k5; bogus 3", "--input", "1x8x8"), "layer 2 'bogus 3'"),
        (("arch", "--layers", "conv 6 k9", "--input", "1x8x8"), "layer 1 'conv 6 k9'"),
        (("arch", "alexnet", "--input", "3x40x40"), "--input"),
        (("arch", "alexnet", "--input", "3xfoo"), "--input"),
        (("arch", "alexnet", "--depth", "0"), "--depth"),
        (("arch", "--spec", "/no/such/net.toml"), "--spec"),
    ],
)
def test_errors_are_one_line_exit_2(cli, args, flag):
    cli.error(*args, flag=flag)


def test_bad_spec_file(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("layers = [\n  'conv 6 k5',\n  = \n]\n")
    msg = cli.error("arch", "--spec", str(path), "--input", "1x8x8", flag="--spec")
    assert "bad.toml" in msg and "line 3" in msg


def test_batch_record(cli):
    import json

    record = json.dumps({"op": "arch", "args": {"name": "resnet18"}})
    bad = json.dumps({"op": "arch", "args": {"layers": "conv 6 k5"}})
    res = cli("batch", input=record + "\n" + bad + "\n")
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert lines[0]["result"]["total_params"] == 11_689_512
    assert lines[1]["ok"] is False and lines[1]["error"].startswith("--input")


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
def test_table_comes_before_the_working(cli, fmt):
    out = cli("arch", "alexnet", "--format", fmt).stdout
    table, working = out.index("alexnet: input 3x224x224"), out.index("output size")
    assert table < working
    assert "23,296" in out  # thousands separators in the table's text


def test_table_has_geometry_and_field_columns(cli):
    out = cli("arch", "alexnet", "--format", "plain").stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.split()[:1] == ["layer"] and "RF" in line).split()
    assert header == ["layer", "output", "kernel", "stride", "pad", "RF", "jump", "start"]
    pool5 = [line.split() for line in lines if line.split()[:1] == ["pool5"]]
    # pool5  256x6x6  3 2 0  195 32 31 (the fc layers have no row in this table)
    assert pool5[1] == ["pool5", "256x6x6", "3", "2", "0", "195", "32", "31"]
    assert [line.split()[:1] for line in lines].count(["fc8"]) == 1


def test_unit_region_by_hand(cli):
    # alexnet pool5: r 195, j 32, start 31. Unit (0,0): centre 31, 31 -/+ 97 = -66..128,
    # clipped to 0..128. Unit (3,5): rows centre 31 + 3*32 = 127 -> 30..224 -> 30..223;
    # cols centre 31 + 5*32 = 191 -> 94..288 -> 94..223.
    first = cli.json("arch", "alexnet", "--unit", "0,0")["result"]["unit_region"]
    assert first == {
        "layer": "pool5",
        "unit": [0, 0],
        "rows": [0, 128],
        "cols": [0, 128],
        "unclipped_rows": [-66, 128],
        "unclipped_cols": [-66, 128],
    }
    data = cli.json("arch", "alexnet", "--unit", "3,5")
    region = data["result"]["unit_region"]
    assert (region["rows"], region["cols"]) == ([30, 223], [94, 223])
    step = next(s for s in data["steps"] if s["title"] == "unit (3,5) of pool5: input rows")
    assert step["substituted"].startswith("centre = 31 + 3*32 = 127; 127 -/+ 97 = 30..224")
    assert step["value"] == "30..223"
    # a small stack: conv k3 s2 then k3 (r 7, j 2, start 3); unit 1 -> centre 5, 2..8
    small = cli.json(
        "arch", "--layers", "conv 2 k3 s2; conv 2 k3", "--input", "1x9x9", "--unit", "1"
    )
    assert small["result"]["unit_region"]["rows"] == [2, 8]
    # resnet50: the last spatial layer is layer4 (7x7)
    assert (
        cli.json("arch", "resnet50", "--unit", "6,6")["result"]["unit_region"]["layer"] == "layer4"
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("arch", "alexnet", "--unit", "6,0"), "pool5 is 6x6"),
        (("arch", "alexnet", "--unit", "1,2,3"), "i,j"),
        (("arch", "alexnet", "--unit", "-1,0"), "--unit"),
        (("arch", "--layers", "fc 3", "--input", "4", "--unit", "0,0"), "no conv or pooling"),
        (("arch", "alexnet", "--list"), "--list"),
    ],
)
def test_unit_and_list_errors(cli, args, needle):
    msg = cli.error(*args, flag=args[-2] if args[-2].startswith("--") else args[-1])
    assert needle in msg


def test_list_says_which_presets_are_torchvision(cli):
    data = cli.json("arch", "--list")["result"]
    assert data["presets"][:3] == ["lenet5", "alexnet", "alexnet_paper"]
    assert data["follows"]["alexnet"] == "torchvision"
    assert data["follows"]["alexnet_paper"] == "paper"
    assert data["follows"]["resnet50"] == "torchvision" and data["follows"]["zfnet"] == "paper"
    assert data["preset_inputs"]["alexnet_paper"] == [3, 227, 227]
    out = cli("arch", "--list", "--format", "plain").stdout
    assert "96-filter" in out and "alexnet_paper" in out


def test_help_explains_alexnet_variants_and_fields(cli):
    text = " ".join(cli("arch", "--help").stdout.split())
    for words in ("--list", "64-filter", "alexnet_paper", "--unit", "receptive field"):
        assert words in text
