"""Terminal plots of a Solution's ``plots`` (plotext), for ``--plot`` options."""

from __future__ import annotations

import re

from dlcalc.solution import Plot

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plot_text(plot: Plot, width: int = 78, height: int = 20) -> str:
    """Draw one plot as text (no colour codes, so it also works when piped)."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.title(plot.title)
    if plot.xlabel:
        plt.xlabel(plot.xlabel)
    if plot.ylabel:
        plt.ylabel(plot.ylabel)
    for label, xs, ys, *kind in plot.series:
        draw = plt.scatter if (kind[0] if kind else plot.kind) == "scatter" else plt.plot
        draw(list(map(float, xs)), list(map(float, ys)), label=label)
    return _ANSI.sub("", plt.build())  # plain text: the output may be piped
