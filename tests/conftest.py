"""Test-wide set-up that must happen before anything imports Qt.

Qt reads its platform and Chromium's flags from the environment when it starts, so they are set
here, at import, rather than in a fixture. ``--no-sandbox`` is only needed as root, which CI is.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
