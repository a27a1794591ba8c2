"""The SQLite progress store: every answered question, and the review schedule.

One file ``progress.db`` under ``$DLCALC_HOME`` (default: the platform's user data dir).
WAL journal, ``synchronous=FULL`` and one transaction per answer: an answer is on disk
before the next question is shown, so killing the process loses nothing answered.
``busy_timeout`` lets two quiz processes write at the same time without "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlcalc.errors import DlcalcError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'quiz',
    session TEXT NOT NULL DEFAULT '',
    rating INTEGER,
    answered_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_topic ON attempts (topic, answered_at);
CREATE INDEX IF NOT EXISTS attempts_question ON attempts (question_id);
CREATE TABLE IF NOT EXISTS cards (
    question_id TEXT PRIMARY KEY,
    card TEXT NOT NULL,
    due TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_due ON cards (due);
CREATE TABLE IF NOT EXISTS exams (
    session TEXT PRIMARY KEY,
    seed INTEGER NOT NULL,
    minutes REAL NOT NULL,
    paper TEXT NOT NULL,
    used REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open',
    result TEXT NOT NULL DEFAULT '{}',
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""
# exams: one row per mock exam (`quiz --exam`); its answers are the attempts of the same
# session. paper: JSON (question ids in order, bank options), used: seconds of the limit
# used so far (saved after every answer), status: open | finished, result: JSON score.
# A new table only (CREATE IF NOT EXISTS): older dlcalc versions open the file unchanged.


class StoreError(DlcalcError):
    """The progress database cannot be opened or is from a newer dlcalc."""


def home() -> Path:
    """``$DLCALC_HOME``, else the platform's user data directory for dlcalc."""
    env = os.environ.get("DLCALC_HOME", "").strip()
    if env:
        return Path(env).expanduser()
    try:
        import platformdirs

        return Path(platformdirs.user_data_dir("dlcalc", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "dlcalc"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store:
    """Progress database connection. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else home() / "progress.db"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._enable_wal()
            self.conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"DLCALC_HOME: cannot open progress database {self.path}: {exc}"
            ) from None

    def _enable_wal(self) -> None:
        """Switch to WAL. Changing the journal mode ignores busy_timeout in SQLite (it
        returns "database is locked" at once when another process is creating the same
        database), so retry for up to the busy timeout."""
        import time

        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        with self._write():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0]
            if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
                raise StoreError(
                    f"DLCALC_HOME: {self.path} is damaged: schema_version is {str(version)[:20]!r},"
                    " expected a whole number (file left untouched)"
                )
            if version is None:
                self.conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"DLCALC_HOME: {self.path} has schema version {version}; this dlcalc "
                    f"knows up to {SCHEMA_VERSION} (upgrade dlcalc)"
                )

    def _write(self) -> _Transaction:
        return _Transaction(self.conn, self.path)

    # ----------------------------------------------------------------- writing

    def record(
        self,
        *,
        question_id: str,
        topic: str,
        kind: str,
        correct: bool,
        score: float,
        max_score: float,
        answer: str = "",
        mode: str = "quiz",
        session: str = "",
        rating: int | None = None,
        card: tuple[str, str] | None = None,
        at: str | None = None,
    ) -> None:
        """Store one answer (and the question's new review card) in one committed transaction.

        card: (card JSON, due ISO time) from the FSRS scheduler.
        """
        answer, question_id, session = _text(answer), _text(question_id), _text(session)
        with self._write():
            self.conn.execute(
                "INSERT INTO attempts (question_id, topic, kind, correct, score, max_score,"
                " answer, mode, session, rating, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    question_id,
                    topic,
                    kind,
                    int(correct),
                    float(score),
                    float(max_score),
                    answer,
                    mode,
                    session,
                    rating,
                    at or now_iso(),
                ),
            )
            if card is not None:
                self.conn.execute(
                    "INSERT INTO cards (question_id, card, due) VALUES (?,?,?) "
                    "ON CONFLICT(question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
                    (question_id, card[0], card[1]),
                )

    def rerate_last(
        self, *, question_id: str, session: str, rating: int, card: tuple[str, str]
    ) -> None:
        """Change the rating (and card) of this session's latest answer to a question."""
        with self._write():
            self.conn.execute(
                "UPDATE attempts SET rating = ? WHERE id = (SELECT max(id) FROM attempts"
                " WHERE question_id = ? AND session = ?)",
                (rating, question_id, session),
            )
            self.conn.execute(
                "UPDATE cards SET card = ?, due = ? WHERE question_id = ?",
                (card[0], card[1], question_id),
            )

    def exam_open(self, *, session: str, seed: int, minutes: float, paper: str) -> None:
        """Start a mock exam (paper: JSON)."""
        at = now_iso()
        with self._write():
            self.conn.execute(
                "INSERT INTO exams (session, seed, minutes, paper, started_at, updated_at)"
                " VALUES (?,?,?,?,?,?)",
                (session, seed, float(minutes), paper, at, at),
            )

    def exam_update(
        self, session: str, *, used: float, status: str | None = None, result: str | None = None
    ) -> None:
        """Save the seconds used (and, when it ends, the status and result JSON)."""
        sets, args = ["used = ?", "updated_at = ?"], [float(used), now_iso()]
        if status is not None:
            sets.append("status = ?")
            args.append(status)
        if result is not None:
            sets.append("result = ?")
            args.append(result)
        with self._write():
            self.conn.execute(
                f"UPDATE exams SET {', '.join(sets)} WHERE session = ?", (*args, session)
            )

    # ----------------------------------------------------------------- reading

    def exams(self) -> list[dict[str, Any]]:
        """Every mock exam, oldest first."""
        return [dict(r) for r in self._rows("SELECT * FROM exams ORDER BY started_at, rowid")]

    def attempts(self, topic: str | None = None) -> list[dict[str, Any]]:
        """Every attempt, oldest first."""
        sql = "SELECT * FROM attempts"
        args: tuple[Any, ...] = ()
        if topic is not None:
            sql, args = sql + " WHERE topic = ?", (topic,)
        return [dict(r) for r in self._rows(sql + " ORDER BY answered_at, id", args)]

    def cards(self) -> dict[str, tuple[str, str]]:
        """question id -> (card JSON, due ISO time)."""
        return {r["question_id"]: (r["card"], r["due"]) for r in self._rows("SELECT * FROM cards")}

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[sqlite3.Row]:
        try:
            cur = self.conn.cursor()
            cur.row_factory = sqlite3.Row
            return iter(cur.execute(sql, args).fetchall())
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None


def _text(value: str) -> str:
    """Text SQLite can store: undecodable input bytes (surrogates) become U+FFFD."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _store_error(path: Path, exc: Exception) -> StoreError:
    reason = str(exc)
    if "full" in reason:
        what = "the disk is full"
    elif "readonly" in reason or "read-only" in reason:
        what = "the file is read-only"
    elif "malformed" in reason or "not a database" in reason:
        what = "the file is damaged"
    else:
        what = reason
    return StoreError(f"DLCALC_HOME: cannot use progress database {path}: {what} (file left as is)")


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on error): takes the write lock up front,
    so concurrent writers wait (busy_timeout) instead of failing on a lock upgrade."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn, self.path = conn, path

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.Error as err:
                exc = err
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # no transaction left to undo
        if isinstance(exc, sqlite3.Error):
            raise _store_error(self.path, exc) from None
        return False
