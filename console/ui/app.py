"""``amk-console``: the Qt application, its event loop, and the process-wide set-up.

Order matters and is kept here: the command line is read before Qt starts (a usage error needs
no display), the environment for Qt and Chromium is set before the ``QApplication`` exists, the
map's URL scheme is registered before it too (importing :mod:`console.maps` does that), and the
qasync loop is made once, right after. ``faulthandler`` writes a traceback if the process
crashes in C++ (Qt, Chromium) instead of dying silently.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from console.ui.chromium_flags import set_chromium_flags
from console.ui.options import ConsoleOptions, parse_options

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from console.maps import MapView
    from console.ui.training_service import TrainingService

log = logging.getLogger("console.ui")


def prepare_environment(options: ConsoleOptions) -> None:
    """Environment Qt and Chromium read once, when they start."""
    if options.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    set_chromium_flags()


def launch_training(options: ConsoleOptions) -> TrainingService | None:
    """With ``--simulate``, the training service is started first of all: it loads its Denmark
    world (seconds) while the console imports Qt and builds its window. (A ``--screenshot``
    run keeps everything in a temporary directory of its own and starts its service there.)"""
    if not options.simulate or options.screenshot is not None:
        return None
    from console.ui.data_dirs import DataDirs
    from console.ui.training_service import training_service_for

    dirs = DataDirs.for_user(options.data_dir)
    dirs.ensure()
    training = training_service_for(options, dirs)
    training.launch()
    return training


def boot(options: ConsoleOptions) -> tuple[QApplication, asyncio.AbstractEventLoop, MapView]:
    """The process-wide start, in its one right order; ``main`` and the start-up bench use it.

    The non-Qt stack is imported before PySide6: once PySide6 is imported, its ``__feature__``
    import hook reads the source of every module imported after it, looking for "PySide6"
    (SQLAlchemy's and httpx's hundreds of modules cost about 0.2 s of the start-up that way).
    The map's view is made right after the application, so its renderer process starts and
    loads the page while Python imports the windows.
    """
    prepare_environment(options)
    importlib.import_module("console.services.console_services")  # before PySide6: see above
    from PySide6.QtWidgets import QApplication

    from console.maps import MapView  # registers the amk-map: scheme before the QApplication
    from console.ui.qt_async import install_loop

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("amk-console")
    app.setApplicationDisplayName("AMK Hjerteløber")
    app.setOrganizationName("AMK")
    # The window decides when the console ends (after a clean shut-down), not Qt.
    app.setQuitOnLastWindowClosed(False)
    loop = install_loop(app)
    return app, loop, MapView()


def main(argv: list[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    faulthandler.enable()
    training = launch_training(options)
    app, loop, map_view = boot(options)
    from console.ui.composition import run_console

    try:
        return loop.run_until_complete(run_console(options, app, map_view, training))
    except KeyboardInterrupt:
        return 130
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        del loop
        # Collect Python wrappers while Qt still exists, then destroy the application object:
        # left to the interpreter's final garbage collection, PySide's wrappers are freed after
        # Qt is gone and CPython aborts ("none_dealloc").
        gc.collect()
        app.shutdown()
