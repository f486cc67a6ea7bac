"""Set-up for the map tests: a real QWebEngineView, offscreen, shared per module where safe.

Qt reads its platform and Chromium's flags when it starts, and the ``amk-map:`` scheme must be
registered before the QApplication exists, so all three happen here at import (tests/conftest.py
sets the environment too; this keeps the folder runnable on its own).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    _flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in _flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{_flags} --no-sandbox".strip()

from map_harness import LogProblems, close_view, open_view
from PySide6.QtWidgets import QApplication

import console.maps  # noqa: F401  (registers the scheme before pytest-qt makes the app)
from console.maps import MapView

_HERE = Path(__file__).parent

#: What Qt says on a machine without a GPU (CI, offscreen): it falls back to software rendering.
#: Only these exact messages are let through; any other Qt warning still fails a test.
HEADLESS_GPU_NOISE = (
    r"^QRhiGles2: Failed to create (temporary )?context$",
    r"^Failed to create RHI for backend: OpenGL$",
    r"^This plugin does not support createPlatformVulkanInstance$",
    r"^QVulkanInstance: Failed to initialize Vulkan$",
    r"^GBM is not supported with the current configuration and Vulkan is not available\. "
    r"Fallback to software rendering\.$",
    r"^GPUInfo not initialized on GpuInfoUpdate$",
    r"^Unable to detect GPU vendor for device: .*$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*HEADLESS_GPU_NOISE))


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
