"""export moodle / export gift (issue 20): parsed back, keys from the engine, misconception
answers, the precision rule's tolerances, cloze and GIFT syntax, seeds."""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import pytest

from dlcalc.ops import TOPICS, run
from dlcalc.quiz.gift import gift, gift_escape
from dlcalc.quiz.lms import variants
from dlcalc.quiz.loading import load_bank
from dlcalc.quiz.moodle import cloze_escape, moodle_xml

N, SEED = 3, 11


@pytest.fixture(scope="module")
def bank():
    return load_bank([], bundled=True).select([], [])


@pytest.fixture(scope="module")
def xml_text(bank):
    return moodle_xml(bank, variants=N, seed=SEED)


@pytest.fixture(scope="module")
def root(xml_text):
    return ET.fromstring(xml_text)


@pytest.fixture(scope="module")
def by_name(root):
    return {
        q.findtext("name/text"): q for q in root.iter("question") if q.get("type") != "category"
    }


@pytest.fixture(scope="module")
def gift_text(bank):
    return gift(bank, variants=N, seed=SEED)


def _calc(bank):
    return [q for q in bank if q.kind == "calc"]


def _names(q, n=N):
    return [f"{q.id} v{k:02d}" for k in range(1, n + 1)]


# ---------------------------------------------------------------- a small cloze parser

# Moodle's own pattern (qtype_multianswer): a field ends at the first "}", an answer's
# feedback at the first "~" or "}" (not after a backslash); feedback is HTML (entities decoded).
CLOZE = re.compile(r"\{(\d*):(?:NUMERICAL|NM):((?:\\.|[^\\}])*)\}")
ALT = re.compile(r"(=|%(-?\d+)%)?(-?[0-9.]+(?:[eE][-+]?\d+)?)(?::([0-9.]+))?(?:#(.*))?", re.S)


def parse_cloze(text: str) -> list[dict]:
    """[{"weight", "answers": [(fraction, value, tolerance, feedback)]}] of a cloze text."""
    fields = []
    for m in CLOZE.finditer(text):
        answers = []
        for raw in re.split(r"(?<!\\)~", m.group(2)):
            am = ALT.fullmatch(raw)
            assert am, f"bad cloze answer {raw!r}"
            fraction = 100 if am.group(1) == "=" else int(am.group(2) or 0)
            feedback = html.unescape(am.group(5) or "")
            answers.append((fraction, float(am.group(3)), float(am.group(4) or 0), feedback))
        fields.append({"weight": int(m.group(1) or 1), "answers": answers})
    return fields


def _answers(q):
    return [
        (float(a.get("fraction")), float(a.findtext("text")), float(a.findtext("tolerance")), a)
        for a in q.findall("answer")
    ]


# ---------------------------------------------------------------- the rule, by hand


def _expected_tol(key: float, integer: bool) -> float:
    if integer or key == 0:
        return 0.0
    exponent = math.floor(math.log10(float(f"{abs(key):.3e}")))
    return 0.5 * 10.0 ** (exponent - 3)


def _scalars(value):
    import numpy as np

    arr = np.asarray(value)
    return arr.reshape(-1).tolist()


# ---------------------------------------------------------------- Moodle XML


def test_every_bank_question_appears(bank, by_name, root):
    counts = Counter(q.findtext("name/text") for q in root.iter("question"))
    for q in bank:
        if q.kind == "calc":
            for name in _names(q):
                assert counts[name] == 1, name
        else:
            assert counts[q.id] == 1, q.id
    assert len(by_name) == sum(N if q.kind == "calc" else 1 for q in bank)
    cats = [
        q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"
    ]
    assert cats == [f"$course$/COMP5329/{t}" for t in TOPICS if any(q.topic == t for q in bank)]


def test_each_question_sits_in_its_topic_category(bank, root):
    topic_of = {q.id: q.topic for q in bank}
    current = None
    for q in root.iter("question"):
        if q.get("type") == "category":
            current = q.findtext("category/text").rsplit("/", 1)[1]
            continue
        assert topic_of[q.findtext("name/text").split(" ")[0]] == current


