"""``dlcalc mistakes [COMMAND]``: the named misconceptions the marker recognises.

Each is shown with an example computed both ways: the engine run as it should be and run
under the mistaken rule (the same replay the marker makes), so the numbers shown are
computed, never typed in.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

PANEL = "Practice and tools"


def _example(op: Any, mistake: Any) -> dict[str, Any] | None:
    """{"args", "key", "right", "slip"}: the first key the rule changes in its example."""
    from dlcalc import ops
    from dlcalc.errors import DlcalcError
    from dlcalc.solution import jsonable

    args = mistake.example or op.example
    try:
        plain = ops.run(op.name, args)
        slipped = plain.replay(rule=mistake.id)
    except (DlcalcError, ArithmeticError, ValueError):
        return None
    keys = [k for k in mistake.keys if k in plain.result] or list(plain.result)
    for key in keys:
        a, b = plain.result.get(key), slipped.result.get(key)
        try:
            same = json.dumps(jsonable(a, key)) == json.dumps(jsonable(b, key))
        except (TypeError, ValueError, DlcalcError):
            continue
        if not same:
            return {"args": args, "key": key, "right": jsonable(a, key), "slip": jsonable(b, key)}
    return None


def _listing(names: list[str]) -> list[dict[str, Any]]:
    from dlcalc import ops
    from dlcalc.check.catalogue import mistakes_for

    out = []
    for name in names:
        op = ops.get(name)
        for mistake in mistakes_for(op):
            out.append(
                {
                    "command": op.name,
                    "id": mistake.id,
                    "says": mistake.says,
                    "right": mistake.right,
                    "keys": list(mistake.keys),
                    "example": _example(op, mistake),
                }
            )
    return out


def mistakes(
    command: Annotated[
        str | None, typer.Argument(help="A calculator command (all commands when left out).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print them as one JSON object.")] = False,
) -> None:
    """List the named misconceptions --check recognises, with an example of each."""
    from dlcalc import ops
    from dlcalc.check.catalogue import mistakes_for

    if command is None:
        names = [op.name for op in ops.registry().values() if mistakes_for(op)]
    else:
        names = [ops.get(command).name]
    if as_json:
        sys.stdout.write(json.dumps({"mistakes": _listing(names)}, indent=2) + "\n")
        return
    if command is None:
        total = 0
        for name in names:
            found = mistakes_for(ops.get(name))
            total += len(found)
            ids = ", ".join(m.id for m in found)
            sys.stdout.write(f"{name} ({len(found)}): {ids}\n")
        sys.stdout.write(f"\n{total} misconceptions across {len(names)} commands; ")
        sys.stdout.write("dlcalc mistakes COMMAND shows each with an example\n")
        return
    rows = _listing(names)
    if not rows:
        sys.stdout.write(f"{names[0]}: no named misconceptions yet\n")
        return
    op = ops.get(names[0])
    sys.stdout.write(f"{op.name}: {len(rows)} named misconceptions\n")
    for row in rows:
        sys.stdout.write(f"\n{row['id']}: {row['says']}\n  right: {row['right']}\n")
        ex = row["example"]
        if ex:
            from dlcalc.render.values import one_line

            cli = _cli(op, ex["args"])
            sys.stdout.write(
                f"  e.g. {cli}\n    {ex['key']}: {one_line(ex['right'])} "
                f"(with the slip: {one_line(ex['slip'])})\n"
            )


def _cli(op: Any, args: dict[str, Any]) -> str:
    saved = op.example
    try:
        op.example = dict(args)
        return op.example_cli()
    finally:
        op.example = saved


def register(app: Any) -> None:
    """Add ``mistakes`` to the dlcalc app."""
    from dlcalc.cli.helptext import examples

    app.command("mistakes", rich_help_panel=PANEL, epilog=examples("mistakes"))(mistakes)
