"""CNN commands through the CLI, in-process: JSON shape, --check, errors."""

from __future__ import annotations

import pytest


def test_conv_size_json_shape(cli):
    data = cli.json("conv-size", "--input", "227", "--kernel", "11", "--stride", "4")
    assert set(data) >= {"command", "inputs", "result", "steps"}
    assert data["command"] == "conv-size"
    assert data["result"] == {"out_h": 55, "out_w": 55, "exact": True}
    for step in data["steps"]:
        assert set(step) - {"name"} == {"title", "formula", "substituted", "value"}
    assert [s["name"] for s in data["steps"]] == ["out_w"]


def test_pool_json_slides_example(cli):
    data = cli.json("pool", "--input", "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "--size", "2")
    assert data["result"]["output"] == [[2, 3], [3, 4]]


def test_conv_json_integers_stay_integers(cli):
    data = cli.json("conv", "--input", "[[1,2,3],[4,5,6],[7,8,9]]", "--kernel", "1,0; 0,-1")
    assert data["result"]["output"] == [[-4, -4], [-4, -4]]
    assert all(isinstance(v, int) for row in data["result"]["output"] for v in row)


def test_plain_working_shows_formula_substitution_value(cli):
    res = cli("conv-size", "--input", "227", "--kernel", "11", "--stride", "4")
    assert res.exit_code == 0
    # the slides' form W2 = (W1 + 2P - K)/S + 1 when the dilation is 1
    assert "W2 = floor((W + 2*P - K)/S) + 1" in res.stdout
    assert "floor((227 + 2*0 - 11)/4) + 1" in res.stdout
    assert "\x1b[" not in res.stdout  # piped: no ANSI codes


@pytest.mark.parametrize(
    ("checks", "code"),
    [
        (["--check", "55"], 0),
        (["--check", "54"], 1),
        (["--check", "out_h=55", "--check", "params=34944"], 0),
        # a count is exact: 34945 is not 34944 (the old 1 % tolerance accepted it)
        (["--check", "out_h=55", "--check", "params=34945"], 1),
        (["--check", "params=36000"], 1),
        (["--check", "exact=true"], 0),
    ],
)
def test_check_exit_codes(cli, checks, code):
    res = cli(
        "conv-size",
        "--input",
        "227",
        "--kernel",
        "11",
        "--stride",
        "4",
        "--in-channels",
        "3",
        "--out-channels",
        "96",
        *checks,
    )
    assert res.exit_code == code, res.stdout + res.stderr


def test_check_wrong_shows_working(cli):
    res = cli("conv-size", "--input", "227", "--kernel", "11", "--stride", "4", "--check", "54")
    assert res.exit_code == 1
    # 54 is the +1 forgotten: named, and the working shows the right path
    assert "mistake" in res.stdout and "the +1 is missing" in res.stdout
    assert "floor(216/4) + 1" in res.stdout


def test_check_matrix_answer(cli):
    base = ("pool", "--input", "-1,2,0,0; 0,1,3,-2; 0,0,-1,4; 3,-1,-2,-2", "--size", "2")
    assert cli(*base, "--check", "2,3;3,4").exit_code == 0
    assert cli(*base, "--check", "2,3;3,5").exit_code == 1


def test_check_tol(cli):
    base = ("conv-size", "--input", "227", "--kernel", "11", "--stride", "4")
    assert cli(*base, "--check", "55.5", "--tol", "0.02").exit_code == 0
    assert cli(*base, "--check", "55.5", "--tol", "0.001").exit_code == 1


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("pool", "--input", "1,2; 3", "--size", "2"), "--input"),  # ragged matrix
        (("pool", "--input", "1,x; 3,4", "--size", "2"), "--input"),  # non-number
        (("pool", "--input", "1,nan; 3,4", "--size", "1"), "--input"),  # non-finite
        (("pool", "--input", "1,inf; 3,4", "--size", "1"), "--input"),
        (("conv", "--input", "@/no/such/file.csv", "--kernel", "1"), "--input"),  # missing file
        (("conv-size", "--input", "5", "--kernel", "7"), "--kernel"),  # kernel > padded input
        (("conv-size", "--input", "5", "--kernel", "3", "--stride", "0"), "--stride"),  # stride 0
        (("conv-size", "--input", "abc", "--kernel", "3"), "--input"),
        (("conv-size", "--input", "-5", "--kernel", "3"), "--input"),
        (("conv-size", "--kernel", "3"), "--input"),  # missing required
        (("conv-size", "--input", "5", "--kernel", "3", "--bogus", "1"), "--bogus"),  # unknown flag
        (("conv-size", "--input", "5", "--kernel", "3", "--format", "html"), "--format"),
        (("conv-size", "--input", "5", "--kernel", "3", "--check", "nope=1"), "--check"),
        (("conv-size", "--input", "5", "--kernel", "3", "--in-channels", "3"), "--out-channels"),
        (("pool", "--input", "1,2;3,4", "--size", "2", "--mode", "median"), "--mode"),
        (("conv", "--input", "1,2;3,4", "--kernel", "[[[[1]]]]", "--bias", "1,2"), "--bias"),
    ],
)
def test_errors_are_one_line_exit_2(cli, args, flag):
    cli.error(*args, flag=flag)


def test_debug_env_shows_traceback(cli):
    from dlcalc.errors import InputError

    # CliRunner records SystemExit as res.exception for any non-zero exit, so "is not None"
    # would pass without DLCALC_DEBUG too: require the engine's own exception instead.
    res = cli("conv-size", "--input", "5", "--kernel", "7", env={"DLCALC_DEBUG": "1"})
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError), repr(res.exception)
    plain = cli("conv-size", "--input", "5", "--kernel", "7")
    assert plain.exit_code == 2 and isinstance(plain.exception, SystemExit)


def test_file_inputs(cli, tmp_path):
    import numpy as np

    csv = tmp_path / "m.csv"
    csv.write_text("-1,2,0,0\n0,1,3,-2\n0,0,-1,4\n3,-1,-2,-2\n")
    npy = tmp_path / "m.npy"
    np.save(npy, np.array([[-1, 2, 0, 0], [0, 1, 3, -2], [0, 0, -1, 4], [3, -1, -2, -2]]))
    for path in (csv, npy):
        data = cli.json("pool", "--input", f"@{path}", "--size", "2")
        assert data["result"]["output"] == [[2, 3], [3, 4]]


def test_pickled_npy_refused(cli, tmp_path):
    import numpy as np

    path = tmp_path / "evil.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    msg = cli.error("pool", "--input", f"@{path}", "--size", "1", flag="--input")
    assert "pickle" in msg


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_formats(cli, fmt):
    res = cli("pool", "--input", "1,2;3,4", "--size", "2", "--format", fmt)
    assert res.exit_code == 0 and "4" in res.stdout


def test_version_and_help(cli):
    res = cli("--version")
    assert res.exit_code == 0 and res.stdout.startswith("dlcalc ")
    res = cli("--help")
    assert res.exit_code == 0 and "conv-size" in res.stdout
    res = cli("conv-size", "--help")
    assert res.exit_code == 0 and "Example: dlcalc conv-size" in res.stdout
