"""The domain is pure: its tests must pass without Qt ever being imported.

``make test`` runs this folder in its own pytest process with pytest-qt disabled; this hook then
proves that nothing the domain imports pulled PySide6 in.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _domain_imports_no_qt(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not request.config.pluginmanager.has_plugin("pytest-qt"):
        leaked = sorted(
            name for name in sys.modules if name.split(".")[0] in {"PySide6", "shiboken6"}
        )
        assert not leaked, f"domain tests imported Qt: {leaked[:5]}"
