"""The ``dlcalc`` command line: one command per registered operation, plus tool commands.

Each operation's command is generated from its registry entry, so every command has
the same shape: parse options -> ``ops.run`` -> render. Errors of any kind become one
line ``error: ...`` on stderr with exit code 2 (a traceback only with DLCALC_DEBUG=1).
"""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import sys
import warnings
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dlcalc import __version__
from dlcalc.errors import DlcalcError, ExitCode
from dlcalc.ops import REQUIRED, TOPICS, Op, Param, registry

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as _click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as _click_exc  # type: ignore[no-redef]

# Modules adding non-calculator commands (quiz, bank, batch, ...): each has register(app).
EXTRA_COMMAND_MODULES: tuple[str, ...] = ("dlcalc.cli.quiz", "dlcalc.cli.batch")

# Two-word commands that map onto one registered operation: dlcalc optim compare ...
ALIASES: dict[tuple[str, str], str] = {("optim", "compare"): "optim-compare"}

_PANELS = {
    "cnn": "CNN",
    "architectures": "Architectures",
    "mlp": "Multilayer networks",
    "optimization": "Optimization and normalisation",
    "rnn": "Recurrent networks",
    "unsupervised": "Unsupervised learning",
    "applications": "Detection",
    "generative": "Generative models",
    "rl": "Reinforcement learning",
    "intro": "Other",
}


def _print_error(message: str) -> None:
    first = " ".join(str(message).split())
    sys.stderr.write(f"error: {first}\n")
    sys.stderr.flush()


