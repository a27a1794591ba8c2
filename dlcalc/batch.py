"""Batch mode: JSON Lines (or CSV rows) in, one JSON Lines record out per input record.

Streams: one record is read, run through the registry and written before the next is
read, so memory stays constant for any input size. A bad record becomes an error record
and never stops the others (unless ``fail_fast``).

Input record:  {"op": "conv-size", "args": {"input": 227, "kernel": 11}}
Output record: {"line": 1, "ok": true, "result": {...}}  |  {"line": 2, "ok": false, "error": "..."}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from dlcalc.errors import DlcalcError
from dlcalc.ops import get
from dlcalc.solution import jsonable

MAX_LINE_BYTES = 10 * 1024 * 1024
MAX_LINE_CHARS = MAX_LINE_BYTES  # older name
DISCARD_FACTOR = 16  # an overlong line is dropped up to 16x the limit, then input ends


class Outcome:
    """Counts of a batch run."""

    __slots__ = ("ok", "failed", "stopped")

    def __init__(self) -> None:
        self.ok = 0
        self.failed = 0
        self.stopped = False  # --fail-fast stopped early


def _record_error(line_no: int, message: str) -> dict[str, Any]:
    return {"line": line_no, "ok": False, "error": " ".join(str(message).split())}


def run_record(
    line_no: int, record: Any, *, steps: bool = False, op_name: str | None = None
) -> dict[str, Any]:
    """Run one decoded record; never raises for bad input (returns an error record)."""
    try:
        if op_name is None:
            if not isinstance(record, dict):
                return _record_error(line_no, 'expected an object {"op": ..., "args": {...}}')
            unknown = set(record) - {"op", "args", "check"}
            if unknown:
                return _record_error(
                    line_no, f"unknown key(s) {sorted(unknown)}; expected op, args (and check)"
                )
            check = record.get("check")
            if check is not None and not isinstance(check, dict):
                return _record_error(
                    line_no,
                    '"check": expected an object of result keys to answers, e.g. {"out_w": 55}',
                )
            name = record.get("op")
            args = record.get("args", {})
            if not isinstance(name, str):
                return _record_error(
                    line_no, '"op": expected the name of a command, e.g. "conv-size"'
                )
            if not isinstance(args, dict):
                return _record_error(line_no, '"args": expected an object of flag names to values')
        else:
            name, args, check = op_name, record, None
        op = get(name)
        if check:  # the marker replays the engine: go through the registry's run
            from dlcalc.engine._working import lean
            from dlcalc.ops import run

            with lean(False):  # the marker reads the working's named values
                solution = run(name, args)
                report = solution.check(**{str(k): v for k, v in check.items()})
        else:  # run_stream sets results-only mode for a stream without --steps
            solution = op.load()(**op.bind(args))
            report = None
        out: dict[str, Any] = {
            "line": line_no,
            "ok": True,
            "result": _plain(solution.result) or jsonable(solution.result, "result"),
        }
        if steps:
            out["steps"] = [s.to_dict() for s in solution.steps]
        if report is not None:
            out["check"] = report
        return out
    except DlcalcError as exc:
        return _record_error(line_no, str(exc))
    except RecursionError:
        return _record_error(line_no, "input nested too deeply")
    except (TypeError, ValueError, ArithmeticError, MemoryError, RuntimeWarning) as exc:
        return _record_error(line_no, f"could not compute: {exc}")


class InputUnreadable(Exception):
    """The stream cannot be split into lines any more (a line with no end in sight)."""


def byte_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(line number, raw line) from a binary stream; ``None`` for a line over ``limit`` bytes.

    Lines end at ``\\n`` only (``\\r\\n`` too, the ``\\r`` being JSON whitespace): a bare
    ``\\r`` inside a record is whitespace, not a line break. The limit bites while reading:
    at most ``limit + 1`` bytes of a line are ever held, the rest of an overlong line is
    read and dropped in blocks; a line with no ``\\n`` in ``DISCARD_FACTOR * limit`` bytes
    (``/dev/zero``) raises InputUnreadable after every earlier record was written.
    """
    line_no = 0
    while True:
        chunk = stream.readline(limit + 1)
        if not chunk:
            return
        line_no += 1
        if line_no == 1 and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        if len(chunk) <= limit or chunk.endswith(b"\n"):
            yield line_no, chunk
            continue
        dropped = len(chunk)
        while not chunk.endswith(b"\n"):
            chunk = stream.readline(min(limit, 1 << 20))
            if not chunk:
                break
            dropped += len(chunk)
            if dropped > DISCARD_FACTOR * limit:
                raise InputUnreadable(
                    f"line {line_no}: no end of line in {dropped // 2**20} MB (JSON Lines expected)"
                )
        yield line_no, None


