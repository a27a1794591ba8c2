"""Printing a Solution: working, ``--json`` or ``--check`` results. The one output path."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from dlcalc.errors import ExitCode, InputError
from dlcalc.ops import Op
from dlcalc.render import FORMATS
from dlcalc.solution import Solution


def pick_format(requested: str | None) -> str:
    """``--format`` if given; else rich on a terminal, plain when piped or TERM=dumb."""
    if requested is not None:
        name = requested.strip().lower()
        if name not in FORMATS:
            raise InputError(f"--format: expected one of {', '.join(FORMATS)}; got {requested!r}")
        return name
    if sys.stdout.isatty() and os.environ.get("TERM") != "dumb":
        return "rich"
    return "plain"


def render_text(solution: Solution, name: str) -> str:
    from dlcalc.render.text import RENDERERS

    return RENDERERS[name](solution)


def print_solution(solution: Solution, name: str) -> None:
    if name == "rich":
        from rich.console import Console

        from dlcalc.render.rich import render

        render(solution, Console())
    else:
        sys.stdout.write(render_text(solution, name) + "\n")


def emit(
    solution: Solution,
    op: Op,
    *,
    as_json: bool = False,
    check: list[str] | None = None,
    check_tol: str | None = None,
    output_format: str | None = None,
) -> int:
    """Print ``solution`` as asked; return the exit code (1 when a --check answer is wrong)."""
    from dlcalc import parse
    from dlcalc.check import DEFAULT_TOL, run_checks

    fmt_name = pick_format(output_format)
    results = []
    if check:
        rel = DEFAULT_TOL if check_tol is None else parse.parse_float(check_tol, "tol", lo=0)
        primary = solution.primary or op.primary
        results = run_checks(solution.result, list(check), primary, rel)
    ok = all(r.ok for r in results)
    if as_json:
        data: dict[str, Any] = solution.to_dict()
        if results:
            data["check"] = [r.to_dict() for r in results]
        big = sum(getattr(v, "size", 0) for v in solution.result.values()) > 10_000
        # built whole before printing; big results are written compactly (indenting costs seconds)
        text = json.dumps(data, indent=None if big else 2, allow_nan=False)
        sys.stdout.write(text + "\n")
    elif results:
        lines = []
        for r in results:
            from dlcalc.render.values import one_line

            mark = "ok  " if r.ok else "WRONG"
            verdict = "matches" if r.ok else "does not match"
            lines.append(f"{mark} {r.key}: your answer {r.expected} {verdict} {one_line(r.actual)}")
        sys.stdout.write("\n".join(lines) + "\n")
        if not ok:
            sys.stdout.write("\n")
            print_solution(solution, fmt_name)
    else:
        print_solution(solution, fmt_name)
    return ExitCode.OK if ok else ExitCode.MISMATCH
