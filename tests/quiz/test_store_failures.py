"""Store failures after opening (issue 17 defects 8, 9): a clear message, the file left as
it is, and a quiz that carries on without saving instead of an internal error (exit 70)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dlcalc import store as store_module
from dlcalc.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[2]


def _row(**kw):
    base = dict(question_id="q1", topic="cnn", kind="mcq", correct=True, score=1, max_score=1)
    return {**base, **kw}


def test_undecodable_answer_is_stored_with_replacement(home):
    # printf '\xff' through a pipe arrives as the surrogate U+DCFF (surrogateescape)
    with Store() as store:
        store.record(**_row(answer="\udcff1"))
        assert store.attempts()[0]["answer"] == "\ufffd1"  # U+FFFD replacement character


def test_pipe_answer_with_invalid_byte_quiz_exits_0(home, only_good):
    env = dict(os.environ, DLCALC_HOME=str(home), PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "dlcalc", "quiz", *only_good, "-n", "2", "--seed", "3"]
    # the essay first: an empty answer, then the undecodable byte as its ticked points
    res = subprocess.run(argv, input=b"\n\xff\n\n", capture_output=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    with Store() as store:
        assert "\ufffd" in {a["answer"] for a in store.attempts()}


def test_text_schema_version_is_a_clear_error_file_untouched(home):
    Store().close()
    db = home / "progress.db"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = 'abc'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        Store()
    assert db.read_bytes() == before


def test_disk_full_mid_write_is_a_store_error(home):
    with Store() as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        with pytest.raises(StoreError, match="disk is full"):
            for i in range(2000):
                store.record(**_row(question_id=f"q{i}", answer="x" * 2000))


def test_corrupted_file_progress_exits_2(cli, home):
    Store().close()
    db = home / "progress.db"
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # garbage over the first page's b-tree
    db.write_bytes(bytes(data))
    for wal in home.glob("progress.db-*"):
        wal.unlink()
    res = cli("progress")
    assert res.exit_code == 2, (res.exit_code, res.stderr)
    assert res.stderr.startswith("error: ") and "progress database" in res.stderr


def test_store_failure_mid_quiz_continues_unsaved(cli, only_good, monkeypatch):
    def full(self, **kw):
        raise store_module._store_error(
            self.path, sqlite3.OperationalError("database or disk is full")
        )

    monkeypatch.setattr(Store, "record", full)
    # essay (an empty answer, then "A" as its points), mcq, calc
    res = cli("quiz", *only_good, "-n", "3", "--seed", "1", input="\nA\nA\nA\n")
    assert res.exit_code == 0, (res.stderr, res.exception)
    out = res.stdout + res.stderr
    assert out.count("not saved") == 1 and "disk is full" in out