_PLAIN = (bool, str, int)


def _plain(result: Any) -> dict[str, Any] | None:
    """The result itself when it is already JSON-ready (str keys, ints/bools/strs): the
    common scalar case skips the recursive conversion. None sends it through jsonable."""
    if type(result) is not dict:
        return None
    for key, value in result.items():
        if type(key) is not str or type(value) not in _PLAIN:
            return None
    return result


def jsonl_records(
    lines: Iterable[tuple[int, bytes | None]],
) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, decoded record or None, error message or None); blank lines skipped.

    A line that is not UTF-8 or not JSON is an error record for that line only.
    """
    for line_no, raw in lines:
        if raw is None:
            yield line_no, None, f"line longer than {MAX_LINE_BYTES // 2**20} MB"
            continue
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            yield line_no, None, f"not UTF-8 text (invalid byte at offset {exc.start})"
            continue
        if not text:
            continue
        try:
            yield line_no, _decode(text), None
        except RecursionError:
            yield line_no, None, "invalid JSON: nested too deeply"
        except ValueError as exc:
            yield line_no, None, f"invalid JSON: {exc}"


def _no_constants(token: str) -> Any:
    raise ValueError(f"{token} is not allowed (numbers must be finite)")


_decode = json.JSONDecoder(parse_constant=_no_constants).decode  # built once, not per line


def csv_records(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """CSV with a header of argument names: one record per row (empty cells omitted)."""
    csv.field_size_limit(MAX_LINE_BYTES)
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputUnreadable(f"CSV header: {exc}") from None
    header = [h.strip() for h in header]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the limit, a NUL byte: this row only
            yield reader.line_num, None, f"invalid CSV: {exc}"
            continue
        line_no = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield (
                line_no,
                None,
                f"expected {len(header)} columns ({', '.join(header)}), got {len(row)}",
            )
            continue
        yield line_no, {k: v for k, v in zip(header, row, strict=True) if v.strip() != ""}, None


def run_stream(
    records: Iterable[tuple[int, Any, str | None]],
    write: Callable[[dict[str, Any]], None],
    *,
    op_name: str | None = None,
    steps: bool = False,
    fail_fast: bool = False,
    progress: Callable[[], None] | None = None,
) -> Outcome:
    """Run every record in order, calling ``write`` with each output record."""
    import warnings

    from dlcalc.engine._working import lean

    outcome = Outcome()
    # without --steps engines may skip building their working (conv-size computes its sizes
    # directly); a record with a check turns this off for itself
    with warnings.catch_warnings(), lean(not steps):
        warnings.simplefilter("error", RuntimeWarning)  # a record error, not stderr noise
        for line_no, record, error in records:
            out = (
                _record_error(line_no, error)
                if error
                else run_record(line_no, record, steps=steps, op_name=op_name)
            )
            write(out)
            if progress is not None:
                progress()
            if out["ok"]:
                outcome.ok += 1
            else:
                outcome.failed += 1
                if fail_fast:
                    outcome.stopped = True
                    break
    return outcome


class CsvWriter:
    """``--to csv``: line, ok, error, then one column per scalar result key (first record's)."""

    def __init__(self, stream: TextIO) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.keys: list[str] | None = None

    def __call__(self, record: dict[str, Any]) -> None:
        result = record.get("result", {})
        if self.keys is None:
            self.keys = list(result)
            self.writer.writerow(["line", "ok", "error", *self.keys])
        cells = []
        for key in self.keys:
            value = result.get(key, "")
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, list | dict):
                value = json.dumps(value)
            cells.append(value)
        self.writer.writerow(
            [record["line"], str(record["ok"]).lower(), record.get("error", ""), *cells]
        )
