"""Crash safety (issue 11): SIGKILL scripted quizzes at random moments, again and again.

Invariant: every answer the student saw acknowledged ("correct:"/"wrong:" on stdout) is in
the database, no more rows exist than answers typed, and the file passes integrity_check.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dlcalc.quiz.review import Recorder
from dlcalc.store import Store

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "good"
KILLS = int(os.environ.get("DLCALC_KILLS", "20"))


def _quiz(home: Path, seed: int) -> subprocess.Popen:
    env = dict(os.environ, DLCALC_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("DLCALC_DEBUG", None)
    cmd = [
        sys.executable,
        "-m",
        "dlcalc",
        "quiz",
        "--kind",
        "mcq",
        "-n",
        "40",
        "--seed",
        str(seed),
        "--feedback",
        "now",
    ]
    return subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )


def _rows(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM attempts").fetchone()[0]
    except sqlite3.OperationalError:  # killed before the schema was created
        return 0
    finally:
        con.close()


@pytest.mark.slow
def test_random_sigkills_lose_no_acknowledged_answer(home):
    rng = random.Random(5329)
    acknowledged = typed = 0
    kills = 0
    run = -1
    while kills < KILLS and run < 3 * KILLS:
        run += 1
        proc = _quiz(home, seed=run)
        seen: list[str] = []

        def read(p=proc, out=seen):
            for line in p.stdout:
                out.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + rng.uniform(0.05, 1.0)
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                proc.stdin.write(rng.choice("ABCD") + "\n")
                proc.stdin.flush()
                typed += 1
            except (BrokenPipeError, OSError):
                break
            time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        reader.join(timeout=30)
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        acknowledged += sum(1 for line in seen if line.startswith(("correct:", "wrong:")))
        assert _rows(home / "progress.db") >= acknowledged, (
            f"run {run}: an acknowledged answer was lost"
        )
    db = home / "progress.db"
    rows = _rows(db)
    assert acknowledged <= rows <= typed
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    print(
        f"\nkill loop: {run + 1} runs, {kills} SIGKILLs, {typed} answers typed, "
        f"{acknowledged} acknowledged, {rows} stored"
    )
    assert kills >= KILLS


class _Interactive:
    """A terminal-like front end whose student rates every right answer 'easy'."""

    interactive = True

    def ask(self, label, item):
        return "e"

    def say(self, text="", style=""):
        pass


def test_self_rating_updates_the_stored_answer(home, tmp_path):
    from dlcalc.quiz.generate import instantiate
    from dlcalc.quiz.grading import grade
    from dlcalc.quiz.loading import load_bank

    question = load_bank([FIXTURES], bundled=False).select(kinds=["mcq"])[0]
    item = instantiate(question, seed=1)
    with Store() as store:
        rec = Recorder(store, mode="quiz", session="s1")
        verdict = grade(item, item.answer)  # the right letter
        rec(item, verdict, None)  # stored first, rated Good from correctness
        rec.rerate(item, verdict, _Interactive())  # then the student says Easy
        row = store.conn.execute("SELECT rating FROM attempts").fetchone()
    assert row[0] == 4
