"""``dlcalc progress``: per-topic attempts, accuracy, trend and the weakest topics; the
mock exams sat, with their per-section scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WINDOW = 10  # trend: accuracy of the last WINDOW attempts against the WINDOW before
MIN_ATTEMPTS = 3  # a topic needs this many attempts to be called weak
TREND_STEP = 0.05


def _accuracy(rows: Sequence[dict[str, Any]]) -> float | None:
    return round(sum(r["correct"] for r in rows) / len(rows), 4) if rows else None


def _trend(rows: Sequence[dict[str, Any]]) -> tuple[float | None, str]:
    recent, before = rows[-WINDOW:], rows[-2 * WINDOW : -WINDOW]
    if len(recent) < 2 or len(before) < 2:
        return None, "n/a"
    change = round(_accuracy(recent) - _accuracy(before), 4)  # type: ignore[operator]
    label = "up" if change > TREND_STEP else "down" if change < -TREND_STEP else "flat"
    return change, label


def summarise(attempts: Sequence[dict[str, Any]], topics: Sequence[str]) -> dict[str, Any]:
    """Attempts (oldest first, rows of the store) -> the progress report as data."""
    rows_by_topic: dict[str, list[dict[str, Any]]] = {t: [] for t in topics}
    for row in attempts:
        rows_by_topic.setdefault(row["topic"], []).append(row)
    per_topic = []
    for topic, rows in rows_by_topic.items():
        change, label = _trend(rows)
        per_topic.append(
            {
                "topic": topic,
                "attempts": len(rows),
                "correct": sum(r["correct"] for r in rows),
                "accuracy": _accuracy(rows),
                "recent_accuracy": _accuracy(rows[-WINDOW:]),
                "trend": label,
                "trend_change": change,
                "last": rows[-1]["answered_at"] if rows else None,
            }
        )
    ranked = [t for t in per_topic if t["attempts"] >= MIN_ATTEMPTS]
    ranked.sort(key=lambda t: (t["recent_accuracy"], t["accuracy"], -t["attempts"], t["topic"]))
    weakest = [t["topic"] for t in ranked[:3] if t["recent_accuracy"] < 1]
    kinds: dict[str, dict[str, Any]] = {}
    for row in attempts:
        k = kinds.setdefault(row["kind"], {"attempts": 0, "correct": 0})
        k["attempts"] += 1
        k["correct"] += row["correct"]
    for k in kinds.values():
        k["accuracy"] = round(k["correct"] / k["attempts"], 4)
    return {
        "topics": per_topic,
        "kinds": kinds,
        "total": {
            "attempts": len(attempts),
            "correct": sum(r["correct"] for r in attempts),
            "accuracy": _accuracy(attempts),
        },
        "weakest": weakest,
    }


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def report_text(data: dict[str, Any]) -> str:
    """The progress report as an aligned plain-text table."""
    head = ("topic", "attempts", "accuracy", "last 10", "trend", "last practised")
    rows = [
        (
            t["topic"],
            str(t["attempts"]),
            _pct(t["accuracy"]),
            _pct(t["recent_accuracy"]),
            t["trend"],
            (t["last"] or "-")[:16].replace("T", " "),
        )
        for t in data["topics"]
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    total = data["total"]
    lines.append("")
    lines.append(f"total: {total['attempts']} attempts, accuracy {_pct(total['accuracy'])}")
    if data["weakest"]:
        lines.append("weakest topics: " + ", ".join(data["weakest"]))
    elif total["attempts"]:
        lines.append(f"weakest topics: none yet (each needs {MIN_ATTEMPTS} attempts)")
    else:
        lines.append("no answers stored yet: try 'dlcalc quiz'")
    if "due" in data:
        lines.append(f"due for review: {data['due']}")
    return "\n".join(lines)


def exam_history(exams: Sequence[dict[str, Any]], attempts: Sequence[dict[str, Any]]) -> list:
    """Mock exams (store rows, oldest first) -> newest first, scores per section.

    A section's marks are those its answers earned (scaled to the blueprint, as stored)
    over its share of the paper; an unfinished exam counts what was answered so far.
    """
    import json

    from dlcalc.quiz.exam import SECTIONS
    from dlcalc.quiz.generate import EXAM_BLUEPRINT

    by_session: dict[str, list[dict[str, Any]]] = {}
    for row in attempts:
        by_session.setdefault(row["session"], []).append(row)
    out = []
    for exam in reversed(exams):
        rows = by_session.get(exam["session"], [])
        result = json.loads(exam["result"] or "{}")
        sections = {}
        for kind, count, marks in EXAM_BLUEPRINT:
            got = round(sum(r["score"] for r in rows if r["kind"] == kind), 2)
            sections[SECTIONS[kind]] = {"score": got, "max": count * marks}
        total = sum(count for _, count, _ in EXAM_BLUEPRINT)
        out.append(
            {
                "session": exam["session"],
                "seed": exam["seed"],
                "started": exam["started_at"],
                "status": exam["status"],
                "score": round(sum(v["score"] for v in sections.values()), 2),
                "max": sum(v["max"] for v in sections.values()),
                "sections": sections,
                "answered": len(rows),
                "questions": total,
                "timed_out": bool(result.get("timed_out", False)),
                "minutes": exam["minutes"],
                "used_minutes": round(exam["used"] / 60, 1),
            }
        )
    return out


def exams_text(history: Sequence[dict[str, Any]]) -> str:
    """The mock exams as an aligned table, newest first."""
    if not history:
        return "mock exams: none yet: try 'dlcalc quiz --exam'"
    names = list(history[0]["sections"])  # choice, calculation, essay
    head = ("exam started", "seed", "score", *names, "time", "status")
    rows = []
    for n, e in enumerate(history):
        status = "time up" if e["timed_out"] else e["status"]
        if e["status"] == "open":  # --resume continues the newest exam only
            hint = "; quiz --resume" if n == 0 else ""
            status = f"open ({e['answered']}/{e['questions']}{hint})"
        rows.append(
            (
                e["started"][:16].replace("T", " "),
                str(e["seed"]),
                f"{e['score']:g}/{e['max']:g}",
                *(f"{e['sections'][n]['score']:g}/{e['sections'][n]['max']:g}" for n in names),
                f"{e['used_minutes']:.0f}/{e['minutes']:g} min",
                status,
            )
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["mock exams (newest first):"]
    lines.append("  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
