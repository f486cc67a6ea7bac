"""The services the console starts with import nothing the start-up does not use (issue 7).

scipy (~0.25 s) is needed only for the first runner preview, and the reference server's stack
(FastAPI, uvicorn, pydantic) belongs to ``amk-dispatchd``'s process; either one imported by the
console's services again would cost every start of the console that much, silently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = ("scipy", "folium", "fastapi", "uvicorn", "pydantic", "starlette")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys, json\n{code}\n"
        f"print(json.dumps(sorted(m for m in {NOT_AT_START!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_the_console_services_import_no_scipy_and_no_server() -> None:
    assert _loaded_after("import console.services.console_services") == []


def test_scipy_comes_with_the_first_preview_index() -> None:
    """The index answers from its overlay without scipy, and imports it to build its tree."""
    code = (
        "from console.domain.spatial_index import PointIndex\n"
        "index = PointIndex()\n"
        "index.insert('r1', 55.68, 12.57)\n"
        "index.insert('r2', 55.70, 12.57)\n"
        "assert [n.id for n in index.nearest(55.68, 12.57, 1, 5000.0)] == ['r1']\n"
        "assert 'scipy' not in sys.modules\n"
        "index.compact()\n"
        "assert [n.id for n in index.nearest(55.685, 12.57, 2, 5000.0)] == ['r1', 'r2']\n"
    )
    assert _loaded_after(code) == ["scipy"]
