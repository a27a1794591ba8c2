"""Rich (terminal) rendering of a Solution: coloured steps, tables, a result table."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from dlcalc.render.check import STYLES
from dlcalc.render.values import value_lines
from dlcalc.solution import Solution, Table


def _table(table: Table) -> RichTable:
    out = RichTable(title=table.title, title_justify="left", show_edge=False, header_style="bold")
    for col in table.columns:
        out.add_column(col, justify="right")
    for row in table.rows:
        out.add_row(*(escape(c if isinstance(c, str) else value_lines(c)[0]) for c in row))
    return out


def render(sol: Solution, console: Console, marks: dict | None = None) -> None:
    """Print the working: per step the formula, the substitution and the value.

    marks (``dlcalc.render.check.annotations``): a checked step that is not right shows the
    student's value in red (follow-through in yellow) and the value itself is not green; the
    first step where the student left the correct path is flagged.
    """
    marks = marks or {}
    for table in (t for t in sol.tables if t.first):  # the answer table before the working
        console.print(_table(table))
    parts = []
    for i, step in enumerate(sol.steps, start=1):
        mark = marks.get(step.name) if step.name else None
        text = Text()
        text.append(
            f"{i}. {step.title}", style="bold reverse red" if mark and mark["first"] else "bold"
        )
        if mark and mark["first"]:
            text.append("  <-- your working leaves the correct path here", style="bold red")
        text.append("\n")
        text.append(f"   {step.formula}\n", style="cyan")
        if step.substituted:
            text.append(f"   = {step.substituted}\n", style="dim")
        if not (isinstance(step.value, str) and not step.value):
            vals = value_lines(step.value)
            style = "bold" if mark else "bold green"
            text.append(f"   = {vals[0]}\n", style=style)
            for v in vals[1:]:
                text.append(f"     {v}\n", style=style)
        if mark:
            colour = "yellow" if mark["verdict"] == "follow_through" else "red"
            for line in mark["texts"]:
                text.append(f"   x {line}\n", style=colour)
        parts.append(text)
    if parts:  # (arch --list has no working)
        title = f"[bold]{escape(sol.command)}[/]"
        console.print(Panel(Group(*parts), title=title, title_align="left"))
    for table in (t for t in sol.tables if not t.first):
        console.print(_table(table))
    for plot in sol.plots:
        from rich.text import Text as _Text

        from dlcalc.render.plot import plot_text

        console.print(_Text(plot_text(plot)))
    result = RichTable(show_header=True, header_style="bold", show_edge=False)
    result.add_column("result")
    result.add_column("value", style="bold green")
    for key, value in sol.result.items():
        mark = marks.get(key)
        style = None if mark is None else STYLES[mark["verdict"]]
        result.add_row(key, escape("\n".join(value_lines(value))), style=style)
    console.print(result)
    for note in sol.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")


def render_report(check: dict, console: Console) -> None:
    """The examiner's report: one row per checked value, the verdict coloured."""
    from dlcalc.render.check import STYLES, report_rows

    grid = RichTable.grid(padding=(0, 2))
    for _ in range(3):
        grid.add_column()
    for (label, what, message), item in zip(report_rows(check), check["items"], strict=True):
        grid.add_row(
            Text(label, style=f"bold {STYLES[item['verdict']]}"), Text(what), Text(message)
        )
    console.print(grid)
    done = sum(1 for i in check["items"] if i["verdict"] == "right")
    console.print(Text(f"{done}/{len(check['items'])} right", style="bold"))
