"""Tool commands (quiz, bank, progress, review, export, batch, mistakes), built only when they run.

Their modules register them on a holding Typer app, which only records them; the
dlcalc group asks here for the one command that runs (or for every summary in --help).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer

# Modules adding non-calculator commands: each has register(app).
EXTRA_COMMAND_MODULES: tuple[str, ...] = (
    "dlcalc.cli.quiz",
    "dlcalc.cli.batch",
    "dlcalc.cli.mistakes",
)

_tools = typer.Typer(add_completion=False)
for _module in EXTRA_COMMAND_MODULES:
    importlib.import_module(_module).register(_tools)


def tool_commands() -> dict[str, Any]:
    """Tool command name -> its typer CommandInfo / TyperInfo (not yet built)."""
    out: dict[str, Any] = {}
    for info in _tools.registered_commands:
        out[info.name or info.callback.__name__.replace("_", "-")] = info
    for info in _tools.registered_groups:
        out[info.name or info.typer_instance.info.name] = info
    return out


def tool_summary(info: Any) -> str:
    text = info.help or getattr(getattr(info, "typer_instance", None), "info", None)
    text = text.help if hasattr(text, "help") else text
    if not text and getattr(info, "callback", None) is not None:
        text = info.callback.__doc__ or ""
    first = str(text or "").strip().split("\n\n")[0]
    return " ".join(first.split())


def build_tool_command(name: str) -> Any:
    """Build the click command of one tool command (a group for bank/export)."""
    info = tool_commands()[name]
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.callback()(_noop)  # a callback makes typer return a group holding the command
    if hasattr(info, "typer_instance"):
        holder.registered_groups.append(info)
    else:
        holder.registered_commands.append(info)
    return typer.main.get_command(holder).commands[name]


def _noop() -> None:
    """Holds a tool command while it is built."""
