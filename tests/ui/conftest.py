"""Set-up for the window tests: the map's URL scheme and one qasync loop.

Qt's platform and Chromium's flags are set by the root ``tests/conftest.py``, which pytest
imports before this one; the map's URL scheme must be registered before the QApplication
exists, so that happens here, at import. The console runs on the real qasync loop, as in the
application; tests are plain functions that drive it with :func:`ui_harness.run` and
:func:`ui_harness.wait_until`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import console.maps  # noqa: F401  (registers the scheme before pytest-qt makes the app)
from console.ui.qt_async import install_loop

_HERE = Path(__file__).parent

#: What Qt says offscreen on a machine without a GPU; only these exact messages are let through.
HEADLESS_NOISE = (
    r"^QRhiGles2: Failed to create (temporary )?context$",
    r"^Failed to create RHI for backend: OpenGL$",
    r"^This plugin does not support createPlatformVulkanInstance$",
    r"^QVulkanInstance: Failed to initialize Vulkan$",
    r"^GBM is not supported with the current configuration and Vulkan is not available\. "
    r"Fallback to software rendering\.$",
    r"^GPUInfo not initialized on GpuInfoUpdate$",
    r"^Unable to detect GPU vendor for device: .*$",
    # The offscreen platform cannot size native windows; a desktop platform can.
    r"^This plugin does not support propagateSizeHints\(\)$",
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*HEADLESS_NOISE))


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The console's event loop (qasync on the test QApplication), as the app makes it."""
    qapp.setQuitOnLastWindowClosed(False)
    loop = install_loop(qapp)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def loop(qloop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The loop, *running* for the whole test, as it is for the whole life of the app.

    In the app every Qt event is handled inside the running loop, so a slot may start a task.
    A test also processes Qt events outside :func:`ui_harness.run` (``qtbot.keyClick``), so the
    loop is marked running for the test's duration.
    """
    asyncio.set_event_loop(qloop)  # pytest-asyncio may have set its own for an async test
    previous = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(qloop)
    yield qloop
    asyncio.events._set_running_loop(previous)
