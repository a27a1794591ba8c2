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
from typing import Any, TextIO

from dlcalc.errors import DlcalcError
from dlcalc.ops import get
from dlcalc.solution import jsonable

MAX_LINE_CHARS = 10 * 1024 * 1024


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
            unknown = set(record) - {"op", "args"}
            if unknown:
                return _record_error(
                    line_no, f"unknown key(s) {sorted(unknown)}; expected op and args"
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
            name, args = op_name, record
        op = get(name)
        solution = op.load()(**op.bind(args))
        out: dict[str, Any] = {
            "line": line_no,
            "ok": True,
            "result": jsonable(solution.result, "result"),
        }
        if steps:
            out["steps"] = [s.to_dict() for s in solution.steps]
        return out
    except DlcalcError as exc:
        return _record_error(line_no, str(exc))
    except RecursionError:
        return _record_error(line_no, "input nested too deeply")
    except (TypeError, ValueError, ArithmeticError, MemoryError, RuntimeWarning) as exc:
        return _record_error(line_no, f"could not compute: {exc}")


def jsonl_records(lines: Iterable[str]) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, decoded record or None, error message or None); blank lines skipped."""
    for line_no, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            yield line_no, None, f"line longer than {MAX_LINE_CHARS // 2**20} MB"
            continue
        text = line.strip()
        if not text:
            continue
        try:
            yield line_no, json.loads(text, parse_constant=_no_constants), None
        except RecursionError:
            yield line_no, None, "invalid JSON: nested too deeply"
        except ValueError as exc:
            yield line_no, None, f"invalid JSON: {exc}"


def _no_constants(token: str) -> Any:
    raise ValueError(f"{token} is not allowed (numbers must be finite)")


def csv_records(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """CSV with a header of argument names: one record per row (empty cells omitted)."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    for row in reader:
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

    outcome = Outcome()
    with warnings.catch_warnings():
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
