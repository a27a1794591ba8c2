"""Commands of this area (filled in by its issue)."""

from typing import Any


def register(app: Any) -> None:
    """Add this module's commands to the dlcalc app."""
