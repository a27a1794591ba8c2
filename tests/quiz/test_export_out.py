"""export --out naming a directory or a FIFO: exit 2 naming --out (issue 17 defect 11)."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize("fmt", ["markdown", "anki"])
def test_export_out_directory_is_an_input_error(cli, only_good, tmp_path, fmt):
    message = cli.error("export", fmt, *only_good, "--out", str(tmp_path), flag="--out")
    assert "directory" in message


@pytest.mark.parametrize("fmt", ["markdown", "anki"])
def test_export_out_fifo_is_refused_not_blocking(cli, only_good, tmp_path, fmt):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    message = cli.error("export", fmt, *only_good, "--out", str(fifo), flag="--out")
    assert "regular file" in message


def test_export_markdown_still_writes(cli, only_good, tmp_path):
    target = tmp_path / "bank.md"
    res = cli("export", "markdown", *only_good, "--out", str(target))
    assert res.exit_code == 0
    assert "Fixture question one" in target.read_text()
