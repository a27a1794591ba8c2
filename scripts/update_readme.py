"""Regenerate the README's command table from the registry and the CLI.

    python scripts/update_readme.py          # rewrite README.md in place
    python scripts/update_readme.py --check  # exit 1 if README.md is out of date

The table sits between the markers <!-- commands:start --> and <!-- commands:end -->.
"""

from __future__ import annotations

import pathlib
import sys

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def table() -> str:
    from typer.main import get_command

    from dlcalc.cli.app import _PANELS, app
    from dlcalc.ops import registry

    rows = [
        "| area | command | what it gives | answer keys (bare `--check`) | example |",
        "|---|---|---|---|---|",
    ]
    for op in registry().values():
        example = op.example_cli().replace("|", "\\|")
        keys = ", ".join(f"`{k}`" for k in op.answers)
        rows.append(f"| {_PANELS[op.topic]} | `{op.name}` | {op.summary} | {keys} | `{example}` |")
    group = get_command(app)
    ctx = group.make_context("dlcalc", ["--help"], resilient_parsing=True)
    for name in sorted(set(group.list_commands(ctx)) - set(registry())):
        cmd = group.get_command(ctx, name)
        sub = getattr(cmd, "commands", None)
        names = [f"{name} {s}" for s in sorted(sub)] if sub else [name]
        for full in names:
            target = sub[full.split()[1]] if sub else cmd
            summary = target.get_short_help_str(limit=200).rstrip(".") + "."
            rows.append(f"| Practice and tools | `{full}` | {summary} | | `dlcalc {full} --help` |")
    return "\n".join(rows)


def render(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    text = README.read_text()
    if START not in text or END not in text:
        print(f"README.md lacks the markers {START} ... {END}", file=sys.stderr)
        return 1
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md's command table is out of date: run python scripts/update_readme.py")
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
