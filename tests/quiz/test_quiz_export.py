"""Export: the Anki package is a zip with a valid SQLite collection; Markdown study sheet."""

from __future__ import annotations

import json
import sqlite3
import zipfile

from dlcalc.quiz.export import ANKI_DECK, ANKI_MODEL_ID, deck_id


def _notes(apkg, tmp_path) -> list[tuple]:
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
        notes = con.execute("SELECT mid, flds, tags FROM notes").fetchall()
        cards = con.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        con.close()
    assert cards == len(notes)
    return notes, decks


def test_anki_package_has_one_note_per_question(cli, only_good, tmp_path):
    out = tmp_path / "deck.apkg"
    res = cli("export", "anki", *only_good, "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert "wrote 6 notes" in res.stdout
    notes, decks = _notes(out, tmp_path)
    assert len(notes) == 6
    assert {mid for mid, _, _ in notes} == {ANKI_MODEL_ID}
    assert str(deck_id(f"{ANKI_DECK}::cnn")) in decks
    assert str(deck_id(f"{ANKI_DECK}::rl")) in decks
    fields = "\n".join(f for _, f, _ in notes)
    assert "a &lt; b &amp; c" in fields and "a < b & c" not in fields  # HTML-escaped


def test_anki_topic_filter_and_stable_ids(cli, only_good, tmp_path):
    out = tmp_path / "rl.apkg"
    cli("export", "anki", *only_good, "--topic", "rl", "--out", str(out))
    notes, decks = _notes(out, tmp_path)
    assert len(notes) == 1
    assert deck_id(f"{ANKI_DECK}::rl") == deck_id(f"{ANKI_DECK}::rl")
    assert str(deck_id(f"{ANKI_DECK}::rl")) in decks


def test_anki_bundled_bank(cli, tmp_path):
    out = tmp_path / "all.apkg"
    stats = json.loads(cli("bank", "stats", "--json").stdout)
    res = cli("export", "anki", "--out", str(out))
    assert res.exit_code == 0
    notes, _ = _notes(out, tmp_path)
    assert len(notes) == stats["total"]


def test_markdown_export(cli, only_good, tmp_path):
    res = cli("export", "markdown", *only_good)
    assert res.exit_code == 0
    text = res.stdout
    for qid in ("fx-cnn-mcq-1", "fx-cnn-mcq-2", "fx-cnn-mcq-3", "fx-rl-mcq-1", "fx-cnn-calc-1"):
        assert f"`{qid}`" in text
    assert text.count("<details>") == 6
    assert "## cnn" in text and "## rl" in text
    # choices are shuffled: the key names the letter Alpha is shown under
    import re

    block = text[text.index("`fx-cnn-mcq-1`") :]
    letter = re.search(r"- \*\*([A-E])\.\*\* Alpha\n", block).group(1)
    assert f"`fx-cnn-mcq-1`: {letter}. Alpha" in text
    out = tmp_path / "bank.md"
    cli("export", "markdown", *only_good, "--kind", "essay", "--out", str(out))
    assert out.read_text().count("<details>") == 1


def test_export_errors(cli):
    cli.error("export", "anki", "--out", "x.apkg", "--topic", "bogus", flag="--topic")
    res = cli("export", "anki")
    assert res.exit_code == 2 and "--out" in res.stderr
