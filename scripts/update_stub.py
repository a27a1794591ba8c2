"""Write dlcalc/__init__.pyi (the typed API for IDEs and type checkers) from the registry.

Run after changing an operation's parameters; tests/test_api.py fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

from dlcalc.api import stub

PATH = Path(__file__).resolve().parent.parent / "dlcalc" / "__init__.pyi"

if __name__ == "__main__":
    import subprocess
    import sys

    PATH.write_text(stub())
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(PATH)], check=True)
    print(f"wrote {PATH}")
