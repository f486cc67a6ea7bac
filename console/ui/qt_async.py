"""asyncio on Qt's event loop, set up in this one place, and dialogs awaited without nesting.

:func:`install_loop` makes the qasync loop (the only event loop the console has); every
coroutine of the services then runs on the GUI thread between Qt events, so their plain-Python
callbacks may touch widgets directly. :func:`finished` turns a dialog opened with ``open()`` or
``show()`` into an awaitable: ``QDialog.exec()`` would start a nested event loop inside a
coroutine, which qasync cannot survive.
"""

from __future__ import annotations

import asyncio
import os

os.environ.setdefault("QT_API", "pyside6")  # qasync picks its binding from this

import qasync
from PySide6.QtWidgets import QApplication, QDialog


def install_loop(app: QApplication) -> asyncio.AbstractEventLoop:
    """The console's event loop: Qt's, driven by qasync; set as the current asyncio loop."""
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def finished(dialog: QDialog) -> asyncio.Future[int]:
    """A future for the dialog's result code; the dialog must be opened by the caller."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(done)
    return future


async def ask(dialog: QDialog) -> bool:
    """Open ``dialog`` window-modally and wait for it; True when accepted."""
    outcome = finished(dialog)
    dialog.open()
    return await outcome == QDialog.DialogCode.Accepted
