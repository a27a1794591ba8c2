"""The example block closing every ``--help``: each line a command one can paste and run.

Calculator commands take theirs from the registry (``Op.example_cli()``); the root and
the tool commands list two or three here. Click keeps a ``\\b`` paragraph as written, so
an example is never wrapped mid-command.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "dlcalc": (
        "dlcalc arch resnet18 --input 3x224x224",
        "dlcalc conv-size --input 227 --kernel 11 --stride 4 --check 55",
        "dlcalc quiz --topic cnn -n 5",
    ),
    "quiz": (
        "dlcalc quiz --topic cnn -n 5",
        "dlcalc quiz --exam --seed 1",
        "dlcalc quiz --kind calc -n 3 --print --with-answers",
    ),
    "review": (
        "dlcalc review",
        "dlcalc review -n 10 --topic rnn --new 0",
    ),
    "batch": (
        "dlcalc batch records.jsonl --out results.jsonl",
        """echo '{"op": "conv-size", "args": {"input": 227, "kernel": 11}}' | dlcalc batch""",
        "dlcalc batch sizes.csv --op conv-size --to csv",
    ),
    "mistakes": (
        "dlcalc mistakes conv-size",
        "dlcalc mistakes backprop --json",
        "dlcalc mistakes",
    ),
}


def epilog(*lines: str) -> str:
    """The help's closing block: ``Example: ...`` for one line, ``Examples:`` above more."""
    if len(lines) == 1:
        return "\b\nExample: " + lines[0]
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


def examples(name: str) -> str:
    """The example block of the root (``dlcalc``) or a tool command."""
    return epilog(*EXAMPLES[name])
