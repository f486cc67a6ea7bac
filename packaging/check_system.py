"""Check that the system libraries Qt and QtWebEngine load are present; install them if we can.

PySide6's wheels carry Qt itself but not the X11/NSS/ALSA libraries Chromium links against. On a
fresh Debian machine some are missing, and the failure shows up much later as an obscure
ImportError inside a test. This runs once from ``make install`` and either fixes the machine (as
root with apt-get) or stops with the exact package names to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Debian package names for the shared libraries QtWebEngine and the xcb/offscreen platforms load.
DEBIAN_PACKAGES = [
    "libnss3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxkbfile1",
    "libgbm1",
    "libasound2",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libxshmfence1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libpulse0",
    "libpulse-mainloop-glib0",
    "libxcb-xkb1",
    "libxss1",
    "libcups2",
    "libatk-bridge2.0-0",
    "libatspi2.0-0",
    "fonts-dejavu-core",
]

PROBE = "import PySide6.QtWebEngineWidgets, PySide6.QtWebEngineCore, PySide6.QtMultimedia"


def _probe() -> str | None:
    """Import QtWebEngine in a child process; return its error text, or None when it loads."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False
    )
    return None if result.returncode == 0 else (result.stderr.strip() or "import failed")


def _missing_debian_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for name in DEBIAN_PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def main() -> int:
    error = _probe()
    if error is None:
        return 0
    missing = _missing_debian_packages()
    can_install = bool(missing) and shutil.which("apt-get") and os.geteuid() == 0
    if can_install:
        print(f"QtWebEngine needs system libraries; installing: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            check=True,
            env=env,
        )
        error = _probe()
        if error is None:
            return 0
    print("QtWebEngine cannot load on this machine:", file=sys.stderr)
    print(error.splitlines()[-1] if error else "", file=sys.stderr)
    if missing:
        names = " ".join(missing)
        print(f"Install these system packages: apt-get install {names}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
