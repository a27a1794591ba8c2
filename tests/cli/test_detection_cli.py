"""Detection commands through the CLI, in-process: JSON, --check, --box-format and errors."""

from __future__ import annotations

import pytest

MAP = "1,2,3,4; 5,6,7,8; 9,10,11,12; 13,14,15,16"
BOXES = "0,0,10,10; 1,1,11,11; 20,20,30,30; 0,0,9,10"


def test_iou_json(cli):
    # areas 4 and 4, overlap 1, union 7
    data = cli.json("iou", "--a", "0,0,2,2", "--b", "1,1,3,3")
    assert data["command"] == "iou"
    assert data["result"]["intersection"] == 1 and data["result"]["union"] == 7
    assert data["result"]["iou"] == pytest.approx(1 / 7)


def test_iou_box_format_xywh(cli):
    data = cli.json("iou", "--a", "0,0,2,2", "--b", "1,1,2,2", "--box-format", "xywh")
    assert data["result"]["iou"] == pytest.approx(1 / 7)
    # --format stays the output format of the working
    res = cli("iou", "--a", "0,0,2,2", "--b", "1,1,3,3", "--format", "markdown")
    assert res.exit_code == 0 and "1 / 7" in res.stdout


@pytest.mark.parametrize(("answer", "code"), [("1/7", 0), ("0.143", 0), ("0.2", 1), ("union=7", 0)])
def test_iou_check(cli, answer, code):
    res = cli("iou", "--a", "0,0,2,2", "--b", "1,1,3,3", "--check", answer)
    assert res.exit_code == code, res.stdout + res.stderr


def test_nms_json_and_check(cli):
    data = cli.json("nms", "--boxes", BOXES, "--scores", "0.9,0.8,0.7,0.6")
    assert data["result"]["keep"] == [0, 2]
    assert [s["index"] for s in data["result"]["suppressed"]] == [1, 3]
    base = ("nms", "--boxes", BOXES, "--scores", "0.9,0.8,0.7,0.6")
    assert cli(*base, "--check", "0,2").exit_code == 0
    assert cli(*base, "--check", "0,1").exit_code == 1
    res = cli(*base, "--iou-threshold", "0.7", "--format", "plain")
    assert res.exit_code == 0 and "IoU(0,1) = 0.6807 <= 0.7" in res.stdout


def test_roi_pool_and_align_json(cli):
    data = cli.json("roi-pool", "--input", MAP, "--roi", "0,0,3,3", "--output-size", "2x2")
    assert data["result"]["output"] == [[6, 8], [14, 16]]
    data = cli.json(
        "roi-align",
        "--input",
        MAP,
        "--roi",
        "0.5,0.5,2.5,2.5",
        "--output-size",
        "2",
        "--sampling-ratio",
        "2",
    )
    assert data["result"]["output"] == [[6, 7], [10, 11]]
    data = cli.json(
        "roi-align",
        "--input",
        MAP,
        "--roi",
        "1,1,3,3",
        "--output-size",
        "2x2",
        "--sampling-ratio",
        "2",
        "--aligned",
    )
    assert data["result"]["output"] == [[6, 7], [10, 11]]


def test_roi_align_working_shows_weights(cli):
    res = cli(
        "roi-align",
        "--input",
        MAP,
        "--roi",
        "0.5,0.5,2.5,2.5",
        "--output-size",
        "2x2",
        "--sampling-ratio",
        "2",
        "--format",
        "plain",
    )
    assert res.exit_code == 0
    assert "0.0625*1 + 0.1875*2 + 0.1875*5 + 0.5625*6" in res.stdout
    assert "(4.75 + 5.25 + 6.75 + 7.25)/4" in res.stdout


def test_roi_check_and_channels(cli):
    base = ("roi-pool", "--input", MAP, "--roi", "0,0,3,3", "--output-size", "2x2")
    assert cli(*base, "--check", "6,8;14,16").exit_code == 0
    assert cli(*base, "--check", "6,8;14,15").exit_code == 1
    chw = "[[[1,2],[3,4]],[[5,6],[7,8]]]"
    data = cli.json("roi-pool", "--input", chw, "--roi", "0,0,1,1", "--output-size", "1")
    assert data["result"]["output"] == [[[4]], [[8]]]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("iou", "--a", "2,0,1,1", "--b", "0,0,1,1"), "--a"),
        (("iou", "--a", "0,0,1,1", "--b", "0,0,1"), "--b"),
        (("iou", "--a", "0,0,1,1", "--b", "0,0,1,1", "--box-format", "cxcywh"), "--box-format"),
        (("nms", "--boxes", BOXES, "--scores", "0.9,0.8"), "--scores"),
        (("nms", "--boxes", "0,0,1", "--scores", "0.9"), "--boxes"),
        (
            ("nms", "--boxes", BOXES, "--scores", "1,1,1,1", "--iou-threshold", "2"),
            "--iou-threshold",
        ),
        (
            ("roi-pool", "--input", MAP, "--roi", "0,0,3,3", "--output-size", "2", "--aligned"),
            "--aligned",
        ),
        (
            (
                "roi-pool",
                "--input",
                MAP,
                "--roi",
                "0,0,3,3",
                "--output-size",
                "2",
                "--sampling-ratio",
                "2",
            ),
            "--sampling-ratio",
        ),
        (("roi-align", "--input", MAP, "--roi", "0,0,3", "--output-size", "2"), "--roi"),
        (("roi-align", "--input", MAP, "--roi", "0,0,3,3", "--output-size", "0"), "--output-size"),
        (
            (
                "roi-align",
                "--input",
                MAP,
                "--roi",
                "0,0,3,3",
                "--output-size",
                "2",
                "--spatial-scale",
                "0",
            ),
            "--spatial-scale",
        ),
        (
            ("roi-align", "--input", "[[[[1]]]]", "--roi", "0,0,1,1", "--output-size", "1"),
            "--input",
        ),
        (("roi-align", "--roi", "0,0,1,1", "--output-size", "1"), "--input"),
        # size caps: no overflow, no huge allocations
        (("iou", "--a", "0,0,1e300,1e300", "--b", "0,0,1,1"), "--a"),
        (("roi-align", "--input", MAP, "--roi", "0,0,1e300,1", "--output-size", "2"), "--roi"),
        (
            ("roi-align", "--input", MAP, "--roi", "0,0,3,3", "--output-size", "100000x100000"),
            "--output-size",
        ),
        (
            (
                "roi-align",
                "--input",
                MAP,
                "--roi",
                "0,0,3,3",
                "--output-size",
                "2",
                "--sampling-ratio",
                "100000000",
            ),
            "--sampling-ratio",
        ),
    ],
)
def test_errors(cli, args, flag):
    cli.error(*args, flag=flag)


def test_xywh_corner_step_does_not_repeat_the_left_hand_side(cli):
    # issue 18: the substitution read "= x2 = 2 + 5, y2 = 3 + 5"
    data = cli.json("iou", "--a", "2,3,5,5", "--b", "3,4,5,5", "--box-format", "xywh")
    first = data["steps"][0]
    assert first["substituted"] == "2 + 5, 3 + 5"  # x2 = x + w = 7, y2 = y + h = 8
    assert first["value"] == "(2, 3, 7, 8)"
