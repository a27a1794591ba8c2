"""The input syntax of CONTRACT section 1, and its error messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlcalc import parse
from dlcalc.errors import InputError, LimitError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-0.5", -0.5),
        ("1e-3", 0.001),
        ("1/3", 1 / 3),
        ("\u22122", -2),
        (" 7 ", 7),
        ("+4", 4),
    ],
)
def test_scalars(text, value):
    assert parse.number(text, "x") == pytest.approx(value)


def test_integers_stay_integers():
    assert isinstance(parse.number("3", "x"), int)
    assert isinstance(parse.number("3.0", "x"), float)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nan", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1e400", "finite"),
        ("abc", "expected a number"),
        ("1_000", "expected a number"),
        ("0x10", "expected a number"),
        ("1/0", "division by zero"),
        ("", "expected a number"),
        ("__import__('os')", "expected a number"),
    ],
)
def test_bad_scalars_name_the_flag(text, message):
    with pytest.raises(InputError, match=f"^--lr: .*{message}"):
        parse.parse_float(text, "lr")


def test_ranges():
    assert parse.parse_float("0.5", "gamma", lo=0, hi=1) == 0.5
    with pytest.raises(InputError, match=r"--gamma: expected a number in \[0, 1\], got 1.5"):
        parse.parse_float("1.5", "gamma", lo=0, hi=1)
    with pytest.raises(InputError, match="--steps: expected an integer"):
        parse.parse_int("2.5", "steps")
    assert parse.parse_int("4.0", "steps") == 4


@pytest.mark.parametrize("text", ["1,2,3", "1 2 3", "[1,2,3]", "[1, 2, 3]", "1, 2 ,3"])
def test_vectors(text):
    assert parse.parse_vector(text, "x").tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    "text",
    [
        "-1,2,0,0; 0,1,3,-2",
        "[[-1,2,0,0],[0,1,3,-2]]",
        "-1 2 0 0; 0 1 3 -2;",
        "[-1,2,0,0];[0,1,3,-2]",
    ],
)
def test_matrices(text):
    assert parse.parse_matrix(text, "m").tolist() == [[-1, 2, 0, 0], [0, 1, 3, -2]]


def test_matrix_fractions_and_unicode_minus():
    assert parse.parse_matrix("1/2, \u22121; 0, 1/4", "m").tolist() == [[0.5, -1], [0, 0.25]]


def test_tensor_json():
    arr = parse.parse_tensor("[[[1,2],[3,4]],[[5,6],[7,8]]]", "t")
    assert arr.shape == (2, 2, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2; 3", "ragged matrix: row 2 has 1 values, row 1 has 2"),
        ("[[1,2],[3]]", "ragged input"),
        ("1,x; 3,4", "expected a number, got 'x' \\(row 1\\)"),
        ("[[1, NaN]]", "finite"),
        ("[[1, true]]", "expected a number"),
        ('[[1, "2"]]', "expected a number"),
        ("[]", "empty"),
        (";", "empty input"),
    ],
)
def test_bad_matrices(text, message):
    with pytest.raises(InputError, match=f"^--data: .*{message}"):
        parse.parse_matrix(text, "data")


def test_expect_shape_message():
    with pytest.raises(InputError, match=r"^--w2: expected 2x4 \(outputs x hidden\), got 4x2$"):
        parse.expect_shape(np.zeros((4, 2)), (2, 4), "w2", "outputs x hidden")


@pytest.mark.parametrize(
    ("text", "hw"), [("227", (227, 227)), ("224x192", (224, 192)), ("3X5", (3, 5))]
)
def test_sizes(text, hw):
    assert parse.parse_size(text, "input") == hw


@pytest.mark.parametrize("text", ["0", "-3", "2x", "axb", "1x2x3", "2.5"])
def test_bad_sizes(text):
    with pytest.raises(InputError, match="^--input: "):
        parse.parse_size(text, "input")


def test_files(tmp_path):
    (tmp_path / "m.csv").write_text("1,2\n3,4\n")
    (tmp_path / "m.txt").write_text("# a comment\n1 2\n3 4\n")
    (tmp_path / "m.json").write_text(json.dumps([[1, 2], [3, 4]]))
    np.save(tmp_path / "m.npy", np.array([[1, 2], [3, 4]]))
    for name in ("m.csv", "m.txt", "m.json", "m.npy"):
        assert parse.parse_matrix(f"@{tmp_path / name}", "data").tolist() == [[1, 2], [3, 4]]


def test_file_errors(tmp_path):
    with pytest.raises(InputError, match="^--data: cannot read .*no such file"):
        parse.parse_matrix(f"@{tmp_path / 'missing.csv'}", "data")
    (tmp_path / "m.xlsx").write_text("x")
    with pytest.raises(InputError, match=r"expected a \.csv, \.json, \.txt or \.npy"):
        parse.parse_matrix(f"@{tmp_path / 'm.xlsx'}", "data")
    with pytest.raises(InputError, match="directory"):
        parse.read_file_bytes(str(tmp_path), "data")


def test_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "MAX_ELEMENTS", 10)
    with pytest.raises(LimitError, match="--x: .*limit"):
        parse.parse_vector(list(range(11)), "x")
    big = tmp_path / "big.csv"
    big.write_text("1," * 100)
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 50)
    with pytest.raises(LimitError, match="--x: file .* the limit is"):
        parse.read_file_bytes(str(big), "x", max_bytes=parse.MAX_FILE_BYTES)
    with pytest.raises(LimitError, match="nested"):
        parse.parse_tensor("[" * 100 + "1" + "]" * 100, "x")


def test_python_values_pass_through():
    assert parse.parse_vector(np.array([1, 2]), "x").dtype == np.float64
    assert parse.parse_matrix([[1, 2], [3, 4]], "m").shape == (2, 2)
    assert parse.parse_int(np.int64(3), "n") == 3
    with pytest.raises(InputError):
        parse.parse_float(True, "lr")


def test_file_name_with_nul_is_an_input_error():
    from dlcalc.parse import read_file_bytes

    with pytest.raises(InputError, match="NUL character"):
        read_file_bytes("\x00", "spec")
