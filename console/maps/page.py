"""The map's web page object: its console goes to Python logging, and it never navigates away.

A JavaScript error in the map is a bug that would otherwise only show as a marker that did not
move; routing the page's console into logging (``console.maps.page``) makes it visible, and
makes it fail the tests. Navigation is locked to the map's own page: a link in an attribution or
a popup must not replace the dispatcher's map with a web page.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

from console.maps.scheme import INDEX_URL

log = logging.getLogger(__name__)

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


class MapPage(QWebEnginePage):
    def __init__(self, profile: QWebEngineProfile, parent: QObject | None) -> None:
        super().__init__(profile, parent)

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        log.log(_LEVELS.get(level, logging.ERROR), "map page: %s (%s:%d)", message, source, line)

    def acceptNavigationRequest(
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        target = QUrl(url) if isinstance(url, str) else url
        index = QUrl(INDEX_URL)
        if (target.scheme(), target.host(), target.path()) == (
            index.scheme(),
            index.host(),
            index.path(),
        ):
            return True
        log.warning("map page tried to navigate to %s; refused", target.toString())
        return False