class DlcalcGroup(TyperGroup):
    """Runs the app, turning every failure into ``error: <one line>`` and an exit code.

    Calculator commands are built lazily from the registry: running one command builds
    only that command's options, which keeps start-up fast.
    """

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if len(args) >= 2 and (args[0], args[1]) in ALIASES:
            args = [ALIASES[(args[0], args[1])], *args[2:]]
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*registry(), *_tool_commands(), *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        ops = registry()
        if cmd_name in ops:
            return build_command(ops[cmd_name])
        if cmd_name in _tool_commands():
            return build_tool_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Commands grouped by course topic, without building each command."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for op in registry().values():
            sections.setdefault(_PANELS[op.topic], []).append((op.name, op.summary))
        for name, info in _tool_commands().items():
            panel = info.rich_help_panel or "Practice and tools"
            sections.setdefault(panel, []).append((name, _tool_summary(info)))
        for title, rows in sections.items():
            with formatter.section(title):
                formatter.write_dl(rows)

    def main(
        self,
        args: Any = None,
        prog_name: Any = None,
        complete_var: Any = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        debug = os.environ.get("DLCALC_DEBUG") == "1"
        try:
            with warnings.catch_warnings():
                # a numerical warning must not leak as multi-line text: it becomes an error
                warnings.simplefilter("error", RuntimeWarning)
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click_exc.NoArgsIsHelpError as exc:
            sys.stdout.write(exc.ctx.get_help() + "\n")
            sys.exit(ExitCode.OK)
        except _click_exc.UsageError as exc:
            hint = ""
            if exc.ctx is not None and exc.ctx.command_path:
                hint = f" (see '{exc.ctx.command_path} --help')"
            _print_error(exc.format_message().rstrip(".") + hint)
            sys.exit(ExitCode.USAGE)
        except _click_exc.ClickException as exc:
            _print_error(exc.format_message())
            sys.exit(ExitCode.USAGE)
        except typer.Abort:
            _print_error("aborted")
            sys.exit(130)
        except DlcalcError as exc:
            if debug:
                raise
            _print_error(str(exc))
            sys.exit(ExitCode.USAGE)
        except (BrokenPipeError, KeyboardInterrupt):
            sys.exit(130)
        except RuntimeWarning as exc:
            if debug:
                raise
            _print_error(f"numerical problem in the computation ({exc}); check the input's scale")
            sys.exit(ExitCode.USAGE)
        except MemoryError:
            _print_error("not enough memory for this input; try a smaller one")
            sys.exit(ExitCode.USAGE)
        except Exception as exc:  # a bug: still one line, unless debugging
            if debug:
                raise
            _print_error(f"internal error ({type(exc).__name__}: {exc}); rerun with DLCALC_DEBUG=1")
            sys.exit(70)
        sys.exit(rv if isinstance(rv, int) else 0)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlcalc {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=DlcalcGroup,
    name="dlcalc",
    help="Exam-style working for every COMP5329 Deep Learning calculation, and practice quizzes.",
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Exam-style working for every COMP5329 Deep Learning calculation, and practice quizzes."""


# ---------------------------------------------------------------- generated commands

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


def _annotation(p: Param) -> tuple[Any, Any]:
    """(annotation, default) for one registry parameter."""
    if p.positional:
        meta = typer.Argument(
            help=_param_help(p), metavar=p.metavar or p.name.upper(), show_default=False
        )
        if p.required:
            return Annotated[str, meta], inspect.Parameter.empty
        return Annotated[str | None, meta], None
    if p.kind == "bool":
        return Annotated[bool, typer.Option(p.flag, help=_param_help(p))], False
    meta = typer.Option(
        p.flag, help=_param_help(p), metavar=p.metavar or _metavar(p), show_default=False
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
                    help="Compare your answer with the primary result (or KEY=ANSWER); exit 1 if any differ. Repeatable.",
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
                    help="Relative tolerance for --check [default: 0.01].",
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
    return text


def build_command(op: Op) -> Any:
    """The click command for one operation (built on demand by DlcalcGroup)."""
    single = typer.Typer(rich_markup_mode=None, add_completion=False)
    single.command(
        op.name,
        help=_help(op),
        short_help=op.summary,
        epilog=f"Example: {op.example_cli()}" if op.example else None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )(make_command(op))
    return typer.main.get_command(single)


# Tool commands (quiz, bank, batch, ...) are registered on a holding app, which only
# records them; DlcalcGroup builds the click command of the one that runs.
_tools = typer.Typer(add_completion=False)
for _module in EXTRA_COMMAND_MODULES:
    importlib.import_module(_module).register(_tools)


def _tool_commands() -> dict[str, Any]:
    """Tool command name -> its typer CommandInfo / TyperInfo (not yet built)."""
    out: dict[str, Any] = {}
    for info in _tools.registered_commands:
        out[info.name or info.callback.__name__.replace("_", "-")] = info
    for info in _tools.registered_groups:
        out[info.name or info.typer_instance.info.name] = info
    return out


def _tool_summary(info: Any) -> str:
    text = info.help or getattr(getattr(info, "typer_instance", None), "info", None)
    text = text.help if hasattr(text, "help") else text
    if not text and getattr(info, "callback", None) is not None:
        text = info.callback.__doc__ or ""
    first = str(text or "").strip().split("\n\n")[0]
    return " ".join(first.split())


def build_tool_command(name: str) -> Any:
    """Build the click command of one tool command (a group for bank/export)."""
    info = _tool_commands()[name]
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.callback()(_noop)  # a callback makes typer return a group holding the command
    if hasattr(info, "typer_instance"):
        holder.registered_groups.append(info)
    else:
        holder.registered_commands.append(info)
    return typer.main.get_command(holder).commands[name]


def _noop() -> None:
    """Holds a tool command while it is built."""


assert set(_PANELS) == set(TOPICS)
gc.enable()  # paused in dlcalc/cli/__init__.py while the CLI imports


def main() -> None:
    """Console-script entry point.

    Ends with ``os._exit`` after flushing: the interpreter's teardown of every imported
    module costs ~7 ms and there is nothing left to clean up (files are closed and the
    progress store commits each answer as it goes).
    """
    try:
        app(prog_name="dlcalc")
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)
