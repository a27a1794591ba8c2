"""Shared fixtures: an in-process CLI runner that separates stdout and stderr."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dlcalc.cli.app import app


class Cli:
    """``cli("conv-size", "--input", "227")`` -> click Result (exit_code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):
        return self.runner.invoke(app, list(args), input=input, env=env)

    def json(self, *args: str) -> dict:
        """Run with --json, assert exit 0 and return the parsed object."""
        res = self(*args, "--json")
        assert res.exit_code == 0, (res.stdout, res.stderr)
        return json.loads(res.stdout)

    def error(self, *args: str, flag: str | None = None, input: str | None = None) -> str:
        """Run expecting a usage error: exit 2, one ``error:`` line naming ``flag``."""
        res = self(*args, input=input)
        assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert "Traceback" not in res.stderr
        assert res.stdout == "", res.stdout
        if flag is not None:
            assert flag in lines[0], lines[0]
        return lines[0]


@pytest.fixture
def cli() -> Cli:
    return Cli()