def test_structure_moodle_reads(bank, by_name):
    """The fields Moodle's XML importer reads per type (docs.moodle.org, Moodle XML format)."""
    kinds = {q.id: q.kind for q in bank}
    want = {"mcq": {"multichoice"}, "essay": {"essay"}, "calc": {"numerical", "cloze"}}
    for name, q in by_name.items():
        assert q.get("type") in want[kinds[name.split(" ")[0]]]
        assert q.findtext("name/text")
        assert q.find("questiontext").get("format") == "html"
        assert q.findtext("questiontext/text")
        assert q.findtext("idnumber") == name.replace(" ", "-")
        assert float(q.findtext("defaultgrade")) > 0
        kind = q.get("type")
        if kind == "multichoice":
            assert q.findtext("single") == "true"
            fractions = [a.get("fraction") for a in q.findall("answer")]
            assert sorted(fractions) == ["0"] * (len(fractions) - 1) + ["100"]
            assert q.findtext("generalfeedback/text")
        elif kind == "numerical":
            answers = _answers(q)
            assert answers[0][0] == 100 and all(a[0] == 0 for a in answers[1:])
        elif kind == "essay":
            assert q.findtext("responseformat") == "editor"
            assert "Marking points" in q.findtext("graderinfo/text")
            assert "Model answer" in q.findtext("graderinfo/text")
        elif kind == "cloze":
            assert parse_cloze(q.findtext("questiontext/text"))


def test_mcq_right_choice_and_explanation(bank, by_name):
    for q in bank:
        if q.kind != "mcq":
            continue
        el = by_name[q.id]
        right = [a.findtext("text") for a in el.findall("answer") if a.get("fraction") == "100"]
        letter = q.get("answer").strip().upper()
        assert html.unescape(right[0]) == str(q.get("choices")["ABCDE".index(letter)])
        assert html.unescape(el.findtext("generalfeedback/text")).replace("<br>\n", "\n") == (
            q.get("explanation")
        )


def test_keys_are_the_engines_values_and_tolerances_follow_the_rule(bank, by_name):
    from dlcalc.check.address import lookup, parse_key
    from dlcalc.check.precision import is_integer_value

    checked = 0
    for q in _calc(bank):
        for name, item in zip(_names(q), variants(q, N, SEED), strict=True):
            sol = run(q.get("op"), {**(q.get("fixed") or {}), **item.params})
            keys = []
            for part in item.parts:
                value = sol.result[part.key] if part.key in sol.result else None
                if value is None:
                    value = lookup(sol, parse_key(part.key))
                keys += _scalars(value)
            el = by_name[name]
            if el.get("type") == "numerical":
                got = [(a[1], a[2]) for a in _answers(el) if a[0] == 100]
            else:
                fields = parse_cloze(el.findtext("questiontext/text"))
                got = [(f["answers"][0][1], f["answers"][0][2]) for f in fields]
                assert all(f["answers"][0][0] == 100 for f in fields)
            assert len(got) == len(keys), name
            for (value, tol), key in zip(got, keys, strict=True):
                assert value == pytest.approx(key, rel=1e-12, abs=1e-12), name
                want = _expected_tol(key, is_integer_value(key) or isinstance(key, int))
                assert tol == pytest.approx(want, rel=1e-9, abs=0), (name, key, tol)
                checked += 1
    assert checked > 3 * len(_calc(bank))


def test_conv_size_has_the_forgotten_bias_as_a_zero_answer(bank, by_name):
    found = 0
    for q in _calc(bank):
        if q.get("op") != "conv-size" or q.get("answer_key") != "params":
            continue
        for name, item in zip(_names(q), variants(q, N, SEED), strict=True):
            p = {**(q.get("fixed") or {}), **item.params}
            k, c, n = int(p["kernel"]), int(p["in_channels"]), int(p["out_channels"])
            no_bias = (k * k * c) * n  # by hand, not from dlcalc
            el = by_name[name]
            assert el.get("type") == "numerical"
            zero = {a[1]: a[3].findtext("feedback/text") for a in _answers(el) if a[0] == 0}
            assert no_bias in zero, (name, no_bias, zero)
            assert zero[no_bias].startswith(f"{no_bias}: the bias is missing")
            assert "(K*K*C + 1)*N" in zero[no_bias]
            assert float(_answers(el)[0][1]) == (k * k * c + 1) * n
            found += 1
    assert found >= 2 * N


