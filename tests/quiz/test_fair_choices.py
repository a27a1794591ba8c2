"""Fair choices (issue 16): the key is not given away by its length, explanations name
choices by content (they are shuffled when shown), and ``bank stats`` reports the figures."""

from __future__ import annotations

import json

import pytest

from dlcalc.quiz.validate import names_position

LONG_KEY = "The key spells out every detail of the right answer at great length, far longer"


def _mcq(qid: str, choices: list[str], answer: str = "A", explanation: str = "") -> str:
    quoted = ", ".join(json.dumps(c) for c in choices)
    expl = explanation or f"{choices[0]} is right because it is right; the rest are wrong."
    return (
        f'[[question]]\nid = "{qid}"\nkind = "mcq"\ntopic = "cnn"\n'
        f'prompt = "Question {qid}?"\nchoices = [{quoted}]\nanswer = "{answer}"\n'
        f"explanation = {json.dumps(expl)}\n\n"
    )


def _worded(qid: str, key_longest: bool) -> str:
    """A worded mcq (choices of 30+ characters) whose key is or is not the longest."""
    key = "Stride and padding set the output size" + (" of the map" if key_longest else "")
    others = [
        "Only the kernel size sets the output size",
        "The number of filters sets the output height",
        "The input channels set the output width here",
    ]
    return _mcq(qid, [key, *others])


def _write(tmp_path, text: str):
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_key_much_longer_than_every_distractor_fails_naming_file_and_id(cli, tmp_path):
    path = _write(
        tmp_path, _mcq("fair-ratio", [LONG_KEY, "Short wrong one", "Another wrong", "No"])
    )
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1
    line = res.stdout.splitlines()[0]
    assert line.startswith(str(path)) and "[fair-ratio]" in line
    assert "times as long as the longest distractor" in line


def test_key_just_under_one_and_a_half_times_passes(cli, tmp_path):
    # 44 vs 30 characters: 1.47x
    key, other = "k" * 44, "d" * 30
    path = _write(tmp_path, _mcq("fair-under", [key, other, "e" * 29, "f" * 28]))
    assert cli("bank", "validate", str(path)).exit_code == 0


def test_exactly_one_and_a_half_times_fails(cli, tmp_path):
    key, other = "k" * 45, "d" * 30
    path = _write(tmp_path, _mcq("fair-at", [key, other, "e" * 29, "f" * 28]))
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1 and "[fair-at]" in res.stdout and "1.5 times" in res.stdout


def test_short_choices_are_not_judged_by_length(cli, tmp_path):
    # numbers: "0.25^5" is 3x "1" but a student cannot guess a number by its length
    path = _write(tmp_path, _mcq("fair-short", ["0.25^5 = 0.001", "1", "0.5", "2"]))
    assert cli("bank", "validate", str(path)).exit_code == 0


def test_key_longest_share_over_thirty_percent_is_a_bank_level_error(cli, tmp_path):
    # 4 of 10 worded mcqs have the strictly longest key: 40 %
    text = "".join(_worded(f"fair-share-{i}", key_longest=i < 4) for i in range(10))
    path = _write(tmp_path, text)
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1, res.stdout
    lines = [ln for ln in res.stdout.splitlines() if "strictly longest" in ln]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: ")  # the bank, not a question
    assert "in 4 of 10 worded mcqs (40%; at most 30% allowed)" in lines[0]
    data = json.loads(cli("bank", "validate", str(path), "--json").stdout)
    assert [i["id"] for i in data["issues"]] == [""]


def test_key_longest_share_of_thirty_percent_passes(cli, tmp_path):
    text = "".join(_worded(f"fair-share-{i}", key_longest=i < 3) for i in range(10))
    assert cli("bank", "validate", str(_write(tmp_path, text))).exit_code == 0


def test_share_is_not_judged_on_a_handful_of_questions(cli, tmp_path):
    text = "".join(_worded(f"fair-few-{i}", key_longest=True) for i in range(2))
    assert cli("bank", "validate", str(_write(tmp_path, text))).exit_code == 0


@pytest.mark.parametrize(
    "explanation",
    [
        "Option A is right.",
        "The second option swaps the two.",
        "the first choice forgets the bias",
        "(b) forgets the bias",
        "answer C treats it as linear",
        "the second and fourth choices describe what it fixes",
        "The last two ignore the difference.",
        "choices B and D are wrong",
    ],
)
def test_explanation_naming_a_choice_by_position_fails(cli, tmp_path, explanation):
    choices = ["Alpha", "Beta", "Gamma", "Delta"]
    path = _write(tmp_path, _mcq("fair-pos", choices, explanation=explanation))
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 1
    assert "[fair-pos]: explanation: names a choice by position" in res.stdout


@pytest.mark.parametrize(
    "explanation",
    [
        "With D = sigmoid(a) the loss saturates.",
        "2.7 (e) is the limit of (1 + 1/n)^n.",  # four choices: (e) is Euler's number
        "The answer a student gives first is often the sign error.",
        "The last two layers are fully connected.",
        "An A-level answer names the bias.",
    ],
)
def test_explanation_without_positions_passes(cli, tmp_path, explanation):
    choices = ["Alpha", "Beta", "Gamma", "Delta"]
    path = _write(tmp_path, _mcq("fair-ok", choices, explanation=explanation))
    res = cli("bank", "validate", str(path))
    assert res.exit_code == 0, res.stdout
    assert names_position(explanation, 4) is None


def test_stats_reports_the_length_figures(cli, tmp_path):
    text = "".join(_worded(f"fair-st-{i}", key_longest=i < 3) for i in range(10))
    bank = ["--no-bundled", "--bank", str(_write(tmp_path, text))]
    data = json.loads(cli("bank", "stats", *bank, "--json").stdout)
    assert data["choices"] == {
        "worded_mcq": 10,
        "key_longest": 3,
        "key_longest_share": 0.3,
        "key_longest_max": 0.3,
        "key_ratio_1_5x": 0,
        "key_length_rank": {"1": 3, "4": 7},
    }
    out = cli("bank", "stats", *bank).stdout
    assert "key is the strictly longest choice: 3 (30%; at most 30%)" in out
    assert "key >= 1.5x the longest distractor: 0" in out
    assert "key's length rank (1 = longest): 1: 3, 4: 7" in out


def test_a_long_key_does_not_stop_a_quiz(cli, tmp_path):
    """Loading a bank for a quiz keeps the structural checks only."""
    path = _write(tmp_path, _mcq("fair-quiz", [LONG_KEY, "Short wrong one", "Another", "No"]))
    res = cli("quiz", "--no-bundled", "--bank", str(path), "--print", "--seed", "1")
    assert res.exit_code == 0, res.stdout


def test_bundled_bank_figures_are_within_the_limits(cli):
    data = json.loads(cli("bank", "stats", "--json").stdout)["choices"]
    assert data["worded_mcq"] >= 80
    assert data["key_longest_share"] <= 0.30
    assert data["key_ratio_1_5x"] == 0
    # no other rank takes over as the cue ("pick the second longest")
    assert max(data["key_length_rank"].values()) <= 0.4 * data["worded_mcq"]
