"""A transient record counter on stderr for long batch runs (rich's Progress)."""

from __future__ import annotations

from typing import Any


class Counter:
    """``start()``, ``advance()`` per record, ``stop()``; drawn only on a terminal."""

    def __init__(self, console: Any, label: str) -> None:
        from rich.progress import Progress

        self._bar = Progress(transient=True, console=console)
        self._task = self._bar.add_task(label, total=None)

    def start(self) -> None:
        self._bar.start()

    def advance(self) -> None:
        self._bar.advance(self._task)

    def stop(self) -> None:
        self._bar.stop()
