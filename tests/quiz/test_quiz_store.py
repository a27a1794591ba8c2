"""The SQLite progress store: schema, durability under SIGKILL, concurrent writers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlcalc import store as store_module
from dlcalc.store import SCHEMA_VERSION, Store, StoreError

ROOT = Path(__file__).resolve().parents[2]


def _row(**kw):
    base = dict(question_id="q1", topic="cnn", kind="mcq", correct=True, score=1, max_score=1)
    return {**base, **kw}


def test_home_follows_dlcalc_home(home):
    with Store() as store:
        assert store.path == home / "progress.db"


def test_home_function_reads_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCALC_HOME", str(tmp_path / "x"))
    assert store_module.home() == tmp_path / "x"
    monkeypatch.delenv("DLCALC_HOME")
    assert store_module.home().name.lower() == "dlcalc"  # the platform's user data dir


def test_schema_wal_and_full_sync(home):
    with Store() as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert store.conn.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
    with Store() as store:  # reopening does not add a second version row
        assert store.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1


def test_record_and_read_back(home):
    with Store() as store:
        store.record(**_row(answer="B"))
        store.record(**_row(question_id="q2", correct=False, score=0, card=("{}", "2030-01-01")))
        store.record(**_row(question_id="q2", card=('{"a": 1}', "2031-01-01")))
    with Store() as store:
        rows = store.attempts()
        assert [(r["question_id"], r["correct"], r["answer"]) for r in rows] == [
            ("q1", 1, "B"),
            ("q2", 0, ""),
            ("q2", 1, ""),
        ]
        assert store.attempts("rl") == []
        assert store.cards() == {"q2": ('{"a": 1}', "2031-01-01")}  # upserted


def test_newer_schema_is_refused(home):
    Store().close()
    con = sqlite3.connect(home / "progress.db")
    con.execute("UPDATE schema_version SET version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 99"):
        Store()


def test_unwritable_home_is_a_clear_error(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("DLCALC_HOME", str(blocker / "sub"))
    cli.error("progress", flag="DLCALC_HOME")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, DLCALC_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("DLCALC_DEBUG", None)
    return env


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM attempts").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_after_two_answers_keeps_both(home):
    good = Path(__file__).parent / "fixtures" / "good"
    cmd = [sys.executable, "-m", "dlcalc", "quiz", "--no-bundled", "--bank", str(good)]
    cmd += ["--kind", "mcq", "-n", "4", "--seed", "1"]
    db = home / "progress.db"
    with subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(home),
        cwd=ROOT,
    ) as proc:
        try:
            proc.stdin.write(b"A\nB\n")
            proc.stdin.flush()  # stdin stays open: the quiz now waits for the third answer
            deadline = time.monotonic() + 30
            while _count(db) < 2 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert proc.poll() is None, proc.stderr.read().decode()
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = con.execute("SELECT question_id FROM attempts").fetchall()
    assert len(rows) == 2
    assert con.execute("SELECT count(*) FROM cards").fetchone()[0] == 2
    con.close()


_WRITER = """
import sys
from dlcalc.store import Store
with Store() as s:
    for i in range(int(sys.argv[1])):
        s.record(question_id=f"{sys.argv[2]}-{i}", topic="cnn", kind="mcq", correct=True,
                 score=1, max_score=1, card=("{}", "2030-01-01"))
"""


@pytest.mark.slow
def test_two_concurrent_writers_never_see_database_locked(home):
    # Both processes also race to create the database and its schema.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, "150", name],
            env=_env(home),
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        for name in ("a", "b")
    ]
    for p in procs:
        with p:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err.decode()
    assert _count(home / "progress.db") == 300
