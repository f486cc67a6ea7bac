"""The composition root: the one place that builds the console and takes it down again.

In order: the settings and the translation (before any widget; the window swaps it when the
dispatcher picks another language), the map (its page loads while
the rest starts), the training service when ``--simulate`` (in parallel with the map), the
login, the services, the window. On the way out, the reverse: the window lets go of the
services, background tasks are cancelled, the services close the API client and the cache,
the training service is stopped, and the widgets are deleted while the application still
exists. Everything is passed to constructors; nothing is looked up globally.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from console.api.client import DispatchClient, Session
from console.api.problems import AccountLocked, ApiError, Unauthorised
from console.api.settings import ApiSettings
from console.maps import MapView
from console.services.console_services import ConsoleServices, ServicesConfig
from console.services.link import LinkState
from console.services.tasks import TaskKeeper
from console.ui import i18n
from console.ui.data_dirs import DataDirs
from console.ui.login_dialog import LoginDialog
from console.ui.main_window import MainWindow, WindowContext
from console.ui.mission_log import MissionLog
from console.ui.options import ConsoleOptions, Role
from console.ui.qt_async import finished
from console.ui.settings import SettingsStore
from console.ui.training_service import (
    DEMO_DISPATCHER,
    DEMO_SUPERVISOR,
    TrainingService,
    training_service_for,
)

if TYPE_CHECKING:
    from console.domain.service_area import ServiceArea

log = logging.getLogger("console.ui")


class LoginCancelled(Exception):
    """The dispatcher closed the login dialog: quit quietly."""


@dataclass
class Console:
    """Everything one running console consists of, for the app, the tests and the bench."""

    options: ConsoleOptions
    dirs: DataDirs
    services: ConsoleServices
    window: MainWindow
    mission_log: MissionLog
    tasks: TaskKeeper
    training: TrainingService | None
    session: Session
    base_url: str


class ServiceAreaLoader:
    """Denmark's service area (half a second of geometry work), built once, off the start-up.

    The raise dialog needs it at the first keystroke, the start-up never: it is built in a
    worker thread a little after the window is ready (so it does not compete with the start-up
    for the interpreter), and a caller who comes earlier builds it, or waits for the thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._area: ServiceArea | None = None

    def __call__(self) -> ServiceArea:
        with self._lock:
            if self._area is None:
                from console.domain.service_area import ServiceArea  # shapely: not at start-up

                self._area = ServiceArea.denmark()
            return self._area

    async def preload(self, after_s: float) -> None:
        await asyncio.sleep(after_s)
        await asyncio.get_running_loop().run_in_executor(None, self)


async def _check_login(api: ApiSettings) -> Session:
    """Log in once with a short-lived client: wrong credentials never reach the event sync."""
    async with DispatchClient(api) as client:
        return await client.login()


#: Seconds after the window is up when the service area is built in the background.
AREA_PRELOAD_AFTER_S = 3.0

#: With ``--username``, the password may come from this environment variable instead of the
#: dialog (unattended consoles, the start-up benchmark); never from the command line, which
#: ``ps`` shows to every user of the machine.
PASSWORD_ENV = "AMK_CONSOLE_PASSWORD"


async def _first_login(services: ConsoleServices, limit_s: float = 30.0) -> Session:
    """The session the event sync's first call logged in with (one login, not two).

    :class:`Unauthorised` when the sync was refused: its link state says so.
    """
    deadline = asyncio.get_running_loop().time() + limit_s
    while True:
        session = services.client.session
        if session is not None:
            return session
        status = services.sync.status.value
        if status.state is LinkState.UNAUTHORISED:
            raise Unauthorised(
                type="about:blank", title="Login refused", status=401, detail=status.detail
            )
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no login within {limit_s:g} s: {status.detail}")
        await asyncio.sleep(0.005)


async def _services_with_login(
    options: ConsoleOptions, base_url: str, cache_url: str
) -> tuple[ConsoleServices, Session]:
    """Start the services for ``--server``: with the password from the environment when given
    (its login is the sync's own), else after the login dialog has checked the credentials."""
    password = os.environ.get(PASSWORD_ENV)
    if options.username and password:
        api = ApiSettings(
            base_url, username=options.username, password=password, ca_file=options.ca_file
        )
        services = await ConsoleServices.start(ServicesConfig(api=api, cache_url=cache_url))
        try:
            return services, await _first_login(services)
        except (Unauthorised, TimeoutError) as exc:
            log.info("login from %s did not work (%s); asking", PASSWORD_ENV, exc)
            await services.aclose()
    api, session = await _login_interactively(options, base_url)
    services = await ConsoleServices.start(ServicesConfig(api=api, cache_url=cache_url))
    return services, session


