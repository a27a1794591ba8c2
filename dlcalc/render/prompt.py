"""Terminal prompts and lines for the interactive quiz (rich stays inside dlcalc.render)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.prompt import Prompt
from rich.text import Text


def say(console: Any, text: str = "", style: str = "") -> None:
    """One line of text in ``style`` (no markup is read from ``text``)."""
    console.print(Text(text, style=style or ""))


def ask(console: Any, label: str) -> str | None:
    """Ask for one line after a bold ``label``; None at end of input."""
    try:
        return Prompt.ask(
            f"[bold]{escape(label)}[/]", console=console, default="", show_default=False
        )
    except EOFError:
        console.print()
        return None


def ask_lines(console: Any, label: str) -> list[str] | None:
    """Ask for several lines after a bold ``label``: an empty line or Ctrl-D ends them;
    None when input ends before the first line."""
    console.print(Text(label + ":", style="bold"))
    lines: list[str] = []
    while True:
        try:
            line = console.input("  ")
        except EOFError:
            console.print()
            return lines or None
        if not line.strip():
            return lines
        lines.append(line)
