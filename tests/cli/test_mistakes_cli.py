"""``dlcalc mistakes``: the catalogue, with examples computed under each rule."""

from __future__ import annotations

import json


def test_lists_every_command_with_misconceptions(cli):
    res = cli("mistakes")
    assert res.exit_code == 0
    assert res.stdout.startswith("conv-size (")
    assert "misconceptions across" in res.stdout


def test_one_command_shows_each_with_a_computed_example(cli):
    res = cli("mistakes", "conv-size")
    assert res.exit_code == 0
    # the +1 forgotten on AlexNet conv1: floor(216/4) = 54 instead of 55
    assert "no-plus-one: the +1 is missing" in res.stdout
    assert "out_h: 55 (with the slip: 54)" in res.stdout


def test_json(cli):
    res = cli("mistakes", "conv-size", "--json")
    data = json.loads(res.stdout)
    bias = next(m for m in data["mistakes"] if m["id"] == "no-bias")
    assert bias["example"]["right"] == 34944 and bias["example"]["slip"] == 34848  # (11*11*3)*96


def test_unknown_command_is_an_error(cli):
    cli.error("mistakes", "conv-sise", flag="conv-sise")
