"""Set-up for the map tests: a real QWebEngineView, offscreen, shared per module where safe.

The ``amk-map:`` scheme must be registered before the QApplication exists, so it happens here at
import. Qt's platform and Chromium's flags are set by tests/conftest.py, which pytest always loads
first; the headless GPU notices Qt prints are let through by ``qt_log_ignore`` in pyproject.toml.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from map_harness import LogProblems, close_view, open_view
from PySide6.QtWidgets import QApplication

import console.maps  # noqa: F401  (registers the scheme before pytest-qt makes the app)
from console.maps import MapView


@pytest.fixture(scope="module")
def map_problems() -> Iterator[LogProblems]:
    """Every warning or error the map logs while a module's views live, JavaScript's included.

    The test-wide check only sees a test's call phase; the page loads during fixture set-up, so
    this handler watches the whole life of the module's views and fails at the end if anything
    was logged that a test did not take.
    """
    handler = LogProblems()
    logger = logging.getLogger("console.maps")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    left = handler.take()
    assert not left, "the map logged problems:\n" + "\n".join(left)


@pytest.fixture(scope="module")
def map_view(qapp: QApplication, map_problems: LogProblems) -> Iterator[MapView]:
    """One ready map per test module (tests use their own mission ids, or clear what they add)."""
    view = open_view()
    assert not map_problems.take(), "loading the map logged problems"
    yield view
    close_view(view)
