"""Write tests/render/golden/ (the golden renderings) from tests/render/cases.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "render"))

from cases import CASES, FORMATS, render  # noqa: E402

if __name__ == "__main__":
    out = ROOT / "tests" / "render" / "golden"
    out.mkdir(exist_ok=True)
    for command in CASES:
        for fmt in FORMATS:
            (out / f"{command}.{fmt}.txt").write_text(render(command, fmt))
    print(f"wrote {len(CASES) * len(FORMATS)} files to {out}")
