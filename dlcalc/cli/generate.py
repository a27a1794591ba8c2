"""One click command per registered operation, built from its Op spec on demand.

Every calculator therefore has the same shape: its params as options (or arguments),
plus --json, --check, --tol/--check-tol and --format; the body parses, runs the registry
and renders — nothing else.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from dlcalc.cli.helptext import epilog
from dlcalc.ops import REQUIRED, Op, Param

_COMMON = ("as_json", "check", "check_tol", "output_format")


def _param_help(p: Param) -> str:
    text = p.help
    if p.choices and len(p.choices) > 4:
        text += f" ({'|'.join(p.choices)})"
    if p.default not in (None, REQUIRED, False) and p.kind != "bool":
        text += f" [default: {p.default}]"
    if p.required and not p.positional:  # click marks required arguments itself
        text += " (required)"
    return text


def _choices(p: Param) -> Any:
    """Tab completion of a choice parameter's values (None for other kinds)."""
    if not p.choices:
        return None
    choices = p.choices

    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


def _annotation(p: Param) -> tuple[Any, Any]:
    """(annotation, default) for one registry parameter."""
    if p.positional:
        meta = typer.Argument(
            help=_param_help(p),
            metavar=p.metavar or p.name.upper(),
            show_default=False,
            autocompletion=_choices(p),
        )
        if p.required:
            return Annotated[str, meta], inspect.Parameter.empty
        return Annotated[str | None, meta], None
    if p.kind == "bool":
        return Annotated[bool, typer.Option(p.flag, help=_param_help(p))], False
    meta = typer.Option(
        p.flag,
        help=_param_help(p),
        metavar=p.metavar or _metavar(p),
        show_default=False,
        autocompletion=_choices(p),
    )
    if p.multiple:
        return Annotated[list[str] | None, meta], None
    return Annotated[str | None, meta], None


def _metavar(p: Param) -> str:
    return {
        "int": "INT",
        "float": "NUM",
        "size": "HxW",
        "dims": "CxHxW",
        "vector": "VEC",
        "matrix": "MATRIX",
        "tensor": "TENSOR",
        "json": "JSON",
        "choice": "|".join(p.choices) if len(p.choices) <= 4 else "NAME",
    }.get(p.kind, "TEXT")


def _common_params(op: Op) -> list[inspect.Parameter]:
    kw = inspect.Parameter.KEYWORD_ONLY
    # --tol is --check's tolerance, unless the op has a tolerance of its own (value-iteration).
    own_tol = any(p.name == "tol" for p in op.params)
    tol_flags = ("--check-tol",) if own_tol else ("--tol", "--check-tol")
    return [
        inspect.Parameter(
            "as_json",
            kw,
            default=False,
            annotation=Annotated[
                bool,
                typer.Option(
                    "--json",
                    help="Print one JSON object (command, inputs, result, steps).",
                    rich_help_panel="Output",
                ),
            ],
        ),
        inspect.Parameter(
            "check",
            kw,
            default=None,
            annotation=Annotated[
                list[str] | None,
                typer.Option(
                    "--check",
                    metavar="[KEY=]ANSWER",
                    help=(
                        "Mark your answer as an examiner would (right / follow-through / "
                        f"named mistake / wrong). A bare ANSWER is marked against the answer "
                        f"key{'s' if len(op.answers) > 1 else ''} {', '.join(op.answers)}; "
                        "KEY=ANSWER marks any result, one element (key[i,j], from 0) or a named "
                        "step of the working. Exit 1 unless all are right. Repeatable."
                    ),
                    rich_help_panel="Output",
                ),
            ],
        ),
        inspect.Parameter(
            "check_tol",
            kw,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(
                    *tol_flags,
                    metavar="REL",
                    help=(
                        "A relative tolerance for --check instead of the precision you wrote "
                        "[default: half a unit of your last decimal place, >= 3 s.f.; counts "
                        "exact]."
                    ),
                    rich_help_panel="Output",
                ),
            ],
        ),
        inspect.Parameter(
            "output_format",
            kw,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(
                    "--format",
                    metavar="rich|plain|markdown|latex",
                    help="How to print the working [default: rich on a terminal, else plain].",
                    rich_help_panel="Output",
                ),
            ],
        ),
    ]


def make_command(op: Op) -> Any:
    """A Typer command function for ``op`` whose signature is built from its params."""

    def command(**kwargs: Any) -> None:
        from dlcalc.cli.output import emit
        from dlcalc.ops import run

        common = {k: kwargs.pop(k) for k in _COMMON}
        solution = run(op.name, kwargs)
        code = emit(solution, op, **common)
        if code:
            raise typer.Exit(code)

    params = []
    # Positional arguments first so click orders them as the user types them.
    for p in sorted(op.params, key=lambda prm: not prm.positional):
        annotation, default = _annotation(p)
        params.append(
            inspect.Parameter(
                p.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
    params += _common_params(op)
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {prm.name: prm.annotation for prm in params}
    command.__name__ = op.api_name
    return command


def _help(op: Op) -> str:
    text = op.summary
    if op.description:
        text += "\n\n" + op.description
    keys = ", ".join(op.answers)
    text += (
        f"\n\nAnswer key{'s' if len(op.answers) > 1 else ''} (a bare --check): {keys}. "
        f"'dlcalc mistakes {op.name}' lists the slips --check names."
    )
    return text


def build_command(op: Op) -> Any:
    """The click command for one operation (built on demand by DlcalcGroup)."""
    single = typer.Typer(rich_markup_mode=None, add_completion=False)
    single.command(
        op.name,
        help=_help(op),
        short_help=op.summary,
        epilog=epilog(op.example_cli()) if op.example else None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )(make_command(op))
    return typer.main.get_command(single)
