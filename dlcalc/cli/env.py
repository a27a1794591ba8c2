"""The one output environment: streams, terminal, width and colour, decided in one place.

Every command reads it from :func:`current` instead of asking ``sys.stdout.isatty()`` itself,
and every rich Console is made by :meth:`OutputEnv.console` (through
``dlcalc.render.console``, the only place rich is configured). Tests inject their own with
:func:`using`.

- ``tty``: stdout is a terminal and ``TERM`` is not ``dumb``: working is drawn with rich;
- ``color``: a terminal and ``NO_COLOR`` unset (https://no-color.org);
- ``width``: ``COLUMNS`` when set (rich's own detection otherwise).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import IO, Any


class OutputEnv:
    __slots__ = ("stdout", "stderr", "stdin", "tty", "color", "width", "stdin_tty", "stderr_tty")

    def __init__(
        self,
        stdout: IO[str],
        stderr: IO[str],
        stdin: IO[str],
        *,
        tty: bool,
        color: bool,
        width: int | None = None,
        stdin_tty: bool = False,
        stderr_tty: bool = False,
    ) -> None:
        self.stdout, self.stderr, self.stdin = stdout, stderr, stdin
        self.tty, self.color, self.width = tty, color, width
        self.stdin_tty, self.stderr_tty = stdin_tty, stderr_tty

    @classmethod
    def from_process(cls) -> OutputEnv:
        dumb = os.environ.get("TERM") == "dumb"
        tty = _isatty(sys.stdout) and not dumb
        columns = os.environ.get("COLUMNS", "")
        return cls(
            sys.stdout,
            sys.stderr,
            sys.stdin,
            tty=tty,
            color=tty and "NO_COLOR" not in os.environ,
            width=int(columns) if columns.isdigit() and int(columns) > 0 else None,
            stdin_tty=_isatty(sys.stdin) and not dumb,
            stderr_tty=_isatty(sys.stderr) and not dumb,
        )

    @property
    def interactive(self) -> bool:
        """A person at a terminal on both ends (the quiz asks with prompts)."""
        return self.tty and self.stdin_tty

    def default_format(self) -> str:
        return "rich" if self.tty else "plain"

    def console(self, *, stderr: bool = False) -> Any:
        from dlcalc.render.console import make_console

        stream = self.stderr if stderr else self.stdout
        return make_console(stream, terminal=self.tty, color=self.color, width=self.width)

    def write(self, text: str) -> None:
        self.stdout.write(text)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


_INJECTED: list[OutputEnv] = []


def current() -> OutputEnv:
    """The environment of this run: the injected one, else read from the process (cheap:
    a few isatty calls, so a test runner's captured streams are always the ones used)."""
    return _INJECTED[-1] if _INJECTED else OutputEnv.from_process()


@contextlib.contextmanager
def using(env: OutputEnv) -> Iterator[OutputEnv]:
    """Run with ``env`` as the environment (tests, embedding)."""
    _INJECTED.append(env)
    try:
        yield env
    finally:
        _INJECTED.pop()
