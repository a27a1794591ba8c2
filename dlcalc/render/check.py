"""The examiner's report of a ``check`` object, and the marks it leaves on the working.

One line per checked value::

    mistake         params = 34848    34848 is 11*11*3*96: the bias is missing; ...
    follow-through  w2_new[0,0] = ... correct given your delta_out[0] = 0.35

``annotations`` maps a step name to what the working shows beside that step: the student's
value, its verdict, and whether it is the first place the student left the correct path.
"""

from __future__ import annotations

from typing import Any

LABELS = {
    "right": "right",
    "follow_through": "follow-through",
    "mistake": "mistake",
    "wrong": "wrong",
}
STYLES = {"right": "green", "follow_through": "yellow", "mistake": "red", "wrong": "red"}


def given_text(item: dict[str, Any]) -> str:
    """The answer as the student wrote it (shortened when long)."""
    from dlcalc.render.values import one_line

    written = item.get("written")
    if isinstance(written, str) and written:
        return written if len(written) <= 40 else written[:37] + "..."
    given = item["given"]
    if isinstance(given, list):
        import json

        text = json.dumps(given, separators=(",", ":"))
        return text if len(text) <= 40 else text[:37] + "..."
    return one_line(given)


def report_rows(check: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(verdict label, "key = given", message) per item."""
    return [
        (LABELS[i["verdict"]], f"{i['key']} = {given_text(i)}", i["message"])
        for i in check["items"]
    ]


def report_lines(check: dict[str, Any]) -> list[str]:
    rows = report_rows(check)
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    lines = [f"{a.ljust(w1)}  {b.ljust(w2)}  {c}".rstrip() for a, b, c in rows]
    done = sum(1 for i in check["items"] if i["verdict"] == "right")
    lines.append(f"{done}/{len(rows)} right")
    return lines


def annotations(check: dict[str, Any], step_names: list[str]) -> dict[str, dict[str, Any]]:
    """Step name -> {"verdict", "text", "first"} for checked values that are not right."""
    out: dict[str, dict[str, Any]] = {}
    for item in check["items"]:
        if item["verdict"] == "right":
            continue
        name = item["key"].split("[", 1)[0]
        if name not in step_names:
            # an array whose elements have steps of their own (output[1,0]): mark those
            for element in item.get("elements", []):
                cell = f"{name}[{','.join(map(str, element))}]"
                if cell in step_names:
                    entry = out.setdefault(
                        cell, {"verdict": item["verdict"], "texts": [], "first": False}
                    )
                    entry["texts"].append(
                        f"you wrote {cell} = {_element(item, element)}: {LABELS[item['verdict']]}"
                    )
            continue
        text = f"you wrote {item['key']} = {given_text(item)}: {LABELS[item['verdict']]}"
        if item.get("elements"):
            cells = ", ".join("[" + ",".join(map(str, e)) + "]" for e in item["elements"][:8])
            text += f" (differs at {cells})"
        entry = out.setdefault(name, {"verdict": item["verdict"], "texts": [], "first": False})
        entry["texts"].append(text)
    for name in step_names:  # the first step (in working order) where the numbers leave the path
        if name in out and out[name]["verdict"] != "follow_through":
            out[name]["first"] = True
            break
    return out


def _element(item: dict[str, Any], index: list[int]) -> str:
    """The student's value at ``index`` (a bare number for a one-unit layer)."""
    from dlcalc.render.values import one_line

    given = item["given"]
    for i in index:
        if not isinstance(given, list):
            break
        given = given[i] if i < len(given) else given
    return one_line(given)


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "&#124;").replace("\n", " ")


def report_markdown(check: dict[str, Any]) -> str:
    """The examiner's report as a Markdown table: one row per checked value, then the score."""
    import json

    from dlcalc.render.values import one_line

    def expected(item: dict[str, Any]) -> str:
        value = item.get("expected")
        if isinstance(value, list):
            text = json.dumps(value, separators=(",", ":"))
            return text if len(text) <= 40 else text[:37] + "..."
        return one_line(value)

    lines = ["| verdict | answer | expected | comment |", "|---|---|---|---|"]
    for item in check["items"]:
        lines.append(
            "| "
            + " | ".join(
                _md_cell(cell)
                for cell in (
                    f"**{LABELS[item['verdict']]}**",
                    f"`{item['key']} = {given_text(item)}`",
                    expected(item),
                    item["message"],
                )
            )
            + " |"
        )
    done = sum(1 for i in check["items"] if i["verdict"] == "right")
    lines += ["", f"**{done}/{len(check['items'])} right**"]
    return "\n".join(lines)


class Report:
    """A ``check`` object that shows itself: a Markdown table in a notebook, lines in a shell.

    ``Report(solution.check(55, params=34848))``; the dict itself stays at ``.check``.
    """

    __slots__ = ("check",)

    def __init__(self, check: dict[str, Any]) -> None:
        self.check = check

    @property
    def ok(self) -> bool:
        return bool(self.check["ok"])

    def _repr_markdown_(self) -> str:
        return report_markdown(self.check)

    def __str__(self) -> str:
        return "\n".join(report_lines(self.check))

    def __repr__(self) -> str:
        done = sum(1 for i in self.check["items"] if i["verdict"] == "right")
        return f"Report({done}/{len(self.check['items'])} right)"
