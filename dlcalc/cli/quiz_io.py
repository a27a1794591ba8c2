"""The quiz's terminal front end: prompts that ask again on an unreadable answer.

The pipe front end (``dlcalc.quiz.session.PipeIO``) is plain text; this one draws with
rich through ``dlcalc.render`` (prompts, the working) on the output environment's Console.
"""

from __future__ import annotations

from typing import Any

from dlcalc.quiz.generate import Item
from dlcalc.quiz.grading import problem


class RichIO:
    """A terminal: rich output and prompts; unreadable answers are asked again."""

    interactive = True

    def __init__(self, console: Any) -> None:
        self.console = console

    def say(self, text: str = "", style: str = "") -> None:
        from dlcalc.render.prompt import say

        say(self.console, text, style)

    def ask(self, label: str, item: Item | None = None) -> str | None:
        from dlcalc.render.prompt import ask, say

        while True:
            answer = ask(self.console, label)
            if answer is None:
                return None
            why = problem(item, answer) if item is not None else None
            if why is None:
                return answer
            say(self.console, why, "yellow")

    def ask_lines(self, label: str) -> list[str] | None:
        from dlcalc.render.prompt import ask_lines

        return ask_lines(self.console, label)

    def working(self, solution: Any) -> None:
        from dlcalc.render.rich import render

        render(solution, self.console)
