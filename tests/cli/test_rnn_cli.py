"""rnn, bptt, lstm and vanishing through the CLI, in-process: keys, files, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

RNN = ("rnn", "--x", "1,0.5", "--w-hh", "0.5", "--w-hx", "1", "--b-h", "0", "--w-yh", "2")
WEIGHTS = {
    "w_fh": 1, "w_fx": 0, "b_f": 0,
    "w_ih": 0.5, "w_ix": 2, "b_i": -2,
    "w_oh": -1, "w_ox": 1, "b_o": 0,
    "w_ch": 2, "w_cx": 1, "b_c": 0,
}  # fmt: skip


def test_rnn_json(cli):
    data = cli.json(*RNN)
    # h_1 = tanh(1) = 0.761594; h_2 = tanh(0.5*0.761594 + 0.5) = tanh(0.880797) = 0.706818
    assert np.array(data["result"]["h"]) == pytest.approx(
        np.array([[0.761594], [0.706818]]), abs=1e-6
    )
    assert np.array(data["result"]["y"]) == pytest.approx(
        np.array([[1.523188], [1.413637]]), abs=1e-6
    )
    assert data["steps"][0]["substituted"] == "tanh(0.5*0 + 1*1 + 0) = tanh(1)"


def test_rnn_check_and_table(cli):
    assert cli(*RNN, "--check", "0.7616,0.7068").exit_code == 0
    assert cli(*RNN, "--check", "y=1.523,1.414").exit_code == 0
    res = cli(*RNN, "--format", "plain")
    assert "Recurrence" in res.stdout and "0.880797" in res.stdout


def test_rnn_matrices(cli):
    data = cli.json(
        "rnn", "--x", "1,0; 0,1", "--w-hh", "0.5,0; 0,0.5", "--w-hx", "1,0; 0,1",
        "--b-h", "0,0", "--w-yh", "1,1", "--h0", "0,0",
    )  # fmt: skip
    # t=1: h = tanh([1, 0]) = [0.761594, 0]; t=2: h = tanh([0.380797, 1]) = [0.363399, 0.761594]
    expected = np.array([[0.761594, 0], [0.363399, 0.761594]])
    assert np.array(data["result"]["h"]) == pytest.approx(expected, abs=1e-6)


def test_bptt_json(cli):
    data = cli.json(
        "bptt", "--x", "1,0.5", "--w-hh", "0.5", "--w-hx", "1", "--b-h", "0",
        "--w-yh", "2", "--target", "1", "--h0", "0",
    )  # fmt: skip
    # dE/dw_hh = (y_2 - 1) w_yh dh_2/dw = 0.413637*2*0.381108 = 0.315281
    assert data["result"]["grad"] == pytest.approx(0.315281, abs=1e-6)
    assert data["result"]["factors"] == pytest.approx([0.250204], abs=1e-6)
    assert any(s["title"].startswith("Product of (tanh)' w_hh factors") for s in data["steps"])


def test_bptt_check_primary(cli):
    base = ("bptt", "--x", "1,0.5", "--w-hh", "0.5", "--w-hx", "1", "--w-yh", "2", "--target", "1")
    assert cli(*base, "--check", "0.3153").exit_code == 0
    assert cli(*base, "--check", "0.35").exit_code == 1


def test_lstm_inline_and_file(cli, tmp_path):
    inline = cli.json("lstm", "--x", "1,0.5", "--weights", json.dumps(WEIGHTS))
    # hand-worked in tests/engine/test_rnn.py: h = [0.265666, 0.233095]
    assert np.ravel(inline["result"]["h"]) == pytest.approx([0.265666, 0.233095], abs=1e-6)
    assert list(inline["result"]) == ["f", "i", "o", "c_tilde", "c", "h"]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(WEIGHTS))
    from_file = cli.json("lstm", "--x", "1,0.5", "--weights", f"@{path}")
    assert from_file["result"] == inline["result"]


def test_lstm_pre_activations_in_working(cli):
    res = cli("lstm", "--x", "1", "--weights", json.dumps(WEIGHTS), "--format", "plain")
    assert res.exit_code == 0
    assert "z_i = W_ih h_0 + W_ix x_1 + b_i" in res.stdout
    assert "0.5*0 + 2*1 + (-2)" in res.stdout


def test_vanishing_slides(cli):
    data = cli.json("vanishing", "--factor", "1.01", "--steps", "1000")
    assert data["result"]["value"] == pytest.approx(20959.16, rel=1e-6)
    assert data["result"]["regime"] == "exploding"
    base = ("vanishing", "--factor", "1.01", "--steps", "1000")
    # marked at the precision written: 2.10e4 (3 s.f., +/- 50) and 20959 (+/- 0.5) are right;
    # 21000 is a whole number written to units, out by 41
    assert cli(*base, "--check", "2.10e4").exit_code == 0
    assert cli(*base, "--check", "20959").exit_code == 0
    assert cli(*base, "--check", "21000").exit_code == 1
    small = cli.json("vanishing", "--factor", "0.9", "--steps", "1000")["result"]
    assert small["regime"] == "vanishing" and small["value"] < 1e-45


def test_vanishing_overflow_json_has_no_infinity(cli):
    res = cli("vanishing", "--factor", "10", "--steps", "1000", "--json")
    assert res.exit_code == 0
    assert "Infinity" not in res.stdout and "NaN" not in res.stdout
    result = json.loads(res.stdout)["result"]
    assert result["overflow"] is True and result["log10_abs"] == 1000
    assert result["regime"] == "exploding"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (
            ("rnn", "--x", "1", "--w-hh", "1,2", "--w-hx", "1", "--b-h", "0", "--w-yh", "1"),
            "--w-hh",
        ),
        (
            ("rnn", "--x", "1", "--w-hh", "1", "--w-hx", "1;2", "--b-h", "0", "--w-yh", "1"),
            "--w-hx",
        ),
        (("rnn", "--x", "1", "--w-hh", "1", "--w-hx", "1", "--b-h", "0,1", "--w-yh", "1"), "--b-h"),
        (
            ("rnn", "--x", "1", "--w-hh", "1", "--w-hx", "1", "--b-h", "0", "--w-yh", "1,2"),
            "--w-yh",
        ),
        (("rnn", "--x", "1;2", "--w-hh", "1", "--w-hx", "1,1", "--b-h", "0", "--w-yh", "1"), "--x"),
        (
            (
                "rnn",
                "--x",
                "1",
                "--w-hh",
                "1",
                "--w-hx",
                "1",
                "--b-h",
                "0",
                "--w-yh",
                "1",
                "--h0",
                "1,2",
            ),
            "--h0",
        ),
        (("rnn", "--x", "1", "--w-hh", "1", "--w-hx", "1", "--b-h", "0"), "--w-yh"),
        (("bptt", "--x", "1", "--w-hh", "1", "--w-hx", "1", "--w-yh", "1"), "--target"),
        (
            ("bptt", "--x", "1", "--w-hh", "a", "--w-hx", "1", "--w-yh", "1", "--target", "1"),
            "--w-hh",
        ),
        (
            (
                "bptt",
                "--x",
                "1",
                "--w-hh",
                "1",
                "--w-hx",
                "1",
                "--w-yh",
                "1",
                "--target",
                "1",
                "--loss",
                "mse",
            ),
            "--loss",
        ),
        (("lstm", "--x", "1", "--weights", '{"w_fh": 1}'), "--weights"),
        (("lstm", "--x", "1", "--weights", "[1, 2]"), "--weights"),
        (("lstm", "--x", "1", "--weights", "{bad json"), "--weights"),
        (("lstm", "--x", "1", "--weights", "@/no/such/weights.json"), "--weights"),
        (("lstm", "--x", "1"), "--weights"),
        (("vanishing", "--factor", "0.9", "--steps", "-1"), "--steps"),
        (("vanishing", "--factor", "0.9", "--steps", "1.5"), "--steps"),
        (("vanishing", "--steps", "3"), "--factor"),
    ],
)
def test_errors_name_the_flag(cli, args, flag):
    cli.error(*args, flag=flag)


def test_lstm_missing_key_message(cli):
    weights = dict(WEIGHTS)
    del weights["b_o"]
    msg = cli.error("lstm", "--x", "1", "--weights", json.dumps(weights), flag="--weights")
    assert "missing key 'b_o'" in msg


@pytest.mark.parametrize("fmt", ["plain", "markdown", "latex", "rich"])
def test_formats(cli, fmt):
    res = cli("lstm", "--x", "1,0.5", "--weights", json.dumps(WEIGHTS), "--format", fmt)
    assert res.exit_code == 0 and "forget gate" in res.stdout
