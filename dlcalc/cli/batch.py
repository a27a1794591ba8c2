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
    line_buffered: Annotated[
        bool,
        typer.Option(
            "--line-buffered",
            help="Flush after every record (the default when stdout is a terminal).",
        ),
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
    from dlcalc.errors import ExitCode, InputError, suggest
    from dlcalc.ops import get

    fmt = to.strip().lower()
    if fmt not in ("jsonl", "csv"):
        raise InputError(f"--to: expected jsonl or csv, got {to!r}{suggest(fmt, ('jsonl', 'csv'))}")
    try:
        op_name = get(op).name if op else None
    except InputError as exc:
        raise InputError(f"--op: {exc}") from None

    binary = op_name is None  # JSON Lines are split on bytes: \n ends a line, \r does not
    if source == "-":
        stream: Any = (
            sys.stdin.buffer
            if binary
            else io.TextIOWrapper(
                sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline=""
            )
        )
    else:
        try:
            if os.path.isdir(source):
                raise IsADirectoryError
            stream = (
                open(source, "rb") if binary else open(source, encoding="utf-8-sig", newline="")
            )
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{source}: is a directory") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None

    target: Any
    tmp_path = None
    final = None
    if out:
        final, mode = _out_target(out)
        directory = os.path.dirname(final)
        _clean_stale(directory)
        try:
            fd, tmp_path = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=directory)
            os.fchmod(fd, mode)
        except OSError as exc:
            raise InputError(f"--out: cannot write in {directory!r} ({exc.strerror})") from None
        target = os.fdopen(fd, "w", encoding="utf-8", newline="")
    else:
        target = sys.stdout

    def drain() -> None:
        return None

    if fmt == "csv":
        write = engine.CsvWriter(target)
    else:
        dumps = json.JSONEncoder(allow_nan=False, separators=(",", ":")).encode

        pending: list[str] = []

        def write(record: dict[str, Any]) -> None:  # in blocks of BLOCK records
            pending.append(dumps(record))
            if len(pending) >= BLOCK:
                drain()

        def drain() -> None:
            if pending:
                target.write("\n".join(pending) + "\n")
                pending.clear()

    if not out and (line_buffered or _isatty(target)):
        inner = write

        def write(record: dict[str, Any]) -> None:  # interactive: one record at a time
            inner(record)
            drain()
            target.flush()

    progress = None
    bar = None
    from dlcalc.cli.env import current

    env = current()
    if env.stderr_tty:
        from dlcalc.render.progress import Counter

        bar = Counter(env.console(stderr=True), "records")
        bar.start()
        progress = bar.advance

    try:
        try:
            records = (
                engine.jsonl_records(engine.byte_lines(stream))
                if binary
                else engine.csv_records(stream)
            )
            outcome = engine.run_stream(
                records, write, op_name=op_name, steps=steps, fail_fast=fail_fast, progress=progress
            )
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text") from None
        except engine.InputUnreadable as exc:
            target.flush()
            raise InputError(f"{source}: {exc}") from None
        finally:
            drain()
            if bar is not None:
                bar.stop()
            if source != "-":
                stream.close()
        if tmp_path:
            target.close()
            os.replace(tmp_path, final)
            tmp_path = None
    finally:
        if tmp_path:
            target.close()
            os.unlink(tmp_path)
    if outcome.failed:
        raise typer.Exit(ExitCode.MISMATCH)


TMP_PREFIX = ".dlcalc-batch-"
BLOCK = 512  # records written per block unless --line-buffered or a terminal


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _out_target(out: str) -> tuple[str, int]:
    """The real file ``--out`` names (through symlinks) and the mode to give it.

    An existing file keeps its mode; a new one gets 0666 less the umask, as ``open`` would.
    """
    import os

    from dlcalc.errors import InputError

    final = os.path.realpath(out)
    if os.path.isdir(final):
        raise InputError(f"--out: {out!r} is a directory; expected a file name")
    try:
        st = os.stat(final)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return final, 0o666 & ~umask
    except OSError as exc:
        raise InputError(f"--out: cannot write {out!r} ({exc.strerror})") from None
    import stat

    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"--out: {out!r} is not a regular file; expected a file name")
    return final, stat.S_IMODE(st.st_mode)


def _clean_stale(directory: str) -> None:
    """Remove temp files left by batch runs that were killed (their process is gone)."""
    import os

    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not name.startswith(TMP_PREFIX):
            continue
        pid_text = name[len(TMP_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit():
            try:
                os.kill(int(pid_text), 0)
                continue  # still running: not stale
            except ProcessLookupError:
                pass
            except OSError:
                continue  # alive but not ours
        elif _young(os.path.join(directory, name)):
            continue  # an older-style name: only once it is an hour old
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


def _young(path: str) -> bool:
    import os
    import time

    try:
        return time.time() - os.stat(path).st_mtime < 3600
    except OSError:
        return True


def register(app: Any) -> None:
    """Add ``batch`` to the dlcalc app."""
    from dlcalc.cli.helptext import examples

    app.command("batch", rich_help_panel=PANEL, epilog=examples("batch"))(batch)
