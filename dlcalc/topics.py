"""The one table of course topics: each topic's key (CONTRACT section 2: the bank, the quiz
and ``--topic`` use it), its help-panel title, and the packages that hold its operations
(``dlcalc/ops/<package>.py`` and ``dlcalc/engine/<package>/``). Everything that lists
topics reads this table.
"""

from __future__ import annotations


class Topic:
    __slots__ = ("key", "title", "packages")

    def __init__(self, key: str, title: str, packages: tuple[str, ...] = ()) -> None:
        self.key, self.title, self.packages = key, title, packages

    def __repr__(self) -> str:
        return f"Topic({self.key!r})"


# In the course's order (the slides'); commands are listed in the order of CLI_ORDER.
TABLE: tuple[Topic, ...] = (
    Topic("intro", "Other"),
    Topic("unsupervised", "Unsupervised learning", ("unsupervised",)),
    Topic("mlp", "Multilayer networks", ("mlp",)),
    Topic("optimization", "Optimization and normalisation", ("optim", "norm")),
    Topic("cnn", "CNN", ("cnn",)),
    Topic("architectures", "Architectures", ("arch",)),
    Topic("rnn", "Recurrent networks", ("rnn",)),
    Topic("applications", "Detection", ("detection",)),
    Topic("generative", "Generative models", ("generative",)),
    Topic("rl", "Reinforcement learning", ("rl",)),
)
# The order commands appear in --help and the README: the calculators students reach for
# first (conv arithmetic) come first.
CLI_ORDER = ("cnn", "architectures", "mlp", "optimization", "rnn", "unsupervised",
             "applications", "generative", "rl")  # fmt: skip

TOPICS: tuple[str, ...] = tuple(t.key for t in TABLE)
BY_KEY = {t.key: t for t in TABLE}
PANELS = {t.key: t.title for t in TABLE}


def packages_in_cli_order() -> tuple[str, ...]:
    """``("cnn", "arch", "mlp", "optim", "norm", ...)``: the ops modules to load, in order."""
    return tuple(p for key in CLI_ORDER for p in BY_KEY[key].packages)
