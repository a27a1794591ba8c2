"""arch --unit: the output unit i,j as typed on the CLI, in batch files and the API."""

from __future__ import annotations

import pytest

from dlcalc.errors import InputError
from dlcalc.parse.arch import unit_param


@pytest.mark.parametrize(
    ("raw", "want"),
    [("0,0", (0, 0)), ("3, 5", (3, 5)), ("2x4", (2, 4)), ("(1,2)", (1, 2)), ("7", (7, 7)),
     (4, (4, 4)), ([1, 2], (1, 2)), ((0, 6), (0, 6))],
)  # fmt: skip
def test_accepted_forms(raw, want):
    assert unit_param(raw, "unit") == want


@pytest.mark.parametrize("raw", ["", "1,2,3", "a,b", "-1,0", "1.5,2", True, None, [1, 2, 3]])
def test_rejected_forms_name_the_flag(raw):
    with pytest.raises(InputError, match="^--unit"):
        unit_param(raw, "unit")
