"""Every output format of five commands, byte for byte (regenerate: scripts/update_golden.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases import CASES, FORMATS, render  # tests/render is on sys.path (rootdir conftest)

GOLDEN = Path(__file__).with_name("golden")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", list(CASES))
def test_rendering_matches_the_golden_file(command, fmt):
    path = GOLDEN / f"{command}.{fmt}.txt"
    assert path.exists(), f"missing {path.name}: run scripts/update_golden.py"
    assert render(command, fmt) == path.read_text(), (
        f"{path.name} differs: if the change is meant, run scripts/update_golden.py and "
        "read the diff"
    )
