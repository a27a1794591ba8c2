"""Implicit multiplication (10y^2, 2x, 3(x+1)) and shape notation typed where values go."""

from __future__ import annotations

import pytest

from dlcalc import parse as values
from dlcalc.errors import InputError
from dlcalc.parse.expr import implicit_products, parse, show


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10y**2", "10*y**2"),
        ("2x", "2*x"),
        ("3(x+1)", "3*(x+1)"),
        ("(x+1)(x-1)", "(x+1)*(x-1)"),
        ("(x+1)y", "(x+1)*y"),
        ("2exp(-x)", "2*exp(-x)"),
        ("2.5x + .5y", "2.5*x + .5*y"),
        ("2e3x", "2e3*x"),  # an exponent stays part of its number
        ("x2 + w1", "x2 + w1"),  # digits inside a name are the name
        ("x*y", "x*y"),
        ("3(x+1", "3(x+1"),  # unbalanced: left for the parser to report
    ],
)
def test_inserts_the_product_sign(text, expected):
    assert implicit_products(text) == expected


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("x^2 + 10y^2", "x**2 + 10*y**2"),
        ("2x^2", "2*x**2"),  # the power binds first, as in writing
        ("3(x+1)^2", "3*(x+1)**2"),
        ("(x+1)(x-1)", "(x+1)*(x-1)"),
        ("0.5w1^2 + 2w2", "0.5*w1**2 + 2*w2"),
    ],
)
def test_parses_like_the_explicit_form(text, same_as):
    a, b = parse(text), parse(same_as)
    assert show(a.expr) == show(b.expr) and a.variables == b.variables


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2__import__('os')", "unknown function"),
        ("2(x)(y).real", "attribute"),
        ("2x y", "not a valid expression"),
        ("2 3", "not a valid expression"),
        ("2'a'", "not a valid expression"),
        ("9**9**9x", "power inside an exponent"),
    ],
)
def test_still_whitelisted(text, words):
    with pytest.raises(InputError) as info:
        parse(text)
    assert words in str(info.value)


def test_optim_accepts_implicit_products(cli):
    a = cli.json("optim", "sgd", "--f", "x^2 + 10y^2", "--start", "1,1", "--lr", "0.1")
    b = cli.json("optim", "sgd", "--f", "x**2 + 10*y**2", "--start", "1,1", "--lr", "0.1")
    assert a["result"] == b["result"]


@pytest.mark.parametrize("parser", [values.parse_vector, values.parse_matrix, values.parse_array])
def test_shape_notation_where_values_go_says_what_to_write(parser):
    with pytest.raises(InputError) as info:
        parser("20x28x28", "x")
    message = str(info.value)
    assert message.startswith("--x: expected numbers separated by commas or spaces")
    assert "write the values as 20,28,28" in message


def test_shape_notation_for_one_number_says_so():
    with pytest.raises(InputError, match="this takes one number"):
        values.parse_float("2x2", "lr")


def test_check_answer_in_shape_notation(cli):
    line = cli.error("act", "relu", "--x", "1,2,3", "--check", "20x28x28")
    assert line.endswith("write the values as 20,28,28")


def test_api_check_answer_in_shape_notation_names_the_form():
    import dlcalc

    sol = dlcalc.arch(layers="conv 20 k5", input="1x32x32")
    with pytest.raises(InputError) as info:
        sol.check(total_params="20x28x28")
    assert str(info.value).startswith("check: expected numbers separated by commas or spaces")
    assert str(info.value).endswith("write the values as 20,28,28")
