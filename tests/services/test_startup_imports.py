"""The services the console starts with import nothing the start-up does not use (issue 7).

scipy (~0.25 s) is needed only for the first runner preview, and the reference server's stack
(FastAPI, uvicorn, pydantic) belongs to ``amk-dispatchd``'s process; either one imported by the
console's services again would cost every start of the console that much, silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = ("scipy", "numpy", "folium", "fastapi", "uvicorn", "pydantic", "starlette")
#: The window's start-up also leaves out shapely (~70 ms): the service area is built in the
#: background a few seconds after the window is up, and the raise dialog only catches its error.
#: numpy (~80 ms) comes with that build or the first preview, whichever is first.
NOT_IN_THE_WINDOW = (*NOT_AT_START, "shapely")


def _probe(code: str) -> Any:
    """Run ``code`` in a fresh interpreter (offscreen Qt); the JSON its last line printed."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def _loaded_after(code: str, watched: tuple[str, ...] = NOT_AT_START) -> list[str]:
    loaded: list[str] = _probe(
        f"import sys, json\n{code}\n"
        f"print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))\n"
    )
    return loaded


def test_the_console_services_import_no_scipy_and_no_server() -> None:
    assert _loaded_after("import console.services.console_services") == []


def test_the_window_and_its_composition_import_no_geometry_library() -> None:
    assert _loaded_after("import console.ui.composition", NOT_IN_THE_WINDOW) == []


def test_numpy_comes_with_the_first_array_work() -> None:
    code = (
        "from console.domain.geometry import haversine_m, haversine_m_array\n"
        "assert haversine_m(55.0, 12.0, 55.1, 12.0) > 11_000\n"
        "assert 'numpy' not in sys.modules\n"
        "assert haversine_m_array(55.0, 12.0, [55.1], [12.0])[0] > 11_000\n"
    )
    assert _loaded_after(code) == ["numpy"]


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
    assert _loaded_after(code) == ["numpy", "scipy"]


def test_the_console_boots_its_non_qt_stack_before_pyside6() -> None:
    """PySide6's import hook reads the source of every module imported after it (~0.2 s of the
    start-up for SQLAlchemy's and httpx's modules), so :func:`console.ui.app.boot` imports
    them first; an import of either moved above it would bring that cost back."""
    probe = (
        "import json, sys\n"
        "from console.ui.app import boot\n"
        "from console.ui.options import parse_options\n"
        "assert 'PySide6' not in sys.modules and 'sqlalchemy' not in sys.modules\n"
        "order = []\n"
        "class Recorder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        order.append(name)\n"
        "sys.meta_path.insert(0, Recorder())\n"
        "app, loop, view = boot(parse_options(['--simulate']))\n"
        "print(json.dumps(order), flush=True)\n"
        "import os; os._exit(0)  # only the order matters; no Chromium shut-down to wait for\n"
    )
    order: list[str] = _probe(probe)
    assert order.index("sqlalchemy") < order.index("PySide6")
    assert order.index("httpx") < order.index("PySide6")
    assert "console.ui.composition" not in order  # the windows come after the map's start
