"""Every multi-part template gives follow-through marks: a student whose part (a) is wrong
and whose later parts are computed correctly from it (to 4 significant figures) loses only
the marks of (a)."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc.check.address import lookup, parse_key
from dlcalc.engine._working import Patch
from dlcalc.quiz.generate import instantiate
from dlcalc.quiz.grading import grade_parts
from dlcalc.quiz.loading import load_bank

TEMPLATES = [q for q in load_bank().questions if q.parts]


def _text(value) -> str:
    cells = np.ravel(np.asarray(value, dtype=float))
    return ",".join(str(int(x)) if float(x).is_integer() else f"{x:.3e}" for x in cells)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("question", TEMPLATES, ids=lambda q: q.id)
def test_a_wrong_first_part_carries_forward(question, seed):
    item = instantiate(question, seed)
    sol = item.solution
    keys = [part.key for part in item.parts]
    first = parse_key(keys[0])
    true = np.asarray(lookup(sol, first), dtype=float)
    wrong = true + 1 if np.all(true == np.round(true)) else true * 1.1  # not a named slip
    wrong_text = _text(wrong)
    # the later parts as the student computes them: from their own (a), the rest right
    written = np.asarray([float(x) for x in wrong_text.split(",")]).reshape(true.shape)
    name = first.name
    rows = {n for n, at in sol.order if at is not None}
    if name in rows and not first.index and written.ndim:
        patch = Patch([((r,), written[r]) for r in range(written.shape[0])])
    else:
        patch = Patch([(first.index, written if written.ndim else float(written))])
    own = sol.replay({name: patch})
    texts = [wrong_text] + [_text(lookup(own, parse_key(k))) for k in keys[1:]]
    verdict = grade_parts(item, texts)
    later = [p.verdict for p in verdict.parts[1:]]
    assert all(v in ("right", "follow_through") for v in later), (keys, texts, later)
    assert verdict.score == item.marks - item.parts[0].marks
