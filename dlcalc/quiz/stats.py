"""``bank stats``: counts per topic x kind, and the choice-length cues of the MCQs.

Apart from the model (``bank``) because the cues come from the validator.
"""

from __future__ import annotations

from typing import Any

from dlcalc.quiz.bank import KINDS, Bank


def stats(bank: Bank) -> dict[str, Any]:
    """Counts per topic x kind (``bank stats --json``), and the choice-length cues."""
    from dlcalc.ops import TOPICS
    from dlcalc.quiz.validate import fairness

    table = {t: dict.fromkeys(KINDS, 0) for t in TOPICS}
    for q in bank.questions:
        table.setdefault(q.topic, dict.fromkeys(KINDS, 0))[q.kind] += 1
    return {
        "topics": {t: {**row, "total": sum(row.values())} for t, row in table.items()},
        "kinds": {k: sum(row[k] for row in table.values()) for k in KINDS},
        "total": len(bank.questions),
        "beyond_slides": sum(q.beyond_slides for q in bank.questions),
        "choices": fairness(bank.questions),
    }


def stats_text(data: dict[str, Any]) -> str:
    """The counts as an aligned table with a total row."""
    head = ("topic", *KINDS, "total")
    rows = [(t, *(str(row[k]) for k in (*KINDS, "total"))) for t, row in data["topics"].items()]
    rows.append(("total", *(str(data["kinds"][k]) for k in KINDS), str(data["total"])))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    table = "\n".join(
        r[0].ljust(widths[0])
        + "  "
        + "  ".join(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))
        for r in [head, *rows]
    )
    if "beyond_slides" in data:
        table += f"\n\nbeyond the slides: {data['beyond_slides']} (--syllabus skips them)"
    fair = data.get("choices")
    if not fair or not fair["worded_mcq"]:
        return table
    return (
        f"{table}\n\nworded mcqs (a choice of 25+ characters): {fair['worded_mcq']}\n"
        f"key is the strictly longest choice: {fair['key_longest']} "
        f"({fair['key_longest_share']:.0%}; at most {fair['key_longest_max']:.0%})\n"
        f"key >= 1.5x the longest distractor: {fair['key_ratio_1_5x']}\n"
        "key's length rank (1 = longest): "
        + ", ".join(f"{r}: {n}" for r, n in fair.get("key_length_rank", {}).items())
    )
