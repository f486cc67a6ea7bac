"""Chromium's command line for the map's web engine, put in the environment before Qt starts.

QtWebEngine reads ``QTWEBENGINE_CHROMIUM_FLAGS`` once, when its first profile is made, and
splits it at spaces. The console, its tests and its benchmarks all start Chromium through this
function, so the map they measure is the map that ships. No Qt here: it runs before PySide6 is
imported.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

FLAGS_ENV = "QTWEBENGINE_CHROMIUM_FLAGS"

#: Chromium refuses to run its sandbox as root (containers, CI); without this flag the map
#: would stay blank there.
NO_SANDBOX = "--no-sandbox"

#: V8's memory-saving mode for the page. With its default heap growth V8 let the page's heap
#: climb to ~50 MiB around a live set of ~18 MiB over a shift of missions, and the renderer
#: from ~45 to ~170 MiB of its own memory; with this mode the renderer levels off near 80 MiB
#: (``python -m bench console_memory``). The price is a slower page: 26,182 AEDs take ~12 ms
#: more to draw and 1,000 moves ~2 ms more (``python -m bench.bench_map``), far inside targets.
JS_FLAGS = "--js-flags=--optimize-for-size"


def set_chromium_flags(
    environ: MutableMapping[str, str] = os.environ, *, as_root: bool | None = None
) -> str:
    """Add the map's flags to those already set; a flag the user set wins (their own
    ``--js-flags`` replaces ours rather than being overridden by it). Returns the flags."""
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    flags = environ.get(FLAGS_ENV, "").split()
    if as_root and NO_SANDBOX not in flags:
        flags.append(NO_SANDBOX)
    if not any(flag.startswith("--js-flags") for flag in flags):
        flags.append(JS_FLAGS)
    environ[FLAGS_ENV] = " ".join(flags)
    return environ[FLAGS_ENV]