def test_slips_differ_from_the_key_beyond_the_tolerance_and_are_distinct(by_name):
    seen_slip = 0
    for name, el in by_name.items():
        if el.get("type") == "numerical":
            groups = [[(a[0], a[1], a[2], "") for a in _answers(el)]]
        elif el.get("type") == "cloze":
            groups = [f["answers"] for f in parse_cloze(el.findtext("questiontext/text"))]
        else:
            continue
        for answers in groups:
            key, tol = answers[0][1], answers[0][2]
            values = [a[1] for a in answers[1:]]
            assert len(set(values)) == len(values), name
            for v in values:
                assert abs(v - key) > tol, name
                seen_slip += 1
    assert seen_slip > 50


def test_multi_part_cloze_carries_the_parts_marks(bank, by_name):
    q = next(q for q in bank if q.id == "cnn-parts-001")
    el = by_name[_names(q)[0]]
    assert el.get("type") == "cloze"
    fields = parse_cloze(el.findtext("questiontext/text"))
    assert [f["weight"] for f in fields] == [int(p["marks"]) for p in q.parts]
    item = variants(q, 1, SEED)[0]
    p = {**(q.get("fixed") or {}), **item.params}
    k, c, n = p["kernel"], p["in_channels"], p["out_channels"]
    params = fields[1]["answers"]
    assert params[0][1] == (k * k * c + 1) * n
    assert any(a[0] == 0 and a[1] == k * k * c * n and "bias" in a[3] for a in params)


def test_cloze_escape():
    text = 'a } b # c ~ d / e " f \\ g { h <i> & j'
    escaped = cloze_escape(text)
    assert not set(escaped) & set('}~{/"\\<>')
    field = "{1:NUMERICAL:=1:0#" + escaped + "~%0%2:0#" + escaped + "}"
    (parsed,) = parse_cloze(field)
    assert [a[3] for a in parsed["answers"]] == [text, text]
    assert [a[1] for a in parsed["answers"]] == [1, 2]


def test_xml_is_well_formed_and_texts_escaped(xml_text):
    assert xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    ET.fromstring(xml_text)  # the fixture already parsed it: no raw & or < in a text
    assert "&lt;br&gt;" in xml_text  # HTML in texts is escaped for XML


def test_same_seed_same_output_other_seed_other_variants(bank, xml_text, gift_text):
    calc = [q for q in bank if q.kind == "calc"][:12]
    assert moodle_xml(calc, variants=N, seed=SEED) == moodle_xml(calc, variants=N, seed=SEED)
    assert moodle_xml(bank, variants=N, seed=SEED) == xml_text
    assert gift(bank, variants=N, seed=SEED) == gift_text
    other = ET.fromstring(moodle_xml(calc, variants=N, seed=SEED + 1))
    mine = ET.fromstring(moodle_xml(calc, variants=N, seed=SEED))
    texts = [q.findtext("questiontext/text") for q in mine.iter("question")]
    others = [q.findtext("questiontext/text") for q in other.iter("question")]
    assert sum(a != b for a, b in zip(texts, others, strict=True)) >= len(calc)


def test_variants_of_one_template_differ(bank):
    q = next(q for q in bank if q.id == "cnn-calc-102")
    drawn = [tuple(sorted(it.params.items())) for it in variants(q, 10, SEED)]
    assert len(set(drawn)) == 10  # a template with many combinations never repeats one


def test_cli_writes_moodle_and_gift(cli, only_good, tmp_path):
    for fmt, name in (("moodle", "q.xml"), ("gift", "q.gift")):
        target = tmp_path / name
        res = cli("export", fmt, *only_good, "--variants", "2", "--seed", "3", "--out", str(target))
        assert res.exit_code == 0, res.output
        text = target.read_text()
        assert "fx-cnn-calc-1 v02" in text and "fx-cnn-calc-1 v03" not in text
    root = ET.fromstring((tmp_path / "q.xml").read_text())
    assert root.tag == "quiz"


