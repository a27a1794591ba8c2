"""Errors never quote lines read from a file (issue 17 defect 13)."""

from __future__ import annotations

import json

SECRET = "root:$6$s3cr3t:19000"


def test_csv_file_content_not_in_error(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(f"1,2\n{SECRET},3\n")
    message = cli.error("act", "sigmoid", "--x", f"@{path}", flag="--x")
    assert "s3cr3t" not in message and "row 2" in message


def test_grid_file_content_not_in_error_cli_and_batch(cli, tmp_path):
    path = tmp_path / "shadow"
    path.write_text(SECRET + "\n")
    message = cli.error("value-iteration", "--grid", f"@{path}", "--gamma", "0.9", flag="--grid")
    assert "s3cr3t" not in message and "row 1, column 1" in message
    record = {"op": "value-iteration", "args": {"grid": f"@{path}", "gamma": 0.9}}
    out = json.loads(cli("batch", input=json.dumps(record) + "\n").stdout)
    assert not out["ok"] and "s3cr3t" not in out["error"]


def test_typed_grid_is_still_quoted(cli):
    message = cli.error("value-iteration", "--grid", ". ? .", "--gamma", "0.9", flag="--grid")
    assert "'?'" in message  # the user's own short token helps them find the typo
