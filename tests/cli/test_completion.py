"""Shell completion through Typer's own mechanism: --show-completion / --install-completion."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o default -F _dlcalc_completion dlcalc"), ("zsh", "#compdef dlcalc"),
     ("fish", "complete --command dlcalc")],
)  # fmt: skip
def test_show_completion_prints_the_script_for_the_shell_given(cli, shell, marker):
    res = cli("--show-completion", shell)
    assert res.exit_code == 0, res.stderr
    assert marker in res.stdout
    assert "_DLCALC_COMPLETE" in res.stdout


def test_unknown_shell_is_one_line_with_a_suggestion(cli):
    line = cli.error("--show-completion", "bsh")
    assert "unknown shell 'bsh' (did you mean bash?)" in line


def test_install_completion_writes_the_script_under_home(cli, tmp_path):
    res = cli("--install-completion", "bash", env={"HOME": str(tmp_path)})
    assert res.exit_code == 0, res.stderr
    assert "bash completion installed" in res.stdout
    assert "_dlcalc_completion" in (tmp_path / ".bash_completions" / "dlcalc.sh").read_text()
    assert "dlcalc.sh" in (tmp_path / ".bashrc").read_text()


def test_root_help_lists_the_completion_options(cli):
    out = cli("--help").stdout
    assert "--install-completion [SHELL]" in out and "--show-completion [SHELL]" in out


def _complete(cli, words: str, cword: int) -> list[str]:
    env = {"_DLCALC_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    res = cli(env=env)
    assert res.exit_code == 0, res.stderr
    return res.stdout.split()


def test_completes_command_names_and_their_flags(cli):
    assert _complete(cli, "dlcalc conv", 1) == ["conv-size", "conv"]
    assert "quiz" in _complete(cli, "dlcalc qu", 1)
    assert _complete(cli, "dlcalc conv-size --ker", 2) == ["--kernel"]
    assert _complete(cli, "dlcalc --show", 1) == ["--show-completion"]


def test_completes_choice_values(cli):
    assert _complete(cli, "dlcalc pool --mode ", 3) == ["max", "avg"]
    assert _complete(cli, "dlcalc optim ad", 2) == ["adagrad", "adadelta", "adam"]
