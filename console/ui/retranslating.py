"""The one place that turns Qt's LanguageChange into a widget setting its words again.

Installing another translator (Settings → Language) makes Qt send every widget a
``LanguageChange`` event; a widget that builds its words in ``_retranslate()`` (once when
made, then on each such event) needs nothing more than this mixin before its Qt base class.
Dialogs whose button box must have relabelled its own buttons first handle ``event()``
themselves (login and steering dialogs), and so do table models (a QObject has no
``changeEvent``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent


class Retranslating:
    #: The widget's own: sets every word it shows, from its current state.
    _retranslate: Callable[[], None]

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)  # type: ignore[misc]
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
