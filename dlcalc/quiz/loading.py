"""Loading the bank a quiz runs on: the bundled bank plus user banks, validated.

Kept apart from the model (``bank``: Question, Bank, reading TOML) so the model does not
import the validator, which imports the generator, which imports the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dlcalc.errors import InputError
from dlcalc.quiz.bank import Bank, BankError, bank_files, bundled_bank_dir, load_paths


def load_bank(extra: Sequence[str | Path] = (), *, bundled: bool = True) -> Bank:
    """The bundled bank plus user banks (``--bank DIR``), the latter fully validated.

    A problem in a user bank is an :class:`InputError` naming ``--bank``, the file and
    the question id. The bundled bank gets the cheap structural checks only (CI runs
    the full validation on it).
    """
    from dlcalc.quiz.validate import validate

    paths: list[Path] = []
    if bundled:
        paths.append(bundled_bank_dir())
    user = [Path(p) for p in extra]
    for p in user:
        if not p.exists():
            raise InputError(f"--bank: {p}: no such file or directory")
    try:
        bank = load_paths(paths + user)
    except BankError as exc:
        raise InputError(f"--bank: {exc}") from None
    user_files = {f for p in user for f in bank_files(p)}
    issues = validate(bank.questions, run_ops=bool(user_files), only=user_files or None, fair=False)
    if issues:
        more = (
            f" (and {len(issues) - 1} more; run 'dlcalc bank validate')" if len(issues) > 1 else ""
        )
        label = "--bank: " if user_files else "question bank: "
        raise InputError(f"{label}{issues[0]}{more}")
    return bank
