"""conv-size in results-only mode (batch without --steps) against the full run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc import ops


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 300),
    m=st.integers(1, 300),
    k=st.integers(1, 11),
    s=st.integers(1, 5),
    p=st.integers(0, 4),
    d=st.integers(1, 3),
    ceil=st.booleans(),
)
def test_results_only_mode_gives_the_same_results_and_errors(n, m, k, s, p, d, ceil):
    # batch without --steps runs conv-size under lean(): no working, the same numbers
    from dlcalc.engine._working import lean
    from dlcalc.errors import InputError

    args = {"input": f"{n}x{m}", "kernel": k, "stride": s, "pad": p, "dilation": d, "ceil": ceil}
    try:
        full = ops.run("conv-size", args).result
    except InputError as exc:
        with lean(), pytest.raises(InputError) as lean_exc:
            ops.run("conv-size", args)
        assert str(lean_exc.value) == str(exc)
        return
    with lean():
        sol = ops.run("conv-size", args)
    assert sol.result == full and sol.steps == []
