"""The precision rule of CONTRACT section 5, case by case, each worked by hand."""

from __future__ import annotations

import pytest

from dlcalc.check.precision import Rule
from dlcalc.check.written import read_answer, read_token


@pytest.mark.parametrize(
    ("text", "places", "sig"),
    [
        ("0.3589", 4, 4),
        ("-0.3589", 4, 4),
        ("34848", 0, 5),
        ("1.20e-3", 5, 3),  # 0.00120: the last written place is 10^-5
        ("1e-3", 3, 1),
        ("3e2", -2, 1),  # 300 written to hundreds
        ("0.0050", 4, 2),  # leading zeros are not significant, the trailing one is
        ("\u22120.5", 1, 1),  # a unicode minus pasted from a PDF
    ],
)
def test_written_precision(text, places, sig):
    number = read_token(text)
    assert (number.places, number.sig) == (places, sig)


def test_a_fraction_is_an_exact_claim():
    number = read_token("1/3")
    assert number.exact_form and number.value == pytest.approx(1 / 3)


def _agrees(text, true, integer=False, **rule):
    return Rule(**rule).agrees(read_token(text), true, integer)[0]


@pytest.mark.parametrize(
    ("text", "true", "right"),
    [
        ("0.3527", 0.352717, True),  # |0.3527 - 0.352717| = 1.7e-5 <= 5e-5, 4 s.f.
        ("0.353", 0.352717, True),  # 2.8e-4 <= 5e-4, 3 s.f.
        ("0.3528", 0.352717, False),  # 8.3e-5 > 5e-5: the 4th figure is wrong
        ("0.35", 0.352717, False),  # within 0.005 but only 2 significant figures
        ("6.0", 5.95, False),  # a DQN target of 5.95 rounded to 2 figures
        ("6.00", 5.95, False),  # 3 figures, out by 0.05 > 0.005
        ("5.95", 5.95, True),
        ("5.950", 5.95, True),
        ("-0.6", -0.6, True),  # exact, however few figures
        ("0", 0.0, True),
        ("4", 4.0, True),
        ("20959", 20959.155, True),  # a whole number is written to units
        ("21000", 20959.155, False),  # ... so 21000 is out by 41
        ("2.10e4", 20959.155, True),  # 3 s.f., +/- 50
        ("1/3", 1 / 3, True),
        ("1/3", 0.3334, False),
        ("9", 8.99999991, True),  # an iteration converged to 1e-8 for an exact 9
    ],
)
def test_default_rule(text, true, right):
    assert _agrees(text, true) is right


def test_integers_and_counts_are_exact():
    assert _agrees("34944", 34944, integer=True)
    assert not _agrees("34945", 34944, integer=True)  # the old 1 % tolerance accepted this
    assert not _agrees("54.25", 55, integer=True)
    assert _agrees("55.0", 55, integer=True)


def test_relative_tolerance_and_asked_decimals_replace_the_rule():
    assert _agrees("25.6e6", 25_557_032, integer=True, tol=0.01)  # |diff| = 0.17 %
    assert not _agrees("23.5e6", 25_557_032, integer=True, tol=0.01)  # 8 %
    assert _agrees("0.35", 0.352717, decimals=2)  # asked for 2 d.p.: 0.35 is right
    assert _agrees("0.3527", 0.352717, decimals=2)  # more places than asked are fine
    assert not _agrees("0.36", 0.352717, decimals=2)  # out by 0.0073 > 0.005


def test_the_rule_says_what_it_applied():
    _, precision, note = Rule().agrees(read_token("0.35"), 0.352717, False)
    assert precision == "to 2 decimal places as written (+/- 0.005)"
    assert "at least 3" in note


def test_answers_from_python_read_the_same_as_text():
    # batch and the API give numbers, the CLI text: 0.3589 means 4 decimal places in both
    assert read_answer(0.3589, "k").numbers[0].places == read_token("0.3589").places == 4
    matrix = read_answer("2,3; 4,3.5", "k")
    assert matrix.shape == (2, 2) and [n.places for n in matrix.numbers] == [0, 0, 0, 1]