# ---------------------------------------------------------------- GIFT

GIFT_Q = re.compile(r"^::((?:\\.|[^\\:])+)::((?:\\.|[^\\{])*) \{((?:\\.|[^\\}])*)\}$", re.S)


def _gift_blocks(text):
    blocks = [b for b in text.strip().split("\n\n") if not b.startswith("$CATEGORY:")]
    out = []
    for b in blocks:
        lines = [ln for ln in b.split("\n") if not ln.startswith("//")]
        assert len(lines) == 1, b  # one question per line: line breaks are written \n
        m = GIFT_Q.match(lines[0])
        assert m, lines[0]
        out.append(m.groups())
    return out


def _unescaped(text):
    return re.sub(r"\\.", "", text)


def test_gift_every_question_present_and_escaped(bank, gift_text):
    blocks = _gift_blocks(gift_text)
    names = Counter(re.sub(r"\\(.)", r"\1", name) for name, _, _ in blocks)
    for q in bank:
        if q.kind == "calc":
            for base in _names(q):
                assert any(n == base or n.startswith(base + " (") for n in names), base
        else:
            assert names[q.id] == 1, q.id
    for name, text, _body in blocks:
        assert not set(_unescaped(name)) & set("~=#{}:")
        assert not set(_unescaped(text)) & set("~=#{}:"), text
    cats = re.findall(r"^\$CATEGORY: (.*)$", gift_text, re.M)
    assert cats == [f"$course$/COMP5329/{t}" for t in TOPICS if any(q.topic == t for q in bank)]


def test_gift_mcq_numerical_essay_syntax(bank, gift_text):
    by = {re.sub(r"\\(.)", r"\1", n): body for n, _, body in _gift_blocks(gift_text)}
    mcq = next(q for q in bank if q.kind == "mcq")
    body = by[mcq.id]
    answers, _, feedback = body.partition(" ####")
    assert len(re.findall(r"(?<!\\)=", answers)) == 1
    assert len(re.findall(r"(?<!\\)~", answers)) == len(mcq.get("choices")) - 1
    assert feedback
    essay = next(q for q in bank if q.kind == "essay")
    assert by[essay.id] == ""
    q = next(q for q in bank if q.id == "cnn-calc-102")
    item = variants(q, 1, SEED)[0]
    p = item.params
    k, c, n = p["kernel"], p["in_channels"], p["out_channels"]
    body = by[_names(q)[0]]
    assert body.startswith(f"#={(k * k * c + 1) * n}:0#right")
    assert f"=%0%{k * k * c * n}:0#{k * k * c * n}\\: the bias is missing" in body


def test_gift_tolerance_matches_moodle(by_name, gift_text):
    by = {re.sub(r"\\(.)", r"\1", n): body for n, _, body in _gift_blocks(gift_text)}
    for name, el in by_name.items():
        if el.get("type") != "numerical":
            continue
        key, tol = _answers(el)[0][1:3]
        m = re.match(r"#=(-?[0-9.]+):([0-9.]+)#", by[name])
        assert m, by[name]
        assert float(m.group(1)) == key and Decimal(m.group(2)) == Decimal(str(tol))


def test_gift_escape():
    assert gift_escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_gift_escapes_a_bank_with_special_characters(tmp_path):
    (tmp_path / "x.toml").write_text(
        """
[[question]]
id = "sp-mcq-1"
kind = "mcq"
topic = "cnn"
prompt = "Which is in {0, 1}: a = b ~ c # d < e?"
choices = ["x: 1", "y = 2", "z ~ 3", "{w}"]
answer = "A"
explanation = "x: 1 holds; y = 2 does not."
""",
        encoding="utf-8",
    )
    qs = load_bank([str(tmp_path)], bundled=False).select([], [])
    text = gift(qs, variants=1, seed=1)
    ((name, prompt, body),) = _gift_blocks(text)
    assert prompt == "[html]Which is in \\{0, 1\\}\\: a \\= b \\~ c \\# d &lt; e?"
    assert "=x\\: 1" in body and "~y \\= 2" in body and "~\\{w\\}" in body
    root = ET.fromstring(moodle_xml(qs, variants=1, seed=1))
    q = root.find("question[@type='multichoice']")
    assert q.findtext("questiontext/text") == "Which is in {0, 1}: a = b ~ c # d &lt; e?"
    assert "// [id:sp-mcq-1] [tag:cnn] [tag:mcq]" in text


