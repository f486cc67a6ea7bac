"""The dispatcher's window: missions on the left, the map in the centre, responders below it.

The window only subscribes and formats. Everything it shows comes from the services'
observable models (open missions, AEDs, link status, commands) and the mission log; everything
it does goes through :class:`console.services.missions.MissionService`, whose commands pass the
outbox. Updates are coalesced: all changes from one committed batch of events reach the table
and the map in one pass on the next turn of the event loop, so a burst of 100 events is one
repaint, not 100.

A new language applies at once: the window swaps the translators (:class:`console.ui.i18n.
Translation`), Qt sends ``LanguageChange`` to every widget, and each sets its words again in its
``_retranslate`` — the window its title, menus, labels, actions and the texts it builds from
state; the tables, the panel, the bands, the status bar and the map their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.api.problems import ApiError
from console.cache.outbox import OutboxEntry, OutboxState
from console.domain.model import (
    Event,
    EventType,
    LatLon,
    Mission,
    ResponderState,
)
from console.maps import MapView
from console.services.console_services import ConsoleServices
from console.services.link import LinkState, LinkStatus
from console.services.observable import Change, ChangeKind, Unsubscribe
from console.services.server_clock import ServerClock
from console.services.tasks import TaskKeeper
from console.ui import i18n, texts
from console.ui.actions import WindowActions
from console.ui.aed_presenter import AedPresenter
from console.ui.banners import (
    CommandBanners,
    NotLiveBanner,
    ReadOnlyBanner,
    TrainingBanner,
)
from console.ui.login_dialog import LoginDialog
from console.ui.map_context import MapContext, ShortcutKeeper
from console.ui.map_fit import mission_view
from console.ui.mission_list import MissionListModel
from console.ui.mission_log import MissionLog
from console.ui.mission_panel import MissionPanel
from console.ui.mission_view_model import (
    accepted_count,
    first_arrival,
    needs_more,
    new_acceptances,
    responder_rows,
)
from console.ui.qt_async import ask
from console.ui.raise_dialog import RaiseDialog
from console.ui.raise_flow import RaiseFlow
from console.ui.responder_table import ResponderTableModel
from console.ui.retranslating import Retranslating
from console.ui.settings import ConsoleSettings, SettingsStore
from console.ui.settings_dialog import SettingsDialog
from console.ui.sound import SoundCue
from console.ui.status_bar import ClockOffsetLabel, LinkIndicator, UserLabel
from console.ui.steer_dialogs import AlertMoreDialog, CancelDialog, CloseDialog, MessageDialog
from console.ui.timeline import TimelineModel

if TYPE_CHECKING:
    from console.domain.service_area import ServiceArea

log = logging.getLogger("console.ui.window")


@dataclass(frozen=True, slots=True)
class WindowContext:
    """What the composition root hands the window; nothing is looked up globally."""

    services: ConsoleServices
    server_clock: ServerClock
    mission_log: MissionLog
    settings: ConsoleSettings
    settings_store: SettingsStore | None
    tasks: TaskKeeper
    read_only: bool
    training: bool
    user: str
    role: str
    server: str
    service_area: Callable[[], ServiceArea]
    #: The installed language, swapped when the setting changes (None: no translators to swap).
    translation: i18n.Translation | None = None


class MainWindow(Retranslating, QMainWindow):
    #: The window was closed by the dispatcher (the composition root then shuts down).
    closed = Signal()
    #: The responder table and the map show the latest changes (for the bench and tests).
    refreshed = Signal()

    def __init__(self, ctx: WindowContext, map_view: MapView) -> None:
        super().__init__()
        self.ctx = ctx
        self.services = ctx.services
        self.settings = ctx.settings
        self.map = map_view
        self.setObjectName("mainWindow")
        self.resize(1600, 1000)

        self._selected: str | None = None
        #: The selected mission after it ended (kept in view until another is selected).
        self._ended: Mission | None = None
        self._dirty: set[str] = set()
        self._last_live: datetime | None = None
        self._unsubscribe: list[Unsubscribe] = []
        self._ignore_selection = False
        self.active_dialog: QWidget | None = None

        self.actions_ = WindowActions(self)
        self.sound = SoundCue(ctx.settings.sound, parent=self)
        self.actions_["sound"].setChecked(ctx.settings.sound)
        self._build()
        self._retranslate()
        self._connect_actions()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._flush)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self.tick)
        self.aed_presenter = AedPresenter(
            ctx.services.aeds,
            self.map,
            server_now=self.server_now,
            changed=self._refresh_timer.start,
            replaced=self._redraw_timeline,
            spawn=self._spawn,
            running=ctx.tasks.running,
        )
        self.raise_flow = RaiseFlow(
            self,
            ctx.services,
            self.map,
            tasks=ctx.tasks,
            service_area=ctx.service_area,
            server_now=self.server_now,
            aed_locator=self.aed_presenter.locator,
            can_raise=self.actions_["raise_alert"].isEnabled,
            link=lambda: (self.is_live(), self._why_not_live()),
        )
        self.raise_flow.raised.connect(self._raised)
        self.map_context.requested.connect(self.raise_flow.context_menu)
        self._aed_timer = QTimer(self)
        self._aed_timer.setInterval(60_000)
        self._aed_timer.timeout.connect(self.aed_presenter.refresh_availability)
        self._attach()
        self._tick_timer.start()
        self._aed_timer.start()

    # ================================================================== layout

    def _build(self) -> None:
        ctx = self.ctx
        actions = self.actions_
        self.list_model = MissionListModel(self)
        self.list_model.configure(
            after_s=self.settings.no_acceptance_after_s, min_accepted=self.settings.min_accepted
        )
        self.list_view = QTableView()
        self.list_view.setObjectName("missionList")
        self.list_view.setModel(self.list_model)
        self._table_style(self.list_view)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.selectionModel().selectionChanged.connect(self._list_selection_changed)

        self.panel = MissionPanel(
            [
                actions["alert_more"],
                actions["message"],
                actions["close_mission"],
                actions["cancel_mission"],
            ]
        )
        self.timeline_model = TimelineModel(self.services.aeds.aeds, self)
        self.timeline_view = QTableView()
        self.timeline_view.setObjectName("timeline")
        self.timeline_view.setModel(self.timeline_model)
        self._table_style(self.timeline_view)
        self.timeline_view.setWordWrap(True)
        theader = self.timeline_view.horizontalHeader()
        theader.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        theader.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        self.missions_label = missions_label = QLabel()
        missions_label.setStyleSheet("font-weight: bold;")
        self.timeline_label = timeline_label = QLabel()
        timeline_label.setStyleSheet("font-weight: bold;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(missions_label)
        top_layout.addWidget(self.list_view)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.panel)
        bottom_layout.addWidget(timeline_label)
        bottom_layout.addWidget(self.timeline_view, 1)
        left_split.addWidget(top)
        left_split.addWidget(bottom)
        left_split.setSizes([260, 700])
        left_layout.addWidget(left_split)

        self.responder_model = ResponderTableModel(self)
        self.responder_view = QTableView()
        self.responder_view.setObjectName("responders")
        self.responder_view.setModel(self.responder_model)
        self._table_style(self.responder_view)
        rheader = self.responder_view.horizontalHeader()
        rheader.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rheader.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.responder_view.selectionModel().selectionChanged.connect(
            self._responder_selection_changed
        )

        self.map.setMinimumSize(400, 300)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.map)
        right.addWidget(self.responder_view)
        right.setSizes([640, 300])
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)

        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right)
        main.setSizes([560, 1040])
        main.setStretchFactor(1, 1)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.training_banner = TrainingBanner() if ctx.training else None
        if self.training_banner is not None:
            layout.addWidget(self.training_banner)
        self.read_only_banner = ReadOnlyBanner() if ctx.read_only else None
        if self.read_only_banner is not None:
            layout.addWidget(self.read_only_banner)
        self.not_live_banner = NotLiveBanner()
        layout.addWidget(self.not_live_banner)
        self.command_banners = CommandBanners(self._mission_address)
        self.command_banners.retry.connect(self.retry_command)
        self.command_banners.dismissed.connect(self.dismiss_command)
        layout.addWidget(self.command_banners)
        layout.addWidget(main, 1)
        self.setCentralWidget(central)

        menu = self.menuBar()
        self.mission_menu = mission_menu = menu.addMenu("")
        for name in ("raise_alert", "alert_more", "message", "close_mission", "cancel_mission"):
            mission_menu.addAction(actions[name])
        mission_menu.addSeparator()
        mission_menu.addAction(actions["quit"])
        self.view_menu = view_menu = menu.addMenu("")
        for name in (
            "fit_mission",
            "show_all",
            "focus_missions",
            "focus_responders",
            "focus_timeline",
            "focus_map",
        ):
            view_menu.addAction(actions[name])
        self.settings_menu = settings_menu = menu.addMenu("")
        settings_menu.addAction(actions["sound"])
        settings_menu.addAction(actions["settings"])
        self.help_menu = help_menu = menu.addMenu("")
        help_menu.addAction(actions["shortcuts"])

        self.toolbar = toolbar = self.addToolBar("")
        toolbar.setObjectName("missionToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(actions["raise_alert"])
        toolbar.addSeparator()
        for name in ("alert_more", "message", "close_mission", "cancel_mission"):
            toolbar.addAction(actions[name])
        toolbar.addSeparator()
        toolbar.addAction(actions["fit_mission"])
        toolbar.addAction(actions["show_all"])
        raise_button = toolbar.widgetForAction(actions["raise_alert"])
        if raise_button is not None:
            raise_button.setObjectName("raiseToolButton")
            raise_button.setStyleSheet("font-weight: bold;")

        self.link_indicator = LinkIndicator()
        self.clock_label = ClockOffsetLabel()
        self.commands_label = QLabel()
        self.commands_label.setObjectName("commandsInFlight")
        self.user_label = UserLabel(ctx.user, ctx.role, ctx.server)
        status = self.statusBar()
        status.addPermanentWidget(self.link_indicator)
        status.addPermanentWidget(self.clock_label)
        status.addPermanentWidget(self.commands_label)
        status.addPermanentWidget(self.user_label)

        self.map_context = MapContext(self.map)
        self._shortcut_keeper = ShortcutKeeper(
            [action.shortcut() for action in actions.actions.values()], self.map
        )

    # ================================================================== words

    def _retranslate(self) -> None:
        """Every word the window sets itself, in the language installed now.

        The children (the tables' models, the panel, the bands, the status bar, the map) get
        ``LanguageChange`` after this and set their own; what the window builds from state
        (the actions' reasons, the warning in the panel, the commands in flight) is built here
        again from the state it has now.
        """
        title = self.tr("AMK Hjerteløber — dispatcher console")
        if self.ctx.training:
            title += " — " + self.tr("TRAINING")
        self.setWindowTitle(title)
        self.list_view.setAccessibleName(self.tr("Open missions"))
        self.timeline_view.setAccessibleName(self.tr("Mission timeline"))
        self.responder_view.setAccessibleName(self.tr("Responders of the selected mission"))
        self.map.setAccessibleName(self.tr("Map of missions, responders and AEDs"))
        self.missions_label.setText(self.tr("Open missions"))
        self.timeline_label.setText(self.tr("Timeline"))
        self.mission_menu.setTitle(self.tr("&Mission"))
        self.view_menu.setTitle(self.tr("&View"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Mission"))
        self.actions_.retranslate()
        if self._unsubscribe:  # attached to the services: the texts built from their state
            self._update_actions()
            self._update_commands_label()
            self._update_attention(self.server_now())

    @staticmethod
    def _table_style(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)

    def _connect_actions(self) -> None:
        a = self.actions_
        a["raise_alert"].triggered.connect(lambda: self.open_raise_dialog())
        a["alert_more"].triggered.connect(lambda: self._spawn(self.alert_more(), "alert-more"))
        a["message"].triggered.connect(lambda: self._spawn(self.message(), "message"))
        a["close_mission"].triggered.connect(lambda: self._spawn(self.close_mission(), "close"))
        a["cancel_mission"].triggered.connect(lambda: self._spawn(self.cancel_mission(), "cancel"))
        a["fit_mission"].triggered.connect(self._fit_selected)
        a["show_all"].triggered.connect(self.map.show_all)
        a["focus_missions"].triggered.connect(self.list_view.setFocus)
        a["focus_responders"].triggered.connect(self.responder_view.setFocus)
        a["focus_timeline"].triggered.connect(self.timeline_view.setFocus)
        a["focus_map"].triggered.connect(self.map.setFocus)
        a["sound"].toggled.connect(self._sound_toggled)
        a["settings"].triggered.connect(lambda: self._spawn(self.edit_settings(), "settings"))
        a["shortcuts"].triggered.connect(self._show_shortcuts)
        a["quit"].triggered.connect(self.close)
        self.map.item_clicked.connect(self._map_item_clicked)

    # ================================================================== subscriptions

    def _attach(self) -> None:
        services = self.services
        missions = services.missions.open_missions
        self._unsubscribe.append(missions.subscribe(self._mission_changed))
        self._unsubscribe.append(services.sync.status.subscribe(self._link_changed))
        self._unsubscribe.append(self.aed_presenter.attach())
        self._unsubscribe.append(services.missions.commands.subscribe(self._command_changed))
        self._unsubscribe.append(self.ctx.mission_log.subscribe(self._mission_events))
        # After the services have applied a batch: show it now, not a turn of the loop later.
        self._unsubscribe.append(services.sync.on_batch(self._batch_applied))
        self._unsubscribe.append(
            self.ctx.server_clock.offset.subscribe(self.clock_label.show_offset)
        )
        self.list_model.attention_raised.connect(self._attention_raised)
        now = self.server_now()
        self.list_model.tick(now)
        for mission in sorted(missions.values(), key=lambda m: m.created_at):
            self._add_mission(mission, unseen=False)
        for entry in services.interrupted:
            self.command_banners.show_entry(entry)
        self._link_changed(services.sync.status.value)
        self._update_commands_label()
        self.clock_label.show_offset(self.ctx.server_clock.offset.value)
        self._refresh_timer.start()
        if self.list_model.rowCount():
            self.select_mission(self.list_model.mission_ids()[0])
        else:
            self.select_mission(None)

    def detach(self) -> None:
        """Stop listening to the services (before they are closed)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._tick_timer.stop()
        self._aed_timer.stop()
        self._refresh_timer.stop()
        self.raise_flow.close()

    # ================================================================== time

    def server_now(self) -> datetime:
        return self.ctx.server_clock.now()

    def tick(self) -> None:
        now = self.server_now()
        self.list_model.tick(now)
        self.panel.tick(now)
        self._show_selected_responders(now)
        self._update_attention(now)

    # ================================================================== missions

    def _mission_changed(self, change: Change[str, Mission]) -> None:
        if change.kind is ChangeKind.ADDED:
            self._add_mission(change.value, unseen=change.key != self._selected)
        elif change.kind is ChangeKind.CHANGED:
            self._dirty.add(change.key)
            self._refresh_timer.start()
        else:
            self._mission_ended(change.key, change.value)

    def _add_mission(self, mission: Mission, *, unseen: bool) -> None:
        self.list_model.put(mission)
        if unseen:
            self.list_model.mark_unseen(mission.id)
        self._dirty.add(mission.id)
        self._refresh_timer.start()
        if not self.ctx.mission_log.following(mission.id):
            self._spawn(self._follow(mission.id), f"follow:{mission.id}")
        if self._selected is None and self._unsubscribe:
            self.select_mission(mission.id)  # nothing was in view: show the new one

    async def _follow(self, mission_id: str) -> None:
        events = await self.ctx.mission_log.follow(mission_id)
        if mission_id == self._selected:
            self.timeline_model.show(mission_id, events)
            self.timeline_view.scrollToBottom()
            self._dirty.add(mission_id)
            self._refresh_timer.start()

    def _mission_ended(self, mission_id: str, last_open: Mission) -> None:
        self._dirty.discard(mission_id)
        self._ignore_selection = True
        try:
            self.list_model.remove(mission_id)
        finally:
            self._ignore_selection = False
        if mission_id == self._selected:
            self._spawn(self._show_ended(mission_id, last_open), f"ended:{mission_id}")
        else:
            self.map.clear_mission(mission_id)
            self.ctx.mission_log.forget(mission_id)

    async def _show_ended(self, mission_id: str, last_open: Mission) -> None:
        final = await self.services.missions.mission(mission_id) or last_open
        if mission_id != self._selected:
            return
        self._ended = final
        self.map.set_mission(final)
        self._show_selected(final)
        events = self.ctx.mission_log.events(mission_id)
        self.timeline_model.show(mission_id, events)
        self.timeline_view.scrollToBottom()
        self._update_actions()
        self.refreshed.emit()

    def _mission_events(self, mission_id: str, events: tuple[Event, ...]) -> None:
        if mission_id == self._selected:
            self.timeline_model.append(mission_id, events)
            self.timeline_view.scrollToBottom()
        elif any(e.type is not EventType.RUNNER_POSITION for e in events):
            self.list_model.mark_unseen(mission_id)

    def _batch_applied(self, _result: object) -> None:
        if self._dirty or self.aed_presenter.pending:
            self._refresh_timer.stop()
            self._flush()

    def _flush(self) -> None:
        """Apply every mission changed since the last pass to the list, the map and the table."""
        if self.aed_presenter.flush():
            # ETAs to an AED depend on where it is: recompute the missions sending someone to one.
            self._dirty.update(
                m.id
                for m in self.services.missions.open_missions.values()
                if any(r.task is not None and r.task.aed_id for r in m.responders)
            )
        dirty, self._dirty = self._dirty, set()
        now = self.server_now()
        open_missions = self.services.missions.open_missions
        aeds = self.services.aeds.aeds
        for mission_id in dirty:
            mission = open_missions.get(mission_id)
            if mission is None:
                continue
            before = self.list_model.mission(mission_id)
            self.list_model.put(mission)
            fresh = new_acceptances(before, mission) if before is not None else 0
            if fresh:
                self.sound.play(f"{fresh} new acceptance(s) on {mission_id}")
            modes = self.ctx.mission_log.modes(mission_id)
            self.aed_presenter.check_known(mission)
            rows = responder_rows(mission, aeds, modes, now)
            etas = {row.responder.runner_id: row.eta_patient for row in rows}
            self.map.set_mission(mission, etas)
            if mission_id == self._selected:
                self._show_selected(mission)
        if dirty:
            self._update_attention(now)
            self.refreshed.emit()

    # ================================================================== selection

    @property
    def selected_mission_id(self) -> str | None:
        return self._selected

    def selected_mission(self) -> Mission | None:
        if self._selected is None:
            return None
        return self.services.missions.open_missions.get(self._selected) or self._ended

    def select_mission(self, mission_id: str | None, *, fit: bool = True) -> None:
        if self._dirty:
            self._flush()  # the map must have the mission before it can be framed
        previous_ended = self._ended
        if mission_id != self._selected and previous_ended is not None:
            self._ended = None
            self.map.clear_mission(previous_ended.id)
            self.ctx.mission_log.forget(previous_ended.id)
        self._selected = mission_id
        self._sync_list_selection(mission_id)
        mission = self.selected_mission()
        if mission_id is not None:
            self.list_model.mark_seen(mission_id)
        self.timeline_model.show(mission_id, self.ctx.mission_log.events(mission_id or ""))
        self.timeline_view.scrollToBottom()
        self._show_selected(mission)
        if mission is not None:
            self.map.clear_selection()
            if fit:
                self.fit_mission()
        self._update_actions()

    def _sync_list_selection(self, mission_id: str | None) -> None:
        row = -1 if mission_id is None else self.list_model.row_of(mission_id)
        selection = self.list_view.selectionModel()
        self._ignore_selection = True
        try:
            if row < 0:
                selection.clearSelection()
            else:
                index = self.list_model.index(row, 0)
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        finally:
            self._ignore_selection = False

    def _list_selection_changed(self, *_: Any) -> None:
        if self._ignore_selection:
            return
        rows = self.list_view.selectionModel().selectedRows()
        if not rows:
            return
        mission_id = self.list_model.mission_ids()[rows[0].row()]
        if mission_id != self._selected:
            self.select_mission(mission_id)

    def _show_selected(self, mission: Mission | None) -> None:
        now = self.server_now()
        self.panel.show_mission(mission, now)
        self._show_selected_responders(now, mission)
        self._update_attention(now)
        self._update_actions()

    def _show_selected_responders(self, now: datetime, mission: Mission | None = None) -> None:
        mission = mission or self.selected_mission()
        selected_runner = self.selected_runner_id()
        modes = self.ctx.mission_log.modes(mission.id) if mission is not None else {}
        self._ignore_selection = True
        try:
            self.responder_model.show(mission, self.services.aeds.aeds, modes, now)
            if selected_runner is not None:
                self._select_responder_row(selected_runner)
        finally:
            self._ignore_selection = False
        rows = self.responder_model.rows()
        there = [
            row.responder.arrived_at
            for row in rows
            if row.responder.state is ResponderState.ARRIVED and row.responder.arrived_at
        ]
        if there:
            self.panel.show_first_arrival(min(there), True, now)
        else:
            self.panel.show_first_arrival(first_arrival(rows), False, now)

    def selected_runner_id(self) -> str | None:
        rows = self.responder_view.selectionModel().selectedRows()
        return self.responder_model.runner_id(rows[0].row()) if rows else None

    def select_responder(self, runner_id: str) -> None:
        """Select a responder of the selected mission in the table (and so on the map)."""
        self._select_responder_row(runner_id)

    def _select_responder_row(self, runner_id: str) -> None:
        row = self.responder_model.row_of(runner_id)
        if row < 0:
            return
        self.responder_view.selectionModel().setCurrentIndex(
            self.responder_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.responder_view.scrollTo(self.responder_model.index(row, 0))

    def _responder_selection_changed(self, *_: Any) -> None:
        if self._ignore_selection:
            return
        runner_id = self.selected_runner_id()
        mission = self.selected_mission()
        if runner_id is not None and mission is not None:
            self.map.select("responder", runner_id, mission.id)

    def _map_item_clicked(self, kind: str, item_id: str, mission_id: str) -> None:
        if kind == "incident":
            if item_id != self._selected:
                self.select_mission(item_id, fit=False)
        elif kind == "responder" and mission_id:
            if mission_id != self._selected:
                self.select_mission(mission_id, fit=False)
            self._select_responder_row(item_id)

    def _fit_selected(self) -> None:
        self.fit_mission()

    def fit_mission(self) -> None:
        """Frame the selected mission: its responders on the way, else its alert circle."""
        mission = self.selected_mission()
        if mission is None:
            return
        view = mission_view(mission, self.services.aeds.aeds, self.map.width(), self.map.height())
        if view is None:
            self.map.fit_incident(mission.id)
        else:
            self.map.set_view(view.lat, view.lon, view.zoom)

    # ================================================================== attention, sound

    def _update_attention(self, now: datetime) -> None:
        mission = self.selected_mission()
        settings = self.settings
        if mission is not None and needs_more(
            mission,
            now,
            after_s=settings.no_acceptance_after_s,
            min_accepted=settings.min_accepted,
        ):
            self.panel.set_attention(
                self.tr("⚠ Only {n} accepted after {s} s — consider Alert more (F3)").format(
                    n=accepted_count(mission), s=settings.no_acceptance_after_s
                )
            )
        elif mission is not None and not mission.is_open:
            reason = mission.end_reason or ""
            label = (
                self.tr("CANCELLED: {reason}")
                if mission.state.value == "cancelled"
                else self.tr("CLOSED: {reason}")
            )
            self.panel.set_attention(label.format(reason=texts.outcome_label(reason)))
        else:
            self.panel.set_attention(None)

    def _attention_raised(self, mission_id: str) -> None:
        self.sound.play(f"too few acceptances on {mission_id}")

    def _sound_toggled(self, on: bool) -> None:
        self.sound.enabled = on
        self._save_settings(self.settings.changed(sound=on))

    # ================================================================== link, AEDs, commands

    def _link_changed(self, status: LinkStatus) -> None:
        if status.state is LinkState.LIVE:
            self._last_live = None
        elif self._last_live is None:
            self._last_live = status.since
        self.link_indicator.show_status(status)
        self.not_live_banner.show_status(status, self._last_live)
        self._update_actions()
        if status.state is LinkState.UNAUTHORISED and not self.ctx.tasks.running("relogin"):
            self._spawn(self.log_in_again(status.detail), "relogin")

    async def log_in_again(self, reason: str) -> None:
        """The server refused the console's login mid-shift: ask for it again, in the window.

        The event sync waits, without retrying (a wrong password repeated would lock the
        account), until :meth:`ConsoleServices.login` gives it new credentials.
        """
        session = self.services.client.session
        dialog = LoginDialog(self.ctx.server, session.username if session else None, self)
        dialog.show_error(
            self.tr("The dispatch service refused the login: {reason}").format(
                reason=reason or self.tr("no reason given")
            )
        )
        self.active_dialog = dialog
        try:
            while await ask(dialog):
                username, password = dialog.credentials()
                try:
                    await self.services.login(username, password)
                except ApiError as exc:
                    dialog.show_error(str(exc))
                    continue
                self.statusBar().showMessage(self.tr("Logged in again"), 8000)
                return
        finally:
            self.active_dialog = None
            dialog.deleteLater()

    def is_live(self) -> bool:
        return self.services.sync.status.value.state is LinkState.LIVE

    def _why_not_live(self) -> str:
        status = self.services.sync.status.value
        label = texts.link_label(status.state)
        return f"{label}: {status.detail}" if status.detail else label

    def _update_actions(self) -> None:
        mission = self.selected_mission()
        live = self.is_live()
        why = self._why_not_live()
        self.actions_.update(
            live=live,
            writable=not self.ctx.read_only,
            mission_open=mission is not None and mission.is_open,
            why_not_live=why,
        )
        self.raise_flow.set_live(live, why)

    def _redraw_timeline(self) -> None:
        """The whole AED register changed: the timeline's lines name AEDs by address now."""
        self.timeline_model.redraw()

    def _command_changed(self, change: Change[str, OutboxEntry]) -> None:
        entry = change.value
        self.command_banners.show_entry(entry)
        self._update_commands_label()
        if change.kind is ChangeKind.CHANGED and entry.state is OutboxState.SENT:
            label = texts.command_label(
                entry.command, self._mission_address(entry.command.mission_id)
            )
            self.statusBar().showMessage(self.tr("Done: {command}").format(command=label), 8000)

    def _mission_address(self, mission_id: str | None) -> str | None:
        mission = (
            None if mission_id is None else self.services.missions.open_missions.get(mission_id)
        )
        return None if mission is None else mission.address

    def _update_commands_label(self) -> None:
        sending = sum(
            1 for e in self.services.missions.commands.values() if e.state is OutboxState.SENDING
        )
        self.commands_label.setText(
            self.tr("Sending %n command(s)…", "", sending) if sending else ""
        )

    def retry_command(self, key: str) -> None:
        self._spawn(self.services.missions.retry(key), f"retry:{key}")

    def dismiss_command(self, key: str) -> None:
        self._spawn(self.services.missions.dismiss(key), f"dismiss:{key}")

    # ================================================================== raise

    @property
    def raise_dialog(self) -> RaiseDialog | None:
        """The raise dialog while it is open."""
        return self.raise_flow.dialog

    def open_raise_dialog(self, at: LatLon | None = None) -> RaiseDialog | None:
        return self.raise_flow.open(at)

    def _raised(self, mission_id: str) -> None:
        self.statusBar().showMessage(self.tr("Alert raised"), 8000)
        self.select_mission(mission_id)

    # ================================================================== steering

    async def alert_more(self) -> OutboxEntry | None:
        mission = self._open_selected()
        if mission is None:
            return None
        dialog = AlertMoreDialog(mission, self.settings.alert_more_count, self)
        if not await self._ask(dialog):
            return None
        count, radius = dialog.values()
        return await self.services.missions.alert_more(mission.id, count, radius)

    async def message(self, runner_id: str | None = None) -> OutboxEntry | None:
        mission = self._open_selected()
        if mission is None:
            return None
        dialog = MessageDialog(mission, self)
        chosen = runner_id or self.selected_runner_id()
        if chosen is not None:
            dialog.choose_runner(chosen)
        if not await self._ask(dialog):
            return None
        text, to = dialog.values()
        return await self.services.missions.message(mission.id, text, to)

    async def cancel_mission(self) -> OutboxEntry | None:
        mission = self._open_selected()
        if mission is None:
            return None
        dialog = CancelDialog(mission, self)
        if not await self._ask(dialog):
            return None
        return await self.services.missions.cancel(mission.id, dialog.reason_text())

    async def close_mission(self) -> OutboxEntry | None:
        mission = self._open_selected()
        if mission is None:
            return None
        dialog = CloseDialog(mission, self)
        if not await self._ask(dialog):
            return None
        return await self.services.missions.close(mission.id, dialog.outcome_value())

    def _open_selected(self) -> Mission | None:
        mission = self.selected_mission()
        if mission is None or not mission.is_open or self.ctx.read_only or not self.is_live():
            return None
        return mission

    async def _ask(self, dialog: QWidget) -> bool:
        self.active_dialog = dialog
        try:
            return await ask(dialog)  # type: ignore[arg-type]
        finally:
            self.active_dialog = None
            dialog.deleteLater()
            self.activateWindow()

    # ================================================================== settings, help

    async def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if not await self._ask(dialog):
            return
        self._apply_settings(dialog.values())

    def _apply_settings(self, settings: ConsoleSettings) -> None:
        language_changed = settings.language != self.settings.language
        self._save_settings(settings)
        if language_changed and self.ctx.translation is not None:
            # Qt sends LanguageChange to every widget on the next turn of the event loop.
            try:
                self.ctx.translation.switch(settings.language)
            except i18n.TranslationError as exc:
                log.error("language not changed: %s", exc)
        self.sound.enabled = settings.sound
        self.actions_["sound"].setChecked(settings.sound)
        self.list_model.configure(
            after_s=settings.no_acceptance_after_s, min_accepted=settings.min_accepted
        )
        self._update_attention(self.server_now())

    def _save_settings(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        if self.ctx.settings_store is not None:
            try:
                self.ctx.settings_store.save(settings)
            except OSError as exc:
                log.error("settings not saved: %s", exc)

    def _show_shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("shortcutsBox")
        box.setWindowTitle(self.tr("Keyboard shortcuts"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText("\n".join(self.actions_.shortcut_lines()))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ================================================================== plumbing

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any] | None:
        try:
            return self.ctx.tasks.spawn(coro, name=name, replace=True)
        except RuntimeError as exc:
            log.info("not started (%s): %s", name, exc)
            return None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        event.accept()
        self.closed.emit()