async def _login_interactively(
    options: ConsoleOptions, base_url: str
) -> tuple[ApiSettings, Session]:
    dialog = LoginDialog(base_url, options.username)
    try:
        while True:
            outcome = finished(dialog)
            dialog.open()
            if not await outcome:
                raise LoginCancelled
            username, password = dialog.credentials()
            api = ApiSettings(
                base_url, username=username, password=password, ca_file=options.ca_file
            )
            try:
                return api, await _check_login(api)
            except AccountLocked as exc:
                dialog.show_error(
                    QCoreApplication.translate("Composition", "Account locked: {reason}").format(
                        reason=exc.reason
                    )
                )
            except Unauthorised:
                dialog.show_error(
                    QCoreApplication.translate("Composition", "Wrong user name or password.")
                )
            except ApiError as exc:
                dialog.show_error(
                    QCoreApplication.translate(
                        "Composition", "The dispatch service cannot be reached: {reason}"
                    ).format(reason=str(exc))
                )
    finally:
        dialog.deleteLater()


@asynccontextmanager
async def running_console(
    options: ConsoleOptions,
    app: QApplication,
    *,
    map_view: MapView | None = None,
    training: TrainingService | None = None,
) -> AsyncIterator[Console]:
    """Build the whole console, yield it, and take it down in the right order.

    ``training``: the ``--simulate`` service, already launched by the caller (see
    :func:`training_service_for`), else one is started here.
    """
    temporary: tempfile.TemporaryDirectory[str] | None = None
    data_dir = options.data_dir
    if data_dir is None and options.screenshot is not None:
        temporary = tempfile.TemporaryDirectory(prefix="amk-console-screenshot-")
        data_dir = Path(temporary.name)
    dirs = DataDirs.for_user(data_dir)
    dirs.ensure()
    store = SettingsStore(dirs.settings_file)
    settings = store.load()
    translation = i18n.Translation(app, settings.language, dirs.translations)

    view = map_view or MapView()
    services: ConsoleServices | None = None
    window: MainWindow | None = None
    tasks = TaskKeeper()
    unsubscribe_log = None
    try:
        service_area = ServiceAreaLoader()
        if options.simulate:
            training = training or training_service_for(options, dirs)
            base_url = await training.start()
            username = DEMO_SUPERVISOR if options.role is Role.SUPERVISOR else DEMO_DISPATCHER
            api = ApiSettings(base_url, username=username, password=training.password)
            cache_url = dirs.training_cache_url
            services = await ConsoleServices.start(ServicesConfig(api=api, cache_url=cache_url))
            session = await _first_login(services)
        else:
            assert options.server is not None
            base_url = options.server
            cache_url = dirs.cache_url_for(base_url)
            services, session = await _services_with_login(options, base_url, cache_url)
        if session.role not in ("dispatcher", "supervisor"):
            raise PermissionError(
                f"the account {session.username} has the role {session.role}; "
                "the console needs a dispatcher or supervisor"
            )
        read_only = options.role is Role.SUPERVISOR or session.role == "supervisor"
        mission_log = MissionLog(services.cache)
        unsubscribe_log = services.sync.on_batch(mission_log.on_batch)
        ctx = WindowContext(
            services=services,
            server_clock=services.server_clock,
            mission_log=mission_log,
            settings=settings,
            settings_store=store,
            tasks=tasks,
            read_only=read_only,
            training=options.simulate,
            user=session.username,
            role=session.role,
            server=base_url,
            service_area=service_area,
            translation=translation,
        )
        window = MainWindow(ctx, view)
        tasks.spawn(service_area.preload(AREA_PRELOAD_AFTER_S), name="service-area")
        yield Console(
            options=options,
            dirs=dirs,
            services=services,
            window=window,
            mission_log=mission_log,
            tasks=tasks,
            training=training,
            session=session,
            base_url=base_url,
        )
    finally:
        if window is not None:
            window.detach()
        if unsubscribe_log is not None:
            unsubscribe_log()
        await tasks.aclose()
        if services is not None:
            await services.aclose()
        if training is not None:
            await training.stop()
        if window is not None:
            window.hide()
            window.deleteLater()
        else:
            view.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
        translation.uninstall()
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.cleanup()


async def run_console(
    options: ConsoleOptions,
    app: QApplication,
    map_view: MapView | None = None,
    training: TrainingService | None = None,
) -> int:
    """The application: run until the window is closed (or the screenshot is saved)."""
    try:
        async with running_console(options, app, map_view=map_view, training=training) as console:
            if options.screenshot is not None:
                from console.ui.scenarios import render_screenshot

                await render_screenshot(console, options.scenario, options.screenshot)
                return 0
            closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def on_closed() -> None:
                if not closed.done():
                    closed.set_result(None)

            console.window.closed.connect(on_closed)
            console.window.show()
            await closed
            return 0
    except LoginCancelled:
        return 0
