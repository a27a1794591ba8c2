"""``dlcalc batch``: JSON Lines / CSV over the registry (see dlcalc.batch)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

PANEL = "Scripting"


def batch(
    source: Annotated[
        str,
        typer.Argument(
            metavar="[FILE|-]", help="JSON Lines (or CSV with --op) file; - or nothing for stdin."
        ),
    ] = "-",
    out: Annotated[
        str | None,
        typer.Option(
            "--out", metavar="FILE", help="Write records to FILE (atomically) instead of stdout."
        ),
    ] = None,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first failed record.")
    ] = False,
    op: Annotated[
        str | None,
        typer.Option(
            "--op", metavar="NAME", help="Read CSV: every row runs NAME, one column per argument."
        ),
    ] = None,
    to: Annotated[
        str, typer.Option("--to", metavar="jsonl|csv", help="Output format [default: jsonl].")
    ] = "jsonl",
    steps: Annotated[
        bool, typer.Option("--steps", help="Include the working in each record (slower).")
    ] = False,
) -> None:
    """Run many calculations: one JSON record per line in, one result record per line out.

    Input lines: {"op": "conv-size", "args": {"input": 227, "kernel": 11}}. Output lines:
    {"line": 1, "ok": true, "result": {...}} or {"line": 2, "ok": false, "error": "..."}.
    Exit 0 when every record succeeded, 1 when some failed, 2 when the input is unreadable.
    """
    import io
    import json
    import os
    import sys
    import tempfile

    from dlcalc import batch as engine
    from dlcalc.errors import ExitCode, InputError
    from dlcalc.ops import get

    fmt = to.strip().lower()
    if fmt not in ("jsonl", "csv"):
        raise InputError(f"--to: expected jsonl or csv, got {to!r}")
    try:
        op_name = get(op).name if op else None
    except InputError as exc:
        raise InputError(f"--op: {exc}") from None

    if source == "-":
        stream: Any = io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline=""
        )
    else:
        try:
            stream = open(source, encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{source}: is a directory") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None

    target: Any
    tmp_path = None
    if out:
        directory = os.path.dirname(os.path.abspath(out))
        try:
            fd, tmp_path = tempfile.mkstemp(prefix=".dlcalc-batch-", dir=directory)
        except OSError as exc:
            raise InputError(f"--out: cannot write in {directory!r} ({exc.strerror})") from None
        target = os.fdopen(fd, "w", encoding="utf-8", newline="")
    else:
        target = sys.stdout

    if fmt == "csv":
        write = engine.CsvWriter(target)
    else:
        dumps = json.JSONEncoder(allow_nan=False, separators=(",", ":")).encode

        def write(record: dict[str, Any]) -> None:
            target.write(dumps(record) + "\n")

    progress = None
    bar = None
    if sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
        from rich.progress import Progress

        bar = Progress(transient=True, console=None)
        task = bar.add_task("records", total=None)
        bar.start()

        def progress() -> None:
            bar.advance(task)

    try:
        try:
            records = engine.csv_records(stream) if op_name else engine.jsonl_records(stream)
            outcome = engine.run_stream(
                records, write, op_name=op_name, steps=steps, fail_fast=fail_fast, progress=progress
            )
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text") from None
        finally:
            if bar is not None:
                bar.stop()
            if source != "-":
                stream.close()
        if tmp_path:
            target.close()
            os.replace(tmp_path, out)
            tmp_path = None
    finally:
        if tmp_path:
            target.close()
            os.unlink(tmp_path)
    if outcome.failed:
        raise typer.Exit(ExitCode.MISMATCH)


def register(app: Any) -> None:
    """Add ``batch`` to the dlcalc app."""
    app.command("batch", rich_help_panel=PANEL)(batch)
