"""Printing a Solution: working, ``--json`` or ``--check`` results. The one output path."""

from __future__ import annotations

import json
import sys
from typing import Any

from dlcalc.errors import ExitCode, InputError, suggest
from dlcalc.ops import Op
from dlcalc.render import FORMATS
from dlcalc.solution import Solution


def pick_format(requested: str | None) -> str:
    """``--format`` if given; else rich on a terminal, plain when piped or TERM=dumb."""
    if requested is not None:
        name = requested.strip().lower()
        if name not in FORMATS:
            raise InputError(
                f"--format: expected one of {', '.join(FORMATS)}; got {requested!r}"
                + suggest(name, FORMATS)
            )
        return name
    from dlcalc.cli.env import current

    return current().default_format()


def render_text(solution: Solution, name: str, marks: dict | None = None) -> str:
    from dlcalc.render.text import RENDERERS

    return RENDERERS[name](solution, marks)


def print_solution(solution: Solution, name: str, marks: dict | None = None) -> None:
    from dlcalc.cli.env import current

    env = current()
    if name == "rich":
        from dlcalc.render.rich import render

        render(solution, env.console(), marks)
    else:
        env.write(render_text(solution, name, marks) + "\n")


def check_tolerance(check_tol: str | None) -> float | None:
    """``--tol``/``--check-tol``: a relative tolerance replacing the written precision."""
    if check_tol is None:
        return None
    from dlcalc import parse

    return parse.parse_float(check_tol, "tol", lo=0)


def emit(
    solution: Solution,
    op: Op,
    *,
    as_json: bool = False,
    check: list[str] | None = None,
    check_tol: str | None = None,
    output_format: str | None = None,
) -> int:
    """Print ``solution`` as asked; return the exit code (1 when a --check value is not right).

    With --check: the examiner's report (one line per value), then, if anything is not right,
    the working with the student's values marked at the steps they belong to.
    """
    fmt_name = pick_format(output_format)
    report = None
    if check:
        tol = check_tolerance(check_tol)
        report = solution.check(*check, tol=tol) if tol is not None else solution.check(*check)
    ok = report is None or report["ok"]
    if as_json:
        data: dict[str, Any] = solution.to_dict()
        if report is not None:
            data["check"] = report
        big = sum(getattr(v, "size", 0) for v in solution.result.values()) > 10_000
        # built whole before printing; big results are written compactly (indenting costs seconds)
        text = json.dumps(data, indent=None if big else 2, allow_nan=False)
        sys.stdout.write(text + "\n")
    elif report is not None:
        from dlcalc.render.check import annotations, report_lines

        if fmt_name == "rich":
            from dlcalc.cli.env import current
            from dlcalc.render.rich import render_report

            render_report(report, current().console())
        else:
            sys.stdout.write("\n".join(report_lines(report)) + "\n")
        if not ok:
            sys.stdout.write("\n")
            marks = annotations(report, [s.name for s in solution.steps if s.name])
            print_solution(solution, fmt_name, marks)
    else:
        print_solution(solution, fmt_name)
    return ExitCode.OK if ok else ExitCode.MISMATCH
