"""Raising an alert from the window: one dialog at a time, from F2, the toolbar or the map.

The window keeps the missions, the selection and the link; this keeps the raise dialog's life.
It opens the dialog, or brings the open one forward with the place picked on the map. It gives
the dialog its port: the coverage preview (runners from the service, AEDs available now, drawn
on the map with the 5 km circle in view) and the submit through the outbox. While the dialog
is open, map clicks go to it, and so does each change of the link. The window hears back only
that a mission was raised. Taken out of the window so that each module keeps one concern.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QMenu, QWidget

from console.cache.outbox import OutboxEntry
from console.domain.constants import ALERT_RADIUS_M
from console.domain.model import AgeGroup, LatLon, Runner
from console.maps import MapView
from console.services.console_services import ConsoleServices
from console.services.tasks import TaskKeeper
from console.ui.coverage import AedLocator, Coverage, coverage
from console.ui.raise_dialog import RaiseDialog, RaisePort

if TYPE_CHECKING:
    from console.domain.service_area import ServiceArea

#: Zoom of the map while previewing an alert: the whole 5 km circle in a map of ~500 px.
PREVIEW_ZOOM = 12


class RaiseFlow(QObject):
    #: The alert's mission appeared in the list (its id).
    raised = Signal(str)

    def __init__(
        self,
        window: QWidget,
        services: ConsoleServices,
        map_view: MapView,
        *,
        tasks: TaskKeeper,
        service_area: Callable[[], ServiceArea],
        server_now: Callable[[], datetime],
        aed_locator: Callable[[], AedLocator],
        can_raise: Callable[[], bool],
        link: Callable[[], tuple[bool, str]],
    ) -> None:
        """``can_raise``: whether the raise action is enabled now; ``link``: whether the link
        is live and, if not, why (the dialog says so and will not send)."""
        super().__init__(window)
        self._window = window
        self._services = services
        self._map = map_view
        self._tasks = tasks
        self._service_area = service_area
        self._server_now = server_now
        self._aed_locator = aed_locator
        self._can_raise = can_raise
        self._link = link
        self.dialog: RaiseDialog | None = None
        map_view.map_clicked.connect(self._map_clicked)

    def open(self, at: LatLon | None = None) -> RaiseDialog | None:
        """The dialog, opened or brought forward; at a place picked on the map if ``at``."""
        if not self._can_raise():
            return None
        dialog = self.dialog
        if dialog is None:
            dialog = RaiseDialog(self._port(), self._window)
            dialog.raised.connect(self.raised)
            dialog.finished.connect(self._finished)
            self.dialog = dialog
            dialog.set_live(*self._link())
            dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if at is not None:
            dialog.set_location_from_map(at.lat, at.lon)
        else:
            dialog.location.setFocus()
        return dialog

    def set_live(self, live: bool, why: str) -> None:
        if self.dialog is not None:
            self.dialog.set_live(live, why)

    def close(self) -> None:
        """The window is going: the open dialog goes with it, nothing sent."""
        if self.dialog is not None:
            self.dialog.reject()

    def context_menu(self, lat: float, lon: float, where: QPoint) -> None:
        """The map's right-click menu: raise an alert at that point."""
        menu = QMenu(self._window)
        menu.setObjectName("mapMenu")
        action = menu.addAction(self.tr("Raise alert here (F2)"))
        action.setEnabled(self._can_raise())
        action.triggered.connect(lambda: self.open(LatLon(lat, lon)))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(where)

    def _finished(self, _: int) -> None:
        dialog = self.dialog
        self.dialog = None
        if dialog is not None:
            dialog.deleteLater()
        self._window.activateWindow()  # keys go back to the window (F3, F4...) at once

    def _map_clicked(self, lat: float, lon: float) -> None:
        if self.dialog is not None:
            self.dialog.set_location_from_map(lat, lon)

    def _port(self) -> RaisePort:
        missions = self._services.missions

        async def submit(location: LatLon, address: str, age: AgeGroup, note: str) -> OutboxEntry:
            return await missions.raise_alert(location, address, age, note)

        return RaisePort(
            server_now=self._server_now,
            preview=self._preview,
            submit=submit,
            retry=missions.retry,
            commands=missions.commands,
            open_missions=missions.open_missions,
            tasks=self._tasks,
            service_area=self._service_area,
            show_preview=self._show_preview,
            clear_preview=self._map.clear_runner_preview,
        )

    def _show_preview(self, at: LatLon, runners: Sequence[Runner]) -> None:
        """The runners an alert would reach, on the map, with the 5 km circle in view."""
        self._map.show_runner_preview(at.lat, at.lon, ALERT_RADIUS_M, runners)
        self._map.set_view(at.lat, at.lon, PREVIEW_ZOOM)

    async def _preview(self, location: LatLon) -> tuple[Coverage, Sequence[Runner]]:
        preview = await self._services.runners.preview(location)
        await self._services.aeds.wait_loaded()  # the first third of a second after start-up
        result = coverage(preview, self._aed_locator(), self._server_now())
        return result, [candidate.runner for candidate in preview.candidates]
