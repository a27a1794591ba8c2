"""The value limit bites before the values are built (issue 17 defect 3)."""

from __future__ import annotations

import pytest

import dlcalc.parse as parse
from dlcalc.errors import LimitError


def test_count_values_by_hand():
    assert parse._count_values("1,2; 3 4") == 4  # four numbers
    assert parse._count_values(" 1 , 2 ") == 2
    assert parse._count_values("[[1,2],[3,4]]") == 4
    assert parse._count_values("") == 0


def test_oversized_csv_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    row = ",".join(["1.5"] * 1000) + "\n"
    with open(path, "w") as fh:
        for _ in range(parse.MAX_ELEMENTS // 1000 + 1):  # 10,001,000 values
            fh.write(row)

    def never(*a, **kw):
        raise AssertionError("rows were parsed before the count was checked")

    monkeypatch.setattr(parse, "_split_row", never)
    with pytest.raises(LimitError, match="10,000,000 values"):
        parse.parse_array(f"@{path}", "x")
