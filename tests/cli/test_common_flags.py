"""Flags every calculator shares, and where an op's own flag takes precedence."""

from __future__ import annotations

# A 2-state MDP, one action each: s0 -> s1 with reward 0, s1 -> s1 with reward 1 (R[s]).
# V(1) = 1 + 0.9 V(1) = 10; V(0) = 0 + 0.9 * 10 = 9.
MDP = '{"P": [[[0,1]],[[0,1]]], "R": [0,1]}'


def test_value_iteration_tol_is_convergence_and_check_tol_is_checking(cli):
    base = ("value-iteration", "--mdp", MDP, "--gamma", "0.9")
    assert cli(*base, "--tol", "1e-8", "--check", "v=9,10").exit_code == 0
    # a loose convergence tolerance stops early: V is still far from (9, 10)
    assert cli(*base, "--tol", "0.5", "--check", "v=9,10").exit_code == 1
    # and --check-tol loosens the comparison instead
    # (relative to the true value: |9 - 4.695| = 4.30 <= 0.95*4.695)
    assert cli(*base, "--tol", "0.5", "--check", "v=9,10", "--check-tol", "0.95").exit_code == 0


def test_check_tol_alias_everywhere(cli):
    base = ("conv-size", "--input", "227", "--kernel", "11", "--stride", "4")
    assert cli(*base, "--check", "56", "--check-tol", "0.05").exit_code == 0  # |56-55|/56 < 5%
    assert cli(*base, "--check", "56", "--tol", "0.001").exit_code == 1


def test_grid_from_file_keeps_walls(cli, tmp_path):
    grid = tmp_path / "grid.txt"
    grid.write_text(". . 1\n. # .\n")  # '#' is a wall here, not a comment
    data = cli.json("value-iteration", "--grid", f"@{grid}", "--gamma", "0.9")
    inline = cli.json("value-iteration", "--grid", ". . 1; . # .", "--gamma", "0.9")
    assert data["result"]["v"] == inline["result"]["v"]


def test_list_of_records_renders_as_table(cli):
    res = cli(
        "qlearn",
        "--states",
        "2",
        "--actions",
        "2",
        "--transitions",
        "0,1,1,1",
        "--alpha",
        "0.5",
        "--gamma",
        "0.9",
    )
    assert res.exit_code == 0
    assert "td_error" in res.stdout and "{'s'" not in res.stdout


def test_a_numerical_warning_becomes_one_error_line(cli, monkeypatch):
    # engines avoid warnings (the fuzz suite runs with warnings as errors); should one slip
    # through, the CLI still prints one line and exits 2 rather than leaking warning text
    import warnings

    import dlcalc.engine.cnn.size as engine

    def noisy(**kwargs):
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)

    monkeypatch.setattr(engine, "conv_size", noisy)
    msg = cli.error("conv-size", "--input", "5", "--kernel", "3")
    assert "numerical problem" in msg
    res = cli("batch", input='{"op": "conv-size", "args": {"input": 5, "kernel": 3}}\n')
    assert res.exit_code == 1 and "overflow" in res.stdout and res.stderr == ""