@pytest.mark.parametrize(
    ("value", "text", "tol"),
    [
        (1.900050026, "1.900", "0.0005"),
        (0.000123456, "0.0001235", "0.00000005"),
        (123456.7, "123500", "50"),
        (9.99971, "10.00", "0.005"),  # rounds up to the next decade: 4 s.f. of 10.00
        (-0.5, "-0.5000", "0.00005"),
        (34848, "34848", "0"),
    ],
)
def test_shown_and_tolerance_at_four_significant_figures(value, text, tol):
    from dlcalc.quiz.lms import number, shown, tolerance

    assert shown(value) == text
    assert number(tolerance(value, isinstance(value, int))) == tol


# ------------------------------------------- what Moodle's importers read, ported

# qtype_multianswer's patterns (question/type/multianswer/questiontype.php), PCRE -> re:
# the one variable-width look-behind split into three fixed-width ones.
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALT = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL_ALT = f"^({_NUMBER})(:{_NUMBER})?$"
_ANSWER_REGEX = r"\{([0-9]*):((NUMERICAL|NM)):" + f"({_ALT}(~{_ALT})*)" + r"\}"


def moodle_extract(text: str):
    """qtype_multianswer_extract_question for NUMERICAL fields: (text left, subquestions)."""
    subs = []
    while m := re.search(_ANSWER_REGEX, text, re.S):
        remaining, answers = m.group(4), []
        while a := re.search("~?" + _ALT, remaining, re.S):
            fraction = 1.0 if a.group(1) == "=" else 0.01 * float(a.group(2) or 0)
            feedback = html.unescape(a.group(5) or "").replace("\\}", "}").replace("\\#", "#")
            n = re.search(_NUMERICAL_ALT, a.group(3), re.S)
            assert n, f"not a number: {a.group(3)!r}"
            answers.append((fraction, float(n.group(1)), float(n.group(6) or 0), feedback))
            remaining = remaining.split(a.group(0), 1)[1]
        subs.append((int(m.group(1) or 1), answers))
        text = text.replace(m.group(0), "{#" + str(len(subs)) + "}", 1)
    return text, subs


def test_cloze_questions_read_as_moodle_reads_them(bank, by_name):
    from dlcalc.quiz.lms import fields

    checked = 0
    for q in _calc(bank):
        for name, item in zip(_names(q), variants(q, N, SEED), strict=True):
            el = by_name[name]
            if el.get("type") != "cloze":
                continue
            text, subs = moodle_extract(el.findtext("questiontext/text"))
            assert "NUMERICAL" not in text, name  # every field was recognised
            want = fields(item)
            assert len(subs) == len(want), name
            assert float(el.findtext("defaultgrade")) == sum(w for w, _ in subs)
            for (weight, answers), f in zip(subs, want, strict=True):
                assert weight == f.weight
                assert answers[0][:3] == (1.0, float(f.key), float(f.tolerance)), name
                assert [a[0] for a in answers[1:]] == [0.0] * len(f.slips)
                assert [a[1] for a in answers[1:]] == [float(s.value) for s in f.slips]
                assert [a[3] for a in answers[1:]] == [s.feedback for s in f.slips], name
            checked += 1
    assert checked >= 10


# qformat_gift's reading (question/format/gift/format.php): escapes to placeholders first.
_GIFT_ESC = {
    "\\:": "\x01",
    "\\#": "\x02",
    "\\=": "\x03",
    "\\{": "\x04",
    "\\}": "\x05",
    "\\~": "\x06",
}


def _gift_pre(text):
    text = text.replace("\\\\", "\x00")
    for esc, ph in _GIFT_ESC.items():
        text = text.replace(esc, ph)
    return text.replace("\\n", "\n").replace("\x00", "\\")


