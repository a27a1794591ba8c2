"""arch --params: solve one layer's width (written '?') for a total parameter count."""

from __future__ import annotations

import pytest

from dlcalc import ops
from dlcalc.errors import InputError


def _arch(**kwargs):
    return ops.run("arch", kwargs)


def test_the_filters_of_a_conv_layer():
    # conv c k3 on 3x8x8: (3*3*3 + 1)c = 28c params, output c x 6 x 6; fc 10 on 36c features:
    # (36c + 1)*10. Total 388c + 10 = 6218 for c = 16
    sol = _arch(layers="conv ? k3; relu; flatten; fc 10", input="3x8x8", params=6218)
    assert sol["solutions"] == [16] and sol["total_params"] == 6218
    assert sol.check("16")["ok"]  # a bare answer marks the solved width


def test_the_outputs_of_an_fc_layer_and_no_solution():
    # conv 4 k3: 28*4 = 112; fc n on 4*6*6 = 144 features: 145n. 112 + 145*10 = 1562
    assert _arch(layers="conv 4 k3; flatten; fc ?", input="3x8x8", params=1562)["solutions"] == [10]
    none = _arch(layers="conv 4 k3; flatten; fc ?", input="3x8x8", params=1563)
    assert none["solutions"] == [] and "no width" in none.notes[0]


@pytest.mark.parametrize(
    ("layers", "params", "match"),
    [
        ("conv ? k3; fc ?", 100, "at most one layer"),
        ("maxpool ? k2", 100, "only a conv"),
        ("conv 4 k3; fc 10", 100, "--params"),
        ("conv ? k3; fc 10", None, "--params"),
    ],
)
def test_errors(layers, params, match):
    with pytest.raises(InputError, match=match):
        _arch(layers=layers, input="3x8x8", params=params)
