"""Notebook display (Jupyter's _repr_markdown_ / _repr_html_) and API errors naming parameters."""

from __future__ import annotations

import json

import pytest

import dlcalc
from dlcalc.errors import InputError
from dlcalc.render.check import Report, report_markdown
from dlcalc.render.text import markdown


def _conv():
    return dlcalc.conv_size(input=227, kernel=11, stride=4, in_channels=3, out_channels=96)


def test_solution_displays_as_markdown_and_html():
    sol = _conv()
    assert sol._repr_markdown_() == markdown(sol)
    page = sol._repr_html_()
    assert page.startswith("<h4>conv-size</h4>")
    assert "<li><b>Output size</b>" in page and "<code>out_w</code>" in page
    assert "floor((227 + 2*0 - 11)/4)" in page


def test_html_escapes_text():
    sol = dlcalc.act("relu", x=[-1, 2])
    sol.notes.append("a < b & c")
    assert "a &lt; b &amp; c" in sol._repr_html_()


def test_check_report_is_a_markdown_table():
    check = _conv().check(55, params=34848)
    text = report_markdown(check)
    lines = text.splitlines()
    assert lines[0] == "| verdict | answer | expected | comment |"
    assert lines[2] == "| **right** | `out_h = 55` | 55 | right, exact: a whole number |"
    assert lines[4].startswith("| **mistake** | `params = 34848` | 34944 | ")
    assert lines[-1] == "**2/3 right**"
    report = Report(check)
    assert report._repr_markdown_() == text and not report.ok
    assert str(report).endswith("2/3 right") and repr(report) == "Report(2/3 right)"
    json.dumps(check)  # the check object itself stays a plain dict


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: dlcalc.conv_size(input="x", kernel=3), "input: expected a size like 224"),
        (lambda: dlcalc.conv_size(kernel=3), "input: required for conv_size()"),
        (
            lambda: dlcalc.conv_size(input=5, kernal=3),
            "kernal: unknown argument for conv_size() (did you mean kernel?)",
        ),
        (lambda: dlcalc.run("conv-size", input="x", kernel=3), "input: expected a size"),
        (
            lambda: dlcalc.pool(input=[[1, 2], [3, 4]], size=2, mode="maxx"),
            "mode: expected one of max, avg; got 'maxx' (did you mean max?)",
        ),
        (
            lambda: _conv().check(macs_x=3),
            "check: no result or step 'macs_x' for conv_size()",
        ),
    ],
)
def test_api_errors_name_parameters_not_flags(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)
    assert "--" not in str(info.value)


def test_cli_and_batch_messages_still_name_flags(cli):
    assert cli.error("conv-size", "--input", "x", "--kernel", "3").startswith(
        "error: --input: expected a size like 224"
    )
    record = {"op": "conv-size", "args": {"input": "x", "kernel": 3}}
    res = cli("batch", "-", input=json.dumps(record) + "\n")
    assert json.loads(res.stdout)["error"].startswith("--input: expected a size like 224")
