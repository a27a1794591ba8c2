"""Helpers shared by the topic tests of named misconceptions (tests/engine/<topic>/
test_<topic>_mistakes.py): run an operation under a variant rule or with overrides, and
check a table of hand-worked slips against a catalogue."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc import ops
from dlcalc.engine._working import replaying


def A(value, rel=1e-9, abs=1e-12):
    return pytest.approx(value, rel=rel, abs=abs)


def run(cmd, args, rule=None, overrides=None):
    """``ops.run`` under a variant rule and/or with a student's own values (a replay)."""
    with replaying(overrides, rule):
        return ops.run(cmd, args)


def under(command: str, rule: str, args: dict):
    """(plain run, run under ``rule``); the rule must be one the plain run consults."""
    plain = ops.run(command, args)
    assert rule in plain.slips, (rule, plain.slips)
    return plain, run(command, args, rule)


def vec(x) -> list[float]:
    return np.asarray(x, dtype=float).ravel().tolist()


def check_by_hand(cmd, args, rule, key, slipped, right, rel=1e-9):
    """The plain run gives ``right`` and the run under ``rule`` gives ``slipped``."""
    assert np.asarray(run(cmd, args)[key], dtype=float) == A(np.asarray(right, float), rel=rel)
    got = run(cmd, args, rule)[key]
    assert np.asarray(got, dtype=float) == A(np.asarray(slipped, float), rel=rel)


def check_catalogue_covered(cases, mistakes):
    """Every catalogued mistake has a hand-worked case, is consulted there, is tagged with
    the key it changes, and changes it."""
    covered = {(c[0], c[2]) for c in cases}
    for cmd, catalogue in mistakes.items():
        ops.get(cmd)  # a real command
        for m in catalogue:
            assert (cmd, m.id) in covered, (cmd, m.id)
    for cmd, args, rule, key, _, _ in cases:
        plain = run(cmd, args)
        assert rule in plain.slips, (cmd, rule)
        assert key in {k for m in mistakes[cmd] if m.id == rule for k in m.keys}
        slipped = np.asarray(run(cmd, args, rule)[key], float)
        right = np.asarray(plain[key], float)
        assert slipped.shape != right.shape or not np.allclose(slipped, right)