def _gift_post(text):
    for esc, ph in _GIFT_ESC.items():
        text = text.replace(ph, esc[1])
    return text


def gift_read(block: str) -> dict:
    """One GIFT question as qformat_gift reads it (name, text, type, answers)."""
    lines = [ln for ln in block.split("\n") if not ln.startswith("//")]
    text = _gift_pre("\n".join(lines).strip())
    assert text.startswith("::")
    name, _, text = text[2:].partition("::")
    start, finish = text.index("{"), text.index("}")
    answer = text[start + 1 : finish].strip()
    out = {"name": _gift_post(name), "text": _gift_post(text[:start]), "general": ""}
    if "####" in answer:
        answer, _, general = answer.rpartition("####")
        out["general"], answer = _gift_post(general), answer.strip()
    if answer == "":
        out["type"] = "essay"
    elif answer[0] == "#":
        out["type"], out["answers"] = "numerical", []
        parts = [p.strip() for p in answer[1:].split("=")]
        for part in parts[1:] if not parts[0] else parts:
            w = re.match(r"^%-?([0-9]{1,2})\.?([0-9]*)%", part)
            weight = float(w.group(1)) / 100 if w else 1.0
            part = part[w.end() :] if w else part
            value, _, feedback = part.partition("#")
            ans, _, tol = value.partition(":")
            out["answers"].append((weight, float(ans), float(tol or 0), _gift_post(feedback)))
    else:
        out["type"] = "multichoice"
        choices = [c.strip() for c in answer.replace("=", "~=").split("~") if c.strip()]
        out["answers"] = [(c[0] == "=", _gift_post(c.lstrip("="))) for c in choices]
    return out


def test_gift_reads_as_moodle_reads_it(bank, gift_text):
    from dlcalc.quiz.lms import fields

    blocks = [b for b in gift_text.strip().split("\n\n") if not b.startswith("$CATEGORY:")]
    read = {r["name"]: r for r in map(gift_read, blocks)}
    for q in bank:
        if q.kind == "mcq":
            r = read[q.id]
            assert r["type"] == "multichoice"
            right = [html.unescape(t) for ok, t in r["answers"] if ok]
            letter = q.get("answer").strip().upper()
            assert right == [q.get("choices")["ABCDE".index(letter)]]
            assert len(r["answers"]) == len(q.get("choices"))
            assert html.unescape(r["general"].replace("<br>", "\n")) == q.get("explanation")
        elif q.kind == "essay":
            assert read[q.id]["type"] == "essay"
        else:
            for name, item in zip(_names(q), variants(q, N, SEED), strict=True):
                fs = fields(item)
                for f in fs:
                    r = read[name if len(fs) == 1 and not item.multi else f"{name} ({f.label})"]
                    assert r["type"] == "numerical"
                    assert r["answers"][0][:3] == (1.0, float(f.key), float(f.tolerance))
                    slips = [(0.0, float(s.value), float(f.tolerance)) for s in f.slips]
                    assert [a[:3] for a in r["answers"][1:]] == slips
                    assert [html.unescape(a[3]) for a in r["answers"][1:]] == [
                        s.feedback for s in f.slips
                    ]
                    assert r["general"].startswith("<pre>")


def test_a_non_numeric_answer_is_an_input_error_naming_the_question(cli, tmp_path):
    (tmp_path / "v.toml").write_text(
        """
[[question]]
id = "x-calc-1"
kind = "calc"
topic = "rnn"
prompt = "A factor {factor} over {steps} steps: which regime?"
op = "vanishing"
answer_key = "regime"
[question.params]
factor = [0.5, 1.5]
steps = [10, 20]
""",
        encoding="utf-8",
    )
    for fmt in ("moodle", "gift"):
        res = cli("export", fmt, "--no-bundled", "--bank", str(tmp_path))
        assert res.exit_code == 2
        assert "x-calc-1" in res.output and "not a number" in res.output


def test_gift_to_stdout(cli, only_good):
    res = cli("export", "gift", *only_good, "--variants", "1")
    assert res.exit_code == 0
    assert res.output.startswith("$CATEGORY: $course$/COMP5329/cnn")
    assert "::fx-cnn-calc-1 v01::" in res.output
