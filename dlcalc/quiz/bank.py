"""Loading the question bank: TOML files of ``[[question]]`` tables -> :class:`Question`.

The bundled bank lives in ``question_bank/`` (the source tree) or ``dlcalc/question_bank``
(an installed wheel). Users add their own directories with ``--bank DIR``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlcalc.errors import DlcalcError, InputError

KINDS: tuple[str, ...] = ("mcq", "calc", "essay")
DEFAULT_MARKS = {"mcq": 1, "calc": 5}

# {name} in a prompt; other braces ({0, 1}, {{literal}}) are left alone.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")


class BankError(DlcalcError):
    """A bank file cannot be read (missing, not TOML)."""


@dataclass
class Question:
    """One bank entry, as written in TOML (``data``) plus where it came from."""

    data: dict[str, Any]
    file: Path
    line: int = 0  # line of its ``id = ...`` (0 when unknown)

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def topic(self) -> str:
        return str(self.data.get("topic", ""))

    @property
    def prompt(self) -> str:
        return str(self.data.get("prompt", ""))

    @property
    def marks(self) -> int:
        """The question's marks; a multi-part calc question's are the sum of its parts'."""
        parts = self.parts
        if parts:
            marks = [p.get("marks") for p in parts if isinstance(p, dict)]
            return sum(m for m in marks if isinstance(m, int) and not isinstance(m, bool))
        return int(self.data.get("marks", DEFAULT_MARKS.get(self.kind, 1)))

    @property
    def beyond_slides(self) -> bool:
        """True when the question goes beyond the course slides (``--syllabus`` skips it)."""
        return self.data.get("beyond_slides") is True

    @property
    def parts(self) -> list[Any]:
        """A calc question's ``[[question.parts]]`` tables (empty for a one-part question)."""
        parts = self.data.get("parts") if self.kind == "calc" else None
        return list(parts) if isinstance(parts, list) else []

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def points(self) -> list[tuple[str, float]]:
        """An essay's marking points as (text, marks); see :func:`weighted_points`."""
        return weighted_points(self.data.get("marking_points", []), self.marks)

    @property
    def where(self) -> str:
        """``question_bank/cnn.toml:12 [cnn-mcq-001]``: how messages name a question."""
        loc = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{loc} [{self.id or '?'}]"


@dataclass
class Bank:
    """All loaded questions, in file order."""

    questions: list[Question] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.questions)

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def select(
        self,
        topics: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        *,
        syllabus: bool = False,
    ) -> list[Question]:
        """Questions whose topic and kind are among those given (all when empty), by id;
        with ``syllabus`` only those within the slides (not ``beyond_slides``)."""
        out = [
            q
            for q in self.questions
            if (not topics or q.topic in topics)
            and (not kinds or q.kind in kinds)
            and not (syllabus and q.beyond_slides)
        ]
        return sorted(out, key=lambda q: q.id)


def default_split(marks: int, n: int) -> list[int]:
    """``marks`` shared over ``n`` points in whole marks, the first points taking the
    remainder: 6 over 5 -> 2, 1, 1, 1, 1 (always sums to ``marks``)."""
    if n <= 0:
        return []
    base, extra = divmod(int(marks), n)
    return [base + (i < extra) for i in range(n)]


def weighted_points(points: Any, marks: int) -> list[tuple[str, float]]:
    """Marking points as (text, marks). A point is a string or a ``{text, marks}`` table;
    plain strings share the marks the tables leave (:func:`default_split`), so a list of
    strings always sums to the question's marks. ``bank validate`` checks table weights."""
    if not isinstance(points, list):
        return []
    given = [p.get("marks") if isinstance(p, dict) else None for p in points]
    fixed = sum(float(m) for m in given if isinstance(m, int | float) and not isinstance(m, bool))
    plain = [
        i for i, m in enumerate(given) if not isinstance(m, int | float) or isinstance(m, bool)
    ]
    share = default_split(max(int(marks - fixed), 0), len(plain))
    out = []
    for i, p in enumerate(points):
        text = str(p.get("text", "")) if isinstance(p, dict) else str(p)
        weight = float(share[plain.index(i)]) if i in plain else float(given[i])  # type: ignore[arg-type]
        out.append((text, weight))
    return out


def bundled_bank_dir() -> Path:
    """The bank shipped with dlcalc: inside the installed package, else the repo root."""
    import dlcalc

    pkg = Path(dlcalc.__file__).resolve().parent
    for candidate in (pkg / "question_bank", pkg.parent / "question_bank"):
        if candidate.is_dir():
            return candidate
    raise BankError(f"the bundled question bank is missing (looked in {pkg / 'question_bank'})")


def bank_files(path: Path) -> list[Path]:
    """The ``*.toml`` files of a directory (sorted), or the file itself."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    if path.is_file():
        return [path]
    raise InputError(f"{path}: no such file or directory")


MAX_BANK_BYTES = 5 * 2**20
MAX_BANK_DEPTH = 32
# ANSI/VT escape sequences and other control characters (tab and newline kept): bank text
# reaches the terminal, and must not move the cursor, recolour it or retitle the window.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def _clean(value: Any, path: Path, depth: int = 0) -> Any:
    """Strip terminal control sequences from every string; refuse nesting over the limit."""
    if depth > MAX_BANK_DEPTH:
        raise BankError(f"{path}: nested more than {MAX_BANK_DEPTH} levels deep")
    if isinstance(value, str):
        return (
            _CONTROL.sub("", value)
            if any(c < " " or "\x7f" <= c <= "\x9f" for c in value)
            else value
        )
    if isinstance(value, dict):
        return {_clean(k, path, depth + 1): _clean(v, path, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, path, depth + 1) for v in value]
    return value


def _id_lines(text: str) -> dict[str, list[int]]:
    """id -> the lines where ``id = "..."`` is written, in order."""
    lines: dict[str, list[int]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"""\s*id\s*=\s*["']([^"']*)["']""", line)
        if m:
            lines.setdefault(m.group(1), []).append(n)
    return lines


def load_file(path: Path) -> list[Question]:
    """Questions of one TOML file; unreadable or malformed files raise :class:`BankError`."""
    import tomllib

    try:
        if path.stat().st_size > MAX_BANK_BYTES:
            raise BankError(f"{path}: over {MAX_BANK_BYTES // 2**20} MB; a bank file is smaller")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"{path}: cannot read ({exc})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise BankError(f"{path}: nested more than {MAX_BANK_DEPTH} levels deep") from None
    doc = _clean(doc, path)
    items = doc.get("question", [])
    if not isinstance(items, list) or not all(isinstance(q, dict) for q in items):
        raise BankError(f"{path}: expected [[question]] tables")
    extra = sorted(set(doc) - {"question"})
    if extra:
        raise BankError(f"{path}: unexpected top-level key {extra[0]!r} (use [[question]])")
    lines = _id_lines(text)
    out = []
    for q in items:
        where = lines.get(str(q.get("id", "")), [])
        out.append(Question(q, path, where.pop(0) if where else 0))
    return out


def load_paths(paths: Iterable[Path]) -> Bank:
    """Load every file under ``paths`` (no validation)."""
    bank = Bank()
    for path in paths:
        for f in bank_files(Path(path)):
            bank.files.append(f)
            bank.questions += load_file(f)
    return bank
