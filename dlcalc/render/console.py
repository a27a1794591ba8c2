"""The one place a rich Console is configured (made for ``dlcalc.cli.env.OutputEnv``)."""

from __future__ import annotations

from typing import IO, Any


def make_console(stream: IO[str], *, terminal: bool, color: bool, width: int | None) -> Any:
    """A Console on ``stream``: terminal features only on a terminal, colour only if allowed."""
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=terminal,
        no_color=not color,
        color_system="auto" if color else None,
        width=width,
        highlight=False,
        soft_wrap=False,
    )
