"""dlcalc batch: ordering, error records, exit codes, CSV in/out, --fail-fast, stdin/file."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys

import pytest

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


# --- issue 17: batch keeps every line; limits bite while reading; --out keeps the target ---

IOU = '{"op":"iou",\r"args":{"a":"0,0,1,1","b":"0,0,1,1"}}'  # \r is JSON whitespace
CONV = '{"op":"conv-size","args":{"input":5,"kernel":3}}'  # (5 - 3)/1 + 1 = 3


def test_bare_cr_is_whitespace_not_a_line_end(cli):
    res = cli("batch", input=(IOU + "\n" + CONV + "\r\n").encode())
    out = records(res.stdout)
    assert [r["line"] for r in out] == [1, 2]
    assert out[0]["result"]["iou"] == 1.0  # identical unit boxes: 1/1
    assert out[1]["result"]["out_w"] == 3


def test_invalid_utf8_is_one_bad_record(cli):
    res = cli("batch", input=CONV.encode() + b"\n\xff\n" + CONV.encode() + b"\n")
    assert res.exit_code == 1
    out = records(res.stdout)
    assert [(r["line"], r["ok"]) for r in out] == [(1, True), (2, False), (3, True)]
    assert "UTF-8" in out[1]["error"]


class _Counting(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        chunk = super().readline(size)
        self.largest = max(self.largest, len(chunk))
        return chunk


def test_line_limit_bites_while_reading():
    from dlcalc import batch

    limit = 1000
    stream = _Counting(b"x" * 5000 + b"\n" + CONV.encode() + b"\n")
    got = list(batch.byte_lines(stream, limit))
    assert [n for n, _ in got] == [1, 2] and got[0][1] is None and got[1][1] is not None
    assert stream.largest <= limit + 1  # never more than the limit held at once
    endless = io.BytesIO(b"0" * (limit * (batch.DISCARD_FACTOR + 2)))
    with pytest.raises(batch.InputUnreadable):
        list(batch.byte_lines(endless, limit))


def test_out_directory_and_csv_field_over_limit(cli, tmp_path):
    cli.error("batch", "--out", str(tmp_path), input=CONV, flag="--out")
    field = "1" * (200 * 1024)  # over csv's 128 KB default field limit
    text = f"input,kernel\n{field},3\n5,3\n"
    res = cli("batch", "--op", "conv-size", input=text)
    out = records(res.stdout)
    assert [r["ok"] for r in out] == [False, True]


def test_out_keeps_mode_writes_through_symlink_cleans_stale(cli, tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    os.chmod(real, 0o644)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs
    stale = tmp_path / f".dlcalc-batch-{dead.pid}-abc"
    stale.write_text("partial")
    res = cli("batch", "--out", str(link), input=CONV)
    assert res.exit_code == 0
    assert link.is_symlink() and records(real.read_text())[0]["result"]["out_w"] == 3
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o644
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.jsonl", "real.jsonl"]


def test_new_out_file_gets_umask_mode(cli, tmp_path):
    old = os.umask(0o022)
    try:
        res = cli("batch", "--out", str(tmp_path / "new.jsonl"), input=CONV)
    finally:
        os.umask(old)
    assert res.exit_code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "new.jsonl").st_mode) == 0o644  # 0666 & ~022


def test_line_buffered_same_records(cli):
    text = "\n".join([CONV] * 3) + "\n"
    assert cli("batch", "--line-buffered", input=text).stdout == cli("batch", input=text).stdout
    assert len(records(cli("batch", input="\n".join([CONV] * 1500)).stdout)) == 1500
