"""Meta-tests over every registered operation: one registry feeds CLI, API and batch alike."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

import dlcalc
from dlcalc.ops import TOPICS, registry

ROOT = pathlib.Path(__file__).resolve().parents[1]
OPS = list(registry().values())
IDS = [op.name for op in OPS]


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_spec_is_complete(op):
    assert op.topic in TOPICS
    assert op.summary and op.summary.endswith(".")
    assert op.result_keys, "result_keys must list the primary answer first"
    assert op.example, "an example feeds --help, the README and these tests"
    assert callable(op.load())
    names = [p.name for p in op.params]
    assert len(names) == len(set(names))
    assert not set(names) & {"json", "check", "check_tol", "format", "as_json", "output_format"}
    for p in op.params:
        assert p.help, f"{op.name} {p.flag} has no help"


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_example_same_through_cli_api_and_batch(op, cli):
    data = cli.json(*_argv(op))
    assert data["command"] == op.name
    assert op.primary in data["result"]
    for step in data["steps"]:  # CONTRACT's four keys, and a step's name where it has one
        assert set(step) - {"name"} == {"title", "formula", "substituted", "value"}
    api = getattr(dlcalc, op.api_name)(**op.example)
    assert json.loads(json.dumps(api.to_dict()["result"])) == data["result"]
    record = json.dumps({"op": op.name, "args": op.example})
    res = cli("batch", input=record + "\n")
    assert res.exit_code == 0, res.stdout
    assert json.loads(res.stdout)["result"] == data["result"]


def _argv(op) -> list[str]:
    import shlex

    return shlex.split(op.example_cli())[1:]


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_help_has_example(op, cli):
    res = cli(op.name, "--help")
    assert res.exit_code == 0
    assert "Example: dlcalc " + op.name in " ".join(res.stdout.split())


def test_unknown_api_name():
    with pytest.raises(AttributeError):
        dlcalc.no_such_calculator  # noqa: B018


def test_engine_imports_no_frontend():
    banned = {"typer", "rich", "sqlite3", "click"}
    for path in (ROOT / "dlcalc" / "engine").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [(node.module or "").split(".")[0]]
            else:
                continue
            assert not set(mods) & banned, f"{path.name} imports {mods}"


def test_no_eval_like_calls_in_package():
    """Nothing a user types may reach eval/exec/sympify/parse_expr: the package never calls them."""
    builtins = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr"}
    attributes = {"sympify", "parse_expr", "eval", "exec"}  # re.compile is fine
    for path in (ROOT / "dlcalc").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            bad = (isinstance(fn, ast.Name) and fn.id in builtins) or (
                isinstance(fn, ast.Attribute) and fn.attr in attributes
            )
            assert not bad, f"{path.relative_to(ROOT)}:{node.lineno} calls {ast.unparse(fn)}"
        text = path.read_text()
        assert "sympy.parsing" not in text and "from sympy import sympify" not in text


def test_help_imports_no_heavy_library():
    code = (
        "import sys, io, contextlib\n"
        "from dlcalc.cli.app import app\n"
        "from typer.main import get_command\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        "        get_command(app).main(['--help'], prog_name='dlcalc', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('numpy', 'sympy', 'scipy', 'torch', 'sqlite3') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"dlcalc --help imported {out.stdout.strip()}"


def test_readme_lists_every_command():
    readme = (ROOT / "README.md").read_text()
    for op in OPS:
        assert f"`{op.name}`" in readme, f"README's command table lacks {op.name}"


def test_readme_table_is_current():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import update_readme
    finally:
        sys.path.pop(0)
    text = (ROOT / "README.md").read_text()
    assert update_readme.render(text) == text, "run: python scripts/update_readme.py"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install ".[test]" && python -m pytest' in readme
    assert "\npython -m pytest\n" in ci


def test_one_topic_table_names_every_package():
    # dlcalc/topics.py is the one list: every ops module and engine package is in it
    from pathlib import Path

    import dlcalc
    from dlcalc.topics import TABLE, TOPICS

    root = Path(dlcalc.__file__).parent
    packages = {p for t in TABLE for p in t.packages}
    ops_modules = {f.stem for f in (root / "ops").glob("*.py") if f.stem != "__init__"}
    engine_packages = {d.name for d in (root / "engine").iterdir() if (d / "__init__.py").exists()}
    assert ops_modules == packages == engine_packages
    assert TOPICS == ("intro", "unsupervised", "mlp", "optimization", "cnn", "architectures",
                      "rnn", "applications", "generative", "rl")  # CONTRACT section 2  # fmt: skip
    from dlcalc import ops

    assert {op.topic for op in ops.registry().values()} <= set(TOPICS)
