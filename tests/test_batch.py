"""dlcalc batch: ordering, error records, exit codes, CSV in/out, --fail-fast, stdin/file."""

from __future__ import annotations

import json

LINES = [
    '{"op": "conv-size", "args": {"input": 227, "kernel": 11, "stride": 4}}',
    "",
    '{"op": "nope", "args": {}}',
    "{bad json",
    '{"op": "pool", "args": {"input": "1,2;3,4", "size": 2}}',
    '{"op": "conv-size", "args": {"input": 5, "kernel": 7}}',
    '{"op": "conv-size", "args": {"input": 5, "kernel": 3, "bogus": 1}}',
    "[1, 2]",
    '{"op": "conv-size", "args": {"input": NaN, "kernel": 3}}',
]


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_stdin_order_and_errors(cli):
    res = cli("batch", input="\n".join(LINES) + "\n")
    assert res.exit_code == 1
    out = records(res.stdout)
    assert [r["line"] for r in out] == [1, 3, 4, 5, 6, 7, 8, 9]  # blank line 2 skipped
    assert [r["ok"] for r in out] == [True, False, False, True, False, False, False, False]
    # (227 - 11)/4 + 1 = 55 and the slides-style 2x2 max-pool of [[1,2],[3,4]] = 4
    assert out[0]["result"] == {"out_h": 55, "out_w": 55, "exact": True}
    assert out[3]["result"] == {"output": [[4]]}
    assert "unknown operation" in out[1]["error"]
    assert "invalid JSON" in out[2]["error"]
    assert out[4]["error"].startswith("--kernel")
    assert "--bogus" in out[5]["error"]
    assert "NaN" in out[7]["error"]


def test_all_ok_exit_0_and_file_input(cli, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(LINES[0] + "\n" + LINES[4] + "\n")
    res = cli("batch", str(path))
    assert res.exit_code == 0
    assert [r["ok"] for r in records(res.stdout)] == [True, True]


def test_fail_fast_stops(cli):
    res = cli("batch", "--fail-fast", input="\n".join(LINES))
    assert res.exit_code == 1
    out = records(res.stdout)
    assert [r["line"] for r in out] == [1, 3]


def test_out_file_written_whole(cli, tmp_path):
    target = tmp_path / "out.jsonl"
    res = cli("batch", "--out", str(target), input=LINES[0])
    assert res.exit_code == 0 and res.stdout == ""
    assert records(target.read_text())[0]["result"]["out_w"] == 55
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp file left behind


def test_unreadable_input_exit_2(cli, tmp_path):
    cli.error("batch", str(tmp_path / "missing.jsonl"))
    cli.error("batch", "--to", "xml", input=LINES[0], flag="--to")
    cli.error("batch", "--op", "nosuchop", input="a\n1\n", flag="--op")


def test_csv_in_csv_out(cli):
    text = "input,kernel,stride,pad\n227,11,4,\n32,5,1,2\n32,50,1,0\n"
    res = cli("batch", "--op", "conv-size", "--to", "csv", input=text)
    assert res.exit_code == 1
    rows = [line.split(",") for line in res.stdout.strip().splitlines()]
    assert rows[0] == ["line", "ok", "error", "out_h", "out_w", "exact"]
    # (227-11)/4+1 = 55; (32 + 4 - 5)/1 + 1 = 32; a 50-wide kernel does not fit 32.
    assert rows[1] == ["2", "true", "", "55", "55", "true"]
    assert rows[2] == ["3", "true", "", "32", "32", "true"]
    assert rows[3][1] == "false"


def test_steps_only_on_request(cli):
    plain = records(cli("batch", input=LINES[0]).stdout)[0]
    assert "steps" not in plain
    with_steps = records(cli("batch", "--steps", input=LINES[0]).stdout)[0]
    assert with_steps["steps"][0]["value"] == 55
