"""Quiz tests: every test gets its own DLCALC_HOME; fixture banks under fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """A private progress directory, so no test touches the user's real data."""
    path = tmp_path / "home"
    monkeypatch.setenv("DLCALC_HOME", str(path))
    return path


@pytest.fixture
def good() -> Path:
    """A small valid bank: cnn 3 mcq + 1 calc + 1 essay, rl 1 mcq."""
    return FIXTURES / "good"


@pytest.fixture
def broken() -> Path:
    """One deliberately broken bank file per validation rule."""
    return FIXTURES / "broken"


@pytest.fixture
def only_good(good) -> list[str]:
    """CLI arguments that select the fixture bank alone."""
    return ["--no-bundled", "--bank", str(good)]
