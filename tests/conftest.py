"""Test-wide set-up that must happen before anything imports Qt.

Qt reads its platform and Chromium's flags from the environment when it starts, so they are set
here, at import, rather than in a fixture. ``--no-sandbox`` is only needed as root, which CI is.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from console.ui.chromium_flags import set_chromium_flags

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
set_chromium_flags()

#: Fixtures more than one folder uses: the real server with its proxy and driver, a cache file.
#: None of these modules imports Qt, so the environment above is still set first.
pytest_plugins = ["tests.support.live_fixtures", "tests.support.cache_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_log_warnings: the test expects WARNING or worse log records (it checks them itself)",
    )


@pytest.fixture(autouse=True)
def _logged_warnings_fail(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Noise fails: a WARNING or worse logged during a test is a failure unless the test says so.

    A test that provokes a warning on purpose marks itself ``allow_log_warnings`` and asserts on
    ``caplog`` itself; anything else logged at that level is a bug we would otherwise never see.
    """
    caplog.set_level(logging.INFO)
    yield
    if request.node.get_closest_marker("allow_log_warnings"):
        return
    loud = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if loud:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in loud[:10])
        pytest.fail(f"unexpected log records at WARNING or above:\n{lines}", pytrace=False)
