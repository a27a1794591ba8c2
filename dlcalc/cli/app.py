"""The ``dlcalc`` command line: one command per registered operation, plus tool commands.

Each operation's command is generated from its registry entry, so every command has
the same shape: parse options -> ``ops.run`` -> render. Errors of any kind become one
line ``error: ...`` on stderr with exit code 2 (a traceback only with DLCALC_DEBUG=1).
"""

from __future__ import annotations

import gc
import os
import re
import sys
import warnings
from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from dlcalc import __version__
from dlcalc.cli.generate import build_command
from dlcalc.cli.helptext import examples
from dlcalc.cli.tools import build_tool_command, tool_commands, tool_summary
from dlcalc.errors import DlcalcError, ExitCode, suggest
from dlcalc.ops import registry
from dlcalc.topics import PANELS

try:  # typer >= 0.28 vendors click
    from typer import _click
    from typer._click import exceptions as _click_exc
except ImportError:  # pragma: no cover
    import click as _click  # type: ignore[no-redef]
    from click import exceptions as _click_exc  # type: ignore[no-redef]

# Two-word commands that map onto one registered operation: dlcalc optim compare ...
ALIASES: dict[tuple[str, str], str] = {("optim", "compare"): "optim-compare"}

_PANELS = PANELS  # the help panels: the topic table's titles (dlcalc/topics.py)


_NO_SUCH_COMMAND = re.compile(r"No such command '(.+?)'\.")


def _print_error(message: str) -> None:
    first = " ".join(str(message).split())
    sys.stderr.write(f"error: {first}\n")
    sys.stderr.flush()


def _usage_message(exc: Any) -> str:
    """A click usage error as one line; a mistyped command or flag gets "did you mean".

    Same wording as the registry's own hints (dlcalc.errors.suggest): ``unknown command
    'convsize' (did you mean conv-size?)``, ``unknown option '--kernal' (did you mean
    --kernel?)``; without a close match, a pointer to the command's --help.
    """
    ctx = exc.ctx
    see = f" (see '{ctx.command_path} --help')" if ctx is not None and ctx.command_path else ""
    if isinstance(exc, _click_exc.NoSuchOption):
        close = exc.possibilities or []
        hint = f" (did you mean {close[0]}?)" if close else see
        return f"unknown option {exc.option_name!r}{hint}"
    message = exc.format_message()
    match = _NO_SUCH_COMMAND.match(message)
    if match and ctx is not None and hasattr(ctx.command, "list_commands"):
        name = match.group(1)
        return f"unknown command {name!r}{suggest(name, ctx.command.list_commands(ctx)) or see}"
    return message.rstrip(".") + see


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_COMPLETION_FLAGS = ("--install-completion", "--show-completion")


def _completion_options() -> list[Any]:
    """Typer's completion options, taking the shell as an optional value.

    ``--show-completion bash`` prints the script for bash; a bare ``--show-completion``
    (and ``--install-completion``) detects the running shell, as Typer does.
    """
    from typer import completion

    def callback(real: Any) -> Any:
        def run(ctx: Any, param: Any, value: Any) -> Any:
            if value is None or ctx.resilient_parsing:
                return value
            if value and value not in SHELLS:
                raise _click_exc.BadParameter(
                    f"unknown shell {value!r}{suggest(value, SHELLS) or ''}; "
                    f"expected one of {', '.join(SHELLS)}",
                    ctx=ctx,
                    param=param,
                )
            from typer._completion_classes import completion_init

            completion_init()
            return real(ctx, param, value or True)

        return run

    def option(name: str, real: Any, help: str) -> Any:
        return TyperOption(
            param_decls=[name],
            default=None,
            metavar="[SHELL]",
            expose_value=False,
            is_eager=True,
            callback=callback(real),
            help=help,
        )

    return [
        option(
            "--install-completion",
            completion.install_callback,
            "Install tab completion for SHELL (bash, zsh, fish, powershell) [default: this shell].",
        ),
        option(
            "--show-completion",
            completion.show_callback,
            "Print the completion script for SHELL, to copy or customise [default: this shell].",
        ),
    ]


def _summaries() -> list[tuple[str, str]]:
    rows = [(op.name, op.summary) for op in registry().values()]
    return rows + [(name, tool_summary(info)) for name, info in tool_commands().items()]


class DlcalcGroup(TyperGroup):
    """Runs the app, turning every failure into ``error: <one line>`` and an exit code.

    Calculator commands are built lazily from the registry: running one command builds
    only that command's options, which keeps start-up fast.
    """

    def get_params(self, ctx: Any) -> list[Any]:
        """The root's options plus Typer's --install-completion / --show-completion [SHELL]."""
        params = super().get_params(ctx)
        return [*params[:-1], *_completion_options(), params[-1]]  # --help stays last

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # click has no optional option values: a bare --show-completion gets "" (this shell)
        args = list(args)
        for i, arg in enumerate(args):
            if arg in _COMPLETION_FLAGS and (i + 1 == len(args) or args[i + 1].startswith("-")):
                args.insert(i + 1, "")
                break
            if not arg.startswith("-"):  # a command: its own options follow
                break
        return super().parse_args(ctx, args)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: Any = None
    ) -> None:
        # A completion request (the shell sets _DLCALC_COMPLETE): Typer's shell classes
        # are registered only now, so ordinary runs never pay for them.
        if complete_var is None:
            complete_var = f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(complete_var):
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """Command names with their summaries, without building every command."""
        item = _click.shell_completion.CompletionItem

        items = [
            item(name, help=summary)
            for name, summary in _summaries()
            if name.startswith(incomplete)
        ]
        if incomplete.startswith("-") or not items:
            items += _click.Command.shell_complete(self, ctx, incomplete)
        return items

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if len(args) >= 2 and (args[0], args[1]) in ALIASES:
            args = [ALIASES[(args[0], args[1])], *args[2:]]
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*registry(), *tool_commands(), *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        ops = registry()
        if cmd_name in ops:
            return build_command(ops[cmd_name])
        if cmd_name in tool_commands():
            return build_tool_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Commands grouped by course topic, without building each command."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for op in registry().values():
            sections.setdefault(_PANELS[op.topic], []).append((op.name, op.summary))
        for name, info in tool_commands().items():
            panel = info.rich_help_panel or "Practice and tools"
            sections.setdefault(panel, []).append((name, tool_summary(info)))
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
            _print_error(_usage_message(exc))
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
    epilog=examples("dlcalc"),
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
