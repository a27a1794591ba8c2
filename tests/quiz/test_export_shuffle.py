"""Exports shuffle mcq choices with --seed (issue 16): the keys are not all "A", the same
seed gives the same export, and every key still names the correct choice."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections import Counter

from dlcalc.quiz.bank import bundled_bank_dir, load_paths

KEY = re.compile(r"^\*\*\d+\.\*\* `([^`]+)`: ([A-E])\. (.*)$", re.MULTILINE)


def _correct() -> dict[str, str]:
    """Bank id -> the text of its correct choice."""
    out = {}
    for q in load_paths([bundled_bank_dir()]).questions:
        if q.kind == "mcq":
            out[q.id] = q.get("choices")["ABCDE".index(q.get("answer"))]
    return out


def _anki_backs(cli, tmp_path, *args) -> dict[str, str]:
    out = tmp_path / f"deck{len(list(tmp_path.iterdir()))}.apkg"
    res = cli("export", "anki", "--kind", "mcq", "--out", str(out), *args)
    assert res.exit_code == 0, res.stderr
    sub = tmp_path / out.stem
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", sub)
    con = sqlite3.connect(sub / "collection.anki2")
    try:
        rows = con.execute("SELECT flds FROM notes").fetchall()
    finally:
        con.close()
    # fields: Front, Back, Topic, Id (separated by 0x1f)
    return {f.split("\x1f")[3]: f.split("\x1f")[1] for (f,) in rows}


def test_markdown_keys_are_spread_and_name_the_correct_choice(cli):
    text = cli("export", "markdown", "--kind", "mcq").stdout
    keys = KEY.findall(text)
    correct = _correct()
    assert len(keys) == len(correct)
    letters = Counter(letter for _, letter, _ in keys)
    assert letters["A"] < 0.4 * len(keys), letters
    assert len(letters) >= 4
    for qid, letter, shown in keys:
        assert shown == correct[qid]
        block = text[text.index(f"`{qid}`") :]
        assert f"- **{letter}.** {shown}\n" in block


def test_markdown_same_seed_same_sheet_other_seed_other_order(cli):
    a = cli("export", "markdown", "--kind", "mcq").stdout
    assert cli("export", "markdown", "--kind", "mcq").stdout == a
    b = cli("export", "markdown", "--kind", "mcq", "--seed", "7").stdout
    assert cli("export", "markdown", "--kind", "mcq", "--seed", "7").stdout == b
    assert a != b


def test_anki_keys_are_spread_and_reproducible(cli, tmp_path):
    backs = _anki_backs(cli, tmp_path)
    letters = Counter(re.match(r"<b>([A-E])\.", b).group(1) for b in backs.values())
    assert letters["A"] < 0.4 * len(backs), letters
    assert _anki_backs(cli, tmp_path) == backs
    other = _anki_backs(cli, tmp_path, "--seed", "7")
    assert other.keys() == backs.keys() and other != backs


def test_exports_draw_several_variants_of_each_calc_template(tmp_path):
    # issue 16: --variants N gives N drawn questions per calc template (the Moodle draws)
    from dlcalc.quiz.export import anki_package, bank_markdown
    from dlcalc.quiz.loading import load_bank

    questions = load_bank().select(["cnn"], ["calc"])
    one = bank_markdown(questions, seed=1)
    three = bank_markdown(questions, seed=1, variants=3)
    assert three.count("<summary>Answer</summary>") == 3 * one.count("<summary>Answer</summary>")
    assert anki_package(questions, tmp_path / "d.apkg", seed=1, variants=3) == 3 * len(questions)
