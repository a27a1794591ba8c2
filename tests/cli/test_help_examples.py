"""Every --help ends with examples one can paste: calculators show the registry's example."""

from __future__ import annotations

import shlex

import pytest

from dlcalc.cli.helptext import EXAMPLES
from dlcalc.ops import registry


def _example_block(text: str) -> list[str]:
    lines = [line.strip() for line in text.rstrip().splitlines()]
    if lines[-1].startswith("Example: "):
        return [lines[-1].removeprefix("Example: ")]
    start = lines.index("Examples:")
    return lines[start + 1 :]


@pytest.mark.parametrize("name", list(registry()))
def test_each_calculator_help_shows_its_example_on_one_line(cli, name):
    op = registry()[name]
    res = cli(name, "--help")
    assert res.exit_code == 0
    assert _example_block(res.stdout) == [op.example_cli()]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_root_and_tool_help_show_two_or_three_examples(cli, name):
    res = cli("--help") if name == "dlcalc" else cli(name, "--help")
    assert res.exit_code == 0
    block = _example_block(res.stdout)
    assert 2 <= len(block) <= 3
    assert block == list(EXAMPLES[name])
    for line in block:
        assert "dlcalc" in line


@pytest.mark.parametrize(
    "line",
    [line for name in ("dlcalc", "quiz", "mistakes") for line in EXAMPLES[name]],
)
def test_examples_run(cli, line):
    argv = shlex.split(line)[1:]
    if argv[0] == "quiz":
        argv += ["--print"] if "--print" not in argv else []
    res = cli(*argv)
    assert res.exit_code == 0, (line, res.stderr)
