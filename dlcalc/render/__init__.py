"""Solution -> text. ``rich`` for terminals; ``plain``, ``markdown``, ``latex`` as strings.

Only this package imports rich (enforced by ruff's banned-api in dlcalc/engine).
"""

from __future__ import annotations

FORMATS = ("rich", "plain", "markdown", "latex")
