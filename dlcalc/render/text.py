"""Plain-text, Markdown and LaTeX renderings of a Solution."""

from __future__ import annotations

from dlcalc.render.values import is_matrix, one_line, value_lines
from dlcalc.solution import Solution, Table


def _table_lines(table: Table) -> list[str]:
    rows = [[one_line(c) for c in row] for row in table.rows]
    cols = list(table.columns)
    widths = [max([len(cols[i])] + [len(r[i]) for r in rows]) for i in range(len(cols))]
    out = [table.title, "  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    out.append("  " + "  ".join("-" * w for w in widths))
    out += ["  " + "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return out


def plain(sol: Solution, marks: dict | None = None) -> str:
    """Exam-style working as plain text: each step's formula, substitution and value.

    marks: from ``dlcalc.render.check.annotations``: a checked step gets the student's value
    beneath it, and the first step where the student left the correct path is flagged.
    """
    marks = marks or {}
    lines = [sol.command or "result", ""]
    for table in (t for t in sol.tables if t.first):  # the answer table before the working
        lines += [*_table_lines(table), ""]
    for i, step in enumerate(sol.steps, start=1):
        mark = marks.get(step.name) if step.name else None
        first = " <-- your working leaves the correct path here" if mark and mark["first"] else ""
        lines.append(f"{i}. {step.title}{first}")
        lines.append(f"   {step.formula}")
        if step.substituted:
            lines.append(f"   = {step.substituted}")
        if not (isinstance(step.value, str) and not step.value):
            vals = value_lines(step.value)
            lines.append(f"   = {vals[0]}")
            lines += [f"     {v}" for v in vals[1:]]
        if mark:
            lines += [f"   x {text}" for text in mark["texts"]]
    for table in (t for t in sol.tables if not t.first):
        lines += ["", *_table_lines(table)]
    for plot in sol.plots:
        from dlcalc.render.plot import plot_text

        lines += ["", plot_text(plot)]
    lines += ["", "Result"]
    width = max((len(k) for k in sol.result), default=0)
    for key, value in sol.result.items():
        vals = value_lines(value)
        lines.append(f"  {key.ljust(width)} = {vals[0]}")
        lines += [" " * (width + 5) + v for v in vals[1:]]
    for note in sol.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _md_table(table: Table) -> list[str]:
    out = [f"**{table.title}**", "", "| " + " | ".join(table.columns) + " |"]
    out.append("|" + "---|" * len(table.columns))
    out += ["| " + " | ".join(one_line(c) for c in row) + " |" for row in table.rows]
    return out + [""]


def markdown(sol: Solution, marks: dict | None = None) -> str:
    """Working as Markdown: a numbered section per step, a result table."""
    out = [f"## {sol.command or 'result'}", ""]
    lead = [t for t in sol.tables if t.first]
    for table in lead:
        out += _md_table(table)
    for i, step in enumerate(sol.steps, start=1):
        out.append(f"**{i}. {step.title}**")
        out.append("")
        out.append(f"    {step.formula}")
        if step.substituted:
            out.append(f"    = {step.substituted}")
        if not (isinstance(step.value, str) and not step.value):
            for j, v in enumerate(value_lines(step.value)):
                out.append(("    = " if j == 0 else "      ") + v)
        out.append("")
    for table in sol.tables:
        if not table.first:
            out += _md_table(table)
    out += ["| result | value |", "|---|---|"]
    for key, value in sol.result.items():
        text = "<br>".join(value_lines(value)) if is_matrix(value) else one_line(value)
        out.append(f"| `{key}` | {text.replace('|', '&#124;')} |")
    for note in sol.notes:
        out += ["", f"> note: {note}"]
    return "\n".join(out)


def html(sol: Solution, marks: dict | None = None) -> str:
    """Working as an HTML fragment (a notebook's rich display): steps, then a result table."""
    from html import escape

    def pre(lines: list[str]) -> str:
        return "<pre style='margin:0.2em 0 0.6em 1.5em'>" + escape("\n".join(lines)) + "</pre>"

    out = [f"<h4>{escape(sol.command or 'result')}</h4>"]
    tables = [t for t in sol.tables if t.first] + [t for t in sol.tables if not t.first]
    if sol.steps:
        out.append("<ol>")
        for step in sol.steps:
            lines = [step.formula] + ([f"= {step.substituted}"] if step.substituted else [])
            if not (isinstance(step.value, str) and not step.value):
                vals = value_lines(step.value)
                lines += [f"= {vals[0]}", *(f"  {v}" for v in vals[1:])]
            out.append(f"<li><b>{escape(step.title)}</b>{pre(lines)}</li>")
        out.append("</ol>")
    for table in tables:
        head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(one_line(c))}</td>" for c in row) + "</tr>"
            for row in table.rows
        )
        out.append(f"<p><b>{escape(table.title)}</b></p><table><tr>{head}</tr>{rows}</table>")
    rows = "".join(
        f"<tr><td><code>{escape(key)}</code></td><td>{pre(value_lines(value))}</td></tr>"
        for key, value in sol.result.items()
    )
    out.append(f"<table><tr><th>result</th><th>value</th></tr>{rows}</table>")
    out += [f"<p><i>note: {escape(note)}</i></p>" for note in sol.notes]
    return "\n".join(out)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _tex_value(value: object) -> str:
    if is_matrix(value):
        rows = [
            " & ".join(r.strip("[] ").split()) for r in value_lines(value) if r.startswith("[ ")
        ]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    return r"\texttt{" + _tex(one_line(value)) + "}"


def latex(sol: Solution, marks: dict | None = None) -> str:
    """Working as a LaTeX fragment (an enumerate of steps and a tabular of results)."""
    out = [r"\subsection*{" + _tex(sol.command or "result") + "}", r"\begin{enumerate}"]
    for step in sol.steps:
        out.append(r"  \item \textbf{" + _tex(step.title) + r"}\\")
        out.append(r"  \texttt{" + _tex(step.formula) + r"}\\")
        if step.substituted:
            out.append(r"  $=$ \texttt{" + _tex(step.substituted) + r"}\\")
        if not (isinstance(step.value, str) and not step.value):
            out.append(r"  $=$ $" + _tex_value(step.value) + "$")
    out += [r"\end{enumerate}", r"\begin{tabular}{ll}"]
    for key, value in sol.result.items():
        out.append(r"  \texttt{" + _tex(key) + r"} & $" + _tex_value(value) + r"$ \\")
    out.append(r"\end{tabular}")
    for note in sol.notes:
        out.append(r"\par\emph{Note: " + _tex(note) + "}")
    return "\n".join(out)


RENDERERS = {"plain": plain, "markdown": markdown, "latex": latex}
